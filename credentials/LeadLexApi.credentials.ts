import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiKeyHeader, TEST_BASE_URL } from './apiKeyHeader';

export class LeadLexApi implements ICredentialType {
	name = 'leadLexApi';

	displayName = 'LeadLex API';

	icon: Icon = { light: 'file:icons/leadLex.svg', dark: 'file:icons/leadLex.dark.svg' };

	documentationUrl = 'https://docs.leadlex.com';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your LeadLex API key (wbk_live_…). Updating contacts needs the write:contacts scope; the credential test needs read:contacts.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://data.leadlex.com/functions/v1/api-gateway',
			required: true,
			description: 'The API gateway root, without /v1. Change it only for a proxy or the Contact Hub sandbox.',
		},
	];

	/** Sends the key as a Bearer token. */
	authenticate = apiKeyHeader('Authorization', (key) => `Bearer ${key}`);

	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
			url: '/v1/contacts',
			method: 'GET',
			qs: { per_page: 1 },
		},
	};
}
