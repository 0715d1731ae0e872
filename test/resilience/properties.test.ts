/**
 * Property-based bad input (fast-check): thousands of generated field values and input items per
 * provider, run through n8n's engine against the sandbox in strict mode. Each item either becomes
 * a request the sandbox accepts for that vendor, or a clear error that names the item, the provider
 * and the field: never a TypeError, never "[object Object]", never a crashed execution.
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FIELD_LABELS } from '../../nodes/ContactHub/vocabulary';
import { setOwn } from '../../nodes/ContactHub/engine/ownKeys';
import { findProvider } from '../../nodes/ContactHub/providers/registry';
import { contactHubWorkflow, runWorkflow, shutdownEngine } from '../helpers/workflow';
import { CREDENTIAL_TYPE, LABEL } from '../node/harness';
import { SANDBOX_KEYS, startSandbox, VENDORS as SANDBOX_VENDORS, type Sandbox, type Vendor } from '../sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ record: true });
});
beforeEach(() => {
	sandbox.reset();
	sandbox.setRejectUnknownFields(true);
});
afterAll(async () => {
	await sandbox.close();
	shutdownEngine();
});

const VENDORS: Vendor[] = [...SANDBOX_VENDORS];
const SEED = Number(process.env.PROPERTY_SEED ?? 20261201);
const RUNS = 4;
const ITEMS_PER_RUN = 250;

// Keys that trip naive code: inherited names, the prototype setter, empty and odd text.
const hostileKey = fc.oneof(
	fc.string({ maxLength: 10 }),
	fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', ' ', 'a.b', 'X-Header', 'x\r\ny'),
);
const text = fc.oneof(
	fc.string({ maxLength: 30 }),
	fc.string({ unit: 'binary', maxLength: 20 }),
	fc.constantFrom('', ' ', '\n', '\r\n', '\t', '\u0000', 'null', 'undefined', '[object Object]', '{}', '[]', '<script>'),
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

/** A plain object built key by key as own properties, so __proto__ stays a key (as JSON.parse makes it). */
const objectOf = (values: fc.Arbitrary<unknown>) =>
	fc.array(fc.tuple(hostileKey, values), { maxLength: 5 }).map((pairs) => {
		const object: IDataObject = {};
		for (const [key, value] of pairs) setOwn(object, key, value);
		return object;
	});
const anything = fc.oneof(scalar, objectOf(scalar), fc.array(scalar, { maxLength: 4 }), objectOf(objectOf(scalar)));

/** Plausible values per field (often valid), mixed with anything at all. */
const PLAUSIBLE: Record<string, fc.Arbitrary<unknown>> = {
	name: fc.string({ maxLength: 40 }),
	email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 20 })),
	phone: fc.oneof(fc.stringMatching(/^\+?[0-9 ()-]{3,16}$/), fc.integer({ min: 0 })),
	company: fc.string({ maxLength: 20 }),
	jobTitle: fc.string({ maxLength: 20 }),
	linkedinUrl: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 })),
	externalId: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
	notes: fc.string({ maxLength: 60 }),
	tags: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), fc.string({ maxLength: 30 })),
	customFields: fc.oneof(objectOf(fc.jsonValue({ maxDepth: 2 })), fc.json({ maxDepth: 2 })),
	httpActionOverrides: fc.oneof(
		fc.record({ headers: objectOf(text), query_params: objectOf(scalar) }, { requiredKeys: [] }),
		fc.json({ maxDepth: 2 }),
	),
};

function itemArbitrary(vendor: Vendor): fc.Arbitrary<IDataObject> {
	const fields = findProvider(vendor)!.fields;
	const shape = Object.fromEntries(fields.map((field) => [field, fc.oneof({ weight: 8, arbitrary: PLAUSIBLE[field] }, { weight: 1, arbitrary: anything })]));
	return fc.record(shape, { requiredKeys: [] }) as fc.Arbitrary<IDataObject>;
}

const LABELS = Object.values(FIELD_LABELS);
/** Per vendor and mode: items accepted by the sandbox and refused before sending (printed at the end). */
const tally = new Map<string, { accepted: number; refused: number }>();
afterAll(() => {
	for (const [name, { accepted, refused }] of tally) {
		process.stdout.write(`properties: ${name} seed=${SEED} items=${accepted + refused} accepted=${accepted} refused=${refused} violations=0\n`);
	}
});

function count(name: string, items: INodeExecutionData[]): void {
	const entry = tally.get(name) ?? { accepted: 0, refused: 0 };
	for (const item of items) entry[item.json.error === undefined ? 'accepted' : 'refused']++;
	tally.set(name, entry);
}
const FORBIDDEN = /TypeError|\[object Object\]|undefined|function |Cannot read|is not a function/;

/** Why an output item breaks the property, or undefined when it holds. */
function violation(vendor: Vendor, item: INodeExecutionData, index: number, ids: string[]): string | undefined {
	const label = LABEL[vendor];
	const path = `/${encodeURIComponent(ids[index])}`;
	const request = sandbox.requests.find((candidate) => candidate.path.endsWith(path) && candidate.method !== 'GET');
	if (item.pairedItem && (item.pairedItem as { item: number }).item !== index) return 'pairedItem is wrong';
	const error = item.json.error;
	if (error === undefined) {
		if (!request) return 'an output without a request';
		return request.status === 200 ? undefined : `the sandbox answered ${request.status} to ${JSON.stringify(request.body)}`;
	}
	if (typeof error !== 'string') return `error is ${typeof error}`;
	if (request) return `a request was sent and refused: ${error}`;
	const description = String((item.error as { description?: string } | undefined)?.description ?? '');
	if (!error.startsWith(`${label}: `) || !error.endsWith(` (item ${index})`)) return `not naming provider and item: ${error}`;
	// The user's own values are quoted in messages (and may say anything): the node's words are the rest.
	const ours = (textOf: string) => textOf.replace(/"[^"]*"/g, '""');
	if (FORBIDDEN.test(ours(error)) || FORBIDDEN.test(ours(description))) return `a crash-like text: ${error} / ${description}`;
	const namesField = LABELS.some((fieldLabel) => error.includes(fieldLabel)) || /^Input key "/.test(description) || /nothing to update/.test(error);
	return namesField ? undefined : `no field named: ${error} / ${description}`;
}

/** Node parameters for one mapping mode: Map Automatically, or every field as an expression of the item. */
function parametersFor(vendor: Vendor, mode: 'auto-map' | 'expressions'): IDataObject {
	if (mode === 'auto-map') return { provider: vendor, mappingMode: 'autoMapInputData' };
	// Custom Fields as n8n's From JSON entry, the way an expression fills it in the editor.
	const updateFields = Object.fromEntries(
		findProvider(vendor)!.fields.map((field) => [field, field === 'customFields' ? { json: [{ object: `={{ $json.${field} }}` }] } : `={{ $json.${field} }}`]),
	);
	return { provider: vendor, contactId: '={{ $json.id }}', updateFields };
}

describe.each(VENDORS.flatMap((vendor) => [[vendor, 'auto-map'], [vendor, 'expressions']] as Array<[Vendor, 'auto-map' | 'expressions']>))(
	'%s, %s: generated input items',
	(vendor, mode) => {
		test(`${RUNS} × ${ITEMS_PER_RUN} items: each accepted by the sandbox or refused clearly`, async () => {
			let checked = 0;
			await fc.assert(
				fc.asyncProperty(fc.array(itemArbitrary(vendor), { minLength: ITEMS_PER_RUN, maxLength: ITEMS_PER_RUN }), async (generated) => {
					sandbox.reset();
					sandbox.setRejectUnknownFields(true);
					const ids = sandbox.seedMany(vendor, generated.length, 'pp');
					const items = generated.map((fields, index) => ({ ...fields, id: ids[index] }));
					const result = await runWorkflow(
						contactHubWorkflow({ ...parametersFor(vendor, mode), options: { parallelRequests: 8 } }, { onError: 'continueRegularOutput' }),
						items,
						{ [CREDENTIAL_TYPE[vendor]]: { apiKey: SANDBOX_KEYS[vendor].valid, baseUrl: sandbox.baseUrl(vendor) } },
					);
					if (result.error) throw new Error(`the execution failed: ${result.error.message}`);
					if (result.items.length !== items.length) throw new Error(`${items.length} items in, ${result.items.length} out`);
					result.items.forEach((item, index) => {
						const why = violation(vendor, item, index, ids);
						if (why) throw new Error(`item ${index} ${JSON.stringify(items[index])}: ${why}`);
					});
					checked += items.length;
					count(`${vendor} ${mode}`, result.items);
				}),
				{ seed: SEED, numRuns: RUNS, endOnFailure: true },
			);
			expect(checked).toBe(RUNS * ITEMS_PER_RUN);
		}, 120_000);
	},
);
