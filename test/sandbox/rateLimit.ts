import type { RateLimitSpec, Vendor } from './types';
import type { RateInfo } from './vendor';

interface Window {
	spec: RateLimitSpec;
	startMs: number;
	count: number;
}

/** Fixed-window request counters, one per vendor; off until configured. Time is read lazily, so no timers. */
export class RateLimiter {
	private readonly windows = new Map<Vendor, Window>();

	/** Configures (or with null removes) a vendor's limit; a new limit starts a fresh window. */
	set(vendor: Vendor, spec: RateLimitSpec | null): void {
		if (spec === null) {
			this.windows.delete(vendor);
			return;
		}
		if (!Number.isInteger(spec.limit) || spec.limit < 0) throw new Error('rate limit: limit must be an integer ≥ 0');
		if (!(spec.windowMs > 0)) throw new Error('rate limit: windowMs must be > 0');
		this.windows.set(vendor, { spec: { limit: spec.limit, windowMs: spec.windowMs }, startMs: Date.now(), count: 0 });
	}

	/** Counts one request; undefined when the vendor has no limit. */
	hit(vendor: Vendor, now = Date.now()): { limited: boolean; info: RateInfo } | undefined {
		const w = this.windows.get(vendor);
		if (!w) return undefined;
		if (now >= w.startMs + w.spec.windowMs) {
			// Windows are aligned to when the limit was set, so Reset is predictable in tests.
			const elapsed = Math.floor((now - w.startMs) / w.spec.windowMs);
			w.startMs += elapsed * w.spec.windowMs;
			w.count = 0;
		}
		w.count += 1;
		const resetAtMs = w.startMs + w.spec.windowMs;
		return {
			limited: w.count > w.spec.limit,
			info: {
				limit: w.spec.limit,
				remaining: Math.max(0, w.spec.limit - w.count),
				resetAtMs,
				retryAfterSec: Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
			},
		};
	}

	/** The configured limit of a vendor, if any. */
	limitOf(vendor: Vendor): number | undefined {
		return this.windows.get(vendor)?.spec.limit;
	}

	clear(): void {
		this.windows.clear();
	}
}
