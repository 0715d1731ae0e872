import type { IDataObject } from 'n8n-workflow';

import { beyondWait, readBudget, VendorLimitReached, type Budget } from './budget';
import { wait } from './wait';

/** Below this share of the window's limit, the rest is spread over the time until the reset. */
const LOW_SHARE = 0.25;

/** Reset times are whole seconds: wait a little past one, so the first request lands in the new window. */
const RESET_MARGIN_MS = 250;

/** What shapes one execution's requests. */
interface GateOptions {
	/** Max Requests per Minute; 0 is no throttle. */
	maxPerMinute: number;
	/** Max Retry Wait: a vendor budget that returns later than this ends the run instead of a wait. */
	maxWaitMs: number;
	/** How many items this execution has started, and how many it has yet to start. */
	items?: () => { started: number; left: number };
	windowMs?: number;
}

/**
 * Decides when the next request of one execution may start: at most `maxPerMinute` starts in any
 * 60-second window (spaced evenly), none while a vendor has asked everyone to wait, and, where the
 * vendor reports its budget (X-RateLimit-*), the rest spread over the time until its reset once it
 * runs low. It lives for one execution only: executions that share a key each read the same
 * headers and slow down together, without any shared state.
 */
export class RequestGate {
	private readonly starts: number[] = [];

	private readonly maxPerMinute: number;

	private readonly windowMs: number;

	private readonly spacingMs: number;

	private readonly maxWaitMs: number;

	private readonly items: () => { started: number; left: number };

	private acquired = 0;

	private pausedUntil = 0;

	private lastStart = 0;

	private budget: Budget | undefined;

	private queue: Promise<void> = Promise.resolve();

	constructor({ maxPerMinute, maxWaitMs, items = () => ({ started: 0, left: Infinity }), windowMs = 60_000 }: GateOptions) {
		this.maxPerMinute = maxPerMinute;
		this.maxWaitMs = maxWaitMs;
		this.items = items;
		this.windowMs = windowMs;
		this.spacingMs = maxPerMinute > 0 ? windowMs / maxPerMinute : 0;
	}

	/**
	 * Resolves when a request may start, callers in arrival order; a cancel ends the wait with
	 * Cancelled, a vendor budget beyond Max Retry Wait with VendorLimitReached.
	 */
	async acquire(signal?: AbortSignal): Promise<void> {
		const turn = this.queue.then(async () => await this.waitForSlot(signal));
		// A failed wait must not fail every later caller.
		this.queue = turn.catch(() => undefined);
		return await turn;
	}

	/** Holds every start until `ms` from now (a vendor's 429 applies to all requests in flight). */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	/** Reads the vendor's budget from an answer's X-RateLimit-* headers (answers may come out of order). */
	observe(headers: IDataObject | undefined, now = Date.now()): void {
		const seen = readBudget(headers, now);
		if (!seen) return;
		const current = this.budget;
		if (!current || now >= current.resetAt) this.budget = seen;
		// Within one window the budget only shrinks: the lowest count is the latest.
		else current.remaining = Math.min(current.remaining, seen.remaining);
	}

	/** The vendor's budget is used up until `resetAt` (a 429 asking for longer than Max Retry Wait). */
	exhaustUntil(resetAt: number): void {
		this.budget = { limit: this.budget?.limit ?? NaN, remaining: 0, resetAt };
	}

	private throttleDelay(now: number): number {
		if (this.maxPerMinute === 0 || this.starts.length === 0) return 0;
		let delay = this.starts[this.starts.length - 1] + this.spacingMs - now;
		if (this.starts.length >= this.maxPerMinute) {
			delay = Math.max(delay, this.starts[this.starts.length - this.maxPerMinute] + this.windowMs - now);
		}
		return delay;
	}

	/** The wait the vendor's own budget asks for; throws VendorLimitReached when it is hours away. */
	private budgetDelay(now: number): number {
		const budget = this.budget;
		if (!budget || now >= budget.resetAt) return 0;
		const untilReset = budget.resetAt - now;
		if (budget.remaining <= 0) {
			if (beyondWait(untilReset, this.maxWaitMs)) throw new VendorLimitReached(budget.resetAt);
			return untilReset + RESET_MARGIN_MS;
		}
		// A budget back only in hours (a daily cap) is not spread over them: what is left is used, then the run stops.
		if (beyondWait(untilReset, this.maxWaitMs)) return 0;
		const low = Number.isFinite(budget.limit) ? Math.max(1, Math.ceil(budget.limit * LOW_SHARE)) : 1;
		// What is left covers the requests this execution still needs: no need to stretch them to the reset.
		if (budget.remaining > low || this.requestsLeft() < budget.remaining) return 0;
		return this.lastStart + untilReset / budget.remaining - now;
	}

	/** Requests still to come: the items not started, at the requests each started item has taken (a look-up adds one or more). */
	private requestsLeft(): number {
		const { started, left } = this.items();
		return left * (started > 0 ? Math.max(1, this.acquired / started) : 1);
	}

	private delayNow(): number {
		const now = Date.now();
		return Math.max(this.pausedUntil - now, this.throttleDelay(now), this.budgetDelay(now));
	}

	private async waitForSlot(signal?: AbortSignal): Promise<void> {
		for (let delay = this.delayNow(); delay > 0; delay = this.delayNow()) {
			await wait(Math.ceil(delay), signal);
		}
		const now = Date.now();
		this.lastStart = now;
		this.acquired++;
		// Counted before the answer says so, so that requests in flight are not spent twice.
		if (this.budget && now < this.budget.resetAt) this.budget.remaining -= 1;
		if (this.maxPerMinute > 0) {
			this.starts.push(now);
			if (this.starts.length > this.maxPerMinute) this.starts.shift();
		}
	}
}
