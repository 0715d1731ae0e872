import { SANDBOX_KEYS, SEED_IDS, startSandbox, VENDOR_PREFIXES, VENDORS, type Sandbox, type Vendor } from '.';
import { call, everyVendor, request, sampleUpdate, settle } from './testUtils';

/** The prefixes the four vendors have always had on the sandbox (scripts and docs use them). */
const PREFIXES = { blandAi: '/blandai', leadLex: '/leadlex', openCx: '/opencx', raze: '/raze' } satisfies Partial<Record<Vendor, string>>;

describe('sandbox: recording, seeding, stats and reset', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ seedCount: 2 });
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	it('listens on 127.0.0.1 with one base URL per vendor', () => {
		expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
		expect(VENDORS.map((v) => sandbox.baseUrl(v))).toEqual(VENDORS.map((v) => sandbox.url + VENDOR_PREFIXES[v]));
		for (const [vendor, prefix] of Object.entries(PREFIXES)) expect(sandbox.baseUrl(vendor as Vendor)).toBe(sandbox.url + prefix);
	});

	it('records every request in order with vendor, path after the prefix, headers and parsed body', async () => {
		await call(sandbox, 'raze', 'GET', '/external/v1/contacts?limit=1');
		await call(sandbox, 'leadLex', 'PATCH', `/v1/contacts/${SEED_IDS.leadLex}`, { body: { notes: 'hi' } });
		await call(sandbox, 'blandAi', 'PATCH', `/v1/contacts/${SEED_IDS.blandAi}`, { raw: 'not json' });
		await request(`${sandbox.url}/nowhere?x=1`);
		await request(`${sandbox.url}/__sandbox/health`); // admin: not recorded

		const [list, patch, invalid, unknown] = sandbox.requests;
		expect(sandbox.requests).toHaveLength(4);
		expect(list).toMatchObject({ vendor: 'raze', method: 'GET', path: '/external/v1/contacts?limit=1', rawPath: '/raze/external/v1/contacts?limit=1', body: undefined });
		expect(list.headers['x-api-key']).toBe(SANDBOX_KEYS.raze.valid);
		expect(patch).toMatchObject({ vendor: 'leadLex', method: 'PATCH', body: { notes: 'hi' } });
		expect(patch.headers.authorization).toBe(`Bearer ${SANDBOX_KEYS.leadLex.valid}`);
		expect(invalid.body).toBe('not json');
		expect(unknown).toMatchObject({ vendor: null, path: '/nowhere?x=1', rawPath: '/nowhere?x=1' });
		expect(typeof list.at).toBe('number');
		expect(list.at).toBeLessThanOrEqual(patch.at);
	});

	it('clearRequests() empties the same array callers hold', async () => {
		const held = sandbox.requests;
		await sampleUpdate(sandbox, 'raze');
		expect(held).toHaveLength(1);
		sandbox.clearRequests();
		expect(held).toHaveLength(0);
		expect(sandbox.requests).toBe(held);
	});

	it('setRecord(false) stops recording but stats still count', async () => {
		sandbox.setRecord(false);
		await sampleUpdate(sandbox, 'raze');
		sandbox.setRecord(true);
		expect(sandbox.requests).toHaveLength(0);
		expect(sandbox.stats().total).toBe(1);
	});

	it('stats() counts requests per vendor and applied updates', async () => {
		await sampleUpdate(sandbox, 'raze');
		await sampleUpdate(sandbox, 'raze', { key: 'wrong' });
		await sampleUpdate(sandbox, 'openCx');
		await request(`${sandbox.url}/nowhere`);
		expect(sandbox.stats()).toEqual({
			total: 4,
			byVendor: { ...everyVendor(0), openCx: 1, raze: 2 },
			updatesApplied: { ...everyVendor(0), openCx: 1, raze: 1 },
			created: everyVendor(0),
			rateLimited: everyVendor(0),
		});
	});

	it('seed() stores a contact in vendor field names, filling the rest; the vendor API serves it', async () => {
		sandbox.seed('raze', { id: 'cnt_custom', name: 'Custom Person', tags: ['a'] });
		const res = await call(sandbox, 'raze', 'GET', '/external/v1/contacts/cnt_custom');
		expect(res.json.data).toMatchObject({ id: 'cnt_custom', name: 'Custom Person', tags: ['a'], custom_fields: {}, email: null });
		expect(() => sandbox.seed('raze', { id: '' })).toThrow();
		expect(() => sandbox.seed('nope' as never, { id: 'x' })).toThrow(/unknown vendor/);
	});

	it('seedMany() generates contacts with `${prefix}-${i}` ids; seedCount seeds them at start', async () => {
		expect(sandbox.getContact('leadLex', 'contact-2')).toMatchObject({ full_name: 'Generated Contact 2' });
		const ids = sandbox.seedMany('blandAi', 3, 'bench');
		expect(ids).toEqual(['bench-1', 'bench-2', 'bench-3']);
		const res = await call(sandbox, 'blandAi', 'GET', '/v1/contacts/bench-3');
		expect(res.json.data).toMatchObject({ id: 'bench-3', email: 'contact3@example.com' });
	});

	it('getContact() returns a copy', () => {
		const copy = sandbox.getContact('raze', SEED_IDS.raze);
		(copy?.tags as string[]).push('mutated');
		expect(sandbox.getContact('raze', SEED_IDS.raze)?.tags).toEqual(['hot-lead']);
		expect(sandbox.getContact('raze', 'missing')).toBeUndefined();
	});

	it('reset() restores seeds and clears requests, faults, rate limits, unknown-field mode and counters', async () => {
		await sampleUpdate(sandbox, 'raze');
		sandbox.seed('raze', { id: 'temp' });
		sandbox.addFault({ kind: 'status500' });
		sandbox.setRateLimit('raze', { limit: 0, windowMs: 60_000 });
		sandbox.setChaos({ seed: 1, rates: { status500: 1 } });
		sandbox.setRejectUnknownFields(true);

		sandbox.reset();
		expect(sandbox.getContact('raze', SEED_IDS.raze)?.position).toBe('Engineering Manager');
		expect(sandbox.getContact('raze', 'temp')).toBeUndefined();
		expect(sandbox.getContact('raze', 'contact-1')).toBeDefined(); // seedCount contacts come back
		expect(sandbox.requests).toHaveLength(0);
		expect(sandbox.stats().total).toBe(0);
		const res = await call(sandbox, 'raze', 'PUT', `/external/v1/contacts/${SEED_IDS.raze}`, { body: { unknown: 1 } });
		expect(res.status).toBe(200);
	});

	it('answers an unknown vendor prefix with a plain JSON 404', async () => {
		const res = await request(`${sandbox.url}/hubspot/v1/contacts/1`);
		expect(res.status).toBe(404);
		expect(res.json).toEqual({ error: 'not_found', message: 'The sandbox has no route GET /hubspot/v1/contacts/1' });
	});

	it('close() can be called twice', async () => {
		const other = await startSandbox();
		await other.close();
		await other.close();
		expect((await settle(request(other.url))).ok).toBe(false);
	});
});

describe('sandbox: admin HTTP API', () => {
	let sandbox: Sandbox;
	const admin = (method: string, path: string, body?: unknown) =>
		request(`${sandbox.url}/__sandbox${path}`, { method, body });

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	it('GET /health describes the vendors, keys and seed ids', async () => {
		const res = await admin('GET', '/health');
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ ok: true, url: sandbox.url, seedIds: SEED_IDS, keys: SANDBOX_KEYS });
		expect(res.json.vendors.raze).toBe(sandbox.baseUrl('raze'));
	});

	it('GET and DELETE /requests; admin calls are not recorded', async () => {
		await sampleUpdate(sandbox, 'leadLex');
		const list = await admin('GET', '/requests');
		expect(list.json).toHaveLength(1);
		expect(list.json[0]).toMatchObject({ vendor: 'leadLex', method: 'PATCH', body: { full_name: 'Updated Name' } });
		expect((await admin('DELETE', '/requests')).status).toBe(200);
		expect((await admin('GET', '/requests')).json).toEqual([]);
	});

	it('POST /seed, /seed-many and GET /contacts/:vendor/:id', async () => {
		expect((await admin('POST', '/seed', { vendor: 'openCx', contact: { id: 'ocx_new', name: 'New' } })).json).toEqual({ ok: true, id: 'ocx_new' });
		expect((await admin('GET', '/contacts/openCx/ocx_new')).json).toMatchObject({ id: 'ocx_new', name: 'New', custom_data: {} });
		expect((await admin('POST', '/seed-many', { vendor: 'raze', count: 2, prefix: 'b' })).json).toEqual({ ids: ['b-1', 'b-2'] });
		expect((await admin('GET', '/contacts/raze/b-2')).status).toBe(200);
		expect((await admin('GET', '/contacts/raze/nope')).status).toBe(404);
	});

	it('POST /faults (one spec or an array) and POST /chaos', async () => {
		expect((await admin('POST', '/faults', { kind: 'status500', vendor: 'raze' })).json).toEqual({ ok: true, pending: 1 });
		expect((await admin('POST', '/faults', [{ kind: 'status502Html', vendor: 'raze' }])).json.pending).toBe(2);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(500);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(502);
		expect((await admin('POST', '/chaos', { seed: 3, rates: { status500: 1 } })).status).toBe(200);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(500);
		expect((await admin('POST', '/chaos', null)).status).toBe(200);
		expect((await sampleUpdate(sandbox, 'raze')).status).toBe(200);
	});

	it('POST /rate-limit sets and (limit null) clears a limit', async () => {
		await admin('POST', '/rate-limit', { vendor: 'leadLex', limit: 0, windowMs: 60_000 });
		expect((await sampleUpdate(sandbox, 'leadLex')).status).toBe(429);
		await admin('POST', '/rate-limit', { vendor: 'leadLex', limit: null });
		expect((await sampleUpdate(sandbox, 'leadLex')).status).toBe(200);
	});

	it('POST /reject-unknown-fields and POST /record', async () => {
		await admin('POST', '/reject-unknown-fields', { on: true });
		expect((await sampleUpdate(sandbox, 'blandAi', { body: { nickname: 'J' } })).status).toBe(400);
		await admin('POST', '/record', { on: false });
		await sampleUpdate(sandbox, 'blandAi');
		await admin('POST', '/record', { on: true });
		expect(sandbox.requests).toHaveLength(1);
	});

	it('GET /stats and POST /reset', async () => {
		await sampleUpdate(sandbox, 'openCx');
		expect((await admin('GET', '/stats')).json).toMatchObject({ total: 1, updatesApplied: { openCx: 1 } });
		await admin('POST', '/reset');
		expect((await admin('GET', '/stats')).json.total).toBe(0);
		expect(sandbox.getContact('openCx', SEED_IDS.openCx)?.name).toBe('Maya Chen');
	});

	it('answers bad input with 400 { error } and unknown admin paths with 404', async () => {
		expect((await admin('POST', '/faults', { kind: 'meltdown' })).json).toEqual({ error: 'unknown fault kind: meltdown' });
		expect((await admin('POST', '/seed', { vendor: 'nope', contact: { id: 'x' } })).status).toBe(400);
		expect((await admin('POST', '/record', { on: 'yes' })).status).toBe(400);
		expect((await admin('GET', '/nothing')).status).toBe(404);
	});
});
