import type { IDataObject } from 'n8n-workflow';

import { headerOf, resetAtMs } from './budget';

/** How long a vendor asks to wait after a 429, in ms, from its headers or body; undefined if it does not say. */
export function rateLimitWaitMs(
	headers: IDataObject | undefined,
	bodyRetryAfterSeconds: number | undefined,
	now = Date.now(),
): number | undefined {
	const header = (name: string) => headerOf(headers, name);

	const retryAfter = header('retry-after');
	if (retryAfter !== undefined) {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	if (bodyRetryAfterSeconds !== undefined) return Math.max(0, bodyRetryAfterSeconds * 1000);

	const reset = Number(header('x-ratelimit-reset'));
	if (Number.isFinite(reset) && reset > 0) return Math.max(0, resetAtMs(reset, now) - now);
	return undefined;
}

/** Exponential backoff for server errors and network failures: 0.5 s, 1 s, 2 s, … */
export function backoffMs(attempt: number): number {
	return 500 * 2 ** attempt;
}

/**
 * The wait before retry `retry` (from 0) after a 429 that names no wait: exponential with equal
 * jitter from half of Max Retry Wait, so that the default three retries span more than a minute
 * (15–30 s, 30–60 s, 30–60 s): a fixed window that refused the first is over by the last.
 */
export function noHintBackoffMs(retry: number, maxWaitMs: number, random = Math.random): number {
	const full = Math.min(maxWaitMs, (maxWaitMs / 2) * 2 ** retry);
	return Math.round(full / 2 + (random() * full) / 2);
}

/** Adds up to 20% random jitter, so parallel requests do not retry in lockstep. */
export function withJitter(ms: number, random = Math.random): number {
	return Math.round(ms * (1 + 0.2 * random()));
}

/** Network error codes that prove the request never reached the vendor. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Whether a network error code means nothing was sent, so any request may be repeated. */
export function neverReachedServer(code: string | undefined): boolean {
	return code !== undefined && NOT_SENT_CODES.has(code);
}
