// n8n's editor REST API (/rest, cookie auth) and public API (/api/v1, API key).
//
// Routes and payloads as in n8n 2.8.4 (n8n/dist/controllers, @n8n/api-types/dist/dto), and the
// same on 1.123.81 and 2.40.7 (the matrix runs every call below on each):
//   POST /rest/owner/setup     { email, firstName, lastName, password }   (no auth; first run only)
//   POST /rest/login           { emailOrLdapLoginId, password }            -> cookie n8n-auth
//   GET  /rest/api-keys/scopes                                             -> scopes this user may grant
//   POST /rest/api-keys        { label, scopes, expiresAt: unix-seconds | null } -> { rawApiKey, ... }
//   POST /rest/credentials/test { credentials: { id, name, type, data } } -> { status: 'OK'|'Error', message }
//   /api/v1/...                header X-N8N-API-KEY
// Passwords: 8-64 characters with a digit and an upper-case letter.
// Editor REST answers are wrapped as { data }; the public API's are not.

export const DEFAULT_OWNER = Object.freeze({
	email: 'owner@contact-hub.local',
	firstName: 'Contact',
	lastName: 'Hub',
	password: 'ContactHub-demo-1',
});

export class N8nRest {
	/** @param {string} url e.g. http://127.0.0.1:5678 */
	constructor(url) {
		this.url = url.replace(/\/$/, '');
		this.cookie = '';
		this.apiKey = '';
	}

	async #call(method, path, { body, headers = {}, timeoutMs = 30000 } = {}) {
		const res = await fetch(this.url + path, {
			method,
			headers: {
				accept: 'application/json',
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
				...headers,
			},
			body: body !== undefined ? JSON.stringify(body) : undefined,
			signal: AbortSignal.timeout(timeoutMs),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		return { status: res.status, json, text };
	}

	async #ok(method, path, opts) {
		const r = await this.#call(method, path, opts);
		if (r.status < 200 || r.status > 299) {
			throw Object.assign(new Error(`${method} ${path} -> ${r.status}: ${r.text.slice(0, 500)}`), r);
		}
		return r;
	}

	/** Editor REST call with the session cookie; returns the unwrapped `data`. */
	async rest(method, path, body) {
		const r = await this.#ok(method, `/rest${path}`, { body, headers: this.cookie ? { cookie: this.cookie } : {} });
		return r.json?.data ?? r.json;
	}

	/** Public API call with the API key; returns the JSON body. */
	async api(method, path, body) {
		if (!this.apiKey) throw new Error('no API key: call createApiKey() first');
		const r = await this.#ok(method, `/api/v1${path}`, { body, headers: { 'X-N8N-API-KEY': this.apiKey } });
		return r.json;
	}

	/** Raw public API call (no throw on non-2xx): { status, json, text }. */
	async apiRaw(method, path, body) {
		return this.#call(method, `/api/v1${path}`, { body, headers: { 'X-N8N-API-KEY': this.apiKey } });
	}

	/** Create the owner account on a fresh instance (so no sign-up form is shown). */
	async setupOwner(owner = DEFAULT_OWNER) {
		const r = await this.#ok('POST', '/rest/owner/setup', { body: owner });
		return r.json?.data;
	}

	/** Is the owner account set up? (GET /rest/settings -> userManagement.showSetupOnFirstLoad) */
	async ownerIsSetUp() {
		const s = await this.rest('GET', '/settings');
		return s?.userManagement?.showSetupOnFirstLoad === false;
	}

	async login({ email, password } = DEFAULT_OWNER) {
		const r = await this.#ok('POST', '/rest/login', { body: { emailOrLdapLoginId: email, password } });
		return r.json?.data;
	}

	/**
	 * Create a public-API key for the logged-in user; remembers and returns the raw key.
	 * Without a license n8n grants the role's default scopes whatever is asked, but the
	 * body must still list valid scopes, so this asks for all the user may have.
	 */
	async createApiKey({ label = `e2e-${Date.now()}`, expiresAt = null } = {}) {
		const scopes = await this.rest('GET', '/api-keys/scopes');
		const created = await this.rest('POST', '/api-keys', { label, scopes, expiresAt });
		if (!created?.rawApiKey) throw new Error(`POST /rest/api-keys gave no rawApiKey: ${JSON.stringify(created)?.slice(0, 300)}`);
		this.apiKey = created.rawApiKey;
		return this.apiKey;
	}

	/**
	 * Create a credential through the public API (POST /api/v1/credentials) -> { id, name, type, ... }.
	 *
	 * n8n 2.8.4 validates `data` against the type's properties. For a credential type that
	 * has `authenticate` and was loaded eagerly at startup (a community package without
	 * n8n's dist/known metadata, e.g. ours), n8n has injected `allowedHttpRequestDomains`
	 * (+ `allowedDomains`) into those properties and the schema then demands
	 * `allowedHttpRequestDomains` ('all' | 'domains' | 'none'); for a lazily loaded
	 * built-in type (n8n-nodes-base) the same field is rejected as unknown. Pass
	 * `allowedHttpRequestDomains: 'all'` yourself, or leave `domains: 'auto'` to try the
	 * data as given and retry once with/without the field on that 400.
	 */
	async createCredential({ name, type, data }, { domains = 'auto' } = {}) {
		const first = await this.apiRaw('POST', '/credentials', { name, type, data });
		if (first.status === 200 || domains !== 'auto' || first.status !== 400) {
			if (first.status !== 200) throw Object.assign(new Error(`POST /api/v1/credentials -> ${first.status}: ${first.text}`), first);
			return first.json;
		}
		let retryData;
		if (/additional property "allowedHttpRequestDomains"/.test(first.text)) {
			retryData = { ...data };
			delete retryData.allowedHttpRequestDomains;
			delete retryData.allowedDomains;
		} else if (/allowedDomains|allowedHttpRequestDomains/.test(first.text) && data.allowedHttpRequestDomains === undefined) {
			retryData = { ...data, allowedHttpRequestDomains: 'all' };
		} else {
			throw Object.assign(new Error(`POST /api/v1/credentials -> 400: ${first.text}`), first);
		}
		const second = await this.apiRaw('POST', '/credentials', { name, type, data: retryData });
		if (second.status !== 200) throw Object.assign(new Error(`POST /api/v1/credentials -> ${second.status}: ${second.text}`), second);
		return second.json;
	}

	/**
	 * The editor's credential test (the "Test" / "Retry" in the credential modal).
	 * `id` must be a stored credential the user can read; `data` is tested as given
	 * (redacted values fall back to the stored ones), so a bad key can be tried without
	 * saving it. Returns { status: 'OK' | 'Error', message }.
	 */
	async testCredential({ id, name, type, data }) {
		return this.rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
	}
}
