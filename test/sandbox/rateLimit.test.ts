import { startSandbox, type Sandbox, type Vendor } from '.';
import { SANDBOX_KEYS, VENDORS } from './constants';
import { RateLimiter } from './rateLimit';
import { call, CREDENTIAL_TEST, everyVendor, request, sampleLookup, sampleUpdate } from './testUtils';

const nowSec = () => Math.floor(Date.now() / 1000);

describe('sandbox: rate limits', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	it('Raze: X-RateLimit-* on every response; 429 RATE_LIMIT_EXCEEDED with retry_after and no Retry-After', async () => {
		const setFrom = Date.now();
		sandbox.setRateLimit('raze', { limit: 2, windowMs: 60_000 });
		const setTo = Date.now();
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
		// Unix seconds, the end of the window that began when the limit was set: exact, however slow the requests.
		expect(reset).toBeGreaterThanOrEqual(Math.ceil((setFrom + 60_000) / 1000));
		expect(reset).toBeLessThanOrEqual(Math.ceil((setTo + 60_000) / 1000));
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

	it("a fixed window opens again after windowMs (HTTP), judged by the sandbox's own timestamps", async () => {
		// The window starts when the limit is set, and the limiter counts a request between its arrival (at)
		// and its answer (doneAt). An attempt tells only if the second answer left inside the first window;
		// a machine stalled for a second can spoil that, and then the attempt is made again (at most 3).
		let setTo = 0;
		for (let attempt = 1; ; attempt++) {
			sandbox.reset();
			const setFrom = Date.now();
			sandbox.setRateLimit('raze', { limit: 1, windowMs: 1000 });
			setTo = Date.now();
			const statuses = [(await sampleUpdate(sandbox, 'raze')).status, (await sampleUpdate(sandbox, 'raze')).status];
			if (sandbox.requests[1].doneAt! < setFrom + 1000) {
				expect(statuses).toEqual([200, 429]);
				break;
			}
			if (attempt === 3) throw new Error('three attempts, and the second request never came within the first window');
		}
		await new Promise((resolve) => setTimeout(resolve, 1100));
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
		// Arrived in a later window, whatever the machine's speed.
		expect(sandbox.requests[2].at).toBeGreaterThanOrEqual(setTo + 1000);
		expect(sandbox.requests.map((request) => request.status)).toEqual([200, 429, 200]);
	});

	it('counts per API key presented: each key has its own window and its own headers', async () => {
		sandbox.setRateLimit('raze', { limit: 2, windowMs: 60_000 });
		const full = () => call(sandbox, 'raze', 'GET', CREDENTIAL_TEST.raze);
		const readOnly = () => call(sandbox, 'raze', 'GET', CREDENTIAL_TEST.raze, { key: SANDBOX_KEYS.raze.readOnly });
		expect((await full()).headers['x-ratelimit-remaining']).toBe('1');
		expect((await full()).headers['x-ratelimit-remaining']).toBe('0');
		expect((await full()).status).toBe(429);
		const other = await readOnly();
		expect(other.status).toBe(200);
		expect(other.headers['x-ratelimit-remaining']).toBe('1');
		// The same key sent as Bearer is the same key.
		const bearer = await request(sandbox.baseUrl('raze') + CREDENTIAL_TEST.raze, { headers: { authorization: `Bearer ${SANDBOX_KEYS.raze.readOnly}` } });
		expect(bearer.headers['x-ratelimit-remaining']).toBe('0');
		// A wrong key is counted under its own name, so it cannot use up a real key's budget.
		const wrong = await call(sandbox, 'raze', 'GET', CREDENTIAL_TEST.raze, { key: 'gr_live_wrong' });
		expect([wrong.status, wrong.headers['x-ratelimit-remaining']]).toEqual([401, '1']);
	});

	it.each(['leadLex', 'raze'] as const)("%s: resetFormat 'delta' writes X-RateLimit-Reset as seconds from now", async (vendor) => {
		sandbox.setRateLimit(vendor, { limit: 1, windowMs: 30_000, resetFormat: 'delta' });
		const ok = await call(sandbox, vendor, 'GET', CREDENTIAL_TEST[vendor]);
		const limited = await call(sandbox, vendor, 'GET', CREDENTIAL_TEST[vendor]);
		expect(limited.status).toBe(429);
		for (const res of [ok, limited]) {
			const reset = Number(res.headers['x-ratelimit-reset']);
			expect(reset).toBeGreaterThanOrEqual(25); // tolerance: 5 s of a slow machine between set and request
			expect(reset).toBeLessThanOrEqual(30);
		}
	});

	describe("signals 'none': a 429 with no wait hint at all", () => {
		it.each(VENDORS)('%s', async (vendor) => {
			sandbox.setRateLimit(vendor, { limit: 1, windowMs: 60_000, signals: 'none' });
			// The credential test's GET where these tests know it, else the documented look-up (a read every vendor has).
			const path = (CREDENTIAL_TEST as Partial<Record<Vendor, string>>)[vendor];
			const read = () => (path === undefined ? sampleLookup(sandbox, vendor, 'nobody@example.com') : call(sandbox, vendor, 'GET', path));
			const ok = await read();
			expect(ok.status).toBe(200);
			expect(ok.headers['x-ratelimit-limit']).toBeUndefined();
			const limited = await read();
			expect(limited.status).toBe(429);
			for (const header of ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
				expect(limited.headers[header]).toBeUndefined();
			}
			expect(limited.text).not.toMatch(/retry_after|\d+ seconds/);
		});

		it('chaos 429s of that vendor carry no hint either', async () => {
			sandbox.setRateLimit('openCx', { limit: 100, windowMs: 60_000, signals: 'none' });
			sandbox.setChaos({ seed: 1, vendor: 'openCx', rates: { status429: 1 } });
			const res = await call(sandbox, 'openCx', 'GET', CREDENTIAL_TEST.openCx);
			expect(res.status).toBe(429);
			expect(res.headers['retry-after']).toBeUndefined();
		});
	});

	describe('daily cap, per key per UTC day', () => {
		const nextMidnightSec = () => {
			const now = new Date();
			return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) / 1000;
		};
		const secondsToMidnight = () => nextMidnightSec() - Date.now() / 1000;

		it('LeadLex: over the cap, 429 with Limit = cap, Remaining 0, Reset = next 00:00 UTC and Retry-After until then', async () => {
			sandbox.setDailyCap('leadLex', 2);
			const first = await call(sandbox, 'leadLex', 'GET', CREDENTIAL_TEST.leadLex);
			expect([first.headers['x-ratelimit-limit'], first.headers['x-ratelimit-remaining']]).toEqual(['2', '1']);
			expect(Number(first.headers['x-ratelimit-reset'])).toBe(nextMidnightSec());
			expect((await sampleUpdate(sandbox, 'leadLex')).status).toBe(200);
			const limited = await sampleUpdate(sandbox, 'leadLex');
			expect(limited.status).toBe(429);
			expect(limited.json.error.code).toBe('rate_limited');
			expect([limited.headers['x-ratelimit-limit'], limited.headers['x-ratelimit-remaining']]).toEqual(['2', '0']);
			expect(Number(limited.headers['x-ratelimit-reset'])).toBe(nextMidnightSec());
			expect(Math.abs(Number(limited.headers['retry-after']) - secondsToMidnight())).toBeLessThanOrEqual(5);
			expect(sandbox.stats().updatesApplied.leadLex).toBe(1);
			// Another key has its own day.
			expect((await call(sandbox, 'leadLex', 'GET', CREDENTIAL_TEST.leadLex, { key: SANDBOX_KEYS.leadLex.readOnly })).status).toBe(200);
		});

		it("Raze: retry_after in the body is the seconds until midnight; resetFormat 'delta' applies to the cap", async () => {
			sandbox.setRateLimit('raze', { limit: 100, windowMs: 60_000, resetFormat: 'delta' });
			sandbox.setDailyCap('raze', 1);
			expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
			const limited = await sampleUpdate(sandbox, 'raze');
			expect(limited.status).toBe(429);
			expect(limited.headers['retry-after']).toBeUndefined();
			expect(Math.abs(limited.json.error.retry_after - secondsToMidnight())).toBeLessThanOrEqual(5);
			expect(Math.abs(Number(limited.headers['x-ratelimit-reset']) - secondsToMidnight())).toBeLessThanOrEqual(5);
			expect(limited.headers['x-ratelimit-limit']).toBe('1');
		});

		it('with a window and a cap, the headers report whichever is exhausted, else the window', async () => {
			sandbox.setRateLimit('leadLex', { limit: 10, windowMs: 60_000 });
			sandbox.setDailyCap('leadLex', 2);
			const get = () => call(sandbox, 'leadLex', 'GET', CREDENTIAL_TEST.leadLex);
			const first = await get();
			expect([first.headers['x-ratelimit-limit'], first.headers['x-ratelimit-remaining']]).toEqual(['10', '9']);
			expect(Number(first.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(nowSec() + 61);
			const second = await get(); // the cap is now used up
			expect([second.headers['x-ratelimit-limit'], second.headers['x-ratelimit-remaining']]).toEqual(['2', '0']);
			expect(Number(second.headers['x-ratelimit-reset'])).toBe(nextMidnightSec());
			const third = await get();
			expect([third.status, third.headers['x-ratelimit-limit']]).toEqual([429, '2']);
		});

		it('null and reset() remove it', async () => {
			sandbox.setDailyCap('openCx', 0);
			expect((await call(sandbox, 'openCx', 'GET', CREDENTIAL_TEST.openCx)).status).toBe(429);
			sandbox.setDailyCap('openCx', null);
			expect((await call(sandbox, 'openCx', 'GET', CREDENTIAL_TEST.openCx)).status).toBe(200);
			sandbox.setDailyCap('openCx', 0);
			sandbox.reset();
			expect((await call(sandbox, 'openCx', 'GET', CREDENTIAL_TEST.openCx)).status).toBe(200);
		});
	});

	it('stats().rateLimited counts the 429s sent, chaos ones included', async () => {
		sandbox.setRateLimit('raze', { limit: 1, windowMs: 60_000 });
		await sampleUpdate(sandbox, 'raze');
		await sampleUpdate(sandbox, 'raze');
		await sampleUpdate(sandbox, 'raze');
		sandbox.setChaos({ seed: 3, vendor: 'blandAi', rates: { status429: 1 } });
		await sampleUpdate(sandbox, 'blandAi');
		expect(sandbox.stats().rateLimited).toEqual({ ...everyVendor(0), blandAi: 1, raze: 2 });
	});

	it('admin POST /__sandbox/rate-limit takes resetFormat and signals; /daily-cap takes a limit; bad values are 400', async () => {
		const admin = (path: string, body: unknown) => request(`${sandbox.url}/__sandbox${path}`, { method: 'POST', body });
		expect((await admin('/rate-limit', { vendor: 'leadLex', limit: 1, windowMs: 60_000, resetFormat: 'delta', signals: 'none' })).status).toBe(200);
		await call(sandbox, 'leadLex', 'GET', CREDENTIAL_TEST.leadLex);
		const limited = await call(sandbox, 'leadLex', 'GET', CREDENTIAL_TEST.leadLex);
		expect([limited.status, limited.headers['retry-after']]).toEqual([429, undefined]);
		expect((await admin('/daily-cap', { vendor: 'raze', limit: 0 })).status).toBe(200);
		expect((await call(sandbox, 'raze', 'GET', CREDENTIAL_TEST.raze)).status).toBe(429);
		expect((await admin('/daily-cap', { vendor: 'raze', limit: null })).status).toBe(200);
		expect((await call(sandbox, 'raze', 'GET', CREDENTIAL_TEST.raze)).status).toBe(200);
		for (const [path, body] of [
			['/rate-limit', { vendor: 'raze', limit: 1, windowMs: 1000, resetFormat: 'iso' }],
			['/rate-limit', { vendor: 'raze', limit: 1, windowMs: 1000, signals: 'some' }],
			['/daily-cap', { vendor: 'raze', limit: -1 }],
			['/daily-cap', { vendor: 'nope', limit: 1 }],
		] as const) {
			expect((await admin(path, body)).status).toBe(400);
		}
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
		expect(sandbox.stats().updatesApplied).toEqual(everyVendor(0));
	});
});

describe('RateLimiter with a controlled clock', () => {
	const t0 = Date.UTC(2026, 0, 1, 23, 59, 0);

	it('a window per key, aligned to when the limit was set; a request at the boundary opens the next window', () => {
		const limiter = new RateLimiter();
		limiter.set('raze', { limit: 1, windowMs: 1000 }, t0);
		expect(limiter.hit('raze', 'a', t0 + 10)?.limited).toBe(false);
		expect(limiter.hit('raze', 'a', t0 + 999)).toMatchObject({ limited: true, info: { remaining: 0, resetAtMs: t0 + 1000, retryAfterSec: 1 } });
		expect(limiter.hit('raze', 'b', t0 + 999)?.limited).toBe(false);
		expect(limiter.hit('raze', 'a', t0 + 1000)).toMatchObject({ limited: false, info: { resetAtMs: t0 + 2000 } });
		expect(limiter.hit('raze', 'a', t0 + 5500)).toMatchObject({ limited: false, info: { resetAtMs: t0 + 6000 } });
		expect(limiter.hit('leadLex', 'a', t0)).toBeUndefined();
	});

	it('window-refused requests do not use up the cap; when both are exhausted the later reset is reported', () => {
		const limiter = new RateLimiter();
		const noon = Date.UTC(2026, 0, 1, 12);
		limiter.set('leadLex', { limit: 1, windowMs: 60_000 }, noon);
		limiter.setDailyCap('leadLex', 2);
		expect(limiter.hit('leadLex', 'k', noon)).toMatchObject({ limited: false, info: { limit: 1, remaining: 0 } });
		expect(limiter.hit('leadLex', 'k', noon + 1)).toMatchObject({ limited: true, info: { limit: 1 } });
		expect(limiter.hit('leadLex', 'k', noon + 2)).toMatchObject({ limited: true, info: { limit: 1 } });
		const second = limiter.hit('leadLex', 'k', noon + 60_000); // the cap's second and last: the refused two did not count
		expect(second).toMatchObject({ limited: false, info: { limit: 2, remaining: 0, resetAtMs: Date.UTC(2026, 0, 2) } });
		expect(limiter.hit('leadLex', 'k', noon + 120_000)).toMatchObject({ limited: true, info: { limit: 2 } });
	});

	it('a daily cap ends at 00:00 UTC and starts again on the new day', () => {
		const limiter = new RateLimiter();
		const midnight = Date.UTC(2026, 0, 2);
		limiter.setDailyCap('raze', 1);
		expect(limiter.hit('raze', 'k', midnight - 1000)).toMatchObject({ limited: false, info: { limit: 1, remaining: 0, resetAtMs: midnight } });
		expect(limiter.hit('raze', 'k', midnight - 1)).toMatchObject({ limited: true, info: { resetAtMs: midnight, retryAfterSec: 1 } });
		expect(limiter.hit('raze', 'other', midnight - 1)?.limited).toBe(false);
		expect(limiter.hit('raze', 'k', midnight)).toMatchObject({ limited: false, info: { resetAtMs: midnight + 86_400_000 } });
	});
});
