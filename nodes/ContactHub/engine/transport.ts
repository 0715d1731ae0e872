import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import type { ContactProvider } from '../providers/types';
import { describeVendorFailure, excerpt, redirectFailure, type Action, type Failure } from './errors';
import type { RequestGate } from './gate';
import type { VendorRequest } from './request';
import { backoffMs, neverReachedServer, noHintBackoffMs, rateLimitWaitMs, withJitter } from './retry';
import { beyondWait, VendorLimitReached } from './budget';
import { Cancelled, wait } from './wait';

/** Timeout, retry and rate-limit settings for one execution. */
export interface TransportSettings {
	timeoutMs: number;
	retryOnRateLimit: boolean;
	maxRetries: number;
	maxRetryWaitMs: number;
}

/** The outcome of one request, after any retries. */
export type SendResult =
	| { ok: true; status: number; body: unknown }
	| { ok: false; failure: Failure; body?: unknown };

/** Reads a 2xx body: JSON text is parsed, an empty body is an empty object, anything else is undefined. */
export function readSuccessBody(body: unknown): unknown {
	if (body === undefined || body === null || body === '') return {};
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

// n8n's helper wraps network errors in a NodeApiError that keeps neither the cause nor its code,
// only the original message (in `messages`) and a generic text chosen by the code (in `message`).
const CODE_HINTS: Array<[RegExp, string]> = [
	[/\b(ECONN[A-Z]+|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/, '$1'],
	[/socket hang up|closed unexpectedly/i, 'ECONNRESET'],
	[/timeout of \d+ms exceeded|timed out/i, 'ETIMEDOUT'],
	[/refused the connection/i, 'ECONNREFUSED'],
	[/incorrect host/i, 'ENOTFOUND'],
	[/DNS server returned an error/i, 'EAI_AGAIN'],
	[/host is unreachable/i, 'EHOSTUNREACH'],
	[/connection was aborted/i, 'ECONNABORTED'],
];

function errorTexts(error: unknown): { codes: string[]; texts: string[] } {
	const codes: string[] = [];
	const texts: string[] = [];
	const seen = new Set<unknown>();
	let current = error as { code?: unknown; cause?: unknown; message?: unknown; messages?: unknown } | undefined;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		if (typeof current.code === 'string') codes.push(current.code);
		if (Array.isArray(current.messages)) texts.push(...current.messages.map(String));
		if (typeof current.message === 'string') texts.push(current.message);
		current = current.cause as typeof current;
	}
	return { codes, texts };
}

/** The network error code behind a failed request (ECONNRESET, ETIMEDOUT, …), when it can be told. */
export function networkCode(error: unknown): string | undefined {
	const { codes, texts } = errorTexts(error);
	const code = codes.find((candidate) => /^E[A-Z_]{3,}$/.test(candidate));
	if (code) return code;
	for (const text of texts) {
		for (const [pattern, replacement] of CODE_HINTS) {
			const match = text.match(pattern);
			if (match) return match[0].replace(pattern, replacement);
		}
	}
	return undefined;
}

function isTimeout(error: unknown, code: string | undefined): boolean {
	return code === 'ETIMEDOUT' || errorTexts(error).texts.some((text) => /timeout of \d+ms exceeded/i.test(text));
}

/** One request to send: what it is for, and whether a resend after a lost answer is harmless. */
export interface Send {
	request: VendorRequest;
	action: Action;
	repeatSafe: boolean;
}

/** One attempt: the vendor's answer, or the network error instead. */
type Attempt = { response: IN8nHttpFullResponse } | { error: unknown };

async function attemptOnce(
	ctx: IExecuteFunctions,
	provider: ContactProvider,
	credential: ICredentialsDecrypted,
	request: VendorRequest,
	settings: TransportSettings,
	signal: AbortSignal | undefined,
): Promise<Attempt> {
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			provider.credential.name,
			{
				method: request.method,
				url: request.url,
				body: request.body,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: settings.timeoutMs,
				// A redirected request is reported, not followed: see redirectFailure.
				disableFollowRedirect: true,
				// A cancelled execution aborts the request in flight.
				abortSignal: signal,
			},
			{ credentialsDecrypted: credential },
		)) as IN8nHttpFullResponse;
		return { response };
	} catch (error) {
		return { error };
	}
}

/** Whether an attempt ended without telling if the vendor applied it: a network error after sending, or a 5xx. */
function answerLost(result: Attempt): boolean {
	if ('error' in result) return !neverReachedServer(networkCode(result.error));
	return result.response.statusCode >= 500;
}

/** The 429s one request met: how many, since when, and the last wait the vendor asked for. */
interface RateLimitLog {
	hits: number;
	since?: number;
	askedMs?: number;
}

function unreadableSuccess(provider: ContactProvider, action: Action, status: number, raw: unknown): Failure {
	const failure = describeVendorFailure(provider, action, status, raw);
	const answer = `the answer could not be read: "${excerpt(String(raw))}".`;
	failure.description =
		action.contactId === undefined
			? `${provider.label} answered the look-up, but ${answer} Nothing was updated; check the credential's Base URL.`
			: `The update may have been applied, but ${answer} Check the contact in ${provider.label} before running again.`;
	return failure;
}

/**
 * Sends one request through n8n's authenticated HTTP helper, retrying a 429 as the vendor asks and
 * a server or network failure only when repeating the request is safe. A cancel of the execution
 * ends every wait at once and aborts the request in flight (Cancelled).
 */
export async function sendRequest(
	ctx: IExecuteFunctions,
	provider: ContactProvider,
	credential: ICredentialsDecrypted,
	{ request, action, repeatSafe }: Send,
	gate: RequestGate,
	settings: TransportSettings,
): Promise<SendResult> {
	const signal = ctx.getExecutionCancelSignal();
	const limits: RateLimitLog = { hits: 0 };
	// An update whose answer was lost (in flight, a network error, a 5xx) may have been applied, even
	// if the cancel comes during a later wait; a 429 or another answer says it was not. A look-up only reads.
	const isUpdate = action.contactId !== undefined;
	let mayHaveApplied = false;
	const stopIfCancelled = () => {
		if (signal?.aborted) throw new Cancelled(mayHaveApplied);
	};
	// A wait ended by the cancel reports what this request may have done; other ends (a vendor
	// limit hours away) pass on as they are.
	const hold = async (waiting: Promise<void>): Promise<void> => {
		const failure = await waiting.then(
			() => undefined,
			(error: unknown) => error,
		);
		stopIfCancelled();
		if (failure !== undefined) return await Promise.reject(failure);
	};
	// Jitter first, cap last: no wait ever exceeds Max Retry Wait.
	const capped = (ms: number) => Math.min(withJitter(ms), settings.maxRetryWaitMs);
	for (let attempt = 0; ; attempt++) {
		await hold(gate.acquire(signal));
		const canRetry = attempt < settings.maxRetries;
		const result = await attemptOnce(ctx, provider, credential, request, settings, signal);
		// Aborted in flight: the update may have arrived.
		if (signal?.aborted) throw new Cancelled(mayHaveApplied || isUpdate);
		if (isUpdate && answerLost(result)) mayHaveApplied = true;
		if ('response' in result) gate.observe(result.response.headers as IDataObject);

		if ('error' in result) {
			const code = networkCode(result.error);
			const repeatable = neverReachedServer(code) || repeatSafe;
			if (canRetry && repeatable) {
				await hold(wait(capped(backoffMs(attempt)), signal));
				continue;
			}
			return { ok: false, failure: networkFailure(provider, action, result.error, code, settings, attempt, repeatable) };
		}

		const { response } = result;
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			const body = readSuccessBody(response.body);
			if (body === undefined) return { ok: false, failure: unreadableSuccess(provider, action, status, response.body) };
			return { ok: true, status, body };
		}

		const body = readSuccessBody(response.body) ?? response.body;
		if (status === 429) {
			if (onRateLimited(provider, response, body, limits, gate, settings, canRetry)) continue;
			return { ok: false, body, failure: rateLimitFailure(provider, action, body, limits, settings) };
		}
		if (status >= 300 && status < 400) {
			return { ok: false, body, failure: redirectFailure(provider, action, status, (response.headers as IDataObject)?.location) };
		}
		if (status >= 500 && canRetry && repeatSafe) {
			await hold(wait(capped(backoffMs(attempt)), signal));
			continue;
		}
		const failure = describeVendorFailure(provider, action, status, body);
		if (status >= 500 && !repeatSafe) failure.description += ` ${notRetriedText(provider)}`;
		return { ok: false, body, failure };
	}
}

/**
 * A 429: logs it, and tells whether to retry (every request of the execution then holds off, not
 * only this one). A budget that returns later than Max Retry Wait (a daily cap) ends the run:
 * VendorLimitReached, and nothing more is sent.
 */
function onRateLimited(
	provider: ContactProvider,
	response: IN8nHttpFullResponse,
	body: unknown,
	limits: RateLimitLog,
	gate: RequestGate,
	settings: TransportSettings,
	canRetry: boolean,
): boolean {
	limits.since ??= Date.now();
	limits.hits++;
	limits.askedMs = rateLimitWaitMs(response.headers as IDataObject, provider.readError(body).retryAfterSeconds);
	if (!settings.retryOnRateLimit) return false;
	if (limits.askedMs !== undefined && beyondWait(limits.askedMs, settings.maxRetryWaitMs)) {
		gate.exhaustUntil(Date.now() + limits.askedMs);
		throw new VendorLimitReached(Date.now() + limits.askedMs);
	}
	if (!canRetry) return false;
	gate.pauseFor(rateLimitPause(limits, settings));
	return true;
}

/**
 * How long everyone holds off after a 429: what the vendor asked (capped by Max Retry Wait), or,
 * when it names no wait (OpenCX, Retry-After: 0, a reset already past), a backoff whose retries
 * span a whole rate-limit window.
 */
function rateLimitPause(limits: RateLimitLog, settings: TransportSettings): number {
	const asked = limits.askedMs;
	if (asked !== undefined && asked > 0) return Math.min(withJitter(asked), settings.maxRetryWaitMs);
	return noHintBackoffMs(limits.hits - 1, settings.maxRetryWaitMs);
}

function rateLimitFailure(
	provider: ContactProvider,
	action: Action,
	body: unknown,
	{ hits, since, askedMs }: RateLimitLog,
	settings: TransportSettings,
): Failure {
	const vendor = describeVendorFailure(provider, action, 429, body);
	// The time really waited, from the first 429 to this answer: not the sum of the waits planned.
	const seconds = Math.round((Date.now() - (since ?? Date.now())) / 100) / 10;
	const askedLonger =
		askedMs !== undefined && askedMs > settings.maxRetryWaitMs
			? ` ${provider.label} last asked to wait ${Math.round(askedMs / 1000)} s, longer than Max Retry Wait (${settings.maxRetryWaitMs / 1000} s).`
			: '';
	const retried = settings.retryOnRateLimit
		? `rate-limited ${hits} time${hits === 1 ? '' : 's'}, waited ${seconds} s in total`
		: 'rate-limited; Retry on Rate Limit is off';
	return {
		...vendor,
		message: `${provider.label} rate limit: ${action.undone} (${retried})`,
		description:
			`${provider.label} said: ${vendor.message}.${askedLonger} Set Max Requests per Minute below your ${provider.label} plan's limit, ` +
			'or raise Max Retries or Max Retry Wait (Seconds) so the node waits as long as the vendor asks.',
	};
}

function networkFailure(
	provider: ContactProvider,
	action: Action,
	error: unknown,
	code: string | undefined,
	settings: TransportSettings,
	attempt: number,
	repeatable: boolean,
): Failure {
	const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
	const notRetried = repeatable ? '' : ` ${notRetriedText(provider)}`;
	if (isTimeout(error, code)) {
		return {
			message: `${provider.label} did not answer within ${settings.timeoutMs} ms for ${action.target}${tries}`,
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

/** Why an update that appends was not retried, and what the user should check. */
function notRetriedText(provider: ContactProvider): string {
	return `It was not retried: this update appends notes, and ${provider.label} may have received it. Check the contact before running again.`;
}
