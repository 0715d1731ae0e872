import type { IDataObject } from 'n8n-workflow';

/** A vendor's rate-limit window as its X-RateLimit-* headers report it (LeadLex, Raze). */
export interface Budget {
	/** Requests the window allows; NaN when the vendor does not say. */
	limit: number;
	remaining: number;
	/** When the window resets, epoch ms. */
	resetAt: number;
}

/** A reset value as a time: Unix seconds when large, otherwise seconds from now (as some gateways send it). */
export function resetAtMs(reset: number, now: number): number {
	return reset > 1e9 ? reset * 1000 : now + reset * 1000;
}

/** A header of an answer as text; n8n's helper hands headers over lower-cased. */
export function headerOf(headers: IDataObject | undefined, name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return value === undefined || value === null ? undefined : String(value);
}

function numberOf(text: string | undefined): number | undefined {
	if (text === undefined || text.trim() === '') return undefined;
	const number = Number(text);
	return Number.isFinite(number) ? number : undefined;
}

/** The budget an answer reports, or undefined when it carries no usable X-RateLimit-Remaining and -Reset. */
export function readBudget(headers: IDataObject | undefined, now = Date.now()): Budget | undefined {
	const remaining = numberOf(headerOf(headers, 'x-ratelimit-remaining'));
	const reset = numberOf(headerOf(headers, 'x-ratelimit-reset'));
	if (remaining === undefined || reset === undefined || remaining < 0 || reset < 0) return undefined;
	return { limit: numberOf(headerOf(headers, 'x-ratelimit-limit')) ?? NaN, remaining, resetAt: resetAtMs(reset, now) };
}

/**
 * Reset times come in whole seconds and clocks differ a little: a budget back within Max Retry Wait
 * plus this is waited for, not taken for a limit hours away.
 */
const RESET_SLACK_MS = 2000;

/** Whether a budget returning in `ms` is beyond what the run waits for (Max Retry Wait, give or take the slack). */
export function beyondWait(ms: number, maxWaitMs: number): boolean {
	return ms > maxWaitMs + RESET_SLACK_MS;
}

/** Thrown when a vendor's limit returns later than Max Retry Wait: nothing more is sent in this execution. */
export class VendorLimitReached extends Error {
	constructor(
		/** When the vendor's budget returns, epoch ms. */
		readonly resetAt: number,
	) {
		super('The vendor rate limit is used up');
	}
}

/** "2026-12-02 00:00 UTC (in 5 h 12 min)": when a limit resets, for messages. */
export function describeReset(resetAt: number, now = Date.now()): string {
	const when = new Date(resetAt).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
	const minutes = Math.max(1, Math.round((resetAt - now) / 60_000));
	const hours = Math.floor(minutes / 60);
	return `${when} (in ${hours > 0 ? `${hours} h ` : ''}${minutes % 60} min)`;
}
