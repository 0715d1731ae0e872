/**
 * Create or Update through n8n's engine against the sandbox: the look-up, then the update of the one
 * match or each vendor's documented create; never two contacts for one look-up value in an execution,
 * a lost create looked up before it is sent again, a duplicate refusal (409) or a find-or-create match
 * turned into an update, and failures that name the item, the provider and the create.
 */
import type { IDataObject } from 'n8n-workflow';

import { trackedNode } from '../helpers/runs';
import { CONTACT_HUB_TYPE, contactHubWorkflow, runWorkflow } from '../helpers/workflow';
import { CREATE_ROUTES, DOCUMENTED } from '../sandbox';
import {
	createRequest,
	credentialsFor,
	EMAIL_LOOKUP,
	inVendorKeys,
	jsonOf,
	LABEL,
	NAME_KEY,
	pairedOf,
	READ_ONLY_KEY,
	READ_ONLY_VENDORS,
	run,
	sent,
	updateRequest,
	useSandbox,
	VENDOR_LIST,
	type Sandbox,
	type Vendor,
} from './harness';

const sandbox = useSandbox();

/** Create or Update by email with a name. */
const upsertByEmail = (provider: Vendor, email: string, extra: IDataObject = {}): IDataObject => ({
	provider,
	operation: 'upsert',
	identifyBy: 'email',
	lookupValue: email,
	updateFields: { name: 'New Person' },
	...extra,
});

/** The documented create of a contact with upsertByEmail's name and `email` (Bland AI: its resolve). */
const CREATE = (vendor: Vendor, email: string) => createRequest(vendor, inVendorKeys(vendor, { name: 'New Person', email }));

/** The documented update of the name that upsertByEmail sends. */
const UPDATE = (vendor: Vendor, id: string) => updateRequest(vendor, id, inVendorKeys(vendor, { name: 'New Person' }));

/** One contact in the vendor's own field names. */
function person(vendor: Vendor, id: string, email: string, name = 'Old Name'): IDataObject & { id: string } {
	return { id, ...inVendorKeys(vendor, { name, email }) };
}

/** The stored contacts of a vendor that have `email` (ignoring case), found through its registry of contacts. */
function storedWithEmail(box: Sandbox, vendor: Vendor, email: string, ids: string[]): string[] {
	const key = DOCUMENTED[vendor].keys.email;
	return ids.filter((id) => String(box.getContact(vendor, id)?.[key] ?? '').toLowerCase() === email.toLowerCase());
}

/** The ID a create request's answer gave, read from the output. */
const outputId = (json: IDataObject) => String(json.id);

describe.each(VENDOR_LIST)('%s', (vendor) => {
	test('none matches: the documented create, with the email looked up by; output says created', async () => {
		const result = await run(sandbox(), upsertByEmail(vendor, 'New.Person@Example.com '));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP[vendor]('New.Person@Example.com'), CREATE(vendor, 'New.Person@Example.com')]);
		const [json] = jsonOf(result.items);
		expect(json).toMatchObject({ provider: vendor, name: 'New Person', email: 'New.Person@Example.com', created: true });
		expect(sandbox().getContact(vendor, outputId(json))).toMatchObject(inVendorKeys(vendor, { name: 'New Person', email: 'New.Person@Example.com' }));
		expect(sandbox().stats().created[vendor]).toBe(1);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
		expect(pairedOf(result.items)).toEqual([{ item: 0 }]);
	});

	test('one matches: it is updated, nothing is created; output says created false', async () => {
		sandbox().seed(vendor, person(vendor, 'p-1', 'pat@example.com'));
		const result = await run(sandbox(), upsertByEmail(vendor, 'PAT@example.com'));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP[vendor]('PAT@example.com'), UPDATE(vendor, 'p-1')]);
		expect(jsonOf(result.items)[0]).toMatchObject({ provider: vendor, id: 'p-1', created: false });
		expect(sandbox().getContact(vendor, 'p-1')?.[NAME_KEY[vendor]]).toBe('New Person');
		expect(sandbox().stats().created[vendor]).toBe(0);
	});

	test('items with the same email (in any case) create one contact between them, at Parallel Requests 8', async () => {
		const emails = ['twin@example.com', ' TWIN@example.com', 'other@example.com', 'Twin@Example.com', 'twin@example.com'];
		const result = await run(
			sandbox(),
			upsertByEmail(vendor, '={{ $json.email }}', { updateFields: { name: '={{ $json.name }}' }, options: { parallelRequests: 8 } }),
			emails.map((email, index) => ({ email, name: `Name ${index}` })),
		);
		expect(result.error).toBeUndefined();
		const out = jsonOf(result.items);
		expect(sandbox().stats().created[vendor]).toBe(2);
		const twins = [0, 1, 3, 4].map((index) => out[index]);
		expect(new Set(twins.map(outputId)).size).toBe(1);
		expect(twins.filter((json) => json.created === true)).toHaveLength(1);
		expect(out[2]).toMatchObject({ created: true });
		expect(sent(sandbox()).filter(([method, path]) => method === 'POST' && path === CREATE_ROUTES[vendor].path)).toHaveLength(2);
	});

	test('Dry Run: the look-up is made, the create it would send is output, nothing is created', async () => {
		const result = await run(sandbox(), upsertByEmail(vendor, 'dry@example.com', { options: { dryRun: true } }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP[vendor]('dry@example.com')]);
		const [, path, body] = CREATE(vendor, 'dry@example.com');
		expect(jsonOf(result.items)[0]).toMatchObject({
			dryRun: true,
			provider: vendor,
			action: 'create',
			contactId: null,
			lookup: { identifyBy: 'email', value: 'dry@example.com' },
			method: 'POST',
			url: sandbox().baseUrl(vendor) + path,
			body,
		});
		expect(sandbox().stats().created[vendor]).toBe(0);
	});

	test('Raw output is the answer to the last request', async () => {
		const result = await run(sandbox(), upsertByEmail(vendor, 'raw@example.com', { options: { output: 'raw' } }));
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items)[0]).not.toHaveProperty('created');
		expect(JSON.stringify(result.items[0].json)).toContain(vendor === 'openCx' ? '"id"' : 'raw@example.com');
	});

	test('a create whose answer is lost (it commits, then never answers): looked up again, never created twice', async () => {
		sandbox().addFault({ kind: 'hang', phase: 'after', vendor, ...CREATE_ROUTES[vendor] });
		const result = await run(sandbox(), upsertByEmail(vendor, 'lost@example.com', { options: { timeout: 400 } }));
		expect(result.error).toBeUndefined();
		expect(sandbox().stats().created[vendor]).toBe(1);
		const creates = sent(sandbox()).filter(([method, path]) => method === 'POST' && path === CREATE_ROUTES[vendor].path);
		expect(creates).toHaveLength(1);
		const lookups = sent(sandbox()).filter(([method, path]) => `${method} ${path}` === EMAIL_LOOKUP[vendor]('lost@example.com').slice(0, 2).join(' '));
		expect(lookups).toHaveLength(2);
		expect(jsonOf(result.items)[0]).toMatchObject({ created: true, email: 'lost@example.com' });
	});

	test('a create whose answer is lost, then a look-up that fails: the error says the contact may have been created', async () => {
		const [method, path] = EMAIL_LOOKUP[vendor]('unsure@example.com');
		sandbox().addFault({ kind: 'hang', phase: 'after', vendor, ...CREATE_ROUTES[vendor] });
		sandbox().addFault({ kind: 'status500', vendor, method, path: path.split('?')[0], skip: 1 });
		const result = await run(sandbox(), upsertByEmail(vendor, 'unsure@example.com', { options: { timeout: 400, maxRetries: 0 } }));
		expect(result.error?.message).toContain(LABEL[vendor]);
		expect(result.error?.description).toContain(
			`The create was sent once without an answer that says whether it was applied, and this look-up after it failed, so ${LABEL[vendor]} may have created the contact. Check ${LABEL[vendor]} before running the item again.`,
		);
		expect(sandbox().stats().created[vendor]).toBe(1);
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP[vendor]('unsure@example.com'), CREATE(vendor, 'unsure@example.com'), EMAIL_LOOKUP[vendor]('unsure@example.com')]);
	});

	test('a create that fails before committing, each time: sent Max Retries + 1 times, the error says none was applied', async () => {
		sandbox().addFault({ kind: 'status500', vendor, ...CREATE_ROUTES[vendor], count: 2 });
		const result = await run(sandbox(), upsertByEmail(vendor, 'refused@example.com', { options: { maxRetries: 1, maxRetryWaitSeconds: 0 } }));
		expect(result.error?.message).toContain(LABEL[vendor]);
		expect(result.error?.description).toContain(
			`The create was sent 2 times, each time without an answer that says whether it was applied; after each, Contact Hub looked the contact up again by its email and did not find it, so it was not created twice. Check ${LABEL[vendor]} before running the item again.`,
		);
		expect(sandbox().stats().created[vendor]).toBe(0);
		const [lookup, create] = [EMAIL_LOOKUP[vendor]('refused@example.com'), CREATE(vendor, 'refused@example.com')];
		expect(sent(sandbox())).toEqual([lookup, create, lookup, create, lookup]);
	});

	test('a create that fails with a 500 before committing is looked up, then sent again; one contact', async () => {
		sandbox().addFault({ kind: 'status500', vendor, ...CREATE_ROUTES[vendor] });
		const result = await run(sandbox(), upsertByEmail(vendor, 'retry@example.com', { options: { maxRetryWaitSeconds: 0 } }));
		expect(result.error).toBeUndefined();
		expect(sandbox().stats().created[vendor]).toBe(1);
		const [lookup, create] = [EMAIL_LOOKUP[vendor]('retry@example.com'), CREATE(vendor, 'retry@example.com')];
		expect(sent(sandbox())).toEqual([lookup, create, lookup, create]);
		expect(jsonOf(result.items)[0]).toMatchObject({ created: true });
	});
});

describe('a contact that appears after the look-up (another execution made it)', () => {
	test.each(['leadLex', 'raze'] as Vendor[])('%s: the create is refused as a duplicate (409), so the contact is looked up again and updated', async (vendor) => {
		sandbox().seedAfterNextLookup(vendor, person(vendor, 'late-1', 'late@example.com'));
		const result = await run(sandbox(), upsertByEmail(vendor, 'late@example.com'));
		expect(result.error).toBeUndefined();
		const lookup = EMAIL_LOOKUP[vendor]('late@example.com');
		expect(sent(sandbox())).toEqual([lookup, CREATE(vendor, 'late@example.com'), lookup, UPDATE(vendor, 'late-1')]);
		expect(jsonOf(result.items)[0]).toMatchObject({ id: 'late-1', created: false });
		expect(sandbox().stats().created[vendor]).toBe(0);
		expect(sandbox().getContact(vendor, 'late-1')?.[NAME_KEY[vendor]]).toBe('New Person');
	});

	test("blandAi: resolve answers the existing contact (created false); it is read by ID, checked to carry the email, then updated", async () => {
		sandbox().seedAfterNextLookup('blandAi', person('blandAi', 'late-b', 'late@example.com'));
		const result = await run(sandbox(), upsertByEmail('blandAi', 'late@example.com'));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([
			EMAIL_LOOKUP.blandAi('late@example.com'),
			CREATE('blandAi', 'late@example.com'),
			['GET', '/v1/contacts/late-b', undefined],
			UPDATE('blandAi', 'late-b'),
		]);
		expect(jsonOf(result.items)[0]).toMatchObject({ id: 'late-b', created: false });
		expect(sandbox().stats().created.blandAi).toBe(0);
	});

	test('blandAi: resolve answers a contact without the email (a loose match): the item fails, nothing is updated', async () => {
		sandbox().seed('blandAi', person('blandAi', 'someone-else', 'else@example.com'));
		sandbox().setBlandFindAnswer('unrelated');
		// The find answers an unrelated contact too, which the look-up refuses: so the resolve is asked.
		const result = await run(sandbox(), upsertByEmail('blandAi', 'new@example.com'));
		expect(result.error?.message).toMatch(
			/^Bland AI answered the create of the contact with email "new@example.com" with an existing contact \(.+\) that does not have that email; nothing was created or updated \(item 0\)$/,
		);
		expect(sandbox().stats().updatesApplied.blandAi).toBe(0);
		expect(sent(sandbox()).some(([method]) => method === 'PATCH')).toBe(false);
	});

	test('openCx documents no duplicate check: a second contact is created (the README says so)', async () => {
		sandbox().seedAfterNextLookup('openCx', person('openCx', 'late-o', 'late@example.com'));
		const result = await run(sandbox(), upsertByEmail('openCx', 'late@example.com'));
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items)[0]).toMatchObject({ created: true });
		expect(storedWithEmail(sandbox(), 'openCx', 'late@example.com', ['late-o', outputId(jsonOf(result.items)[0])])).toHaveLength(2);
	});
});

describe('creates as each vendor documents them', () => {
	test('Raze requires a name: an item to create without one fails before the create, naming the field', async () => {
		const result = await run(sandbox(), upsertByEmail('raze', 'noname@example.com', { updateFields: { company: 'Acme' } }));
		expect(result.error?.message).toBe('Raze: Name is required to create a contact, and no contact has email "noname@example.com"; nothing was created (item 0)');
		expect(result.error?.description).toMatch(/^Field "Name": /);
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP.raze('noname@example.com')]);
	});

	test('Raze without a name still updates a contact it finds', async () => {
		sandbox().seed('raze', person('raze', 'r-1', 'has@example.com'));
		const result = await run(sandbox(), upsertByEmail('raze', 'has@example.com', { updateFields: { company: 'Acme' } }));
		expect(result.error).toBeUndefined();
		expect(sandbox().getContact('raze', 'r-1')).toMatchObject({ name: 'Old Name', company: 'Acme' });
	});

	test('LeadLex: the create says company (not company_name); Notes follow in one update after it', async () => {
		const result = await run(
			sandbox(),
			upsertByEmail('leadLex', 'lex@example.com', { updateFields: { name: 'Lex Person', company: 'Acme Legal', notes: 'First call' } }),
		);
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result.items);
		expect(sent(sandbox())).toEqual([
			EMAIL_LOOKUP.leadLex('lex@example.com'),
			['POST', '/v1/contacts', { full_name: 'Lex Person', email: 'lex@example.com', company: 'Acme Legal' }],
			['PATCH', `/v1/contacts/${outputId(json)}`, { notes: 'First call' }],
		]);
		expect(json).toMatchObject({ name: 'Lex Person', company: 'Acme Legal', notes: 'First call', created: true });
		expect(sandbox().getContact('leadLex', outputId(json))).toMatchObject({ company_name: 'Acme Legal', notes: 'First call' });
	});

	test('OpenCX: HTTP Action Overrides follow in one update after the create', async () => {
		const overrides = { headers: { 'X-Tier': 'gold' } };
		const result = await run(
			sandbox(),
			upsertByEmail('openCx', 'ocx@example.com', { updateFields: { name: 'Ocx Person', httpActionOverrides: JSON.stringify(overrides) } }),
		);
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result.items);
		expect(sent(sandbox()).slice(1)).toEqual([
			['POST', '/contacts', { contact: { name: 'Ocx Person', email: 'ocx@example.com' } }],
			['PATCH', `/contacts/${outputId(json)}`, { contact: { http_action_overrides: overrides } }],
		]);
		expect(json).toMatchObject({ name: 'Ocx Person', email: 'ocx@example.com', created: true });
		expect(sandbox().getContact('openCx', outputId(json))).toMatchObject({ http_action_overrides: overrides });
	});

	test('Bland AI by phone: resolve gets the phone in E.164 as phone_number, the other identifiers follow in the update', async () => {
		const result = await run(sandbox(), {
			provider: 'blandAi',
			operation: 'upsert',
			identifyBy: 'phone',
			lookupValue: '+1 (415) 555-0199',
			updateFields: { name: 'Caller', externalId: 'crm-7' },
		});
		expect(result.error).toBeUndefined();
		const [json] = jsonOf(result.items);
		expect(sent(sandbox())).toEqual([
			['POST', '/v1/contacts/find', { phone_number: '+14155550199' }],
			['POST', '/v1/contacts/resolve', { phone_number: '+14155550199', name: 'Caller' }],
			['PATCH', `/v1/contacts/${outputId(json)}`, { external_id: 'crm-7' }],
		]);
		expect(json).toMatchObject({ name: 'Caller', externalId: 'crm-7', created: true });
	});

	test('Map Automatically: the look-up key and the fields come from the input item', async () => {
		const result = await run(
			sandbox(),
			{ provider: 'raze', operation: 'upsert', mappingMode: 'autoMapInputData', identifyBy: 'email' },
			[{ email: 'auto@example.com', name: 'Auto Person', jobTitle: 'CTO', unrelated: 'x' }],
		);
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())[1]).toEqual(['POST', '/external/v1/contacts', { name: 'Auto Person', email: 'auto@example.com', position: 'CTO' }]);
	});
});

describe('failures and the run report', () => {
	test('the vendors whose pages document read-only keys are all here', () => {
		expect(READ_ONLY_VENDORS).toEqual(expect.arrayContaining(['leadLex', 'openCx', 'raze']));
	});

	test.each(READ_ONLY_VENDORS)('%s: a refused create names the item, the provider, the create, the status and the message', async (vendor) => {
		const result = await run(sandbox(), upsertByEmail(vendor, 'ro@example.com'), [{}], { keys: { [vendor]: READ_ONLY_KEY[vendor] } });
		expect(result.error?.message).toMatch(new RegExp(`^${LABEL[vendor]} denied the create of the contact with email "ro@example.com" \\(403[^)]*\\): .+ \\(item 0\\)$`));
		expect(sandbox().stats().created[vendor]).toBe(0);
	});

	test('the run report counts created items', async () => {
		const result = await run(
			sandbox(),
			upsertByEmail('raze', '={{ $json.email }}', { updateFields: { name: '={{ $json.name }}' } }),
			[{ email: 'a@example.com', name: 'A' }, { email: 'b@example.com', name: '' }, { email: 'c@example.com', name: 'C' }],
		);
		expect(result.error?.message).toMatch(/ — created: item 0; failed: item 1; not sent: item 2$/);
	});

	test('a 429 on the create is waited for and retried', async () => {
		// No rate-limit headers, so header pacing cannot foresee it: the create meets the 429.
		sandbox().setRateLimit('raze', { limit: 1, windowMs: 1000, signals: 'none' });
		const result = await run(sandbox(), upsertByEmail('raze', 'paced@example.com', { options: { maxRetryWaitSeconds: 2 } }));
		expect(result.error).toBeUndefined();
		expect(sandbox().stats().created.raze).toBe(1);
		expect(sandbox().requests.map((request) => [request.method, request.status])).toEqual([
			['GET', 200],
			['POST', 429],
			...Array.from({ length: sandbox().requests.length - 3 }, () => ['POST', 429]),
			['POST', 201],
		]);
	});
});

describe('cancel', () => {
	test('a cancel during a create reports the item as possibly created; no request starts after it', async () => {
		sandbox().addFault({ kind: 'hang', phase: 'after', vendor: 'raze', ...CREATE_ROUTES.raze });
		const tracked = trackedNode();
		let cancelledAt = 0;
		const workflow = contactHubWorkflow(upsertByEmail('raze', '={{ $json.email }}'));
		await runWorkflow(workflow, [{ email: 'c1@example.com' }, { email: 'c2@example.com' }], credentialsFor(sandbox()), {
			nodeTypes: { [CONTACT_HUB_TYPE]: tracked.node },
			onRunning: (cancel) => {
				setTimeout(() => {
					cancelledAt = Date.now();
					cancel();
				}, 300);
			},
		});
		const settled = await tracked.settled;
		expect(settled.error?.message).toBe('The execution was cancelled — in flight when the run stopped (may have been created): item 0; not sent: item 1');
		expect(sandbox().requests.filter((request) => request.at > cancelledAt)).toEqual([]);
		expect(sandbox().stats().created.raze).toBe(1);
	});
});
