/**
 * Expression-driven runs: the contact ID and the fields come from the input items; values that are
 * empty after expressions are skipped, or sent as empty with Send Empty Values.
 */
import { SEED_IDS, jsonOf, pairedOf, run, sent, useSandbox } from './harness';

const sandbox = useSandbox();

describe('Raze, everything from the items', () => {
	const parameters = {
		provider: 'raze',
		contactId: '={{ $json.id }}',
		updateFields: {
			name: '={{ $json.fullName }}',
			email: '={{ $json.email }}',
			tags: '={{ $json.labels }}',
			customFields: { json: [{ object: '={{ $json.custom }}' }] },
		},
	};
	const items = [
		{ id: 'contact-1', fullName: 'Ada Lovelace', email: 'ada@example.com', labels: ['vip', ' beta '], custom: { tier: 'gold', seats: 3 } },
		{ id: 'contact-2', fullName: 'Alan Turing', email: '', labels: [], custom: {} },
	];

	test('each item sends its own values; empty ones are left out', async () => {
		sandbox().seedMany('raze', 2);
		const result = await run(sandbox(), parameters, items);
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([
			[
				'PUT',
				'/external/v1/contacts/contact-1',
				{ name: 'Ada Lovelace', email: 'ada@example.com', tags: ['vip', 'beta'], custom_fields: { tier: 'gold', seats: 3 } },
			],
			['PUT', '/external/v1/contacts/contact-2', { name: 'Alan Turing' }],
		]);
		// The empty email, tags and custom fields of item 2 did not wipe what Raze holds.
		expect(sandbox().getContact('raze', 'contact-2')).toMatchObject({
			name: 'Alan Turing',
			email: 'contact2@example.com',
			tags: ['generated'],
		});
		expect(jsonOf(result.items).map((json) => [json.id, json.name, json.email, json.tags])).toEqual([
			['contact-1', 'Ada Lovelace', 'ada@example.com', ['vip', 'beta']],
			['contact-2', 'Alan Turing', 'contact2@example.com', ['generated']],
		]);
		expect(pairedOf(result.items)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('with Send Empty Values the empty ones are sent, and clear the fields', async () => {
		sandbox().seedMany('raze', 2);
		await run(sandbox(), { ...parameters, options: { sendEmptyValues: true } }, items);
		expect(sent(sandbox())[1]).toEqual([
			'PUT',
			'/external/v1/contacts/contact-2',
			{ name: 'Alan Turing', email: '', tags: [], custom_fields: {} },
		]);
		expect(sandbox().getContact('raze', 'contact-2')).toMatchObject({ name: 'Alan Turing', email: null, tags: [] });
	});

	test('tags as comma-separated text from an expression', async () => {
		await run(sandbox(), { provider: 'raze', contactId: SEED_IDS.raze, updateFields: { tags: '={{ $json.labels.join(", ") }}' } }, [
			{ labels: ['customer', 'q3-2026'] },
		]);
		expect(sent(sandbox())[0][2]).toEqual({ tags: ['customer', 'q3-2026'] });
		expect(sandbox().getContact('raze', SEED_IDS.raze)!.tags).toEqual(['customer', 'q3-2026']);
	});
});

describe('Bland AI custom fields from expressions', () => {
	const parameters = {
		provider: 'blandAi',
		contactId: '={{ $json.id }}',
		updateFields: {
			customFields: {
				json: [{ object: '={{ JSON.stringify($json.meta) }}' }],
				field: [{ key: 'plan', value: '={{ $json.plan }}' }],
			},
		},
	};

	test('a JSON text from an expression, and a key/value pair whose value is empty for one item', async () => {
		sandbox().seedMany('blandAi', 2);
		await run(sandbox(), parameters, [
			{ id: 'contact-1', meta: { source: 'n8n' }, plan: 'pro' },
			{ id: 'contact-2', meta: { source: 'n8n' }, plan: '' },
		]);
		expect(sent(sandbox()).map(([, path, body]) => [path, body])).toEqual([
			['/v1/contacts/contact-1', { metadata: { source: 'n8n', plan: 'pro' } }],
			['/v1/contacts/contact-2', { metadata: { source: 'n8n' } }],
		]);
		expect(sandbox().getContact('blandAi', 'contact-2')!.metadata).toEqual({ index: 2, source: 'n8n' });
	});

	test('with Send Empty Values the empty pair value is sent as ""', async () => {
		sandbox().seedMany('blandAi', 1);
		await run(sandbox(), { ...parameters, options: { sendEmptyValues: true } }, [{ id: 'contact-1', meta: {}, plan: '' }]);
		expect(sent(sandbox())[0][2]).toEqual({ metadata: { plan: '' } });
	});
});

describe('LeadLex fields from expressions', () => {
	test('empty values skipped; text trimmed; notes kept as written', async () => {
		const result = await run(
			sandbox(),
			{
				provider: 'leadLex',
				contactId: '={{ $json.contact.id }}',
				updateFields: {
					name: '={{ $json.contact.name }}',
					email: '={{ $json.contact.email }}',
					company: '={{ $json.company }}',
					notes: '={{ "Source: " + $json.source }}',
				},
			},
			[{ contact: { id: ` ${SEED_IDS.leadLex} `, name: '  Jane Doe-Smith ', email: null }, source: 'webinar  ' }],
		);
		expect(result.error).toBeUndefined();
		expect(sent(sandbox())).toEqual([
			['PATCH', `/v1/contacts/${SEED_IDS.leadLex}`, { full_name: 'Jane Doe-Smith', notes: 'Source: webinar  ' }],
		]);
		expect(sandbox().getContact('leadLex', SEED_IDS.leadLex)).toMatchObject({
			full_name: 'Jane Doe-Smith',
			email: 'jane@example.com',
			company_name: 'Acme Legal',
		});
	});

	test('a numeric contact ID from an expression', async () => {
		sandbox().seed('leadLex', { id: '42', full_name: 'Numeric Id' });
		await run(sandbox(), { provider: 'leadLex', contactId: '={{ $json.id }}', updateFields: { jobTitle: 'Partner' } }, [{ id: 42 }]);
		expect(sent(sandbox())).toEqual([['PATCH', '/v1/contacts/42', { job_title: 'Partner' }]]);
		expect(sandbox().getContact('leadLex', '42')!.job_title).toBe('Partner');
	});
});

test('OpenCX: custom data and overrides from object expressions', async () => {
	await run(
		sandbox(),
		{
			provider: 'openCx',
			contactId: '={{ $json.id }}',
			updateFields: {
				email: '={{ $json.email }}',
				customFields: { json: [{ object: '={{ $json.custom }}' }] },
				httpActionOverrides: '={{ $json.overrides }}',
			},
		},
		[{ id: SEED_IDS.openCx, email: 'maya@example.com', custom: { plan: 'team' }, overrides: { query_params: { ref: 'n8n' } } }],
	);
	expect(sent(sandbox())).toEqual([
		[
			'PATCH',
			`/contacts/${SEED_IDS.openCx}`,
			{ contact: { email: 'maya@example.com', custom_data: { plan: 'team' }, http_action_overrides: { query_params: { ref: 'n8n' } } } },
		],
	]);
});
