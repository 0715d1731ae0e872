/** Helpers shared by the sandbox's own tests (not a test file itself). */
import http from 'node:http';

import { CREATE_ROUTES, SANDBOX_KEYS, SEED_IDS } from './constants';
import type { Sandbox, Vendor } from './types';

export interface HttpResult {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	/** Parsed body when it is JSON; undefined otherwise. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

export interface RequestOptions {
	method?: string;
	headers?: Record<string, string>;
	/** Sent as JSON. */
	body?: unknown;
	/** Sent as is (wins over body). */
	raw?: string;
	/** Client-side timeout; the request fails with code 'CLIENT_TIMEOUT'. */
	timeoutMs?: number;
}

/** One HTTP request on a fresh connection (no keep-alive, so nothing outlives a test). */
export function request(url: string, options: RequestOptions = {}): Promise<HttpResult> {
	return new Promise((resolve, reject) => {
		const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
		const headers: Record<string, string> = { ...options.headers };
		if (payload !== undefined) {
			headers['content-type'] ??= 'application/json';
			headers['content-length'] = String(Buffer.byteLength(payload));
		}
		const req = http.request(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('error', reject);
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let parsed: unknown;
				if (/json/.test(res.headers['content-type'] ?? '') && text !== '') {
					try {
						parsed = JSON.parse(text);
					} catch {
						parsed = undefined;
					}
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parsed });
			});
		});
		if (options.timeoutMs !== undefined) {
			req.setTimeout(options.timeoutMs, () =>
				req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })),
			);
		}
		req.on('error', reject);
		req.end(payload);
	});
}

/** The auth headers a vendor documents, for a key. */
export function authHeaders(vendor: Vendor, key: string = SANDBOX_KEYS[vendor].valid): Record<string, string> {
	switch (vendor) {
		case 'blandAi':
			return { authorization: key };
		case 'raze':
			return { 'x-api-key': key };
		default:
			return { authorization: `Bearer ${key}` };
	}
}

export interface CallOptions extends Omit<RequestOptions, 'method'> {
	/** Key to authenticate with; default the vendor's valid key; null = no auth header. */
	key?: string | null;
}

/** A request to a vendor on the sandbox, authenticated the vendor's way. */
export function call(sandbox: Sandbox, vendor: Vendor, method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
	const auth = options.key === null ? {} : authHeaders(vendor, options.key);
	return request(sandbox.baseUrl(vendor) + path, { ...options, method, headers: { ...auth, ...options.headers } });
}

/** A valid update of each vendor's demo contact. */
export const SAMPLE_UPDATE: Record<Vendor, { method: string; path: string; body: unknown }> = {
	blandAi: { method: 'PATCH', path: `/v1/contacts/${SEED_IDS.blandAi}`, body: { name: 'Updated Name' } },
	leadLex: { method: 'PATCH', path: `/v1/contacts/${SEED_IDS.leadLex}`, body: { job_title: 'Updated Title' } },
	openCx: { method: 'PATCH', path: `/contacts/${SEED_IDS.openCx}`, body: { contact: { name: 'Updated Name' } } },
	raze: { method: 'PUT', path: `/external/v1/contacts/${SEED_IDS.raze}`, body: { position: 'Updated Title' } },
};

/** A valid create body of each vendor (sent to its CREATE_ROUTES entry); each carries the email SAMPLE_CREATE_EMAIL. */
export const SAMPLE_CREATE_EMAIL = 'created@example.com';
export const SAMPLE_CREATE: Record<Vendor, unknown> = {
	blandAi: { email: SAMPLE_CREATE_EMAIL, name: 'Created Person' },
	leadLex: { full_name: 'Created Person', email: SAMPLE_CREATE_EMAIL },
	openCx: { contact: { name: 'Created Person', email: SAMPLE_CREATE_EMAIL } },
	raze: { name: 'Created Person', email: SAMPLE_CREATE_EMAIL },
};

/** Sends SAMPLE_CREATE for a vendor to its documented create. */
export function sampleCreate(sandbox: Sandbox, vendor: Vendor, options: CallOptions = {}): Promise<HttpResult> {
	const { method, path } = CREATE_ROUTES[vendor];
	return call(sandbox, vendor, method, path, { body: SAMPLE_CREATE[vendor], ...options });
}

/** Each vendor's look-up by email, as the IDs of the contacts it answers (Bland's find answers one or none). */
export async function lookUpIds(sandbox: Sandbox, vendor: Vendor, email: string, options: CallOptions = {}): Promise<string[]> {
	const q = encodeURIComponent(email);
	const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);
	switch (vendor) {
		case 'blandAi': {
			const res = await call(sandbox, vendor, 'POST', '/v1/contacts/find', { body: { email }, ...options });
			return res.json.data ? [res.json.data.id] : [];
		}
		case 'leadLex':
			return ids((await call(sandbox, vendor, 'GET', `/v1/contacts?search=${q}`, options)).json.data.contacts);
		case 'openCx':
			return ids((await call(sandbox, vendor, 'GET', `/chat/sessions/search?q=${q}`, options)).json.contacts);
		case 'raze':
			return ids((await call(sandbox, vendor, 'GET', `/external/v1/contacts?email=${q}`, options)).json.data.contacts);
	}
}

/** The credential-test request of each vendor. */
export const CREDENTIAL_TEST: Record<Vendor, string> = {
	blandAi: '/v1/me',
	leadLex: '/v1/contacts?per_page=1',
	openCx: '/org',
	raze: '/external/v1/contacts?limit=1',
};

/** Sends SAMPLE_UPDATE for a vendor. */
export function sampleUpdate(sandbox: Sandbox, vendor: Vendor, options: CallOptions = {}): Promise<HttpResult> {
	const { method, path, body } = SAMPLE_UPDATE[vendor];
	return call(sandbox, vendor, method, path, { body, ...options });
}

/** Settles a promise into `{ ok, value | error }` so tests can assert on failures. */
export async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: NodeJS.ErrnoException }> {
	try {
		return { ok: true, value: await promise };
	} catch (error) {
		return { ok: false, error: error as NodeJS.ErrnoException };
	}
}
