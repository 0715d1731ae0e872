import type { RateLimitSpec, Vendor } from './types';
import type { RateInfo } from './vendor';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A count that starts again whenever its period (a window or a UTC day) changes. */
interface Counter {
	period: number;
	count: number;
}

interface WindowLimit {
	spec: Required<RateLimitSpec>;
	startMs: number;
	counters: Map<string, Counter>;
}

interface DailyCap {
	limit: number;
	counters: Map<string, Counter>;
}

type RateDecision = { limited: boolean; info: RateInfo };

function counterFor(counters: Map<string, Counter>, key: string, period: number): Counter {
	let counter = counters.get(key);
	if (!counter || counter.period !== period) {
		counter = { period, count: 0 };
		counters.set(key, counter);
	}
	return counter;
}

function checkLimit(limit: unknown, what: string): asserts limit is number {
	if (!Number.isInteger(limit) || (limit as number) < 0) throw new Error(`${what}: limit must be an integer ≥ 0`);
}

/**
 * Fixed-window limits and daily caps, counted per (vendor, API key presented); off until configured.
 * Time is read lazily (no timers); `now` can be passed in so tests can cross a window or midnight.
 */
export class RateLimiter {
	private readonly windows = new Map<Vendor, WindowLimit>();
	private readonly caps = new Map<Vendor, DailyCap>();

	/** Configures (or with null removes) a vendor's window limit; a new limit starts fresh windows for every key. */
	set(vendor: Vendor, spec: RateLimitSpec | null, now = Date.now()): void {
		if (spec === null) {
			this.windows.delete(vendor);
			return;
		}
		checkLimit(spec.limit, 'rate limit');
		if (!(spec.windowMs > 0)) throw new Error('rate limit: windowMs must be > 0');
		const resetFormat = spec.resetFormat ?? 'unix';
		if (resetFormat !== 'unix' && resetFormat !== 'delta') throw new Error("rate limit: resetFormat must be 'unix' or 'delta'");
		const signals = spec.signals ?? 'documented';
		if (signals !== 'documented' && signals !== 'none') throw new Error("rate limit: signals must be 'documented' or 'none'");
		const clean = { limit: spec.limit, windowMs: spec.windowMs, resetFormat, signals };
		this.windows.set(vendor, { spec: clean, startMs: now, counters: new Map() });
	}

	/** Configures (or with null removes) a vendor's cap per key per UTC day. */
	setDailyCap(vendor: Vendor, limit: number | null): void {
		if (limit === null) {
			this.caps.delete(vendor);
			return;
		}
		checkLimit(limit, 'daily cap');
		this.caps.set(vendor, { limit, counters: new Map() });
	}

	/**
	 * Counts one request of `key`; undefined when the vendor has neither a limit nor a cap.
	 * An exhausted cap refuses before the window counts; only requests the window lets through count toward the cap.
	 */
	hit(vendor: Vendor, key: string, now = Date.now()): RateDecision | undefined {
		const window = this.windows.get(vendor);
		const cap = this.caps.get(vendor);
		if (!window && !cap) return undefined;
		const capCounter = cap && counterFor(cap.counters, key, Math.floor(now / DAY_MS));
		if (cap && capCounter && capCounter.count >= cap.limit) return { limited: true, info: this.capInfo(vendor, cap, capCounter, now) };
		let windowInfo: RateInfo | undefined;
		if (window) {
			const counter = counterFor(window.counters, key, Math.floor((now - window.startMs) / window.spec.windowMs));
			counter.count += 1;
			windowInfo = this.windowInfo(window, counter, now);
			if (counter.count > window.spec.limit) return { limited: true, info: windowInfo };
		}
		if (!cap || !capCounter) return { limited: false, info: windowInfo! };
		capCounter.count += 1;
		const capInfo = this.capInfo(vendor, cap, capCounter, now);
		return { limited: false, info: pickReported(windowInfo, capInfo) };
	}

	/** The limit a chaos 429 reports for a vendor: the window's, else the cap's. */
	limitOf(vendor: Vendor): number | undefined {
		return this.windows.get(vendor)?.spec.limit ?? this.caps.get(vendor)?.limit;
	}

	/** How X-RateLimit-Reset is written and whether wait hints are sent, for a vendor (defaults without a limit). */
	formatOf(vendor: Vendor): Pick<RateInfo, 'resetFormat' | 'signals'> {
		const spec = this.windows.get(vendor)?.spec;
		return { resetFormat: spec?.resetFormat ?? 'unix', signals: spec?.signals ?? 'documented' };
	}

	clear(): void {
		this.windows.clear();
		this.caps.clear();
	}

	private windowInfo(window: WindowLimit, counter: Counter, now: number): RateInfo {
		const resetAtMs = window.startMs + (counter.period + 1) * window.spec.windowMs;
		const { limit, resetFormat, signals } = window.spec;
		return { limit, remaining: Math.max(0, limit - counter.count), resetAtMs, nowMs: now, retryAfterSec: waitSec(resetAtMs, now), resetFormat, signals };
	}

	private capInfo(vendor: Vendor, cap: DailyCap, counter: Counter, now: number): RateInfo {
		const resetAtMs = (counter.period + 1) * DAY_MS; // the next 00:00 UTC
		const remaining = Math.max(0, cap.limit - counter.count);
		return { limit: cap.limit, remaining, resetAtMs, nowMs: now, retryAfterSec: waitSec(resetAtMs, now), ...this.formatOf(vendor) };
	}
}

/** Whole seconds until `resetAtMs`, at least 1. */
function waitSec(resetAtMs: number, now: number): number {
	return Math.max(1, Math.ceil((resetAtMs - now) / 1000));
}

/** With a window and a cap, the headers report whichever is exhausted (the later one if both), else the window. */
function pickReported(window: RateInfo | undefined, cap: RateInfo): RateInfo {
	if (!window) return cap;
	if (cap.remaining === 0 && (window.remaining > 0 || cap.resetAtMs >= window.resetAtMs)) return cap;
	return window;
}
