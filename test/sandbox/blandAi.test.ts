import { SANDBOX_KEYS, SEED_IDS, startSandbox, type Sandbox } from '.';
import { call, request } from './testUtils';

const ID = SEED_IDS.blandAi;

describe('sandbox: Bland AI', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	describe('auth (raw key in `authorization`)', () => {
		it('GET /v1/me answers an account object for the valid key', async () => {
			const res = await call(sandbox, 'blandAi', 'GET', '/v1/me');
			expect(res.status).toBe(200);
			expect(res.json).toEqual({ data: expect.objectContaining({ status: 'active' }), errors: null });
		});

		it('401 UNAUTHORIZED without a key', async () => {
			const res = await call(sandbox, 'blandAi', 'GET', '/v1/me', { key: null });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ data: null, errors: [{ error: 'UNAUTHORIZED', message: 'Missing authorization header' }] });
		});

		it.each([
			['a wrong key', 'org_wrong'],
			['a Bearer-prefixed key', `Bearer ${SANDBOX_KEYS.blandAi.valid}`],
		])('401 UNAUTHORIZED for %s', async (_label, key) => {
			const res = await call(sandbox, 'blandAi', 'PATCH', `/v1/contacts/${ID}`, { key, body: { name: 'x' } });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ data: null, errors: [{ error: 'UNAUTHORIZED', message: 'Invalid API key' }] });
			expect(sandbox.getContact('blandAi', ID)?.name).toBe('John Smith');
		});
	});

	it('GET /v1/contacts/:id returns the demo contact from the page example, with identifiers and memories', async () => {
		const res = await call(sandbox, 'blandAi', 'GET', `/v1/contacts/${ID}`);
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			data: {
				id: ID,
				org_id: '11111111-2222-3333-4444-555555555555',
				name: 'John Smith',
				email: null,
				phone_number: null,
				external_id: null,
				metadata: { source: 'web_signup', preferences: { language: 'en' }, verified: true },
				created_at: '2025-07-20T10:30:00.000Z',
				updated_at: '2025-07-20T10:30:00.000Z',
				identifiers: [], // the demo carries no phone_number, email or external_id
				memories: [],
			},
			errors: null,
		});
	});

	it('PATCH merges metadata key by key and sets name, email, external_id and updated_at', async () => {
		const before = Date.now();
		const res = await call(sandbox, 'blandAi', 'PATCH', `/v1/contacts/${ID}`, {
			body: {
				name: 'John Q. Smith',
				email: 'john@example.com',
				external_id: 'crm-42',
				metadata: { preferences: { timezone: 'UTC' }, plan: 'pro' },
			},
		});
		expect(res.status).toBe(200);
		expect(res.json.errors).toBeNull();
		expect(res.json.data).toMatchObject({
			id: ID,
			name: 'John Q. Smith',
			email: 'john@example.com',
			external_id: 'crm-42',
			// top-level merge: `preferences` is replaced as a whole, other keys stay
			metadata: { source: 'web_signup', preferences: { timezone: 'UTC' }, verified: true, plan: 'pro' },
			created_at: '2025-07-20T10:30:00.000Z',
		});
		expect(Date.parse(res.json.data.updated_at)).toBeGreaterThanOrEqual(before - 1);
		expect(sandbox.getContact('blandAi', ID)).toEqual(res.json.data);
		expect(sandbox.stats().updatesApplied.blandAi).toBe(1);
	});

	it('PATCH leaves fields that are not sent unchanged', async () => {
		await call(sandbox, 'blandAi', 'PATCH', `/v1/contacts/${ID}`, { body: { external_id: 'only-this' } });
		expect(sandbox.getContact('blandAi', ID)).toMatchObject({ name: 'John Smith', external_id: 'only-this' });
	});

	it('404 NOT_FOUND with the page body for an unknown contact', async () => {
		for (const method of ['GET', 'PATCH']) {
			const res = await call(sandbox, 'blandAi', method, '/v1/contacts/00000000-0000-0000-0000-000000000000', {
				body: method === 'PATCH' ? { name: 'x' } : undefined,
			});
			expect(res.status).toBe(404);
			expect(res.json).toEqual({ data: null, errors: [{ error: 'NOT_FOUND', message: 'Contact not found' }] });
		}
	});

	it.each([
		['metadata is an array', { metadata: ['a'] }, 'metadata must be an object'],
		['metadata is a string', { metadata: 'x' }, 'metadata must be an object'],
		['name is a number', { name: 42 }, 'name must be a string'],
		['the body is an array', [1, 2], 'Request body must be a JSON object'],
	])('400 VALIDATION_ERROR when %s', async (_label, body, message) => {
		const res = await call(sandbox, 'blandAi', 'PATCH', `/v1/contacts/${ID}`, { body });
		expect(res.status).toBe(400);
		expect(res.json).toEqual({ data: null, errors: [{ error: 'VALIDATION_ERROR', message }] });
		expect(sandbox.stats().updatesApplied.blandAi).toBe(0);
	});

	it('400 INVALID_JSON for a body that is not JSON', async () => {
		const res = await call(sandbox, 'blandAi', 'PATCH', `/v1/contacts/${ID}`, { raw: '{"name": ' });
		expect(res.status).toBe(400);
		expect(res.json).toEqual({ data: null, errors: [{ error: 'INVALID_JSON', message: 'Request body is not valid JSON' }] });
	});

	it('ignores unknown fields by default and names them when rejectUnknownFields is on', async () => {
		const ok = await call(sandbox, 'blandAi', 'PATCH', `/v1/contacts/${ID}`, { body: { name: 'A', phone: '+1' } });
		expect(ok.status).toBe(200);
		expect(ok.json.data).not.toHaveProperty('phone');

		sandbox.setRejectUnknownFields(true);
		const res = await call(sandbox, 'blandAi', 'PATCH', `/v1/contacts/${ID}`, { body: { name: 'B', phone: '+1' } });
		expect(res.status).toBe(400);
		expect(res.json.errors[0]).toEqual({ error: 'VALIDATION_ERROR', message: 'Unknown field: phone' });
	});

	it('answers unknown paths and methods with a plain JSON 404', async () => {
		const wrongMethod = await call(sandbox, 'blandAi', 'PUT', `/v1/contacts/${ID}`, { body: { name: 'x' } });
		expect(wrongMethod.status).toBe(404);
		expect(wrongMethod.json.error).toBe('not_found');
		expect(wrongMethod.json.message).toContain('accepts PATCH, GET');

		const unknown = await request(`${sandbox.url}/blandai/v2/nothing`);
		expect(unknown.status).toBe(404);
		expect(unknown.json).toEqual({ error: 'not_found', message: 'The sandbox has no route GET /blandai/v2/nothing' });
	});
});
