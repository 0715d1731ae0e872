// The vendor sandbox (test/sandbox) as a child process, and its admin API.
//
// Spawned straight with node + ts-node (no npm in between) in its own process group, so
// stopping it is exact; the sandbox also stops by itself when its parent goes away.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { REPO_DIR, VENDOR_PATH } from './contact-hub.mjs';
import { spawnGroup, stopChild } from './n8n.mjs';

/**
 * Start the sandbox on 127.0.0.1 (`port` 0 = any free port) and wait (bounded) for its
 * `sandbox listening on <url>` line. `args` are extra CLI flags (e.g. ['--latency-ms', '50']).
 */
export async function startSandbox({ port = 0, timeoutMs = 30000, args = [] } = {}) {
	const child = spawnGroup(
		process.execPath,
		[join(REPO_DIR, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'test/sandbox/cli.ts', '--port', String(port), '--quiet', ...args],
		{ cwd: REPO_DIR },
	);
	let out = '';
	let err = '';
	child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
	child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
	const deadline = Date.now() + timeoutMs;
	let url;
	while (!(url = /sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1])) {
		if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
			await stopChild(child, { graceMs: 2000 });
			throw new Error(`sandbox did not start (port ${port}): ${(err || out).trim().slice(0, 500) || 'no output'}`);
		}
		await sleep(50);
	}
	return new SandboxProcess(child, url);
}

/** A running sandbox: its URL, the vendors' base URLs and the admin API. */
export class SandboxProcess {
	constructor(child, url) {
		this.child = child;
		this.pid = child.pid;
		this.url = url;
	}

	/** The base URL a credential uses for `vendor`, e.g. http://127.0.0.1:4010/leadlex */
	baseUrl(vendor) {
		return this.url + VENDOR_PATH[vendor];
	}

	async #admin(method, path, body) {
		const res = await fetch(`${this.url}/__sandbox${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(10000),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`sandbox ${method} ${path} -> ${res.status}: ${text}`);
		return text ? JSON.parse(text) : undefined;
	}

	/** Every vendor request so far: [{ vendor, method, path, rawPath, headers, body, at }] */
	requests() {
		return this.#admin('GET', '/requests');
	}

	/** Contacts back to their seed; recorded requests, faults and limits cleared. */
	reset() {
		return this.#admin('POST', '/reset');
	}

	/** A stored contact in the vendor's own shape (404 -> throws). */
	contact(vendor, id) {
		return this.#admin('GET', `/contacts/${vendor}/${encodeURIComponent(id)}`);
	}

	/** POST /__sandbox/faults: queue faults (see test/sandbox/README.md). */
	addFault(spec) {
		return this.#admin('POST', '/faults', spec);
	}

	/** Add or replace a contact, in the vendor's own field names. */
	seed(vendor, contact) {
		return this.#admin('POST', '/seed', { vendor, contact });
	}

	/** Add `count` generated contacts; resolves to their ids (`${prefix}-1` …). */
	async seedMany(vendor, count, prefix) {
		return (await this.#admin('POST', '/seed-many', { vendor, count, prefix })).ids;
	}

	/** { total, byVendor, updatesApplied, rateLimited } */
	stats() {
		return this.#admin('GET', '/stats');
	}

	/**
	 * A fixed-window limit per (vendor, API key): { limit, windowMs, resetFormat?: 'unix'|'delta', signals?: 'documented'|'none' };
	 * `spec` null clears it. See test/sandbox/README.md.
	 */
	setRateLimit(vendor, spec) {
		return this.#admin('POST', '/rate-limit', { vendor, ...(spec ?? { limit: null }) });
	}

	/** A cap per (vendor, API key) per UTC day; `limit` null clears it. */
	setDailyCap(vendor, limit) {
		return this.#admin('POST', '/daily-cap', { vendor, limit });
	}

	/** Every vendor answer (or only `vendor`'s) is sent `ms` after the request was handled. */
	setLatency(ms, vendor) {
		return this.#admin('POST', '/latency', { ms, vendor });
	}

	/** Seeded chaos (`spec` null clears it). */
	setChaos(spec) {
		return this.#admin('POST', '/chaos', spec);
	}

	/** Raze's list answer: 'documented' or 'code'. */
	setRazeListShape(shape) {
		return this.#admin('POST', '/raze-list-shape', { shape });
	}

	/** What Bland AI's find answers: 'match' or 'unrelated'. */
	setBlandFindAnswer(answer) {
		return this.#admin('POST', '/bland-find', { answer });
	}

	/** The base URL for n8n's OpenAI credential: the scripted LLM, e.g. http://127.0.0.1:4010/openai/v1 */
	llmBaseUrl() {
		return `${this.url}/openai/v1`;
	}

	/** Every request to the scripted LLM: [{ method, path, headers, body, at, status }] (body has `messages`, `tools`). */
	llmRequests() {
		return this.#admin('GET', '/llm/requests');
	}

	/** Stop the sandbox (its process group). */
	stop() {
		return stopChild(this.child, { graceMs: 5000 });
	}
}
