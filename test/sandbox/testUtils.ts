/** Helpers shared by the sandbox's own tests (not a test file itself). */
import http from 'node:http';

import { CREATE_ROUTES, DOCUMENTED, SANDBOX_KEYS, SEED_IDS, VENDORS } from './constants';
import type { Sandbox, Vendor } from './types';

export interface HttpResult {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	/** Parsed body when it is JSON; undefined otherwise. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

interface RequestOptions {
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
	const { header, value } = DOCUMENTED[vendor].auth;
	return { [header]: value(key) };
}

/** A table with `value` for every vendor of the registry, e.g. the zero counts of stats() to overlay. */
export function everyVendor<T>(value: T): Record<Vendor, T> {
	return Object.fromEntries(VENDORS.map((vendor) => [vendor, value])) as Record<Vendor, T>;
}

interface CallOptions extends Omit<RequestOptions, 'method'> {
	/** Key to authenticate with; default the vendor's valid key; null = no auth header. */
	key?: string | null;
}

/** A request to a vendor on the sandbox, authenticated the vendor's way. */
export function call(sandbox: Sandbox, vendor: Vendor, method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
	const auth = options.key === null ? {} : authHeaders(vendor, options.key);
	return request(sandbox.baseUrl(vendor) + path, { ...options, method, headers: { ...auth, ...options.headers } });
}

/** A valid update of each vendor's demo contact, as its pages document it: the name set to 'Updated Name'. */
export const SAMPLE_UPDATE = Object.fromEntries(
	VENDORS.map((vendor) => {
		const { update, keys, body } = DOCUMENTED[vendor];
		return [vendor, { method: update.method, path: update.path(encodeURIComponent(SEED_IDS[vendor])), body: body({ [keys.name]: 'Updated Name' }) }];
	}),
) as Record<Vendor, { method: string; path: string; body: unknown }>;

/** A valid create body of each vendor (sent to its CREATE_ROUTES entry); each carries the email SAMPLE_CREATE_EMAIL. */
export const SAMPLE_CREATE_EMAIL = 'created@example.com';
const SAMPLE_CREATE = Object.fromEntries(
	VENDORS.map((vendor) => {
		const { keys, body } = DOCUMENTED[vendor];
		return [vendor, body({ [keys.name]: 'Created Person', [keys.email]: SAMPLE_CREATE_EMAIL })];
	}),
) as Record<Vendor, unknown>;

/** Sends SAMPLE_CREATE for a vendor to its documented create. */
export function sampleCreate(sandbox: Sandbox, vendor: Vendor, options: CallOptions = {}): Promise<HttpResult> {
	const { method, path } = CREATE_ROUTES[vendor];
	return call(sandbox, vendor, method, path, { body: SAMPLE_CREATE[vendor], ...options });
}

/** Sends a vendor's documented look-up of `email` (first page). */
export function sampleLookup(sandbox: Sandbox, vendor: Vendor, email: string, options: CallOptions = {}): Promise<HttpResult> {
	const [method, path, body] = DOCUMENTED[vendor].lookupByEmail(email);
	return call(sandbox, vendor, method, path, { body, ...options });
}

type Answer = HttpResult['json'];
const idsOf = (items: Array<{ id: string }>) => items.map((item) => item.id);

/** Where the four vendors' look-up answers hold their contacts (Bland's find answers one or none). */
const LOOKUP_ANSWER = {
	blandAi: (json: Answer) => (json.data ? [json.data.id] : []),
	leadLex: (json: Answer) => idsOf(json.data.contacts),
	openCx: (json: Answer) => idsOf(json.contacts),
	raze: (json: Answer) => idsOf(json.data.contacts),
} satisfies Partial<Record<Vendor, (json: Answer) => string[]>>;

/** The IDs of the first objects with a string `id` found walking an answer: the contacts of a vendor without an entry above. */
function contactIdsIn(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(contactIdsIn);
	if (typeof value !== 'object' || value === null) return [];
	const { id } = value as { id?: unknown };
	return typeof id === 'string' ? [id] : Object.values(value).flatMap(contactIdsIn);
}

/** Each vendor's documented look-up by email, as the IDs of the contacts it answers. */
export async function lookUpIds(sandbox: Sandbox, vendor: Vendor, email: string, options: CallOptions = {}): Promise<string[]> {
	const { json } = await sampleLookup(sandbox, vendor, email, options);
	const read = (LOOKUP_ANSWER as Partial<Record<Vendor, (json: Answer) => string[]>>)[vendor] ?? contactIdsIn;
	return read(json);
}

/** The credential-test request of the vendors whose credentials these tests know; a GET. */
export const CREDENTIAL_TEST = {
	blandAi: '/v1/me',
	leadLex: '/v1/contacts?per_page=1',
	openCx: '/org',
	raze: '/external/v1/contacts?limit=1',
} satisfies Partial<Record<Vendor, string>>;

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
