import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

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

	/**
	 * Sends the key in the X-API-Key header. A function, as n8n would evaluate an expression on every
	 * request; an own property, as n8n publishes only those to the editor, where they list the
	 * credential under the HTTP Request node's Predefined Credential Type.
	 */
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const key = String(credentials.apiKey ?? '');
		return { ...requestOptions, headers: { ...requestOptions.headers, 'X-API-Key': key } };
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(new RegExp("/+$"), "")}}',
			url: '/external/v1/contacts',
			method: 'GET',
			qs: { limit: 1 },
		},
	};
}
