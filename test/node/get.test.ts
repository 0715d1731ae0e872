/**
 * Get through n8n's engine against the sandbox: the read by ID each vendor documents, the exact
 * look-up (with a read by ID after it where the look-up's answer is partial), one output shape for
 * every vendor, not found in both modes, Raw and Simplified, retries, and no write ever sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { EMAIL_LOOKUP, expectNoKey, jsonOf, LABEL, pairedOf, readRequest, run, sent, useSandbox, VENDOR_LIST, visibleText, type Vendor } from './harness';

const sandbox = useSandbox();

/**
 * A contact of each of these vendors in its own field names (from its pages), and the simplified output it must
 * give. Vendor-specific: the tests below run for these vendors; the contract suite covers every other one.
 */
const PERSON = {
	blandAi: {
		stored: { id: 'b-1', name: 'Ann Bee', email: 'ann@example.com', phone_number: '+14155550100', external_id: 'crm-1', metadata: { plan: 'pro' } },
		output: { name: 'Ann Bee', email: 'ann@example.com', phone: '+14155550100', company: null, jobTitle: null, linkedinUrl: null, externalId: 'crm-1', tags: null, customFields: { plan: 'pro' }, notes: null },
	},
	leadLex: {
		stored: {
			id: 'l-1',
			full_name: 'Lee Lex',
			email: 'lee@example.com',
			phone: '+1 (555) 000-0100',
			job_title: 'Counsel',
			company_name: 'Acme Legal',
			linkedin_url: 'https://linkedin.com/in/lee',
			notes: 'Private note',
			created_date: '2026-01-02T03:04:05Z',
		},
		// LeadLex's read (as its list) has no notes: they are embedded only with ?include=notes.
		output: { name: 'Lee Lex', email: 'lee@example.com', phone: '+1 (555) 000-0100', company: 'Acme Legal', jobTitle: 'Counsel', linkedinUrl: 'https://linkedin.com/in/lee', externalId: null, tags: null, customFields: null, notes: null, createdAt: '2026-01-02T03:04:05Z' },
	},
	openCx: {
		stored: { id: 'o-1', name: 'Oli Cee', email: 'oli@example.com', phone: '+14155550101', custom_data: { tier: 'gold' } },
		// The search answers id, name, email and phone only, and OpenCX documents no read by ID.
		output: { name: 'Oli Cee', email: 'oli@example.com', phone: '+14155550101', company: null, jobTitle: null, linkedinUrl: null, externalId: null, tags: null, customFields: null, notes: null, createdAt: null, updatedAt: null },
	},
	raze: {
		stored: { id: 'r-1', name: 'Ray Zed', email: 'ray@example.com', phone: '+5511999990000', company: 'Acme', position: 'CTO', linkedin_url: 'https://linkedin.com/in/ray', tags: ['vip'], custom_fields: { score: 7 } },
		output: { name: 'Ray Zed', email: 'ray@example.com', phone: '+5511999990000', company: 'Acme', jobTitle: 'CTO', linkedinUrl: 'https://linkedin.com/in/ray', externalId: null, tags: ['vip'], customFields: { score: 7 }, notes: null },
	},
} satisfies Partial<Record<Vendor, { stored: IDataObject & { id: string }; output: IDataObject }>>;

type Described = keyof typeof PERSON;

/** The keys of Update's simplified output, in its order. */
const OUTPUT_KEYS = ['provider', 'id', 'name', 'email', 'phone', 'company', 'jobTitle', 'linkedinUrl', 'externalId', 'tags', 'customFields', 'notes', 'createdAt', 'updatedAt'];

/** The vendors PERSON describes. */
const VENDORS = Object.keys(PERSON) as Described[];
/** Those of them that document a read by ID (OpenCX does not). */
const BY_ID = VENDORS.filter((vendor) => readRequest(vendor, 'x') !== undefined);

/** The documented read of contact `id` by a vendor of BY_ID. */
const READ = (vendor: Described, id: string) => readRequest(vendor, id)!;

/** Paths of the documented look-ups that read with a POST (Bland AI's find): Get may send those besides GETs. */
const READING_POSTS = new Set(
	VENDOR_LIST.map((vendor) => EMAIL_LOOKUP[vendor]('x@example.com')).flatMap(([method, path]) => (method === 'GET' ? [] : [path])),
);

const get = (provider: Vendor, extra: IDataObject): IDataObject => ({ provider, operation: 'get', ...extra });

/** No request of the run may write: only GETs and the look-ups that read with a POST. */
function expectReadsOnly(): void {
	for (const [method, path] of sent(sandbox())) expect(method === 'GET' || READING_POSTS.has(path)).toBe(true);
	for (const vendor of VENDOR_LIST) {
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
		expect(sandbox().stats().created[vendor]).toBe(0);
	}
}

describe.each(BY_ID)('%s: by ID', (vendor) => {
	test('the documented read, output in the one contact shape', async () => {
		sandbox().seed(vendor, PERSON[vendor].stored);
		const result = await run(sandbox(), get(vendor, { identifyBy: 'id', contactId: PERSON[vendor].stored.id }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([READ(vendor, PERSON[vendor].stored.id)]);
		const [json] = jsonOf(result.items);
		expect(Object.keys(json)).toEqual(OUTPUT_KEYS);
		expect(json).toMatchObject({ provider: vendor, id: PERSON[vendor].stored.id, ...PERSON[vendor].output });
		expect(pairedOf(result.items)).toEqual([{ item: 0 }]);
		expectReadsOnly();
	});

	test('Identify Contact By defaults to the ID', async () => {
		sandbox().seed(vendor, PERSON[vendor].stored);
		const result = await run(sandbox(), get(vendor, { contactId: PERSON[vendor].stored.id }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([READ(vendor, PERSON[vendor].stored.id)]);
	});

	test('the ID is percent-encoded as one path segment', async () => {
		const result = await run(sandbox(), get(vendor, { identifyBy: 'id', contactId: 'a/b?c', options: { ifNotFound: 'skip' } }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([READ(vendor, 'a/b?c')]);
	});

	test('Raw: the vendor answer as it came', async () => {
		sandbox().seed(vendor, PERSON[vendor].stored);
		const result = await run(sandbox(), get(vendor, { identifyBy: 'id', contactId: PERSON[vendor].stored.id, options: { output: 'raw' } }));
		const [json] = jsonOf(result.items);
		const data = json.data as IDataObject;
		expect(data.id).toBe(PERSON[vendor].stored.id);
		expect(json).not.toHaveProperty('provider');
	});

	test('a 404 fails the item naming the provider, the ID and the item', async () => {
		const result = await run(sandbox(), get(vendor, { identifyBy: 'id', contactId: 'no-such-id' }));
		expect(result.error?.message).toBe(`${LABEL[vendor]} has no contact with ID "no-such-id" (item 0)`);
		expect(result.error?.description).toMatch(/If Not Found to Skip/);
	});

	test('If Not Found = Skip: the item comes out marked, with its pairedItem', async () => {
		sandbox().seed(vendor, PERSON[vendor].stored);
		const result = await run(sandbox(), get(vendor, { identifyBy: 'id', contactId: '={{ $json.id }}', options: { ifNotFound: 'skip' } }), [
			{ id: 'gone' },
			{ id: PERSON[vendor].stored.id },
		]);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items)[0]).toEqual({ notFound: true, provider: vendor, identifyBy: 'id', contactId: 'gone' });
		expect(jsonOf(result.items)[1]).toMatchObject({ id: PERSON[vendor].stored.id });
		expect(pairedOf(result.items)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('a 5xx and a network error are retried (a read is always safe to repeat)', async () => {
		sandbox().seed(vendor, PERSON[vendor].stored);
		sandbox().addFault({ kind: 'status500', vendor });
		sandbox().addFault({ kind: 'reset', vendor });
		const result = await run(sandbox(), get(vendor, { identifyBy: 'id', contactId: PERSON[vendor].stored.id, options: { maxRetryWaitSeconds: 0 } }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual(Array.from({ length: 3 }, () => READ(vendor, PERSON[vendor].stored.id)));
		expect(jsonOf(result.items)[0]).toMatchObject(PERSON[vendor].output);
	});
});

describe.each(VENDORS)('%s: by email', (vendor) => {
	test('the exact look-up, a read by ID only where the look-up answer is partial (LeadLex), the same output', async () => {
		sandbox().seed(vendor, PERSON[vendor].stored);
		const email = String(PERSON[vendor].stored.email);
		const result = await run(sandbox(), get(vendor, { identifyBy: 'email', lookupValue: email.toUpperCase() }));
		expect(result.error).toBeUndefined();
		const lookup = EMAIL_LOOKUP[vendor](email.toUpperCase());
		expect(sent(sandbox())).toEqual(vendor === 'leadLex' ? [lookup, READ('leadLex', PERSON[vendor].stored.id)] : [lookup]);
		const [json] = jsonOf(result.items);
		expect(Object.keys(json)).toEqual(OUTPUT_KEYS);
		expect(json).toMatchObject({ provider: vendor, id: PERSON[vendor].stored.id, ...PERSON[vendor].output });
		expectReadsOnly();
		expectNoKey(visibleText(result));
	});

	test('none matches: an error naming the provider, the value and the item; or Skip', async () => {
		const failed = await run(sandbox(), get(vendor, { identifyBy: 'email', lookupValue: 'nobody@example.com' }));
		expect(failed.error?.message).toBe(`${LABEL[vendor]}: no contact with email "nobody@example.com" (item 0)`);
		const skipped = await run(sandbox(), get(vendor, { identifyBy: 'email', lookupValue: 'nobody@example.com', options: { ifNotFound: 'skip' } }));
		expect(jsonOf(skipped.items)).toEqual([{ notFound: true, provider: vendor, identifyBy: 'email', lookupValue: 'nobody@example.com' }]);
		expectReadsOnly();
	});

	test('a 429 is waited for and retried', async () => {
		sandbox().seed(vendor, PERSON[vendor].stored);
		sandbox().setRateLimit(vendor, { limit: 1, windowMs: 1000, signals: 'none' });
		const email = String(PERSON[vendor].stored.email);
		const result = await run(sandbox(), get(vendor, { identifyBy: 'email', lookupValue: '={{ $json.email }}', options: { maxRetryWaitSeconds: 2 } }), [{ email }, { email }]);
		expect(result.error).toBeUndefined();
		expect(sandbox().requests.some((request) => request.status === 429)).toBe(true);
		expect(jsonOf(result.items).map((json) => json.id)).toEqual([PERSON[vendor].stored.id, PERSON[vendor].stored.id]);
	});
});

describe('phone and external ID', () => {
	test.each([
		['blandAi', ['POST', '/v1/contacts/find', { phone_number: '+14155550100' }]],
		['openCx', ['GET', `/chat/sessions/search?q=${encodeURIComponent('+14155550101')}`, undefined]],
	] as Array<[Described, [string, string, unknown]]>)('%s by phone: digits compared, E.164 sent', async (vendor, lookup) => {
		sandbox().seed(vendor, PERSON[vendor].stored);
		const phone = vendor === 'blandAi' ? '+1 (415) 555-0100' : '+1 415 555 0101';
		const result = await run(sandbox(), get(vendor, { identifyBy: 'phone', lookupValue: phone }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())[0]).toEqual(lookup);
		expect(jsonOf(result.items)[0]).toMatchObject({ id: PERSON[vendor].stored.id, ...PERSON[vendor].output });
	});

	test('blandAi by external ID', async () => {
		sandbox().seed('blandAi', PERSON.blandAi.stored);
		const result = await run(sandbox(), get('blandAi', { identifyBy: 'externalId', lookupValue: 'crm-1' }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([['POST', '/v1/contacts/find', { external_id: 'crm-1' }]]);
		expect(jsonOf(result.items)[0]).toMatchObject({ id: 'b-1', ...PERSON.blandAi.output });
	});

	test('OpenCX documents no read by ID: Identify Contact By "id" is refused before anything is sent', async () => {
		const result = await run(sandbox(), get('openCx', { identifyBy: 'id', contactId: 'o-1' }));
		expect(result.error?.message).toMatch(/^OpenCX: Identify Contact By "id" is not offered by OpenCX; choose one of: Email \(email\), Phone \(phone\) \(item 0\)$/);
		expect(sandbox().requests).toEqual([]);
	});

	test('OpenCX defaults to email', async () => {
		sandbox().seed('openCx', PERSON.openCx.stored);
		const result = await run(sandbox(), get('openCx', { lookupValue: 'oli@example.com' }));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([EMAIL_LOOKUP.openCx('oli@example.com')]);
	});
});

test('bad input is refused before anything is sent, naming the item, the provider and the field', async () => {
	const result = await run(sandbox(), get('raze', { identifyBy: 'email', lookupValue: 'not-an-email' }));
	expect(result.error?.message).toBe('Raze: Contact Email "not-an-email" is not an email address (item 0)');
	expect(result.error?.description).toMatch(/^Field "Contact Email"/);
	expect(sandbox().requests).toEqual([]);
});
