/**
 * The admin HTTP API under /__sandbox/, for processes that run the sandbox as a child (scripts, benchmarks, e2e).
 * It mirrors the Sandbox object; admin calls are never recorded or counted.
 */
import { SANDBOX_KEYS, SEED_IDS, VENDORS } from './constants';
import { checkFaultSpec } from './faults';
import { json, plainNotFound, type ParsedBody, type Reply } from './http';
import type { SandboxServer } from './server';
import type { BlandFindAnswer, ChaosSpec, FaultSpec, RateLimitSpec, RateSignals, RazeListShape, ResetFormat, Vendor } from './types';
import { isPlainObject } from './vendor';

type Body = Record<string, unknown>;

const ok = (extra: Body = {}): Reply => json(200, { ok: true, ...extra });

function objectBody(body: ParsedBody): Body {
	if (body.invalidJson) throw new Error('body is not valid JSON');
	if (body.json === undefined) return {};
	if (!isPlainObject(body.json)) throw new Error('body must be a JSON object');
	return body.json;
}

function onFlag(body: Body): boolean {
	if (typeof body.on !== 'boolean') throw new Error('body must be {"on": true|false}');
	return body.on;
}

/** `{limit, windowMs, resetFormat?, signals?}` of an admin body; null when limit is null or absent. */
function rateLimitSpec(b: Body): RateLimitSpec | null {
	if (b.limit === null || b.limit === undefined) return null;
	const spec: RateLimitSpec = { limit: Number(b.limit), windowMs: Number(b.windowMs) };
	if (b.resetFormat !== undefined) spec.resetFormat = b.resetFormat as ResetFormat;
	if (b.signals !== undefined) spec.signals = b.signals as RateSignals;
	return spec;
}

/** The fault specs of a POST /faults body (one object or an array); `method` and `path` must be strings when given. */
function faultSpecs(body: ParsedBody): FaultSpec[] {
	if (body.invalidJson) throw new Error('body is not valid JSON');
	const specs = Array.isArray(body.json) ? body.json : [objectBody(body)];
	for (const spec of specs) {
		if (!isPlainObject(spec)) throw new Error('each fault must be an object {kind, count?, skip?, vendor?, phase?, method?, path?}');
		for (const key of ['method', 'path'] as const) {
			if (spec[key] !== undefined && typeof spec[key] !== 'string') throw new Error(`fault ${key} must be a string`);
		}
	}
	// All are checked before any is queued, so a bad one in an array queues none.
	for (const spec of specs) checkFaultSpec(spec as unknown as FaultSpec);
	return specs as FaultSpec[];
}

/** Answers one admin call; `path` is what follows /__sandbox. Bad input is a 400 `{ error }`. */
export function handleAdmin(sandbox: SandboxServer, method: string, path: string, body: ParsedBody): Reply {
	const url = new URL(path || '/', 'http://sandbox.invalid');
	const route = `${method} ${url.pathname.replace(/\/+$/, '') || '/'}`;
	try {
		const contactMatch = /^GET \/contacts\/([^/]+)\/([^/]+)$/.exec(route);
		if (contactMatch) {
			const [vendor, id] = [decodeURIComponent(contactMatch[1]), decodeURIComponent(contactMatch[2])];
			const contact = sandbox.getContact(vendor as Vendor, id);
			return contact ? json(200, contact) : json(404, { error: `no ${vendor} contact ${id}` });
		}
		switch (route) {
			case 'GET /health':
				return ok({
					url: sandbox.url,
					vendors: Object.fromEntries(VENDORS.map((v) => [v, sandbox.baseUrl(v)])),
					keys: SANDBOX_KEYS,
					seedIds: SEED_IDS,
				});
			case 'POST /reset':
				sandbox.reset();
				return ok();
			case 'GET /requests':
				return json(200, sandbox.requests);
			case 'DELETE /requests':
				sandbox.clearRequests();
				return ok();
			case 'POST /seed': {
				const b = objectBody(body);
				if (!isPlainObject(b.contact)) throw new Error('body must be {"vendor", "contact": {"id", …}}');
				sandbox.seed(b.vendor as Vendor, b.contact as Body & { id: string });
				return ok({ id: b.contact.id });
			}
			case 'POST /seed-after-next-lookup': {
				const b = objectBody(body);
				if (!isPlainObject(b.contact)) throw new Error('body must be {"vendor", "contact": {"id", …}}');
				sandbox.seedAfterNextLookup(b.vendor as Vendor, b.contact as Body & { id: string });
				return ok({ id: b.contact.id, pending: sandbox.pendingAfterLookup()[b.vendor as Vendor] });
			}
			case 'POST /seed-many': {
				const b = objectBody(body);
				const prefix = b.prefix === undefined ? undefined : String(b.prefix);
				return json(200, { ids: sandbox.seedMany(b.vendor as Vendor, Number(b.count), prefix) });
			}
			case 'POST /faults': {
				for (const spec of faultSpecs(body)) sandbox.addFault(spec);
				return ok({ pending: sandbox.pendingFaults() });
			}
			case 'POST /chaos': {
				if (body.invalidJson) throw new Error('body is not valid JSON');
				const spec = body.json === undefined || body.json === null ? null : (objectBody(body) as unknown as ChaosSpec);
				sandbox.setChaos(spec);
				return ok();
			}
			case 'POST /rate-limit': {
				const b = objectBody(body);
				sandbox.setRateLimit(b.vendor as Vendor, rateLimitSpec(b));
				return ok();
			}
			case 'POST /daily-cap': {
				const b = objectBody(body);
				sandbox.setDailyCap(b.vendor as Vendor, b.limit === null || b.limit === undefined ? null : Number(b.limit));
				return ok();
			}
			case 'POST /latency': {
				const b = objectBody(body);
				sandbox.setLatency(Number(b.ms), b.vendor === undefined || b.vendor === null ? undefined : (b.vendor as Vendor));
				return ok();
			}
			case 'POST /bland-find':
				sandbox.setBlandFindAnswer(objectBody(body).answer as BlandFindAnswer);
				return ok();
			case 'POST /raze-list-shape':
				sandbox.setRazeListShape(objectBody(body).shape as RazeListShape);
				return ok();
			case 'POST /reject-unknown-fields':
				sandbox.setRejectUnknownFields(onFlag(objectBody(body)));
				return ok();
			case 'POST /record':
				sandbox.setRecord(onFlag(objectBody(body)));
				return ok();
			case 'GET /llm/requests':
				return json(200, sandbox.llmRequests());
			case 'DELETE /llm/requests':
				sandbox.clearLlmRequests();
				return ok();
			case 'GET /stats':
				return json(200, sandbox.stats());
			default:
				return plainNotFound(method, `/__sandbox${path}`, 'see test/sandbox/README.md for the admin API');
		}
	} catch (error) {
		return json(400, { error: error instanceof Error ? error.message : String(error) });
	}
}
