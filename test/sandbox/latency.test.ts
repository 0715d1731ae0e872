import { SEED_IDS, startSandbox, type Sandbox } from '.';
import { call, CREDENTIAL_TEST, request, sampleUpdate, settle } from './testUtils';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Timing tolerance: the sandbox's own timestamps (at, doneAt) are compared; a loaded 2-core machine may add
// scheduling delay on top of a timer, never take it away, so lower bounds are exact and upper bounds are loose.
const SLACK_MS = 1000;

describe('sandbox: latency and answer status', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ hangMs: 200 });
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	it('setLatency(ms) delays every vendor answer by at least ms, by the sandbox clock and the client clock', async () => {
		sandbox.setLatency(150);
		const started = Date.now();
		const res = await sampleUpdate(sandbox, 'leadLex');
		const elapsed = Date.now() - started;
		expect(res.status).toBe(200);
		const [recorded] = sandbox.requests;
		expect(recorded.doneAt! - recorded.at).toBeGreaterThanOrEqual(150);
		expect(recorded.doneAt! - recorded.at).toBeLessThan(150 + SLACK_MS);
		expect(elapsed).toBeGreaterThanOrEqual(150);
	});

	it('setLatency(ms, vendor) delays only that vendor; the admin API is never delayed', async () => {
		sandbox.setLatency(300, 'raze');
		await Promise.all([sampleUpdate(sandbox, 'raze'), sampleUpdate(sandbox, 'openCx')]);
		const byVendor = Object.fromEntries(sandbox.requests.map((r) => [r.vendor, r.doneAt! - r.at]));
		expect(byVendor.raze).toBeGreaterThanOrEqual(300);
		expect(byVendor.openCx).toBeLessThan(300);
		const adminStart = Date.now();
		await request(`${sandbox.url}/__sandbox/stats`);
		expect(Date.now() - adminStart).toBeLessThan(300);
	});

	it('the request is handled at arrival: applied and counted before its delayed answer goes out', async () => {
		sandbox.setLatency(400);
		sandbox.setRateLimit('raze', { limit: 1, windowMs: 60_000 });
		const pending = Promise.all([sampleUpdate(sandbox, 'raze'), sampleUpdate(sandbox, 'raze')]);
		await sleep(150);
		expect(sandbox.stats().updatesApplied.raze).toBe(1);
		expect(sandbox.getContact('raze', SEED_IDS.raze)?.name).toBe('Updated Name');
		expect(sandbox.requests.map((r) => r.status)).toEqual([undefined, undefined]); // not answered yet
		expect(sandbox.stats().rateLimited.raze).toBe(0); // 429s count when sent
		const statuses = (await pending).map((res) => res.status).sort();
		expect(statuses).toEqual([200, 429]);
		expect(sandbox.stats().rateLimited.raze).toBe(1);
	});

	it('faults are delayed too; admin POST /__sandbox/latency sets it; reset() returns to the start value (0)', async () => {
		const admin = (body: unknown) => request(`${sandbox.url}/__sandbox/latency`, { method: 'POST', body });
		expect((await admin({ ms: 200, vendor: 'blandAi' })).status).toBe(200);
		sandbox.addFault({ kind: 'status500', vendor: 'blandAi' });
		expect((await sampleUpdate(sandbox, 'blandAi')).status).toBe(500);
		expect(sandbox.requests[0].doneAt! - sandbox.requests[0].at).toBeGreaterThanOrEqual(200);
		expect((await admin({ ms: -1 })).status).toBe(400);
		expect((await admin({ ms: 10, vendor: 'nope' })).status).toBe(400);
		sandbox.reset();
		await sampleUpdate(sandbox, 'blandAi');
		expect(sandbox.requests[0].doneAt! - sandbox.requests[0].at).toBeLessThan(200);
	});

	it('records the status sent and when: 200, 400, 401, 404, 429, 500; null for a reset and a hang', async () => {
		await sampleUpdate(sandbox, 'raze');
		await call(sandbox, 'raze', 'PUT', `/external/v1/contacts/${SEED_IDS.raze}`, { body: { email: 'not-an-email' } });
		await sampleUpdate(sandbox, 'raze', { key: 'wrong' });
		await request(`${sandbox.url}/nowhere`);
		sandbox.setRateLimit('openCx', { limit: 0, windowMs: 60_000 });
		await call(sandbox, 'openCx', 'GET', CREDENTIAL_TEST.openCx);
		sandbox.addFault({ kind: 'status500', vendor: 'leadLex' });
		sandbox.addFault({ kind: 'reset', vendor: 'leadLex' });
		sandbox.addFault({ kind: 'hang', vendor: 'leadLex' });
		await sampleUpdate(sandbox, 'leadLex');
		expect((await settle(sampleUpdate(sandbox, 'leadLex'))).ok).toBe(false);
		expect((await settle(sampleUpdate(sandbox, 'leadLex'))).ok).toBe(false); // destroyed after hangMs (200)
		await sleep(50); // the hang's 'close' event may follow the client's error
		expect(sandbox.requests.map((r) => r.status)).toEqual([200, 400, 401, 404, 429, 500, null, null]);
		for (const r of sandbox.requests) expect(r.doneAt).toBeGreaterThanOrEqual(r.at);
		const hang = sandbox.requests[7];
		expect(hang.doneAt! - hang.at).toBeGreaterThanOrEqual(200);
		const viaAdmin = await request(`${sandbox.url}/__sandbox/requests`);
		expect(viaAdmin.json.map((r: { status: number | null }) => r.status)).toEqual([200, 400, 401, 404, 429, 500, null, null]);
	});

	it('close() clears pending answers: it does not wait for them', async () => {
		const own = await startSandbox({ latencyMs: 60_000 });
		const pending = settle(sampleUpdate(own, 'raze'));
		await sleep(100);
		const closing = Date.now();
		await own.close();
		expect(Date.now() - closing).toBeLessThan(SLACK_MS);
		expect((await pending).ok).toBe(false);
	});

	it('the start option latencyMs is what reset() returns to', async () => {
		const own = await startSandbox({ latencyMs: 120 });
		try {
			own.setLatency(0);
			own.reset();
			await sampleUpdate(own, 'openCx');
			expect(own.requests[0].doneAt! - own.requests[0].at).toBeGreaterThanOrEqual(120);
		} finally {
			await own.close();
		}
	});
});
