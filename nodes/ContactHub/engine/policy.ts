import type { IDataObject } from 'n8n-workflow';

import type { ContactProvider } from '../providers/types';
import { beyondWait } from './budget';
import {
	describeVendorFailure,
	networkFailure,
	notRetriedText,
	rateLimitFailure,
	redirectFailure,
	unreadableSuccess,
	type Action,
	type Failure,
} from './errors';
import { isTimeout } from './network';
import { backoffMs, neverReachedServer, noHintBackoffMs, rateLimitWaitMs, withJitter } from './retry';

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
	/** `lost`: the request may have been applied, but its answer never came (a network error after sending, a 5xx, an unreadable 2xx). */
	| { ok: false; failure: Failure; body?: unknown; status?: number; lost?: boolean };

/** One attempt's answer, sorted by what it means for a retry. */
export type Answer =
	| { kind: 'network'; error: unknown; code: string | undefined }
	| { kind: 'success'; status: number; body: unknown }
	| { kind: 'unreadable'; status: number; raw: unknown }
	| { kind: 'rateLimited'; headers: IDataObject | undefined; body: unknown }
	| { kind: 'redirect'; status: number; location: unknown; body: unknown }
	| { kind: 'failed'; status: number; body: unknown };

/** What the policy decides after an attempt; the transport carries it out. */
export type Step =
	| { kind: 'done'; result: SendResult }
	/** This request waits, then tries again (a server or network failure). */
	| { kind: 'retry'; waitMs: number }
	/** Every request of the execution holds off (a 429), then this one tries again. */
	| { kind: 'holdAll'; pauseMs: number }
	/** The vendor's budget returns later than Max Retry Wait: nothing more is sent. */
	| { kind: 'stopRun'; untilMs: number };

/** One request's retry policy: what it is, the settings, and the 429s it has met so far. */
interface RetryPolicy {
	provider: ContactProvider;
	action: Action;
	/** Whether a resend after a lost answer leaves the vendor as one send would. */
	repeatSafe: boolean;
	settings: TransportSettings;
	rateLimits: { hits: number; since?: number; askedMs?: number };
}

/**
 * A fresh policy for one request. Its kind decides repeat safety: a read always, a create never
 * (a second create could make a second contact), an update as its provider says.
 */
export function retryPolicy(provider: ContactProvider, action: Action, updateRepeatSafe: boolean, settings: TransportSettings): RetryPolicy {
	const repeatSafe = action.kind === 'read' || (action.kind === 'update' && updateRepeatSafe);
	return { provider, action, repeatSafe, settings, rateLimits: { hits: 0 } };
}

/** Whether an answer leaves it unknown if the vendor applied the request: a network error after sending, or a 5xx. */
export function answerLost(answer: Answer): boolean {
	if (answer.kind === 'network') return !neverReachedServer(answer.code);
	return answer.kind === 'failed' && answer.status >= 500;
}

/**
 * The retry policy, in one place: a 429 is retried as the vendor asks (or backs off over a whole
 * window when it names no wait); a server or network failure only when repeating is safe.
 */
export function nextStep(answer: Answer, attempt: number, policy: RetryPolicy): Step {
	const { provider, action, repeatSafe, settings } = policy;
	const canRetry = attempt < settings.maxRetries;
	// Jitter first, cap last: no wait ever exceeds Max Retry Wait.
	const backoff = (): Step => ({ kind: 'retry', waitMs: Math.min(withJitter(backoffMs(attempt)), settings.maxRetryWaitMs) });
	switch (answer.kind) {
		case 'success':
			return { kind: 'done', result: { ok: true, status: answer.status, body: answer.body } };
		case 'unreadable':
			return failed(unreadableSuccess(provider, action, answer.status, answer.raw), undefined, { status: answer.status, lost: true });
		case 'network': {
			const retriable = neverReachedServer(answer.code) || repeatSafe;
			if (canRetry && retriable) return backoff();
			const timedOut = isTimeout(answer.error, answer.code);
			const failure = networkFailure(provider, action, { code: answer.code, timedOut, attempts: attempt + 1, timeoutMs: settings.timeoutMs, retriable });
			return failed(failure, undefined, { lost: answerLost(answer) });
		}
		case 'rateLimited':
			return onRateLimited(answer, canRetry, policy);
		case 'redirect':
			return failed(redirectFailure(provider, action, answer.status, answer.location), answer.body);
		case 'failed': {
			if (answer.status >= 500 && canRetry && repeatSafe) return backoff();
			const failure = describeVendorFailure(provider, action, answer.status, answer.body);
			if (answer.status >= 500 && !repeatSafe) failure.description += ` ${notRetriedText(provider, action)}`;
			return failed(failure, answer.body, { status: answer.status, lost: answerLost(answer) });
		}
	}
}

/** The end of a request that failed, with the vendor's body where there is one, its status, and whether its answer was lost. */
function failed(failure: Failure, body?: unknown, about: { status?: number; lost?: boolean } = {}): Step {
	return { kind: 'done', result: { ok: false, failure, body, ...about } };
}

/** A 429: logged, then held off for, given up on, or (a budget hours away) the end of the run. */
function onRateLimited(answer: Extract<Answer, { kind: 'rateLimited' }>, canRetry: boolean, policy: RetryPolicy): Step {
	const { provider, action, settings, rateLimits: log } = policy;
	log.since ??= Date.now();
	log.hits++;
	log.askedMs = rateLimitWaitMs(answer.headers, provider.readError(answer.body).retryAfterSeconds);
	if (settings.retryOnRateLimit && log.askedMs !== undefined && beyondWait(log.askedMs, settings.maxRetryWaitMs)) {
		return { kind: 'stopRun', untilMs: Date.now() + log.askedMs };
	}
	if (settings.retryOnRateLimit && canRetry) return { kind: 'holdAll', pauseMs: rateLimitPause(log.askedMs, log.hits, settings) };
	// The time really waited, from the first 429 to this answer: not the sum of the waits planned.
	const failure = rateLimitFailure(provider, action, answer.body, {
		hits: log.hits,
		waitedMs: Date.now() - log.since,
		askedMs: log.askedMs,
		maxRetryWaitMs: settings.maxRetryWaitMs,
		retried: settings.retryOnRateLimit,
	});
	return failed(failure, answer.body);
}

/**
 * How long everyone holds off after a 429: what the vendor asked (capped by Max Retry Wait), or,
 * when it names no wait (OpenCX, Retry-After: 0, a reset already past), a backoff whose retries
 * span a whole rate-limit window.
 */
function rateLimitPause(askedMs: number | undefined, hits: number, settings: TransportSettings): number {
	if (askedMs !== undefined && askedMs > 0) return Math.min(withJitter(askedMs), settings.maxRetryWaitMs);
	return noHintBackoffMs(hits - 1, settings.maxRetryWaitMs);
}
