// Contact Hub in n8n's queue mode (issue 13): Postgres, Redis, one main and two workers, each
// with the package installed from its npm pack tarball in its own user folder; production
// webhooks on active workflows start the executions; the sandbox holds each vendor key to a
// limit shared by every execution.
//
//   npm run test:queue      (E2E_KEEP=1 keeps the temp folder; QUEUE_LIMIT, QUEUE_PARALLEL override)
//
// Prints, last: queue: W workers, E executions, N items, X lost, Y doubled, Z 429s, achieved R/min of L
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import {
	CREDENTIAL_TYPE,
	NODE_TYPE,
	PACKAGE_NAME,
	addWorker,
	createSandboxCredentials,
	ensureN8n,
	isLoopback,
	killWorker,
	nodesDir,
	stackListeners,
	startQueueStack,
	startSandbox,
	stopQueueStack,
} from './lib/index.mjs';

const WORKERS = 2;
const CONCURRENCY = 5;
const EXECUTIONS = 8; // 4 per vendor, all at once: 2 workers × 5 slots hold them all
const ITEMS = 250;
const VENDORS = ['leadLex', 'raze'];
const NODE_NAME = { leadLex: 'LeadLex', raze: 'Raze' };
/** Requests per minute per key, shared by every execution (the sandbox's fixed window). */
const LIMIT = Number(process.env.QUEUE_LIMIT ?? 600);
const WINDOW_MS = 60000;
// Parallel Requests as a user with long lists sets it; Retry on Rate Limit and Max Retry Wait
// stay at their defaults; Max Requests per Minute is not set (the node must pace by headers).
const PARALLEL = Number(process.env.QUEUE_PARALLEL ?? 4);
const MAX_RETRIES = 5;
// Shorter Bull locks than n8n's defaults (60 s lock, 10 s renew, 30 s stalled check), so a
// killed worker's jobs are noticed in about 30 s instead of 60-90 s.
const FAST_STALL = { QUEUE_WORKER_LOCK_DURATION: '20000', QUEUE_WORKER_LOCK_RENEW_TIME: '5000', QUEUE_WORKER_STALLED_INTERVAL: '10000' };
const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);

let sandbox;
let stack;
let credentials;
const workflows = {}; // key -> { id, path }
let queueLine = null;
const timings = {};

/** A webhook → Code → Contact Hub workflow; the Code node turns the body's contacts into items. */
function webhookWorkflow(name, path, vendor, options) {
	const nodes = [
		{ id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } },
		{ id: randomUUID(), name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: 'return $input.first().json.body.contacts.map((json) => ({ json }));' } },
		{
			id: randomUUID(),
			name: NODE_NAME[vendor],
			type: NODE_TYPE,
			typeVersion: 1,
			position: [400, 0],
			parameters: { provider: vendor, resource: 'contact', operation: 'update', mappingMode: 'autoMapInputData', contactIdField: 'id', options },
			credentials: { [CREDENTIAL_TYPE[vendor]]: credentials[vendor] },
		},
	];
	const connections = {
		Webhook: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: NODE_NAME[vendor], type: 'main', index: 0 }]] },
	};
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

async function createActiveWorkflow(key, vendor, options) {
	const path = `contact-hub-queue-${key}`;
	const created = await stack.rest.api('POST', '/workflows', webhookWorkflow(`Queue ${key}`, path, vendor, options));
	await stack.rest.api('POST', `/workflows/${created.id}/activate`);
	workflows[key] = { id: created.id, path, vendor };
}

/** What execution k of a run sends: 250 contacts of one vendor, each with its own note/tag. */
function batch(run, k, vendor) {
	const contacts = Array.from({ length: ITEMS }, (_, i) => {
		const id = `${run}-e${k}-${i + 1}`;
		const jobTitle = `Title ${run} e${k} #${i + 1}`;
		return vendor === 'leadLex' ? { id, jobTitle, notes: `note ${run} e${k} #${i + 1}` } : { id, jobTitle, tags: ['queue', `${run}-e${k}`] };
	});
	return { run, execution: k, vendor, contacts };
}

/** Seed each batch's contacts in the sandbox (ids `${run}-e${k}-1` …). */
async function seedBatches(batches) {
	for (const b of batches) await sandbox.seedMany(b.vendor, ITEMS, `${b.run}-e${b.execution}`);
}

/** POST a batch to a workflow's production webhook; n8n answers once the execution is queued. */
async function fire(key, body) {
	const res = await fetch(`${stack.main.url}/webhook/${workflows[key].path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30000),
	});
	const text = await res.text();
	assert.equal(res.status, 200, `webhook ${key}: ${res.status} ${text}`);
}

/** All executions of some workflows (public API, paged). */
async function executionsOf(workflowIds) {
	const out = [];
	for (const workflowId of workflowIds) {
		let cursor;
		do {
			const page = await stack.rest.api('GET', `/executions?workflowId=${workflowId}&limit=250${cursor ? `&cursor=${cursor}` : ''}`);
			out.push(...page.data);
			cursor = page.nextCursor;
		} while (cursor);
	}
	return out;
}

/** Bounded wait until `count` executions of these workflows exist and all are final. */
async function waitForExecutions(workflowIds, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const list = await executionsOf(workflowIds);
		if (list.length >= count && list.every((e) => FINAL.has(e.status))) return list;
		if (Date.now() > deadline) {
			const statuses = list.map((e) => `${e.id}:${e.status}`).join(' ');
			throw new Error(`executions not final within ${timeoutMs} ms: ${list.length}/${count} [${statuses}]`);
		}
		await sleep(1000);
	}
}

/** One execution with its data; `batch` is the webhook body it was started with. */
async function executionDetail(id) {
	const e = await stack.rest.api('GET', `/executions/${id}?includeData=true`);
	const runData = e.data?.resultData?.runData ?? {};
	// a finished run has the Webhook's output in runData; one that never ran on a worker (or
	// died with it) still has it where main put it, on the stack of nodes to run
	const stacked = e.data?.executionData?.nodeExecutionStack?.find((s) => s.node?.name === 'Webhook');
	const body = runData.Webhook?.[0]?.data?.main?.[0]?.[0]?.json?.body ?? stacked?.data?.main?.[0]?.[0]?.json?.body;
	const items = (name) => runData[name]?.[0]?.data?.main?.[0]?.map((i) => i.json);
	return { id: String(e.id), status: e.status, finished: e.finished, error: e.data?.resultData?.error, body, items, runData };
}

/** Parallel map with a small pool (the admin API is on 127.0.0.1; 2,000 reads take about a second). */
async function mapPool(list, size, fn) {
	const out = new Array(list.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: size }, async () => {
			while (next < list.length) {
				const i = next++;
				out[i] = await fn(list[i], i);
			}
		}),
	);
	return out;
}

/** How often `note` is in a LeadLex contact's notes (appended with "\n"). */
const noteCount = (contact, note) => String(contact.notes ?? '').split('\n').filter((l) => l === note).length;

/**
 * Compare each batch with the sandbox's contacts and request log: per contact, applied once,
 * not at all (lost) or more than once (doubled).
 */
async function auditBatches(batches, requests) {
	const result = { lost: [], doubled: [], appliedByExecution: {} };
	const accepted = new Map(); // "vendor path" -> 2xx answers
	for (const q of requests) {
		if (q.status >= 200 && q.status < 300) accepted.set(`${q.vendor} ${q.path}`, (accepted.get(`${q.vendor} ${q.path}`) ?? 0) + 1);
	}
	for (const b of batches) {
		const byId = await mapPool(b.contacts, 16, async (c) => ({ c, stored: await sandbox.contact(b.vendor, c.id) }));
		let applied = 0;
		for (const { c, stored } of byId) {
			// Raze overwrites: a second PUT leaves no trace in the contact, only in the request log
			const answered = accepted.get(`${b.vendor} ${contactPath(b.vendor, c.id)}`) ?? 0;
			const times = b.vendor === 'leadLex' ? noteCount(stored, c.notes) : stored.position === c.jobTitle ? Math.max(1, answered) : 0;
			if (times === 0) result.lost.push(c.id);
			if (times > 1) result.doubled.push({ id: c.id, times });
			if (times > 0) applied++;
		}
		result.appliedByExecution[b.execution] = applied;
	}
	return result;
}

function contactPath(vendor, id) {
	return vendor === 'leadLex' ? `/v1/contacts/${id}` : `/external/v1/contacts/${id}`;
}

/** The batch (execution number) a recorded request belongs to, from its contact id. */
function batchOf(q, run) {
	const m = new RegExp(`/${run}-e(\\d+)-\\d+(?:$|\\?)`).exec(q.path);
	return m ? Number(m[1]) : undefined;
}

before(async () => {
	ensureN8n();
	sandbox = await startSandbox();
	stack = await startQueueStack({ workers: WORKERS, concurrency: CONCURRENCY, keep: Boolean(process.env.E2E_KEEP), workerEnv: FAST_STALL });
	credentials = await createSandboxCredentials(stack.rest, sandbox, VENDORS);
	const options = { parallelRequests: PARALLEL, maxRetries: MAX_RETRIES };
	for (const vendor of VENDORS) await createActiveWorkflow(vendor, vendor, options);
	// the worker-kill run: LeadLex with Notes, paced per execution so the kill lands mid-run
	await createActiveWorkflow('kill', 'leadLex', { maxRequestsPerMinute: 600, maxRetries: MAX_RETRIES });
	console.log(`# stack up in ${Math.round(stack.ms.total / 1000)} s (pack+install ${Math.round(stack.ms.install / 1000)} s, main ${Math.round(stack.ms.main / 1000)} s, workers ${Math.round(stack.ms.workers / 1000)} s); root ${stack.root}`);
}, { timeout: 10 * 60 * 1000 });

after(async () => {
	if (stack) await stopQueueStack(stack);
	await sandbox?.stop();
	if (queueLine) console.log(queueLine);
	// scripts/test-queue.mjs prints it again after node:test's own summary, so that it comes last.
	if (queueLine && process.env.QUEUE_LINE_FILE) writeFileSync(process.env.QUEUE_LINE_FILE, `${queueLine}\n`);
});

test('every process listens on 127.0.0.1 only; every worker has its own user folder with the package', () => {
	const listeners = stackListeners(stack);
	assert.ok(listeners.length >= 2 + 2 * WORKERS, JSON.stringify(listeners));
	for (const l of listeners) assert.ok(isLoopback(l.address), `pid ${l.pid} listens on ${l.address}:${l.port} (${l.proto})`);
	const folders = new Set([stack.main.userFolder, ...stack.workers.map((w) => w.userFolder)]);
	assert.equal(folders.size, 1 + WORKERS);
	for (const dir of folders) assert.ok(existsSync(join(nodesDir(dir), 'node_modules', PACKAGE_NAME, 'package.json')), `Contact Hub installed in ${dir}`);
});

test(`${EXECUTIONS} executions at once through the production webhook, each key limited to ${LIMIT}/min across all of them`, { timeout: 8 * 60 * 1000 }, async () => {
	const run = 'q';
	const batches = Array.from({ length: EXECUTIONS }, (_, k) => batch(run, k, VENDORS[k % VENDORS.length]));
	await seedBatches(batches);
	const limitSetAt = {};
	for (const vendor of VENDORS) {
		limitSetAt[vendor] = Date.now();
		await sandbox.setRateLimit(vendor, { limit: LIMIT, windowMs: WINDOW_MS });
	}
	const t0 = Date.now();
	await Promise.all(batches.map((b) => fire(b.vendor, b)));
	const list = await waitForExecutions(VENDORS.map((v) => workflows[v].id), EXECUTIONS, 7 * 60 * 1000);
	timings.run = Date.now() - t0;

	const details = await Promise.all(list.map((e) => executionDetail(e.id)));
	const requests = (await sandbox.requests()).filter((q) => batchOf(q, run) !== undefined);
	const stats = await sandbox.stats();
	const audit = await auditBatches(batches, requests);

	// 429s: the sandbox records each answer's status
	assert.ok(requests.every((q) => q.status !== undefined), 'the sandbox records a status per request');
	const limited = requests.filter((q) => q.status === 429);
	const perWindow = new Map(); // "execution/window" -> 429s
	for (const q of limited) {
		const key = `${batchOf(q, run)}/${Math.floor((q.at - limitSetAt[q.vendor]) / WINDOW_MS)}`;
		perWindow.set(key, (perWindow.get(key) ?? 0) + 1);
	}
	const worstWindow = Math.max(0, ...perWindow.values());

	// rate per key: accepted updates per minute from its first request to its last accepted one
	const rates = {};
	for (const vendor of VENDORS) {
		const mine = requests.filter((q) => q.vendor === vendor);
		const ok = mine.filter((q) => q.status >= 200 && q.status < 300);
		const minutes = (Math.max(...ok.map((q) => q.doneAt ?? q.at)) - Math.min(...mine.map((q) => q.at))) / 60000;
		rates[vendor] = { accepted: ok.length, requests: mine.length, limited: mine.filter((q) => q.status === 429).length, perMin: ok.length / minutes, minutes };
	}
	const achieved = Math.min(...VENDORS.map((v) => rates[v].perMin));

	// which worker ran what: each worker logs "Worker started execution <id> (job <n>)"
	const ranBy = new Map();
	for (const w of stack.workers) for (const { executionId } of w.startedExecutions()) ranBy.set(executionId, [...(ranBy.get(executionId) ?? []), w.index]);
	const perWorker = stack.workers.map((w) => details.filter((d) => ranBy.get(d.id)?.includes(w.index)).length);

	const failedItems = details.flatMap((d) => (d.items(NODE_NAME[d.body?.vendor]) ?? []).filter((j) => j.error !== undefined).map((j) => `${d.id}: ${j.error}`));
	const items = details.reduce((n, d) => n + (d.items(NODE_NAME[d.body?.vendor])?.length ?? 0), 0);
	for (const vendor of VENDORS) {
		const r = rates[vendor];
		console.log(`# ${vendor}: ${r.accepted} accepted of ${r.requests} requests, ${r.limited} 429s, ${r.perMin.toFixed(0)}/min over ${(r.minutes * 60).toFixed(1)} s (limit ${LIMIT}/min per key); sandbox stats: applied ${stats.updatesApplied?.[vendor]}, 429s ${stats.rateLimited?.[vendor]}`);
	}
	console.log(`# run ${(timings.run / 1000).toFixed(1)} s; executions per worker ${perWorker.join(' + ')}; most 429s in one window of one execution: ${worstWindow}; failed items: ${failedItems.length}`);
	for (const d of details) if (d.status !== 'success') console.log(`# execution ${d.id}: ${d.status} ${d.error?.message ?? ''}`);
	for (const f of failedItems.slice(0, 5)) console.log(`# failed item: ${f}`);
	queueLine = `queue: ${stack.workers.length} workers, ${details.length} executions, ${items} items, ${audit.lost.length} lost, ${audit.doubled.length} doubled, ${limited.length} 429s, achieved ${Math.round(achieved)}/min of ${LIMIT}`;

	assert.equal(details.length, EXECUTIONS);
	const lastStart = Math.max(...list.map((e) => Date.parse(e.startedAt)));
	const firstStop = Math.min(...list.map((e) => Date.parse(e.stoppedAt)));
	assert.ok(lastStart < firstStop, `all ${EXECUTIONS} executions ran at once (last start ${new Date(lastStart).toISOString()}, first stop ${new Date(firstStop).toISOString()})`);
	for (const d of details) {
		assert.equal(d.status, 'success', `execution ${d.id}: ${d.status} ${d.error?.message ?? ''}`);
		assert.equal(d.items('Items').length, ITEMS, `execution ${d.id}: input items`);
		assert.equal(d.items(NODE_NAME[d.body.vendor]).length, ITEMS, `execution ${d.id}: as many output items as input items`);
		assert.deepEqual(ranBy.get(d.id)?.length, 1, `execution ${d.id} ran on exactly one worker: ${ranBy.get(d.id)}`);
	}
	assert.deepEqual(audit.lost, [], 'every update applied');
	assert.deepEqual(audit.doubled, [], 'no update applied twice (LeadLex notes appended once)');
	for (const vendor of VENDORS) assert.equal(stats.updatesApplied[vendor], (EXECUTIONS / VENDORS.length) * ITEMS, `${vendor}: the sandbox applied each update once`);
	assert.ok(perWorker.every((n) => n > 0), `both workers ran executions: ${perWorker}`);
	assert.deepEqual(failedItems, [], 'no failed item');
	assert.ok(worstWindow <= 1, `at most one 429 per window per execution (header pacing); got up to ${worstWindow} (${limited.length} 429s in all)`);
});

/** The Bull jobs in Redis now: { wait, active, failed, completed } job ids, and each job's execution id and lock. */
function bullSnapshot() {
	const list = (cmd, key) => stack.redis.cli(cmd, key, '0', '-1').split('\n').filter(Boolean);
	const snap = { wait: list('LRANGE', 'bull:jobs:wait'), active: list('LRANGE', 'bull:jobs:active'), failed: list('ZRANGE', 'bull:jobs:failed'), completed: list('ZRANGE', 'bull:jobs:completed'), jobs: {} };
	for (const id of new Set([...snap.wait, ...snap.active, ...snap.failed])) {
		const data = stack.redis.cli('HGET', `bull:jobs:${id}`, 'data');
		snap.jobs[id] = { executionId: data ? String(JSON.parse(data).executionId) : undefined, locked: stack.redis.cli('EXISTS', `bull:jobs:${id}:lock`) === '1' };
	}
	return snap;
}

/** POST /api/v1/executions/:id/retry; n8n answers when the retry has finished, so the wait is longer. */
async function retryExecution(id) {
	const res = await fetch(`${stack.main.url}/api/v1/executions/${id}/retry`, {
		method: 'POST',
		headers: { 'X-N8N-API-KEY': stack.rest.apiKey, 'content-type': 'application/json' },
		body: '{}',
		signal: AbortSignal.timeout(180000),
	});
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, json, text };
}

/** Contact ids of a batch that have its note, in item order: which updates reached LeadLex. */
async function appliedIds(b) {
	const stored = await mapPool(b.contacts, 16, (c) => sandbox.contact(b.vendor, c.id));
	return b.contacts.filter((c, i) => noteCount(stored[i], c.notes) > 0).map((c) => c.id);
}

test('a worker is SIGKILLed mid-run: its executions fail, nothing is re-run; re-sending the input appends notes twice', { timeout: 6 * 60 * 1000 }, async () => {
	await sandbox.reset(); // no rate limit here: each execution paces itself at 600/min
	const run = 'k';
	const batches = Array.from({ length: EXECUTIONS }, (_, k) => batch(run, k, 'leadLex'));
	await seedBatches(batches);
	const [victim, survivor] = stack.workers;
	const earlier = new Set(victim.startedExecutions().map((e) => e.executionId));
	await Promise.all(batches.map((b) => fire('kill', b)));

	// kill once every execution runs and has sent some updates
	const deadline = Date.now() + 90000;
	for (;;) {
		const counts = new Map();
		for (const q of await sandbox.requests()) counts.set(batchOf(q, run), (counts.get(batchOf(q, run)) ?? 0) + 1);
		if (batches.every((b) => (counts.get(b.execution) ?? 0) >= 30)) break;
		assert.ok(Date.now() < deadline, `the run did not get going: requests ${[...counts.entries()]}`);
		await sleep(250);
	}
	const heldIds = new Set(victim.startedExecutions().map((e) => e.executionId).filter((id) => !earlier.has(id)));
	const killedAt = Date.now();
	await killWorker(victim);
	const atKill = bullSnapshot();
	const heldJobs = Object.entries(atKill.jobs).filter(([, j]) => heldIds.has(j.executionId));

	// watch Redis and the records until every execution is final (bounded)
	let requeued = false;
	let list;
	const until = Date.now() + 3 * 60 * 1000;
	for (;;) {
		if (bullSnapshot().wait.some((id) => heldJobs.some(([jobId]) => jobId === id))) requeued = true;
		list = await executionsOf([workflows.kill.id]);
		if (list.length === EXECUTIONS && list.every((e) => FINAL.has(e.status))) break;
		assert.ok(Date.now() < until, `executions not final 3 min after the kill: ${list.map((e) => `${e.id}:${e.status}`)}`);
		await sleep(1000);
	}
	const noticedS = (Date.now() - killedAt) / 1000;
	const afterAll = bullSnapshot();
	const details = await Promise.all(list.map((e) => executionDetail(e.id)));
	const requests = (await sandbox.requests()).filter((q) => batchOf(q, run) !== undefined);
	const audit = await auditBatches(batches, requests);
	// The record no longer says which input a held execution had (main keeps only the error):
	// the sandbox does. The held batches are those not fully applied.
	const heldBatches = batches.filter((b) => audit.appliedByExecution[b.execution] < ITEMS);
	const applied = new Map(await Promise.all(heldBatches.map(async (b) => [b.execution, await appliedIds(b)])));
	const lateForHeld = requests.filter((q) => q.at > killedAt + 1000 && heldBatches.some((b) => b.execution === batchOf(q, run)));

	console.log(`# kill: worker ${victim.index} (pid ${victim.pid}) held executions ${[...heldIds].join(', ')}; Redis at the kill: ${heldJobs.map(([id, j]) => `job ${id} active${j.locked ? ' (lock still set)' : ''}`).join(', ')}`);
	console.log(`# kill: ${noticedS.toFixed(1)} s after the kill every execution was final; Redis then: wait [${afterAll.wait}] active [${afterAll.active}] failed [${afterAll.failed}]; a held job back in wait: ${requeued}`);
	for (const d of details) {
		const who = heldIds.has(d.id) ? `worker ${victim.index}, killed` : `worker ${survivor.index}`;
		console.log(`# kill: execution ${d.id} (${who}): ${d.status}${d.error ? `, "${d.error.message.slice(0, 70)}…"` : ''}`);
	}
	for (const b of heldBatches) console.log(`# kill: a held batch: ${applied.get(b.execution).length} of ${ITEMS} notes applied before the kill, the rest never sent`);
	// 8 jobs on 2 workers × 5 slots: each worker holds at least 3
	assert.ok(heldIds.size >= EXECUTIONS - CONCURRENCY, `the killed worker held executions: ${[...heldIds]}`);
	assert.equal(heldBatches.length, heldIds.size, 'as many batches cut short as executions held');
	for (const d of details) {
		if (heldIds.has(d.id)) {
			assert.equal(d.status, 'error', `held execution ${d.id}`);
			assert.match(d.error?.message ?? '', /failed to be processed too many times and will no longer retry/);
			assert.deepEqual(d.runData, {}, `execution ${d.id}: main keeps only the error`);
		} else {
			assert.equal(d.status, 'success', `execution ${d.id} on the surviving worker`);
			assert.equal(d.items('LeadLex').length, ITEMS);
		}
	}
	assert.equal(requeued, false, 'n8n 2.8.4 does not put a stalled job back in the queue');
	assert.deepEqual(survivor.startedExecutions().filter((e) => heldIds.has(e.executionId)), [], 'no held execution ran again');
	assert.deepEqual(lateForHeld.map((q) => q.path), [], 'nothing was sent for the held executions after the kill');
	assert.deepEqual([afterAll.wait, afterAll.active, afterAll.failed], [[], [], []], 'failed and finished jobs are removed from Redis');
	assert.deepEqual(audit.doubled, [], 'no note appended twice by n8n itself');
	for (const b of heldBatches) {
		const ids = applied.get(b.execution);
		assert.ok(ids.length > 0 && ids.length < ITEMS, `execution of batch ${b.execution} was killed mid-run: ${ids.length} applied`);
		assert.deepEqual(ids, b.contacts.slice(0, ids.length).map((c) => c.id), 'the applied updates are the first items, in input order');
	}

	// Retry, as a user clicking Retry on the failed execution: nothing is left to run.
	const retryOf = [...heldIds][0];
	const heldRequests = async () => (await sandbox.requests()).filter((q) => heldBatches.some((b) => b.execution === batchOf(q, run))).length;
	const sentBefore = await heldRequests();
	const retried = await retryExecution(retryOf);
	const retryRequests = (await heldRequests()) - sentBefore;
	console.log(`# kill: Retry of execution ${retryOf} -> HTTP ${retried.status}, execution ${retried.json?.id} ${retried.json?.status}, ${retryRequests} requests sent`);
	assert.equal(retried.status, 200, retried.text.slice(0, 500));
	assert.equal(retried.json.status, 'error');
	assert.equal(retryRequests, 0, 'a retry of the crashed execution sends nothing');

	// Re-sending the same input (the webhook caller, or a user running the batch again) runs
	// every item again: the notes that had reached LeadLex before the kill are appended twice.
	const retryBatch = heldBatches[0];
	const before = applied.get(retryBatch.execution).length;
	await fire('kill', retryBatch);
	await waitForExecutions([workflows.kill.id], EXECUTIONS + 2, 2 * 60 * 1000);
	const resent = await auditBatches([retryBatch], (await sandbox.requests()).filter((q) => batchOf(q, run) !== undefined));
	console.log(`# kill: batch re-sent: ${resent.appliedByExecution[retryBatch.execution]} of ${ITEMS} applied, ${resent.doubled.length} notes now appended twice (${before} had been applied before the kill), ${resent.lost.length} lost`);
	assert.equal(resent.lost.length, 0);
	assert.equal(resent.doubled.length, before, 'exactly the updates applied before the kill are doubled');
});

test('a worker without Contact Hub in its user folder fails the execution: every worker needs the package', { timeout: 3 * 60 * 1000 }, async () => {
	// only a worker without the package is left to take the job
	await Promise.all(stack.workers.map((w) => w.stop()));
	const bare = await addWorker(stack, { install: false });
	await sandbox.reset();
	const b = batch('n', 0, 'leadLex');
	await seedBatches([b]);
	const count = (await executionsOf([workflows.leadLex.id])).length;
	await fire('leadLex', b);
	const list = await waitForExecutions([workflows.leadLex.id], count + 1, 60000);
	const newest = list.map((e) => Number(e.id)).sort((x, y) => y - x)[0];
	const d = await executionDetail(newest);
	const message = d.error?.message ?? '';
	console.log(`# no package: worker ${bare.index} ran execution ${d.id}: ${d.status}, "${message}"; ${(await sandbox.requests()).length} requests`);
	assert.ok(bare.startedExecutions().some((e) => e.executionId === d.id), `worker ${bare.index} took execution ${d.id}`);
	assert.equal(d.status, 'error');
	assert.match(message, /n8n-nodes-contact-hub\.contactHub/);
	assert.equal((await sandbox.requests()).length, 0);
});
