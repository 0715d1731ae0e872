/**
 * The node's description: every displayOptions reference resolves, each provider shows exactly the
 * fields of DESIGN.md's table and only its own credential, and display names are Title Case.
 */
import type {
	INode,
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ContactHub } from '../../nodes/ContactHub/ContactHub.node';
import { credentialTypes } from '../helpers/workflow';
import { VENDORS, type Vendor } from '../sandbox';
import { LABEL } from './harness';

const description: INodeTypeDescription = new ContactHub().description;
const top = description.properties;

/** DESIGN.md's field table, for the providers it names; the contract suite covers any other. */
const FIELDS_BY_PROVIDER: Record<string, string[]> = {
	blandAi: ['name', 'email', 'externalId', 'customFields'],
	leadLex: ['name', 'email', 'phone', 'company', 'jobTitle', 'linkedinUrl', 'notes'],
	openCx: ['name', 'email', 'phone', 'customFields', 'httpActionOverrides'],
	raze: ['name', 'email', 'phone', 'company', 'jobTitle', 'linkedinUrl', 'tags', 'customFields'],
} satisfies Partial<Record<Vendor, string[]>>;
const PROVIDERS = Object.keys(FIELDS_BY_PROVIDER);

/** A credential type's name: the provider's ID and "Api", as the package names them. */
const credentialName = (provider: string) => `${provider}Api`;

function prop(name: string, list: INodeProperties[] = top): INodeProperties {
	const found = list.find((property) => property.name === name);
	if (!found) throw new Error(`no property ${name}`);
	return found;
}

const isCollectionGroup = (option: unknown): option is INodePropertyCollection =>
	typeof option === 'object' && option !== null && Array.isArray((option as INodePropertyCollection).values);
const isProperty = (option: unknown): option is INodeProperties =>
	typeof option === 'object' && option !== null && 'type' in option && 'displayName' in option;

/** Every list of sibling properties in the description: the top level, collections, fixedCollection groups. */
function propertyLists(list: INodeProperties[], path = ''): Array<{ path: string; list: INodeProperties[] }> {
	const out = [{ path: path || '(top)', list }];
	for (const property of list) {
		const options = property.options ?? [];
		if (property.type === 'collection') {
			out.push(...propertyLists(options.filter(isProperty), `${path}${property.name}.`));
		}
		if (property.type === 'fixedCollection') {
			for (const group of options.filter(isCollectionGroup)) {
				out.push(...propertyLists(group.values, `${path}${property.name}.${group.name}.`));
			}
		}
	}
	return out;
}

/** The values a parameter may take, or undefined when any value is possible. */
function allowedValues(property: INodeProperties): unknown[] | undefined {
	if (property.type === 'options' || property.type === 'multiOptions') {
		return (property.options as INodePropertyOptions[]).map((option) => option.value);
	}
	if (property.type === 'boolean') return [true, false];
	return undefined;
}

function rootParameters(provider: string) {
	return { provider, resource: 'contact', operation: 'update', contactId: '', updateFields: {}, options: {} };
}

function node(provider: string): INode {
	return {
		id: 'n',
		name: 'Contact Hub',
		type: 'n8n-nodes-contact-hub.contactHub',
		typeVersion: 1,
		position: [0, 0],
		parameters: rootParameters(provider),
	};
}

/** Update Fields options the editor shows while `provider` is chosen (as its collection does: own values + root). */
function shownUpdateFields(provider: string): INodeProperties[] {
	return (prop('updateFields').options as INodeProperties[]).filter((option) =>
		NodeHelpers.displayParameter({}, option, node(provider), description, rootParameters(provider)),
	);
}

describe('displayOptions refer to parameters and values that exist', () => {
	const lists = propertyLists(top);

	test('the walk reaches the collections and the fixedCollection', () => {
		// Custom Fields appears once per description variant, each walked; each provider of the table that has it
		// (Bland AI, OpenCX, Raze) has its own.
		const variants = (prop('updateFields').options as INodeProperties[]).filter((option) => option.name === 'customFields');
		expect(lists.filter((entry) => entry.path === 'updateFields.customFields.json.')).toHaveLength(variants.length);
		const withCustomFields = PROVIDERS.filter((provider) => FIELDS_BY_PROVIDER[provider].includes('customFields'));
		const own = withCustomFields.map((provider) => shownUpdateFields(provider).find((option) => option.name === 'customFields'));
		expect(new Set(own.filter(Boolean)).size).toBe(withCustomFields.length);
		// So for the four vendors the walk reached exactly their three variants, as before the fifth could exist.
		expect(own.every((option) => option !== undefined && variants.includes(option))).toBe(true);
		expect(variants.filter((option) => !own.includes(option))).toHaveLength(variants.length - 3);
		expect([...new Set(lists.map((entry) => entry.path))]).toEqual([
			'(top)',
			'updateFields.',
			'updateFields.customFields.field.',
			'updateFields.customFields.json.',
			'options.',
		]);
	});

	test.each(lists.map((entry) => [entry.path, entry.list] as const))('%s', (_path, list) => {
		for (const property of list) {
			for (const rules of [property.displayOptions?.show, property.displayOptions?.hide]) {
				for (const [key, values] of Object.entries(rules ?? {})) {
					if (key.startsWith('@')) continue;
					const target = key.startsWith('/') ? top.find((p) => p.name === key.slice(1)) : list.find((p) => p.name === key);
					expect({ property: property.name, key, exists: target !== undefined }).toEqual({
						property: property.name,
						key,
						exists: true,
					});
					expect(target).not.toBe(property);
					const allowed = allowedValues(target!);
					if (allowed === undefined) continue;
					for (const value of values ?? []) {
						expect({ property: property.name, key, value, allowed: allowed.includes(value) }).toEqual({
							property: property.name,
							key,
							value,
							allowed: true,
						});
					}
				}
			}
		}
	});

	test('every Update Fields option depends on /provider (it lives inside a collection)', () => {
		for (const option of prop('updateFields').options as INodeProperties[]) {
			expect(Object.keys(option.displayOptions?.show ?? {})).toEqual(['/provider']);
		}
	});

	const shownTop = (parameters: Record<string, unknown>, provider: string) =>
		top.filter((property) => NodeHelpers.displayParameter(parameters as never, property, node(provider), description));

	test('with every provider, Contact ID, Update Fields and Options are shown', () => {
		for (const provider of VENDORS) {
			// A workflow saved before Mapping Mode existed gets its default when n8n loads it, so it shows as it did.
			const loaded = NodeHelpers.getNodeParameters(top, rootParameters(provider), true, false, node(provider), description);
			expect(loaded?.mappingMode).toBe('defineBelow');
			// ...and so does one saved before Identify Contact By existed.
			expect(loaded?.identifyBy).toBe('id');
			for (const parameters of [loaded!, { ...rootParameters(provider), mappingMode: 'defineBelow', identifyBy: 'id' }]) {
				const shown = shownTop(parameters, provider).map((property) => property.name);
				expect(shown).toEqual(['provider', 'resource', 'operation', 'mappingMode', 'identifyBy', 'contactId', 'updateFields', 'options']);
			}
		}
	});

	test('Map Automatically shows Contact ID Field and one notice with the provider\'s keys, instead of the fields', () => {
		for (const provider of PROVIDERS) {
			const shown = shownTop({ ...rootParameters(provider), mappingMode: 'autoMapInputData', identifyBy: 'id' }, provider);
			expect(shown.map((property) => property.name)).toEqual([
				'provider', 'resource', 'operation', 'mappingMode', 'autoMapNotice', 'identifyBy', 'contactIdField', 'options',
			]);
			const notice = shown.find((property) => property.name === 'autoMapNotice')!;
			expect(notice.type).toBe('notice');
			expect(notice.displayName).toContain(`keys: ${FIELDS_BY_PROVIDER[provider].join(', ')}.`);
		}
	});
});

describe('Identify Contact By', () => {
	// What each of these vendors documents a look-up for (vendor-docs/README.md, "Finding a contact"); the contract suite covers any other.
	const OFFERED: Record<string, string[]> = {
		blandAi: ['id', 'email', 'phone', 'externalId'],
		leadLex: ['id', 'email'],
		openCx: ['id', 'email', 'phone'],
		raze: ['id', 'email'],
	} satisfies Partial<Record<Vendor, string[]>>;
	const shownFor = (provider: string, identifyBy: string, mappingMode: string) =>
		top.filter((property) =>
			NodeHelpers.displayParameter({ ...rootParameters(provider), identifyBy, mappingMode } as never, property, node(provider), description),
		);

	test.each(Object.keys(OFFERED))('%s: one visible identifyBy with exactly the look-ups its vendor documents', (provider) => {
		const visible = shownFor(provider, 'id', 'defineBelow').filter((property) => property.name === 'identifyBy');
		expect(visible).toHaveLength(1);
		expect(allowedValues(visible[0])).toEqual(OFFERED[provider]);
		expect(visible[0].default).toBe('id');
		expect((visible[0].options as INodePropertyOptions[]).map((option) => option.name)).toEqual(
			OFFERED[provider].map((value) => ({ id: 'Contact ID', email: 'Email', phone: 'Phone', externalId: 'External ID' })[value]),
		);
	});

	test.each(Object.keys(OFFERED))('%s: a look-up shows its value (or its input key) instead of the contact ID', (provider) => {
		const labels = { email: 'Contact Email', phone: 'Contact Phone', externalId: 'Contact External ID' } as Record<string, string>;
		for (const kind of OFFERED[provider].filter((value) => value !== 'id')) {
			const below = shownFor(provider, kind, 'defineBelow');
			expect(below.map((property) => property.name)).toEqual([
				'provider', 'resource', 'operation', 'mappingMode', 'identifyBy', 'lookupValue', 'updateFields', 'options',
			]);
			expect(below.find((property) => property.name === 'lookupValue')).toMatchObject({ displayName: labels[kind], required: true, default: '' });
			const auto = shownFor(provider, kind, 'autoMapInputData');
			expect(auto.map((property) => property.name)).toEqual([
				'provider', 'resource', 'operation', 'mappingMode', 'autoMapNotice', 'identifyBy', 'lookupField', 'options',
			]);
			expect(auto.find((property) => property.name === 'lookupField')).toMatchObject({ displayName: `${labels[kind]} Field`, default: kind });
		}
	});

	test('If Not Found is offered only for look-ups; Dry Run says a look-up is still made', () => {
		const options = prop('options').options as INodeProperties[];
		const ifNotFound = prop('ifNotFound', options);
		expect(allowedValues(ifNotFound)).toEqual(['error', 'skip']);
		expect(ifNotFound.default).toBe('error');
		const shown = (identifyBy: string) =>
			NodeHelpers.displayParameter({ identifyBy } as never, ifNotFound, node('raze'), description, { ...rootParameters('raze'), identifyBy });
		expect([shown('id'), shown('email')]).toEqual([false, true]);
		expect(prop('dryRun', options).description).toMatch(/look-up .* is still performed/);
	});
});

describe('fields per provider (DESIGN.md)', () => {
	test.each(PROVIDERS)('%s shows exactly its fields, each once', (provider) => {
		const names = shownUpdateFields(provider).map((option) => option.name);
		expect([...names].sort()).toEqual([...FIELDS_BY_PROVIDER[provider]].sort());
		expect(new Set(names).size).toBe(names.length);
	});

	test("each Update Fields option names exactly the providers of DESIGN.md's table, and is shown for those only", () => {
		// Expected from the table above, not from the providers the options were built from.
		const fields = [...new Set(Object.values(FIELDS_BY_PROVIDER).flat())].sort();
		const expected = Object.fromEntries(fields.map((field) => [field, PROVIDERS.filter((provider) => FIELDS_BY_PROVIDER[provider].includes(field))]));
		const listed: Record<string, string[]> = {};
		for (const option of prop('updateFields').options as INodeProperties[]) {
			expect({ field: option.name, displayOptions: Object.keys(option.displayOptions ?? {}), show: Object.keys(option.displayOptions?.show ?? {}) }).toEqual({
				field: option.name,
				displayOptions: ['show'],
				show: ['/provider'],
			});
			const named = [...(option.displayOptions!.show!['/provider'] as string[])].sort();
			expect({ field: option.name, providers: named.length > 0 }).toEqual({ field: option.name, providers: true });
			// Only providers of the registry; those of the table are compared with it (any other is the contract suite's).
			expect({ field: option.name, unknown: named.filter((provider) => !(VENDORS as string[]).includes(provider)) }).toEqual({ field: option.name, unknown: [] });
			const providers = named.filter((provider) => PROVIDERS.includes(provider));
			// What the editor does with those displayOptions: shown for the providers named, hidden for the others.
			const shownFor = PROVIDERS.filter((provider) => NodeHelpers.displayParameter({}, option, node(provider), description, rootParameters(provider)));
			expect({ field: option.name, shownFor }).toEqual({ field: option.name, shownFor: providers });
			listed[option.name] = [...(listed[option.name] ?? []), ...providers];
		}
		// Variants of one field (a description per provider) together name each of its providers once.
		const together = Object.fromEntries(
			Object.entries(listed).flatMap(([field, providers]) => (providers.length > 0 ? [[field, [...providers].sort()]] : [])),
		);
		expect(together).toEqual(expected);
	});

	test('the vendor semantics are in the descriptions where the user decides', () => {
		const describeField = (provider: string, field: string) =>
			String(shownUpdateFields(provider).find((option) => option.name === field)?.description);
		expect(describeField('blandAi', 'customFields')).toMatch(/merges it key by key/);
		expect(describeField('leadLex', 'notes')).toMatch(/^Appended to the contact's existing notes/);
		expect(describeField('raze', 'tags')).toMatch(/^Replaces ALL of the contact's tags/);
		expect(describeField('openCx', 'customFields')).toMatch(/numbers and true\/false are sent as text, nested objects are refused/);
		// No provider's semantics leak into another's description.
		expect(describeField('raze', 'customFields')).not.toMatch(/merges|OpenCX/);
	});
});

describe('credentials', () => {
	test('each provider shows only its own credential', () => {
		const shown = (provider: string) =>
			(description.credentials as INodeCredentialDescription[])
				.filter((credential) => NodeHelpers.displayParameter(rootParameters(provider), credential, node(provider), description))
				.map((credential) => credential.name);
		expect(Object.fromEntries(VENDORS.map((provider) => [provider, shown(provider)]))).toEqual(
			Object.fromEntries(VENDORS.map((provider) => [provider, [credentialName(provider)]])),
		);
		for (const credential of description.credentials ?? []) expect(credential.required).toBe(true);
	});

	test('Provider stays a visible dropdown: no credential names a root parameter directly', () => {
		// n8n's editor hides a parameter that the credentials' displayOptions name directly and
		// turns it into the credential's "Connect using" choice; the '/provider' path avoids that.
		const rootNames = new Set(description.properties.map((property) => property.name));
		for (const credential of description.credentials ?? []) {
			const keys = Object.keys(credential.displayOptions?.show ?? {});
			expect(keys).toEqual(['/provider']);
			expect(keys.some((key) => rootNames.has(key))).toBe(false);
		}
	});

	test('credential names and display names', () => {
		expect(Object.values(credentialTypes).map((type) => [type.name, type.displayName])).toEqual(
			VENDORS.map((provider) => [credentialName(provider), `${LABEL[provider]} API`]),
		);
	});
});

describe('public contract', () => {
	test('node identity', () => {
		expect(description).toMatchObject({ name: 'contactHub', displayName: 'Contact Hub', version: 1, usableAsTool: true });
	});

	test('parameter names and values', () => {
		expect([...new Set(top.map((property) => property.name))]).toEqual([
			'provider', 'resource', 'operation', 'mappingMode', 'autoMapNotice', 'identifyBy', 'contactIdField', 'contactId', 'lookupValue', 'lookupField', 'updateFields', 'options',
		]);
		expect([...new Set(top.filter((property) => property.name === 'identifyBy').flatMap((property) => allowedValues(property)))]).toEqual([
			'id', 'email', 'phone', 'externalId',
		]);
		expect(allowedValues(prop('mappingMode'))).toEqual(['defineBelow', 'autoMapInputData']);
		expect(prop('mappingMode').default).toBe('defineBelow');
		expect(prop('contactIdField')).toMatchObject({ type: 'string', default: 'id' });
		expect(allowedValues(prop('provider'))).toEqual(VENDORS);
		expect((prop('provider').options as INodePropertyOptions[]).map((option) => option.name)).toEqual(VENDORS.map((provider) => LABEL[provider]));
		expect(allowedValues(prop('resource'))).toEqual(['contact']);
		expect(allowedValues(prop('operation'))).toEqual(['update', 'upsert', 'get']);
		expect(prop('operation').default).toBe('update');
		expect((prop('operation').options as INodePropertyOptions[]).map((option) => [option.name, option.action])).toEqual([
			['Update', 'Update a contact'],
			['Create or Update', 'Create or update a contact'],
			['Get', 'Get a contact'],
		]);
		expect(prop('contactId')).toMatchObject({ type: 'string', required: true });
		expect([...new Set((prop('updateFields').options as INodeProperties[]).map((option) => option.name))].sort()).toEqual(
			['company', 'customFields', 'email', 'externalId', 'httpActionOverrides', 'jobTitle', 'linkedinUrl', 'name', 'notes', 'phone', 'tags'],
		);
		const options = prop('options').options as INodeProperties[];
		expect(allowedValues(prop('output', options))).toEqual(['raw', 'simplified']);
		expect(prop('output', options).default).toBe('simplified');
		expect(prop('dryRun', options)).toMatchObject({ type: 'boolean', default: false });
		expect(prop('sendEmptyValues', options)).toMatchObject({ type: 'boolean', default: false });
	});
});

describe('display names are Title Case', () => {
	const MINOR = new Set(['a', 'an', 'and', 'as', 'at', 'but', 'by', 'for', 'from', 'in', 'into', 'nor', 'of', 'on', 'or', 'per', 'the', 'to', 'via', 'vs', 'with']);
	function isTitleCase(text: string): boolean {
		const words = text.split(' ');
		return words.every((word, index) => {
			const bare = word.replace(/^[("'“]+/, '');
			if (bare === '') return true;
			// Minor words are lower case, except first and last (as n8n's lint, with the title-case package, has it).
			if (index > 0 && index < words.length - 1 && MINOR.has(bare.toLowerCase())) return bare === bare.toLowerCase();
			return /^[A-Z0-9]/.test(bare);
		});
	}

	test('the checker', () => {
		expect(isTitleCase('Max Requests per Minute')).toBe(true);
		expect(isTitleCase('Max Retry Wait (Seconds)')).toBe(true);
		expect(isTitleCase('Max requests per minute')).toBe(false);
		expect(isTitleCase('Max Requests Per Minute')).toBe(false);
		expect(isTitleCase('From JSON')).toBe(true);
		expect(isTitleCase('Identify Contact By')).toBe(true);
		expect(isTitleCase('Identify Contact by')).toBe(false);
	});

	function names(list: INodeProperties[]): string[] {
		const out: string[] = [];
		for (const property of list) {
			// A notice is a sentence, not a name.
			if (property.type === 'notice') continue;
			out.push(property.displayName);
			if (property.placeholder && property.type !== 'string') out.push(String(property.placeholder));
			for (const option of property.options ?? []) {
				if (isCollectionGroup(option)) {
					out.push(option.displayName, ...names(option.values));
				} else if (isProperty(option)) {
					out.push(...names([option]));
				} else {
					out.push(String((option as INodePropertyOptions).name));
				}
			}
		}
		return out;
	}

	test('node parameters, options and collection entries', () => {
		const all = names(top);
		expect(all.length).toBeGreaterThan(40);
		expect(all.filter((name) => !isTitleCase(name))).toEqual([]);
	});

	test('credentials', () => {
		const all = Object.values(credentialTypes).flatMap((type) => [type.displayName, ...names(type.properties)]);
		expect(all.filter((name) => !isTitleCase(name))).toEqual([]);
	});
});
