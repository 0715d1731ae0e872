/**
 * Continue On Fail through n8n's engine: good and bad items mixed, N in and N out (across the
 * outputs), order and pairedItem kept, error items carrying the message.
 */
import { LABEL, NAME_KEY, SEED_IDS, jsonOf, pairedOf, run, sent, useSandbox, VENDOR_LIST, type Sandbox } from './harness';

const sandbox = useSandbox();

/** Raze items: good, not found, invalid email, good, empty contact ID. */
function razeItems(box: Sandbox) {
	const [other] = box.seedMany('raze', 1, 'second');
	return {
		other,
		items: [
			{ id: SEED_IDS.raze, email: 'john.new@example.com' },
			{ id: 'missing-contact', email: 'x@example.com' },
			{ id: SEED_IDS.raze, email: 'not-an-email' },
			{ id: other, email: 'second@example.com' },
			{ id: '  ', email: 'y@example.com' },
		],
	};
}

const PARAMETERS = { provider: 'raze', contactId: '={{ $json.id }}', updateFields: { email: '={{ $json.email }}' } };

const ERRORS = {
	1: 'Raze has no contact with ID "missing-contact" (404 NOT_FOUND): Contact not found (item 1)',
	2: 'Raze: Email "not-an-email" is not a valid email address for Raze (item 2)',
	4: 'Raze: Contact ID is empty (item 4)',
};

describe.each([1, 3])('Raze, %i parallel request(s)', (parallelRequests) => {
	const parameters = { ...PARAMETERS, options: { parallelRequests } };

	test('continueRegularOutput: 5 in, 5 out in order, errors in place', async () => {
		const { other, items } = razeItems(sandbox());
		const result = await run(sandbox(), parameters, items, { onError: 'continueRegularOutput' });
		expect(result.error).toBeUndefined();
		expect(result.errorItems).toEqual([]);
		expect(result.items).toHaveLength(5);
		expect(pairedOf(result.items)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));

		const json = jsonOf(result.items);
		expect(json[0]).toMatchObject({ provider: 'raze', id: SEED_IDS.raze, email: 'john.new@example.com' });
		expect(json[1]).toEqual({ error: ERRORS[1] });
		expect(json[2]).toEqual({ error: ERRORS[2] });
		expect(json[3]).toMatchObject({ provider: 'raze', id: other, email: 'second@example.com' });
		expect(json[4]).toEqual({ error: ERRORS[4] });
		// The failed items keep their full error (with its description) for n8n's error views.
		expect(result.items[1].error?.description).toBe(
			'Check the Contact ID: it must be the Raze ID of an existing contact, not a name or an email.',
		);

		// Only the three items that passed validation reached Raze, and the good ones were applied.
		expect(sent(sandbox()).map(([method, path]) => `${method} ${path}`).sort()).toEqual(
			[
				`PUT /external/v1/contacts/${SEED_IDS.raze}`,
				'PUT /external/v1/contacts/missing-contact',
				`PUT /external/v1/contacts/${other}`,
			].sort(),
		);
		expect(sandbox().getContact('raze', SEED_IDS.raze)!.email).toBe('john.new@example.com');
		expect(sandbox().getContact('raze', other)!.email).toBe('second@example.com');
	});

	test('continueErrorOutput: good items on the main output, bad ones on the error output', async () => {
		const { other, items } = razeItems(sandbox());
		const result = await run(sandbox(), parameters, items, { onError: 'continueErrorOutput' });
		expect(result.error).toBeUndefined();
		expect(pairedOf(result.items)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(jsonOf(result.items).map((json) => [json.id, json.email])).toEqual([
			[SEED_IDS.raze, 'john.new@example.com'],
			[other, 'second@example.com'],
		]);
		expect(pairedOf(result.errorItems)).toEqual([{ item: 1 }, { item: 2 }, { item: 4 }]);
		expect(jsonOf(result.errorItems)).toEqual([{ error: ERRORS[1] }, { error: ERRORS[2] }, { error: ERRORS[4] }]);
		expect(result.items.length + result.errorItems.length).toBe(items.length);
	});
});

test('without Continue On Fail the first failing item stops the node with its error, every item accounted for', async () => {
	const { items } = razeItems(sandbox());
	const result = await run(sandbox(), PARAMETERS, items);
	expect(result.items).toEqual([]);
	expect(result.error?.message).toBe(`${ERRORS[1]} — updated: item 0; failed: item 1; not sent: items 2–4`);
	expect(result.error?.description).toMatch(/The run stopped at this error\. Of 5 items: updated: item 0; failed: item 1; not sent: items 2–4\. Run again only the items not updated/);
	expect(result.error?.context?.itemIndex).toBe(1);
	// Item 0 was sent before item 1 failed; nothing after the failure was.
	expect(sent(sandbox()).map(([, path]) => path)).toEqual([
		`/external/v1/contacts/${SEED_IDS.raze}`,
		'/external/v1/contacts/missing-contact',
	]);
});

describe.each(VENDOR_LIST)('%s: good, not found, invalid, good', (vendor) => {
	test('each item lands on the right output with the right pairedItem', async () => {
		const id = SEED_IDS[vendor];
		const items = [
			{ id, name: 'First Name' },
			{ id: 'missing-contact', name: 'Nobody' },
			{ id, name: { not: 'text' } },
			{ id, name: 'Second Name' },
		];
		const result = await run(
			sandbox(),
			{ provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: '={{ $json.name }}' } },
			items,
			{ onError: 'continueErrorOutput' },
		);
		expect(pairedOf(result.items)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(jsonOf(result.items).map((json) => json.name)).toEqual(['First Name', 'Second Name']);
		expect(pairedOf(result.errorItems)).toEqual([{ item: 1 }, { item: 2 }]);
		const label = LABEL[vendor];
		expect(jsonOf(result.errorItems)[0].error).toMatch(new RegExp(`^${label} has no contact with ID "missing-contact" \\(404 .*\\(item 1\\)$`));
		expect(jsonOf(result.errorItems)[1]).toEqual({ error: `${label}: Name must be text, got an object (item 2)` });
		const nameField = NAME_KEY[vendor];
		const stored = sandbox().getContact(vendor, id)!;
		expect(stored[nameField]).toBe('Second Name');
	});
});
