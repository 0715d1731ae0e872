import type { ICredentialType, IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { normalizeBaseUrl } from '../../../credentials/apiKeyHeader';
import type { ContactProvider, ContactUpdate } from '../providers/types';

/** Everything needed to send one request, without the credential's secret. */
export interface VendorRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject;
}

/** Percent-encodes a contact ID as one path segment, so no ID can reach another endpoint. */
export function encodeContactId(id: string): string {
	return encodeURIComponent(id);
}


/** The vendor request for one validated update. */
export function buildRequest(
	provider: ContactProvider,
	baseUrl: string,
	contactId: string,
	update: ContactUpdate,
): VendorRequest {
	return {
		method: provider.method,
		url: normalizeBaseUrl(baseUrl) + provider.path(encodeContactId(contactId)),
		body: provider.toBody(update),
	};
}

/** Placeholder shown wherever the API key would be. */
export const KEY_PLACEHOLDER = '<API key from the credential>';

/**
 * The headers a credential's `authenticate` adds, built with a placeholder instead of the key:
 * what a dry run shows instead of the real header.
 */
export async function redactedAuthHeaders(credential: ICredentialType): Promise<Record<string, string>> {
	const { authenticate } = credential;
	const out: Record<string, string> = {};
	if (typeof authenticate === 'function') {
		// A well-formed stand-in Base URL: authenticate checks the credential it is given.
		const request = await authenticate({ apiKey: KEY_PLACEHOLDER, baseUrl: 'https://api.example.com' }, { url: '', headers: {} });
		for (const [name, value] of Object.entries(request.headers ?? {})) out[name] = String(value);
		return out;
	}
	// Generic authenticate: the header templates, each expression replaced by the placeholder.
	for (const [name, template] of Object.entries(authenticate?.properties.headers ?? {})) {
		out[name] = String(template)
			.replace(/^=/, '')
			.replace(/\{\{[^}]*\}\}/g, KEY_PLACEHOLDER);
	}
	return out;
}
