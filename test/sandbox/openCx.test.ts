import { OPENCX_EMAIL_PATTERN, SANDBOX_KEYS, SEED_IDS, startSandbox, type Sandbox } from '.';
import { call } from './testUtils';

const ID = SEED_IDS.openCx;
const PATH = `/contacts/${ID}`;
// Copied from the UpdateContactInput schema on the vendor page.
const PAGE_PATTERN = String.raw`^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`;

describe('sandbox: OpenCX', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	const patch = (body: unknown, key?: string) => call(sandbox, 'openCx', 'PATCH', PATH, { body, key });

	describe('auth (Authorization: Bearer) and scopes', () => {
		it.each([SANDBOX_KEYS.openCx.valid, SANDBOX_KEYS.openCx.readOnly])('the credential test GET /org passes with %s', async (key) => {
			const res = await call(sandbox, 'openCx', 'GET', '/org', { key });
			expect(res.status).toBe(200);
			expect(res.json).toMatchObject({ id: 'org_sandbox', name: 'Sandbox Organization' });
		});

		it.each([
			['no key', null],
			['a wrong key', 'ocx_live_wrong'],
		])('401 ErrorDto with %s', async (_label, key) => {
			const res = await call(sandbox, 'openCx', 'GET', '/org', { key });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' });
		});

		it('403 Forbidden for the read-only key on PATCH', async () => {
			const res = await patch({ contact: { name: 'X' } }, SANDBOX_KEYS.openCx.readOnly);
			expect(res.status).toBe(403);
			expect(res.json).toEqual({ statusCode: 403, message: expect.stringContaining('contacts:write'), error: 'Forbidden' });
			expect(sandbox.getContact('openCx', ID)?.name).toBe('Maya Chen');
		});
	});

	it('a successful PATCH answers 200 with no body at all, and the update is stored', async () => {
		const res = await patch({
			contact: {
				name: 'Maya Chen-Li',
				email: 'maya@example.org',
				phone: '+14155550000',
				custom_data: { plan: 'pro' },
				http_action_overrides: { headers: { 'X-Tenant': 'acme' }, query_params: { region: 'eu' } },
			},
		});
		expect(res.status).toBe(200);
		expect(res.text).toBe('');
		expect(res.headers['content-length']).toBe('0');
		expect(res.headers['content-type']).toBeUndefined();
		expect(sandbox.getContact('openCx', ID)).toMatchObject({
			name: 'Maya Chen-Li',
			email: 'maya@example.org',
			phone: '+14155550000',
			custom_data: { plan: 'pro' }, // replaced as a whole: region is gone
			http_action_overrides: { headers: { 'X-Tenant': 'acme' }, query_params: { region: 'eu' } },
		});
		expect(sandbox.stats().updatesApplied.openCx).toBe(1);
	});

	it('400 ErrorDto when the contact wrapper is missing', async () => {
		const res = await patch({ name: 'Maya' });
		expect(res.status).toBe(400);
		expect(res.json).toEqual({ statusCode: 400, message: "body must have required property 'contact'", error: 'Bad Request' });
	});

	it('uses the email pattern of the page verbatim', () => {
		expect(OPENCX_EMAIL_PATTERN).toBe(PAGE_PATTERN);
	});

	it.each(['jane.doe@example.com', "o'brien+news@mail.example.co.uk", 'J_D-1@EXAMPLE.IO'])('accepts the email %s', async (email) => {
		expect((await patch({ contact: { email } })).status).toBe(200);
		expect(sandbox.getContact('openCx', ID)?.email).toBe(email);
	});

	it.each(['.jane@example.com', 'jane..doe@example.com', 'jane.@example.com', 'jane@example', 'jane@-example.com', 'jane@example.c', ''])(
		'400 naming the email for %p',
		async (email) => {
			const res = await patch({ contact: { email } });
			expect(res.status).toBe(400);
			expect(res.json.error).toBe('Bad Request');
			expect(res.json.message).toBe(`body/contact/email must match pattern "${PAGE_PATTERN}"`);
			expect(sandbox.getContact('openCx', ID)?.email).toBe('maya.chen@example.com');
		},
	);

	it.each([
		[{ custom_data: { seats: 5 } }, 'body/contact/custom_data/seats must be string'],
		[{ custom_data: ['a'] }, 'body/contact/custom_data must be object'],
		[{ http_action_overrides: { headers: { 'X-Retry': 3 } } }, 'body/contact/http_action_overrides/headers/X-Retry must be string'],
		[{ name: null }, 'body/contact/name must be string'],
		[{ phone: 4155550000 }, 'body/contact/phone must be string'],
	])('400 naming the field for %j', async (contact, message) => {
		const res = await patch({ contact });
		expect(res.status).toBe(400);
		expect(res.json).toEqual({ statusCode: 400, message, error: 'Bad Request' });
	});

	it('400 for a body that is not JSON', async () => {
		const res = await call(sandbox, 'openCx', 'PATCH', PATH, { raw: '{contact:' });
		expect(res.status).toBe(400);
		expect(res.json).toMatchObject({ statusCode: 400, error: 'Bad Request' });
	});

	it('404 ErrorDto for an unknown contact', async () => {
		const res = await call(sandbox, 'openCx', 'PATCH', '/contacts/nope', { body: { contact: { name: 'x' } } });
		expect(res.status).toBe(404);
		expect(res.json).toEqual({ statusCode: 404, message: 'Contact not found', error: 'Not Found' });
	});

	it('documents no GET of one contact: the sandbox answers its plain 404', async () => {
		const res = await call(sandbox, 'openCx', 'GET', PATH);
		expect(res.status).toBe(404);
		expect(res.json.error).toBe('not_found');
	});

	it('rejects unknown fields only when asked, naming them', async () => {
		expect((await patch({ contact: { name: 'A', company: 'Acme' } })).status).toBe(200);
		sandbox.setRejectUnknownFields(true);
		const res = await patch({ contact: { name: 'A', company: 'Acme' } });
		expect(res.status).toBe(400);
		expect(res.json.message).toBe("body/contact must NOT have additional properties ('company')");
	});
});
