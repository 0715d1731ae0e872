import type { IDataObject } from 'n8n-workflow';

import { contactHubWorkflow, runWorkflow, shutdownEngine } from '../helpers/workflow';
import { CREDENTIAL_TYPE, NAME_KEY } from '../node/harness';
import { SANDBOX_KEYS, startSandbox, VENDORS, type Sandbox, type Vendor } from '../sandbox';
import type { VendorModule } from '../sandbox/vendor';
import { VENDOR_MODULES } from '../sandbox/vendors';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
beforeEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox.close();
	shutdownEngine();
});

function credentials(vendor: Vendor) {
	return { [CREDENTIAL_TYPE[vendor]]: { apiKey: SANDBOX_KEYS[vendor].valid, baseUrl: sandbox.baseUrl(vendor) } };
}

async function updateNames(vendor: Vendor, ids: string[], options: IDataObject, onError?: 'continueRegularOutput') {
	return await runWorkflow(
		contactHubWorkflow(
			{ provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: '={{ $json.name }}' }, options },
			onError ? { onError } : {},
		),
		ids.map((id, index) => ({ id, name: `Name ${index}` })),
		credentials(vendor),
	);
}

const updates = () => sandbox.requests.filter((request) => request.method !== 'GET');

describe('429 handling', () => {
	test.each<Vendor>(VENDORS)(
		'%s: waits as the vendor says, then every contact is updated',
		async (vendor) => {
			const ids = sandbox.seedMany(vendor, 6, 'rl');
			sandbox.setRateLimit(vendor, { limit: 3, windowMs: 1000 });
			const started = Date.now();
			const result = await updateNames(vendor, ids, { parallelRequests: 2, maxRetryWaitSeconds: 5 });

			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
			ids.forEach((id, index) => {
				const stored = sandbox.getContact(vendor, id)!;
				expect(stored[NAME_KEY[vendor]]).toBe(`Name ${index}`);
			});
			// Six updates at three per second need a second window.
			expect(Date.now() - started).toBeGreaterThanOrEqual(900);
			// LeadLex and Raze report their budget in headers (their sandbox modules send them on every answer),
			// so the node waits for the reset before a 429; Bland AI and OpenCX say nothing until they refuse.
			if ((VENDOR_MODULES[vendor] as VendorModule).rateLimitHeaders) expect(updates()).toHaveLength(6);
			else expect(updates().length).toBeGreaterThan(6);
		},
	);

	test('Raze retry_after in the body is honoured, and nothing starts while the execution waits', async () => {
		const ids = sandbox.seedMany('raze', 8, 'rz');
		sandbox.setRateLimit('raze', { limit: 2, windowMs: 1000 });
		await updateNames('raze', ids, { parallelRequests: 4, maxRetryWaitSeconds: 5 });

		const times = updates().map((request) => request.at);
		const first429 = times[2]; // the third request in the window is refused
		const during = times.filter((at) => at > first429 && at < first429 + 900);
		// Only requests already in flight when the 429 arrived may land inside the wait.
		expect(during.length).toBeLessThanOrEqual(3);
	});

	test('gives up after Max Retries with a message that says why and what to change', async () => {
		const ids = sandbox.seedMany('leadLex', 3, 'gu');
		// Every request of items 1 and 2 is refused, each asking for a wait of 1 s (within Max Retry Wait).
		sandbox.setChaos({ seed: 1, vendor: 'leadLex', rates: { status429: 1 } });
		const result = await updateNames(
			'leadLex',
			ids.slice(1),
			{ maxRetries: 2, maxRetryWaitSeconds: 1 },
			'continueRegularOutput',
		);

		expect(result.items).toHaveLength(2);
		for (const index of [0, 1]) {
			const { json, pairedItem, error } = result.items[index];
			expect(pairedItem).toEqual({ item: index });
			expect(json.error).toMatch(
				new RegExp(`^LeadLex rate limit: contact gu-${index + 2} was not updated \\(rate-limited 3 times, waited [2-5](\\.\\d)? s in total\\) \\(item ${index}\\)$`),
			);
			expect(error?.description).toContain('Max Requests per Minute');
		}
	});

	test('Retry on Rate Limit off fails at once', async () => {
		const ids = sandbox.seedMany('openCx', 2, 'off');
		sandbox.setRateLimit('openCx', { limit: 1, windowMs: 60_000 });
		const started = Date.now();
		const result = await updateNames('openCx', ids, { retryOnRateLimit: false });
		expect(Date.now() - started).toBeLessThan(2000);
		expect(result.error?.message).toBe(
			'OpenCX rate limit: contact off-2 was not updated (rate-limited; Retry on Rate Limit is off) (item 1) — updated: item 0; failed: item 1',
		);
		expect(updates()).toHaveLength(2);
	});
});

describe('throttle', () => {
	/**
	 * Judged by the sandbox's own arrival times. The node spaces the starts; a request can still be
	 * held up on its way (a busy machine, a GC pause), so it may arrive up to this much late and
	 * bring the next window's arrival closer. Unthrottled, the 21 requests all arrive within tens of ms.
	 */
	const ARRIVAL_TOLERANCE_MS = 300;

	test('Max Requests per Minute holds in every window, at any parallelism', async () => {
		const perMinute = 600; // one start every 100 ms
		const ids = sandbox.seedMany('raze', 21, 'th');
		const result = await updateNames('raze', ids, { maxRequestsPerMinute: perMinute, parallelRequests: 8 });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(21);

		const times = updates().map((request) => request.at).sort((a, b) => a - b);
		expect(times).toHaveLength(21);
		const perSecond = perMinute / 60;
		// No more than 10 arrivals in any 1-second window: arrival k+10 comes a second after arrival k, less the tolerance.
		const gaps = times.slice(perSecond).map((at, k) => at - times[k]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 - ARRIVAL_TOLERANCE_MS);
		// 21 starts 100 ms apart span two seconds from the first arrival to the last.
		expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(2000 - ARRIVAL_TOLERANCE_MS);
	});
});
