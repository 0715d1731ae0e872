// Reliability in a real n8n (the current line, see e2e/lib/lines.mjs), the package installed from
// its `npm pack` tarball (issue 11):
//   - Cancel means stop: a manual run (POST /rest/workflows/:id/run, as the editor does) over 200
//     items with Max Requests per Minute set, and one waiting for a rate-limit reset, are stopped
//     with the editor's Stop (POST /rest/executions/:id/stop, the same on every line); the
//     sandbox's own request log shows what arrived after the stop, n8n's debug log when the node
//     ended and the items it reports as updated, in flight and not sent.
//   - No key in n8n's output: `n8n execute` and `n8n start` run at N8N_LOG_LEVEL=debug through
//     each provider's update, Raw output, a dry run, a look-up by email, a 401 with a wrong key
//     and vendor errors (404, LeadLex's 403 for a read-only key), and the credential test; every
//     byte n8n printed (and every execution record read over REST) is scanned for every key.
//
//   node --test e2e/reliability.test.mjs                       (E2E_KEEP=1 keeps the user folder)
//   CONTACT_HUB_N8N_LINE=2.40.7 node --test e2e/reliability.test.mjs   (npm run test:matrix: every line)
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import {
	CREDENTIAL_TYPE,
	DEFAULT_OWNER,
	DEMO_CONTACT,
	LABEL,
	N8nRest,
	NODE_TYPE,
	SANDBOX_KEY,
	SANDBOX_READ_ONLY_KEY,
	VENDORS,
	VENDOR_CONTACT_KEYS,
	currentLine,
	ensureN8n,
	installPackedPackage,
	makeUserFolder,
	n8nCli,
	nodeOutput,
	removeUserFolder,
	sandboxCredentials,
	startN8n,
	startSandbox,
} from './lib/index.mjs';

const LINE = currentLine();
const DEBUG_ENV = { N8N_LOG_LEVEL: 'debug' };
/** A debug-level line of n8n's console log ("09:46:16.311   debug   …"). */
const DEBUG_LINE = /^\d\d:\d\d:\d\d\.\d{3}\s+debug\s/m;
/** A wrong key per vendor, each shaped like the real one ("org_wrong_bland_key_4821"), so a 401 is what the vendor answers. */
const WRONG_KEY = Object.fromEntries(VENDORS.map((v) => [v, `${SANDBOX_KEY[v].replace('sandbox', 'wrong')}_4821`]));
/** The sandbox's read-only LeadLex key: a real key that gets LeadLex's 403 on an update. */
const READ_ONLY_KEY = SANDBOX_READ_ONLY_KEY.leadLex;
/** Every key n8n is handed in these runs; none may appear in anything n8n prints. */
const SECRETS = [...Object.values(SANDBOX_KEY), ...Object.values(WRONG_KEY), READ_ONLY_KEY];
const LOOKUP_EMAIL = 'leak-check@example.com';
const LOOKUP_ID = Object.fromEntries(VENDORS.map((v) => [v, `${v}-leak`]));
/** The contact each vendor's look-up by LOOKUP_EMAIL finds, in the vendor's own keys. */
const LOOKUP_SEED = Object.fromEntries(
	VENDORS.map((v) => [v, { id: LOOKUP_ID[v], [VENDOR_CONTACT_KEYS[v].name]: 'Leak Check', [VENDOR_CONTACT_KEYS[v].email]: LOOKUP_EMAIL }]),
);

// The cancel runs. Throttled: 200 items at 300 per minute (a start every 200 ms), two at a time,
// each answer 150 ms late, so the stop usually finds a request in flight. Paused: a Raze limit of
// 5 a minute, so the node soon waits for the window's reset, up to a minute away (it paces by
// Raze's X-RateLimit-Remaining/-Reset, or pauses after a 429); the stop comes during that wait.
const THROTTLED = {
	name: 'Raze (200 items)',
	items: 200,
	options: { maxRequestsPerMinute: 300, parallelRequests: 2 },
	inFlightAtMost: 2,
	latencyMs: 150,
	stopAfterUpdates: 10,
};
const PAUSED = { name: 'Raze (rate-limit wait)', items: 20, options: { parallelRequests: 1 }, inFlightAtMost: 1, latencyMs: 0, limit: 5, quietMs: 1000 };
const SETTLE_MS = 3000;
/** How soon after the stop the node must have ended: every wait ends at once (measured: under 250 ms). */
const NODE_END_BOUND_MS = 2000;

// ---------------------------------------------------------------------------------------------
// The key scan

/** A key as it may be shown: its first 4 characters and its length. */
function maskSecret(secret) {
	return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

/**
 * Every place in `text` where one of `secrets` occurs (case-insensitive, across the whole text,
 * not only within lines): [{ source, line, secret, text }], the secret and the offending line
 * masked, so a failure report never prints a key.
 */
function findSecrets(source, text, secrets = SECRETS) {
	const lower = text.toLowerCase();
	const hits = [];
	for (const secret of secrets) {
		const needle = secret.toLowerCase();
		for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
			const start = text.lastIndexOf('\n', at) + 1;
			const end = text.indexOf('\n', at);
			const line = text.slice(start, end < 0 ? undefined : end);
			hits.push({
				source,
				line: text.slice(0, at).split('\n').length,
				secret: maskSecret(secret),
				text: maskAll(line, secrets).slice(0, 400),
			});
		}
	}
	return hits;
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `line` with every secret in it masked. */
function maskAll(line, secrets) {
	let out = line;
	for (const s of secrets) out = out.replace(new RegExp(escapeRegExp(s), 'gi'), maskSecret(s));
	return out;
}

/** How many items the node's summary gives for `label` ("updated: items 0–8, 12; …" → 10). */
function summaryCount(message, label) {
	const ranges = new RegExp(`${escapeRegExp(label)}: items? ([^;]+)`).exec(message)?.[1] ?? '';
	return ranges
		.split(', ')
		.filter(Boolean)
		.reduce((n, range) => {
			const [a, b = a] = range.split('–').map(Number);
			return n + b - a + 1;
		}, 0);
}

/** A file's every byte as text (latin1 keeps each byte as one character: the keys are ASCII). */
function readBytes(file) {
	return readFileSync(file).toString('latin1');
}

/** The hits, one masked line each, for a failure message. */
function report(hits) {
	return hits.map((h) => `${h.source}:${h.line}: ${h.secret} in: ${h.text}`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Workflows

let idCounter = 0;
const nodeId = () => `e1100000-0000-4000-8000-${String(++idCounter).padStart(12, '0')}`;
const trigger = () => ({ id: nodeId(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} });
const codeNode = (name, jsCode) => ({ id: nodeId(), name, type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode } });
const fanOut = (from, names) => ({ [from]: { main: [names.map((node) => ({ node, type: 'main', index: 0 }))] } });

/** A Contact Hub node using `credential` ({ id, name }) of the vendor's type. */
function contactHub(name, vendor, credential, parameters, { continueOnFail = false } = {}) {
	return {
		id: nodeId(),
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [400, 0],
		parameters: { provider: vendor, resource: 'contact', operation: 'update', options: {}, ...parameters },
		credentials: { [CREDENTIAL_TYPE[vendor]]: credential },
		...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	};
}

const workflow = (id, name, nodes, connections) => ({ id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} });

/**
 * Each path that handles a key, once per vendor, all with Continue On Fail so one execution runs
 * them all: the update, Raw output, a dry run, a look-up by email, a wrong key (401), an unknown
 * contact (404), and LeadLex's read-only key (403).
 */
function leakWorkflow(id, creds) {
	const nodes = [trigger()];
	const add = (node) => nodes.push({ ...node, position: [400, nodes.length * 120] });
	const update = { updateFields: { name: 'Leak Check' } };
	for (const v of VENDORS) {
		const good = creds.good[v];
		add(contactHub(`${LABEL[v]} update`, v, good, { contactId: DEMO_CONTACT[v], ...update }, { continueOnFail: true }));
		add(contactHub(`${LABEL[v]} raw`, v, good, { contactId: DEMO_CONTACT[v], ...update, options: { output: 'raw' } }, { continueOnFail: true }));
		add(contactHub(`${LABEL[v]} dry run`, v, good, { contactId: DEMO_CONTACT[v], ...update, options: { dryRun: true } }, { continueOnFail: true }));
		add(contactHub(`${LABEL[v]} by email`, v, good, { identifyBy: 'email', lookupValue: LOOKUP_EMAIL, ...update }, { continueOnFail: true }));
		add(contactHub(`${LABEL[v]} wrong key`, v, creds.wrong[v], { contactId: DEMO_CONTACT[v], ...update }, { continueOnFail: true }));
		add(contactHub(`${LABEL[v]} 404`, v, good, { contactId: 'no-such-contact', ...update }, { continueOnFail: true }));
	}
	add(contactHub('LeadLex read-only', 'leadLex', creds.readOnly, { contactId: DEMO_CONTACT.leadLex, ...update }, { continueOnFail: true }));
	return workflow(id, 'Reliability: every key path', nodes, fanOut('Start', nodes.slice(1).map((n) => n.name)));
}

/** One Contact Hub node that fails the execution (no Continue On Fail), so n8n prints and logs the error. */
function failingWorkflow(id, name, vendor, credential, contactId) {
	const node = contactHub(name, vendor, credential, { contactId, updateFields: { name: 'Leak Check' } });
	return workflow(id, `Reliability: ${name}`, [trigger(), node], fanOut('Start', [node.name]));
}

const FAILING = [
	{ id: 'chRelFailKey0001', name: 'Bland AI wrong key fails', vendor: 'blandAi', wrong: true, contactId: DEMO_CONTACT.blandAi, error: /401/ },
	{ id: 'chRelFailVnd0001', name: 'Raze 404 fails', vendor: 'raze', wrong: false, contactId: 'no-such-contact', error: /404/ },
];

/** Manual Trigger → `run.items` items → Raze with `run.options`; contact `rz-cancel-<n>` per item. */
function cancelWorkflow(run, credential) {
	const items = codeNode('Items', `return Array.from({ length: ${run.items} }, (_, i) => ({ json: { id: 'rz-cancel-' + (i + 1), title: 'Title ' + i } }));`);
	const raze = contactHub(run.name, 'raze', credential, {
		contactId: '={{ $json.id }}',
		updateFields: { jobTitle: '={{ $json.title }}' },
		options: run.options,
	});
	return workflow(undefined, `Reliability: cancel ${run.name}`, [trigger(), items, raze], { ...fanOut('Start', [items.name]), ...fanOut(items.name, [raze.name]) });
}

/** What each node of the leak workflow must have output, so the scan covers paths that really ran. */
function assertLeakOutputs(outputOf) {
	for (const v of VENDORS) {
		const one = (suffix) => {
			const out = outputOf(`${LABEL[v]} ${suffix}`);
			assert.equal(out.length, 1, `${v} ${suffix}: ${JSON.stringify(out)}`);
			return out[0];
		};
		assert.equal(one('update').id, DEMO_CONTACT[v], `${v} update`);
		assert.equal(one('update').error, undefined, `${v} update`);
		assert.equal(one('raw').error, undefined, `${v} raw: ${JSON.stringify(one('raw'))}`);
		assert.equal(one('dry run').dryRun, true, `${v} dry run: ${JSON.stringify(one('dry run'))}`);
		assert.equal(one('by email').id, LOOKUP_ID[v], `${v} look-up: ${JSON.stringify(one('by email'))}`);
		assert.match(one('wrong key').error ?? '', /401/, `${v} wrong key: ${JSON.stringify(one('wrong key'))}`);
		assert.match(one('404').error ?? '', /404/, `${v} 404: ${JSON.stringify(one('404'))}`);
	}
	const readOnly = outputOf('LeadLex read-only');
	assert.match(readOnly[0]?.error ?? '', /403/, JSON.stringify(readOnly));
}

/** Every key the scan looks for reached the sandbox in these runs (so n8n had it in hand). */
function assertEveryKeyUsed(requests) {
	const sent = requests.map((q) => JSON.stringify(q.headers)).join('\n');
	for (const secret of SECRETS) assert.ok(sent.includes(secret), `${maskSecret(secret)} was sent to the sandbox`);
}

/**
 * The run in `n8n execute --rawOutput` output at debug level. There n8n prints the run as a log
 * line: a line ending in `{` after the log prefix, the document, then a line starting with `}`
 * followed by the log metadata, so e2e/lib's parseExecuteOutput (a bare `{`) does not find it.
 */
function parseDebugRun(stdout) {
	const lines = stdout.split('\n');
	for (let start = 0; start < lines.length; start++) {
		if (!/(^|\s)\{$/.test(lines[start].trimEnd())) continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (!lines[end].startsWith('}')) continue;
			try {
				return JSON.parse(['{', ...lines.slice(start + 1, end), '}'].join('\n'));
			} catch {
				break; // not the run: look for the next opening line
			}
		}
	}
	return null;
}

async function seedLookups() {
	for (const v of VENDORS) await sandbox.seed(v, LOOKUP_SEED[v]);
}

// ---------------------------------------------------------------------------------------------

let sandbox;
let userFolder;
/** Everything n8n printed or returned, for the key scan: [{ source, text }]. */
const captured = [];
const capture = (source, r) => {
	captured.push({ source: `${source} (stdout)`, text: r.stdout }, { source: `${source} (stderr)`, text: r.stderr });
	return r;
};

before(async () => {
	ensureN8n();
	sandbox = await startSandbox();
	userFolder = makeUserFolder('contact-hub-reliability-');
	installPackedPackage(userFolder);
});

after(async () => {
	await sandbox?.stop();
	if (userFolder && !process.env.E2E_KEEP) removeUserFolder(userFolder);
});

test('the key scan finds a key planted in a string and in a file, and masks it', () => {
	const planted = `first line\n2026-01-01 debug request {"headers":{"authorization":"Bearer ${SANDBOX_KEY.leadLex}"}}\nlast`;
	const hits = findSecrets('planted', planted);
	assert.equal(hits.length, 1);
	assert.equal(hits[0].line, 2);
	assert.equal(hits[0].secret, maskSecret(SANDBOX_KEY.leadLex));
	assert.ok(!report(hits).includes(SANDBOX_KEY.leadLex), 'the report masks the key');
	assert.match(hits[0].text, /authorization/);
	// upper case, at the very end without a newline, two keys on one line
	assert.equal(findSecrets('upper', `x ${WRONG_KEY.raze.toUpperCase()}`).length, 1);
	assert.equal(findSecrets('two', `${SANDBOX_KEY.raze} and ${READ_ONLY_KEY}`).length, 2);
	assert.deepEqual(findSecrets('clean', `no key here, only ${maskSecret(SANDBOX_KEY.raze)} and gr_live_…`), []);
	const file = join(userFolder, 'planted.log');
	writeFileSync(file, Buffer.concat([Buffer.from([0, 255, 10]), Buffer.from(`x-api-key: ${WRONG_KEY.blandAi}\n`)]));
	assert.deepEqual(
		findSecrets(file, readBytes(file)).map((h) => [h.line, h.secret]),
		[[2, maskSecret(WRONG_KEY.blandAi)]],
	);
});

describe('n8n execute at N8N_LOG_LEVEL=debug', () => {
	const cli = () => n8nCli(userFolder, { extraEnv: DEBUG_ENV });
	const goodCreds = () => sandboxCredentials(sandbox.url);
	const credsFor = () => {
		const ref = (c) => ({ id: c.id, name: c.name });
		const good = Object.fromEntries(VENDORS.map((v) => [v, ref(goodCreds().find((c) => c.type === CREDENTIAL_TYPE[v]))]));
		const wrong = Object.fromEntries(VENDORS.map((v, i) => [v, { id: `chRelWrongKey00${i}`, name: `${LABEL[v]} (wrong key)` }]));
		return { good, wrong, readOnly: { id: 'chRelReadOnly001', name: 'LeadLex (read-only key)' } };
	};

	test('each key path runs, and the failing executions print their errors', { timeout: 600000 }, async () => {
		const creds = credsFor();
		const all = [
			...goodCreds(),
			...VENDORS.map((v) => ({ ...creds.wrong[v], type: CREDENTIAL_TYPE[v], data: { apiKey: WRONG_KEY[v], baseUrl: sandbox.baseUrl(v) } })),
			{ ...creds.readOnly, type: CREDENTIAL_TYPE.leadLex, data: { apiKey: READ_ONLY_KEY, baseUrl: sandbox.baseUrl('leadLex') } },
		];
		capture('n8n import:credentials', await cli().importCredentials(all));
		const workflows = [
			leakWorkflow('chRelLeakAll0001', creds),
			...FAILING.map((f) => failingWorkflow(f.id, f.name, f.vendor, f.wrong ? creds.wrong[f.vendor] : creds.good[f.vendor], f.contactId)),
		];
		capture('n8n import:workflow', await cli().importWorkflows(workflows));

		await sandbox.reset();
		await seedLookups();
		const r = capture('n8n execute (every key path)', await cli().execute('chRelLeakAll0001'));
		assert.equal(r.code, 0, `exit ${r.code}\n${maskAll(r.stdout.slice(-3000), SECRETS)}`);
		const run = parseDebugRun(r.stdout);
		assertLeakOutputs((name) => nodeOutput(run, name));
		for (const f of FAILING) {
			const failed = capture(`n8n execute (${f.name})`, await cli().execute(f.id));
			assert.notEqual(failed.code, 0, f.name);
			assert.match(parseDebugRun(failed.stdout)?.data?.resultData?.error?.message ?? '', f.error, `${f.name}: ${maskAll(failed.stdout.slice(-2000), SECRETS)}`);
		}
		assertEveryKeyUsed(await sandbox.requests());
		assert.match(captured.map((c) => c.text).join('\n'), DEBUG_LINE, 'n8n logged at debug level');
	});

	test('no key in anything n8n execute printed', () => {
		const hits = captured.flatMap((c) => findSecrets(c.source, c.text));
		const bytes = captured.reduce((n, c) => n + c.text.length, 0);
		console.log(`# key scan, n8n execute: ${bytes} bytes from ${captured.length} streams, ${SECRETS.length} keys, ${hits.length} found`);
		assert.deepEqual(hits, [], `keys in n8n's output:\n${report(hits)}`);
	});
});

// ---------------------------------------------------------------------------------------------
// n8n start

/** n8n's flatted execution data (GET /rest/executions/:id), parsed with the line's own flatted. */
function parseExecutionData(data) {
	if (typeof data !== 'string') return data;
	const requireFromN8n = createRequire(join(LINE.dir, 'node_modules', 'n8n', 'package.json'));
	return requireFromN8n('flatted').parse(data);
}

describe('n8n start at N8N_LOG_LEVEL=debug', () => {
	let server;
	let rest;
	const creds = { good: {}, wrong: {}, readOnly: undefined };
	const serverCaptured = [];

	before(async () => {
		server = await startN8n({ userFolder, extraEnv: DEBUG_ENV });
		rest = new N8nRest(server.url);
		await rest.setupOwner(DEFAULT_OWNER);
		await rest.login(DEFAULT_OWNER);
		await rest.createApiKey({ label: 'reliability' });
		const create = async (name, vendor, apiKey) => {
			const c = await rest.createCredential(
				{ name, type: CREDENTIAL_TYPE[vendor], data: { apiKey, baseUrl: sandbox.baseUrl(vendor), allowedHttpRequestDomains: 'all' } },
				{ domains: 'given' },
			);
			return { id: c.id, name: c.name };
		};
		for (const v of VENDORS) {
			creds.good[v] = await create(`${LABEL[v]} (API)`, v, SANDBOX_KEY[v]);
			creds.wrong[v] = await create(`${LABEL[v]} (API, wrong key)`, v, WRONG_KEY[v]);
		}
		creds.readOnly = await create('LeadLex (API, read-only key)', 'leadLex', READ_ONLY_KEY);
	});

	after(async () => {
		await server?.stop();
	});

	/** Create a workflow through the public API and run it as the editor does; resolves to the execution id. */
	async function runManually(wf) {
		const created = await rest.api('POST', '/workflows', { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings });
		const workflowData = await rest.rest('GET', `/workflows/${created.id}`);
		// 1.123 and 2.8 run the workflowData sent; 2.40 reads the workflow from its database and
		// takes only the trigger to start from (its ManualRunDto drops workflowData).
		const started = await rest.rest('POST', `/workflows/${created.id}/run`, { workflowData, triggerToStartFrom: { name: 'Start' } });
		assert.ok(started?.executionId, `POST /rest/workflows/${created.id}/run: ${JSON.stringify(started)}`);
		return started.executionId;
	}

	/** GET /rest/executions/:id with its data parsed. */
	async function execution(id) {
		const e = await rest.rest('GET', `/executions/${id}`);
		return { ...e, data: parseExecutionData(e.data) };
	}

	/** Poll (bounded) until the execution is no longer running. */
	async function finished(id, timeoutMs = 120000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const e = await execution(id);
			if (!['new', 'running', 'unknown'].includes(e.status) && e.stoppedAt) return e;
			if (Date.now() > deadline) assert.fail(`execution ${id} still ${e.status} after ${timeoutMs} ms`);
			await sleep(200);
		}
	}

	/** The last node error in n8n's debug log ("Workflow execution finished with error"), or ''. */
	function nodeError(log) {
		const line = log.split('\n').findLast((l) => l.includes('Workflow execution finished with error')) ?? '';
		const message = /"message": ?"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? '';
		// n8n's console format pads every ": " inside the metadata to ":  ".
		return maskAll(message.replace(/: {2}/g, ': '), SECRETS);
	}

	/** Today's time of a log line "HH:MM:SS.mmm  level  …" as epoch ms (n8n logs local time), or undefined. */
	function logTime(line) {
		const m = /^(\d\d):(\d\d):(\d\d)\.(\d{3})\s/.exec(line ?? '');
		if (!m) return undefined;
		const d = new Date();
		d.setHours(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]));
		return d.getTime();
	}

	/** Poll (bounded) until `predicate()` holds; resolves to the time it did. */
	async function until(predicate, what, timeoutMs) {
		const deadline = Date.now() + timeoutMs;
		while (!(await predicate())) {
			if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
			await sleep(25);
		}
		return Date.now();
	}

	/**
	 * Run `run`'s workflow, stop it through the editor's REST API once `ready()` holds, and read
	 * back what happened: the sandbox's request log around the stop, the node's end and its error
	 * in n8n's debug log, and n8n's execution record.
	 */
	async function runAndStop(run, ready) {
		await sandbox.reset();
		await sandbox.seedMany('raze', run.items, 'rz-cancel');
		if (run.latencyMs) await sandbox.setLatency(run.latencyMs, 'raze');
		if (run.limit) await sandbox.setRateLimit('raze', { limit: run.limit, windowMs: 60000 });
		const executionId = await runManually(cancelWorkflow(run, creds.good.raze));
		await until(async () => {
			if (await ready()) return true;
			const e = await rest.rest('GET', `/executions/${executionId}`);
			if (e.stoppedAt) assert.fail(`the execution ended (${e.status}) before the stop: ${nodeError(readFileSync(server.logFile, 'utf8'))}`);
			return false;
		}, `${run.name}: ready to stop`, 60000);

		const logBefore = statSync(server.logFile).size;
		const stopSent = Date.now();
		// The editor's Stop button: POST /rest/executions/:id/stop on all three lines (2.40 also has
		// the public API's POST /api/v1/executions/:id/stop; 1.123 and 2.8 do not).
		const stopped = await rest.rest('POST', `/executions/${executionId}/stop`);
		const stopMs = Date.now() - stopSent;
		await sleep(SETTLE_MS);
		const razeUpdates = async () => (await sandbox.requests()).filter((q) => q.vendor === 'raze' && q.method === 'PUT');
		const requests = await razeUpdates();
		const afterStop = requests.filter((q) => q.at >= stopSent);
		// What the sandbox saw comes first: a node that ignores the cancel keeps sending.
		assert.ok(afterStop.length <= run.inFlightAtMost, `${run.name}: ${afterStop.length} requests after the stop (at most ${run.inFlightAtMost} may have been in flight)`);

		const nodeEnded = `Running node "${run.name}" finished`;
		const logSinceStop = () => readFileSync(server.logFile).subarray(logBefore).toString('utf8');
		await until(() => logSinceStop().includes(nodeEnded), `${run.name}: the node ends`, 60000);
		const log = logSinceStop();
		// n8n saves the execution when the cancel arrives, before the node has ended, so the
		// record holds no node error; its debug log has the error the node threw.
		const message = nodeError(log);
		return {
			stopped,
			stopMs,
			requests,
			afterStop,
			inFlight: requests.filter((q) => q.at < stopSent && (q.doneAt === null || q.doneAt === undefined || q.doneAt > stopSent)),
			// n8n's log time of the node's end, on the same clock as stopSent (one machine)
			nodeEndedMs: logTime(log.split('\n').find((l) => l.includes(nodeEnded))) - stopSent,
			message,
			updated: summaryCount(message, 'updated'),
			unknown: summaryCount(message, 'in flight when the run stopped (may have been updated)'),
			notSent: summaryCount(message, 'not sent'),
			record: await finished(executionId),
			applied: (await sandbox.stats()).updatesApplied.raze,
			sentOnceEnded: async () => (await razeUpdates()).length - requests.length,
		};
	}

	/** What every cancel must show, whatever was waiting when it came. */
	async function assertStopped(run, r) {
		console.log(`# cancel: stopped after ${r.requests.length - r.afterStop.length} updates; ${r.afterStop.length} requests after the stop; node ended in ${r.nodeEndedMs} ms`);
		console.log(
			`# cancel (${run.name}) on n8n ${LINE.n8n}: ${r.inFlight.length} in flight at the stop; the stop answered in ${r.stopMs} ms (${r.stopped?.status}), ` +
				`record ${r.record.status}; sandbox applied ${r.applied}; node: updated ${r.updated}, in flight ${r.unknown}, not sent ${r.notSent}`,
		);
		console.log(`# cancel (${run.name}): node error: ${r.message}`);
		assert.equal(await r.sentOnceEnded(), 0, 'nothing sent once the node ended');
		assert.ok(r.nodeEndedMs <= NODE_END_BOUND_MS, `the node ended ${r.nodeEndedMs} ms after the stop (bound ${NODE_END_BOUND_MS} ms)`);
		assert.ok(r.requests.length < run.items, `stopped early: ${r.requests.length} of ${run.items} sent`);
		assert.match(r.record.status, /^(canceled|cancelled|stopped)$/, `execution record status ${r.record.status}`);
		assert.match(r.message, /^The execution was cancelled — /, `the node's error: ${r.message}`);
		// Honest accounting: nothing reported updated that was not applied, nothing applied reported as not sent.
		assert.ok(r.updated <= r.applied && r.applied <= r.updated + r.unknown, `updated ${r.updated} ≤ applied ${r.applied} ≤ updated + in flight ${r.updated + r.unknown}: ${r.message}`);
		assert.equal(r.updated + r.unknown + r.notSent, run.items, `every item accounted for: ${r.message}`);
	}

	test('cancel: the editor\'s Stop during a throttled run; no request starts after it', { timeout: 300000 }, async () => {
		const r = await runAndStop(THROTTLED, async () => (await sandbox.stats()).updatesApplied.raze >= THROTTLED.stopAfterUpdates);
		serverCaptured.push({ source: 'REST execution (throttled cancel)', text: JSON.stringify(r.record) });
		await assertStopped(THROTTLED, r);
		assert.equal(r.applied, r.requests.length, 'every request the sandbox received was applied');
	});

	test('cancel: the Stop ends a rate-limit wait at once', { timeout: 300000 }, async () => {
		// Stop once the node has gone quiet for a second: it is waiting for Raze's window to reset.
		let seen = { count: -1, at: Date.now() };
		const r = await runAndStop(PAUSED, async () => {
			const count = (await sandbox.stats()).byVendor.raze;
			if (count !== seen.count) seen = { count, at: Date.now() };
			return count > 0 && Date.now() - seen.at >= PAUSED.quietMs;
		});
		serverCaptured.push({ source: 'REST execution (rate-limit cancel)', text: JSON.stringify(r.record) });
		await assertStopped(PAUSED, r);
		assert.ok(r.requests.length <= PAUSED.limit + 1, `${r.requests.length} requests under a limit of ${PAUSED.limit}`);
	});

	test('each key path runs in the server; the credential test says OK and Error', { timeout: 300000 }, async () => {
		await sandbox.reset();
		await seedLookups();
		for (const v of VENDORS) {
			for (const [key, cred, want] of [
				[SANDBOX_KEY[v], creds.good[v], 'OK'],
				[WRONG_KEY[v], creds.wrong[v], 'Error'],
			]) {
				const data = { apiKey: key, baseUrl: sandbox.baseUrl(v), allowedHttpRequestDomains: 'all' };
				const result = await rest.testCredential({ ...cred, type: CREDENTIAL_TYPE[v], data });
				assert.equal(result.status, want, `${v} credential test: ${maskAll(JSON.stringify(result), SECRETS)}`);
				serverCaptured.push({ source: `credential test ${v} ${want}`, text: JSON.stringify(result) });
			}
		}
		const leak = await finished(await runManually(leakWorkflow('chRelLeakSrv0001', creds)));
		serverCaptured.push({ source: `REST execution ${leak.id}`, text: JSON.stringify(leak) });
		assert.equal(leak.status, 'success', JSON.stringify(leak.data?.resultData?.error ?? {}).slice(0, 1000));
		assertLeakOutputs((name) => (leak.data.resultData.runData[name]?.[0]?.data?.main?.[0] ?? []).map((i) => i.json));
		for (const f of FAILING) {
			const failed = await finished(await runManually(failingWorkflow(`${f.id}S`, f.name, f.vendor, f.wrong ? creds.wrong[f.vendor] : creds.good[f.vendor], f.contactId)));
			serverCaptured.push({ source: `REST execution ${failed.id}`, text: JSON.stringify(failed) });
			assert.equal(failed.status, 'error', f.name);
			assert.match(failed.data?.resultData?.error?.message ?? '', f.error, f.name);
		}
		assertEveryKeyUsed(await sandbox.requests());
	});

	test('no key in the n8n start log or in its execution records', async () => {
		// Let n8n write what it logs after the last execution before reading the file.
		await sleep(1000);
		const log = readBytes(server.logFile);
		assert.match(log, DEBUG_LINE, 'n8n logged at debug level');
		const hits = [...findSecrets(server.logFile, log), ...serverCaptured.flatMap((c) => findSecrets(c.source, c.text))];
		console.log(`# key scan, n8n start: log ${log.length} bytes, ${serverCaptured.length} REST answers, ${SECRETS.length} keys, ${hits.length} found`);
		assert.deepEqual(hits, [], `keys in n8n's output:\n${report(hits)}`);
	});
});
