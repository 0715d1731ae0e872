import type { ContactProvider } from '../providers/types';

/** A failed update, worded for the user: a one-line message and a longer description. */
export interface Failure {
	message: string;
	description: string;
	httpCode?: string;
	code?: string;
}

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

/** Describes a vendor's non-2xx answer (or a 2xx whose body is unreadable) for one contact. */
export function describeVendorFailure(
	provider: ContactProvider,
	contactId: string,
	status: number,
	body: unknown,
): Failure {
	const { label } = provider;
	const raw = textOf(body);
	if (raw !== undefined || (body !== undefined && (body === null || typeof body !== 'object'))) {
		const html = raw !== undefined && /<html|<!doctype/i.test(raw);
		return {
			message: `${label} answered ${status} for contact ${contactId} with ${html ? 'an HTML page' : 'a body that is not valid JSON'}`,
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
		const permission = provider.writePermission
			? ` Give the key the ${provider.writePermission} permission in ${label}, or use a key that has it.`
			: '';
		// The message alone must say what is missing: with Continue On Fail, n8n keeps only the message on the item.
		const needs =
			provider.writePermission && !vendorText.includes(provider.writePermission)
				? ` (the API key needs the ${provider.writePermission} permission)`
				: '';
		return {
			...base,
			message: `${label} denied the update of contact ${contactId} ${tag}: ${vendorText}${needs}`,
			description: `Check the ${label} credential: the API key is valid but not allowed to update contacts.${permission}`,
		};
	}
	if (status === 404) {
		return {
			...base,
			message: `${label} has no contact with ID "${contactId}" ${tag}: ${vendorText}`,
			description: `Check the Contact ID: it must be the ${label} ID of an existing contact, not a name or an email.`,
		};
	}
	if (status >= 400 && status < 500) {
		return {
			...base,
			message: `${label} rejected the update of contact ${contactId} ${tag}: ${fields ?? vendorText}`,
			description: fields
				? `${vendorText}. Fix the fields named above and run again.`
				: `${label} said: ${vendorText}`,
		};
	}
	return {
		...base,
		message: `${label} failed to update contact ${contactId} ${tag}: ${vendorText}`,
		description: `${label} had a problem on its side; try again later.`,
	};
}

/** Describes a redirect: updates are not sent on, as an API that redirects is almost always a wrong Base URL. */
export function redirectFailure(provider: ContactProvider, contactId: string, status: number, location: unknown): Failure {
	const target = typeof location === 'string' && location.trim() !== '' ? location.trim() : undefined;
	return {
		message: `${provider.label} answered ${status} (a redirect) for contact ${contactId}; the update was not sent on`,
		description:
			`The Base URL of the ${provider.label} credential points somewhere that redirects${target ? ` to ${excerpt(target)}` : ''}. ` +
			`Set Base URL to the API address ${provider.label} documents${target ? ' (often the address above, e.g. https:// instead of http://)' : ''}.`,
		httpCode: String(status),
	};
}
