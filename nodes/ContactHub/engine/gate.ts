import { wait } from './wait';

/**
 * Decides when the next request of one execution may start: at most `maxPerMinute` starts in
 * any 60-second window (spaced evenly), and none while a vendor has asked everyone to wait.
 * It lives for one execution only: nothing is shared between executions or processes.
 */
export class RequestGate {
	private readonly starts: number[] = [];

	private readonly spacingMs: number;

	private pausedUntil = 0;

	private queue: Promise<void> = Promise.resolve();

	constructor(
		private readonly maxPerMinute: number,
		private readonly windowMs = 60_000,
	) {
		this.spacingMs = maxPerMinute > 0 ? windowMs / maxPerMinute : 0;
	}

	/** Resolves when a request may start, callers in arrival order; a cancel ends the wait with Cancelled. */
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

	private delayNow(): number {
		const now = Date.now();
		let delay = this.pausedUntil - now;
		if (this.maxPerMinute > 0 && this.starts.length > 0) {
			delay = Math.max(delay, this.starts[this.starts.length - 1] + this.spacingMs - now);
			if (this.starts.length >= this.maxPerMinute) {
				delay = Math.max(delay, this.starts[this.starts.length - this.maxPerMinute] + this.windowMs - now);
			}
		}
		return delay;
	}

	private async waitForSlot(signal?: AbortSignal): Promise<void> {
		for (let delay = this.delayNow(); delay > 0; delay = this.delayNow()) {
			await wait(Math.ceil(delay), signal);
		}
		if (this.maxPerMinute > 0) {
			this.starts.push(Date.now());
			if (this.starts.length > this.maxPerMinute) this.starts.shift();
		}
	}
}
