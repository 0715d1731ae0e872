import { sleepWithAbort } from 'n8n-workflow';

/** Node fires a timer at once when it is handed more than this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Thrown where the execution's cancel signal stops an item: in a wait, or with its request in flight. */
export class Cancelled extends Error {
	constructor(
		/** Whether an update of this item had been sent, so it may have been applied. */
		readonly mayHaveApplied = false,
	) {
		super('The execution was cancelled');
	}
}

/** Throws Cancelled once the execution is cancelled. */
export function checkCancelled(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new Cancelled();
}

async function waitOnce(ms: number, signal: AbortSignal | undefined): Promise<void> {
	// A listener per wait on the execution's own signal would pile up over a long run: each wait
	// listens on a signal of its own, forwarded once and then dropped.
	const local = new AbortController();
	const forward = () => local.abort();
	signal?.addEventListener('abort', forward, { once: true });
	// sleepWithAbort rejects only when aborted: the cancel, reported as Cancelled below.
	await sleepWithAbort(ms, local.signal).catch(() => undefined);
	signal?.removeEventListener('abort', forward);
	checkCancelled(signal);
}

/** Waits `ms` of any length (timers get at most 2^31-1 ms each); a cancel ends it at once with Cancelled. */
export async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
	checkCancelled(signal);
	const deadline = Date.now() + Math.max(0, ms);
	for (let left = deadline - Date.now(); left > 0; left = deadline - Date.now()) {
		await waitOnce(Math.min(left, MAX_TIMER_MS), signal);
	}
}
