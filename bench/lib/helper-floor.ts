/**
 * (h) The least any node can do per update through n8n's HTTP helper: no parameters per item, no
 * validation, no output mapping; C workers, each calling httpRequestWithAuthentication with the
 * Raze credential. What Contact Hub could reach if its own work and n8n's parameter resolution cost nothing.
 * (h') The same through the older requestWithAuthentication, the helper n8n's HTTP Request node uses.
 */
import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWorkflowBase,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { benchWorkflow } from './workflow';

export const HELPER_FLOOR_TYPE = 'bench.helperFloor';

/** A bench-only node: sends each item's {name, tags} to its contact, C at a time, in input order. */
export class HelperFloor implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Helper Floor',
		name: 'helperFloor',
		group: ['output'],
		version: 1,
		description: 'Bench only',
		defaults: { name: 'Helper Floor' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'razeApi', required: true }],
		properties: [
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 1 },
			{ displayName: 'Older Helper', name: 'legacyHelper', type: 'boolean', default: false },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const concurrency = this.getNodeParameter('concurrency', 0) as number;
		const legacy = this.getNodeParameter('legacyHelper', 0) as boolean;
		const data = await this.getCredentials('razeApi');
		const credential: ICredentialsDecrypted = { id: '', name: '', type: 'razeApi', data };
		const base = String(data.baseUrl);
		const out: INodeExecutionData[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const index = next++;
				const { id, name, tags } = items[index].json;
				const url = `${base}/external/v1/contacts/${encodeURIComponent(String(id))}`;
				// Both without following redirects, as Contact Hub sends its updates.
				const body = (
					legacy
						? await this.helpers.requestWithAuthentication.call(this, 'razeApi', { method: 'PUT', uri: url, body: { name, tags }, json: true }, { credentialsDecrypted: credential })
						: await this.helpers.httpRequestWithAuthentication.call(
								this,
								'razeApi',
								{ method: 'PUT', url, body: { name, tags }, json: true, disableFollowRedirect: true },
								{ credentialsDecrypted: credential },
							)
				) as IDataObject;
				out[index] = { json: (body.data as IDataObject) ?? body, pairedItem: { item: index } };
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
		return [out];
	}
}

/** Manual Trigger → Helper Floor. */
export function helperFloorWorkflow(concurrency: number, legacyHelper = false): IWorkflowBase {
	return benchWorkflow(
		'bench-helper-floor',
		'Bench: helper floor',
		[
			{
				id: 'floor',
				name: 'Helper Floor',
				type: HELPER_FLOOR_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { concurrency, legacyHelper },
				credentials: { razeApi: { id: '4', name: 'Raze account' } },
			},
		],
		{ 'Manual Trigger': { main: [[{ node: 'Helper Floor', type: 'main', index: 0 }]] } },
	);
}
