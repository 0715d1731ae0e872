/**
 * A contact ID can never reach another endpoint, and no API key ever shows up in an output, an
 * error message or a description.
 */
import { ContactHub } from '../../nodes/ContactHub/ContactHub.node';
import { credentialTypes } from '../helpers/workflow';
import {
	dryRunHeaders,
	LABEL,
	METHOD,
	READ_ONLY_KEY,
	SANDBOX_KEYS,
	SEED_IDS,
	UPDATE_PATH,
	VENDOR_LIST,
	WRONG_KEY,
	expectNoKey,
	run,
	useSandbox,
	visibleText,
	type Vendor,
} from './harness';

const sandbox = useSandbox();

const HOSTILE_IDS = ['../../v1/me', 'a/b?c#d', '../contacts', '%2e%2e/me', 'x/../../org', '?limit=1', '#'];

describe.each(VENDOR_LIST)('%s: path injection', (vendor: Vendor) => {
	test.each(HOSTILE_IDS)('contact ID %j stays one path segment of the update endpoint', async (id) => {
		const result = await run(
			sandbox(),
			{ provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: 'Injected' } },
			[{ id }],
			{ onError: 'continueRegularOutput' },
		);
		expect(sandbox().requests.map((request) => [request.method, request.path])).toEqual([
			[METHOD[vendor], UPDATE_PATH[vendor](encodeURIComponent(id))],
		]);
		expect(sandbox().requests[0].rawPath).toBe(new URL(sandbox().baseUrl(vendor)).pathname + UPDATE_PATH[vendor](encodeURIComponent(id)));
		// The vendor looked the whole ID up as one contact and did not find it.
		expect(result.items[0].json.error).toMatch(new RegExp(`^${LABEL[vendor]} has no contact with ID .* \\(404 `));
		expect(sandbox().stats().updatesApplied[vendor]).toBe(0);
	});

	test.each(['..', '.', ' .. ', '%2e%2E'])('contact ID %j is refused before sending', async (id) => {
		const result = await run(sandbox(), { provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: 'Injected' } }, [{ id }]);
		expect(result.error?.message).toBe(`${LABEL[vendor]}: Contact ID "${id.trim()}" is not a valid ID (item 0)`);
		expect(sandbox().requests).toEqual([]);
	});
});

test('a real contact whose ID has slashes and question marks is updated, not another one', async () => {
	sandbox().seed('raze', { id: 'a/b?c#d', name: 'Odd Id' });
	const result = await run(sandbox(), { provider: 'raze', contactId: 'a/b?c#d', updateFields: { name: 'Still Odd' } });
	expect(result.error).toBeUndefined();
	expect(sandbox().requests.map((request) => request.path)).toEqual(['/external/v1/contacts/a%2Fb%3Fc%23d']);
	expect(sandbox().getContact('raze', 'a/b?c#d')!.name).toBe('Still Odd');
	expect(sandbox().getContact('raze', SEED_IDS.raze)!.name).toBe('John Doe');
	expect(result.items[0].json).toMatchObject({ id: 'a/b?c#d', name: 'Still Odd' });
});

describe.each(VENDOR_LIST)('%s: no API key anywhere', (vendor: Vendor) => {
	const parameters = { provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: '={{ $json.name }}' } };
	const items = [
		{ id: SEED_IDS[vendor], name: 'Good' },
		{ id: 'missing-contact', name: 'Missing' },
		{ id: SEED_IDS[vendor], name: { bad: true } },
	];

	test('successes, vendor errors and validation errors (Continue On Fail)', async () => {
		const result = await run(sandbox(), parameters, items, { onError: 'continueErrorOutput' });
		expect(result.items).toHaveLength(1);
		expect(result.errorItems).toHaveLength(2);
		expectNoKey(visibleText(result));
	});

	test('a wrong key (401), and a read-only key (403)', async () => {
		const wrong = await run(sandbox(), parameters, items.slice(0, 1), { keys: { [vendor]: WRONG_KEY } });
		expect(wrong.error?.httpCode).toBe('401');
		expectNoKey(visibleText(wrong));
		// Only vendors that document read-only keys have one (not Bland AI).
		if (READ_ONLY_KEY[vendor] !== undefined) {
			const readOnly = await run(sandbox(), parameters, items.slice(0, 1), { keys: { [vendor]: READ_ONLY_KEY[vendor] } });
			expect(readOnly.error?.httpCode).toBe('403');
			expectNoKey(visibleText(readOnly));
		}
	});

	test('dry run: the headers it would send, the key replaced by a placeholder', async () => {
		const result = await run(sandbox(), { ...parameters, options: { dryRun: true } }, items.slice(0, 1));
		const headers = result.items[0].json.headers;
		expect(headers).toEqual(dryRunHeaders(vendor));
		expect(JSON.stringify(result.items[0].json)).not.toContain(SANDBOX_KEYS[vendor].valid);
		expectNoKey(visibleText(result));
		expect(sandbox().requests).toEqual([]);
	});
});

test('the key search itself finds a key where there is one', () => {
	expect(() => expectNoKey(JSON.stringify({ headers: { 'X-API-Key': SANDBOX_KEYS.raze.valid } }))).toThrow();
	expect(() => expectNoKey(`Bearer ${WRONG_KEY}`)).toThrow();
});

test('the node and credential descriptions hold no key', () => {
	expectNoKey(JSON.stringify(new ContactHub().description));
	expectNoKey(JSON.stringify(Object.values(credentialTypes)));
});
