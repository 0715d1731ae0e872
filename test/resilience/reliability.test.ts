/**
 * The reliability rules through n8n's engine against the sandbox: a cancel stops sending and ends
 * every wait at once; a failure with parallel requests reports every item; a 429 with no wait hint
 * backs off across a whole window; options are bounded and timers never overflow.
 */
import type { IDataObject } from 'n8n-workflow';

import { noHintBackoffMs } from '../../nodes/ContactHub/engine/retry';
import { Cancelled, MAX_TIMER_MS, wait } from '../../nodes/ContactHub/engine/wait';
import { listedItems, trackedNode } from '../helpers/runs';
import { CONTACT_HUB_TYPE, contactHubWorkflow, runWorkflow, shutdownEngine } from '../helpers/workflow';
import { CREDENTIAL_TYPE, NAME_KEY } from '../node/harness';
import { SANDBOX_KEYS, startSandbox, type Sandbox, type Vendor } from '../sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ hangMs: 20_000 });
});
beforeEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox.close();
	shutdownEngine();
});

interface Run {
	vendor: Vendor;
	ids: string[];
	options?: IDataObject;
	fields?: IDataObject;
	/** When to press Stop, in ms after the run starts. */
	cancelAfterMs?: number;
}

async function updateNames({ vendor, ids, options = {}, fields, cancelAfterMs }: Run) {
	const tracked = trackedNode();
	let cancelledAt = 0;
	const result = await runWorkflow(
		contactHubWorkflow({
			provider: vendor,
			contactId: '={{ $json.id }}',
			updateFields: fields ?? { name: '={{ $json.name }}' },
			options,
		}),
		ids.map((id, index) => ({ id, name: `Name ${index}` })),
		{ [CREDENTIAL_TYPE[vendor]]: { apiKey: SANDBOX_KEYS[vendor].valid, baseUrl: sandbox.baseUrl(vendor) } },
		{
			nodeTypes: { [CONTACT_HUB_TYPE]: tracked.node },
			onRunning: (cancel) => {
				if (cancelAfterMs === undefined) return;
				setTimeout(() => {
					cancelledAt = Date.now();
					cancel();
				}, cancelAfterMs);
			},
		},
	);
	const settled = await tracked.settled;
	return { result, settled, cancelledAt };
}

describe('cancel means stop', () => {
	test('during the throttle: no request starts after the cancel, and the node ends at once', async () => {
		const ids = sandbox.seedMany('raze', 200, 'cx');
		const { settled, cancelledAt } = await updateNames({ vendor: 'raze', ids, options: { maxRequestsPerMinute: 600 }, cancelAfterMs: 1000 });
		expect(settled.at - cancelledAt).toBeLessThan(300);
		const after = sandbox.requests.filter((request) => request.at > cancelledAt);
		expect(after).toEqual([]);
		const sentCount = sandbox.requests.length;
		expect(sentCount).toBeGreaterThan(5);
		expect(sentCount).toBeLessThan(20);
		expect(settled.error?.message).toBe(`The execution was cancelled — updated: items 0–${sentCount - 1}; not sent: items ${sentCount}–199`);
	});

	test('during a 429 pause: the wait ends at once', async () => {
		const ids = sandbox.seedMany('leadLex', 5, 'cp');
		sandbox.setRateLimit('leadLex', { limit: 1, windowMs: 60_000 });
		// Max Retry Wait above the minute LeadLex asks for, so the node waits rather than stopping.
		const { settled, cancelledAt } = await updateNames({ vendor: 'leadLex', ids, options: { maxRetryWaitSeconds: 120 }, cancelAfterMs: 700 });
		expect(settled.at - cancelledAt).toBeLessThan(300);
		expect(sandbox.requests.filter((request) => request.at > cancelledAt)).toEqual([]);
		expect(settled.error?.message).toBe('The execution was cancelled — updated: item 0; not sent: items 1–4');
	});

	test('during a retry backoff after a 500: the wait ends at once', async () => {
		const ids = sandbox.seedMany('raze', 3, 'cb');
		sandbox.addFault({ kind: 'status500', vendor: 'raze', count: 10 });
		const { settled, cancelledAt } = await updateNames({ vendor: 'raze', ids, options: { maxRetries: 10, maxRetryWaitSeconds: 60 }, cancelAfterMs: 2000 });
		expect(settled.at - cancelledAt).toBeLessThan(300);
		expect(sandbox.requests.filter((request) => request.at > cancelledAt)).toEqual([]);
	});

	test('a request in flight is aborted, and reported as possibly applied', async () => {
		const ids = sandbox.seedMany('openCx', 3, 'ch');
		sandbox.addFault({ kind: 'hang', vendor: 'openCx', phase: 'after' });
		const { settled, cancelledAt } = await updateNames({ vendor: 'openCx', ids, options: { timeout: 15000 }, cancelAfterMs: 500 });
		expect(settled.at - cancelledAt).toBeLessThan(300);
		expect(sandbox.requests).toHaveLength(1);
		expect(settled.error?.message).toBe(
			'The execution was cancelled — in flight when the run stopped (may have been updated): item 0; not sent: items 1–2',
		);
		// It was: the hang came after the update was stored.
		expect(sandbox.stats().updatesApplied.openCx).toBe(1);
	});

	test('during the retry wait after a lost answer: the item is reported as possibly applied, not as never sent', async () => {
		const ids = sandbox.seedMany('raze', 2, 'cl');
		// The update is stored, then the answer is a 500: the node retries after a backoff, and the cancel comes first.
		sandbox.addFault({ kind: 'status500', vendor: 'raze', phase: 'after' });
		const { settled } = await updateNames({ vendor: 'raze', ids, options: { maxRetryWaitSeconds: 30 }, cancelAfterMs: 250 });
		expect(settled.error?.message).toBe('The execution was cancelled — in flight when the run stopped (may have been updated): item 0; not sent: item 1');
		expect(sandbox.getContact('raze', ids[0])?.name).toBe('Name 0');
	});

	test('a long wait (a timer longer than 2^31-1 ms) neither fires early nor outlives a cancel', async () => {
		const controller = new AbortController();
		let ended = false;
		const waiting = wait(MAX_TIMER_MS + 60_000, controller.signal).finally(() => (ended = true));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(ended).toBe(false);
		controller.abort();
		await expect(waiting).rejects.toBeInstanceOf(Cancelled);
	});
});

describe('nothing vanishes without Continue On Fail', () => {
	test('with parallel requests, items in flight finish, and the error says which were applied, failed and never sent', async () => {
		const ids = sandbox.seedMany('leadLex', 12, 'pf');
		ids[3] = 'missing-contact';
		sandbox.setLatency(150, 'leadLex');
		const { result, settled } = await updateNames({ vendor: 'leadLex', ids, options: { parallelRequests: 4 }, fields: { notes: '={{ $json.name }}' } });
		const message = settled.error?.message ?? '';
		expect(result.error?.message).toBe(message);
		expect(message).toMatch(/^LeadLex has no contact with ID "missing-contact" \(404 not_found\): .* \(item 3\) — updated: items /);
		const updated = listedItems(message, 'updated');
		const notSent = listedItems(message, 'not sent');
		expect(listedItems(message, 'failed')).toEqual([3]);
		// Items 0–2 and 4–6 were in flight with item 3; none after them started.
		expect(updated).toEqual([0, 1, 2, 4, 5, 6]);
		expect(notSent).toEqual([7, 8, 9, 10, 11]);
		// The report is the sandbox's truth: each updated note landed once, nothing else was sent.
		for (const index of updated) expect(sandbox.getContact('leadLex', ids[index])?.notes).toBe(`Name ${index}`);
		for (const index of notSent) expect(sandbox.getContact('leadLex', ids[index])?.notes).toBeNull();
		expect(sandbox.requests).toHaveLength(7);
		expect(result.error?.description).toMatch(/Of 12 items: updated: items 0–2, 4–6; failed: item 3; not sent: items 7–11\. Run again only the items not updated/);
	});
});

describe('a 429 that names no wait (OpenCX)', () => {
	test('the default backoff spans more than a one-minute window', () => {
		const waits = (random: () => number) => [0, 1, 2].map((retry) => noHintBackoffMs(retry, 60_000, random));
		const sum = (list: number[]) => list.reduce((total, ms) => total + ms, 0);
		expect(waits(() => 0)).toEqual([15_000, 30_000, 30_000]);
		expect(waits(() => 1)).toEqual([30_000, 60_000, 60_000]);
		expect(sum(waits(() => 0))).toBeGreaterThan(60_000);
		// No wait ever exceeds Max Retry Wait.
		expect(Math.max(...waits(() => 1))).toBe(60_000);
	});

	test('against a sandbox limit with no hint, the retries outlast the window and every contact is updated', async () => {
		// A 10 s window at this scale; Max Retry Wait 8 s, so three retries span at least 10 s.
		const ids = sandbox.seedMany('openCx', 4, 'nh');
		sandbox.setRateLimit('openCx', { limit: 2, windowMs: 10_000, signals: 'none' });
		const { result } = await updateNames({ vendor: 'openCx', ids, options: { maxRetryWaitSeconds: 8 } });
		expect(result.error).toBeUndefined();
		const refused = sandbox.requests.filter((request) => request.status === 429);
		expect(refused.length).toBeGreaterThan(0);
		ids.forEach((id, index) => expect(sandbox.getContact('openCx', id)?.[NAME_KEY.openCx]).toBe(`Name ${index}`));
	}, 60_000);
});

describe('bounded options', () => {
	test.each([
		['parallelRequests', 500, 'Options → Parallel Requests must be a whole number from 1 to 50, got 500'],
		['parallelRequests', 0, 'Options → Parallel Requests must be a whole number from 1 to 50, got 0'],
		['maxRequestsPerMinute', -1, 'Options → Max Requests per Minute must be a whole number from 0 to 60000, got -1'],
		['timeout', 0, 'Options → Timeout must be a whole number from 100 to 600000, got 0'],
		['maxRetries', 1e9, 'Options → Max Retries must be a whole number from 0 to 10, got 1000000000'],
		['maxRetryWaitSeconds', 1e12, 'Options → Max Retry Wait (Seconds) must be a number from 0 to 3600, got 1000000000000'],
		['maxRetries', 'many', 'Options → Max Retries must be a whole number from 0 to 10, got "many"'],
	])('%s = %j is refused before anything is sent', async (name, value, message) => {
		const { result } = await updateNames({ vendor: 'raze', ids: ['c1', 'c2'], options: { [name]: value } });
		expect(result.error?.message).toBe(message);
		expect(sandbox.requests).toEqual([]);
	});
});
