/**
 * Each provider through n8n's engine against the sandbox: the exact request for a full and a
 * one-field update, the state read back afterwards, simplified and raw output, and dry run.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	AUTH_HEADER,
	dryRunHeaders,
	METHOD,
	SANDBOX_KEYS,
	SEED_IDS,
	UPDATE_PATH,
	expectNoKey,
	jsonOf,
	pairedOf,
	run,
	sent,
	useSandbox,
	visibleText,
	type Sandbox,
	type Vendor,
} from './harness';

const sandbox = useSandbox();

/** The header names that carry a key in some vendor's documented auth: each vendor's requests carry only its own. */
const KEY_HEADERS = [...new Set(Object.values(AUTH_HEADER).map(([name]) => name))];

/** The one update request of a run, checked for method, path, auth header form and JSON headers. */
function expectOneUpdate(box: Sandbox, vendor: Vendor, id: string, body: IDataObject): void {
	expect(box.requests).toHaveLength(1);
	const [request] = box.requests;
	expect(request.vendor).toBe(vendor);
	expect(request.method).toBe(METHOD[vendor]);
	expect(request.path).toBe(UPDATE_PATH[vendor](encodeURIComponent(id)));
	expect(request.body).toEqual(body);
	const [name, form] = AUTH_HEADER[vendor];
	expect(request.headers[name]).toBe(form(SANDBOX_KEYS[vendor].valid));
	// Only the documented header carries the key (Raze also accepts Bearer, but the node sends X-API-Key).
	for (const other of KEY_HEADERS.filter((header) => header !== name)) expect(request.headers[other]).toBeUndefined();
	expect(request.headers['content-type']).toBe('application/json');
	expect(request.headers.accept).toBe('application/json');
}

describe('Bland AI', () => {
	const id = SEED_IDS.blandAi;
	const full = {
		name: 'Jane Roe',
		email: 'jane.roe@example.com',
		externalId: 'crm-42',
		customFields: {
			json: [{ object: '{"preferences": {"language": "de"}, "score": 7}' }],
			field: [{ key: 'plan', value: 'pro' }],
		},
	};

	test('full update: PATCH /v1/contacts/{id}, raw key in authorization, metadata merged', async () => {
		const result = await run(sandbox(), { provider: 'blandAi', contactId: id, updateFields: full });
		expect(result.error).toBeUndefined();
		expectOneUpdate(sandbox(), 'blandAi', id, {
			name: 'Jane Roe',
			email: 'jane.roe@example.com',
			external_id: 'crm-42',
			metadata: { preferences: { language: 'de' }, score: 7, plan: 'pro' },
		});

		const stored = sandbox().getContact('blandAi', id)!;
		expect(stored).toMatchObject({ name: 'Jane Roe', email: 'jane.roe@example.com', external_id: 'crm-42' });
		// Merged key by key: source and verified stay, preferences is replaced, score and plan are added.
		expect(stored.metadata).toEqual({
			source: 'web_signup',
			preferences: { language: 'de' },
			verified: true,
			score: 7,
			plan: 'pro',
		});

		expect(jsonOf(result.items)).toEqual([
			{
				provider: 'blandAi',
				id,
				name: 'Jane Roe',
				email: 'jane.roe@example.com',
				phone: null,
				company: null,
				jobTitle: null,
				linkedinUrl: null,
				externalId: 'crm-42',
				tags: null,
				customFields: stored.metadata,
				notes: null,
				createdAt: '2025-07-20T10:30:00.000Z',
				updatedAt: stored.updated_at,
			},
		]);
		expect(pairedOf(result.items)).toEqual([{ item: 0 }]);
		expect(stored.updated_at).not.toBe('2025-07-20T10:30:00.000Z');
	});

	test('one-field update sends only that field; the rest of the contact stays', async () => {
		const result = await run(sandbox(), { provider: 'blandAi', contactId: id, updateFields: { externalId: 'crm-7' } });
		expectOneUpdate(sandbox(), 'blandAi', id, { external_id: 'crm-7' });
		expect(sandbox().getContact('blandAi', id)).toMatchObject({
			name: 'John Smith',
			external_id: 'crm-7',
			metadata: { source: 'web_signup', preferences: { language: 'en' }, verified: true },
		});
		expect(result.items[0].json).toMatchObject({ name: 'John Smith', externalId: 'crm-7' });
	});

	test('raw output is the vendor body as it came', async () => {
		const result = await run(sandbox(), {
			provider: 'blandAi',
			contactId: id,
			updateFields: { name: 'Raw Name' },
			options: { output: 'raw' },
		});
		expect(jsonOf(result.items)).toEqual([{ data: sandbox().getContact('blandAi', id), errors: null }]);
	});
});

describe('LeadLex', () => {
	const id = SEED_IDS.leadLex;
	const seedNotes = 'Met at conference. Interested in legal automation tools.';
	const full = {
		name: 'Jane Q. Doe',
		email: 'jane.doe@acme-legal.com',
		phone: '+1-555-9999',
		company: 'Acme Legal LLP',
		jobTitle: 'Chief Legal Officer',
		linkedinUrl: 'https://www.linkedin.com/in/jane-doe',
		notes: 'Promoted to CLO in Q1 2026',
	};

	test('full update: PATCH /v1/contacts/{id}, Bearer key, vendor field names, notes appended', async () => {
		const result = await run(sandbox(), { provider: 'leadLex', contactId: id, updateFields: full });
		expect(result.error).toBeUndefined();
		expectOneUpdate(sandbox(), 'leadLex', id, {
			full_name: 'Jane Q. Doe',
			email: 'jane.doe@acme-legal.com',
			phone: '+1-555-9999',
			company_name: 'Acme Legal LLP',
			job_title: 'Chief Legal Officer',
			linkedin_url: 'https://www.linkedin.com/in/jane-doe',
			notes: 'Promoted to CLO in Q1 2026',
		});

		const stored = sandbox().getContact('leadLex', id)!;
		expect(stored).toMatchObject({
			full_name: 'Jane Q. Doe',
			email: 'jane.doe@acme-legal.com',
			phone: '+1-555-9999',
			company_name: 'Acme Legal LLP',
			job_title: 'Chief Legal Officer',
			linkedin_url: 'https://www.linkedin.com/in/jane-doe',
			notes: `${seedNotes}\nPromoted to CLO in Q1 2026`,
		});
		expect(jsonOf(result.items)).toEqual([
			{
				provider: 'leadLex',
				id,
				name: 'Jane Q. Doe',
				email: 'jane.doe@acme-legal.com',
				phone: '+1-555-9999',
				company: 'Acme Legal LLP',
				jobTitle: 'Chief Legal Officer',
				linkedinUrl: 'https://www.linkedin.com/in/jane-doe',
				externalId: null,
				tags: null,
				customFields: null,
				notes: `${seedNotes}\nPromoted to CLO in Q1 2026`,
				createdAt: '2026-01-15T09:00:00Z',
				updatedAt: stored.updated_date,
			},
		]);
	});

	test('one-field update; notes sent twice are appended twice', async () => {
		await run(sandbox(), { provider: 'leadLex', contactId: id, updateFields: { phone: '+1-555-0000' } });
		expectOneUpdate(sandbox(), 'leadLex', id, { phone: '+1-555-0000' });
		expect(sandbox().getContact('leadLex', id)).toMatchObject({ full_name: 'Jane Doe', phone: '+1-555-0000', notes: seedNotes });

		const twice = await run(sandbox(), { provider: 'leadLex', contactId: id, updateFields: { notes: 'Call booked' } }, [{}, {}]);
		expect(sent(sandbox()).slice(1)).toEqual([
			['PATCH', `/v1/contacts/${id}`, { notes: 'Call booked' }],
			['PATCH', `/v1/contacts/${id}`, { notes: 'Call booked' }],
		]);
		expect(sandbox().getContact('leadLex', id)!.notes).toBe(`${seedNotes}\nCall booked\nCall booked`);
		expect(twice.items[1].json.notes).toBe(`${seedNotes}\nCall booked\nCall booked`);
	});

	test('raw output is the vendor body as it came', async () => {
		const result = await run(sandbox(), {
			provider: 'leadLex',
			contactId: id,
			updateFields: { jobTitle: 'CLO' },
			options: { output: 'raw' },
		});
		expect(jsonOf(result.items)).toEqual([{ data: sandbox().getContact('leadLex', id) }]);
	});
});

describe('OpenCX', () => {
	const id = SEED_IDS.openCx;
	const full = {
		name: 'Maya Chen-Ortiz',
		email: "maya.o'neil+crm@example.co",
		phone: '+14155550199',
		customFields: {
			json: [{ object: '{"seats": 12, "trial": false}' }],
			field: [{ key: 'plan', value: 'pro' }],
		},
		httpActionOverrides: '{"headers": {"X-Tenant": "acme"}, "query_params": {"ref": "n8n", "page": 2}}',
	};
	const customData = { seats: '12', trial: 'false', plan: 'pro' };

	test('full update: PATCH /contacts/{id}, body wrapped in contact, custom values as text', async () => {
		const result = await run(sandbox(), { provider: 'openCx', contactId: id, updateFields: full });
		expect(result.error).toBeUndefined();
		expectOneUpdate(sandbox(), 'openCx', id, {
			contact: {
				name: 'Maya Chen-Ortiz',
				email: "maya.o'neil+crm@example.co",
				phone: '+14155550199',
				custom_data: customData,
				http_action_overrides: { headers: { 'X-Tenant': 'acme' }, query_params: { ref: 'n8n', page: '2' } },
			},
		});
		expect(sandbox().getContact('openCx', id)).toMatchObject({
			name: 'Maya Chen-Ortiz',
			email: "maya.o'neil+crm@example.co",
			phone: '+14155550199',
			custom_data: customData,
			http_action_overrides: { headers: { 'X-Tenant': 'acme' }, query_params: { ref: 'n8n', page: '2' } },
		});
		// OpenCX answers 200 with no body: the simplified contact is the ID and the fields sent.
		expect(jsonOf(result.items)).toEqual([
			{
				provider: 'openCx',
				id,
				name: 'Maya Chen-Ortiz',
				email: "maya.o'neil+crm@example.co",
				phone: '+14155550199',
				company: null,
				jobTitle: null,
				linkedinUrl: null,
				externalId: null,
				tags: null,
				customFields: customData,
				notes: null,
				createdAt: null,
				updatedAt: null,
			},
		]);
	});

	test('one-field update; simplified output holds only what was sent', async () => {
		const result = await run(sandbox(), { provider: 'openCx', contactId: id, updateFields: { phone: '+14155550100' } });
		expectOneUpdate(sandbox(), 'openCx', id, { contact: { phone: '+14155550100' } });
		expect(sandbox().getContact('openCx', id)).toMatchObject({
			name: 'Maya Chen',
			phone: '+14155550100',
			custom_data: { plan: 'enterprise', region: 'us-west' },
		});
		expect(result.items[0].json).toMatchObject({ id, phone: '+14155550100', name: null, email: null, customFields: null });
	});

	test('raw output is an empty object (OpenCX answers with no body)', async () => {
		const result = await run(sandbox(), {
			provider: 'openCx',
			contactId: id,
			updateFields: { name: 'Maya' },
			options: { output: 'raw' },
		});
		expect(jsonOf(result.items)).toEqual([{}]);
		expect(pairedOf(result.items)).toEqual([{ item: 0 }]);
	});
});

describe('Raze', () => {
	const id = SEED_IDS.raze;
	const full = {
		name: 'John Q. Doe',
		email: 'john.doe@acme.io',
		phone: '+5511988887777',
		company: 'Acme Inc',
		jobTitle: 'VP of Engineering',
		linkedinUrl: 'https://linkedin.com/in/johnqdoe',
		tags: 'enterprise, vip ,',
		customFields: { json: [{ object: '{"score": 9}' }], field: [{ key: 'source', value: 'n8n' }] },
	};

	test('full update: PUT /external/v1/contacts/{id}, X-API-Key, tags replace the list', async () => {
		const result = await run(sandbox(), { provider: 'raze', contactId: id, updateFields: full });
		expect(result.error).toBeUndefined();
		expectOneUpdate(sandbox(), 'raze', id, {
			name: 'John Q. Doe',
			email: 'john.doe@acme.io',
			phone: '+5511988887777',
			company: 'Acme Inc',
			position: 'VP of Engineering',
			linkedin_url: 'https://linkedin.com/in/johnqdoe',
			tags: ['enterprise', 'vip'],
			custom_fields: { score: 9, source: 'n8n' },
		});
		const stored = sandbox().getContact('raze', id)!;
		expect(stored).toMatchObject({
			name: 'John Q. Doe',
			position: 'VP of Engineering',
			tags: ['enterprise', 'vip'], // hot-lead is gone: replaced, not added to
			custom_fields: { score: 9, source: 'n8n' },
		});
		expect(jsonOf(result.items)).toEqual([
			{
				provider: 'raze',
				id,
				name: 'John Q. Doe',
				email: 'john.doe@acme.io',
				phone: '+5511988887777',
				company: 'Acme Inc',
				jobTitle: 'VP of Engineering',
				linkedinUrl: 'https://linkedin.com/in/johnqdoe',
				externalId: null,
				tags: ['enterprise', 'vip'],
				customFields: { score: 9, source: 'n8n' },
				notes: null,
				createdAt: '2024-01-15T10:30:00Z',
				updatedAt: stored.updated_at,
			},
		]);
	});

	test('one-field update: tags alone replace the whole list, nothing else changes', async () => {
		const result = await run(sandbox(), { provider: 'raze', contactId: id, updateFields: { tags: 'enterprise' } });
		expectOneUpdate(sandbox(), 'raze', id, { tags: ['enterprise'] });
		expect(sandbox().getContact('raze', id)).toMatchObject({
			name: 'John Doe',
			position: 'Engineering Manager',
			tags: ['enterprise'],
		});
		expect(result.items[0].json).toMatchObject({ name: 'John Doe', tags: ['enterprise'] });
	});

	test('raw output is the vendor body as it came', async () => {
		const result = await run(sandbox(), {
			provider: 'raze',
			contactId: id,
			updateFields: { company: 'Acme Corp' },
			options: { output: 'raw' },
		});
		expect(jsonOf(result.items)).toEqual([{ success: true, data: sandbox().getContact('raze', id) }]);
	});
});

describe('dry run sends nothing and shows the request without the key', () => {
	const cases: Array<[Vendor, IDataObject, IDataObject]> = [
		[
			'blandAi',
			{ name: 'Ann', customFields: { field: [{ key: 'plan', value: 'pro' }] } },
			{ name: 'Ann', metadata: { plan: 'pro' } },
		],
		[
			'leadLex',
			{ name: 'Ann', notes: 'Dry note' },
			{ full_name: 'Ann', notes: 'Dry note' },
		],
		[
			'openCx',
			{ email: 'ann@acme.io', customFields: { json: [{ object: '{"tier": 2}' }] } },
			{ contact: { email: 'ann@acme.io', custom_data: { tier: '2' } } },
		],
		[
			'raze',
			{ jobTitle: 'VP', tags: 'a, b' },
			{ position: 'VP', tags: ['a', 'b'] },
		],
	];

	test.each(cases)('%s', async (vendor, updateFields, body) => {
		const id = SEED_IDS[vendor];
		const before = sandbox().getContact(vendor, id);
		const result = await run(sandbox(), { provider: vendor, contactId: id, updateFields, options: { dryRun: true } }, [
			{},
			{},
		]);
		expect(sandbox().requests).toEqual([]);
		expect(sandbox().stats().total).toBe(0);
		expect(sandbox().getContact(vendor, id)).toEqual(before);
		const expected = {
			dryRun: true,
			provider: vendor,
			contactId: id,
			method: METHOD[vendor],
			url: sandbox().baseUrl(vendor) + UPDATE_PATH[vendor](id),
			headers: dryRunHeaders(vendor),
			body,
		};
		expect(jsonOf(result.items)).toEqual([expected, expected]);
		expect(pairedOf(result.items)).toEqual([{ item: 0 }, { item: 1 }]);
		expectNoKey(visibleText(result));
	});

	test('dry run still validates: a bad field fails the item and nothing is sent', async () => {
		const result = await run(sandbox(), {
			provider: 'openCx',
			contactId: SEED_IDS.openCx,
			updateFields: { email: 'a..b@x.com' },
			options: { dryRun: true },
		});
		expect(result.error?.message).toBe('OpenCX: Email "a..b@x.com" is not a valid email address for OpenCX (item 0)');
		expect(sandbox().requests).toEqual([]);
	});
});

test('the base URL may end with a slash: the path is still the documented one', async () => {
	await run(
		sandbox(),
		{ provider: 'raze', contactId: SEED_IDS.raze, updateFields: { company: 'Acme' } },
		[{}],
		{ baseUrls: { raze: `${sandbox().baseUrl('raze')}//` } },
	);
	expect(sent(sandbox())).toEqual([['PUT', `/external/v1/contacts/${SEED_IDS.raze}`, { company: 'Acme' }]]);
	expect(sandbox().requests[0].rawPath).toBe(`/raze/external/v1/contacts/${SEED_IDS.raze}`);
});
