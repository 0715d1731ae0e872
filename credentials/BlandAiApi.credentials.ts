import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiKeyHeader, TEST_BASE_URL } from './apiKeyHeader';

export class BlandAiApi implements ICredentialType {
	name = 'blandAiApi';

	displayName = 'Bland AI API';

	icon: Icon = { light: 'file:icons/blandAi.svg', dark: 'file:icons/blandAi.dark.svg' };

	documentationUrl = 'https://docs.bland.ai';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your Bland AI API key (org_… or a sub-account key sub-sk-…), from the Bland dashboard under API Keys. Sent raw in the authorization header.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.bland.ai',
			required: true,
			description: 'The API root. Change it only for a proxy or the Contact Hub sandbox.',
		},
	];

	/** Sends the raw key in the authorization header. */
	authenticate = apiKeyHeader('authorization');

	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
			url: '/v1/me',
			method: 'GET',
		},
	};
}
