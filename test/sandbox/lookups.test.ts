import { DOCUMENTED, SANDBOX_KEYS, SEED_IDS, startSandbox, VENDORS, type Sandbox } from '.';
import { call, request, type HttpResult } from './testUtils';

type Item = { id: string };
const ids = (items: Item[]) => items.map((item) => item.id);

describe('sandbox: look-ups', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	describe('Bland AI POST /v1/contacts/find', () => {
		const find = (body: unknown, key?: string | null) => call(sandbox, 'blandAi', 'POST', '/v1/contacts/find', { body, key });
		beforeEach(() => {
			sandbox.seed('blandAi', { id: 'b-ann', name: 'Ann', email: 'Ann@Example.com', phone_number: '+14155550123', external_id: 'crm-7' });
		});

		it('answers the contact with identifiers derived from its fields and no memories', async () => {
			const res = await find({ email: 'ann@example.com' });
			expect(res.status).toBe(200);
			expect(res.json).toEqual({
				data: {
					...sandbox.getContact('blandAi', 'b-ann'),
					identifiers: [
						{ id: 'idn_phone_number_b-ann', contact_id: 'b-ann', identifier_type: 'phone_number', identifier_value: '+14155550123', is_primary: true },
						{ id: 'idn_email_b-ann', contact_id: 'b-ann', identifier_type: 'email', identifier_value: 'Ann@Example.com', is_primary: false },
						{ id: 'idn_external_id_b-ann', contact_id: 'b-ann', identifier_type: 'external_id', identifier_value: 'crm-7', is_primary: false },
					],
					memories: [],
				},
				errors: null,
			});
			expect(res.json.data).toMatchObject({ org_id: expect.any(String), name: 'Ann', metadata: {}, created_at: expect.any(String) });
		});

		it.each([
			['email ignoring case and surrounding spaces', { email: '  ANN@example.COM ' }, 'b-ann'],
			['phone_number as exact E.164 text', { phone_number: '+14155550123' }, 'b-ann'],
			['external_id as exact text', { external_id: 'crm-7' }, 'b-ann'],
			['a formatted phone (not E.164): not found', { phone_number: '+1 (415) 555-0123' }, null],
			['a phone without +: not found', { phone_number: '14155550123' }, null],
			['external_id in another case: not found', { external_id: 'CRM-7' }, null],
			['a part of the email: not found', { email: 'ann@example' }, null],
			['nobody: data null', { email: 'nobody@example.com' }, null],
		])('%s', async (_label, body, expected) => {
			const res = await find(body);
			expect(res.status).toBe(200);
			expect(res.json.errors).toBeNull();
			expect(res.json.data?.id ?? null).toBe(expected);
		});

		it('several contacts with the value: the first stored one', async () => {
			sandbox.seed('blandAi', { id: 'b-ann-2', name: 'Ann Two', email: 'ann@example.com' });
			const res = await find({ email: 'ann@example.com' });
			expect(res.json.data.id).toBe('b-ann');
		});

		it('a generated contact carries an E.164 phone_number it can be found by', async () => {
			sandbox.seedMany('blandAi', 3);
			const stored = sandbox.getContact('blandAi', 'contact-2')!;
			expect(stored.phone_number).toMatch(/^\+\d{8,15}$/);
			const res = await find({ phone_number: stored.phone_number });
			expect(res.json.data.id).toBe('contact-2');
		});

		it.each([
			['no body', undefined, 'At least one identifier is required: phone_number, email or external_id'],
			['an empty object', {}, 'At least one identifier is required: phone_number, email or external_id'],
			['only empty strings', { email: '', phone_number: '  ' }, 'At least one identifier is required: phone_number, email or external_id'],
			['a number', { phone_number: 14155550123 }, 'phone_number must be a string'],
			['an array body', [{ email: 'ann@example.com' }], 'Request body must be a JSON object'],
		])('400 VALIDATION_ERROR for %s', async (_label, body, message) => {
			const res = await find(body);
			expect(res.status).toBe(400);
			expect(res.json).toEqual({ data: null, errors: [{ error: 'VALIDATION_ERROR', message }] });
		});

		it('400 INVALID_JSON for a body that is not JSON', async () => {
			const res = await call(sandbox, 'blandAi', 'POST', '/v1/contacts/find', { raw: '{"email":' });
			expect(res.status).toBe(400);
			expect(res.json.errors[0].error).toBe('INVALID_JSON');
		});

		it('401 without a key or with a Bearer prefix', async () => {
			expect((await find({ email: 'ann@example.com' }, null)).status).toBe(401);
			expect((await find({ email: 'ann@example.com' }, `Bearer ${SANDBOX_KEYS.blandAi.valid}`)).status).toBe(401);
		});

		it("'unrelated' answers a contact that does not carry the value; reset restores 'match'", async () => {
			sandbox.setBlandFindAnswer('unrelated');
			const res = await find({ email: 'ann@example.com' });
			expect(res.status).toBe(200);
			expect(res.json.data.id).toBe(SEED_IDS.blandAi); // the first stored contact lacking the email
			expect(res.json.data.identifiers.map((i: { identifier_value: string }) => i.identifier_value)).not.toContain('Ann@Example.com');
			sandbox.reset();
			sandbox.seed('blandAi', { id: 'b-ann', email: 'ann@example.com' });
			expect((await find({ email: 'ann@example.com' })).json.data.id).toBe('b-ann');
		});

		it("'unrelated' answers null when every contact carries the value", async () => {
			sandbox.setBlandFindAnswer('unrelated');
			sandbox.seed('blandAi', { id: SEED_IDS.blandAi, email: 'ann@example.com' });
			expect((await find({ email: 'ann@example.com' })).json.data).toBeNull();
		});

		it('admin POST /__sandbox/bland-find switches the answer and refuses unknown values', async () => {
			const admin = (answer: string) => request(`${sandbox.url}/__sandbox/bland-find`, { method: 'POST', body: { answer } });
			expect((await admin('unrelated')).status).toBe(200);
			expect((await find({ email: 'ann@example.com' })).json.data.id).not.toBe('b-ann');
			expect((await admin('match')).status).toBe(200);
			expect((await find({ email: 'ann@example.com' })).json.data.id).toBe('b-ann');
			const bad = await admin('loose');
			expect(bad.status).toBe(400);
			expect(bad.json.error).toContain("'match' or 'unrelated'");
		});

		it('is an ordinary routed request: faults and rate limits apply, and it is recorded', async () => {
			sandbox.addFault({ kind: 'status500', vendor: 'blandAi' });
			expect((await find({ email: 'ann@example.com' })).status).toBe(500);
			sandbox.setRateLimit('blandAi', { limit: 0, windowMs: 60_000 });
			expect((await find({ email: 'ann@example.com' })).status).toBe(429);
			expect(sandbox.requests.map((r) => [r.method, r.path])).toEqual([
				['POST', '/v1/contacts/find'],
				['POST', '/v1/contacts/find'],
			]);
			expect(sandbox.stats().updatesApplied.blandAi).toBe(0);
		});
	});

	describe('Raze GET /external/v1/contacts', () => {
		const list = (query: string, key?: string | null) => call(sandbox, 'raze', 'GET', `/external/v1/contacts${query}`, { key });
		/** The contacts of either shape. */
		const contactsOf = (res: HttpResult): Item[] => (Array.isArray(res.json.data) ? res.json.data : res.json.data.contacts);

		it('documented shape by default: data.contacts and data.pagination, limit 20', async () => {
			sandbox.seedMany('raze', 30);
			const res = await list('');
			expect(res.status).toBe(200);
			expect(Object.keys(res.json)).toEqual(['success', 'data']);
			expect(res.json.success).toBe(true);
			expect(res.json.data.contacts).toHaveLength(20);
			expect(res.json.data.pagination).toEqual({ page: 1, limit: 20, total: 31, total_pages: 2 });
			expect(res.json.data.contacts[0]).toEqual(sandbox.getContact('raze', SEED_IDS.raze));
		});

		it("code shape: data array and top-level pagination with per_page, has_next, has_prev; limit 50", async () => {
			sandbox.seedMany('raze', 60);
			sandbox.setRazeListShape('code');
			const first = await list('');
			expect(Object.keys(first.json)).toEqual(['success', 'data', 'pagination']);
			expect(first.json.data).toHaveLength(50);
			expect(first.json.pagination).toEqual({ page: 1, per_page: 50, total: 61, total_pages: 2, has_next: true, has_prev: false });
			const second = await list('?page=2');
			expect(second.json.data).toHaveLength(11);
			expect(second.json.pagination).toMatchObject({ page: 2, has_next: false, has_prev: true });
		});

		it.each(['documented', 'code'] as const)('%s: pages of 100 over 250 partial matches, in insertion order, each once', async (shape) => {
			sandbox.setRazeListShape(shape);
			const seeded = sandbox.seedMany('raze', 250, 'bulk');
			sandbox.seed('raze', { id: 'other', name: 'Other', email: 'other@elsewhere.org' });
			const seen: string[] = [];
			for (let page = 1; page <= 4; page++) seen.push(...ids(contactsOf(await list(`?email=EXAMPLE.COM&limit=100&page=${page}`))));
			expect(seen).toEqual([SEED_IDS.raze, ...seeded]);
			const last = await list('?email=example.com&limit=100&page=3');
			const pagination = shape === 'code' ? last.json.pagination : last.json.data.pagination;
			expect(pagination).toMatchObject({ page: 3, total: 251, total_pages: 3 });
		});

		it('email is a case-insensitive part of the address; emails are not unique', async () => {
			sandbox.seed('raze', { id: 'twin-1', name: 'Twin One', email: 'twin@example.com' });
			sandbox.seed('raze', { id: 'twin-2', name: 'Twin Two', email: 'TWIN@example.com' });
			sandbox.seed('raze', { id: 'twin-3', name: 'Not a twin', email: 'atwin@example.com' });
			expect(ids(contactsOf(await list('?email=twin@example.com')))).toEqual(['twin-1', 'twin-2', 'twin-3']);
		});

		it('search covers name, email and company; company and phone filter their column; filters combine with AND', async () => {
			sandbox.seed('raze', { id: 'r1', name: 'Grace Hopper', email: 'grace@navy.mil', company: 'US Navy', phone: '+15550001111' });
			sandbox.seed('raze', { id: 'r2', name: 'Ada', email: 'ada@engine.org', company: 'Analytical Engines', phone: '+15550002222' });
			expect(ids(contactsOf(await list('?search=HOPPER')))).toEqual(['r1']);
			expect(ids(contactsOf(await list('?search=engine')))).toEqual(['r2']);
			expect(ids(contactsOf(await list('?search=navy')))).toEqual(['r1']);
			expect(ids(contactsOf(await list('?company=acme')))).toEqual([SEED_IDS.raze]);
			expect(ids(contactsOf(await list('?phone=0002')))).toEqual(['r2']);
			expect(ids(contactsOf(await list('?search=a&company=navy')))).toEqual(['r1']);
			expect(ids(contactsOf(await list('?email=ada&phone=1111')))).toEqual([]);
			expect(ids(contactsOf(await list('?email=')))).toEqual([SEED_IDS.raze, 'r1', 'r2']); // empty = no filter
		});

		it("values are SQL ILIKE patterns, unescaped: '_' is any one character, '%' any run", async () => {
			sandbox.seed('raze', { id: 'jd', name: 'J D', email: 'john.doe@example.com' });
			expect(ids(contactsOf(await list('?email=john_doe')))).toEqual(['jd']);
			expect(ids(contactsOf(await list('?email=john%25example')))).toEqual([SEED_IDS.raze, 'jd']);
			expect(ids(contactsOf(await list(`?email=${encodeURIComponent('john\\_doe')}`)))).toEqual([]);
		});

		it('limit above 100 is cut to 100; a bad limit or page is 400 VALIDATION_ERROR', async () => {
			sandbox.seedMany('raze', 120);
			expect(contactsOf(await list('?limit=500'))).toHaveLength(100);
			for (const query of ['?limit=0', '?limit=ten', '?page=0']) {
				const res = await list(query);
				expect(res.status).toBe(400);
				expect(res.json.error.code).toBe('VALIDATION_ERROR');
			}
		});

		it('read-only keys list; no key is 401 MISSING_API_KEY', async () => {
			expect((await list('?email=john', SANDBOX_KEYS.raze.readOnly)).status).toBe(200);
			const res = await list('?email=john', null);
			expect(res.status).toBe(401);
			expect(res.json.error.code).toBe('MISSING_API_KEY');
		});

		it('admin POST /__sandbox/raze-list-shape switches the shape; reset restores documented', async () => {
			const admin = (shape: string) => request(`${sandbox.url}/__sandbox/raze-list-shape`, { method: 'POST', body: { shape } });
			expect((await admin('code')).status).toBe(200);
			expect(Array.isArray((await list('?limit=1')).json.data)).toBe(true);
			expect((await admin('both')).status).toBe(400);
			sandbox.reset();
			expect((await list('?limit=1')).json.data.contacts).toHaveLength(1);
		});
	});

	describe('LeadLex GET /v1/contacts', () => {
		const list = (query: string, key?: string | null) => call(sandbox, 'leadLex', 'GET', `/v1/contacts${query}`, { key });

		it('setListIgnoresPage answers page 1 whatever page is asked (LeadLex and Raze); reset turns it off', async () => {
			const firstId = async (vendor: 'leadLex' | 'raze', page: number) => {
				const path = vendor === 'leadLex' ? `/v1/contacts?per_page=1&page=${page}` : `/external/v1/contacts?limit=1&page=${page}`;
				const { json } = await call(sandbox, vendor, 'GET', path);
				return json.data.contacts[0]?.id;
			};
			for (const vendor of ['leadLex', 'raze'] as const) {
				const second = await firstId(vendor, 2);
				expect(second).not.toBe(await firstId(vendor, 1));
				sandbox.setListIgnoresPage(true);
				expect(await firstId(vendor, 2)).toBe(await firstId(vendor, 1));
				sandbox.reset();
				expect(await firstId(vendor, 2)).toBe(second);
			}
		});

		it('list items have the page fields, created_at for the stored created_date, and no notes', async () => {
			const res = await list('?search=jane');
			expect(res.status).toBe(200);
			expect(res.json).toEqual({
				data: {
					contacts: [
						{
							id: SEED_IDS.leadLex,
							full_name: 'Jane Doe',
							email: 'jane@example.com',
							phone: null,
							job_title: 'General Counsel',
							company_name: 'Acme Legal',
							linkedin_url: null,
							created_at: '2026-01-15T09:00:00Z',
							updated_date: '2026-01-15T09:00:00Z',
						},
					],
				},
				meta: { page: 1, per_page: 50, total: 1 },
			});
		});

		it('search is a case-insensitive part of the name or the email, not of other fields', async () => {
			sandbox.seed('leadLex', { id: 'l1', full_name: 'Grace Hopper', email: 'gh@navy.mil', company_name: 'Jane Street' });
			sandbox.seed('leadLex', { id: 'l2', full_name: 'Amazing Grace', email: 'AG@example.com' });
			expect(ids((await list('?search=GRACE')).json.data.contacts)).toEqual(['l1', 'l2']);
			expect(ids((await list('?search=navy.MIL')).json.data.contacts)).toEqual(['l1']);
			expect(ids((await list('?search=example.com')).json.data.contacts)).toEqual([SEED_IDS.leadLex, 'l2']);
			expect(ids((await list('?search=street')).json.data.contacts)).toEqual([]);
			expect((await list('?search=')).json.meta.total).toBe(3); // empty = no filter
		});

		it('pages of up to 100 over 250 matches, in insertion order; per_page above 100 is cut to 100', async () => {
			const seeded = sandbox.seedMany('leadLex', 250, 'bulk');
			const seen: string[] = [];
			for (let page = 1; page <= 4; page++) {
				const res = await list(`?search=contact&per_page=100&page=${page}`);
				expect(res.json.meta).toEqual({ page, per_page: 100, total: 250 });
				seen.push(...ids(res.json.data.contacts));
			}
			expect(seen).toEqual(seeded);
			expect((await list('?per_page=1000')).json.data.contacts).toHaveLength(100);
			expect((await list('')).json.data.contacts).toHaveLength(50);
		});

		it('contacts sharing an email are all listed', async () => {
			sandbox.seed('leadLex', { id: 'dup', full_name: 'Jane Again', email: 'jane@example.com' });
			expect(ids((await list('?search=jane@example.com')).json.data.contacts)).toEqual([SEED_IDS.leadLex, 'dup']);
		});

		it('read-only keys list; a wrong key is 401 invalid_key', async () => {
			expect((await list('?search=jane', SANDBOX_KEYS.leadLex.readOnly)).status).toBe(200);
			const res = await list('?search=jane', 'wbk_live_wrong');
			expect(res.status).toBe(401);
			expect(res.json.error.code).toBe('invalid_key');
		});
	});

	describe('OpenCX GET /chat/sessions/search', () => {
		const search = (query: string, key?: string | null) => call(sandbox, 'openCx', 'GET', `/chat/sessions/search${query}`, { key });

		it('answers matching contacts as {id, name, email, phone} and no messages', async () => {
			const res = await search('?q=maya');
			expect(res.status).toBe(200);
			expect(res.json).toEqual({
				contacts: [{ id: SEED_IDS.openCx, name: 'Maya Chen', email: 'maya.chen@example.com', phone: '+14155550123' }],
				messages: [],
			});
		});

		it('a contact matches when any word of q is part of its name, email or phone (case-insensitive)', async () => {
			sandbox.seed('openCx', { id: 'o1', name: 'Grace Hopper', email: 'gh@navy.mil', phone: '+15550001111' });
			const found = async (q: string) => ids((await search(`?q=${encodeURIComponent(q)}`)).json.contacts);
			expect(await found('HOPPER')).toEqual(['o1']);
			expect(await found('nobody chen')).toEqual([SEED_IDS.openCx]);
			expect(await found('+1 (415) 555-0123')).toEqual([SEED_IDS.openCx, 'o1']); // '+1' is part of both phones
			expect(await found('0001111')).toEqual(['o1']);
			expect(await found('   ')).toEqual([]);
			expect(await found('zzz')).toEqual([]);
		});

		it('no paging and no cap: 300 matches in one answer', async () => {
			sandbox.seedMany('openCx', 300);
			expect((await search('?q=example.com')).json.contacts).toHaveLength(301);
		});

		it('contacts sharing an email are all answered', async () => {
			sandbox.seed('openCx', { id: 'twin', name: 'Twin', email: 'maya.chen@example.com' });
			expect(ids((await search('?q=maya.chen@example.com')).json.contacts)).toEqual([SEED_IDS.openCx, 'twin']);
		});

		it.each([
			['no q', '', "querystring must have required property 'q'"],
			['an empty q', '?q=', 'querystring/q must NOT have fewer than 1 characters'],
		])('400 ErrorDto for %s', async (_label, query, message) => {
			const res = await search(query);
			expect(res.status).toBe(400);
			expect(res.json).toEqual({ statusCode: 400, message, error: 'Bad Request' });
		});

		it('read-only keys search; no key is 401', async () => {
			expect((await search('?q=maya', SANDBOX_KEYS.openCx.readOnly)).status).toBe(200);
			const res = await search('?q=maya', null);
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' });
		});
	});

	it('generated contacts carry a phone in every vendor, and distinct emails', () => {
		for (const vendor of VENDORS) {
			const { phone, email } = DOCUMENTED[vendor].keys;
			const generated = sandbox.seedMany(vendor, 3).map((id) => sandbox.getContact(vendor, id)!);
			const phones = generated.map((c) => c[phone]);
			expect(phones.every((p) => typeof p === 'string' && /\d{4}/.test(p))).toBe(true);
			expect(new Set(phones).size).toBe(3);
			expect(new Set(generated.map((c) => c[email])).size).toBe(3);
		}
	});
});
