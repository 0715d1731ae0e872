import type { INodeCredentialDescription, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { PROVIDERS } from './providers/registry';
import { LOOKUP_KINDS, type ContactField, type ContactProvider, type LookupKind } from './providers/types';

type Providers = readonly ContactProvider[];

/** The UI definition of every update field, before provider hints and visibility are applied. */
const FIELD_PROPERTIES: Record<ContactField, Omit<INodeProperties, 'name'>> = {
	name: {
		displayName: 'Name',
		type: 'string',
		default: '',
		description: "The contact's full name",
	},
	email: {
		displayName: 'Email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: "The contact's email address",
	},
	phone: {
		displayName: 'Phone',
		type: 'string',
		default: '',
		description: "The contact's phone number, with country code",
	},
	company: {
		displayName: 'Company',
		type: 'string',
		default: '',
		description: "The contact's company name",
	},
	jobTitle: {
		displayName: 'Job Title',
		type: 'string',
		default: '',
		description: "The contact's job title or position",
	},
	linkedinUrl: {
		displayName: 'LinkedIn URL',
		type: 'string',
		placeholder: 'https://www.linkedin.com/in/jane-doe',
		default: '',
		description: "The contact's LinkedIn profile URL",
	},
	externalId: {
		displayName: 'External ID',
		type: 'string',
		default: '',
		description: 'Your own ID for the contact, e.g. from your CRM',
	},
	notes: {
		displayName: 'Notes',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: "Text to add to the contact's notes",
	},
	tags: {
		displayName: 'Tags',
		type: 'string',
		placeholder: 'hot-lead, enterprise',
		default: '',
		description: 'Comma-separated tags, or an array of tags from an expression',
	},
	customFields: {
		displayName: 'Custom Fields',
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
		displayName: 'HTTP Action Overrides',
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
export function updateFieldOptions(providers: Providers = PROVIDERS): INodeProperties[] {
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

const UPDATE = { resource: ['contact'], operation: ['update'] };
const MAP_EACH_FIELD = { mappingMode: ['defineBelow'] };
const MAP_AUTOMATICALLY = { mappingMode: ['autoMapInputData'] };

/** Per provider, a notice listing the input keys that Map Automatically reads. */
function autoMapNotices(providers: Providers): INodeProperties[] {
	return providers.map((provider) => ({
		displayName: `Each input item needs the key that identifies the contact (see Identify Contact By) and at least one of these keys: ${provider.fields.join(', ')}. Other keys are ignored, and empty values are skipped unless Send Empty Values is on.`,
		name: 'autoMapNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...MAP_AUTOMATICALLY, '/provider': [provider.id] } },
	}));
}

/** Identify Contact By, per look-up kind: label, option description, and the target fields' wording. */
const IDENTIFY: Record<'id' | LookupKind, { name: string; description: string }> = {
	id: { name: 'Contact ID', description: "The provider's own ID of the contact" },
	email: { name: 'Email', description: 'Look the contact up by email address (exact, ignoring case), then update it' },
	phone: { name: 'Phone', description: 'Look the contact up by phone number (exact in its digits), then update it' },
	externalId: { name: 'External ID', description: 'Look the contact up by your own ID for it (exact), then update it' },
};

const KIND_TEXT: Record<LookupKind, string> = { email: 'email address', phone: 'phone number', externalId: 'external ID' };

const LOOKUP_VALUE: Record<LookupKind, Pick<INodeProperties, 'displayName' | 'placeholder' | 'description'>> = {
	email: {
		displayName: 'Contact Email',
		placeholder: 'name@email.com',
		description: 'The email address of the contact to update. Only a contact with exactly this email is updated.',
	},
	phone: {
		displayName: 'Contact Phone',
		placeholder: '+1 415 555 0123',
		description:
			'The phone number of the contact to update, with country code. Compared by its digits, so +1 (415) 555-0123 finds +14155550123.',
	},
	externalId: {
		displayName: 'Contact External ID',
		placeholder: 'crm-1001',
		description: 'Your own ID of the contact to update (Bland AI external_id). Only an exact match is updated.',
	},
};

/**
 * Identify Contact By, once per group of providers that offer the same choices: n8n cannot hide
 * single options, so each provider sees only what its vendor documents a look-up for.
 */
function identifyByProperties(providers: Providers): INodeProperties[] {
	const groups = new Map<string, { kinds: readonly LookupKind[]; providers: string[] }>();
	for (const provider of providers) {
		const key = provider.lookup.by.join(',');
		const group = groups.get(key) ?? { kinds: provider.lookup.by, providers: [] };
		group.providers.push(provider.id);
		groups.set(key, group);
	}
	return [...groups.values()].map((group) => ({
		displayName: 'Identify Contact By',
		name: 'identifyBy',
		type: 'options',
		// Like Provider, it decides which parameters are shown; with an expression n8n would show and require them all.
		noDataExpression: true,
		options: (['id', ...group.kinds] as const).map((value) => ({ ...IDENTIFY[value], value })),
		default: 'id',
		description:
			'How to find the contact to update. By email, phone or external ID, the node looks the contact up first and updates it only if exactly one contact matches.',
		displayOptions: { show: { ...UPDATE, '/provider': group.providers } },
	}));
}

/** The look-up value (Map Each Field Below) and the input key holding it (Map Automatically), per kind. */
function lookupTargetProperties(): INodeProperties[] {
	return LOOKUP_KINDS.flatMap((kind): INodeProperties[] => [
		{
			...LOOKUP_VALUE[kind],
			name: 'lookupValue',
			type: 'string',
			required: true,
			default: '',
			displayOptions: { show: { ...MAP_EACH_FIELD, ...UPDATE, identifyBy: [kind] } },
		},
		{
			displayName: `${LOOKUP_VALUE[kind].displayName} Field`,
			name: 'lookupField',
			type: 'string',
			required: true,
			default: kind,
			displayOptions: { show: { ...MAP_AUTOMATICALLY, ...UPDATE, identifyBy: [kind] } },
			description: `The input key that holds the ${KIND_TEXT[kind]} to look the contact up by; it is not also sent as a field. A dot reads a key inside an object, e.g. customer.${kind}.`,
		},
	]);
}

/** The Options collection; its defaults are the engine's defaults. */
export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: ['contact'], operation: ['update'] } },
	options: [
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to validate and build each update without sending it; outputs the method, URL, headers (API key hidden) and body. A look-up by email, phone or external ID is still performed (it only reads), so the output shows the contact it found.',
		},
		{
			displayName: 'If Not Found',
			name: 'ifNotFound',
			type: 'options',
			displayOptions: { hide: { '/identifyBy': ['id'] } },
			options: [
				{
					name: 'Error',
					value: 'error',
					description: 'Fail the item, naming what was looked up',
				},
				{
					name: 'Skip',
					value: 'skip',
					description: 'Send nothing for the item and output { notFound: true, provider, identifyBy, lookupValue }',
				},
			],
			default: 'error',
			description: 'What to do when no contact matches the look-up exactly',
		},
		{
			displayName: 'Max Requests per Minute',
			name: 'maxRequestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 60000 },
			default: 0,
			description:
				"Spaces requests so no more than this many start in any minute; 0 means no limit. LeadLex and Raze report their remaining budget with every answer, and the node paces itself by it (also when several executions share the key), so leave this at 0 for them. Set it for Bland AI and OpenCX, which report nothing until they refuse, or to leave part of a key's limit to other users of it. It applies to this execution only.",
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description:
				'How often to retry a request that was rate-limited, or that failed with a server or network error when repeating it is safe; 0 turns all retries off. LeadLex updates with Notes are never retried after they may have arrived, since notes are appended.',
		},
		{
			displayName: 'Max Retry Wait (Seconds)',
			name: 'maxRetryWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 3600, numberPrecision: 1 },
			default: 60,
			description:
				'The longest wait before one retry, even if the vendor asks for longer. After a 429 that names no wait (OpenCX), retries back off from half of it, so that three retries span more than one rate-limit window.',
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{
					name: 'Raw',
					value: 'raw',
					description: "The provider's answer as it came (OpenCX answers with an empty object)",
				},
				{
					name: 'Simplified',
					value: 'simplified',
					description: 'The same contact fields for every provider',
				},
			],
			default: 'simplified',
			description: 'What each output item holds',
		},
		{
			displayName: 'Parallel Requests',
			name: 'parallelRequests',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 1,
			description: 'How many updates to send at once. Output keeps the order of the input.',
		},
		{
			displayName: 'Retry on Rate Limit',
			name: 'retryOnRateLimit',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait as long as the vendor asks (Retry-After, rate-limit reset) and try again when it answers 429 Too Many Requests. When the limit returns later than Max Retry Wait (a daily cap), the node stops sending at once and reports the items not sent.',
		},
		{
			displayName: 'Send Empty Values',
			name: 'sendEmptyValues',
			type: 'boolean',
			default: false,
			description:
				'Whether to send fields that are empty, to clear them at the provider. Off: empty fields are skipped, so an empty expression never wipes data. Notes are never sent empty (they only append).',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 100, maxValue: 600000 },
			default: 30000,
			description: 'How long to wait for the provider to answer one request, in milliseconds',
		},
	],
};

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
		options: [
			{
				name: 'Update',
				value: 'update',
				description: 'Update a contact',
				action: 'Update a contact',
			},
		],
		default: 'update',
	},
	{
		displayName: 'Mapping Mode',
		name: 'mappingMode',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'], operation: ['update'] } },
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

/** The contact ID, as an input key (Map Automatically) or a value (Map Each Field Below). */
const CONTACT_ID_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Contact ID Field',
		name: 'contactIdField',
		type: 'string',
		required: true,
		default: 'id',
		displayOptions: { show: { ...MAP_AUTOMATICALLY, ...UPDATE, identifyBy: ['id'] } },
		description: 'The input key that holds the ID of the contact to update. A dot reads a key inside an object, e.g. customer.contactId.',
	},
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { ...MAP_EACH_FIELD, ...UPDATE, identifyBy: ['id'] } },
		description: "The provider's ID of the contact to update, e.g. from an earlier node",
	},
];

/** Update Fields without its options, which come from the providers. */
const UPDATE_FIELDS: INodeProperties = {
	displayName: 'Update Fields',
	name: 'updateFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	displayOptions: { show: { ...MAP_EACH_FIELD, ...UPDATE } },
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
		...identifyByProperties(providers),
		...CONTACT_ID_PROPERTIES,
		...lookupTargetProperties(),
		{ ...UPDATE_FIELDS, options: updateFieldOptions(providers) },
		optionsProperty,
	];
}

/** The node's parameters, in the order the editor shows them. */
export const properties: INodeProperties[] = buildProperties(PROVIDERS);

/** The node subtitle: the chosen provider's name, e.g. "Update contact in LeadLex". */
export const subtitle = `={{"Update contact in " + (${JSON.stringify(
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
