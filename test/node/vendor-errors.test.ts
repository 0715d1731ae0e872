/**
 * Vendor errors as a user sees them: not found, a wrong key (401), a read-only key (403) and a
 * vendor's 400, each through n8n's engine against the sandbox.
 */
import { describeVendorFailure, updateAction } from '../../nodes/ContactHub/engine/errors';
import { findProvider } from '../../nodes/ContactHub/providers/registry';
import type { ContactProvider } from '../../nodes/ContactHub/providers/types';
import {
	AUTH_HEADER,
	LABEL,
	METHOD,
	SANDBOX_KEYS,
	SEED_IDS,
	UPDATE_PATH,
	WRONG_KEY,
	expectNoKey,
	run,
	sent,
	useSandbox,
	visibleText,
	type Vendor,
} from './harness';

const sandbox = useSandbox();

const MISSING = 'no-such-contact';

describe('404: the contact does not exist', () => {
	const cases: Array<[Vendor, string]> = [
		['blandAi', 'Bland AI has no contact with ID "no-such-contact" (404 NOT_FOUND): Contact not found (item 0)'],
		['leadLex', 'LeadLex has no contact with ID "no-such-contact" (404 not_found): Contact not found (item 0)'],
		['openCx', 'OpenCX has no contact with ID "no-such-contact" (404 Not Found): Contact not found (item 0)'],
		['raze', 'Raze has no contact with ID "no-such-contact" (404 NOT_FOUND): Contact not found (item 0)'],
	];
	test.each(cases)('%s', async (vendor, message) => {
		const result = await run(sandbox(), { provider: vendor, contactId: MISSING, updateFields: { name: 'Ann' } });
		expect(result.items).toEqual([]);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(message);
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.description).toBe(
			`Check the Contact ID: it must be the ${LABEL[vendor]} ID of an existing contact, not a name or an email.`,
		);
		expect(sandbox().requests.map((request) => request.path)).toEqual([UPDATE_PATH[vendor](MISSING)]);
	});
});

describe('401: a wrong API key', () => {
	const cases: Array<[Vendor, string]> = [
		['blandAi', 'Bland AI refused the API key (401 UNAUTHORIZED): Invalid API key (item 0)'],
		['leadLex', 'LeadLex refused the API key (401 invalid_key): Invalid API key (item 0)'],
		['openCx', 'OpenCX refused the API key (401 Unauthorized): Unauthorized (item 0)'],
		['raze', 'Raze refused the API key (401 INVALID_API_KEY): Invalid API key (item 0)'],
	];
	test.each(cases)('%s', async (vendor, message) => {
		const result = await run(
			sandbox(),
			{ provider: vendor, contactId: SEED_IDS[vendor], updateFields: { name: 'Ann' } },
			[{}],
			{ keys: { [vendor]: WRONG_KEY } },
		);
		expect(result.error?.message).toBe(message);
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.description).toBe(
			`Check the ${LABEL[vendor]} credential: the API key is missing, wrong, expired or revoked.`,
		);
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
		expectNoKey(visibleText(result));
	});
});

describe('403: a read-only key; the message says which permission is needed', () => {
	// The vendors whose pages document read-only keys and their 403 (Bland AI has none).
	const cases: Array<['leadLex' | 'openCx' | 'raze', string, string]> = [
		[
			'leadLex',
			'write:contacts',
			`LeadLex denied the update of contact ${SEED_IDS.leadLex} (403 insufficient_permissions): This API key does not have the write:contacts permission required for this request (item 0)`,
		],
		[
			'openCx',
			'contacts:write',
			`OpenCX denied the update of contact ${SEED_IDS.openCx} (403 Forbidden): API key is missing the contacts:write scope (item 0)`,
		],
		[
			'raze',
			'contacts:write',
			`Raze denied the update of contact ${SEED_IDS.raze} (403 INSUFFICIENT_PERMISSIONS): This API key does not have permission to perform this action (the API key needs the contacts:write permission) (item 0)`,
		],
	];
	test.each(cases)('%s', async (vendor, permission, message) => {
		const before = sandbox().getContact(vendor, SEED_IDS[vendor]);
		const result = await run(
			sandbox(),
			{ provider: vendor, contactId: SEED_IDS[vendor], updateFields: { name: 'Ann' } },
			[{}],
			{ keys: { [vendor]: SANDBOX_KEYS[vendor].readOnly } },
		);
		expect(result.error?.message).toBe(message);
		expect(result.error?.httpCode).toBe('403');
		expect(result.error?.description).toBe(
			`Check the ${LABEL[vendor]} credential: the API key is valid but not allowed to update contacts. Give the key the ${permission} permission in ${LABEL[vendor]}, or use a key that has it.`,
		);
		expect(sandbox().getContact(vendor, SEED_IDS[vendor])).toEqual(before);
		expectNoKey(visibleText(result));
	});

	test('with Continue On Fail the item keeps only the message, and it still names the permission', async () => {
		const result = await run(
			sandbox(),
			{ provider: 'raze', contactId: SEED_IDS.raze, updateFields: { name: 'Ann' } },
			[{}],
			{ keys: { raze: SANDBOX_KEYS.raze.readOnly }, onError: 'continueRegularOutput' },
		);
		expect(result.items.map((item) => item.json)).toEqual([
			{ error: expect.stringContaining('the API key needs the contacts:write permission') },
		]);
	});
});

describe('400 from the vendor', () => {
	test('LeadLex: clearing both name and email (Send Empty Values) is refused with its field list', async () => {
		const result = await run(
			sandbox(),
			{
				provider: 'leadLex',
				contactId: SEED_IDS.leadLex,
				updateFields: { name: '={{ $json.name }}', email: '={{ $json.email }}' },
				options: { sendEmptyValues: true },
			},
			[{ name: '', email: '' }],
		);
		expect(sent(sandbox())).toEqual([['PATCH', `/v1/contacts/${SEED_IDS.leadLex}`, { full_name: '', email: '' }]]);
		expect(result.error?.message).toBe(
			`LeadLex rejected the update of contact ${SEED_IDS.leadLex} (400 validation_error): full_name — A contact must keep a name or an email; email — A contact must keep a name or an email (item 0)`,
		);
		expect(result.error?.httpCode).toBe('400');
		expect(result.error?.description).toBe('Invalid request parameters. Fix the fields named above and run again.');
		expect(sandbox().getContact('leadLex', SEED_IDS.leadLex)).toMatchObject({ full_name: 'Jane Doe', email: 'jane@example.com' });
	});

	test('LeadLex: clearing only the email is accepted (the name remains)', async () => {
		const result = await run(
			sandbox(),
			{
				provider: 'leadLex',
				contactId: SEED_IDS.leadLex,
				updateFields: { email: '={{ $json.email }}' },
				options: { sendEmptyValues: true },
			},
			[{ email: '' }],
		);
		expect(result.error).toBeUndefined();
		expect(sandbox().getContact('leadLex', SEED_IDS.leadLex)).toMatchObject({ full_name: 'Jane Doe', email: null });
	});

	/**
	 * The node's own checks stop every body the sandbox would refuse for Bland AI, OpenCX and Raze,
	 * so their 400s are fetched from the sandbox directly and read the way the node reads them.
	 */
	async function vendor400(vendor: Vendor, body: unknown): Promise<string> {
		const provider = findProvider(vendor) as ContactProvider;
		const id = SEED_IDS[vendor];
		const [header, form] = AUTH_HEADER[vendor];
		const response = await fetch(sandbox().baseUrl(vendor) + UPDATE_PATH[vendor](id), {
			method: METHOD[vendor],
			headers: { 'content-type': 'application/json', [header]: form(SANDBOX_KEYS[vendor].valid) },
			body: JSON.stringify(body),
		});
		expect(response.status).toBe(400);
		return describeVendorFailure(provider, updateAction(provider, id), 400, await response.json()).message;
	}

	test('Raze: the field and the reason, not the raw details object', async () => {
		expect(await vendor400('raze', { email: 'not-an-email' })).toBe(
			`Raze rejected the update of contact ${SEED_IDS.raze} (400 INVALID_EMAIL): email — Invalid email format`,
		);
		expect(await vendor400('raze', { tags: 'vip' })).toBe(
			`Raze rejected the update of contact ${SEED_IDS.raze} (400 VALIDATION_ERROR): tags — tags must be an array of strings`,
		);
	});

	test('OpenCX and Bland AI: the vendor message as it came', async () => {
		expect(await vendor400('openCx', { contact: { custom_data: { seats: 12 } } })).toBe(
			`OpenCX rejected the update of contact ${SEED_IDS.openCx} (400 Bad Request): body/contact/custom_data/seats must be string`,
		);
		expect(await vendor400('blandAi', { metadata: 'plan=pro' })).toBe(
			`Bland AI rejected the update of contact ${SEED_IDS.blandAi} (400 VALIDATION_ERROR): metadata must be an object`,
		);
	});
});
