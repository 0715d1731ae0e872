/**
 * Identify Contact By through n8n's engine against the sandbox: each vendor's documented look-up,
 * exact matches only, every page read, none / one / several matches, If Not Found, Dry Run,
 * retries and the throttle, and bad look-up input refused before anything is sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { MAX_CANDIDATES } from '../../nodes/ContactHub/engine/lookup';
import {
	EMAIL_LOOKUP,
	inVendorKeys,
	jsonOf,
	LABEL,
	NAME_KEY,
	pairedOf,
	run,
	sent,
	updateRequest,
	useSandbox,
	VENDOR_LIST,
	type Sandbox,
	type Vendor,
} from './harness';

const sandbox = useSandbox();

const byEmail = (provider: Vendor, email: string, extra: IDataObject = {}): IDataObject => ({
	provider,
	identifyBy: 'email',
	lookupValue: email,
	updateFields: { name: 'Found Person' },
	...extra,
});

/** One contact in the vendor's own field names, with the email (and phone) given. */
function seedPerson(box: Sandbox, vendor: Vendor, id: string, email: string, phone?: string): void {
	box.seed(vendor, { id, ...inVendorKeys(vendor, { name: 'Person', email, phone: phone ?? null }) });
}

/** The documented update of the name that byEmail sends. */
const UPDATE = (vendor: Vendor, id: string) => updateRequest(vendor, id, inVendorKeys(vendor, { name: 'Found Person' }));

describe.each(VENDOR_LIST)('%s: by email', (vendor) => {
	test('the documented look-up, then the update of the one exact match (case and spaces ignored)', async () => {
		seedPerson(sandbox(), vendor, 'p-exact', 'Pat.Lee@Example.com');
		const result = await run(sandbox(), byEmail(vendor, '  pat.lee@example.com '));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP[vendor]('pat.lee@example.com'), UPDATE(vendor, 'p-exact')]);
		expect(sandbox().getContact(vendor, 'p-exact')?.[NAME_KEY[vendor]]).toBe('Found Person');
		expect(result.items[0].json).toMatchObject({ provider: vendor, id: 'p-exact' });
		expect(pairedOf(result.items)).toEqual([{ item: 0 }]);
	});

	test('no exact match: an error naming provider, value and item; nothing is updated', async () => {
		const result = await run(sandbox(), byEmail(vendor, 'nobody@example.com'));
		expect(result.error?.message).toBe(`${LABEL[vendor]}: no contact with email "nobody@example.com"; nothing was updated (item 0)`);
		expect(result.error?.description).toMatch(/If Not Found to Skip/);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP[vendor]('nobody@example.com')]);
	});

	test('If Not Found = Skip: nothing is sent for the item; it comes out marked, with its pairedItem', async () => {
		seedPerson(sandbox(), vendor, 'p-1', 'one@example.com');
		const items = [{ email: 'one@example.com' }, { email: 'missing@example.com' }];
		const result = await run(
			sandbox(),
			byEmail(vendor, '={{ $json.email }}', { options: { ifNotFound: 'skip' } }),
			items,
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items)[1]).toEqual({ notFound: true, provider: vendor, identifyBy: 'email', lookupValue: 'missing@example.com' });
		expect(pairedOf(result.items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(1);
	});
});

// Bland answers one contact per find, so only the partial-matching vendors can show two.
describe.each(['leadLex', 'openCx', 'raze'] as Vendor[])('%s: partial matches', (vendor) => {
	test('partial matches are never taken for the contact', async () => {
		seedPerson(sandbox(), vendor, 'p-longer', 'xquinn@example.com');
		seedPerson(sandbox(), vendor, 'p-domain', 'quinn@example.com.au');
		const result = await run(sandbox(), byEmail(vendor, 'quinn@example.com'));
		expect(result.error?.message).toMatch(/no contact with email "quinn@example.com"/);
		expect(result.error?.description).toMatch(/answered \d+ contacts? that only partly match/);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
	});

	test('two exact matches: an error with how many and their IDs; none is updated', async () => {
		seedPerson(sandbox(), vendor, 'dup-a', 'same@example.com');
		seedPerson(sandbox(), vendor, 'dup-b', 'SAME@example.com');
		const result = await run(sandbox(), byEmail(vendor, 'same@example.com'));
		expect(result.error?.message).toMatch(/: 2 contacts have email "same@example.com" \(dup-a, dup-b\); none was updated \(item 0\)$/);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
		expect(sent(sandbox()).every(([method]) => method === 'GET')).toBe(true);
	});
});

describe.each(['leadLex', 'raze'] as Vendor[])('%s: paging', (vendor) => {
	test('every page is read until the candidates are exhausted; the exact match on a late page is found', async () => {
		for (let i = 1; i <= 250; i++) seedPerson(sandbox(), vendor, `near-${i}`, `a${i}.kim@example.com`);
		seedPerson(sandbox(), vendor, 'the-one', 'kim@example.com');
		const result = await run(sandbox(), byEmail(vendor, 'kim@example.com'));
		expect(result.error).toBeUndefined();
		const lookups = sent(sandbox()).filter(([method]) => method === 'GET');
		expect(lookups.map(([, path]) => /[?&]page=(\d+)/.exec(path)?.[1])).toEqual(['1', '2', '3']);
		expect(sent(sandbox()).at(-1)).toEqual(UPDATE(vendor, 'the-one'));
	});

	test(`past ${MAX_CANDIDATES} partial matches it fails clearly instead of guessing`, async () => {
		for (let i = 1; i <= MAX_CANDIDATES + 1; i++) seedPerson(sandbox(), vendor, `n-${i}`, `b${i}.lou@example.com`);
		seedPerson(sandbox(), vendor, 'lou', 'lou@example.com');
		const result = await run(sandbox(), byEmail(vendor, 'lou@example.com'));
		expect(result.error?.message).toMatch(new RegExp(`the look-up of email "lou@example.com" answered more than ${MAX_CANDIDATES} contacts; none was updated \\(item 0\\)$`));
		expect(sandbox().requests).toHaveLength(MAX_CANDIDATES / 100);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
	});

	test('a list that answers the same page again fails clearly instead of asking forever', async () => {
		sandbox().setListIgnoresPage(true);
		for (let i = 1; i <= 150; i++) seedPerson(sandbox(), vendor, `e-${i}`, `d${i}.eve@example.com`);
		seedPerson(sandbox(), vendor, 'eve', 'eve@example.com');
		const result = await run(sandbox(), byEmail(vendor, 'eve@example.com'));
		expect(result.error?.message).toMatch(/answered page 2 of the look-up of email "eve@example.com" with only contacts it had already sent; nothing was updated \(item 0\)$/);
		expect(sandbox().requests).toHaveLength(2);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
	});

	test(`exactly ${MAX_CANDIDATES} candidates are all read`, async () => {
		for (let i = 1; i < MAX_CANDIDATES; i++) seedPerson(sandbox(), vendor, `m-${i}`, `c${i}.max@example.com`);
		seedPerson(sandbox(), vendor, 'max', 'max@example.com');
		const result = await run(sandbox(), byEmail(vendor, 'max@example.com'));
		expect(result.error).toBeUndefined();
		expect(sandbox().getContact(vendor, 'max')?.[NAME_KEY[vendor]]).toBe('Found Person');
	});
});

describe('Raze: both answer shapes', () => {
	test.each(['documented', 'code'] as const)('%s shape, over several pages', async (shape) => {
		sandbox().setRazeListShape(shape);
		for (let i = 1; i <= 150; i++) seedPerson(sandbox(), 'raze', `r-${i}`, `z${i}.ray@example.com`);
		seedPerson(sandbox(), 'raze', 'ray', 'ray@example.com');
		const result = await run(sandbox(), byEmail('raze', 'ray@example.com'));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox()).filter(([method]) => method === 'GET')).toHaveLength(2);
		expect(sandbox().getContact('raze', 'ray')?.name).toBe('Found Person');
	});
});

describe('phone and external ID', () => {
	test('Bland AI: a formatted phone is sent in E.164 and equals the stored number in its digits', async () => {
		seedPerson(sandbox(), 'blandAi', 'b-phone', 'b@example.com', '+14155550123');
		const result = await run(sandbox(), { provider: 'blandAi', identifyBy: 'phone', lookupValue: '+1 (415) 555-0123', updateFields: { name: 'Found Person' } });
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([['POST', '/v1/contacts/find', { phone_number: '+14155550123' }], UPDATE('blandAi', 'b-phone')]);
	});

	test('OpenCX: by phone, exact in its digits among full-text matches', async () => {
		seedPerson(sandbox(), 'openCx', 'o-near', 'near@example.com', '+121255501990');
		seedPerson(sandbox(), 'openCx', 'o-phone', 'o@example.com', '+12125550199');
		const result = await run(sandbox(), { provider: 'openCx', identifyBy: 'phone', lookupValue: '(+1) 212-555-0199', updateFields: { name: 'Found Person' } });
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())[0]).toEqual(['GET', '/chat/sessions/search?q=%2B12125550199', undefined]);
		expect(sent(sandbox())[1]).toEqual(UPDATE('openCx', 'o-phone'));
	});

	test('OpenCX: a phone stored formatted is found by a second search with the value as given', async () => {
		seedPerson(sandbox(), 'openCx', 'o-formatted', 'of@example.com', '+1 (415) 555-0177');
		const given = '+1 (415) 555-0177';
		const result = await run(sandbox(), { provider: 'openCx', identifyBy: 'phone', lookupValue: given, updateFields: { name: 'Found Person' } });
		expect(result.error).toBeUndefined();
		const search = (q: string) => ['GET', `/chat/sessions/search?${new URLSearchParams({ q }).toString()}`, undefined];
		expect(sent(sandbox())).toEqual([search('+14155550177'), search(given), UPDATE('openCx', 'o-formatted')]);
	});

	test('OpenCX: a phone found by neither search is not found, after both; Bland AI asks in E.164 only', async () => {
		const lookup = { identifyBy: 'phone', lookupValue: '+1 (415) 555-0188', updateFields: { name: 'x' } };
		const openCx = await run(sandbox(), { provider: 'openCx', ...lookup });
		expect(openCx.error?.message).toBe('OpenCX: no contact with phone "+1 (415) 555-0188"; nothing was updated (item 0)');
		expect(sent(sandbox())).toHaveLength(2);
		sandbox().reset();
		const bland = await run(sandbox(), { provider: 'blandAi', ...lookup });
		expect(bland.error?.message).toBe('Bland AI: no contact with phone "+1 (415) 555-0188"; nothing was updated (item 0)');
		expect(sent(sandbox())).toEqual([['POST', '/v1/contacts/find', { phone_number: '+14155550188' }]]);
	});

	test('Bland AI: by external ID, exact as text', async () => {
		sandbox().seed('blandAi', { id: 'b-ext', name: 'X', external_id: 'crm-77' });
		const result = await run(sandbox(), { provider: 'blandAi', identifyBy: 'externalId', lookupValue: 'crm-77', updateFields: { name: 'Found Person' } });
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([['POST', '/v1/contacts/find', { external_id: 'crm-77' }], UPDATE('blandAi', 'b-ext')]);
	});

	test('Bland AI: an answer that does not carry the value counts as not found', async () => {
		seedPerson(sandbox(), 'blandAi', 'b-real', 'real@example.com');
		sandbox().setBlandFindAnswer('unrelated');
		const result = await run(sandbox(), byEmail('blandAi', 'real@example.com'));
		expect(result.error?.message).toBe('Bland AI: no contact with email "real@example.com"; nothing was updated (item 0)');
		expect(result.error?.description).toMatch(/answered 1 contact that only partly matches/);
		expect(sandbox().stats().updatesApplied.blandAi).toBe(0);
	});
});

describe.each(VENDOR_LIST)('%s: a look-up is a read, refused early on bad input', (vendor) => {
	test('retried after a 500 and a reset connection, then the update is sent once', async () => {
		seedPerson(sandbox(), vendor, 'p-retry', 'retry@example.com');
		sandbox().addFault({ kind: 'status500', vendor });
		sandbox().addFault({ kind: 'reset', vendor });
		const result = await run(sandbox(), byEmail(vendor, 'retry@example.com', { options: { maxRetryWaitSeconds: 0.1 } }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox()).slice(2)).toEqual([EMAIL_LOOKUP[vendor]('retry@example.com'), UPDATE(vendor, 'p-retry')]);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(1);
	});

	test('Dry Run looks up and sends no update', async () => {
		seedPerson(sandbox(), vendor, 'p-dry', 'dry@example.com');
		const result = await run(sandbox(), byEmail(vendor, 'dry@example.com', { options: { dryRun: true } }));
		expect(result.items[0].json).toMatchObject({ dryRun: true, contactId: 'p-dry', lookup: { identifyBy: 'email', value: 'dry@example.com' } });
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP[vendor]('dry@example.com')]);
	});

	test('a wrong key on the look-up is reported as the vendor said it', async () => {
		const result = await run(sandbox(), byEmail(vendor, 'k@example.com'), [{}], { keys: { [vendor]: 'wrong_key_0123456789abcdef' } });
		expect(result.error?.message).toMatch(/refused the API key \(401/);
		expect(result.error?.message).toMatch(/\(item 0\)$/);
	});

	test.each([
		['empty', '', /Contact Email is empty \(item 0\)$/],
		['not an email', 'ada.example.com', /Contact Email "ada.example.com" is not an email address \(item 0\)$/],
		['an object', { email: 'a@b.co' }, /Contact Email must be text, got an object \(item 0\)$/],
	])('%s: refused, nothing sent', async (_label, value, message) => {
		const result = await run(sandbox(), byEmail(vendor, '={{ $json.value }}'), [{ value }]);
		expect(result.error?.message).toMatch(message);
		expect(sandbox().requests).toEqual([]);
	});
});

describe('a look-up is a read', () => {
	test('retried on 429 and 5xx (always safe to repeat), even for a LeadLex update with notes', async () => {
		seedPerson(sandbox(), 'leadLex', 'l-1', 'lee@example.com');
		sandbox().addFault({ kind: 'status500', vendor: 'leadLex' });
		sandbox().addFault({ kind: 'reset', vendor: 'leadLex' });
		const result = await run(sandbox(), byEmail('leadLex', 'lee@example.com', { updateFields: { notes: 'once' }, options: { maxRetryWaitSeconds: 0.1 } }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox()).map(([method]) => method)).toEqual(['GET', 'GET', 'GET', 'PATCH']);
		expect(sandbox().getContact('leadLex', 'l-1')?.notes).toBe('once');
	});

	test("a failing look-up is reported with the vendor's own status and message", async () => {
		sandbox().addFault({ kind: 'status500', vendor: 'raze', count: 10 });
		const result = await run(sandbox(), byEmail('raze', 'r@example.com', { options: { maxRetries: 1, maxRetryWaitSeconds: 0.1 } }));
		expect(result.error?.message).toBe('Raze failed to look up email "r@example.com" (500 INTERNAL_ERROR): An internal error occurred (item 0)');
		const wrongKey = await run(sandbox(), byEmail('leadLex', 'l@example.com'), [{}], { keys: { leadLex: 'wbk_live_wrong_key_123' } });
		expect(wrongKey.error?.message).toBe('LeadLex refused the API key (401 invalid_key): Invalid API key (item 0)');
	});

	test('counted by Max Requests per Minute: the update waits its turn after the look-up', async () => {
		seedPerson(sandbox(), 'raze', 'r-1', 'rate@example.com');
		const result = await run(sandbox(), byEmail('raze', 'rate@example.com', { options: { maxRequestsPerMinute: 60 } }));
		expect(result.error).toBeUndefined();
		const [lookup, update] = sandbox().requests;
		expect(update.at - lookup.at).toBeGreaterThanOrEqual(950);
	});

	test('Dry Run performs the look-up and shows the update it would send to the contact found', async () => {
		seedPerson(sandbox(), 'raze', 'r-dry', 'dry@example.com');
		const result = await run(sandbox(), byEmail('raze', 'dry@example.com', { options: { dryRun: true } }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP.raze('dry@example.com')]);
		expect(result.items[0].json).toMatchObject({
			dryRun: true,
			provider: 'raze',
			contactId: 'r-dry',
			lookup: { identifyBy: 'email', value: 'dry@example.com' },
			method: 'PUT',
			url: `${sandbox().baseUrl('raze')}/external/v1/contacts/r-dry`,
			body: { name: 'Found Person' },
		});
	});
});

describe('bad look-up input is refused before anything is sent', () => {
	test.each([
		['an empty value', byEmail('raze', '  '), 'Raze: Contact Email is empty (item 0)'],
		['an email that is not an email', byEmail('leadLex', 'jane(at)example.com'), 'LeadLex: Contact Email "jane(at)example.com" is not an email address (item 0)'],
		['a phone with no digits', { provider: 'openCx', identifyBy: 'phone', lookupValue: '+() -', updateFields: { name: 'x' } }, 'OpenCX: Contact Phone "+() -" has no digits (item 0)'],
		['a phone with letters', { provider: 'blandAi', identifyBy: 'phone', lookupValue: '415 555 0123 ext 9', updateFields: { name: 'x' } }, /^Bland AI: Contact Phone "415 555 0123 ext 9" is not a phone number/],
		['identifyBy the provider does not offer (workflow JSON)', { provider: 'raze', identifyBy: 'phone', lookupValue: '+14155550123', updateFields: { name: 'x' } }, 'Raze: Identify Contact By "phone" is not offered by Raze; choose one of: Contact ID (id), Email (email) (item 0)'],
		['identifyBy from an expression', { provider: 'leadLex', identifyBy: '={{ "externalId" }}', contactId: 'c', lookupValue: 'x', updateFields: { name: 'x' } }, /^LeadLex: Identify Contact By "externalId" is not offered by LeadLex/],
	])('%s', async (_label, parameters, message) => {
		const result = await run(sandbox(), parameters as IDataObject);
		if (typeof message === 'string') expect(result.error?.message).toBe(message);
		else expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(/^Field "(Contact Email|Contact Phone|Identify Contact By)"/);
		expect(sandbox().requests).toEqual([]);
	});

	test('a bad update field is refused before the look-up is sent', async () => {
		const result = await run(sandbox(), byEmail('raze', 'a@example.com', { updateFields: { email: 'not-an-email' } }));
		expect(result.error?.message).toMatch(/^Raze: Email "not-an-email" is not a valid email address/);
		expect(sandbox().requests).toEqual([]);
	});
});

describe('Map Automatically', () => {
	const auto = (provider: Vendor, extra: IDataObject = {}): IDataObject => ({ provider, mappingMode: 'autoMapInputData', identifyBy: 'email', ...extra });

	test('the look-up value comes from the email key (the default) and is not sent as a field', async () => {
		seedPerson(sandbox(), 'leadLex', 'l-auto', 'ada@example.com');
		const result = await run(sandbox(), auto('leadLex'), [{ email: 'ADA@example.com', jobTitle: 'CTO', row: 4 }]);
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())[1]).toEqual(['PATCH', '/v1/contacts/l-auto', { job_title: 'CTO' }]);
		expect(sandbox().getContact('leadLex', 'l-auto')?.email).toBe('ada@example.com');
	});

	test('a dotted Contact Phone Field reads inside an object; parallel look-ups keep the input order', async () => {
		const phones = ['+15550000001', '+15550000002', '+15550000003'];
		phones.forEach((phone, i) => seedPerson(sandbox(), 'blandAi', `b-${i}`, `p${i}@example.com`, phone));
		const items = phones.map((phone, i) => ({ customer: { phone: phone.replace(/^\+1/, '+1 ') }, name: `N${i}` }));
		const result = await run(sandbox(), auto('blandAi', { identifyBy: 'phone', lookupField: 'customer.phone', options: { parallelRequests: 3 } }), items);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items).map((json) => [json.id, json.name])).toEqual([['b-0', 'N0'], ['b-1', 'N1'], ['b-2', 'N2']]);
	});

	test('an item without the key is reported, naming the key and the field', async () => {
		const result = await run(sandbox(), auto('raze'), [{ name: 'no email' }]);
		expect(result.error?.message).toBe('Raze: the input item has no value for "email", the Contact Email Field (item 0)');
		expect(result.error?.description).toBe('Input key "email" (Contact Email Field): give every item this key, or set Contact Email Field to the key that holds the email.');
		expect(sandbox().requests).toEqual([]);
	});
});
