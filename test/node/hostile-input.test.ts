/**
 * Hostile input through n8n's engine against the sandbox: it is refused with a clear error before
 * anything is sent, or carried as plain data; it is never silently changed or dropped.
 */
import type { IDataObject } from 'n8n-workflow';

import { LABEL, SANDBOX_KEYS, SEED_IDS, expectNoKey, run, sent, useSandbox, VENDOR_LIST, visibleText } from './harness';

const sandbox = useSandbox();

describe('OpenCX HTTP action override headers', () => {
	const overrides = (headers: IDataObject) => ({
		provider: 'openCx',
		contactId: SEED_IDS.openCx,
		updateFields: { httpActionOverrides: JSON.stringify({ headers }) },
	});

	test.each([
		['a CR/LF in a header value', { 'X-Tenant': 'a\r\nX-Injected: 1' }, /the value of "X-Tenant" holds a line break/],
		['a LF in a header name', { 'X-A\nB': '1' }, /"X-A\\nB" is not a valid header name/],
		['a name with a space', { 'X Tenant': '1' }, /"X Tenant" is not a valid header name/],
		['a name with a colon', { 'X-Tenant:': '1' }, /"X-Tenant:" is not a valid header name/],
		['an empty name', { '': '1' }, /"" is not a valid header name/],
	])('%s is refused before anything is sent', async (_label, headers, message) => {
		const result = await run(sandbox(), overrides(headers));
		expect(result.error?.message).toMatch(/^OpenCX: HTTP Action Overrides headers: /);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.message).toMatch(/\(item 0\)$/);
		expect(result.error?.description).toBe('Field "HTTP Action Overrides": fix the value in the node or in the incoming item.');
		expect(sandbox().requests).toEqual([]);
	});

	test('valid header names and values are sent as they are, tabs and symbols included', async () => {
		const headers = { "X-Tenant_ID.v2!#$%&'*+^`|~": 'a\tb; c=d', Authorization: 'Bearer xyz' };
		const result = await run(sandbox(), overrides(headers));
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([['PATCH', `/contacts/${SEED_IDS.openCx}`, { contact: { http_action_overrides: { headers } } }]]);
	});
});

describe('__proto__, constructor and prototype as keys', () => {
	const raze = (customFields: unknown, extra: IDataObject = {}) => ({
		provider: 'raze',
		contactId: SEED_IDS.raze,
		updateFields: { customFields },
		...extra,
	});

	test.each([
		['a key/value pair', { field: [{ key: '__proto__', value: 'x' }] }],
		['From JSON text', { json: [{ object: '{"__proto__": {"admin": true}}' }] }],
		['From JSON, nested', { json: [{ object: '{"prefs": {"__proto__": {"admin": true}}}' }] }],
		['From JSON, an object from an expression', { json: [{ object: '={{ JSON.parse(\'{"__proto__": {"admin": true} }\') }}' }] }],
	])('__proto__ in custom fields (%s) is refused, never dropped', async (_label, customFields) => {
		const result = await run(sandbox(), raze(customFields));
		expect(result.error?.message).toMatch(/^Raze: Custom Fields has the key "(prefs\.)?__proto__", and "__proto__" cannot be sent as a key: rename it \(item 0\)$/);
		expect(sandbox().requests).toEqual([]);
	});

	test('__proto__ inside an input item (Map Automatically) is refused too', async () => {
		const item = JSON.parse(`{"id": "${SEED_IDS.raze}", "customFields": {"__proto__": {"admin": true}, "plan": "pro"}}`);
		const result = await run(sandbox(), { provider: 'raze', mappingMode: 'autoMapInputData' }, [item]);
		expect(result.error?.message).toMatch(/^Raze: Custom Fields has the key "__proto__", and/);
		expect(sandbox().requests).toEqual([]);
	});

	test('constructor and prototype are sent as ordinary keys; the object keeps its prototype', async () => {
		const result = await run(sandbox(), raze({ json: [{ object: '{"constructor": "c", "prototype": {"p": 1}, "plan": "pro"}' }] }));
		expect(result.error).toBeUndefined();
		expect(sandbox().requests[0].body).toEqual({ custom_fields: { constructor: 'c', prototype: { p: 1 }, plan: 'pro' } });
		expect(sandbox().getContact('raze', SEED_IDS.raze)?.custom_fields).toEqual({ constructor: 'c', prototype: { p: 1 }, plan: 'pro' });
	});

	test.each([
		['Contact ID Field', { contactIdField: 'toString' }, 'Raze: the input item has no value for "toString", the Contact ID Field (item 0)'],
		['Contact Email Field', { identifyBy: 'email', lookupField: 'constructor' }, 'Raze: the input item has no value for "constructor", the Contact Email Field (item 0)'],
	])('%s named after an Object.prototype key reads as a name, not an inherited value', async (_label, extra, message) => {
		const result = await run(sandbox(), { provider: 'raze', mappingMode: 'autoMapInputData', ...extra }, [{ name: 'x' }]);
		expect(result.error?.message).toBe(message);
		expect(sandbox().requests).toEqual([]);
	});

	test('an OpenCX custom field named toString is a key in the message', async () => {
		const result = await run(sandbox(), { provider: 'openCx', contactId: 'c', updateFields: { customFields: { json: [{ object: '{"toString": {"a": 1} }' }] } } });
		expect(result.error?.message).toBe('OpenCX: Custom Fields value "toString" must be text, a number or true/false, got an object (item 0)');
	});

	test('Map Automatically: an item key named toString is not a field and is left out, like any other column', async () => {
		const result = await run(sandbox(), { provider: 'leadLex', mappingMode: 'autoMapInputData' }, [{ id: SEED_IDS.leadLex, toString: 'x', name: 'Plain' }]);
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([['PATCH', `/v1/contacts/${SEED_IDS.leadLex}`, { full_name: 'Plain' }]]);
	});
});

describe.each(VENDOR_LIST)('%s: the credential', (vendor) => {
	const update = { provider: vendor, contactId: SEED_IDS[vendor], updateFields: { name: 'Checked' } };
	const credentialName = `${LABEL[vendor]} API`;

	test.each([
		['a query string', (base: string) => `${base}?region=eu`, 'the Base URL must not hold a query (?…) or a fragment (#…)'],
		['a fragment', (base: string) => `${base}#x`, 'the Base URL must not hold a query (?…) or a fragment (#…)'],
		['user:password@', (base: string) => base.replace('http://', 'http://user:pw@'), 'the Base URL must not hold a user name or password (user:password@); put the key in API Key'],
		['another scheme', (base: string) => base.replace('http://', 'ftp://'), 'the Base URL must start with https:// (or http://)'],
	])('a Base URL with %s is refused, naming the credential field; nothing is sent', async (_label, edit, why) => {
		const result = await run(sandbox(), update, [{}], { baseUrls: { [vendor]: edit(sandbox().baseUrl(vendor)) } });
		expect(result.error?.message).toBe(`${LABEL[vendor]}: the ${credentialName} credential cannot be used: Base URL: ${why} (item 0)`);
		expect(result.error?.description).toMatch(new RegExp(`^Open the ${credentialName} credential ".*" and fix its Base URL field\\. Nothing was sent\\.$`));
		expect(sandbox().stats().total).toBe(0);
	});

	test('surrounding spaces and trailing slashes of the Base URL are ignored, as by the credential test', async () => {
		const result = await run(sandbox(), update, [{}], { baseUrls: { [vendor]: ` ${sandbox().baseUrl(vendor)}// ` } });
		expect(result.error).toBeUndefined();
		expect(sandbox().stats().updatesApplied[vendor]).toBe(1);
	});

	test('an API key pasted with a trailing newline is trimmed and works', async () => {
		const result = await run(sandbox(), update, [{}], { keys: { [vendor]: `  ${SANDBOX_KEYS[vendor].valid}\n` } });
		expect(result.error).toBeUndefined();
		expect(sandbox().stats().updatesApplied[vendor]).toBe(1);
	});

	test('a key that cannot be a header value is a credential error, never a network retry', async () => {
		const key = `${SANDBOX_KEYS[vendor].valid}\r\nX-Injected: 1`;
		const result = await run(sandbox(), update, [{}], { keys: { [vendor]: key } });
		expect(result.error?.message).toBe(
			`${LABEL[vendor]}: the ${credentialName} credential cannot be used: API Key: the API Key holds a line break or a character that cannot be sent in an HTTP header; paste the key again (item 0)`,
		);
		expect(sandbox().stats().total).toBe(0);
		expectNoKey(visibleText(result));
	});

	test('the key is hidden in Raw output and in a dry run, even where the vendor or the URL carries it', async () => {
		const key = SANDBOX_KEYS[vendor].valid;
		sandbox().seed(vendor, { id: key, name: key, full_name: key });
		const raw = await run(sandbox(), { ...update, contactId: key, options: { output: 'raw' } });
		const dry = await run(sandbox(), { ...update, contactId: key, options: { dryRun: true } });
		expect(raw.error).toBeUndefined();
		expect(dry.items[0].json.url).toContain('[API key hidden]');
		expectNoKey(visibleText(raw));
		expectNoKey(visibleText(dry));
	});
});
