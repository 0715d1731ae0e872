import { SANDBOX_KEYS, SEED_IDS, startSandbox, type Sandbox } from '.';
import { call, request } from './testUtils';

const ID = SEED_IDS.leadLex;
const PATH = `/v1/contacts/${ID}`;

describe('sandbox: LeadLex', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ seedCount: 3 });
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	describe('auth (Authorization: Bearer) and scopes', () => {
		it.each([
			['the valid key', SANDBOX_KEYS.leadLex.valid],
			['the read-only key', SANDBOX_KEYS.leadLex.readOnly],
		])('the credential test GET /v1/contacts?per_page=1 passes with %s', async (_label, key) => {
			const res = await call(sandbox, 'leadLex', 'GET', '/v1/contacts?per_page=1', { key });
			expect(res.status).toBe(200);
			expect(res.json.data.contacts).toHaveLength(1);
			expect(res.json.meta).toEqual({ page: 1, per_page: 1, total: 4 });
		});

		it.each([
			['no Authorization header', null, 'Missing API key'],
			['a wrong key', 'wbk_live_wrong', 'Invalid API key'],
		])('401 invalid_key with %s', async (_label, key, message) => {
			const res = await call(sandbox, 'leadLex', 'GET', PATH, { key });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ error: { code: 'invalid_key', message } });
		});

		it('401 when the key is sent without the Bearer scheme', async () => {
			const res = await request(sandbox.baseUrl('leadLex') + PATH, { headers: { authorization: SANDBOX_KEYS.leadLex.valid } });
			expect(res.status).toBe(401);
		});

		it('403 insufficient_permissions for the read-only key on PATCH, naming write:contacts', async () => {
			const res = await call(sandbox, 'leadLex', 'PATCH', PATH, { key: SANDBOX_KEYS.leadLex.readOnly, body: { notes: 'x' } });
			expect(res.status).toBe(403);
			expect(res.json.error.code).toBe('insufficient_permissions');
			expect(res.json.error.message).toContain('write:contacts');
			expect(sandbox.getContact('leadLex', ID)?.notes).toBe('Met at conference. Interested in legal automation tools.');
		});
	});

	it('PATCH with the page example answers the page example response', async () => {
		const res = await call(sandbox, 'leadLex', 'PATCH', PATH, {
			body: { job_title: 'Chief Legal Officer', notes: 'Promoted to CLO in Q1 2026' },
		});
		expect(res.status).toBe(200);
		expect(res.json.data).toMatchObject({
			id: ID,
			full_name: 'Jane Doe',
			email: 'jane@example.com',
			job_title: 'Chief Legal Officer',
			company_name: 'Acme Legal',
			notes: 'Met at conference. Interested in legal automation tools.\nPromoted to CLO in Q1 2026',
		});
		expect(res.json.data.updated_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(res.json.data.updated_date).not.toBe('2026-01-15T09:00:00Z');
		expect(res.headers['x-request-id']).toMatch(/^req_/);
	});

	it('appends notes on every update: the same update twice appends twice', async () => {
		await call(sandbox, 'leadLex', 'PATCH', PATH, { body: { notes: 'Called back' } });
		await call(sandbox, 'leadLex', 'PATCH', PATH, { body: { notes: 'Called back' } });
		expect(sandbox.getContact('leadLex', ID)?.notes).toBe(
			'Met at conference. Interested in legal automation tools.\nCalled back\nCalled back',
		);
	});

	it('starts notes fresh on a contact without notes', async () => {
		sandbox.seed('leadLex', { id: 'no-notes', full_name: 'Nora Notes' });
		const res = await call(sandbox, 'leadLex', 'PATCH', '/v1/contacts/no-notes', { body: { notes: 'First' } });
		expect(res.json.data.notes).toBe('First');
	});

	it('400 validation_error with the page body for an invalid email', async () => {
		const res = await call(sandbox, 'leadLex', 'PATCH', PATH, { body: { email: 'not-an-email' } });
		expect(res.status).toBe(400);
		expect(res.json).toEqual({
			error: {
				code: 'validation_error',
				message: 'Invalid request parameters',
				details: { fields: { email: 'Invalid email format' } },
			},
		});
	});

	it('a contact must keep a name or an email', async () => {
		const clearName = await call(sandbox, 'leadLex', 'PATCH', PATH, { body: { full_name: '' } });
		expect(clearName.status).toBe(200);
		expect(clearName.json.data.full_name).toBeNull();

		const clearBoth = await call(sandbox, 'leadLex', 'PATCH', PATH, { body: { email: null } });
		expect(clearBoth.status).toBe(400);
		expect(clearBoth.json.error.code).toBe('validation_error');
		expect(Object.keys(clearBoth.json.error.details.fields).sort()).toEqual(['email', 'full_name']);
		expect(sandbox.getContact('leadLex', ID)?.email).toBe('jane@example.com');
	});

	it('400 validation_error naming a field of the wrong type', async () => {
		const res = await call(sandbox, 'leadLex', 'PATCH', PATH, { body: { phone: 5551234 } });
		expect(res.status).toBe(400);
		expect(res.json.error.details.fields).toEqual({ phone: 'Must be a string' });
	});

	it('400 validation_error for a body that is not JSON', async () => {
		const res = await call(sandbox, 'leadLex', 'PATCH', PATH, { raw: 'phone=1' });
		expect(res.status).toBe(400);
		expect(res.json.error.code).toBe('validation_error');
	});

	it('404 not_found for an unknown contact', async () => {
		for (const method of ['GET', 'PATCH']) {
			const res = await call(sandbox, 'leadLex', method, '/v1/contacts/nope', { body: method === 'PATCH' ? { notes: 'x' } : undefined });
			expect(res.status).toBe(404);
			expect(res.json).toEqual({ error: { code: 'not_found', message: 'Contact not found' } });
		}
	});

	it('GET /v1/contacts/:id returns the contact; responses carry X-Request-ID but no X-RateLimit-* without a limit', async () => {
		const res = await call(sandbox, 'leadLex', 'GET', PATH);
		expect(res.status).toBe(200);
		// The get page's fields: company (the stored company_name), names split from full_name, no notes.
		expect(res.json.data).toEqual({
			id: ID,
			first_name: 'Jane',
			last_name: 'Doe',
			full_name: 'Jane Doe',
			email: 'jane@example.com',
			phone: null,
			job_title: 'General Counsel',
			company: 'Acme Legal',
			related_company_id: null,
			linkedin_url: null,
			priority: null,
			tags: [],
			custom_fields: {},
			created_date: '2026-01-15T09:00:00Z',
			updated_date: '2026-01-15T09:00:00Z',
		});
		expect(res.headers['x-request-id']).toBeDefined();
		expect(res.headers['x-ratelimit-limit']).toBeUndefined();
	});

	it('lists pages with per_page and page; rejects a bad per_page', async () => {
		const page2 = await call(sandbox, 'leadLex', 'GET', '/v1/contacts?per_page=3&page=2');
		expect(page2.json.data.contacts.map((c: { id: string }) => c.id)).toEqual(['contact-3']);
		const bad = await call(sandbox, 'leadLex', 'GET', '/v1/contacts?per_page=zero');
		expect(bad.status).toBe(400);
		expect(bad.json.error.details.fields.per_page).toBeDefined();
	});

	it('rejects unknown fields only when asked', async () => {
		expect((await call(sandbox, 'leadLex', 'PATCH', PATH, { body: { twitter: '@jane' } })).status).toBe(200);
		sandbox.setRejectUnknownFields(true);
		const res = await call(sandbox, 'leadLex', 'PATCH', PATH, { body: { twitter: '@jane' } });
		expect(res.status).toBe(400);
		expect(res.json.error.details.fields).toEqual({ twitter: 'Unknown field' });
	});
});
