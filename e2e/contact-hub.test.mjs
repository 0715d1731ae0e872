// End-to-end: Contact Hub in a real n8n (the current line: the pinned 2.8.4 unless
// CONTACT_HUB_N8N_LINE names another, see e2e/lib/lines.mjs), installed from its `npm pack`
// tarball into a fresh user folder exactly as the README tells users, run by n8n's own CLI
// and server against the vendor sandbox. Asserts on what the sandbox received.
//
//   npm run test:e2e        (installs the pinned n8n on first use; E2E_KEEP=1 keeps the folder)
//   npm run test:matrix     (this file and agent.test.mjs on every line)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import {
	CONTACT_KEYS,
	CREDENTIAL_TYPE,
	DEFAULT_OWNER,
	DEMO_CONTACT,
	LABEL,
	N8nRest,
	NODE_TYPE,
	PACKAGE_NAME,
	REPO_DIR,
	SANDBOX_KEY,
	TOOL_NODE_TYPE,
	VENDORS,
	VENDOR_PATH,
	currentLine,
	credentialTemplates,
	ensureN8n,
	exampleNode,
	exampleVendors,
	exampleWorkflow,
	freePort,
	importExample,
	lineNpmEnv,
	makeUserFolder,
	n8nCli,
	nodeOutput,
	nodesDir,
	npmPack,
	removeUserFolder,
	sandboxCredentials,
	spawnGroup,
	startN8n,
	startSandbox,
	stopChild,
} from './lib/index.mjs';

// What the example workflow must make each vendor it has a node for receive (a vendor it has no
// node for must receive nothing).
const EXPECTED = {
	blandAi: {
		method: 'PATCH',
		path: `/v1/contacts/${DEMO_CONTACT.blandAi}`,
		auth: ['authorization', SANDBOX_KEY.blandAi],
		body: { name: 'Jonathan Smith', email: 'john.smith@example.com', external_id: 'crm-1001', metadata: { plan: 'pro' } },
	},
	leadLex: {
		method: 'PATCH',
		path: `/v1/contacts/${DEMO_CONTACT.leadLex}`,
		auth: ['authorization', `Bearer ${SANDBOX_KEY.leadLex}`],
		body: { company_name: 'Acme Corp', job_title: 'Head of Sales', notes: 'Updated from n8n by Contact Hub' },
	},
	openCx: {
		method: 'PATCH',
		path: `/contacts/${DEMO_CONTACT.openCx}`,
		auth: ['authorization', `Bearer ${SANDBOX_KEY.openCx}`],
		body: { contact: { phone: '+14155550123', custom_data: { tier: 'gold' } } },
	},
	raze: {
		method: 'PUT',
		path: `/external/v1/contacts/${DEMO_CONTACT.raze}`,
		auth: ['x-api-key', SANDBOX_KEY.raze],
		body: { position: 'VP Engineering', linkedin_url: 'https://www.linkedin.com/in/john-doe', tags: ['hot-lead', 'n8n-demo'] },
	},
};
// What the example's other nodes send, after the four updates above (executionOrder v1 runs the
// trigger's children top to bottom, each branch to its end): "LeadLex (get by email)" follows the
// LeadLex update (the look-up, then the read by ID of the one match); "Raze (find by email)" looks
// Raze's demo contact up and updates it; "Raze (create or update)" finds no contact with its email in
// a fresh sandbox and creates it.
const LOOKUP_NODE = 'Raze (find by email)';
const GET_NODE = 'LeadLex (get by email)';
const UPSERT_NODE = 'Raze (create or update)';
const UPSERT_EMAIL = 'ada.lovelace@example.com';
const EXPECTED_MORE = {
	leadLex: [
		{ method: 'GET', path: '/v1/contacts?search=jane%40example.com&per_page=100&page=1', body: undefined },
		{ method: 'GET', path: `/v1/contacts/${DEMO_CONTACT.leadLex}`, body: undefined },
	],
	raze: [
		{ method: 'GET', path: '/external/v1/contacts?email=john%40example.com&limit=100&page=1', body: undefined },
		{ method: 'PUT', path: `/external/v1/contacts/${DEMO_CONTACT.raze}`, body: { company: 'Acme Corp' } },
		{ method: 'GET', path: '/external/v1/contacts?email=ada.lovelace%40example.com&limit=100&page=1', body: undefined },
		{ method: 'POST', path: '/external/v1/contacts', body: { name: 'Ada Lovelace', email: UPSERT_EMAIL, company: 'Analytical Engines Ltd' } },
	],
};
// The credential test's request per vendor (the credentials' `test`), for the vendors written here;
// for any other, the test must reach that vendor alone.
const TEST_PATH = { blandAi: '/v1/me', leadLex: '/v1/contacts?per_page=1', openCx: '/org', raze: '/external/v1/contacts?limit=1' };
const BAD_KEY = 'wrong_key_0123456789';

let sandbox;
let userFolder;
let cli;

before(async () => {
	ensureN8n();
	sandbox = await startSandbox();
	userFolder = makeUserFolder('contact-hub-e2e-');
	cli = n8nCli(userFolder);
});

after(async () => {
	await sandbox?.stop();
	if (userFolder && !process.env.E2E_KEEP) removeUserFolder(userFolder);
});

const trigger = { id: 'f0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const credentialRef = (vendor, creds = sandboxCredentials(sandbox.url)) => {
	const c = creds.find((x) => x.type === CREDENTIAL_TYPE[vendor]);
	return { [c.type]: { id: c.id, name: c.name } };
};
const workflow = (id, name, nodes, connections) => ({ id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} });
const chain = (...names) => Object.fromEntries(names.slice(0, -1).map((from, i) => [from, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));
const fail = (r) => `exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`;

/** Assert that each vendor received exactly the example's requests: its update by ID, then EXPECTED_MORE's; nothing without a node. */
function assertExampleRequests(requests) {
	const inExample = exampleVendors();
	assert.deepEqual(inExample.filter((vendor) => !EXPECTED[vendor]), [], 'EXPECTED names every vendor the example has a node for');
	assert.deepEqual(Object.keys(EXPECTED).filter((vendor) => !inExample.includes(vendor)), [], 'the example has a node for every vendor EXPECTED names');
	for (const vendor of VENDORS) {
		const got = requests.filter((q) => q.vendor === vendor);
		const want = inExample.includes(vendor) ? [EXPECTED[vendor], ...(EXPECTED_MORE[vendor] ?? [])] : [];
		assert.equal(got.length, want.length, `${vendor}: ${want.length} request(s), got ${JSON.stringify(got.map((q) => `${q.method} ${q.path}`))}`);
		want.forEach((w, i) => {
			assert.equal(got[i].method, w.method, `${vendor} request ${i}`);
			assert.equal(got[i].path, w.path, `${vendor} request ${i}`);
			assert.equal(got[i].headers[EXPECTED[vendor].auth[0]], EXPECTED[vendor].auth[1], `${vendor} request ${i}: auth header`);
			assert.deepEqual(got[i].body, w.body, `${vendor} request ${i}: body`);
		});
	}
}

test('the npm pack tarball installs into <user folder>/.n8n/nodes as the README says', () => {
	const tgz = npmPack(REPO_DIR, join(userFolder, 'pack'));
	const dir = nodesDir(userFolder);
	mkdirSync(dir, { recursive: true });
	// README: mkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes && npm install --legacy-peer-deps <package or .tgz>
	// with the line's Node first on PATH, as that n8n's user would run npm
	const r = spawnSync('npm', ['install', '--legacy-peer-deps', tgz], { cwd: dir, encoding: 'utf8', timeout: 300000, env: lineNpmEnv() });
	assert.equal(r.status, 0, r.stdout + r.stderr);
	const pkg = join(dir, 'node_modules', PACKAGE_NAME);
	for (const file of ['dist/nodes/ContactHub/ContactHub.node.js', 'dist/nodes/ContactHub/ContactHub.node.json', 'dist/credentials/LeadLexApi.credentials.js']) {
		assert.ok(existsSync(join(pkg, file)), `${file} is in the published package`);
	}
	assert.ok(!existsSync(join(dir, 'node_modules', 'n8n-workflow')), "the n8n-workflow peer is not installed: n8n's own is used");
});

test("every n8n-workflow export the installed package uses exists in this line's n8n-workflow", () => {
	// n8n hands the package its own n8n-workflow at run time: an export missing there fails only when
	// that code path runs (2.40 dropped sleepWithAbort, and every wait of the node failed).
	const pkg = join(nodesDir(userFolder), 'node_modules', PACKAGE_NAME, 'dist');
	const used = new Set();
	const walk = (dir) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.name.endsWith('.js')) for (const [, name] of readFileSync(path, 'utf8').matchAll(/n8n_workflow_\d+\.(\w+)/g)) used.add(name);
		}
	};
	walk(pkg);
	assert.ok(used.has('NodeOperationError'), `the scan finds the package's imports (${[...used]})`);
	const exported = createRequire(join(currentLine().dir, 'node_modules', 'n8n', 'package.json'))('n8n-workflow');
	assert.deepEqual([...used].filter((name) => !(name in exported)), [], `n8n ${currentLine().n8n}'s n8n-workflow lacks these`);
});

test('CLI-imported credentials: the example workflow updates a contact in each provider, gets one and creates one', async () => {
	await importExample(userFolder, sandbox.url);
	await sandbox.reset();
	const wf = exampleWorkflow();
	const r = await cli.execute(wf.id);
	assert.equal(r.code, 0, fail(r));
	assertExampleRequests(await sandbox.requests());

	const out = Object.fromEntries(exampleVendors().map((v) => [v, nodeOutput(r.run, exampleNode(v).name)]));
	for (const vendor of exampleVendors()) {
		assert.equal(out[vendor].length, 1);
		assert.equal(out[vendor][0].provider, vendor);
		assert.equal(out[vendor][0].id, DEMO_CONTACT[vendor]);
	}
	assert.equal(out.blandAi[0].name, 'Jonathan Smith');
	assert.match(out.leadLex[0].notes, /\nUpdated from n8n by Contact Hub$/, 'LeadLex appends notes');
	assert.deepEqual(out.raze[0].tags, ['hot-lead', 'n8n-demo'], 'Raze replaces tags');
	assert.deepEqual((await sandbox.contact('openCx', DEMO_CONTACT.openCx)).custom_data, { tier: 'gold' });
	assert.equal((await sandbox.contact('raze', DEMO_CONTACT.raze)).position, 'VP Engineering');
	const found = nodeOutput(r.run, LOOKUP_NODE);
	assert.equal(found.length, 1);
	assert.equal(found[0].id, DEMO_CONTACT.raze, 'the look-up found the demo contact by its email');
	assert.equal((await sandbox.contact('raze', DEMO_CONTACT.raze)).company, 'Acme Corp');

	// The Get reads back what the LeadLex update wrote, in the Simplified shape.
	const got = nodeOutput(r.run, GET_NODE);
	assert.equal(got.length, 1);
	assert.deepEqual(Object.keys(got[0]), CONTACT_KEYS);
	assert.deepEqual(
		[got[0].provider, got[0].id, got[0].email, got[0].company, got[0].jobTitle],
		['leadLex', DEMO_CONTACT.leadLex, 'jane@example.com', 'Acme Corp', 'Head of Sales'],
		JSON.stringify(got[0]),
	);

	// Create or Update: no contact has the email in a fresh sandbox, so it is created.
	const upserted = nodeOutput(r.run, UPSERT_NODE);
	assert.equal(upserted.length, 1);
	assert.equal(upserted[0].created, true, JSON.stringify(upserted[0]));
	assert.match(upserted[0].id, /^cnt_[0-9a-f]{12}$/);
	assert.deepEqual([upserted[0].email, upserted[0].name], [UPSERT_EMAIL, 'Ada Lovelace']);
	const stored = await sandbox.contact('raze', upserted[0].id);
	assert.deepEqual([stored.email, stored.name, stored.company], [UPSERT_EMAIL, 'Ada Lovelace', 'Analytical Engines Ltd']);
});

// Three LeadLex updates, the middle one for a contact LeadLex does not have.
const cofWorkflow = (id, onError) =>
	workflow(
		id,
		`Continue on fail ${onError ?? 'off'}`,
		[
			trigger,
			{
				id: 'f0000000-0000-4000-8000-000000000002',
				name: 'Items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					jsCode: `return [['${DEMO_CONTACT.leadLex}', 'CTO'], ['no-such-contact', 'CEO'], ['${DEMO_CONTACT.leadLex}', 'CFO']].map(([id, title]) => ({ json: { id, title } }));`,
				},
			},
			{
				id: 'f0000000-0000-4000-8000-000000000003',
				name: 'LeadLex',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
				parameters: { provider: 'leadLex', resource: 'contact', operation: 'update', contactId: '={{ $json.id }}', updateFields: { jobTitle: '={{ $json.title }}' }, options: {} },
				credentials: credentialRef('leadLex'),
				...(onError ? { onError } : {}),
			},
		],
		chain('Start', 'Items', 'LeadLex'),
	);

test('continue on fail: the failing item becomes an error item, the others are updated', async () => {
	await cli.importWorkflows([cofWorkflow('chE2eCofOn000001', 'continueRegularOutput'), cofWorkflow('chE2eCofOff00001')]);
	await sandbox.reset();
	const r = await cli.execute('chE2eCofOn000001');
	assert.equal(r.code, 0, fail(r));
	const out = nodeOutput(r.run, 'LeadLex');
	assert.equal(out.length, 3);
	assert.equal(out[0].jobTitle, 'CTO');
	assert.match(out[1].error, /LeadLex/);
	assert.match(out[1].error, /no-such-contact/);
	assert.match(out[1].error, /404/);
	assert.match(out[1].error, /item 1/);
	assert.equal(out[2].jobTitle, 'CFO');
	const requests = await sandbox.requests();
	assert.deepEqual(
		requests.map((q) => [q.method, q.path, q.body.job_title]),
		[
			['PATCH', `/v1/contacts/${DEMO_CONTACT.leadLex}`, 'CTO'],
			['PATCH', '/v1/contacts/no-such-contact', 'CEO'],
			['PATCH', `/v1/contacts/${DEMO_CONTACT.leadLex}`, 'CFO'],
		],
	);
	assert.equal((await sandbox.contact('leadLex', DEMO_CONTACT.leadLex)).job_title, 'CFO');

	// Without it, the execution fails at item 1 and item 2 is never sent.
	await sandbox.reset();
	const stop = await cli.execute('chE2eCofOff00001');
	assert.notEqual(stop.code, 0);
	assert.match(stop.run?.data?.resultData?.error?.message ?? '', /no-such-contact.*item 1/s, fail(stop));
	assert.deepEqual((await sandbox.requests()).map((q) => q.body.job_title), ['CTO', 'CEO']);
});

test('Map Automatically: fields come from the input keys; an item without the ID key is reported', async () => {
	const items = [
		{ id: DEMO_CONTACT.raze, name: 'Ada Auto', jobTitle: 'CTO', tags: ['auto', 'e2e'], sheetRow: 2 },
		{ name: 'No ID', sheetRow: 3 },
	];
	await cli.importWorkflows([
		workflow(
			'chE2eAutoMap0001',
			'Map Automatically',
			[
				trigger,
				{
					id: 'f0000000-0000-4000-8000-000000000012',
					name: 'Rows',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [200, 0],
					parameters: { jsCode: `return ${JSON.stringify(items)}.map((json) => ({ json }));` },
				},
				{
					id: 'f0000000-0000-4000-8000-000000000013',
					name: 'Raze',
					type: NODE_TYPE,
					typeVersion: 1,
					position: [400, 0],
					parameters: { provider: 'raze', resource: 'contact', operation: 'update', mappingMode: 'autoMapInputData', contactIdField: 'id', options: {} },
					credentials: credentialRef('raze'),
					onError: 'continueRegularOutput',
				},
			],
			chain('Start', 'Rows', 'Raze'),
		),
	]);
	await sandbox.reset();
	const r = await cli.execute('chE2eAutoMap0001');
	assert.equal(r.code, 0, fail(r));
	const out = nodeOutput(r.run, 'Raze');
	assert.equal(out.length, 2);
	assert.deepEqual([out[0].id, out[0].name, out[0].jobTitle, out[0].tags], [DEMO_CONTACT.raze, 'Ada Auto', 'CTO', ['auto', 'e2e']], JSON.stringify(out));
	assert.equal(out[1].error, 'Raze: the input item has no value for "id", the Contact ID Field (item 1)');
	const requests = await sandbox.requests();
	assert.deepEqual(
		requests.map((q) => [q.method, q.path, q.body]),
		[['PUT', `/external/v1/contacts/${DEMO_CONTACT.raze}`, { name: 'Ada Auto', position: 'CTO', tags: ['auto', 'e2e'] }]],
	);
});

test('Identify Contact By: look-ups in both mapping modes; partial matches ignored, a missing one skipped', async () => {
	const rows = [
		{ email: 'Ada@Example.com', jobTitle: 'CTO' },
		{ email: 'nobody@example.com', jobTitle: 'CEO' },
	];
	const lookupNode = (id, name, position, provider, parameters) => ({
		id,
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position,
		parameters: { provider, resource: 'contact', operation: 'update', identifyBy: 'email', ...parameters, options: { ifNotFound: 'skip' } },
		credentials: credentialRef(provider),
	});
	await cli.importWorkflows([
		workflow(
			'chE2eLookup00001',
			'Look-ups',
			[
				trigger,
				{
					id: 'f0000000-0000-4000-8000-000000000021',
					name: 'Rows',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [200, 0],
					parameters: { jsCode: `return ${JSON.stringify(rows)}.map((json) => ({ json }));` },
				},
				lookupNode('f0000000-0000-4000-8000-000000000022', 'LeadLex by email', [400, -100], 'leadLex', {
					lookupValue: '={{ $json.email }}',
					updateFields: { jobTitle: '={{ $json.jobTitle }}' },
				}),
				lookupNode('f0000000-0000-4000-8000-000000000023', 'Raze by email', [400, 100], 'raze', { mappingMode: 'autoMapInputData' }),
			],
			{
				...chain('Start', 'Rows'),
				Rows: { main: [[{ node: 'LeadLex by email', type: 'main', index: 0 }, { node: 'Raze by email', type: 'main', index: 0 }]] },
			},
		),
	]);
	await sandbox.reset();
	// Each vendor holds Ada and a contact that only partly matches her email.
	await sandbox.seed('leadLex', { id: 'll-ada', full_name: 'Ada', email: 'ada@example.com' });
	await sandbox.seed('leadLex', { id: 'll-near', full_name: 'Ada Near', email: 'ada@example.com.au' });
	await sandbox.seed('raze', { id: 'rz-near', name: 'Near', email: 'xada@example.com' });
	await sandbox.seed('raze', { id: 'rz-ada', name: 'Ada', email: 'ADA@example.com' });
	const r = await cli.execute('chE2eLookup00001');
	assert.equal(r.code, 0, fail(r));

	const skipped = (provider) => ({ notFound: true, provider, identifyBy: 'email', lookupValue: 'nobody@example.com' });
	const leadLex = nodeOutput(r.run, 'LeadLex by email');
	assert.deepEqual([leadLex[0].id, leadLex[0].jobTitle], ['ll-ada', 'CTO'], JSON.stringify(leadLex));
	assert.deepEqual(leadLex[1], skipped('leadLex'));
	const raze = nodeOutput(r.run, 'Raze by email');
	assert.deepEqual([raze[0].id, raze[0].jobTitle], ['rz-ada', 'CTO'], JSON.stringify(raze));
	assert.deepEqual(raze[1], skipped('raze'));

	const requests = await sandbox.requests();
	assert.deepEqual(
		requests.filter((q) => q.method !== 'GET').map((q) => [q.vendor, q.method, q.path, q.body]).sort(),
		[
			['leadLex', 'PATCH', '/v1/contacts/ll-ada', { job_title: 'CTO' }],
			// Map Automatically: the email key finds the contact and is not sent as a field.
			['raze', 'PUT', '/external/v1/contacts/rz-ada', { position: 'CTO' }],
		],
	);
	assert.equal((await sandbox.contact('leadLex', 'll-near')).job_title, null, 'the partial match is untouched');
	assert.equal((await sandbox.contact('raze', 'rz-near')).position, null, 'the partial match is untouched');
});

/** A Contact Hub node `n` (1–99) of the Get and Create or Update workflows, a child of Start at `y`. */
const hubNode = (n, name, y, provider, parameters) => ({
	id: `f0000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
	name,
	type: NODE_TYPE,
	typeVersion: 1,
	position: [400, y],
	parameters: { provider, resource: 'contact', ...parameters },
	credentials: credentialRef(provider),
});
/** Start → each node (executionOrder v1 runs them top to bottom). */
const fromStart = (nodes) => ({ Start: { main: [nodes.map((n) => ({ node: n.name, type: 'main', index: 0 }))] } });

test('Get: by ID (Raze), by email then by ID (LeadLex), by email (OpenCX); not found skipped; only reads', async () => {
	const get = (n, name, provider, parameters, options = {}) => hubNode(n, name, n * 200, provider, { operation: 'get', ...parameters, options });
	const nodes = [
		get(1, 'Raze by ID', 'raze', { identifyBy: 'id', contactId: DEMO_CONTACT.raze }),
		get(2, 'LeadLex by email', 'leadLex', { identifyBy: 'email', lookupValue: ' Jane@Example.com ' }),
		get(3, 'OpenCX by email', 'openCx', { identifyBy: 'email', lookupValue: 'maya.chen@example.com' }),
		get(4, 'Raze, unknown ID', 'raze', { identifyBy: 'id', contactId: 'cnt_000000000000' }, { ifNotFound: 'skip' }),
		get(5, 'LeadLex, unknown email', 'leadLex', { identifyBy: 'email', lookupValue: 'nobody@example.com' }, { ifNotFound: 'skip' }),
	];
	await cli.importWorkflows([workflow('chE2eGet00000001', 'Get', [trigger, ...nodes], fromStart(nodes))]);
	await sandbox.reset();
	const r = await cli.execute('chE2eGet00000001');
	assert.equal(r.code, 0, fail(r));

	const out = Object.fromEntries(nodes.map((n) => [n.name, nodeOutput(r.run, n.name)]));
	for (const name of ['Raze by ID', 'LeadLex by email', 'OpenCX by email']) {
		assert.equal(out[name].length, 1, name);
		assert.deepEqual(Object.keys(out[name][0]), CONTACT_KEYS, `${name}: the Simplified keys`);
	}
	const pick = (c, keys) => keys.map((k) => c[k]);
	const keys = ['provider', 'id', 'name', 'email', 'phone', 'company', 'jobTitle'];
	assert.deepEqual(pick(out['Raze by ID'][0], keys), ['raze', DEMO_CONTACT.raze, 'John Doe', 'john@example.com', '+5511999999999', 'Acme Inc', 'Engineering Manager']);
	assert.deepEqual(out['Raze by ID'][0].tags, ['hot-lead']);
	// LeadLex's read names it `company`, its list `company_name`: either fills company.
	assert.deepEqual(pick(out['LeadLex by email'][0], keys), ['leadLex', DEMO_CONTACT.leadLex, 'Jane Doe', 'jane@example.com', null, 'Acme Legal', 'General Counsel']);
	// OpenCX's search holds only id, name, email and phone.
	assert.deepEqual(pick(out['OpenCX by email'][0], keys), ['openCx', DEMO_CONTACT.openCx, 'Maya Chen', 'maya.chen@example.com', '+14155550123', null, null]);
	assert.deepEqual(out['Raze, unknown ID'], [{ notFound: true, provider: 'raze', identifyBy: 'id', contactId: 'cnt_000000000000' }]);
	assert.deepEqual(out['LeadLex, unknown email'], [{ notFound: true, provider: 'leadLex', identifyBy: 'email', lookupValue: 'nobody@example.com' }]);

	const requests = await sandbox.requests();
	assert.deepEqual(
		requests.map((q) => [q.vendor, q.method, q.path]),
		[
			['raze', 'GET', `/external/v1/contacts/${DEMO_CONTACT.raze}`],
			// the value trimmed; LeadLex's search ignores case, and so does the node's exact match
			['leadLex', 'GET', '/v1/contacts?search=Jane%40Example.com&per_page=100&page=1'],
			['leadLex', 'GET', `/v1/contacts/${DEMO_CONTACT.leadLex}`],
			['openCx', 'GET', '/chat/sessions/search?q=maya.chen%40example.com'],
			['raze', 'GET', '/external/v1/contacts/cnt_000000000000'],
			['leadLex', 'GET', '/v1/contacts?search=nobody%40example.com&per_page=100&page=1'],
		],
	);
});

test('Create or Update: the first execution creates the contact, the second updates it (Raze, Bland AI)', async () => {
	const upsert = (n, name, provider, parameters) => hubNode(n, name, n * 200, provider, { operation: 'upsert', ...parameters, options: {} });
	const nodes = [
		upsert(11, 'Raze', 'raze', { identifyBy: 'email', lookupValue: 'grace@example.com', updateFields: { name: 'Grace Hopper', jobTitle: 'Rear Admiral' } }),
		// Bland AI's resolve takes the one identifier looked up by: the email follows in a PATCH.
		upsert(12, 'Bland AI', 'blandAi', { identifyBy: 'externalId', lookupValue: 'crm-2001', updateFields: { name: 'Grace Hopper', email: 'grace@example.com' } }),
	];
	await cli.importWorkflows([workflow('chE2eUpsert00001', 'Create or Update', [trigger, ...nodes], fromStart(nodes))]);
	await sandbox.reset();

	const first = await cli.execute('chE2eUpsert00001');
	assert.equal(first.code, 0, fail(first));
	const [raze] = nodeOutput(first.run, 'Raze');
	const [bland] = nodeOutput(first.run, 'Bland AI');
	assert.deepEqual([raze.created, raze.name, raze.email, raze.jobTitle], [true, 'Grace Hopper', 'grace@example.com', 'Rear Admiral'], JSON.stringify(raze));
	assert.deepEqual([bland.created, bland.name, bland.email, bland.externalId], [true, 'Grace Hopper', 'grace@example.com', 'crm-2001'], JSON.stringify(bland));
	const created = await sandbox.requests();
	assert.deepEqual(
		created.map((q) => [q.vendor, q.method, q.path, q.body]),
		[
			['raze', 'GET', '/external/v1/contacts?email=grace%40example.com&limit=100&page=1', undefined],
			['raze', 'POST', '/external/v1/contacts', { name: 'Grace Hopper', email: 'grace@example.com', position: 'Rear Admiral' }],
			['blandAi', 'POST', '/v1/contacts/find', { external_id: 'crm-2001' }],
			['blandAi', 'POST', '/v1/contacts/resolve', { external_id: 'crm-2001', name: 'Grace Hopper' }],
			['blandAi', 'PATCH', `/v1/contacts/${bland.id}`, { email: 'grace@example.com' }],
		],
	);

	// The second execution (the sandbox keeps its contacts) finds each contact and updates it.
	const second = await cli.execute('chE2eUpsert00001');
	assert.equal(second.code, 0, fail(second));
	const [raze2] = nodeOutput(second.run, 'Raze');
	const [bland2] = nodeOutput(second.run, 'Bland AI');
	assert.deepEqual([raze2.created, raze2.id], [false, raze.id], JSON.stringify(raze2));
	assert.deepEqual([bland2.created, bland2.id], [false, bland.id], JSON.stringify(bland2));
	const updated = (await sandbox.requests()).slice(created.length);
	assert.deepEqual(
		updated.map((q) => [q.vendor, q.method, q.path, q.body]),
		[
			['raze', 'GET', '/external/v1/contacts?email=grace%40example.com&limit=100&page=1', undefined],
			['raze', 'PUT', `/external/v1/contacts/${raze.id}`, { name: 'Grace Hopper', position: 'Rear Admiral' }],
			['blandAi', 'POST', '/v1/contacts/find', { external_id: 'crm-2001' }],
			['blandAi', 'PATCH', `/v1/contacts/${bland.id}`, { name: 'Grace Hopper', email: 'grace@example.com' }],
		],
	);
	const { created: count } = await sandbox.stats();
	assert.deepEqual([count.raze, count.blandAi], [1, 1], 'one contact created per vendor in both executions');
});

const toolQuery = (tool, args) => (currentLine().n8n.startsWith('1.') ? args : { [tool]: args });

test('AI agent tool: contactHubTool runs under Tool Executor with $fromAI arguments, no LLM', async () => {
	await cli.importWorkflows([
		workflow(
			'chE2eTool0000001',
			'Contact Hub as a tool',
			[
				trigger,
				{
					id: 'f0000000-0000-4000-8000-000000000004',
					name: 'Tool Executor',
					type: '@n8n/n8n-nodes-langchain.toolExecutor',
					typeVersion: 1,
					position: [200, 0],
					// n8n 1.x hands the query to the tool as it is; 2.x keys it by the tool's name
					parameters: { query: JSON.stringify(toolQuery('Update_Raze_contact', { contactId: DEMO_CONTACT.raze, name: 'Ada Lovelace' })) },
				},
				{
					id: 'f0000000-0000-4000-8000-000000000005',
					name: 'Update Raze contact',
					type: TOOL_NODE_TYPE,
					typeVersion: 1,
					position: [200, 200],
					parameters: {
						provider: 'raze',
						resource: 'contact',
						operation: 'update',
						contactId: "={{ $fromAI('contactId', 'The Raze contact ID', 'string') }}",
						updateFields: { name: "={{ $fromAI('name', 'The new full name', 'string') }}" },
						options: {},
					},
					credentials: credentialRef('raze'),
				},
			],
			{
				Start: { main: [[{ node: 'Tool Executor', type: 'main', index: 0 }]] },
				'Update Raze contact': { ai_tool: [[{ node: 'Tool Executor', type: 'ai_tool', index: 0 }]] },
			},
		),
	]);
	await sandbox.reset();
	const r = await cli.execute('chE2eTool0000001');
	assert.equal(r.code, 0, fail(r));
	const requests = await sandbox.requests();
	assert.deepEqual(
		requests.map((q) => [q.method, q.path, q.body]),
		[['PUT', `/external/v1/contacts/${DEMO_CONTACT.raze}`, { name: 'Ada Lovelace' }]],
	);
	const toolRun = r.run.data.resultData.runData['Update Raze contact'][0];
	const response = JSON.stringify(toolRun.data.ai_tool[0][0].json);
	assert.match(response, /Ada Lovelace/, 'the tool answers with the updated contact');
	assert.equal((await sandbox.contact('raze', DEMO_CONTACT.raze)).name, 'Ada Lovelace');
});

test('server: credentials created through the public REST API; the credential test says OK / Error', async () => {
	const server = await startN8n({ userFolder });
	let workflowId;
	try {
		const rest = new N8nRest(server.url);
		await rest.setupOwner(DEFAULT_OWNER);
		await rest.login(DEFAULT_OWNER);
		await rest.createApiKey({ label: 'e2e' });

		const created = {};
		for (const vendor of VENDORS) {
			created[vendor] = await rest.createCredential(
				{
					name: `${LABEL[vendor]} (public API)`,
					type: CREDENTIAL_TYPE[vendor],
					data: { apiKey: SANDBOX_KEY[vendor], baseUrl: sandbox.baseUrl(vendor), allowedHttpRequestDomains: 'all' },
				},
				{ domains: 'given' },
			);
			assert.ok(created[vendor].id, vendor);
		}

		// The editor's credential Test button calls POST /rest/credentials/test.
		for (const vendor of VENDORS) {
			const { id, name } = created[vendor];
			const type = CREDENTIAL_TYPE[vendor];
			const data = { apiKey: SANDBOX_KEY[vendor], baseUrl: sandbox.baseUrl(vendor), allowedHttpRequestDomains: 'all' };
			await sandbox.reset();
			const good = await rest.testCredential({ id, name, type, data });
			assert.equal(good.status, 'OK', `${vendor}: ${JSON.stringify(good)}`);
			const goodRequests = await sandbox.requests();
			if (TEST_PATH[vendor]) assert.deepEqual(goodRequests.map((q) => [q.vendor, q.method, q.path]), [[vendor, 'GET', TEST_PATH[vendor]]]);
			else assert.deepEqual(goodRequests.map((q) => q.vendor), [vendor], `${vendor}: one test request`);
			assert.ok(JSON.stringify(goodRequests[0].headers).includes(SANDBOX_KEY[vendor]), `${vendor}: test sent the key`);

			await sandbox.reset();
			const bad = await rest.testCredential({ id, name, type, data: { ...data, apiKey: BAD_KEY } });
			assert.equal(bad.status, 'Error', `${vendor}: ${JSON.stringify(bad)}`);
			const badRequests = await sandbox.requests();
			const testPath = TEST_PATH[vendor] ?? goodRequests[0].path;
			assert.ok(badRequests.length >= 1 && badRequests.every((q) => q.vendor === vendor && q.path === testPath), JSON.stringify(badRequests));
			assert.ok(JSON.stringify(badRequests[0].headers).includes(BAD_KEY), `${vendor}: test sent the bad key`);
			console.log(`# ${vendor} credential test: good=${JSON.stringify(good)} bad=${JSON.stringify(bad)}`);
		}

		// The example workflow, created through the public API with only these credentials.
		const wf = exampleWorkflow();
		for (const node of wf.nodes.filter((n) => n.type === NODE_TYPE)) {
			const vendor = node.parameters.provider;
			node.credentials = { [CREDENTIAL_TYPE[vendor]]: { id: created[vendor].id, name: created[vendor].name } };
		}
		const createdWf = await rest.api('POST', '/workflows', { name: 'Public API copy', nodes: wf.nodes, connections: wf.connections, settings: wf.settings });
		workflowId = createdWf.id;
	} finally {
		await server.stop();
	}
	// n8n's CLI runs it (the server is stopped: one process on the SQLite file at a time).
	await sandbox.reset();
	const r = await cli.execute(workflowId);
	assert.equal(r.code, 0, fail(r));
	assertExampleRequests(await sandbox.requests());
});

/** `node scripts/start.mjs` (what npm start runs), until it prints its banner (bounded). */
async function runStart(args, started) {
	const child = spawnGroup(process.execPath, ['scripts/start.mjs', ...args], { cwd: REPO_DIR });
	started.push(child);
	let out = '';
	child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
	child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
	const deadline = Date.now() + 240000;
	while (!out.includes('Press Ctrl-C')) {
		if (child.exitCode !== null || Date.now() > deadline) assert.fail(`npm start did not get ready:\n${out}`);
		await sleep(200);
	}
	const ctrlC = async () => {
		child.kill('SIGINT'); // what Ctrl-C sends
		return Promise.race([exited, sleep(40000).then(() => 'no exit within 40 s')]);
	};
	return { ctrlC, output: () => out };
}

/** Nothing answers on 127.0.0.1:port. */
async function nothingOn(port) {
	try {
		await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
		return false;
	} catch {
		return true;
	}
}

// npm start links the repository, whose own n8n-workflow is the default line's.
const startSkip = !currentLine().isDefault && 'npm start runs on the default line only';

test('npm start: sandbox + n8n with the example set up, Ctrl-C stops both, a rerun reuses the folder', { skip: startSkip }, async () => {
	const port = await freePort();
	const sandboxPort = await freePort();
	const args = ['--folder', join(userFolder, 'dev'), '--port', String(port), '--sandbox-port', String(sandboxPort)];
	const url = `http://127.0.0.1:${port}`;
	const started = [];
	try {
		const first = await runStart(args, started);
		assert.match(first.output(), new RegExp(`n8n +${url}`));
		assert.match(first.output(), new RegExp(`e-mail +${DEFAULT_OWNER.email}`));
		assert.match(first.output(), new RegExp(`password +${DEFAULT_OWNER.password}`));
		assert.match(first.output(), /First run/);
		const rest = new N8nRest(url);
		await rest.login(DEFAULT_OWNER);
		const workflows = await rest.rest('GET', '/workflows');
		assert.ok(workflows.some((w) => w.name === exampleWorkflow().name), 'example workflow imported');
		const credentials = await rest.rest('GET', '/credentials');
		assert.deepEqual(credentials.map((c) => c.type).sort(), Object.values(CREDENTIAL_TYPE).sort());
		const types = await (await fetch(`${url}/types/nodes.json`, { headers: { cookie: rest.cookie } })).json();
		assert.ok(types.some((t) => t.name === NODE_TYPE), 'Contact Hub is loaded');
		// The HTTP Request node's Predefined Credential Type lists credential types that have
		// `authenticate` ('has:authenticate'); ours is a function, which n8n publishes as {}.
		const credentialTypes = await (await fetch(`${url}/types/credentials.json`, { headers: { cookie: rest.cookie } })).json();
		for (const type of Object.values(CREDENTIAL_TYPE)) {
			const published = credentialTypes.find((t) => t.name === type);
			assert.ok(published && typeof published.authenticate === 'object', `${type} offered to the HTTP Request node`);
		}
		// the stored credentials reach the sandbox npm start runs (tested as the editor does:
		// with the stored data, the key redacted)
		for (const c of credentials) {
			const { data } = await rest.rest('GET', `/credentials/${c.id}?includeData=true`);
			assert.match(data.baseUrl, new RegExp(`^http://127\\.0\\.0\\.1:${sandboxPort}/`));
			const check = await rest.testCredential({ id: c.id, name: c.name, type: c.type, data });
			assert.equal(check.status, 'OK', `${c.name}: ${JSON.stringify(check)}`);
		}

		assert.equal(await first.ctrlC(), 0, first.output());
		assert.match(first.output(), /Stopped\./);
		assert.ok(await nothingOn(port), 'n8n stopped');
		assert.ok(await nothingOn(sandboxPort), 'sandbox stopped');

		const second = await runStart(args, started);
		assert.doesNotMatch(second.output(), /First run/, 'the rerun reuses the folder');
		await rest.login(DEFAULT_OWNER);
		const again = await rest.rest('GET', '/workflows');
		assert.equal(again.filter((w) => w.name === exampleWorkflow().name).length, 1);
		assert.equal(await second.ctrlC(), 0, second.output());
		assert.ok(await nothingOn(port));
	} finally {
		// a failed assertion must not leave npm start (and its n8n and sandbox) running
		await Promise.all(started.map((child) => stopChild(child)));
	}
});

test('examples/sandbox-credentials.json is written for npm run sandbox on its default port', () => {
	for (const vendor of Object.keys(EXPECTED)) {
		assert.ok(credentialTemplates().some((c) => c.type === CREDENTIAL_TYPE[vendor]), `a template for ${CREDENTIAL_TYPE[vendor]}`);
	}
	for (const c of credentialTemplates()) {
		const vendor = VENDORS.find((v) => CREDENTIAL_TYPE[v] === c.type);
		assert.ok(vendor, `${c.name}: ${c.type} is a registered vendor's credential type`);
		assert.equal(c.data.baseUrl, `http://127.0.0.1:4010${VENDOR_PATH[vendor]}`);
		assert.equal(c.data.apiKey, SANDBOX_KEY[vendor]);
	}
});
