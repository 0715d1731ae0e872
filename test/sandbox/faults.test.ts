import { mulberry32, SEED_IDS, startSandbox, type ChaosSpec, type Sandbox, type Vendor } from '.';
import { call, CREDENTIAL_TEST, request, sampleUpdate, settle } from './testUtils';

const HANG_MS = 250;

/** One word per outcome, to compare chaos sequences. */
async function outcome(sandbox: Sandbox, vendor: Vendor): Promise<string> {
	const res = await settle(sampleUpdate(sandbox, vendor, { timeoutMs: 2000 }));
	if (!res.ok) return `error:${res.error.code ?? res.error.message}`;
	if (res.value.status === 200 && res.value.json === undefined && res.value.text !== '') return 'malformed';
	return String(res.value.status);
}

describe('sandbox: faults', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ hangMs: HANG_MS });
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	describe('status500 answers in each vendor envelope', () => {
		// Each vendor's own 500 body, from its pages: vendor-specific, so only the vendors listed here.
		const expected = {
			blandAi: { data: null, errors: [{ error: 'INTERNAL_SERVER_ERROR', message: expect.any(String) }] },
			leadLex: { error: { code: 'internal_error', message: expect.any(String) } },
			openCx: { statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' },
			raze: { success: false, error: { code: 'INTERNAL_ERROR', message: expect.any(String) } },
		} satisfies Partial<Record<Vendor, unknown>>;
		it.each(Object.keys(expected) as Array<keyof typeof expected>)('%s', async (vendor) => {
			sandbox.addFault({ kind: 'status500' });
			const res = await sampleUpdate(sandbox, vendor);
			expect(res.status).toBe(500);
			expect(res.json).toEqual(expected[vendor]);
			expect(sandbox.stats().updatesApplied[vendor]).toBe(0); // phase 'before': nothing applied
		});
	});

	it('status502Html answers an nginx HTML page', async () => {
		sandbox.addFault({ kind: 'status502Html' });
		const res = await sampleUpdate(sandbox, 'leadLex');
		expect(res.status).toBe(502);
		expect(res.headers['content-type']).toBe('text/html');
		expect(res.text).toContain('<title>502 Bad Gateway</title>');
		expect(res.text).toContain('nginx');
	});

	it('malformedJson answers 200 application/json with a truncated body', async () => {
		sandbox.addFault({ kind: 'malformedJson' });
		const res = await sampleUpdate(sandbox, 'blandAi');
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toContain('application/json');
		expect(res.text).toBe('{"data": {"id": ');
		expect(() => JSON.parse(res.text)).toThrow();
	});

	it('reset destroys the connection without an answer', async () => {
		sandbox.addFault({ kind: 'reset' });
		const res = await settle(sampleUpdate(sandbox, 'raze'));
		expect(res.ok).toBe(false);
		if (!res.ok) expect(res.error.code).toBe('ECONNRESET');
	});

	it('hang never answers: a client timeout fires first', async () => {
		sandbox.addFault({ kind: 'hang' });
		const res = await settle(sampleUpdate(sandbox, 'openCx', { timeoutMs: 50 }));
		expect(res.ok).toBe(false);
		if (!res.ok) expect(res.error.code).toBe('CLIENT_TIMEOUT');
	});

	it('hang is bounded: the socket is destroyed after hangMs', async () => {
		sandbox.addFault({ kind: 'hang' });
		const started = Date.now();
		const res = await settle(sampleUpdate(sandbox, 'openCx', { timeoutMs: 5000 }));
		expect(res.ok).toBe(false);
		if (!res.ok) expect(res.error.code).toBe('ECONNRESET');
		expect(Date.now() - started).toBeGreaterThanOrEqual(HANG_MS - 20);
		expect(Date.now() - started).toBeLessThan(4000);
	});

	it('close() destroys hanging sockets at once', async () => {
		const other = await startSandbox({ hangMs: 60_000 });
		other.addFault({ kind: 'hang' });
		const pending = settle(sampleUpdate(other, 'raze', { timeoutMs: 10_000 }));
		await new Promise((resolve) => setTimeout(resolve, 50));
		const started = Date.now();
		await other.close();
		const res = await pending;
		expect(res.ok).toBe(false);
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('count, order and vendor: faults are consumed in order, only by their vendor', async () => {
		sandbox.addFault({ kind: 'status500', vendor: 'raze', count: 2 });
		sandbox.addFault({ kind: 'status502Html' });
		expect((await sampleUpdate(sandbox, 'leadLex')).status).toBe(502); // the raze fault is skipped, the any-vendor one fits
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(500);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(500);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
		expect((await sampleUpdate(sandbox, 'leadLex')).status).toBe(200);
	});

	it('skip: the first matching requests pass the fault by, answered as usual; then it applies', async () => {
		sandbox.addFault({ kind: 'status500', vendor: 'raze', skip: 2 });
		expect((await sampleUpdate(sandbox, 'leadLex')).status).toBe(200); // not aimed at: not counted
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(500);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
		expect(() => sandbox.addFault({ kind: 'status500', skip: -1 })).toThrow('fault skip must be an integer ≥ 0');
	});

	it('credential-test GETs consume faults too', async () => {
		sandbox.addFault({ kind: 'status500', vendor: 'openCx' });
		expect((await call(sandbox, 'openCx', 'GET', CREDENTIAL_TEST.openCx)).status).toBe(500);
		expect((await call(sandbox, 'openCx', 'GET', CREDENTIAL_TEST.openCx)).status).toBe(200);
	});

	describe("phase 'after': the update is applied, then the answer is lost", () => {
		it('status500 after a Bland update: the contact changed anyway', async () => {
			sandbox.addFault({ kind: 'status500', phase: 'after' });
			const res = await sampleUpdate(sandbox, 'blandAi');
			expect(res.status).toBe(500);
			expect(sandbox.getContact('blandAi', SEED_IDS.blandAi)?.name).toBe('Updated Name');
			expect(sandbox.stats().updatesApplied.blandAi).toBe(1);
		});

		it('reset after a LeadLex notes update: a blind retry appends the note twice', async () => {
			sandbox.addFault({ kind: 'reset', phase: 'after' });
			const path = `/v1/contacts/${SEED_IDS.leadLex}`;
			const lost = await settle(call(sandbox, 'leadLex', 'PATCH', path, { body: { notes: 'Sent proposal' } }));
			expect(lost.ok).toBe(false);
			const retry = await call(sandbox, 'leadLex', 'PATCH', path, { body: { notes: 'Sent proposal' } });
			expect(retry.json.data.notes).toMatch(/Sent proposal\nSent proposal$/);
			expect(sandbox.stats().updatesApplied.leadLex).toBe(2);
		});

		it.each(['hang', 'malformedJson', 'status502Html'] as const)('%s after an update still applies it', async (kind) => {
			sandbox.addFault({ kind, phase: 'after' });
			await settle(sampleUpdate(sandbox, 'raze', { timeoutMs: 100 }));
			expect(sandbox.getContact('raze', SEED_IDS.raze)?.name).toBe('Updated Name');
		});
	});

	describe('chaos', () => {
		const spec: ChaosSpec = {
			seed: 42,
			rates: { status500: 0.15, status502Html: 0.1, malformedJson: 0.1, status429: 0.1, reset: 0.1 },
		};
		const run = async (n: number, vendor: Vendor = 'leadLex') => {
			const seen: string[] = [];
			for (let i = 0; i < n; i++) seen.push(await outcome(sandbox, vendor));
			return seen;
		};

		it('mulberry32 is deterministic', () => {
			const a = mulberry32(7);
			const b = mulberry32(7);
			const first = [a(), a(), a()];
			expect([b(), b(), b()]).toEqual(first);
			expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
		});

		it('the same seed gives the same sequence of outcomes; another seed another', async () => {
			sandbox.setChaos(spec);
			const first = await run(40);
			sandbox.setChaos(spec);
			const second = await run(40);
			expect(second).toEqual(first);
			expect(new Set(first)).toEqual(new Set(['200', '500', '502', '429', 'malformed', 'error:ECONNRESET']));

			sandbox.setChaos({ ...spec, seed: 43 });
			expect(await run(40)).not.toEqual(first);
		});

		it('is limited to its vendor when one is given', async () => {
			sandbox.setChaos({ seed: 1, vendor: 'openCx', rates: { status500: 1 } });
			expect(await outcome(sandbox, 'raze')).toBe('200');
			expect(await outcome(sandbox, 'openCx')).toBe('500');
		});

		it("phase 'after' applies the update before the fault", async () => {
			sandbox.setChaos({ seed: 1, rates: { status500: 1 }, phase: 'after' });
			expect(await outcome(sandbox, 'blandAi')).toBe('500');
			expect(sandbox.stats().updatesApplied.blandAi).toBe(1);
		});

		it('queued faults win over chaos, and setChaos(null) stops it', async () => {
			sandbox.setChaos({ seed: 1, rates: { status500: 1 } });
			sandbox.addFault({ kind: 'status502Html' });
			expect(await outcome(sandbox, 'raze')).toBe('502');
			expect(await outcome(sandbox, 'raze')).toBe('500');
			sandbox.setChaos(null);
			expect(await outcome(sandbox, 'raze')).toBe('200');
		});

		it('rejects invalid specs', () => {
			expect(() => sandbox.setChaos({ seed: 1, rates: { status500: 2 } })).toThrow(/0\.\.1/);
			expect(() => sandbox.addFault({ kind: 'explode' as never })).toThrow(/unknown fault kind/);
		});
	});

	it('faults do not apply to unknown routes', async () => {
		sandbox.addFault({ kind: 'status500' });
		expect((await request(`${sandbox.url}/raze/nothing`)).status).toBe(404);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(500);
	});
});
