import { CREATE_ROUTES, DOCUMENTED, SANDBOX_KEYS, SEED_IDS, startSandbox, VENDORS, type Sandbox, type Vendor } from '.';
import { VENDOR_MODULES } from './vendors';
import { call, everyVendor, lookUpIds, request, SAMPLE_CREATE_EMAIL, sampleCreate, settle } from './testUtils';

const HANG_MS = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const zero = everyVendor(0);

describe('sandbox: creates, reads by ID, late contacts and aimed faults', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ hangMs: HANG_MS });
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	it('each vendor module names its documented create, a POST write route it has', () => {
		// The four vendors' creates as their pages document them; every vendor's is checked against its routes below.
		const documented = {
			blandAi: { method: 'POST', path: '/v1/contacts/resolve' },
			leadLex: { method: 'POST', path: '/v1/contacts' },
			openCx: { method: 'POST', path: '/contacts' },
			raze: { method: 'POST', path: '/external/v1/contacts' },
		} satisfies Partial<Record<Vendor, unknown>>;
		for (const [vendor, route] of Object.entries(documented)) expect(CREATE_ROUTES[vendor as Vendor]).toEqual(route);
		for (const vendor of VENDORS) {
			const { method, path } = VENDOR_MODULES[vendor].createRoute;
			expect(VENDOR_MODULES[vendor].routes).toContainEqual(expect.objectContaining({ method, pattern: path, scope: 'write' }));
		}
	});

	it('the look-up routes, and only they, carry the lookup flag', () => {
		const flagged = VENDORS.flatMap((vendor) =>
			VENDOR_MODULES[vendor].routes.filter((route) => route.lookup).map((route) => `${vendor} ${route.method} ${route.pattern}`),
		);
		// One per vendor: the route of its documented look-up by email.
		expect(flagged).toEqual(
			VENDORS.map((vendor) => {
				const [method, path] = DOCUMENTED[vendor].lookupByEmail('someone@example.com');
				return `${vendor} ${method} ${path.split('?')[0]}`;
			}),
		);
		const pages = {
			blandAi: 'POST /v1/contacts/find',
			leadLex: 'GET /v1/contacts',
			openCx: 'GET /chat/sessions/search',
			raze: 'GET /external/v1/contacts',
		} satisfies Partial<Record<Vendor, string>>;
		for (const [vendor, route] of Object.entries(pages)) expect(flagged).toContain(`${vendor} ${route}`);
	});

	describe('Bland AI POST /v1/contacts/resolve', () => {
		const resolve = (body: unknown, options: { raw?: string } = {}) =>
			call(sandbox, 'blandAi', 'POST', '/v1/contacts/resolve', { body, ...options });

		it('creates a contact when none carries an identifier: created true, the contact without identifiers or memories', async () => {
			const before = Date.now();
			const res = await resolve({ email: 'new@example.com', name: 'New Person', metadata: { source: 'api' }, persona_id: 'persona-1' });
			expect(res.status).toBe(200);
			expect(res.json).toEqual({
				data: {
					contact: {
						id: expect.stringMatching(UUID),
						org_id: '11111111-2222-3333-4444-555555555555',
						name: 'New Person',
						email: 'new@example.com',
						phone_number: null,
						external_id: null,
						metadata: { source: 'api' },
						created_at: expect.stringMatching(ISO_MILLIS),
						updated_at: expect.stringMatching(ISO_MILLIS),
					},
					created: true,
				},
				errors: null,
			});
			const { contact } = res.json.data;
			expect(Date.parse(contact.created_at)).toBeGreaterThanOrEqual(before - 1);
			expect(sandbox.getContact('blandAi', contact.id)).toEqual(contact);
			expect(sandbox.stats().created.blandAi).toBe(1);
			expect(sandbox.stats().updatesApplied.blandAi).toBe(0);
		});

		it('without name or metadata the new contact has name null and metadata {}; all given identifiers are stored', async () => {
			const res = await resolve({ phone_number: '+14155550100', external_id: 'crm-1' });
			expect(res.json.data.created).toBe(true);
			expect(res.json.data.contact).toMatchObject({ name: null, metadata: {}, phone_number: '+14155550100', external_id: 'crm-1', email: null });
		});

		it('finds a stored contact as find does (email ignoring case): created false, nothing changed', async () => {
			sandbox.seed('blandAi', { id: 'b-ann', name: 'Ann', email: 'Ann@Example.com', metadata: { tier: 'gold' } });
			const stored = sandbox.getContact('blandAi', 'b-ann');
			const res = await resolve({ email: ' ann@EXAMPLE.com ', name: 'Someone Else', metadata: { tier: 'lead' } });
			expect(res.status).toBe(200);
			expect(res.json).toEqual({ data: { contact: stored, created: false }, errors: null });
			expect(res.json.data.contact).not.toHaveProperty('identifiers');
			expect(sandbox.getContact('blandAi', 'b-ann')).toEqual(stored);
			expect(sandbox.stats().created.blandAi).toBe(0);
		});

		it('a second resolve with the identifier of the first finds the created contact', async () => {
			const first = await resolve({ external_id: 'crm-9', name: 'First' });
			const second = await resolve({ external_id: 'crm-9', email: 'other@example.com', name: 'Second' });
			expect(second.json.data).toEqual({ contact: first.json.data.contact, created: false });
			expect(sandbox.stats().created.blandAi).toBe(1);
		});

		it("'unrelated' answers the first stored contact that does not carry the value (created false)", async () => {
			sandbox.seed('blandAi', { id: 'b-ann', email: 'ann@example.com' });
			sandbox.setBlandFindAnswer('unrelated');
			const res = await resolve({ email: 'ann@example.com' });
			expect(res.json.data.created).toBe(false);
			expect(res.json.data.contact.id).toBe(SEED_IDS.blandAi);
			expect(sandbox.stats().created.blandAi).toBe(0);
		});

		it("'unrelated' creates when every stored contact carries the value", async () => {
			sandbox.seed('blandAi', { id: SEED_IDS.blandAi, email: 'ann@example.com' });
			sandbox.setBlandFindAnswer('unrelated');
			const res = await resolve({ email: 'ann@example.com' });
			expect(res.json.data.created).toBe(true);
			expect(res.json.data.contact.id).not.toBe(SEED_IDS.blandAi);
		});

		it.each([
			['no identifier', { name: 'Nobody' }, 'At least one identifier is required: phone_number, email or external_id'],
			['only blank identifiers', { email: ' ', external_id: '' }, 'At least one identifier is required: phone_number, email or external_id'],
			['a numeric phone_number', { phone_number: 14155550100 }, 'phone_number must be a string'],
			['a numeric name', { email: 'a@example.com', name: 7 }, 'name must be a string'],
			['an array metadata', { email: 'a@example.com', metadata: ['x'] }, 'metadata must be an object'],
			['a numeric persona_id', { email: 'a@example.com', persona_id: 1 }, 'persona_id must be a string'],
			['a numeric agent_number', { email: 'a@example.com', agent_number: 15550001111 }, 'agent_number must be a string'],
			['an array body', [{ email: 'a@example.com' }], 'Request body must be a JSON object'],
		])('400 VALIDATION_ERROR for %s; nothing is stored', async (_label, body, message) => {
			const res = await resolve(body);
			expect(res.status).toBe(400);
			expect(res.json).toEqual({ data: null, errors: [{ error: 'VALIDATION_ERROR', message }] });
			expect(sandbox.stats().created.blandAi).toBe(0);
		});

		it('400 INVALID_JSON for a body that is not JSON', async () => {
			const res = await resolve(undefined, { raw: '{"email":' });
			expect(res.status).toBe(400);
			expect(res.json).toEqual({ data: null, errors: [{ error: 'INVALID_JSON', message: 'Request body is not valid JSON' }] });
		});

		it('ignores unknown fields by default and names them when rejectUnknownFields is on', async () => {
			const ignored = await resolve({ email: 'a@example.com', nickname: 'A' });
			expect(ignored.status).toBe(200);
			expect(ignored.json.data.contact).not.toHaveProperty('nickname');
			sandbox.setRejectUnknownFields(true);
			const res = await resolve({ email: 'b@example.com', nickname: 'B' });
			expect(res.status).toBe(400);
			expect(res.json.errors).toEqual([{ error: 'VALIDATION_ERROR', message: 'Unknown field: nickname' }]);
			expect(sandbox.stats().created.blandAi).toBe(1);
		});
	});

	describe('Raze POST /external/v1/contacts', () => {
		const create = (body: unknown, key?: string) => call(sandbox, 'raze', 'POST', '/external/v1/contacts', { body, key });
		const pageExample = {
			name: 'Jane Smith',
			email: 'jane@company.com',
			phone: '+5511988888888',
			company: 'Tech Corp',
			position: 'CTO',
			tags: ['hot-lead', 'tech'],
		};

		it('the page example answers 201 with the page example response; the contact is stored and readable', async () => {
			const res = await create(pageExample);
			expect(res.status).toBe(201);
			expect(res.json).toEqual({
				success: true,
				data: {
					id: expect.stringMatching(/^cnt_[0-9a-f]{12}$/),
					...pageExample,
					source: 'other',
					linkedin_url: null,
					custom_fields: {},
					created_at: expect.stringMatching(ISO_SECONDS),
					updated_at: expect.stringMatching(ISO_SECONDS),
				},
			});
			const { id } = res.json.data;
			expect(sandbox.getContact('raze', id)).toEqual(res.json.data);
			expect((await call(sandbox, 'raze', 'GET', `/external/v1/contacts/${id}`)).json).toEqual(res.json);
			expect(sandbox.stats().created.raze).toBe(1);
			expect(sandbox.stats().updatesApplied.raze).toBe(0);
		});

		it('keeps source, custom_fields and linkedin_url; the ids differ', async () => {
			const a = await create({ name: 'A', source: 'linkedin', custom_fields: { industry: 'Tech' }, linkedin_url: 'https://linkedin.com/in/a' });
			const b = await create({ name: 'B' });
			expect(a.json.data).toMatchObject({ source: 'linkedin', custom_fields: { industry: 'Tech' }, linkedin_url: 'https://linkedin.com/in/a', tags: [] });
			expect(b.json.data).toMatchObject({ source: 'other', email: null });
			expect(a.json.data.id).not.toBe(b.json.data.id);
		});

		it.each([
			['missing', { email: 'x@example.com' }],
			['empty', { name: '' }],
			['blank', { name: '   ' }],
			['null', { name: null }],
		])('400 VALIDATION_ERROR naming the field when name is %s', async (_label, body) => {
			const res = await create(body);
			expect(res.status).toBe(400);
			expect(res.json).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'name is required', details: { field: 'name' } } });
			expect(sandbox.stats().created.raze).toBe(0);
		});

		it.each([
			['phone is a number', { name: 'A', phone: 5511 }, 'phone', 'phone must be a string'],
			['source is a number', { name: 'A', source: 1 }, 'source', 'source must be a string'],
			['tags is a string', { name: 'A', tags: 'hot' }, 'tags', 'tags must be an array of strings'],
			['custom_fields is an array', { name: 'A', custom_fields: [] }, 'custom_fields', 'custom_fields must be an object'],
		])('400 VALIDATION_ERROR when %s', async (_label, body, field, message) => {
			const res = await create(body);
			expect(res.status).toBe(400);
			expect(res.json).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message, details: { field } } });
		});

		it('400 INVALID_EMAIL for a malformed email', async () => {
			const res = await create({ name: 'A', email: 'not-an-email' });
			expect(res.status).toBe(400);
			expect(res.json).toEqual({
				success: false,
				error: { code: 'INVALID_EMAIL', message: 'Invalid email format', details: { field: 'email', value: 'not-an-email' } },
			});
		});

		it("409 ALREADY_EXISTS for a stored email, ignoring case and surrounding spaces ('documented' mode)", async () => {
			sandbox.seed('raze', { id: 'spaced', name: 'Spaced', email: ' Ann@Example.com ' });
			for (const email of ['JOHN@Example.com', 'ann@example.com']) {
				const res = await create({ name: 'Johnny', email });
				expect(res.status).toBe(409);
				expect(res.json).toEqual({ success: false, error: { code: 'ALREADY_EXISTS', message: 'Contact with this email already exists' } });
			}
			expect(await lookUpIds(sandbox, 'raze', 'john@example.com')).toEqual([SEED_IDS.raze]);
			expect(sandbox.stats().created.raze).toBe(0);
			// An incoming email is format-checked first: surrounding spaces there are an INVALID_EMAIL, as on update.
			expect((await create({ name: 'Johnny', email: ' john@example.com' })).json.error.code).toBe('INVALID_EMAIL');
		});

		it("'code' mode checks no email uniqueness, as Raze's code does not", async () => {
			sandbox.setRazeListShape('code');
			const res = await create({ name: 'Johnny', email: 'john@example.com' });
			expect(res.status).toBe(201);
			const list = await call(sandbox, 'raze', 'GET', '/external/v1/contacts?email=john@example.com');
			expect(list.json.data.map((c: { id: string }) => c.id)).toEqual([SEED_IDS.raze, res.json.data.id]);
		});

		it('403 for the read-only key; unknown fields ignored by default, named when rejectUnknownFields is on', async () => {
			const forbidden = await create({ name: 'A' }, SANDBOX_KEYS.raze.readOnly);
			expect(forbidden.status).toBe(403);
			expect(forbidden.json.error.code).toBe('INSUFFICIENT_PERMISSIONS');
			const ignored = await create({ name: 'A', notes: 'x' });
			expect(ignored.status).toBe(201);
			expect(ignored.json.data).not.toHaveProperty('notes');
			sandbox.setRejectUnknownFields(true);
			const res = await create({ name: 'B', notes: 'x' });
			expect(res.status).toBe(400);
			expect(res.json.error).toEqual({ code: 'VALIDATION_ERROR', message: 'Unknown field: notes', details: { field: 'notes' } });
			expect(sandbox.stats().created.raze).toBe(1);
		});
	});

	describe('LeadLex POST /v1/contacts', () => {
		const create = (body: unknown, key?: string) => call(sandbox, 'leadLex', 'POST', '/v1/contacts', { body, key });

		it("answers 201 with exactly the page example's keys and stores the contact in the internal shape", async () => {
			const res = await create({
				full_name: 'Hans Müller',
				email: 'hans@kanzlei.de',
				phone: '+49 30 1234567',
				job_title: 'Partner',
				company: 'Kanzlei Müller',
				linkedin_url: 'https://linkedin.com/in/hans',
				priority: 'high',
				tags: ['vip'],
				custom_fields: { source: 'fair' },
			});
			expect(res.status).toBe(201);
			expect(Object.keys(res.json)).toEqual(['data']);
			expect(Object.keys(res.json.data)).toEqual(['id', 'first_name', 'last_name', 'full_name', 'email', 'priority', 'created_date']);
			expect(res.json.data).toEqual({
				id: expect.stringMatching(UUID),
				first_name: 'Hans',
				last_name: 'Müller',
				full_name: 'Hans Müller',
				email: 'hans@kanzlei.de',
				priority: 1,
				created_date: expect.stringMatching(ISO_SECONDS),
			});
			expect(res.headers['x-request-id']).toMatch(/^req_/);
			const stored = sandbox.getContact('leadLex', res.json.data.id);
			expect(stored).toMatchObject({
				company_name: 'Kanzlei Müller',
				phone: '+49 30 1234567',
				job_title: 'Partner',
				tags: ['vip'],
				custom_fields: { source: 'fair' },
				notes: null,
			});
			expect(stored).not.toHaveProperty('company');
			expect(sandbox.stats().created.leadLex).toBe(1);
			expect(sandbox.stats().updatesApplied.leadLex).toBe(0);
		});

		it.each([
			['full_name split on the last whitespace', { full_name: 'Mary Ann Smith' }, ['Mary Ann', 'Smith', 'Mary Ann Smith']],
			['the "Last, First" format', { full_name: 'Müller, Hans' }, ['Hans', 'Müller', 'Müller, Hans']],
			['a one-word full_name', { full_name: 'Cher' }, ['Cher', null, 'Cher']],
			['first + last composed', { first_name: 'Ada', last_name: 'Lovelace' }, ['Ada', 'Lovelace', 'Ada Lovelace']],
			['only a first name', { first_name: 'Ada' }, ['Ada', null, 'Ada']],
			['only a last name', { last_name: 'Lovelace' }, [null, 'Lovelace', 'Lovelace']],
			['only an email (the page example)', { email: 'hans.mueller@x.de' }, ['Hans', 'Mueller', 'Hans Mueller']],
			['an email with a +tag', { email: 'grace_hopper+crm@navy.mil' }, ['Grace', 'Hopper', 'Grace Hopper']],
		])('names: %s', async (_label, body, [first, last, full]) => {
			const res = await create(body);
			expect(res.status).toBe(201);
			expect(res.json.data).toMatchObject({ first_name: first, last_name: last, full_name: full });
		});

		it.each([
			['an empty body', {}],
			['only a phone', { phone: '+1 555 0100' }],
			['blank names and email', { full_name: ' ', first_name: '', email: '' }],
		])('400 validation_error when %s gives neither name nor email', async (_label, body) => {
			const res = await create(body);
			expect(res.status).toBe(400);
			expect(res.json).toEqual({
				error: {
					code: 'validation_error',
					message: 'Invalid request parameters',
					details: { fields: { full_name: 'A contact must keep a name or an email', email: 'A contact must keep a name or an email' } },
				},
			});
			expect(sandbox.stats().created.leadLex).toBe(0);
		});

		it.each([
			['an invalid email', { full_name: 'A', email: 'not-an-email' }, { email: 'Invalid email format' }],
			['a numeric phone', { full_name: 'A', phone: 5551234 }, { phone: 'Must be a string' }],
			['an unknown priority', { full_name: 'A', priority: 'urgent' }, { priority: 'Must be "high", "medium", "low" or 1, 2, 3' }],
			['priority 4', { full_name: 'A', priority: 4 }, { priority: 'Must be "high", "medium", "low" or 1, 2, 3' }],
			['tags that are not strings', { full_name: 'A', tags: [1] }, { tags: 'Must be an array of strings' }],
			['custom_fields that are not an object', { full_name: 'A', custom_fields: 'x' }, { custom_fields: 'Must be an object' }],
		])('400 validation_error naming the field for %s', async (_label, body, fields) => {
			const res = await create(body);
			expect(res.status).toBe(400);
			expect(res.json).toEqual({ error: { code: 'validation_error', message: 'Invalid request parameters', details: { fields } } });
		});

		it('priority words and integers both answer as integers; absent is null', async () => {
			expect((await create({ full_name: 'A', priority: 'low' })).json.data.priority).toBe(3);
			expect((await create({ full_name: 'B', priority: 2 })).json.data.priority).toBe(2);
			expect((await create({ full_name: 'C' })).json.data.priority).toBeNull();
		});

		it('keeps a given created_date; the legacy company_id fills related_company_id', async () => {
			const res = await create({ full_name: 'Old Row', created_date: '2020-02-02T10:00:00Z', company_id: 'comp-1' });
			expect(res.json.data.created_date).toBe('2020-02-02T10:00:00Z');
			expect(sandbox.getContact('leadLex', res.json.data.id)?.related_company_id).toBe('comp-1');
		});

		it('409 duplicate_contact for a stored email, ignoring case and surrounding spaces', async () => {
			sandbox.seed('leadLex', { id: 'spaced', full_name: 'Spaced', email: ' Ann@Example.com ' });
			for (const email of ['JANE@Example.com', 'ann@example.com']) {
				const res = await create({ full_name: 'Jane Again', email });
				expect(res.status).toBe(409);
				expect(res.json).toEqual({ error: { code: 'duplicate_contact', message: 'A contact with this email already exists' } });
			}
			expect(await lookUpIds(sandbox, 'leadLex', 'jane@example.com')).toEqual([SEED_IDS.leadLex]);
			expect(sandbox.stats().created.leadLex).toBe(0);
		});

		it('unknown fields (notes, company_name) are ignored by default and named when rejectUnknownFields is on', async () => {
			const ignored = await create({ full_name: 'A', notes: 'hello', company_name: 'X' });
			expect(ignored.status).toBe(201);
			expect(sandbox.getContact('leadLex', ignored.json.data.id)).toMatchObject({ notes: null, company_name: null });
			sandbox.setRejectUnknownFields(true);
			for (const field of ['notes', 'company_name']) {
				const res = await create({ full_name: 'B', [field]: 'x' });
				expect(res.status).toBe(400);
				expect(res.json.error).toEqual({ code: 'validation_error', message: 'Invalid request parameters', details: { fields: { [field]: 'Unknown field' } } });
			}
		});

		it('403 insufficient_permissions for the read-only key; the list finds a created contact with company_name', async () => {
			expect((await create({ full_name: 'A' }, SANDBOX_KEYS.leadLex.readOnly)).status).toBe(403);
			const res = await create({ full_name: 'Listed Person', company: 'Acme' });
			const list = await call(sandbox, 'leadLex', 'GET', '/v1/contacts?search=listed');
			expect(list.json.data.contacts).toEqual([expect.objectContaining({ id: res.json.data.id, full_name: 'Listed Person', company_name: 'Acme' })]);
		});
	});

	describe('OpenCX POST /contacts', () => {
		const create = (body: unknown, key?: string) => call(sandbox, 'openCx', 'POST', '/contacts', { body, key });

		it('answers 201 { id } and stores the contact; search finds it', async () => {
			const res = await create({ contact: { name: 'Lin Wu', email: 'lin@example.com', phone: '+14155550111', custom_data: { plan: 'pro' } } });
			expect(res.status).toBe(201);
			expect(res.json).toEqual({ id: expect.stringMatching(UUID) });
			expect(sandbox.getContact('openCx', res.json.id)).toMatchObject({
				name: 'Lin Wu',
				email: 'lin@example.com',
				phone: '+14155550111',
				custom_data: { plan: 'pro' },
			});
			expect(await lookUpIds(sandbox, 'openCx', 'lin@example.com')).toEqual([res.json.id]);
			expect(sandbox.stats().created.openCx).toBe(1);
			expect(sandbox.stats().updatesApplied.openCx).toBe(0);
		});

		it('an empty contact is a contact (no field is required)', async () => {
			const res = await create({ contact: {} });
			expect(res.status).toBe(201);
			expect(sandbox.getContact('openCx', res.json.id)).toMatchObject({ name: null, email: null, custom_data: {} });
		});

		it('checks no duplicates: the same email twice gives two contacts', async () => {
			const a = await create({ contact: { email: 'maya.chen@example.com' } });
			const b = await create({ contact: { email: 'maya.chen@example.com' } });
			expect([a.status, b.status]).toEqual([201, 201]);
			expect(a.json.id).not.toBe(b.json.id);
			expect(sandbox.stats().created.openCx).toBe(2);
		});

		it.each([
			['no body', undefined, 'body must be object'],
			['no contact', { name: 'x' }, "body must have required property 'contact'"],
			['a contact that is not an object', { contact: 'x' }, 'body/contact must be object'],
			['a numeric name', { contact: { name: 1 } }, 'body/contact/name must be string'],
			['a bad email', { contact: { email: 'a..b@example.com' } }, expect.stringMatching(/^body\/contact\/email must match pattern "/)],
			['a numeric custom_data value', { contact: { custom_data: { seats: 5 } } }, 'body/contact/custom_data/seats must be string'],
		])('400 ErrorDto for %s', async (_label, body, message) => {
			const res = await create(body);
			expect(res.status).toBe(400);
			expect(res.json).toEqual({ statusCode: 400, message, error: 'Bad Request' });
			expect(sandbox.stats().created.openCx).toBe(0);
		});

		it('http_action_overrides is not part of the create: ignored by default, an additional property when rejectUnknownFields is on', async () => {
			const ignored = await create({ contact: { name: 'A', http_action_overrides: { headers: { x: 1 } } } });
			expect(ignored.status).toBe(201);
			expect(sandbox.getContact('openCx', ignored.json.id)?.http_action_overrides).toBeNull();
			sandbox.setRejectUnknownFields(true);
			const res = await create({ contact: { name: 'B', http_action_overrides: {} } });
			expect(res.status).toBe(400);
			expect(res.json.message).toBe("body/contact must NOT have additional properties ('http_action_overrides')");
			const top = await create({ contact: { name: 'C' }, extra: 1 });
			expect(top.json.message).toBe("body must NOT have additional properties ('extra')");
		});

		it('403 for the read-only key', async () => {
			const res = await create({ contact: { name: 'A' } }, SANDBOX_KEYS.openCx.readOnly);
			expect(res.status).toBe(403);
			expect(sandbox.stats().created.openCx).toBe(0);
		});
	});

	describe('stats().created', () => {
		it('counts one per stored contact and vendor, never in updatesApplied; refused creates and a found resolve do not count', async () => {
			for (const vendor of VENDORS) expect((await sampleCreate(sandbox, vendor)).status).toBe(vendor === 'blandAi' ? 200 : 201);
			expect(sandbox.stats().created).toEqual(everyVendor(1));
			expect(sandbox.stats().updatesApplied).toEqual(zero);

			expect((await sampleCreate(sandbox, 'blandAi')).json.data.created).toBe(false); // found, not created
			expect((await sampleCreate(sandbox, 'raze')).status).toBe(409);
			expect((await sampleCreate(sandbox, 'leadLex')).status).toBe(409);
			expect((await call(sandbox, 'raze', 'POST', '/external/v1/contacts', { body: {} })).status).toBe(400);
			expect(sandbox.stats().created).toEqual(everyVendor(1));
		});

		it('reset() zeroes it; the admin GET /stats reports it', async () => {
			await sampleCreate(sandbox, 'openCx');
			expect((await request(`${sandbox.url}/__sandbox/stats`)).json.created).toEqual({ ...zero, openCx: 1 });
			sandbox.reset();
			expect(sandbox.stats().created).toEqual(zero);
		});
	});

	describe('reads by ID', () => {
		it('Bland AI GET /v1/contacts/:id answers identifiers (as find derives them) and memories []', async () => {
			sandbox.seed('blandAi', { id: 'b-ann', name: 'Ann', email: 'ann@example.com', phone_number: '+14155550123', external_id: 'crm-7' });
			const res = await call(sandbox, 'blandAi', 'GET', '/v1/contacts/b-ann');
			expect(res.status).toBe(200);
			expect(res.json).toEqual({
				data: {
					...sandbox.getContact('blandAi', 'b-ann'),
					identifiers: [
						{ id: 'idn_phone_number_b-ann', contact_id: 'b-ann', identifier_type: 'phone_number', identifier_value: '+14155550123', is_primary: true },
						{ id: 'idn_email_b-ann', contact_id: 'b-ann', identifier_type: 'email', identifier_value: 'ann@example.com', is_primary: false },
						{ id: 'idn_external_id_b-ann', contact_id: 'b-ann', identifier_type: 'external_id', identifier_value: 'crm-7', is_primary: false },
					],
					memories: [],
				},
				errors: null,
			});
			const found = await call(sandbox, 'blandAi', 'POST', '/v1/contacts/find', { body: { external_id: 'crm-7' } });
			expect(res.json.data).toEqual(found.json.data);
		});

		it('Bland AI: a contact created by resolve reads back with its identifier; 404 keeps Bland\'s envelope', async () => {
			const created = await sampleCreate(sandbox, 'blandAi');
			const res = await call(sandbox, 'blandAi', 'GET', `/v1/contacts/${created.json.data.contact.id}`);
			expect(res.json.data.identifiers).toEqual([
				expect.objectContaining({ identifier_type: 'email', identifier_value: SAMPLE_CREATE_EMAIL, is_primary: true }),
			]);
			const missing = await call(sandbox, 'blandAi', 'GET', '/v1/contacts/nope');
			expect(missing.status).toBe(404);
			expect(missing.json).toEqual({ data: null, errors: [{ error: 'NOT_FOUND', message: 'Contact not found' }] });
		});

		it('LeadLex GET answers the get page fields: company, names, tags, custom_fields; not company_name or notes', async () => {
			const created = await call(sandbox, 'leadLex', 'POST', '/v1/contacts', {
				body: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@engines.org', company: 'Analytical', priority: 'medium', tags: ['math'], related_company_id: 'comp-9' },
			});
			const { id, created_date } = created.json.data;
			const res = await call(sandbox, 'leadLex', 'GET', `/v1/contacts/${id}`);
			expect(res.status).toBe(200);
			expect(Object.keys(res.json.data)).toEqual([
				'id', 'first_name', 'last_name', 'full_name', 'email', 'phone', 'job_title', 'company', 'related_company_id',
				'linkedin_url', 'priority', 'tags', 'custom_fields', 'created_date', 'updated_date',
			]);
			expect(res.json.data).toEqual({
				id,
				first_name: 'Ada',
				last_name: 'Lovelace',
				full_name: 'Ada Lovelace',
				email: 'ada@engines.org',
				phone: null,
				job_title: null,
				company: 'Analytical',
				related_company_id: 'comp-9',
				linkedin_url: null,
				priority: 2,
				tags: ['math'],
				custom_fields: {},
				created_date,
				updated_date: created_date,
			});
		});

		it('LeadLex GET heals names: from full_name, else from the email; a new full_name replaces created first/last', async () => {
			sandbox.seed('leadLex', { id: 'only-email', email: 'hans.mueller@x.de' });
			expect((await call(sandbox, 'leadLex', 'GET', '/v1/contacts/only-email')).json.data).toMatchObject({
				first_name: 'Hans',
				last_name: 'Mueller',
				full_name: 'Hans Mueller',
			});
			const created = await call(sandbox, 'leadLex', 'POST', '/v1/contacts', { body: { first_name: 'Ada', last_name: 'Byron' } });
			const path = `/v1/contacts/${created.json.data.id}`;
			await call(sandbox, 'leadLex', 'PATCH', path, { body: { full_name: 'Ada Lovelace' } });
			expect((await call(sandbox, 'leadLex', 'GET', path)).json.data).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', full_name: 'Ada Lovelace' });
		});

		it("LeadLex 404 keeps LeadLex's envelope", async () => {
			const res = await call(sandbox, 'leadLex', 'GET', '/v1/contacts/00000000-0000-0000-0000-000000000000');
			expect(res.status).toBe(404);
			expect(res.json).toEqual({ error: { code: 'not_found', message: 'Contact not found' } });
		});
	});

	describe('seedAfterNextLookup: a contact that becomes visible only after the first look-up', () => {
		const LATE = 'late.comer@example.com';
		/** Another user's contact, in the vendor's own keys. */
		const lateContact = (vendor: Vendor): Record<string, unknown> & { id: string } => {
			const { name, email } = DOCUMENTED[vendor].keys;
			return { id: 'late', [name]: 'Late Comer', [email]: LATE };
		};

		it.each(VENDORS)('%s: the next look-up does not see it, the one after does', async (vendor) => {
			sandbox.seedAfterNextLookup(vendor, lateContact(vendor));
			expect(sandbox.getContact(vendor, 'late')).toBeUndefined();
			expect(await lookUpIds(sandbox, vendor, LATE)).toEqual([]);
			expect(sandbox.getContact(vendor, 'late')).toMatchObject(lateContact(vendor));
			expect(await lookUpIds(sandbox, vendor, LATE)).toEqual(['late']);
			expect(sandbox.stats().created[vendor]).toBe(0); // someone else's contact: not a create
		});

		it('requests that are not an answered look-up of that vendor leave it pending', async () => {
			sandbox.seedAfterNextLookup('raze', lateContact('raze'));
			await lookUpIds(sandbox, 'leadLex', LATE); // another vendor
			await call(sandbox, 'raze', 'GET', `/external/v1/contacts/${SEED_IDS.raze}`); // a read by ID
			await call(sandbox, 'raze', 'GET', '/external/v1/contacts?email=late', { key: 'gr_live_wrong' }); // 401
			await call(sandbox, 'raze', 'GET', '/external/v1/contacts?limit=0'); // 400
			sandbox.addFault({ kind: 'status500', vendor: 'raze' });
			await call(sandbox, 'raze', 'GET', '/external/v1/contacts?email=late'); // fault 'before'
			expect(sandbox.getContact('raze', 'late')).toBeUndefined();
			expect(await lookUpIds(sandbox, 'raze', LATE)).toEqual([]);
			expect(await lookUpIds(sandbox, 'raze', LATE)).toEqual(['late']);
		});

		it('the race it models: a Raze look-up finds nobody, then the create is a 409', async () => {
			sandbox.seedAfterNextLookup('raze', { id: 'late', name: 'Late Comer', email: SAMPLE_CREATE_EMAIL });
			expect(await lookUpIds(sandbox, 'raze', SAMPLE_CREATE_EMAIL)).toEqual([]);
			const res = await sampleCreate(sandbox, 'raze');
			expect(res.status).toBe(409);
			expect(res.json.error.code).toBe('ALREADY_EXISTS');
		});

		it('reset() drops pending contacts; bad input throws', async () => {
			sandbox.seedAfterNextLookup('openCx', lateContact('openCx'));
			sandbox.reset();
			await lookUpIds(sandbox, 'openCx', LATE);
			expect(sandbox.getContact('openCx', 'late')).toBeUndefined();
			expect(() => sandbox.seedAfterNextLookup('openCx', { id: '' })).toThrow(/contact.id/);
			expect(() => sandbox.seedAfterNextLookup('nope' as never, { id: 'x' })).toThrow(/unknown vendor/);
		});

		it('admin POST /__sandbox/seed-after-next-lookup queues one; bad input is a 400', async () => {
			const admin = (body: unknown) => request(`${sandbox.url}/__sandbox/seed-after-next-lookup`, { method: 'POST', body });
			expect((await admin({ vendor: 'leadLex', contact: lateContact('leadLex') })).json).toEqual({ ok: true, id: 'late', pending: 1 });
			expect(await lookUpIds(sandbox, 'leadLex', LATE)).toEqual([]);
			expect(await lookUpIds(sandbox, 'leadLex', LATE)).toEqual(['late']);
			expect((await admin({ vendor: 'leadLex' })).status).toBe(400);
			expect((await admin({ vendor: 'nope', contact: { id: 'x' } })).json.error).toMatch(/unknown vendor/);
		});
	});

	describe('faults aimed by method and path', () => {
		const RAZE_CREATE = { vendor: 'raze', method: 'POST', path: '/external/v1/contacts' } as const;

		it('a fault with method and path hits only the matching request; others pass it by', async () => {
			sandbox.addFault({ kind: 'status500', ...RAZE_CREATE });
			expect((await call(sandbox, 'raze', 'GET', '/external/v1/contacts?email=john')).status).toBe(200);
			expect((await call(sandbox, 'raze', 'PUT', `/external/v1/contacts/${SEED_IDS.raze}`, { body: { position: 'X' } })).status).toBe(200);
			expect((await call(sandbox, 'raze', 'GET', `/external/v1/contacts/${SEED_IDS.raze}`)).status).toBe(200);
			expect((await sampleCreate(sandbox, 'raze')).status).toBe(500);
			expect((await sampleCreate(sandbox, 'raze')).status).toBe(201);
		});

		it('path alone matches every method on it, compared without the query', async () => {
			sandbox.addFault({ kind: 'status500', path: '/external/v1/contacts', count: 2 });
			expect((await call(sandbox, 'raze', 'GET', `/external/v1/contacts/${SEED_IDS.raze}`)).status).toBe(200);
			expect((await call(sandbox, 'raze', 'GET', '/external/v1/contacts?email=john')).status).toBe(500);
			expect((await sampleCreate(sandbox, 'raze')).status).toBe(500);
			expect((await sampleCreate(sandbox, 'raze')).status).toBe(201);
		});

		it('method alone matches that method only; a path can single out one contact', async () => {
			sandbox.addFault({ kind: 'status502Html', vendor: 'leadLex', method: 'PATCH' });
			expect((await call(sandbox, 'leadLex', 'GET', `/v1/contacts/${SEED_IDS.leadLex}`)).status).toBe(200);
			expect((await call(sandbox, 'leadLex', 'PATCH', `/v1/contacts/${SEED_IDS.leadLex}`, { body: { job_title: 'X' } })).status).toBe(502);

			sandbox.seed('leadLex', { id: 'other', full_name: 'Other' });
			sandbox.addFault({ kind: 'status500', path: '/v1/contacts/other' });
			expect((await call(sandbox, 'leadLex', 'PATCH', `/v1/contacts/${SEED_IDS.leadLex}`, { body: { job_title: 'Y' } })).status).toBe(200);
			expect((await call(sandbox, 'leadLex', 'PATCH', '/v1/contacts/other', { body: { job_title: 'Y' } })).status).toBe(500);
		});

		it('a passed-by fault stays queued and does not block the faults behind it', async () => {
			sandbox.addFault({ kind: 'status500', ...RAZE_CREATE });
			sandbox.addFault({ kind: 'status502Html', vendor: 'raze' });
			expect((await call(sandbox, 'raze', 'GET', '/external/v1/contacts?limit=1')).status).toBe(502);
			expect((await sampleCreate(sandbox, 'raze')).status).toBe(500);
		});

		it.each(VENDORS)("%s: a create with a phase-'after' hang stores the contact and never answers", async (vendor) => {
			sandbox.addFault({ kind: 'hang', phase: 'after', vendor, ...CREATE_ROUTES[vendor] });
			const res = await settle(sampleCreate(sandbox, vendor, { timeoutMs: 100 }));
			expect(res.ok).toBe(false);
			if (!res.ok) expect(res.error.code).toBe('CLIENT_TIMEOUT');
			expect(sandbox.stats().created[vendor]).toBe(1);
			expect(await lookUpIds(sandbox, vendor, SAMPLE_CREATE_EMAIL)).toHaveLength(1);
		});

		it.each(['reset', 'status500'] as const)("a Raze create with a phase-'after' %s stores the contact; the retry is a 409", async (kind) => {
			sandbox.addFault({ kind, phase: 'after', ...RAZE_CREATE });
			const lost = await settle(sampleCreate(sandbox, 'raze'));
			if (kind === 'reset') expect(lost.ok).toBe(false);
			else expect(lost.ok && lost.value.status).toBe(500);
			expect(sandbox.stats().created.raze).toBe(1);
			expect((await sampleCreate(sandbox, 'raze')).status).toBe(409);
		});

		it('addFault rejects a method or path that could never match', () => {
			expect(() => sandbox.addFault({ kind: 'status500', method: 'post' })).toThrow(/fault method must be one of GET, POST, PUT, PATCH, DELETE/);
			expect(() => sandbox.addFault({ kind: 'status500', path: 'external/v1/contacts' })).toThrow(/fault path must start with \//);
			expect(() => sandbox.addFault({ kind: 'status500', path: '/external/v1/contacts?limit=1' })).toThrow(/no query/);
		});

		it('admin POST /faults takes method and path, validates them, and queues none of an array with a bad one', async () => {
			const faults = (body: unknown) => request(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body });
			expect((await faults({ kind: 'status500', method: 1 })).json).toEqual({ error: 'fault method must be a string' });
			expect((await faults({ kind: 'status500', path: 42 })).json).toEqual({ error: 'fault path must be a string' });
			const mixed = await faults([{ kind: 'status500', ...RAZE_CREATE }, { kind: 'status500', method: 'FETCH' }]);
			expect(mixed.status).toBe(400);
			expect(mixed.json.error).toMatch(/fault method must be one of/);
			expect((await faults([7])).status).toBe(400);
			expect((await sampleCreate(sandbox, 'raze')).status).toBe(201); // nothing was queued
			expect((await faults({ kind: 'status500', ...RAZE_CREATE })).json).toEqual({ ok: true, pending: 1 });
			expect((await call(sandbox, 'raze', 'POST', '/external/v1/contacts', { body: { name: 'Other' } })).status).toBe(500);
		});
	});
});
