import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

/**
 * A credential's `authenticate` that puts the API key in one header, written by `format`. A function,
 * as n8n would evaluate an expression on every request; assign it to an own property, as n8n publishes
 * only those to the editor, where they list the credential under the HTTP Request node's Predefined
 * Credential Type.
 */
export function apiKeyHeader(header: string, format: (key: string) => string = (key) => key) {
	return async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => ({
		...requestOptions,
		headers: { ...requestOptions.headers, [header]: format(String(credentials.apiKey ?? '')) },
	});
}
