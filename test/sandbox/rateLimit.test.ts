import { startSandbox, type Sandbox } from '.';
import { call, CREDENTIAL_TEST, sampleUpdate } from './testUtils';

const nowSec = () => Math.floor(Date.now() / 1000);

describe('sandbox: rate limits', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	it('Raze: X-RateLimit-* on every response; 429 RATE_LIMIT_EXCEEDED with retry_after and no Retry-After', async () => {
		sandbox.setRateLimit('raze', { limit: 2, windowMs: 60_000 });
		const first = await sampleUpdate(sandbox, 'raze');
		const second = await sampleUpdate(sandbox, 'raze');
		expect([first.status, second.status]).toEqual([200, 200]);
		expect(first.headers['x-ratelimit-limit']).toBe('2');
		expect([first.headers['x-ratelimit-remaining'], second.headers['x-ratelimit-remaining']]).toEqual(['1', '0']);

		const limited = await sampleUpdate(sandbox, 'raze');
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBeUndefined();
		expect(limited.headers['x-ratelimit-remaining']).toBe('0');
		const reset = Number(limited.headers['x-ratelimit-reset']);
		expect(reset).toBeGreaterThanOrEqual(nowSec() + 58); // Unix seconds, end of the window
		expect(reset).toBeLessThanOrEqual(nowSec() + 61);
		expect(limited.json).toEqual({
			success: false,
			error: { code: 'RATE_LIMIT_EXCEEDED', message: expect.any(String), retry_after: expect.any(Number) },
		});
		expect(Number.isInteger(limited.json.error.retry_after)).toBe(true);
		expect(limited.json.error.retry_after).toBeGreaterThanOrEqual(1);
		expect(limited.json.error.retry_after).toBeLessThanOrEqual(60);
		expect(sandbox.stats().updatesApplied.raze).toBe(2); // the refused update was not applied
	});

	it('LeadLex: X-RateLimit-* and X-Request-ID; 429 rate_limited with Retry-After', async () => {
		sandbox.setRateLimit('leadLex', { limit: 1, windowMs: 60_000 });
		const ok = await call(sandbox, 'leadLex', 'GET', CREDENTIAL_TEST.leadLex);
		expect(ok.status).toBe(200);
		expect(ok.headers['x-ratelimit-limit']).toBe('1');
		expect(ok.headers['x-ratelimit-remaining']).toBe('0');

		const limited = await sampleUpdate(sandbox, 'leadLex');
		expect(limited.status).toBe(429);
		expect(limited.json).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
		expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(nowSec());
		expect(limited.headers['x-request-id']).toMatch(/^req_/);
	});

	it('Bland AI: 429 RATE_LIMITED with Retry-After and no X-RateLimit-*', async () => {
		sandbox.setRateLimit('blandAi', { limit: 0, windowMs: 10_000 });
		const limited = await sampleUpdate(sandbox, 'blandAi');
		expect(limited.status).toBe(429);
		expect(limited.json).toEqual({ data: null, errors: [{ error: 'RATE_LIMITED', message: expect.any(String) }] });
		expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
		expect(limited.headers['x-ratelimit-limit']).toBeUndefined();
	});

	it('OpenCX: 429 ErrorDto Too Many Requests with Retry-After', async () => {
		sandbox.setRateLimit('openCx', { limit: 0, windowMs: 60_000 });
		const limited = await call(sandbox, 'openCx', 'GET', CREDENTIAL_TEST.openCx);
		expect(limited.status).toBe(429);
		expect(limited.json).toEqual({ statusCode: 429, message: expect.any(String), error: 'Too Many Requests' });
		expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(limited.headers['x-ratelimit-limit']).toBeUndefined();
	});

	it('a fixed window opens again after windowMs', async () => {
		sandbox.setRateLimit('raze', { limit: 1, windowMs: 300 });
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(429);
		await new Promise((resolve) => setTimeout(resolve, 350));
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
	});

	it('is per vendor, and null removes it', async () => {
		sandbox.setRateLimit('raze', { limit: 0, windowMs: 60_000 });
		expect((await sampleUpdate(sandbox, 'leadLex')).status).toBe(200);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(429);
		sandbox.setRateLimit('raze', null);
		const ok = await sampleUpdate(sandbox, 'raze');
		expect(ok.status).toBe(200);
		expect(ok.headers['x-ratelimit-limit']).toBeUndefined();
	});

	it("chaos 'status429' answers each vendor's 429 with a 1-second wait", async () => {
		sandbox.setChaos({ seed: 1, rates: { status429: 1 } });
		const raze = await sampleUpdate(sandbox, 'raze');
		expect(raze.status).toBe(429);
		expect(raze.json.error.retry_after).toBe(1);
		expect(raze.headers['retry-after']).toBeUndefined();
		expect(raze.headers['x-ratelimit-remaining']).toBe('0');
		for (const vendor of ['blandAi', 'leadLex', 'openCx'] as const) {
			const res = await sampleUpdate(sandbox, vendor);
			expect(res.status).toBe(429);
			expect(res.headers['retry-after']).toBe('1');
		}
		expect(sandbox.stats().updatesApplied).toEqual({ blandAi: 0, leadLex: 0, openCx: 0, raze: 0 });
	});
});
