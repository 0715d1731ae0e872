import type { INodeCredentialDescription, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { OPERATION_LIST } from './actions';
import { optionsProperty, WRITES } from './actions/options';
import { PROVIDERS } from './providers/registry';
import { FIELD_LABELS, KIND_NOUNS, LOOKUP_VALUE_LABELS } from './vocabulary';
import { LOOKUP_KINDS, type ContactField, type ContactProvider, type LookupKind } from './providers/types';

type Providers = readonly ContactProvider[];

/** The UI definition of every update field, before provider hints and visibility are applied. */
const FIELD_PROPERTIES: Record<ContactField, Omit<INodeProperties, 'name'>> = {
	name: {
		displayName: FIELD_LABELS.name,
		type: 'string',
		default: '',
		description: "The contact's full name",
	},
	email: {
		displayName: FIELD_LABELS.email,
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: "The contact's email address",
	},
	phone: {
		displayName: FIELD_LABELS.phone,
		type: 'string',
		default: '',
		description: "The contact's phone number, with country code",
	},
	company: {
		displayName: FIELD_LABELS.company,
		type: 'string',
		default: '',
		description: "The contact's company name",
	},
	jobTitle: {
		displayName: FIELD_LABELS.jobTitle,
		type: 'string',
		default: '',
		description: "The contact's job title or position",
	},
	linkedinUrl: {
		displayName: FIELD_LABELS.linkedinUrl,
		type: 'string',
		placeholder: 'https://www.linkedin.com/in/jane-doe',
		default: '',
		description: "The contact's LinkedIn profile URL",
	},
	externalId: {
		displayName: FIELD_LABELS.externalId,
		type: 'string',
		default: '',
		description: 'Your own ID for the contact, e.g. from your CRM',
	},
	notes: {
		displayName: FIELD_LABELS.notes,
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: "Text to add to the contact's notes",
	},
	tags: {
		displayName: FIELD_LABELS.tags,
		type: 'string',
		placeholder: 'hot-lead, enterprise',
		default: '',
		description: 'Comma-separated tags, or an array of tags from an expression',
	},
	customFields: {
		displayName: FIELD_LABELS.customFields,
		type: 'fixedCollection',
		placeholder: 'Add Custom Field',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'Key-value pairs, or a JSON object (From JSON). An expression may also give the whole object.',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{ displayName: 'Key', name: 'key', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
			{
				displayName: 'From JSON',
				name: 'json',
				values: [
					{
						displayName: 'JSON Object',
						name: 'object',
						type: 'json',
						default: '{}',
						description: 'A JSON object of custom fields, e.g. {"plan": "pro"}',
					},
				],
			},
		],
	},
	httpActionOverrides: {
		displayName: FIELD_LABELS.httpActionOverrides,
		type: 'json',
		default: '{}',
		description:
			'Values OpenCX uses when its AI agent calls your HTTP actions for this contact: an object with query_params, path_params, body_params and headers, each mapping names to text',
	},
};

/**
 * The Update Fields options: one per field and distinct description, shown only for the providers
 * that accept the field, with each provider's semantics where it differs.
 */
function updateFieldOptions(providers: Providers = PROVIDERS): INodeProperties[] {
	const options: INodeProperties[] = [];
	for (const [field, base] of Object.entries(FIELD_PROPERTIES) as Array<[ContactField, INodeProperties]>) {
		const byDescription = new Map<string, string[]>();
		for (const provider of providers.filter((candidate) => candidate.fields.includes(field))) {
			const description = provider.fieldHints?.[field] ?? String(base.description);
			byDescription.set(description, [...(byDescription.get(description) ?? []), provider.id]);
		}
		for (const [description, providers] of byDescription) {
			options.push({ ...base, name: field, description, displayOptions: { show: { '/provider': providers } } });
		}
	}
	return options.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

const WRITING = { resource: ['contact'], operation: WRITES };
const MAP_EACH_FIELD = { mappingMode: ['defineBelow'] };
const MAP_AUTOMATICALLY = { mappingMode: ['autoMapInputData'] };

/** Per provider, a notice listing the input keys that Map Automatically reads. */
function autoMapNotices(providers: Providers): INodeProperties[] {
	return providers.map((provider) => ({
		displayName: `Each input item needs the key that identifies the contact (see Identify Contact By) and at least one of these keys: ${provider.fields.join(', ')}. Other keys are ignored, and empty values are skipped unless Send Empty Values is on.`,
		name: 'autoMapNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...MAP_AUTOMATICALLY, ...WRITING, '/provider': [provider.id] } },
	}));
}


const LOOKUP_VALUE: Record<LookupKind, Pick<INodeProperties, 'placeholder' | 'description'>> = {
	email: {
		placeholder: 'name@email.com',
		description: 'The email address of the contact to update. Only a contact with exactly this email is updated.',
	},
	phone: {
		placeholder: '+1 415 555 0123',
		description:
			'The phone number of the contact to update, with country code. Compared by its digits, so +1 (415) 555-0123 finds +14155550123.',
	},
	externalId: {
		placeholder: 'crm-1001',
		description: 'Your own ID of the contact to update (Bland AI external_id). Only an exact match is updated.',
	},
};

/** The look-up value (Map Each Field Below) and the input key holding it (Map Automatically), per kind. */
function lookupTargetProperties(): INodeProperties[] {
	return LOOKUP_KINDS.flatMap((kind): INodeProperties[] => [
		{
			displayName: LOOKUP_VALUE_LABELS[kind],
			...LOOKUP_VALUE[kind],
			name: 'lookupValue',
			type: 'string',
			required: true,
			default: '',
			displayOptions: { show: { ...MAP_EACH_FIELD, ...WRITING, identifyBy: [kind] } },
		},
		{
			displayName: `${LOOKUP_VALUE_LABELS[kind]} Field`,
			name: 'lookupField',
			type: 'string',
			required: true,
			default: kind,
			displayOptions: { show: { ...MAP_AUTOMATICALLY, ...WRITING, identifyBy: [kind] } },
			description: `The input key that holds the ${KIND_NOUNS[kind]} to look the contact up by; it is not also sent as a field. A dot reads a key inside an object, e.g. customer.${kind}.`,
		},
	]);
}

/** The parameters between Provider and the per-provider ones: resource, operation, mapping mode. */
const FIXED_HEAD: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Contact', value: 'contact' }],
		default: 'contact',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: OPERATION_LIST.map((operation) => operation.option),
		default: 'update',
	},
	{
		displayName: 'Mapping Mode',
		name: 'mappingMode',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: WRITING },
		options: [
			{
				name: 'Map Each Field Below',
				value: 'defineBelow',
				description: 'Set the contact ID and each field in this node, with expressions where needed',
			},
			{
				name: 'Map Automatically',
				value: 'autoMapInputData',
				description:
					'Take the contact ID and the fields from input keys of the same name (e.g. email, jobTitle); the fastest way through long lists',
			},
		],
		default: 'defineBelow',
		description: 'How each input item becomes an update',
	},
];

/** Update Fields without its options, which come from the providers. */
const UPDATE_FIELDS: INodeProperties = {
	displayName: 'Update Fields',
	name: 'updateFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	displayOptions: { show: { ...MAP_EACH_FIELD, ...WRITING } },
	description:
		'Only the fields you add are sent; the rest of the contact stays as it is. Fields that are empty after expressions resolve are skipped, unless Send Empty Values is on.',
};

/** Provider, before its options and default, which come from the providers. */
const PROVIDER: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: [],
	default: '',
	description: 'The platform that holds the contact. Each needs its own credential.',
};

/** The Provider parameter: one option per provider, the first chosen by default. */
function providerProperty(providers: Providers): INodeProperties {
	const options: INodePropertyOptions[] = providers.map((provider) => ({ name: provider.label, value: provider.id }));
	return { ...PROVIDER, options, default: providers[0].id };
}

/** The node's parameters for a list of providers, in the order the editor shows them. */
export function buildProperties(providers: Providers): INodeProperties[] {
	return [
		providerProperty(providers),
		...FIXED_HEAD,
		...autoMapNotices(providers),
		...OPERATION_LIST.flatMap((operation) => operation.properties(providers)),
		...lookupTargetProperties(),
		{ ...UPDATE_FIELDS, options: updateFieldOptions(providers) },
		optionsProperty,
		...OPERATION_LIST.flatMap((operation) => operation.options?.() ?? []),
	];
}

/** The node's parameters, in the order the editor shows them. */
export const properties: INodeProperties[] = buildProperties(PROVIDERS);

export { optionsProperty };

/** The node subtitle: the chosen operation and provider, e.g. "Update contact in LeadLex". */
export const subtitle = `={{(${JSON.stringify(
	Object.fromEntries(OPERATION_LIST.map((operation) => [operation.option.value, operation.subtitle])),
)})[$parameter["operation"]] + " contact in " + (${JSON.stringify(
	Object.fromEntries(PROVIDERS.map((provider) => [provider.id, provider.label])),
)})[$parameter["provider"]]}}`;

/**
 * One credential per provider, shown only while that provider is chosen. The root path
 * ('/provider') keeps Provider a visible dropdown: with a plain 'provider' key, n8n's editor takes
 * it for an authentication selector, hides it, and lets the credential pick the provider instead.
 */
export function buildCredentials(providers: Providers): INodeCredentialDescription[] {
	return providers.map((provider) => ({
		name: provider.credential.name,
		required: true,
		displayOptions: { show: { '/provider': [provider.id] } },
	}));
}

/** The node's credentials: one per provider of the registry. */
export const credentials: INodeCredentialDescription[] = buildCredentials(PROVIDERS);
