/**
 * Header pacing through n8n's engine against the sandbox, at short scales: LeadLex and Raze report
 * X-RateLimit-Limit/Remaining/Reset, and the node spreads what is left of the budget until the
 * reset; executions that share a key converge without shared state; a daily cap ends the run at
 * once with a report; a cancel ends a pacing wait at once.
 */
import type { IDataObject } from 'n8n-workflow';

import { ContactHub } from '../../nodes/ContactHub/ContactHub.node';
import { trackedNode } from '../helpers/runs';
import { CONTACT_HUB_TYPE, contactHubWorkflow, runWorkflow, shutdownEngine, type RunResult } from '../helpers/workflow';
import { CREDENTIAL_TYPE, NAME_KEY } from '../node/harness';
import { SANDBOX_KEYS, startSandbox, type Sandbox, type Vendor } from '../sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
beforeEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox.close();
	shutdownEngine();
});

interface Options {
	onError?: 'continueRegularOutput';
	options?: IDataObject;
	onRunning?: (cancel: () => void) => void;
	nodeTypes?: Record<string, ContactHub>;
}

async function updateNames(vendor: Vendor, ids: string[], { onError, options = {}, onRunning, nodeTypes }: Options = {}): Promise<RunResult> {
	return await runWorkflow(
		contactHubWorkflow({ provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: '={{ $json.name }}' }, options }, onError ? { onError } : {}),
		ids.map((id) => ({ id, name: `Name of ${id}` })),
		{ [CREDENTIAL_TYPE[vendor]]: { apiKey: SANDBOX_KEYS[vendor].valid, baseUrl: sandbox.baseUrl(vendor) } },
		{ onRunning, nodeTypes },
	);
}

const updates = () => sandbox.requests.filter((request) => request.method !== 'GET');
const refused = () => updates().filter((request) => request.status === 429).length;
const allUpdated = (vendor: Vendor, ids: string[]) => ids.every((id) => sandbox.getContact(vendor, id)?.[NAME_KEY[vendor]] === `Name of ${id}`);

describe.each([
	['raze', 'unix'],
	['leadLex', 'unix'],
	['raze', 'delta'],
	['leadLex', 'delta'],
] as Array<[Vendor, 'unix' | 'delta']>)('%s, Reset as %s', (vendor, resetFormat) => {
	test('Remaining low: the rest of the window is spread until the reset, then the next window is used; no 429', async () => {
		const windowMs = 4000;
		const ids = sandbox.seedMany(vendor, 30, 'sp');
		sandbox.setRateLimit(vendor, { limit: 20, windowMs, resetFormat });
		const result = await updateNames(vendor, ids);
		expect(result.error).toBeUndefined();
		expect(refused()).toBe(0);
		expect(allUpdated(vendor, ids)).toBe(true);
		const times = updates().map((request) => request.at);
		// The first 15 go at full speed; the last 5 of the window's 20 are spread over what is left of it.
		expect(times[14] - times[0]).toBeLessThan(1000);
		expect(times[19] - times[15]).toBeGreaterThan(1500);
		// Item 21 waits for the reset, the new window's first request.
		expect(times[20] - times[0]).toBeGreaterThanOrEqual(windowMs - 100);
	}, 30_000);
});

test('with look-ups, what is left is counted in requests (two an item), not items: the window is still spread; no 429', async () => {
	const ids = sandbox.seedMany('raze', 12, 'lk');
	sandbox.setRateLimit('raze', { limit: 20, windowMs: 4000 });
	const result = await runWorkflow(
		contactHubWorkflow({ provider: 'raze', identifyBy: 'email', lookupValue: '={{ $json.email }}', updateFields: { name: '={{ $json.name }}' } }),
		ids.map((id, i) => ({ email: `contact${i + 1}@example.com`, name: `Name of ${id}` })),
		{ [CREDENTIAL_TYPE.raze]: { apiKey: SANDBOX_KEYS.raze.valid, baseUrl: sandbox.baseUrl('raze') } },
	);
	expect(result.error).toBeUndefined();
	expect(allUpdated('raze', ids)).toBe(true);
	const times = sandbox.requests.map((request) => request.at);
	expect(times).toHaveLength(24);
	expect(sandbox.requests.filter((request) => request.status === 429)).toHaveLength(0);
	// At request 16, 5 of 20 are left and about 4 items (8 requests) still to start: from there each
	// request waits its share of the time to the reset (about 4 s / 5; at least half of it is asked
	// here). Counting items instead, 4 < 5 would send the next ones at once.
	const gaps = times.slice(14, 19).map((at, i) => times[15 + i] - at);
	expect(Math.min(...gaps)).toBeGreaterThan(400);
}, 30_000);

test('a run whose items fit in what is left of the budget is not stretched to the reset', async () => {
	const ids = sandbox.seedMany('raze', 18, 'fit');
	sandbox.setRateLimit('raze', { limit: 20, windowMs: 4000 });
	const started = Date.now();
	const result = await updateNames('raze', ids);
	expect(result.error).toBeUndefined();
	expect(Date.now() - started).toBeLessThan(1500);
	expect(refused()).toBe(0);
});

test('four executions on one key stay within the limit: nothing failed, at most one 429 per window and execution', async () => {
	const windowMs = 3000;
	const limit = 40;
	sandbox.setRateLimit('raze', { limit, windowMs });
	sandbox.setLatency(20, 'raze');
	const batches = [0, 1, 2, 3].map((execution) => sandbox.seedMany('raze', 30, `x${execution}`));
	const started = Date.now();
	const results = await Promise.all(batches.map((ids) => updateNames('raze', ids, { onError: 'continueRegularOutput' })));
	const windows = Math.ceil((Date.now() - started) / windowMs);
	for (const [execution, result] of results.entries()) {
		expect(result.items).toHaveLength(30);
		expect(result.items.filter((item) => item.json.error !== undefined)).toEqual([]);
		expect(allUpdated('raze', batches[execution])).toBe(true);
	}
	expect(refused()).toBeLessThanOrEqual(windows * 4);
	// 120 updates at 40 per window cannot take fewer than 3 windows; pacing should not need many more.
	expect(windows).toBeLessThanOrEqual(5);
}, 60_000);

describe('a daily cap (the budget returns at midnight UTC, beyond Max Retry Wait)', () => {
	const midnightAfter = (now: number) => new Date(now).setUTCHours(24, 0, 0, 0);
	const nextMidnight = () => new Date(midnightAfter(Date.now())).toISOString().slice(0, 16).replace('T', ' ');
	// Within Max Retry Wait (60 s) of midnight the node rightly waits for the reset instead, and a run
	// across midnight sees the budget come back: start these tests only after midnight has passed.
	const MARGIN_MS = 90_000;
	beforeEach(async () => {
		const untilMidnight = midnightAfter(Date.now()) - Date.now();
		if (untilMidnight < MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, untilMidnight + 1000));
	}, MARGIN_MS + 10_000);

	test('with Continue On Fail: stops sending at once; every remaining item says why and when it resets', async () => {
		const ids = sandbox.seedMany('leadLex', 12, 'dc');
		sandbox.setDailyCap('leadLex', 5);
		const started = Date.now();
		const result = await updateNames('leadLex', ids, { onError: 'continueRegularOutput', options: { parallelRequests: 2 } });
		expect(Date.now() - started).toBeLessThan(2000);
		expect(result.items).toHaveLength(12);
		expect(result.items.slice(0, 5).map((item) => item.json.name)).toEqual(ids.slice(0, 5).map((id) => `Name of ${id}`));
		result.items.slice(5).forEach((item, offset) => {
			expect(item.json.error).toBe(`LeadLex rate limit: not sent, the limit is used up until ${nextMidnight()} UTC (in ${item.json.error!.toString().match(/\(in ([^)]+)\)/)![1]}) (item ${offset + 5})`);
			expect(item.error?.description).toContain('5 of 12 items were updated before');
		});
		// The cap's headers said Remaining 0: at most the requests in flight then met a 429.
		expect(updates().length).toBeLessThanOrEqual(6);
	});

	test('without it: one error that says how many were applied and when the limit resets', async () => {
		const ids = sandbox.seedMany('raze', 8, 'dn');
		sandbox.setDailyCap('raze', 3);
		const result = await updateNames('raze', ids);
		expect(result.error?.message).toBe(
			`Raze rate limit: used up until ${nextMidnight()} UTC (in ${/\(in ([^)]+)\)/.exec(result.error!.message)![1]}) — updated: items 0–2; not sent (the vendor's rate limit): items 3–7`,
		);
		expect(result.error?.description).toMatch(/stopped sending at once\. 3 of 8 items were updated before\. Run the rest after /);
		expect(updates()).toHaveLength(3);
	});
});

test('a cancel during a pacing wait ends it at once', async () => {
	const ids = sandbox.seedMany('raze', 20, 'pw');
	// 10 per minute: once Remaining is low, the next start is many seconds away.
	sandbox.setRateLimit('raze', { limit: 10, windowMs: 60_000 });
	const { node, settled } = trackedNode();
	let cancelledAt = 0;
	await updateNames('raze', ids, {
		nodeTypes: { [CONTACT_HUB_TYPE]: node },
		onRunning: (cancel) => {
			setTimeout(() => {
				cancelledAt = Date.now();
				cancel();
			}, 1500);
		},
	});
	const { at: endedAt } = await settled;
	expect(endedAt - cancelledAt).toBeLessThan(300);
	expect(updates().filter((request) => request.at > cancelledAt)).toEqual([]);
	expect(updates().length).toBeLessThan(10);
	expect(refused()).toBe(0);
});
