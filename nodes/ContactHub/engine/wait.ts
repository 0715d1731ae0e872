import { sleep } from 'n8n-workflow';

/** Node fires a timer at once when it is handed more than this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How often a wait looks at the cancel signal. n8n-workflow's abortable sleep is not on every n8n
 * line (2.40 dropped `sleepWithAbort`), so a wait is made of short plain sleeps instead: a cancel
 * ends it within this, and no timer is ever near 2^31-1 ms.
 */
const POLL_MS = 50;

/** Thrown where the execution's cancel signal stops an item: in a wait, or with its request in flight. */
export class Cancelled extends Error {
	constructor(
		/** Whether a write of this item had been sent, so it may have been applied. */
		readonly mayHaveApplied = false,
		/** The kind of the request it stopped: a create that may have been applied is reported as possibly created. */
		readonly kind: 'read' | 'update' | 'create' = 'read',
	) {
		super('The execution was cancelled');
	}
}

/** Throws Cancelled once the execution is cancelled. */
function checkCancelled(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new Cancelled();
}

/** Waits `ms` of any length; a cancel ends it within 50 ms with Cancelled. */
export async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
	checkCancelled(signal);
	const deadline = Date.now() + Math.max(0, ms);
	for (let left = deadline - Date.now(); left > 0; left = deadline - Date.now()) {
		await sleep(Math.min(left, POLL_MS));
		checkCancelled(signal);
	}
}
