/**
 * Helpers for runs that stop early (a cancel, a failure, a vendor limit): a Contact Hub that tells
 * when its execute() really ended, and the item lists of the node's stop report.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { createDeferredPromise } from 'n8n-workflow';

import { ContactHub } from '../../nodes/ContactHub/ContactHub.node';

/** How a tracked node's execute() ended. */
interface Settled {
	at: number;
	error?: Error;
	output?: INodeExecutionData[][];
}

/** A Contact Hub that reports when its execute() settled and how: at a cancel the engine moves on without it. */
export function trackedNode(): { node: ContactHub; settled: Promise<Settled> } {
	const settled = createDeferredPromise<Settled>();
	const node = new ContactHub();
	const execute = node.execute;
	node.execute = async function (this: IExecuteFunctions) {
		try {
			const output = await execute.call(this);
			settled.resolve({ at: Date.now(), output });
			return output;
		} catch (error) {
			settled.resolve({ at: Date.now(), error: error as Error });
			throw error;
		}
	};
	return { node, settled: settled.promise };
}

/** The item indexes a stop report lists for one outcome: "updated: items 0–2, 5" gives [0, 1, 2, 5]. */
export function listedItems(message: string, outcome: string): number[] {
	const match = new RegExp(`${outcome}: items? ([0-9–, ]+)`).exec(message);
	if (!match) return [];
	return match[1].split(', ').flatMap((part) => {
		const [from, to = from] = part.split('–').map(Number);
		return Array.from({ length: to - from + 1 }, (_, offset) => from + offset);
	});
}
