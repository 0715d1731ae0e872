import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

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
			url: '/v1/contacts',
			method: 'GET',
			qs: { per_page: 1 },
		},
	};
}
