import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiKeyHeader, TEST_BASE_URL } from './apiKeyHeader';

export class RazeApi implements ICredentialType {
	name = 'razeApi';

	displayName = 'Raze API';

	icon: Icon = { light: 'file:icons/raze.svg', dark: 'file:icons/raze.dark.svg' };

	documentationUrl = 'https://developer.getraze.co';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your Raze API key (gr_live_…). Updating contacts needs the contacts:write permission; the credential test needs contacts:read.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.getraze.com',
			required: true,
			description: 'The app root, without /external/v1. Change it only for a proxy or the Contact Hub sandbox.',
		},
	];

	/** Sends the key in the X-API-Key header. */
	authenticate = apiKeyHeader('X-API-Key');

	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
			url: '/external/v1/contacts',
			method: 'GET',
			qs: { limit: 1 },
		},
	};
}
