/**
 * Mapping Mode "Map Automatically" through n8n's engine against the sandbox: the contact ID and the
 * fields come from input keys, other keys are ignored, and every refusal names item, provider and key.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { buildUpdate, fieldsFromInput, readInputKey } from '../../nodes/ContactHub/engine/fields';
import { hasExpression, parameterReader } from '../../nodes/ContactHub/engine/parameters';
import { raze } from '../../nodes/ContactHub/providers/raze';
import { SEED_IDS, jsonOf, pairedOf, run, sent, useSandbox, type Vendor } from './harness';

const sandbox = useSandbox();

const auto = (provider: Vendor, extra: IDataObject = {}): IDataObject => ({
	provider,
	mappingMode: 'autoMapInputData',
	...extra,
});

describe('reading input keys (pure)', () => {
	test('an exact key first, then a dotted path into nested objects', () => {
		expect(readInputKey({ id: 'a' }, 'id')).toBe('a');
		expect(readInputKey({ 'contact.id': 'flat', contact: { id: 'nested' } }, 'contact.id')).toBe('flat');
		expect(readInputKey({ contact: { id: 'nested' } }, 'contact.id')).toBe('nested');
		expect(readInputKey({ contact: 'text' }, 'contact.id')).toBeUndefined();
		// Keys of Object.prototype are not input keys.
		expect(readInputKey({}, 'toString')).toBeUndefined();
		expect(readInputKey({ a: {} }, 'a.constructor')).toBeUndefined();
	});

	test("only the provider's fields are taken, as copies; other columns and the ID key are left out", () => {
		const json = { id: 'c1', name: 'Jane', notes: 'n', externalId: 'x', tags: ['a'], Row: 7, email: undefined };
		const fields = fieldsFromInput(json, raze, 'id');
		expect(fields).toEqual({ name: 'Jane', tags: ['a'] });
		expect(fields.tags).not.toBe(json.tags);
		// The key that holds the ID is the ID, even when it is also a field's name.
		expect(fieldsFromInput({ email: 'a@b.co', name: 'J' }, raze, 'email')).toEqual({ name: 'J' });
	});

	test('custom fields from an item are one JSON object, never read as the node\'s key/value pairs', () => {
		const custom = { field: [{ key: 'a', value: 'b' }], json: [] };
		const update = buildUpdate(fieldsFromInput({ customFields: custom }, raze, 'id'), raze, { sendEmptyValues: false }, () => {
			throw new Error('refused');
		});
		expect(update.customFields).toEqual(custom);
		expect(update.customFields).not.toBe(custom);
	});
});

describe('Map Automatically', () => {
	test('Raze: fields from same-named keys, the ID from Contact ID Field, other keys ignored', async () => {
		const items = [
			{ id: SEED_IDS.raze, name: 'Ada Lovelace', jobTitle: 'Analyst', tags: ['vip', 'math'], notes: 'not a Raze field', row: 2 },
		];
		const result = await run(sandbox(), auto('raze'), items);
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([
			['PUT', `/external/v1/contacts/${SEED_IDS.raze}`, { name: 'Ada Lovelace', position: 'Analyst', tags: ['vip', 'math'] }],
		]);
		expect(sandbox().getContact('raze', SEED_IDS.raze)).toMatchObject({ name: 'Ada Lovelace', position: 'Analyst', tags: ['vip', 'math'] });
		expect(jsonOf(result.items)[0]).toMatchObject({ provider: 'raze', id: SEED_IDS.raze, name: 'Ada Lovelace', jobTitle: 'Analyst' });
	});

	test.each([
		['blandAi', { contact_id: SEED_IDS.blandAi, name: 'Jane', externalId: 'crm-7', customFields: { plan: 'pro' }, phone: '+1 555' }, 'PATCH', `/v1/contacts/${SEED_IDS.blandAi}`, { name: 'Jane', external_id: 'crm-7', metadata: { plan: 'pro' } }],
		['leadLex', { contact_id: SEED_IDS.leadLex, company: 'Acme', notes: 'Called today', tags: 'ignored' }, 'PATCH', `/v1/contacts/${SEED_IDS.leadLex}`, { company_name: 'Acme', notes: 'Called today' }],
		['openCx', { contact_id: SEED_IDS.openCx, email: 'maya@example.com', customFields: { tier: 2 } }, 'PATCH', `/contacts/${SEED_IDS.openCx}`, { contact: { email: 'maya@example.com', custom_data: { tier: '2' } } }],
	] as Array<[Vendor, IDataObject, string, string, IDataObject]>)('%s: the same mapping and validation as fields set in the node', async (provider, item, method, path, body) => {
		const result = await run(sandbox(), auto(provider, { contactIdField: 'contact_id' }), [item]);
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([[method, path, body]]);
	});

	test('a dotted Contact ID Field reads a nested key; each item is its own update, in order, pairedItem right', async () => {
		const ids = sandbox().seedMany('raze', 3, 'row');
		const items = ids.map((id, index) => ({ contact: { id }, name: `Row ${index}` }));
		const result = await run(sandbox(), auto('raze', { contactIdField: 'contact.id', options: { parallelRequests: 3 } }), items);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items).map((json) => [json.id, json.name])).toEqual(ids.map((id, index) => [id, `Row ${index}`]));
		expect(pairedOf(result.items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const [index, id] of ids.entries()) expect(sandbox().getContact('raze', id)?.name).toBe(`Row ${index}`);
	});

	test('empty cells are skipped; Send Empty Values sends them', async () => {
		await run(sandbox(), auto('leadLex'), [{ id: SEED_IDS.leadLex, full: 'x', phone: '', company: 'Acme' }]);
		expect(sent(sandbox())[0][2]).toEqual({ company_name: 'Acme' });
		sandbox().reset();
		await run(sandbox(), auto('leadLex', { options: { sendEmptyValues: true } }), [{ id: SEED_IDS.leadLex, phone: '', company: 'Acme' }]);
		expect(sent(sandbox())[0][2]).toEqual({ phone: '', company_name: 'Acme' });
	});

	test('Dry Run works the same way and sends nothing', async () => {
		const result = await run(sandbox(), auto('raze', { options: { dryRun: true } }), [{ id: 'c 1', email: 'a@b.co' }]);
		expect(sandbox().requests).toHaveLength(0);
		expect(jsonOf(result.items)[0]).toMatchObject({ dryRun: true, method: 'PUT', body: { email: 'a@b.co' } });
		expect(String(jsonOf(result.items)[0].url)).toMatch(/\/external\/v1\/contacts\/c%201$/);
	});

	describe('refusals name the item, the provider and the input key; nothing is sent for them', () => {
		const cases: Array<[string, Vendor, IDataObject, IDataObject, string, RegExp]> = [
			['no contact ID key', 'raze', {}, { name: 'x' }, 'Raze: the input item has no value for "id", the Contact ID Field (item 1)', /Input key "id" \(Contact ID Field\)/],
			['an empty contact ID', 'leadLex', { contactIdField: 'uuid' }, { uuid: '', name: 'x' }, 'LeadLex: the input item has no value for "uuid", the Contact ID Field (item 1)', /set Contact ID Field to the key that holds the contact ID/],
			['an ID that is an object', 'raze', {}, { id: { value: 1 }, name: 'x' }, 'Raze: Contact ID must be text, got an object (item 1)', /Input key "id"/],
			['an invalid email', 'openCx', {}, { id: 'c', email: 'a..b@x.com' }, 'OpenCX: Email "a..b@x.com" is not a valid email address for OpenCX (item 1)', /Input key "email": fix it in the incoming item/],
			['tags that are not text', 'raze', {}, { id: 'c', tags: [1] }, 'Raze: Tags must be text, but tag 1 is a number (item 1)', /Input key "tags"/],
			['no key matches the provider', 'blandAi', {}, { id: 'c', company: 'Acme', Email: 'a@b.co' }, 'Bland AI: nothing to update for contact c (item 1)', /reads these keys: name, email, externalId, customFields\.$/],
		];
		test.each(cases)('%s', async (_title, provider, extra, bad, message, description) => {
			const good = { id: SEED_IDS[provider], contact: SEED_IDS[provider], name: 'Fine' };
			const input = extra.contactIdField === 'uuid' ? { ...good, uuid: SEED_IDS[provider] } : good;
			const result = await run(sandbox(), auto(provider, extra), [input, bad], { onError: 'continueRegularOutput' });
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(2);
			expect(pairedOf(result.items)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(result.items[1].json.error).toBe(message);
			expect(result.items[1].error?.description).toMatch(description);
			expect(sandbox().requests).toHaveLength(1);
		});
	});

	test('an empty Contact ID Field says what to set', async () => {
		const result = await run(sandbox(), auto('raze', { contactIdField: ' ' }), [{ id: 'c', name: 'x' }]);
		expect(result.error?.message).toBe('Raze: Contact ID Field is empty (item 0)');
		expect(result.error?.description).toBe('Set Contact ID Field to the input key that holds the contact ID, e.g. id.');
		expect(sandbox().requests).toHaveLength(0);
	});

	test('without Continue On Fail, the first bad item stops the node with the same message', async () => {
		const result = await run(sandbox(), auto('raze'), [{ name: 'no id' }]);
		expect(result.error?.message).toBe('Raze: the input item has no value for "id", the Contact ID Field (item 0)');
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('parameters without expressions are read once; items never share objects', () => {
	test('the reader asks n8n once for a constant, per item for an expression, and hands out copies', () => {
		const calls: Array<[string, number]> = [];
		// contactId is an expression n8n must resolve (more than a plain $json read, which the item answers).
		const parameters: IDataObject = {
			provider: 'raze',
			updateFields: { customFields: { field: [{ key: 'plan', value: 'pro' }] } },
			contactId: '={{ "id-" + $json.n }}',
			name: '={{ $json.person.name }}',
		};
		const items = [0, 1, 2, 3].map((n) => ({ json: { n, person: { name: `Name ${n}` } } }));
		const ctx = {
			getNode: () => ({ parameters }),
			getInputData: () => items,
			getNodeParameter: (name: string, itemIndex: number) => {
				calls.push([name, itemIndex]);
				if (name === 'contactId') return `id-${itemIndex}`;
				// A dotted path resolves per item here, so a cached answer would show as item 0's.
				if (name.includes('.')) return { path: name, itemIndex };
				return parameters[name] === undefined ? undefined : JSON.parse(JSON.stringify(parameters[name]));
			},
		} as unknown as IExecuteFunctions;
		const param = parameterReader(ctx);
		const first = param('updateFields', 0) as IDataObject;
		const second = param('updateFields', 1) as IDataObject;
		const third = param('updateFields', 2) as IDataObject;
		expect(second).toEqual(first);
		expect(third).toEqual(first);
		// Values from the cache are copies too: changing one item's never reaches the next.
		(second.customFields as IDataObject).changed = true;
		expect(third).not.toBe(second);
		expect(third.customFields).not.toBe(second.customFields);
		expect(param('updateFields', 3)).toEqual(first);
		expect([param('contactId', 0), param('contactId', 1), param('provider', 0), param('provider', 1)]).toEqual(['id-0', 'id-1', 'raze', 'raze']);
		expect(calls).toEqual([['updateFields', 0], ['contactId', 0], ['contactId', 1], ['provider', 0]]);
		// A dotted name is a path n8n resolves; it is never cached.
		expect([param('updateFields.customFields', 0), param('updateFields.customFields', 1)]).toEqual([
			{ path: 'updateFields.customFields', itemIndex: 0 },
			{ path: 'updateFields.customFields', itemIndex: 1 },
		]);
		expect(calls.slice(-2)).toEqual([['updateFields.customFields', 0], ['updateFields.customFields', 1]]);
		// A plain $json read is the item's value, per item, without asking n8n.
		expect([param('name', 0), param('name', 3)]).toEqual(['Name 0', 'Name 3']);
		expect(calls.filter(([name]) => name === 'name')).toEqual([]);
		expect([hasExpression('=x'), hasExpression({ a: [{ b: '={{ 1 }}' }] }), hasExpression({ a: ['x', 1, null] })]).toEqual([true, true, false]);
	});

	test('an expression in Options is still read per item', async () => {
		const result = await run(
			sandbox(),
			auto('raze', { options: { dryRun: '={{ $json.preview }}' } }),
			[{ id: SEED_IDS.raze, name: 'A', preview: true }, { id: SEED_IDS.raze, name: 'B', preview: false }],
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.items).map((json) => json.dryRun === true)).toEqual([true, false]);
		expect(sent(sandbox())).toEqual([['PUT', `/external/v1/contacts/${SEED_IDS.raze}`, { name: 'B' }]]);
	});
});
