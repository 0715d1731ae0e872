import type { INodeProperties } from 'n8n-workflow';

/** The operations that write a contact's fields: they share Mapping Mode, the look-up value, Update Fields and Options. */
export const WRITES = ['update', 'upsert'];

/** The Options collection; its defaults are the engine's defaults. */
export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: ['contact'], operation: WRITES } },
	options: [
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to validate and build each update (or create) without sending it; outputs the method, URL, headers (API key hidden) and body. A look-up by email, phone or external ID is still performed (it only reads), so the output shows the contact it found, or that it would create one.',
		},
		{
			displayName: 'If Not Found',
			name: 'ifNotFound',
			type: 'options',
			// Create or Update creates what it does not find.
			displayOptions: { hide: { '/identifyBy': ['id'], '/operation': ['upsert'] } },
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
			description: 'How many items to work on at once. Output keeps the order of the input.',
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
