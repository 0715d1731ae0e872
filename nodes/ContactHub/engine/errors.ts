import type { ContactProvider } from '../providers/types';

/** A failed update, worded for the user: a one-line message and a longer description. */
export interface Failure {
	message: string;
	description: string;
	httpCode?: string;
	code?: string;
}

/** Adds `text` after an error's description, the longer text n8n shows below its message. */
export function addDescription<E extends Error>(error: E, text: string): E {
	const described = error as E & { description?: string | null };
	described.description = described.description ? `${described.description} ${text}` : text;
	return error;
}

/**
 * What a request does at the vendor: a read changes nothing (always safe to repeat), an update sets
 * fields (safe to repeat unless it appends), a create adds a contact (never repeated blindly).
 */
export type RequestKind = 'read' | 'update' | 'create';

/** What a request was for, in the words its error messages use. */
export interface Action {
	kind: RequestKind;
	/** "the update of contact 123", "the look-up of email jane@example.com" */
	name: string;
	/** "contact 123", "email jane@example.com": what "for …" refers to */
	target: string;
	/** "update contact 123": what "failed to …" refers to */
	verb: string;
	/** "contact 123 was not updated": what a rate limit prevented */
	undone: string;
	/** "update contacts": what a 403 says the key may not do */
	ability: string;
	/** The permission a 403 asks for */
	permission?: string;
	/** The contact ID, when the request addressed one (a 404 then means no such contact) */
	contactId?: string;
}

/** The update of one contact. */
export function updateAction(provider: ContactProvider, contactId: string): Action {
	return {
		kind: 'update',
		name: `the update of contact ${contactId}`,
		target: `contact ${contactId}`,
		verb: `update contact ${contactId}`,
		undone: `contact ${contactId} was not updated`,
		ability: 'update contacts',
		permission: provider.writePermission,
		contactId,
	};
}

/** The look-up of a contact by `what` ("email jane@example.com"). */
export function lookupAction(provider: ContactProvider, what: string): Action {
	return {
		kind: 'read',
		name: `the look-up of ${what}`,
		target: what,
		verb: `look up ${what}`,
		undone: `${what} was not looked up, so nothing was updated`,
		ability: 'read contacts',
		permission: provider.readPermission,
	};
}

/** The read of contact `contactId` by its ID. */
export function readAction(provider: ContactProvider, contactId: string): Action {
	return {
		kind: 'read',
		name: `the read of contact ${contactId}`,
		target: `contact ${contactId}`,
		verb: `read contact ${contactId}`,
		undone: `contact ${contactId} was not read`,
		ability: 'read contacts',
		permission: provider.readPermission,
		contactId,
	};
}

/** The create of the contact with `what` ("email jane@example.com"). */
export function createAction(provider: ContactProvider, what: string): Action {
	return {
		kind: 'create',
		name: `the create of the contact with ${what}`,
		target: `the contact with ${what}`,
		verb: `create the contact with ${what}`,
		undone: `the contact with ${what} was not created`,
		ability: 'create contacts',
		permission: provider.writePermission,
	};
}

/** The request's kind as a noun, for messages: "the look-up", "the update", "the create". */
const KIND_NOUN: Record<RequestKind, string> = { read: 'the look-up', update: 'the update', create: 'the create' };

function textOf(body: unknown): string | undefined {
	return typeof body === 'string' && body.trim() !== '' ? body : undefined;
}

/** A short, readable excerpt of a non-JSON body (an HTML error page, a truncated JSON). */
export function excerpt(text: string, max = 160): string {
	const plain = text
		.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

/** Describes a vendor's non-2xx answer (or a 2xx whose body is unreadable) to one request. */
export function describeVendorFailure(
	provider: ContactProvider,
	action: Action,
	status: number,
	body: unknown,
): Failure {
	const { label } = provider;
	const raw = textOf(body);
	if (raw !== undefined || (body !== undefined && (body === null || typeof body !== 'object'))) {
		const html = raw !== undefined && /<html|<!doctype/i.test(raw);
		return {
			message: `${label} answered ${status} for ${action.target} with ${html ? 'an HTML page' : 'a body that is not valid JSON'}`,
			description:
				(raw ? `The answer began: "${excerpt(raw)}". ` : '') +
				(status >= 500 || html
					? `${label} or a proxy in front of it had a problem; try again later.`
					: `This is not an answer ${label} documents; check the credential's Base URL.`),
			httpCode: String(status),
		};
	}

	const error = provider.readError(body);
	const tag = `(${status}${error.code ? ` ${error.code}` : ''})`;
	const vendorText = error.message ?? 'no message';
	const fields = error.fields
		? Object.entries(error.fields)
				.map(([field, why]) => `${field} — ${why}`)
				.join('; ')
		: undefined;
	const base = { httpCode: String(status), code: error.code };

	if (status === 401) {
		return {
			...base,
			message: `${label} refused the API key ${tag}: ${vendorText}`,
			description: `Check the ${label} credential: the API key is missing, wrong, expired or revoked.`,
		};
	}
	if (status === 403) {
		const { permission } = action;
		const give = permission ? ` Give the key the ${permission} permission in ${label}, or use a key that has it.` : '';
		// The message alone must say what is missing: with Continue On Fail, n8n keeps only the message on the item.
		const needs =
			permission && !vendorText.includes(permission) ? ` (the API key needs the ${permission} permission)` : '';
		return {
			...base,
			message: `${label} denied ${action.name} ${tag}: ${vendorText}${needs}`,
			description: `Check the ${label} credential: the API key is valid but not allowed to ${action.ability}.${give}`,
		};
	}
	if (status === 404 && action.contactId !== undefined) {
		return {
			...base,
			message: `${label} has no contact with ID "${action.contactId}" ${tag}: ${vendorText}`,
			description: `Check the Contact ID: it must be the ${label} ID of an existing contact, not a name or an email.`,
		};
	}
	if (status === 404) {
		return {
			...base,
			message: `${label} answered 404 to ${action.name} ${tag}: ${vendorText}`,
			description: `The ${action.kind === 'create' ? 'create' : 'look-up'} address was not found: check the Base URL of the ${label} credential.`,
		};
	}
	if (status >= 400 && status < 500) {
		return {
			...base,
			message: `${label} rejected ${action.name} ${tag}: ${fields ?? vendorText}`,
			description: fields
				? `${vendorText}. Fix the fields named above and run again.`
				: `${label} said: ${vendorText}`,
		};
	}
	return {
		...base,
		message: `${label} failed to ${action.verb} ${tag}: ${vendorText}`,
		description: `${label} had a problem on its side; try again later.`,
	};
}

/** Describes a redirect: requests are not sent on, as an API that redirects is almost always a wrong Base URL. */
export function redirectFailure(provider: ContactProvider, action: Action, status: number, location: unknown): Failure {
	const target = typeof location === 'string' && location.trim() !== '' ? location.trim() : undefined;
	const request = action.contactId !== undefined && action.kind === 'read' ? 'the read' : KIND_NOUN[action.kind];
	return {
		message: `${provider.label} answered ${status} (a redirect) for ${action.target}; ${request} was not sent on`,
		description:
			`The Base URL of the ${provider.label} credential points somewhere that redirects${target ? ` to ${excerpt(target)}` : ''}. ` +
			`Set Base URL to the API address ${provider.label} documents${target ? ' (often the address above, e.g. https:// instead of http://)' : ''}.`,
		httpCode: String(status),
	};
}

/** A 2xx whose body cannot be read: an update may have been applied, a look-up changed nothing. */
export function unreadableSuccess(provider: ContactProvider, action: Action, status: number, raw: unknown): Failure {
	const failure = describeVendorFailure(provider, action, status, raw);
	const answer = `the answer could not be read: "${excerpt(String(raw))}".`;
	failure.description = {
		read: `${provider.label} answered the look-up, but ${answer} Nothing was updated; check the credential's Base URL.`,
		update: `The update may have been applied, but ${answer} Check the contact in ${provider.label} before running again.`,
		create: `The contact may have been created, but ${answer} Check ${provider.label} before running again.`,
	}[action.kind];
	return failure;
}

/** Why a request that may have arrived was not repeated, and what the user should check. */
export function notRetriedText(provider: ContactProvider, action: Action): string {
	if (action.kind === 'create') return `It was not sent again: a create is never repeated blindly, and ${provider.label} may have received it.`;
	return `It was not retried: this update appends notes, and ${provider.label} may have received it. Check the contact before running again.`;
}

/** What is known of a request that got no answer. */
interface NoAnswer {
	code?: string;
	timedOut: boolean;
	attempts: number;
	timeoutMs: number;
	/** Whether it was safe to retry (false: an appending update that may have arrived). */
	retriable: boolean;
}

/** A request that got no answer: a timeout, or a network error (with the attempts made). */
export function networkFailure(provider: ContactProvider, action: Action, { code, timedOut, attempts, timeoutMs, retriable }: NoAnswer): Failure {
	const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
	const notRetried = retriable ? '' : ` ${notRetriedText(provider, action)}`;
	if (timedOut) {
		return {
			message: `${provider.label} did not answer within ${timeoutMs} ms for ${action.target}${tries}`,
			description: `Raise the Timeout option, or try again later.${notRetried}`,
			code,
		};
	}
	return {
		message: `Could not reach ${provider.label} for ${action.target}${tries} (${code ?? 'network error'})`,
		description: `Check the Base URL of the ${provider.label} credential and the network.${notRetried}`,
		code,
	};
}

/** The 429s one request met before the node gave up. */
interface RateLimited {
	hits: number;
	/** From the first 429 to the last: the time really waited. */
	waitedMs: number;
	/** The last wait the vendor asked for. */
	askedMs?: number;
	maxRetryWaitMs: number;
	/** Whether Retry on Rate Limit was on. */
	retried: boolean;
}

/** A 429 the node gave up on: how often, how long it really waited, and what to change. */
export function rateLimitFailure(
	provider: ContactProvider,
	action: Action,
	body: unknown,
	{ hits, waitedMs, askedMs, maxRetryWaitMs, retried }: RateLimited,
): Failure {
	const vendor = describeVendorFailure(provider, action, 429, body);
	const seconds = Math.round(waitedMs / 100) / 10;
	const askedLonger =
		askedMs !== undefined && askedMs > maxRetryWaitMs
			? ` ${provider.label} last asked to wait ${Math.round(askedMs / 1000)} s, longer than Max Retry Wait (${maxRetryWaitMs / 1000} s).`
			: '';
	const how = retried
		? `rate-limited ${hits} time${hits === 1 ? '' : 's'}, waited ${seconds} s in total`
		: 'rate-limited; Retry on Rate Limit is off';
	return {
		...vendor,
		message: `${provider.label} rate limit: ${action.undone} (${how})`,
		description:
			`${provider.label} said: ${vendor.message}.${askedLonger} Set Max Requests per Minute below your ${provider.label} plan's limit, ` +
			'or raise Max Retries or Max Retry Wait (Seconds) so the node waits as long as the vendor asks.',
	};
}
