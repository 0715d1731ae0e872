import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

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

	/**
	 * Sends the key as a Bearer token. A function, as n8n would evaluate an expression on every
	 * request; an own property, as n8n publishes only those to the editor, where they list the
	 * credential under the HTTP Request node's Predefined Credential Type.
	 */
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const key = String(credentials.apiKey ?? '');
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${key}` } };
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(new RegExp("/+$"), "")}}',
			url: '/org',
			method: 'GET',
		},
	};
}
