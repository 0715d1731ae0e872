/**
 * Rate limits at full speed (npm run bench:ratelimit): the sandbox (in its own process, answers
 * 50 ms late as a network would) limits one key to 600 updates a minute with the vendor's own
 * X-RateLimit-* headers and 429 shape; each scenario sends 1,200 updates, and prints one line:
 *
 *   ratelimit: <mode> achieved=<achieved rate / allowed rate> 429s=<count> windows=<windows> executions=<n> failed=<items>
 *
 *   throttle      one execution, Max Requests per Minute = the limit
 *   pacing        four executions at once on one key, no throttle: header pacing alone
 *   burst         the same four with header pacing switched off (the gate ignores the headers), as before
 *   http-request  n8n's HTTP Request node, four executions, Retry On Fail at its maximum (5 tries, 5 s apart)
 *
 * achieved = contacts that hold their update at the end, per minute of the run, over the limit (a
 * re-sent update counts once); the window is fixed and starts with the scenario. Options: --vendor raze|leadLex (default raze), --mode <one mode>.
 * A benchmark, not a test: about 8 minutes.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { RequestGate } from '../nodes/ContactHub/engine/gate';
import { contactHubWorkflow, runWorkflow, shutdownEngine, type RunResult } from '../test/helpers/workflow';
import { HTTP_REQUEST_TYPE, loadN8nBase, type N8nBase } from './lib/n8n-base';
import { startSandboxProcess, type SandboxProcess } from './lib/sandbox-process';
import { benchWorkflow } from './lib/workflow';

const LIMIT = 600;
const WINDOW_MS = 60_000;
const LATENCY_MS = 50;
const UPDATES = 1200;
const EXECUTIONS = 4;

type Vendor = 'raze' | 'leadLex';
type Mode = 'throttle' | 'pacing' | 'burst' | 'http-request';
const MODES: Mode[] = ['throttle', 'pacing', 'burst', 'http-request'];

const KEY: Record<Vendor, string> = { raze: 'gr_live_sandbox_key', leadLex: 'wbk_live_sandbox_key' };
const PREFIX: Record<Vendor, string> = { raze: '/raze', leadLex: '/leadlex' };
const UPDATE_PATH: Record<Vendor, string> = { raze: '/external/v1/contacts/', leadLex: '/v1/contacts/' };
const METHOD: Record<Vendor, string> = { raze: 'PUT', leadLex: 'PATCH' };
const NAME_FIELD: Record<Vendor, string> = { raze: 'name', leadLex: 'full_name' };

function arg(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

async function admin(sandbox: SandboxProcess, path: string, body?: unknown): Promise<IDataObject> {
	const response = await fetch(`${sandbox.url}/__sandbox${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
	return (await response.json().catch(() => ({}))) as IDataObject;
}

/** The items of execution `e` of `count`: a share of the seeded contacts contact-1 … contact-N. */
function batch(e: number, count: number): IDataObject[] {
	const size = UPDATES / count;
	return Array.from({ length: size }, (_, i) => ({ id: `contact-${e * size + i + 1}`, name: `Paced ${e * size + i + 1}` }));
}

/** Contact Hub, Map Automatically, one key; `maxRequestsPerMinute` only in throttle mode. */
async function contactHub(sandbox: SandboxProcess, vendor: Vendor, items: IDataObject[], options: IDataObject): Promise<RunResult> {
	return await runWorkflow(
		contactHubWorkflow({ provider: vendor, mappingMode: 'autoMapInputData', options: { maxRetries: 5, ...options } }, { onError: 'continueRegularOutput' }),
		items,
		{ [`${vendor}Api`]: { apiKey: KEY[vendor], baseUrl: sandbox.url + PREFIX[vendor] } },
	);
}

/** n8n's HTTP Request node, one request per item in turn, Retry On Fail at its maximum. */
async function httpRequest(sandbox: SandboxProcess, vendor: Vendor, items: IDataObject[], base: N8nBase): Promise<RunResult> {
	const header = vendor === 'raze' ? { name: 'X-API-Key', value: KEY.raze } : { name: 'Authorization', value: `Bearer ${KEY.leadLex}` };
	const node: Partial<INode> = {
		id: 'http',
		name: 'HTTP Request',
		type: HTTP_REQUEST_TYPE,
		typeVersion: 4.2,
		position: [220, 0],
		retryOnFail: true,
		maxTries: 5,
		waitBetweenTries: 5000,
		parameters: {
			method: METHOD[vendor],
			url: `=${sandbox.url}${PREFIX[vendor]}${UPDATE_PATH[vendor]}{{ $json.id }}`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ ${NAME_FIELD[vendor]}: $json.name }) }}`,
			options: { batching: { batch: { batchSize: 1, batchInterval: 0 } } },
		},
		credentials: { httpHeaderAuth: { id: '10', name: 'Key as header' } },
	};
	return await runWorkflow(
		benchWorkflow('bench-ratelimit-http', 'Bench: HTTP Request with Retry On Fail', [node], {
			'Manual Trigger': { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] },
		}),
		items,
		{ httpHeaderAuth: header },
		{ nodeTypes: base.nodeTypes, credentialTypes: base.credentialTypes, resultNode: 'HTTP Request' },
	);
}

/** How many of the scenario's contacts hold their update now, read from the sandbox. */
async function updatedContacts(sandbox: SandboxProcess, vendor: Vendor): Promise<number> {
	let updated = 0;
	for (const { id, name } of batch(0, 1)) {
		const contact = await admin(sandbox, `/contacts/${vendor}/${String(id)}`);
		if (contact[NAME_FIELD[vendor]] === name) updated++;
	}
	return updated;
}

/** Items that came out without an error (Contact Hub) or at all (the HTTP Request node fails as a whole). */
function succeeded(result: RunResult): number {
	if (result.error) return 0;
	return result.items.filter((item) => item.json.error === undefined).length;
}

async function scenario(sandbox: SandboxProcess, vendor: Vendor, mode: Mode, base?: N8nBase): Promise<string> {
	await admin(sandbox, '/reset', {});
	// The window starts now, with the scenario.
	await admin(sandbox, '/rate-limit', { vendor, limit: LIMIT, windowMs: WINDOW_MS });
	const started = Date.now();
	const executions = mode === 'throttle' ? 1 : EXECUTIONS;
	const observe = RequestGate.prototype.observe;
	// Burst: the same node with the headers unread, as before header pacing.
	if (mode === 'burst') RequestGate.prototype.observe = () => undefined;
	let results: RunResult[];
	// n8n prints every 429 the HTTP Request node meets; the figures are the only output wanted here.
	const write = process.stdout.write;
	if (mode === 'http-request') process.stdout.write = (() => true) as typeof process.stdout.write;
	try {
		results = await Promise.all(
			Array.from({ length: executions }, async (_, e) => {
				const items = batch(e, executions);
				if (mode === 'http-request') return await httpRequest(sandbox, vendor, items, base!);
				return await contactHub(sandbox, vendor, items, mode === 'throttle' ? { maxRequestsPerMinute: LIMIT } : {});
			}),
		);
	} finally {
		RequestGate.prototype.observe = observe;
		process.stdout.write = write;
	}
	const elapsedMs = Date.now() - started;
	const stats = await sandbox.stats();
	const applied = await updatedContacts(sandbox, vendor);
	const refused = stats.rateLimited[vendor];
	const failed = UPDATES - results.reduce((sum, result) => sum + succeeded(result), 0);
	const achieved = applied / (elapsedMs / 60_000) / LIMIT;
	const windows = Math.ceil(elapsedMs / WINDOW_MS);
	return `ratelimit: ${mode} achieved=${achieved.toFixed(2)} 429s=${refused} windows=${windows} executions=${executions} failed=${failed}`;
}

async function main(): Promise<void> {
	const vendor = (arg('vendor') ?? 'raze') as Vendor;
	if (!(vendor in KEY)) throw new Error(`--vendor: raze or leadLex (the vendors with rate-limit headers), not ${vendor}`);
	const modes = arg('mode') ? [arg('mode') as Mode] : MODES;
	const base = modes.includes('http-request') ? loadN8nBase() : undefined;
	const sandbox = await startSandboxProcess(UPDATES, 60_000, ['--latency-ms', String(LATENCY_MS)]);
	console.error(`bench:ratelimit: ${vendor}, ${LIMIT} per ${WINDOW_MS / 1000} s per key, ${LATENCY_MS} ms answers, ${UPDATES} updates per scenario`);
	try {
		for (const mode of modes) console.log(await scenario(sandbox, vendor, mode, base));
	} finally {
		await sandbox.stop();
		shutdownEngine();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
