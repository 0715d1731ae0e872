import { sleep } from 'n8n-workflow';

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

	/** Resolves when a request may start; callers are served in arrival order. */
	async acquire(): Promise<void> {
		const turn = this.queue.then(async () => await this.waitForSlot());
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
		let wait = this.pausedUntil - now;
		if (this.maxPerMinute > 0 && this.starts.length > 0) {
			wait = Math.max(wait, this.starts[this.starts.length - 1] + this.spacingMs - now);
			if (this.starts.length >= this.maxPerMinute) {
				wait = Math.max(wait, this.starts[this.starts.length - this.maxPerMinute] + this.windowMs - now);
			}
		}
		return wait;
	}

	private async waitForSlot(): Promise<void> {
		for (let wait = this.delayNow(); wait > 0; wait = this.delayNow()) {
			await sleep(Math.ceil(wait));
		}
		if (this.maxPerMinute > 0) {
			this.starts.push(Date.now());
			if (this.starts.length > this.maxPerMinute) this.starts.shift();
		}
	}
}
