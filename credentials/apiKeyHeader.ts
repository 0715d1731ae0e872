import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

// What a header value may hold (Node's own rule): tab, visible ASCII and Latin-1; no CR, LF or other controls.
const HEADER_VALUE = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;

/** The API key as it is sent: surrounding whitespace (a pasted newline) trimmed. */
function apiKeyOf(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.apiKey ?? '').trim();
}

/** Why a key cannot be sent in a header, or undefined when it can. */
function apiKeyProblem(key: string): string | undefined {
	if (key === '') return 'the API Key is empty';
	if (!HEADER_VALUE.test(key)) {
		return 'the API Key holds a line break or a character that cannot be sent in an HTTP header; paste the key again';
	}
	return undefined;
}

// http(s), a host without userinfo, an optional path; no query, fragment or whitespace.
const BASE_URL = /^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/i;

/** The Base URL as the node and the credential test use it: trimmed, without trailing slashes. */
export function normalizeBaseUrl(raw: unknown): string {
	return String(raw ?? '').trim().replace(/\/+$/, '');
}

/** Why a normalised Base URL cannot be used, or undefined when it can. */
export function baseUrlProblem(url: string): string | undefined {
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || !/^https?:$/.test(parsed.protocol)) return 'the Base URL must start with https:// (or http://)';
	if (parsed.username !== '' || parsed.password !== '' || /^[a-z]+:\/\/[^/]*@/i.test(url)) {
		return 'the Base URL must not hold a user name or password (user:password@); put the key in API Key';
	}
	if (/[?#]/.test(url)) return 'the Base URL must not hold a query (?…) or a fragment (#…)';
	if (!BASE_URL.test(url)) return 'the Base URL must be a web address like https://api.example.com, without spaces';
	return undefined;
}

/** The credential test's baseURL, normalised as the node does it (normalizeBaseUrl). */
export const TEST_BASE_URL = '={{ String($credentials.baseUrl ?? "").trim().replace(new RegExp("/+$"), "") }}';

/** Why a credential cannot be used (its key or its Base URL), in words naming the field; undefined when it can. */
export function credentialProblem(credentials: ICredentialDataDecryptedObject): string | undefined {
	const key = apiKeyProblem(apiKeyOf(credentials));
	if (key) return `API Key: ${key}`;
	const url = baseUrlProblem(normalizeBaseUrl(credentials.baseUrl));
	return url ? `Base URL: ${url}` : undefined;
}

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
	): Promise<IHttpRequestOptions> => {
		// The credential test ends here with this text; the node checks the credential before it sends anything.
		const problem = credentialProblem(credentials);
		if (problem) throw new Error(problem);
		return { ...requestOptions, headers: { ...requestOptions.headers, [header]: format(apiKeyOf(credentials)) } };
	};
}
