// Proves the e2e harness on n8n's built-in nodes, before any Contact Hub code:
// CLI import + `n8n execute`, continue-on-fail, a tool node run without an LLM,
// then `n8n start`, owner setup, API key, public API credential, credential test, stop.
//
//   node e2e/smoke.mjs            (installs the pinned n8n on first use)
//
// Everything listens on 127.0.0.1, uses a fresh temporary user folder, and stops by itself.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
	DEFAULT_OWNER,
	N8nRest,
	PROBE_CREDENTIAL_TYPE,
	PROBE_NODE_TYPE,
	PROBE_PACKAGE,
	ensureN8n,
	installTarball,
	linkPackage,
	makeUserFolder,
	n8nCli,
	nodeOutput,
	nodesDir,
	npmPack,
	removeUserFolder,
	startN8n,
	writeProbePackage,
} from './lib/index.mjs';

const timings = {};
const time = async (label, fn) => {
	const t0 = Date.now();
	try {
		return await fn();
	} finally {
		timings[label] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
	}
};

// ---- a tiny vendor on 127.0.0.1 ---------------------------------------------------
const GOOD_KEY = 'smoke-key';
const received = [];
const vendor = createServer((req, res) => {
	const url = new URL(req.url, 'http://127.0.0.1');
	received.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
	const send = (status, body) => {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	};
	const authorized = req.headers['x-n8n-api-key'] === GOOD_KEY;
	if (url.pathname === '/api/v1/workflows') return authorized ? send(200, { data: [] }) : send(401, { message: 'bad key' });
	if (url.pathname === '/hello') return authorized ? send(200, { hello: 'world', from: url.searchParams.get('from') }) : send(401, { message: 'bad key' });
	if (url.pathname === '/fail') return send(500, { message: 'vendor exploded' });
	if (url.pathname === '/tool') return send(200, { tool: 'ok', name: url.searchParams.get('name') });
	if (url.pathname === '/probe') {
		let raw = '';
		req.on('data', (d) => (raw += d));
		req.on('end', () => {
			const { name } = JSON.parse(raw || '{}');
			if (!authorized) return send(401, { message: 'bad key' });
			if (name === 'fail') return send(500, { message: 'probe vendor exploded' });
			return send(200, { name, probed: true });
		});
		return undefined;
	}
	return send(404, { message: 'not found' });
});
let base;
let userFolder;
let cli;
const IDS = {
	cred: 'e2eSmokeCred0001',
	http: 'e2eSmokeHttp0001',
	cof: 'e2eSmokeCof00001',
	fail: 'e2eSmokeFail0001',
	tool: 'e2eSmokeTool0001',
	probeCred: 'e2eProbeCred0001',
	probe: 'e2eProbeNode0001',
	probeTool: 'e2eProbeTool0001',
};

before(async () => {
	const r = await time('ensure n8n (npm ci when missing)', async () => ensureN8n());
	console.log(`# n8n ${r.version}${r.installed ? ` installed in ${r.seconds} s` : ' already installed'}`);
	await new Promise((resolve) => vendor.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${vendor.address().port}`;
	userFolder = makeUserFolder('contact-hub-smoke-');
	cli = n8nCli(userFolder);
});

after(async () => {
	vendor.close();
	if (userFolder && !process.env.E2E_KEEP) removeUserFolder(userFolder);
	console.log('# timings');
	for (const [k, v] of Object.entries(timings)) console.log(`#   ${k}: ${v}`);
});

// ---- workflows --------------------------------------------------------------------
const trigger = { id: 'a0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const creds = { n8nApi: { id: IDS.cred, name: 'Smoke vendor' } };
const workflow = (id, name, nodes, connections) => ({ id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} });
const main = (...chain) =>
	Object.fromEntries(chain.slice(0, -1).map((from, i) => [from, { main: [[{ node: chain[i + 1], type: 'main', index: 0 }]] }]));
const httpNode = (name, url, extra = {}) => ({
	id: `b0000000-0000-4000-8000-00000000000${name.length % 10}`,
	name,
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	position: [400, 0],
	parameters: { url, authentication: 'predefinedCredentialType', nodeCredentialType: 'n8nApi', options: {} },
	credentials: creds,
	...extra,
});
const threeItems = (b) => ({
	id: 'c0000000-0000-4000-8000-000000000001',
	name: 'Items',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [200, 0],
	parameters: {
		jsCode: `return [{ json: { url: '${b}/hello?from=1' } }, { json: { url: '${b}/fail' } }, { json: { url: '${b}/hello?from=3' } }];`,
	},
});

test('CLI: import a credential and workflows', async () => {
	await time('cli import:credentials', () =>
		cli.importCredentials([{ id: IDS.cred, name: 'Smoke vendor', type: 'n8nApi', data: { apiKey: GOOD_KEY, baseUrl: `${base}/api/v1` } }]),
	);
	await time('cli import:workflow (4 workflows)', () =>
		cli.importWorkflows([
			workflow(IDS.http, 'Smoke HTTP', [trigger, httpNode('Call vendor', `${base}/hello?from=n8n`)], main('Start', 'Call vendor')),
			workflow(
				IDS.cof,
				'Smoke continue on fail',
				[trigger, threeItems(base), httpNode('Call each', '={{ $json.url }}', { onError: 'continueRegularOutput' })],
				main('Start', 'Items', 'Call each'),
			),
			workflow(IDS.fail, 'Smoke stop on fail', [trigger, threeItems(base), httpNode('Call each', '={{ $json.url }}')], main('Start', 'Items', 'Call each')),
			workflow(
				IDS.tool,
				'Smoke tool without LLM',
				[
					trigger,
					{
						id: 'd0000000-0000-4000-8000-000000000001',
						name: 'Tool Executor',
						type: '@n8n/n8n-nodes-langchain.toolExecutor',
						typeVersion: 1,
						position: [200, 0],
						parameters: { query: JSON.stringify({ Hello_Tool: { name: 'Ada' } }), toolName: '' },
					},
					{
						id: 'd0000000-0000-4000-8000-000000000002',
						name: 'Hello Tool',
						type: 'n8n-nodes-base.httpRequestTool',
						typeVersion: 4.2,
						position: [200, 200],
						parameters: {
							toolDescription: 'Say hello',
							url: `=${base}/tool?name={{ $fromAI('name', 'who to greet', 'string') }}`,
							options: {},
						},
					},
				],
				{
					Start: { main: [[{ node: 'Tool Executor', type: 'main', index: 0 }]] },
					'Hello Tool': { ai_tool: [[{ node: 'Tool Executor', type: 'ai_tool', index: 0 }]] },
				},
			),
		]),
	);
});

test('CLI: n8n execute --id runs HTTP Request with a credential', async () => {
	received.length = 0;
	const r = await time('cli execute (http)', () => cli.execute(IDS.http));
	assert.equal(r.code, 0, r.stdout + r.stderr);
	assert.deepEqual(nodeOutput(r.run, 'Call vendor'), [{ hello: 'world', from: 'n8n' }]);
	assert.equal(received.length, 1);
	assert.equal(received[0].headers['x-n8n-api-key'], GOOD_KEY, 'credential authenticate header sent');
});

test('CLI: continue on fail gives an error item and keeps going', async () => {
	received.length = 0;
	const r = await time('cli execute (continue on fail)', () => cli.execute(IDS.cof));
	assert.equal(r.code, 0, r.stdout + r.stderr);
	const out = nodeOutput(r.run, 'Call each');
	assert.equal(out.length, 3);
	assert.equal(out[0].from, '1');
	assert.ok(out[1].error, `item 1 is an error item: ${JSON.stringify(out[1])}`);
	assert.equal(out[2].from, '3');
	assert.equal(received.filter((q) => q.path === '/fail').length, 1);
	console.log(`# continue-on-fail error item: ${JSON.stringify(out[1]).slice(0, 300)}`);
});

test('CLI: without continue on fail, execute exits non-zero and prints the run', async () => {
	received.length = 0;
	const r = await time('cli execute (stop on fail)', () => cli.execute(IDS.fail));
	assert.notEqual(r.code, 0);
	assert.ok(r.run, 'the failed run is printed as JSON');
	assert.equal(r.run.data.resultData.lastNodeExecuted, 'Call each');
	assert.equal(r.run.data.resultData.error.name, 'NodeApiError');
	assert.match(r.run.data.resultData.error.description, /exploded/);
	// HTTP Request sends every item's request before it looks at the answers, so both /hello
	// calls still went out: the error stops the workflow, not the node's other requests.
	console.log(`# stop-on-fail: requests sent ${JSON.stringify(received.map((q) => q.path))}`);
	const { message, description } = r.run.data.resultData.error;
	console.log(`# stop-on-fail: exit ${r.code}, error: ${message} / ${description}`);
});

test('CLI: a usableAsTool node runs as <type>Tool under Tool Executor, no LLM', async () => {
	received.length = 0;
	const r = await time('cli execute (tool)', () => cli.execute(IDS.tool));
	assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-3000));
	assert.deepEqual(received.map((q) => [q.path, q.query.name]), [['/tool', 'Ada']]);
	const toolRun = r.run.data.resultData.runData['Hello Tool'][0];
	assert.deepEqual(toolRun.inputOverride.ai_tool[0][0].json, { name: 'Ada' }, '$fromAI arguments came from the query');
	assert.deepEqual(toolRun.data.ai_tool[0][0].json.response, [{ tool: 'ok', name: 'Ada' }]);
	console.log(`# Tool Executor output (a JSON string): ${JSON.stringify(nodeOutput(r.run, 'Tool Executor'))}`);
});

test('community package: npm pack -> install into .n8n/nodes -> n8n execute (node and Tool variant)', async () => {
	const pkgDir = writeProbePackage(join(userFolder, 'probe-src'));
	const tgz = await time('npm pack probe', () => npmPack(pkgDir, join(userFolder, 'probe-dist')));
	const installed = await time('install tarball into .n8n/nodes', () => installTarball(userFolder, tgz));
	assert.equal(installed.name, PROBE_PACKAGE);
	assert.ok(!existsSync(join(nodesDir(userFolder), 'node_modules', 'n8n-workflow')), 'peer dependency not installed next to it');

	await cli.importCredentials([{ id: IDS.probeCred, name: 'Probe vendor', type: PROBE_CREDENTIAL_TYPE, data: { apiKey: GOOD_KEY, baseUrl: base } }]);
	const probeNode = (name, type, parameters, extra = {}) => ({
		id: `e0000000-0000-4000-8000-0000000000${String(name.length).padStart(2, '0')}`,
		name,
		type,
		typeVersion: 1,
		position: [400, 0],
		parameters,
		credentials: { [PROBE_CREDENTIAL_TYPE]: { id: IDS.probeCred, name: 'Probe vendor' } },
		...extra,
	});
	const names = {
		id: 'c0000000-0000-4000-8000-000000000002',
		name: 'Names',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: "return ['Ada', 'fail', 'Grace'].map((name) => ({ json: { name } }));" },
	};
	await cli.importWorkflows([
		workflow(
			IDS.probe,
			'Probe node',
			[trigger, names, probeNode('Probe', PROBE_NODE_TYPE, { name: '={{ $json.name }}' }, { onError: 'continueRegularOutput' })],
			main('Start', 'Names', 'Probe'),
		),
		workflow(
			IDS.probeTool,
			'Probe tool',
			[
				trigger,
				{
					id: 'd0000000-0000-4000-8000-000000000003',
					name: 'Tool Executor',
					type: '@n8n/n8n-nodes-langchain.toolExecutor',
					typeVersion: 1,
					position: [200, 0],
					parameters: { query: JSON.stringify({ Probe_Tool: { name: 'Linus' } }) },
				},
				probeNode('Probe Tool', `${PROBE_NODE_TYPE}Tool`, { name: "={{ $fromAI('name', 'the name', 'string') }}" }),
			],
			{
				Start: { main: [[{ node: 'Tool Executor', type: 'main', index: 0 }]] },
				'Probe Tool': { ai_tool: [[{ node: 'Tool Executor', type: 'ai_tool', index: 0 }]] },
			},
		),
	]);

	received.length = 0;
	const r = await time('cli execute (community node)', () => cli.execute(IDS.probe));
	assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-3000));
	const out = nodeOutput(r.run, 'Probe');
	assert.deepEqual(out.map((o) => o.name ?? o.httpCode), ['Ada', '500', 'Grace']);
	assert.match(out[0].n8nWorkflowFrom, /e2e\/node_modules\/n8n-workflow\//, "the package uses n8n's own n8n-workflow");
	assert.deepEqual(received.map((q) => q.headers['x-n8n-api-key']), [GOOD_KEY, GOOD_KEY, GOOD_KEY]);
	console.log(`# community node output: ${JSON.stringify(out.map((o) => ({ ...o, n8nWorkflowFrom: undefined })))}`);
	console.log(`# its n8n-workflow: ${out[0].n8nWorkflowFrom}`);

	received.length = 0;
	const t = await time('cli execute (community node as tool)', () => cli.execute(IDS.probeTool));
	assert.equal(t.code, 0, t.stdout.slice(-3000) + t.stderr.slice(-3000));
	assert.deepEqual(received.map((q) => q.path), ['/probe']);
	const toolRun = t.run.data.resultData.runData['Probe Tool'][0];
	assert.deepEqual(toolRun.inputOverride.ai_tool[0][0].json, { name: 'Linus' });
	console.log(`# community tool output: ${JSON.stringify(toolRun.data.ai_tool[0][0].json).slice(0, 300)}`);
});

test('community package: a linked folder loads too (npm start quick-rebuild path)', async () => {
	const linked = makeUserFolder('contact-hub-smoke-link-');
	try {
		linkPackage(linked, join(userFolder, 'probe-src'));
		const c = n8nCli(linked);
		await c.importCredentials([{ id: IDS.probeCred, name: 'Probe vendor', type: PROBE_CREDENTIAL_TYPE, data: { apiKey: GOOD_KEY, baseUrl: base } }]);
		await c.importWorkflows([
			workflow(
				IDS.probe,
				'Probe node',
				[
					trigger,
					{
						id: 'e0000000-0000-4000-8000-000000000099',
						name: 'Probe',
						type: PROBE_NODE_TYPE,
						typeVersion: 1,
						position: [200, 0],
						parameters: { name: 'Linked' },
						credentials: { [PROBE_CREDENTIAL_TYPE]: { id: IDS.probeCred, name: 'Probe vendor' } },
					},
				],
				main('Start', 'Probe'),
			),
		]);
		const r = await time('cli execute (linked community node)', () => c.execute(IDS.probe));
		assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-3000));
		assert.equal(nodeOutput(r.run, 'Probe')[0].name, 'Linked');
	} finally {
		removeUserFolder(linked);
	}
});

test('server: start, owner, API key, public API credentials, credential test, stop', async () => {
	const server = await time('n8n start until ready', () => startN8n({ userFolder }));
	try {
		console.log(`# n8n started at ${server.url} (pid ${server.pid}) in ${server.ms} ms`);
		const rest = new N8nRest(server.url);
		assert.equal(await rest.ownerIsSetUp(), false);
		await time('owner setup + login + API key', async () => {
			await rest.setupOwner(DEFAULT_OWNER);
			await rest.login(DEFAULT_OWNER);
			await rest.createApiKey({ label: 'smoke' });
		});
		assert.equal(await rest.ownerIsSetUp(), true);

		const workflows = await rest.api('GET', '/workflows');
		assert.ok(workflows.data.some((w) => w.id === IDS.http), 'CLI-imported workflows belong to the owner');

		// node types the editor sees
		const types = await rest.rest('GET', '/types/nodes.json').catch(() => null);
		if (types) {
			const names = types.map((t) => t.name);
			assert.ok(names.includes(PROBE_NODE_TYPE), 'community node type listed');
		}

		// allowedHttpRequestDomains through the public API: built-in (lazy) vs community (eager) types
		const builtinData = { apiKey: GOOD_KEY, baseUrl: `${base}/api/v1` };
		const probeData = { apiKey: GOOD_KEY, baseUrl: base };
		const report = {};
		for (const [type, data] of [
			['n8nApi', builtinData],
			[PROBE_CREDENTIAL_TYPE, probeData],
		]) {
			const without = await rest.apiRaw('POST', '/credentials', { name: `${type} plain`, type, data });
			const withAll = await rest.apiRaw('POST', '/credentials', { name: `${type} all`, type, data: { ...data, allowedHttpRequestDomains: 'all' } });
			report[type] = { without: `${without.status} ${without.text.slice(0, 160)}`, withAll: `${withAll.status} ${withAll.text.slice(0, 160)}` };
		}
		console.log(`# public API create credential: ${JSON.stringify(report, null, 1)}`);
		assert.match(report.n8nApi.without, /^200/);
		assert.match(report[PROBE_CREDENTIAL_TYPE].withAll, /^200/);

		// createCredential() copes with both
		const created = await rest.createCredential({ name: 'Probe via API', type: PROBE_CREDENTIAL_TYPE, data: probeData });
		assert.ok(created.id);

		// the credential test button's endpoint, with the stored key and with a bad one
		received.length = 0;
		const good = await rest.testCredential({ id: created.id, name: created.name, type: PROBE_CREDENTIAL_TYPE, data: { ...probeData, allowedHttpRequestDomains: 'all' } });
		const bad = await rest.testCredential({
			id: created.id,
			name: created.name,
			type: PROBE_CREDENTIAL_TYPE,
			data: { ...probeData, apiKey: 'wrong-key', allowedHttpRequestDomains: 'all' },
		});
		console.log(`# credential test: good=${JSON.stringify(good)} bad=${JSON.stringify(bad)}`);
		assert.equal(good.status, 'OK', JSON.stringify(good));
		assert.equal(bad.status, 'Error', JSON.stringify(bad));
		// n8n sends the test request once with a good key; on a 401 it tries once more
		console.log(`# credential test requests: ${JSON.stringify(received.map((q) => [q.path, q.headers['x-n8n-api-key']]))}`);
		assert.deepEqual([...new Set(received.map((q) => q.headers['x-n8n-api-key']))], [GOOD_KEY, 'wrong-key']);
		assert.ok(received.every((q) => q.path === '/api/v1/workflows'));
	} finally {
		await time('n8n stop', () => server.stop());
	}
	assert.throws(() => process.kill(server.pid, 0), 'n8n process is gone');
});
