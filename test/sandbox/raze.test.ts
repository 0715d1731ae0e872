import { SANDBOX_KEYS, SEED_IDS, startSandbox, type Sandbox } from '.';
import { call, request } from './testUtils';

const ID = SEED_IDS.raze;
const PATH = `/external/v1/contacts/${ID}`;

describe('sandbox: Raze', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	const put = (body: unknown, key?: string) => call(sandbox, 'raze', 'PUT', PATH, { body, key });

	describe('auth (X-API-Key, or Authorization: Bearer) and permissions', () => {
		it.each([SANDBOX_KEYS.raze.valid, SANDBOX_KEYS.raze.readOnly])('the credential test GET ?limit=1 passes with %s', async (key) => {
			const res = await call(sandbox, 'raze', 'GET', '/external/v1/contacts?limit=1', { key });
			expect(res.status).toBe(200);
			expect(res.json).toMatchObject({ success: true, data: { contacts: [expect.objectContaining({ id: ID })] } });
		});

		it('accepts Authorization: Bearer as well', async () => {
			const res = await request(sandbox.baseUrl('raze') + PATH, { headers: { authorization: `Bearer ${SANDBOX_KEYS.raze.valid}` } });
			expect(res.status).toBe(200);
		});

		it('401 MISSING_API_KEY without a key', async () => {
			const res = await call(sandbox, 'raze', 'GET', PATH, { key: null });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ success: false, error: { code: 'MISSING_API_KEY', message: expect.any(String) } });
		});

		it('401 INVALID_API_KEY for a wrong key', async () => {
			const res = await call(sandbox, 'raze', 'GET', PATH, { key: 'gr_live_wrong' });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ success: false, error: { code: 'INVALID_API_KEY', message: 'Invalid API key' } });
		});

		it('403 INSUFFICIENT_PERMISSIONS for the read-only key on PUT; details name contacts:write', async () => {
			const res = await put({ position: 'CTO' }, SANDBOX_KEYS.raze.readOnly);
			expect(res.status).toBe(403);
			expect(res.json.success).toBe(false);
			expect(res.json.error.code).toBe('INSUFFICIENT_PERMISSIONS');
			expect(res.json.error.details.required_permission).toBe('contacts:write');
			expect(sandbox.getContact('raze', ID)?.position).toBe('Engineering Manager');
		});
	});

	it('PUT with the page example answers the page example response; tags replace the list', async () => {
		const res = await put({ position: 'VP of Engineering', tags: ['hot-lead', 'enterprise'] });
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			success: true,
			data: {
				id: ID,
				name: 'John Doe',
				email: 'john@example.com',
				phone: '+5511999999999',
				company: 'Acme Inc',
				position: 'VP of Engineering',
				source: 'linkedin',
				linkedin_url: 'https://linkedin.com/in/johndoe',
				tags: ['hot-lead', 'enterprise'],
				custom_fields: {},
				created_at: '2024-01-15T10:30:00Z',
				updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			},
		});
		const again = await put({ tags: ['vip'] });
		expect(again.json.data.tags).toEqual(['vip']);
	});

	it('merges custom_fields key by key (the page is silent; the sandbox merges)', async () => {
		await put({ custom_fields: { industry: 'SaaS', size: '50' } });
		const res = await put({ custom_fields: { size: '200' } });
		expect(res.json.data.custom_fields).toEqual({ industry: 'SaaS', size: '200' });
	});

	it('400 INVALID_EMAIL for an invalid email', async () => {
		const res = await put({ email: 'john@' });
		expect(res.status).toBe(400);
		expect(res.json).toEqual({
			success: false,
			error: { code: 'INVALID_EMAIL', message: 'Invalid email format', details: { field: 'email', value: 'john@' } },
		});
	});

	it.each([
		[{ tags: 'hot-lead' }, 'tags'],
		[{ tags: ['ok', 7] }, 'tags'],
		[{ custom_fields: ['a'] }, 'custom_fields'],
		[{ custom_fields: 'a=b' }, 'custom_fields'],
		[{ company: 12 }, 'company'],
	])('400 VALIDATION_ERROR for %j', async (body, field) => {
		const res = await put(body);
		expect(res.status).toBe(400);
		expect(res.json.success).toBe(false);
		expect(res.json.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
		expect(sandbox.stats().updatesApplied.raze).toBe(0);
	});

	it('400 VALIDATION_ERROR in the Raze envelope for a body that is not JSON', async () => {
		const res = await call(sandbox, 'raze', 'PUT', PATH, { raw: '{"tags": [' });
		expect(res.status).toBe(400);
		expect(res.json).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
	});

	it('404 NOT_FOUND for an unknown contact', async () => {
		for (const method of ['GET', 'PUT']) {
			const res = await call(sandbox, 'raze', method, '/external/v1/contacts/cnt_missing', {
				body: method === 'PUT' ? { name: 'x' } : undefined,
			});
			expect(res.status).toBe(404);
			expect(res.json).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'Contact not found', details: { id: 'cnt_missing' } } });
		}
	});

	it('PATCH is not a Raze method: plain 404 that says PUT', async () => {
		const res = await call(sandbox, 'raze', 'PATCH', PATH, { body: { name: 'x' } });
		expect(res.status).toBe(404);
		expect(res.json.message).toContain('accepts PUT');
	});

	it('rejects unknown fields only when asked', async () => {
		expect((await put({ job_title: 'CTO' })).status).toBe(200);
		sandbox.setRejectUnknownFields(true);
		const res = await put({ job_title: 'CTO' });
		expect(res.status).toBe(400);
		expect(res.json.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'job_title' } });
	});
});
