import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiKeyHeader, TEST_BASE_URL } from './apiKeyHeader';

export class OpenCxApi implements ICredentialType {
	name = 'openCxApi';

	displayName = 'OpenCX API';

	icon: Icon = { light: 'file:icons/openCx.svg', dark: 'file:icons/openCx.dark.svg' };

	documentationUrl = 'https://docs.open.cx';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your OpenCX API key (ocx_live_…), from the OpenCX dashboard. A scoped key needs contacts:write to update and org:read for the credential test.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.open.cx',
			required: true,
			description: 'The API root. Change it only for a proxy or the Contact Hub sandbox.',
		},
	];

	/** Sends the key as a Bearer token. */
	authenticate = apiKeyHeader('Authorization', (key) => `Bearer ${key}`);

	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
			url: '/org',
			method: 'GET',
		},
	};
}
