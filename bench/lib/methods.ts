/**
 * The same N Raze updates (PUT name + tags) sent eight ways at concurrency C:
 *  a   raw axios loop, C workers, one keep-alive agent (the floor: what network and sandbox allow)
 *  a'  raw axios loop, C workers, a fresh `keepAlive: false` agent per request (what n8n-core's helper does)
 *  b   n8n's HTTP Request node bounded by Loop Over Items (batch size C), through n8n-core's WorkflowExecute
 *  h   a minimal node making one httpRequestWithAuthentication call per item, C at a time, same engine
 *  h'  the same node through the older requestWithAuthentication (the HTTP Request node's helper)
 *  c   Contact Hub with Parallel Requests C, three expressions per item, through the same engine
 *  c*  the same with Mapping Mode "Map Automatically": no expression per item
 *  c*L the same, but each contact found by its email first (Identify Contact By: Email): a look-up, then the update
 */
import http from 'node:http';

import axios from 'axios';
import type { IDataObject, IWorkflowBase } from 'n8n-workflow';

import { contactHubWorkflow, runWorkflow } from '../../test/helpers/workflow';
import { HELPER_FLOOR_TYPE, HelperFloor, helperFloorWorkflow } from './helper-floor';
import { HTTP_REQUEST_TYPE, SPLIT_IN_BATCHES_TYPE, type N8nBase } from './n8n-base';
import { benchWorkflow } from './workflow';

export const RAZE_KEY = 'gr_live_sandbox_key';
export type Method = 'a' | "a'" | 'h' | "h'" | 'b' | 'c' | 'c*' | 'c*L';
export const METHODS: Method[] = ['a', "a'", 'h', "h'", 'b', 'c', 'c*', 'c*L'];
/** The Contact Hub methods that update by ID, each compared with every other method (c*L is compared with c*). */
export const CONTACT_HUB_METHODS = ['c', 'c*'] as const;

/** Requests the sandbox must see per item: c*L sends a look-up (one page: the emails are unique) before each update. */
export const REQUESTS_PER_ITEM: Record<Method, number> = { a: 1, "a'": 1, h: 1, "h'": 1, b: 1, c: 1, 'c*': 1, 'c*L': 2 };

export const METHOD_LABEL: Record<Method, string> = {
	a: 'raw axios, keep-alive',
	"a'": 'raw axios, no keep-alive, agent per request',
	h: 'minimal node, httpRequestWithAuthentication',
	"h'": 'minimal node, older requestWithAuthentication',
	b: 'HTTP Request node in Loop Over Items',
	c: 'Contact Hub, Map Each Field Below',
	'c*': 'Contact Hub, Map Automatically',
	'c*L': 'Contact Hub, Map Automatically, find by email',
};

interface BenchItem extends IDataObject {
	id: string;
	name: string;
	tags: string[];
}

/** The email the sandbox gives its generated contact-N (`seedMany`, `--seed-count`): unique per contact. */
function emailOf(contactId: string): string {
	return `${contactId.replace(/-/g, '')}@example.com`;
}

/** N update items for contact-1 … contact-N; `tag` makes every run write something new. */
export function makeItems(count: number, tag: string): BenchItem[] {
	return Array.from({ length: count }, (_, index) => ({
		id: `contact-${index + 1}`,
		name: `Bench ${tag} ${index + 1}`,
		tags: ['bench', tag],
	}));
}

/** What one measured run did: how many updates were answered 2xx (the caller checks the sandbox too). */
export interface RunOutcome {
	ok: number;
	failures: string[];
}

/** (a) and (a'): C workers pulling from one queue, each sending the PUT and waiting for its answer. */
async function rawLoop(razeBase: string, items: BenchItem[], concurrency: number, keepAlive: boolean): Promise<RunOutcome> {
	// A separate instance: n8n-core installs an interceptor on axios' default instance that sets its own agents.
	const client = axios.create({ validateStatus: () => true, timeout: 30_000 });
	const shared = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: concurrency }) : undefined;
	const failures: string[] = [];
	let ok = 0;
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const item = items[next++];
			const response = await client.put(
				`${razeBase}/external/v1/contacts/${encodeURIComponent(item.id)}`,
				{ name: item.name, tags: item.tags },
				{
					headers: { 'X-API-Key': RAZE_KEY, Accept: 'application/json' },
					httpAgent: shared ?? new http.Agent({ keepAlive: false }),
				},
			);
			if (response.status >= 200 && response.status < 300) ok++;
			else if (failures.length < 5) failures.push(`${item.id}: ${response.status}`);
		}
	};
	try {
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	} finally {
		shared?.destroy();
	}
	return { ok, failures };
}

/** Manual Trigger → Loop Over Items (batch size C) → HTTP Request (PUT, Header Auth) → back to the loop. */
function httpRequestLoopWorkflow(razeBase: string, batchSize: number): IWorkflowBase {
	return benchWorkflow(
		'bench-http-request',
		'Bench: HTTP Request in Loop Over Items',
		[
			{
				id: 'loop',
				name: 'Loop Over Items',
				type: SPLIT_IN_BATCHES_TYPE,
				typeVersion: 3,
				position: [220, 0],
				parameters: { batchSize, options: {} },
			},
			{
				id: 'http',
				name: 'HTTP Request',
				type: HTTP_REQUEST_TYPE,
				typeVersion: 4.4,
				position: [440, 100],
				parameters: {
					method: 'PUT',
					url: `=${razeBase}/external/v1/contacts/{{ encodeURIComponent($json.id) }}`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ name: $json.name, tags: $json.tags }) }}',
					options: {},
				},
				credentials: { httpHeaderAuth: { id: '10', name: 'Raze key as header' } },
			},
		],
		{
			'Manual Trigger': { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
			'Loop Over Items': { main: [[], [{ node: 'HTTP Request', type: 'main', index: 0 }]] },
			'HTTP Request': { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
		},
	);
}

function checkOutput(items: Array<{ json: IDataObject }>, expected: BenchItem[], readId: (json: IDataObject) => unknown, error?: Error): RunOutcome {
	const failures: string[] = [];
	if (error) failures.push(`workflow error: ${error.message}`);
	let ok = 0;
	items.forEach((item, index) => {
		if (readId(item.json) === expected[index]?.id && item.json.error === undefined) ok++;
		else if (failures.length < 5) failures.push(`item ${index}: ${JSON.stringify(item.json).slice(0, 200)}`);
	});
	if (items.length !== expected.length) failures.push(`${items.length} output items for ${expected.length} inputs`);
	return { ok, failures };
}

/** (b): n8n's HTTP Request node, bounded to C requests at a time by Loop Over Items. */
async function httpRequestNode(razeBase: string, items: BenchItem[], concurrency: number, base: N8nBase): Promise<RunOutcome> {
	const result = await runWorkflow(
		httpRequestLoopWorkflow(razeBase, concurrency),
		items,
		{ httpHeaderAuth: { name: 'X-API-Key', value: RAZE_KEY } },
		{ nodeTypes: base.nodeTypes, credentialTypes: base.credentialTypes, resultNode: 'HTTP Request' },
	);
	return checkOutput(result.items, items, (json) => (json.data as IDataObject | undefined)?.id, result.error);
}

/** How a Contact Hub bench workflow maps: three expressions per item, the input's keys by ID, or by email (a look-up first). */
type ContactHubMapping = 'expressions' | 'auto' | 'autoLookup';

/** Contact Hub with Parallel Requests C, mapped as `mapping` says. */
export function contactHubBenchWorkflow(concurrency: number, mapping: ContactHubMapping = 'expressions'): IWorkflowBase {
	const parameters = {
		expressions: { contactId: '={{ $json.id }}', updateFields: { name: '={{ $json.name }}', tags: '={{ $json.tags }}' } },
		auto: { mappingMode: 'autoMapInputData', contactIdField: 'id' },
		autoLookup: { mappingMode: 'autoMapInputData', identifyBy: 'email', lookupField: 'email' },
	}[mapping];
	return contactHubWorkflow({ provider: 'raze', ...parameters, options: { parallelRequests: concurrency } });
}

/** (c), (c*) and (c*L): Contact Hub with Parallel Requests C. c*L's items hold the contact's email instead of its ID. */
export async function contactHub(razeBase: string, items: BenchItem[], concurrency: number, mapping: ContactHubMapping = 'expressions'): Promise<RunOutcome> {
	const input = mapping === 'autoLookup' ? items.map(({ id, name, tags }) => ({ email: emailOf(id), name, tags })) : items;
	const result = await runWorkflow(contactHubBenchWorkflow(concurrency, mapping), input, {
		razeApi: { apiKey: RAZE_KEY, baseUrl: razeBase },
	});
	return checkOutput(result.items, items, (json) => json.id, result.error);
}

/** (h) and (h'): the minimal node of helper-floor.ts, through the same engine. */
export async function helperFloor(razeBase: string, items: BenchItem[], concurrency: number, legacyHelper = false): Promise<RunOutcome> {
	const result = await runWorkflow(
		helperFloorWorkflow(concurrency, legacyHelper),
		items,
		{ razeApi: { apiKey: RAZE_KEY, baseUrl: razeBase } },
		{ nodeTypes: { [HELPER_FLOOR_TYPE]: new HelperFloor() }, resultNode: 'Helper Floor' },
	);
	return checkOutput(result.items, items, (json) => json.id, result.error);
}

/** Sends the items with one method; `base` (n8n's own nodes) is needed for b only. */
export async function sendWith(method: Method, razeBase: string, items: BenchItem[], concurrency: number, base?: N8nBase): Promise<RunOutcome> {
	switch (method) {
		case 'a': return await rawLoop(razeBase, items, concurrency, true);
		case "a'": return await rawLoop(razeBase, items, concurrency, false);
		case 'h': return await helperFloor(razeBase, items, concurrency);
		case "h'": return await helperFloor(razeBase, items, concurrency, true);
		case 'b':
			if (!base) throw new Error('method b needs n8n-nodes-base (loadN8nBase)');
			return await httpRequestNode(razeBase, items, concurrency, base);
		case 'c': return await contactHub(razeBase, items, concurrency);
		case 'c*': return await contactHub(razeBase, items, concurrency, 'auto');
		case 'c*L': return await contactHub(razeBase, items, concurrency, 'autoLookup');
	}
}
