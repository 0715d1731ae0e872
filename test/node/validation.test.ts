/**
 * Every check the node makes before sending, through n8n's engine: each refusal names the item,
 * the provider and the field, and nothing reaches the vendor.
 */
import type { IDataObject } from 'n8n-workflow';

import { SEED_IDS, run, sent, useSandbox, type Vendor } from './harness';

const sandbox = useSandbox();

interface Case {
	title: string;
	provider: Vendor;
	updateFields: IDataObject;
	/** Input item the expressions read. */
	item?: IDataObject;
	contactId?: string;
	options?: IDataObject;
	message: string;
	/** The field label the error description names; omitted where no single field is at fault. */
	field?: string;
}

const cases: Case[] = [
	// Email: a general check for every provider, OpenCX's documented pattern for OpenCX.
	{ title: 'email without a domain', provider: 'leadLex', updateFields: { email: 'jane@' }, message: 'LeadLex: Email "jane@" is not a valid email address for LeadLex (item 0)', field: 'Email' },
	{ title: 'email with a space', provider: 'raze', updateFields: { email: 'john doe@example.com' }, message: 'Raze: Email "john doe@example.com" is not a valid email address for Raze (item 0)', field: 'Email' },
	{ title: 'email without @', provider: 'blandAi', updateFields: { email: 'jane.example.com' }, message: 'Bland AI: Email "jane.example.com" is not a valid email address for Bland AI (item 0)', field: 'Email' },
	{ title: 'OpenCX: two dots in a row', provider: 'openCx', updateFields: { email: 'a..b@x.com' }, message: 'OpenCX: Email "a..b@x.com" is not a valid email address for OpenCX (item 0)', field: 'Email' },
	{ title: 'OpenCX: leading dot', provider: 'openCx', updateFields: { email: '.a@x.com' }, message: 'OpenCX: Email ".a@x.com" is not a valid email address for OpenCX (item 0)', field: 'Email' },
	{ title: 'OpenCX: dot before @', provider: 'openCx', updateFields: { email: 'a.@x.com' }, message: 'OpenCX: Email "a.@x.com" is not a valid email address for OpenCX (item 0)', field: 'Email' },
	{ title: 'OpenCX: one-letter top-level domain', provider: 'openCx', updateFields: { email: 'a@x.c' }, message: 'OpenCX: Email "a@x.c" is not a valid email address for OpenCX (item 0)', field: 'Email' },
	{
		title: 'OpenCX: an empty email cannot be sent even with Send Empty Values',
		provider: 'openCx',
		updateFields: { name: 'Maya', email: '={{ $json.email }}' },
		item: { email: '' },
		options: { sendEmptyValues: true },
		message: 'OpenCX: Email cannot be cleared in OpenCX: an empty email does not match its email format. Leave Email out, or give an address (item 0)',
		field: 'Email',
	},

	// Custom fields: a JSON object; OpenCX values must be text.
	{ title: 'custom fields: invalid JSON', provider: 'blandAi', updateFields: { customFields: { json: [{ object: '{plan: pro}' }] } }, message: 'Bland AI: Custom Fields is not valid JSON (item 0)', field: 'Custom Fields' },
	{ title: 'custom fields: a JSON array', provider: 'raze', updateFields: { customFields: { json: [{ object: '["a", "b"]' }] } }, message: 'Raze: Custom Fields must be a JSON object like {"key": "value"}, got an array (item 0)', field: 'Custom Fields' },
	{ title: 'custom fields: an expression giving a number', provider: 'raze', updateFields: { customFields: { json: [{ object: '={{ $json.custom }}' }] } }, item: { custom: 42 }, message: 'Raze: Custom Fields must be a JSON object like {"key": "value"}, got a number (item 0)', field: 'Custom Fields' },
	{ title: 'custom fields: an expression giving text that is not JSON', provider: 'blandAi', updateFields: { customFields: { json: [{ object: '={{ $json.custom }}' }] } }, item: { custom: 'plan=pro' }, message: 'Bland AI: Custom Fields is not valid JSON (item 0)', field: 'Custom Fields' },
	{ title: 'custom fields: a value without a key', provider: 'raze', updateFields: { customFields: { field: [{ key: ' ', value: 'pro' }] } }, message: 'Raze: Custom Fields has a value without a key (item 0)', field: 'Custom Fields' },
	{ title: 'OpenCX custom fields: a nested object', provider: 'openCx', updateFields: { customFields: { json: [{ object: '{"plan": "pro", "address": {"city": "Berlin"}}' }] } }, message: 'OpenCX: Custom Fields value "address" must be text, a number or true/false, got an object (item 0)', field: 'Custom Fields' },
	{ title: 'OpenCX custom fields: an array value', provider: 'openCx', updateFields: { customFields: { json: [{ object: '={{ $json.custom }}' }] } }, item: { custom: { seats: [1, 2] } }, message: 'OpenCX: Custom Fields value "seats" must be text, a number or true/false, got an array (item 0)', field: 'Custom Fields' },
	{ title: 'OpenCX custom fields: null', provider: 'openCx', updateFields: { customFields: { json: [{ object: '{"plan": null}' }] } }, message: 'OpenCX: Custom Fields value "plan" must be text, a number or true/false, got null (item 0)', field: 'Custom Fields' },

	// HTTP action overrides: OpenCX's four maps of text.
	{ title: 'overrides: invalid JSON', provider: 'openCx', updateFields: { httpActionOverrides: '{"headers": ' }, message: 'OpenCX: HTTP Action Overrides is not valid JSON (item 0)', field: 'HTTP Action Overrides' },
	{ title: 'overrides: an array', provider: 'openCx', updateFields: { httpActionOverrides: '[]' }, message: 'OpenCX: HTTP Action Overrides must be a JSON object like {"key": "value"}, got an array (item 0)', field: 'HTTP Action Overrides' },
	{ title: 'overrides: an unknown key', provider: 'openCx', updateFields: { httpActionOverrides: '{"cookies": {"a": "b"}}' }, message: 'OpenCX: HTTP Action Overrides has an unknown key "cookies"; allowed: query_params, path_params, body_params, headers (item 0)', field: 'HTTP Action Overrides' },
	{ title: 'overrides: a map that is text', provider: 'openCx', updateFields: { httpActionOverrides: '{"headers": "X-Tenant: acme"}' }, message: 'OpenCX: HTTP Action Overrides "headers" must be an object of text values, got the text "X-Tenant: acme" (item 0)', field: 'HTTP Action Overrides' },
	{ title: 'overrides: a nested value', provider: 'openCx', updateFields: { httpActionOverrides: '{"body_params": {"user": {"id": 1}}}' }, message: 'OpenCX: HTTP Action Overrides body_params "user" must be text, a number or true/false, got an object (item 0)', field: 'HTTP Action Overrides' },

	// LinkedIn URL: http(s) only.
	{ title: 'LinkedIn URL without a scheme', provider: 'leadLex', updateFields: { linkedinUrl: 'linkedin.com/in/jane' }, message: 'LeadLex: LinkedIn URL "linkedin.com/in/jane" must be a web address starting with https:// or http:// (item 0)', field: 'LinkedIn URL' },
	{ title: 'LinkedIn URL with ftp', provider: 'raze', updateFields: { linkedinUrl: 'ftp://linkedin.com/in/john' }, message: 'Raze: LinkedIn URL "ftp://linkedin.com/in/john" must be a web address starting with https:// or http:// (item 0)', field: 'LinkedIn URL' },
	{ title: 'LinkedIn URL with javascript:', provider: 'raze', updateFields: { linkedinUrl: 'javascript:alert(1)' }, message: 'Raze: LinkedIn URL "javascript:alert(1)" must be a web address starting with https:// or http:// (item 0)', field: 'LinkedIn URL' },

	// Tags: text only.
	{ title: 'tags: a number in the array', provider: 'raze', updateFields: { tags: '={{ $json.tags }}' }, item: { tags: ['vip', 7] }, message: 'Raze: Tags must be text, but tag 2 is a number (item 0)', field: 'Tags' },
	{ title: 'tags: an object', provider: 'raze', updateFields: { tags: '={{ $json.tags }}' }, item: { tags: { vip: true } }, message: 'Raze: Tags must be comma-separated text or an array of text, got an object (item 0)', field: 'Tags' },
	{ title: 'tags: a boolean', provider: 'raze', updateFields: { tags: '={{ $json.tags }}' }, item: { tags: true }, message: 'Raze: Tags must be comma-separated text or an array of text, got true/false (item 0)', field: 'Tags' },

	// Text fields must be text.
	{ title: 'name: an object', provider: 'leadLex', updateFields: { name: '={{ $json.name }}' }, item: { name: { first: 'Jane' } }, message: 'LeadLex: Name must be text, got an object (item 0)', field: 'Name' },

	// Contact ID: non-empty after trimming, never a dot segment.
	{ title: 'contact ID of spaces', provider: 'raze', contactId: '   ', updateFields: { name: 'Ann' }, message: 'Raze: Contact ID is empty (item 0)', field: 'Contact ID' },
	{ title: 'contact ID from an expression that is empty', provider: 'leadLex', contactId: '={{ $json.id }}', item: { id: ' ' }, updateFields: { name: 'Ann' }, message: 'LeadLex: Contact ID is empty (item 0)', field: 'Contact ID' },
	{ title: 'contact ID from an expression that finds nothing', provider: 'leadLex', contactId: '={{ $json.id }}', item: {}, updateFields: { name: 'Ann' }, message: 'LeadLex: Contact ID is empty (item 0)', field: 'Contact ID' },
	{ title: 'contact ID that is an object', provider: 'blandAi', contactId: '={{ $json.id }}', item: { id: { value: 1 } }, updateFields: { name: 'Ann' }, message: 'Bland AI: Contact ID must be text, got an object (item 0)', field: 'Contact ID' },

	// Nothing to send.
	{ title: 'no fields at all', provider: 'raze', updateFields: {}, message: `Raze: nothing to update for contact ${SEED_IDS.raze} (item 0)` },
	{
		title: 'every field empty after expressions',
		provider: 'leadLex',
		updateFields: { name: '={{ $json.name }}', email: '={{ $json.email }}', notes: '={{ $json.notes }}' },
		item: { name: '  ', email: '' },
		message: `LeadLex: nothing to update for contact ${SEED_IDS.leadLex} (item 0)`,
	},
	{
		title: 'custom fields whose values are all empty',
		provider: 'blandAi',
		updateFields: { customFields: { field: [{ key: 'plan', value: '={{ $json.plan }}' }], json: [{ object: '{}' }] } },
		item: { plan: '' },
		message: `Bland AI: nothing to update for contact ${SEED_IDS.blandAi} (item 0)`,
	},
	{
		title: 'HTTP action overrides left at their default {}',
		provider: 'openCx',
		updateFields: { httpActionOverrides: '{}' },
		message: `OpenCX: nothing to update for contact ${SEED_IDS.openCx} (item 0)`,
	},
];

describe('refused before any request', () => {
	test.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
		const result = await run(
			sandbox(),
			{
				provider: c.provider,
				contactId: c.contactId ?? SEED_IDS[c.provider],
				updateFields: c.updateFields,
				options: c.options ?? {},
			},
			[c.item ?? {}],
		);
		expect(result.items).toEqual([]);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(c.message);
		if (c.field) {
			expect(result.error?.description).toBe(`Field "${c.field}": fix the value in the node or in the incoming item.`);
		}
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(sandbox().requests).toEqual([]);
	});
});

describe('what the checks let through', () => {
	test('the general email check is not OpenCX’s: LeadLex gets a..b@x.com and accepts it', async () => {
		const result = await run(sandbox(), { provider: 'leadLex', contactId: SEED_IDS.leadLex, updateFields: { email: 'a..b@x.com' } });
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([['PATCH', `/v1/contacts/${SEED_IDS.leadLex}`, { email: 'a..b@x.com' }]]);
	});

	test('OpenCX custom values and override values: numbers and booleans become text', async () => {
		await run(
			sandbox(),
			{
				provider: 'openCx',
				contactId: SEED_IDS.openCx,
				updateFields: {
					customFields: { json: [{ object: '={{ $json.custom }}' }] },
					httpActionOverrides: '={{ $json.overrides }}',
				},
			},
			[{ custom: { seats: 3, vip: true, ratio: 0.5, plan: 'pro' }, overrides: { path_params: { team: 7 }, headers: { 'X-Beta': false } } }],
		);
		expect(sent(sandbox())).toEqual([
			[
				'PATCH',
				`/contacts/${SEED_IDS.openCx}`,
				{
					contact: {
						custom_data: { seats: '3', vip: 'true', ratio: '0.5', plan: 'pro' },
						http_action_overrides: { path_params: { team: '7' }, headers: { 'X-Beta': 'false' } },
					},
				},
			],
		]);
		expect(sandbox().getContact('openCx', SEED_IDS.openCx)!.custom_data).toEqual({ seats: '3', vip: 'true', ratio: '0.5', plan: 'pro' });
	});

	test('Bland AI and Raze custom values keep their JSON types', async () => {
		await run(
			sandbox(),
			{ provider: 'blandAi', contactId: SEED_IDS.blandAi, updateFields: { customFields: { json: [{ object: '={{ $json.custom }}' }] } } },
			[{ custom: { seats: 3, address: { city: 'Berlin' }, labels: ['a'] } }],
		);
		await run(
			sandbox(),
			{ provider: 'raze', contactId: SEED_IDS.raze, updateFields: { customFields: { json: [{ object: '={{ $json.custom }}' }] } } },
			[{ custom: { seats: 3, trial: false } }],
		);
		expect(sent(sandbox()).map(([, , body]) => body)).toEqual([
			{ metadata: { seats: 3, address: { city: 'Berlin' }, labels: ['a'] } },
			{ custom_fields: { seats: 3, trial: false } },
		]);
	});

	test('http:// LinkedIn URLs are accepted', async () => {
		await run(sandbox(), { provider: 'raze', contactId: SEED_IDS.raze, updateFields: { linkedinUrl: 'http://linkedin.com/in/john' } });
		expect(sent(sandbox())[0][2]).toEqual({ linkedin_url: 'http://linkedin.com/in/john' });
	});
});

describe('a field the provider does not accept', () => {
	test('with a fixed provider, n8n itself drops the hidden field before the node runs', async () => {
		// Phone is not shown for Bland AI, so n8n's parameter normalisation removes it: only Name is sent.
		const result = await run(sandbox(), { provider: 'blandAi', contactId: SEED_IDS.blandAi, updateFields: { name: 'Ann', phone: '+1 555 0100' } });
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([['PATCH', `/v1/contacts/${SEED_IDS.blandAi}`, { name: 'Ann' }]]);
	});

	test.each([
		['blandAi', { name: 'Ann', phone: '+1 555 0100' }, 'Bland AI: Phone is not accepted by Bland AI (item 0)', 'Phone'],
		['leadLex', { tags: 'vip' }, 'LeadLex: Tags is not accepted by LeadLex (item 0)', 'Tags'],
		['openCx', { company: 'Acme' }, 'OpenCX: Company is not accepted by OpenCX (item 0)', 'Company'],
		['raze', { notes: 'hi' }, 'Raze: Notes is not accepted by Raze (item 0)', 'Notes'],
	] as const)('with the provider from an expression the node refuses it: %s', async (vendor, updateFields, message, field) => {
		const result = await run(
			sandbox(),
			{ provider: '={{ $json.provider }}', contactId: SEED_IDS[vendor], updateFields },
			[{ provider: vendor }],
		);
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toBe(`Field "${field}": fix the value in the node or in the incoming item.`);
		expect(sandbox().requests).toEqual([]);
	});
});

test('an empty Contact ID typed into the node stops the workflow before it runs (n8n: required parameter)', async () => {
	await expect(run(sandbox(), { provider: 'raze', contactId: '', updateFields: { name: 'Ann' } })).rejects.toThrow(
		'The workflow has issues and cannot be executed for that reason. Please fix them first.',
	);
	expect(sandbox().requests).toEqual([]);
});
