/**
 * The registry drives the UI: each provider's options, fields, credential and look-up kinds come
 * from its module, so a fifth vendor made with `defineProvider` appears without touching the node.
 */
import type { ICredentialType, IDataObject, INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { ContactHub } from '../../nodes/ContactHub/ContactHub.node';
import { buildCredentials, buildProperties } from '../../nodes/ContactHub/description';
import { PROVIDERS } from '../../nodes/ContactHub/providers/registry';
import { defineProvider } from '../../nodes/ContactHub/providers/table';
import {
	FIELD_KINDS,
	type ContactField,
	type ContactProvider,
	type ContactUpdate,
} from '../../nodes/ContactHub/providers/types';

const fifth: ContactProvider = defineProvider({
	id: 'madeUpCrm',
	label: 'Made-Up CRM',
	credential: { name: 'madeUpCrmApi', displayName: 'Made-Up CRM API', properties: [] } as ICredentialType,
	table: {
		fields: { email: 'mail', tags: 'labels', notes: 'memo', customFields: 'extra' },
		bodyKey: 'person',
		answerKey: 'result',
		timestamps: { createdAt: 'born', updatedAt: 'touched' },
	},
	lookup: {
		by: ['externalId'],
		request: (_kind, value) => ({ method: 'GET', path: `/people?ref=${value}` }),
		readPage: () => ({ candidates: [], hasMore: false }),
	},
	create: {
		path: '/people',
		fields: { email: 'mail', notes: 'memo' },
		readAnswer: () => undefined,
		conflictMeansExists: false,
	},
	method: 'PATCH',
	path: (id) => `/people/${id}`,
	readError: () => ({}),
	isRepeatSafe: () => true,
});

/** Whether a property's displayOptions show it while `providerId` is chosen. */
function shownFor(property: INodeProperties | INodeCredentialDescription, providerId: string): boolean {
	const chosen = property.displayOptions?.show?.['/provider'];
	return chosen === undefined || chosen.includes(providerId);
}

function named(properties: INodeProperties[], name: string): INodeProperties[] {
	return properties.filter((property) => property.name === name);
}

/** Whether a property is shown for `operation` (or for every operation). */
function shownForOperation(property: INodeProperties, operation: string): boolean {
	const chosen = property.displayOptions?.show?.operation;
	return chosen === undefined || chosen.includes(operation);
}

/** What the UI offers one provider: its option, its Update Fields, its credentials, its Identify Contact By values (for `operation`). */
function offered(properties: INodeProperties[], credentials: INodeCredentialDescription[], providerId: string, operation = 'update') {
	const updateFields = named(properties, 'updateFields')[0].options as INodeProperties[];
	const identifyBy = named(properties, 'identifyBy').filter((property) => shownFor(property, providerId) && shownForOperation(property, operation));
	return {
		option: named(properties, 'provider')[0].options?.find((option) => 'value' in option && option.value === providerId),
		fields: updateFields.filter((field) => shownFor(field, providerId)).map((field) => field.name),
		credentials: credentials.filter((credential) => shownFor(credential, providerId)).map((credential) => credential.name),
		identifyBy: identifyBy.flatMap((property) => (property.options ?? []).map((option) => 'value' in option && option.value)),
	};
}

/** What the registry says the UI should offer a provider. */
function expected(provider: ContactProvider) {
	return {
		option: { name: provider.label, value: provider.id },
		fields: Object.keys(provider.table.fields).sort(),
		credentials: [provider.credential.name],
		identifyBy: ['id', ...provider.lookup.by],
	};
}

describe('the registry drives the node description', () => {
	const { properties, credentials } = new ContactHub().description;

	test.each(PROVIDERS.map((provider) => [provider.id, provider]))('%s: option, fields, credential, look-ups', (id, provider) => {
		const shown = offered(properties, credentials ?? [], id);
		expect({ ...shown, fields: [...shown.fields].sort() }).toEqual(expected(provider));
	});

	test.each(PROVIDERS.map((provider) => [provider.id, provider]))('%s: Create or Update offers its look-ups, without the ID', (id, provider) => {
		expect(offered(properties, credentials ?? [], id, 'upsert').identifyBy).toEqual([...provider.lookup.by]);
	});

	test('the Provider list is the registry, in its order', () => {
		const options = named(properties, 'provider')[0].options;
		expect(options).toEqual(PROVIDERS.map((provider) => ({ name: provider.label, value: provider.id })));
	});

	test('a fifth provider appears with its fields, credential and look-up kinds', () => {
		const providers = [...PROVIDERS, fifth];
		const shown = offered(buildProperties(providers), buildCredentials(providers), fifth.id);
		expect({ ...shown, fields: [...shown.fields].sort() }).toEqual(expected(fifth));
		expect(expected(fifth).fields).toEqual(['customFields', 'email', 'notes', 'tags']);
		// The four vendors' UI is unchanged by the fifth.
		for (const provider of PROVIDERS) {
			expect(offered(buildProperties(providers), buildCredentials(providers), provider.id)).toEqual(
				offered(properties, credentials ?? [], provider.id),
			);
		}
	});

	test("Map Automatically's notice names the fifth provider's fields", () => {
		const notice = named(buildProperties([...PROVIDERS, fifth]), 'autoMapNotice').find((property) =>
			shownFor(property, fifth.id) && property.displayOptions?.show?.['/provider'] !== undefined,
		);
		expect(notice?.displayName).toContain('these keys: email, tags, notes, customFields.');
	});
});

/** A value of each kind, distinct per field so a swapped mapping shows. */
function sample(field: ContactField): ContactUpdate[ContactField] {
	const kind = FIELD_KINDS[field];
	if (kind === 'tags') return [`${field}-a`, `${field}-b`];
	if (kind === 'object') return { [field]: 'value', n: 1 };
	if (kind === 'overrides') return { headers: { [field]: 'value' } };
	return `${field} value`;
}

/** An update that sets every field of a provider. */
function fullUpdate(provider: ContactProvider): ContactUpdate {
	return Object.fromEntries(provider.fields.map((field) => [field, sample(field)])) as ContactUpdate;
}

/** The vendor's answer that holds, as its contact, the body just sent. */
function answerTo(provider: ContactProvider, body: IDataObject): IDataObject {
	const { bodyKey, answerKey } = provider.table;
	const sent = bodyKey === undefined ? body : (body[bodyKey] as IDataObject);
	return answerKey === null ? {} : { [answerKey]: { id: 'c-1', ...sent } };
}

describe('toBody and toContact are inverses on the table', () => {
	test.each([...PROVIDERS, fifth].map((provider) => [provider.id, provider]))('%s', (_id, provider) => {
		const update = fullUpdate(provider);
		const body = provider.toBody(update);
		const contact = provider.toContact(answerTo(provider, body), 'c-1', update);
		for (const field of provider.fields) {
			if (FIELD_KINDS[field] !== 'overrides') expect(contact[field]).toEqual(update[field]);
		}
		// Fields outside the table never appear in the output, and overrides are sent only.
		for (const field of Object.keys(FIELD_KINDS) as ContactField[]) {
			if (!provider.fields.includes(field)) expect(contact[field] ?? null).toBeNull();
		}
		expect(contact).not.toHaveProperty('httpActionOverrides');
	});

	test.each([...PROVIDERS, fifth].map((provider) => [provider.id, provider]))('%s: the body lists the vendor keys in table order', (_id, provider) => {
		const body = provider.toBody(fullUpdate(provider));
		const { bodyKey } = provider.table;
		const sent = bodyKey === undefined ? body : (body[bodyKey] as IDataObject);
		expect(Object.keys(sent)).toEqual(Object.values(provider.table.fields));
		if (bodyKey !== undefined) expect(Object.keys(body)).toEqual([bodyKey]);
	});

	test.each(PROVIDERS.filter((provider) => provider.table.answerKey !== null).map((provider) => [provider.id, provider]))(
		'%s: read back without the update, the answer alone gives the same values',
		(_id, provider) => {
			const update = fullUpdate(provider);
			const contact = provider.toContact(answerTo(provider, provider.toBody(update)), 'c-1', {});
			for (const field of provider.fields) {
				if (FIELD_KINDS[field] !== 'overrides') expect(contact[field]).toEqual(update[field]);
			}
		},
	);

	test("the fifth provider's timestamps and ID come from its answer", () => {
		const contact = fifth.toContact({ result: { id: 'srv-9', born: 'then', touched: 'now', labels: [1, 'b'] } }, 'c-1', {});
		expect(contact).toMatchObject({ provider: 'madeUpCrm', id: 'srv-9', createdAt: 'then', updatedAt: 'now', tags: ['1', 'b'] });
	});
});
