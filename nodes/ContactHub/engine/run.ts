import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ContactProvider } from '../providers/types';
import { RequestGate } from './gate';
import { updateItem, type RunContext } from './item';
import { parameterReader } from './parameters';
import { readRunSettings } from './settings';

export { DEFAULTS, readRunSettings, type RunSettings } from './settings';
export { hideSecret } from './item';

function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const message = error instanceof Error ? error.message : String(error);
	const item: INodeExecutionData = { json: { error: message }, pairedItem: { item: itemIndex } };
	// As in n8n's own nodes: the error (with its description) rides on the item, which also lets
	// "Continue (using error output)" route it to the error output.
	if (error instanceof NodeApiError || error instanceof NodeOperationError) item.error = error;
	return item;
}

/** One credential fetch per type and execution; n8n's helper would otherwise load and decrypt it per request. */
function credentialCache(ctx: IExecuteFunctions): RunContext['credentials'] {
	const cache = new Map<string, Promise<ICredentialsDecrypted>>();
	return async (provider: ContactProvider) => {
		const type = provider.credential.name;
		if (!cache.has(type)) {
			const reference = ctx.getNode().credentials?.[type];
			cache.set(
				type,
				ctx.getCredentials(type).then((data) => ({ id: reference?.id ?? '', name: reference?.name ?? '', type, data })),
			);
		}
		return await cache.get(type)!;
	};
}

/**
 * Updates one contact per input item: validate, find (look-ups), send (bounded concurrency,
 * throttle, retries), and output one item per input item in input order, or one error item each
 * with Continue On Fail.
 */
export async function updateContacts(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0, 'update');
	if (operation !== 'update') {
		// n8n's editor adds a "Custom API Call" entry to every resource/operation node.
		throw new NodeOperationError(this.getNode(), `Contact Hub cannot run the operation "${String(operation)}"`, {
			description:
				'Contact Hub updates contacts only. For other calls, use an HTTP Request node with "Predefined Credential Type" and your provider\'s credential.',
		});
	}
	const param = parameterReader(this);
	const settings = readRunSettings(param('options', 0, {}) as IDataObject);
	const run: RunContext = {
		ctx: this,
		param,
		gate: new RequestGate(settings.maxRequestsPerMinute),
		settings,
		credentials: credentialCache(this),
	};
	const results: INodeExecutionData[] = new Array(items.length);
	const fatal: Array<{ itemIndex: number; error: unknown }> = [];

	let next = 0;
	const worker = async () => {
		while (fatal.length === 0 && next < items.length && !this.getExecutionCancelSignal()?.aborted) {
			const itemIndex = next++;
			try {
				results[itemIndex] = await updateItem(run, items[itemIndex], itemIndex);
			} catch (error) {
				if (this.continueOnFail()) results[itemIndex] = errorItem(error, itemIndex);
				else fatal.push({ itemIndex, error });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(settings.parallelRequests, items.length) }, worker));

	if (this.getExecutionCancelSignal()?.aborted) {
		throw new NodeOperationError(this.getNode(), 'The execution was cancelled; the remaining contacts were not updated');
	}
	if (fatal.length > 0) {
		throw fatal.sort((a, b) => a.itemIndex - b.itemIndex)[0].error;
	}
	return [results];
}
