import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { handleAdmin } from './admin';
import { handleLlm, LLM_PREFIX } from './llm';
import { ADMIN_PREFIX, SEED_IDS, VENDOR_PREFIXES, VENDORS } from './constants';
import { FaultPlan, type Decision } from './faults';
import { badGatewayHtml, json, parseBody, plainNotFound, readBody, send, type ParsedBody, type Reply } from './http';
import { RateLimiter } from './rateLimit';
import { Router, type RouteMatch } from './router';
import type {
	BlandFindAnswer,
	ChaosSpec,
	Contact,
	FaultSpec,
	LlmRequest,
	RateLimitSpec,
	RazeListShape,
	RecordedRequest,
	Sandbox,
	SandboxOptions,
	SandboxStats,
	Vendor,
} from './types';
import { DEFAULT_MODES, type RateInfo, type VendorModes, type VendorModule } from './vendor';
import { VENDOR_MODULES } from './vendors';

const MAX_HANG_MS = 10 * 60 * 1000;
const MAX_LATENCY_MS = 10 * 60 * 1000;
const DEFAULT_SEED_PREFIX = 'contact';

/** A registered module's vendor (modules name it as a plain string, so that `Vendor` can follow the registry). */
const vendorOf = (module: VendorModule): Vendor => module.vendor as Vendor;

function perVendor<T>(make: (vendor: Vendor) => T): Record<Vendor, T> {
	return Object.fromEntries(VENDORS.map((v) => [v, make(v)])) as Record<Vendor, T>;
}

function assertVendor(vendor: unknown): asserts vendor is Vendor {
	if (!VENDORS.includes(vendor as Vendor)) throw new Error(`unknown vendor: ${String(vendor)} (expected one of ${VENDORS.join(', ')})`);
}

/** Splits a raw URL into the vendor it addresses and the path after that vendor's prefix. */
function resolveVendor(rawPath: string): { vendor: Vendor | null; path: string } {
	for (const vendor of VENDORS) {
		const prefix = VENDOR_PREFIXES[vendor];
		if (rawPath.startsWith(prefix)) {
			const rest = rawPath.slice(prefix.length);
			if (rest === '') return { vendor, path: '/' };
			if (rest.startsWith('/') || rest.startsWith('?')) return { vendor, path: rest };
		}
	}
	return { vendor: null, path: rawPath };
}

/** One request being answered. */
interface Exchange {
	req: IncomingMessage;
	res: ServerResponse;
	vendor: Vendor | null;
	/** reset() count at arrival: an answer delayed across a reset is not counted in the new stats. */
	generation: number;
	/** The recorded entry, completed with status and doneAt when answered (absent when recording is off). */
	record?: RecordedRequest;
	method: string;
	rawPath: string;
	/** Path after the vendor prefix (the raw path for unknown vendors). */
	path: string;
	body: ParsedBody;
	at: number;
}

/** Fills in what was sent (null: no answer) and when. */
function complete(ex: Exchange, status: number | null): void {
	if (!ex.record || ex.record.doneAt !== undefined) return;
	ex.record.status = status;
	ex.record.doneAt = Date.now();
}

function checkLatency(ms: unknown): number {
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error('latency must be a number of ms ≥ 0');
	return Math.min(ms, MAX_LATENCY_MS);
}

function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
	return { ...reply, headers: { ...headers, ...reply.headers } };
}

/** The sandbox: one HTTP server, four fake vendors, and the switches tests flip. */
export class SandboxServer implements Sandbox {
	url = '';
	port = 0;
	readonly requests: RecordedRequest[] = [];
	private readonly llm: LlmRequest[] = [];

	private readonly server: Server;
	private readonly sockets = new Set<Socket>();
	private readonly hangs = new Set<NodeJS.Timeout>();
	private readonly delayed = new Set<NodeJS.Timeout>();
	private readonly routers = perVendor((v) => new Router(VENDOR_MODULES[v].routes));
	private readonly faults = new FaultPlan();
	private readonly rateLimiter = new RateLimiter();
	private contacts = perVendor(() => new Map<string, Contact>());
	/** Contacts seedAfterNextLookup queued, stored after the vendor's next answered look-up. */
	private afterLookup = perVendor((): Contact[] => []);
	private counters = this.zeroCounters();
	private rejectUnknown = false;
	private modes: VendorModes = { ...DEFAULT_MODES };
	private generation = 0;
	private recording: boolean;
	private readonly seedCount: number;
	private readonly hangMs: number;
	private readonly startLatencyMs: number;
	private latency: { all: number; byVendor: Partial<Record<Vendor, number>> };
	private readonly log: boolean;
	private closing: Promise<void> | undefined;

	constructor(options: SandboxOptions = {}) {
		this.seedCount = options.seedCount ?? 0;
		if (!Number.isInteger(this.seedCount) || this.seedCount < 0) throw new Error('seedCount must be an integer ≥ 0');
		const hangMs = options.hangMs ?? 30_000;
		if (!(hangMs >= 0)) throw new Error('hangMs must be ≥ 0');
		this.hangMs = Math.min(hangMs, MAX_HANG_MS);
		this.startLatencyMs = checkLatency(options.latencyMs ?? 0);
		this.latency = { all: this.startLatencyMs, byVendor: {} };
		this.log = options.log ?? false;
		this.recording = options.record ?? true;
		this.server = createServer((req, res) => void this.onRequest(req, res));
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.seedAll();
	}

	/** Starts listening on 127.0.0.1 only. */
	listen(port: number): Promise<void> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				this.server.off('error', reject);
				this.port = (this.server.address() as AddressInfo).port;
				this.url = `http://127.0.0.1:${this.port}`;
				resolve();
			});
		});
	}

	baseUrl(vendor: Vendor): string {
		assertVendor(vendor);
		return this.url + VENDOR_PREFIXES[vendor];
	}

	clearRequests(): void {
		this.requests.length = 0; // keeps references held by callers valid
	}

	reset(): void {
		this.contacts = perVendor(() => new Map<string, Contact>());
		this.afterLookup = perVendor((): Contact[] => []);
		this.seedAll();
		this.clearRequests();
		this.llm.length = 0;
		this.faults.clear();
		this.rateLimiter.clear();
		this.rejectUnknown = false;
		this.modes = { ...DEFAULT_MODES };
		this.latency = { all: this.startLatencyMs, byVendor: {} };
		this.counters = this.zeroCounters();
		this.generation += 1;
	}

	seed(vendor: Vendor, contact: Record<string, unknown> & { id: string }): void {
		assertVendor(vendor);
		if (typeof contact?.id !== 'string' || contact.id === '') throw new Error('seed: contact.id must be a non-empty string');
		const copy = structuredClone(contact);
		this.contacts[vendor].set(copy.id, VENDOR_MODULES[vendor].makeContact(copy));
	}

	seedAfterNextLookup(vendor: Vendor, contact: Record<string, unknown> & { id: string }): void {
		assertVendor(vendor);
		if (typeof contact?.id !== 'string' || contact.id === '') {
			throw new Error('seedAfterNextLookup: contact.id must be a non-empty string');
		}
		// Copied now, completed with defaults (and timestamps) when it appears.
		this.afterLookup[vendor].push(structuredClone(contact));
	}

	/** Contacts waiting for a look-up, per vendor (admin API). */
	pendingAfterLookup(): Record<Vendor, number> {
		return perVendor((v) => this.afterLookup[v].length);
	}

	seedMany(vendor: Vendor, count: number, prefix = DEFAULT_SEED_PREFIX): string[] {
		assertVendor(vendor);
		if (!Number.isInteger(count) || count < 0) throw new Error('seedMany: count must be an integer ≥ 0');
		const module = VENDOR_MODULES[vendor];
		const ids: string[] = [];
		for (let i = 1; i <= count; i++) {
			const id = `${prefix}-${i}`;
			this.contacts[vendor].set(id, module.generate(id, i));
			ids.push(id);
		}
		return ids;
	}

	getContact(vendor: Vendor, id: string): Record<string, unknown> | undefined {
		assertVendor(vendor);
		const contact = this.contacts[vendor].get(id);
		return contact === undefined ? undefined : structuredClone(contact);
	}

	addFault(spec: FaultSpec): void {
		this.faults.add(spec);
	}

	setChaos(spec: ChaosSpec | null): void {
		this.faults.setChaos(spec);
	}

	setRateLimit(vendor: Vendor, spec: RateLimitSpec | null): void {
		assertVendor(vendor);
		this.rateLimiter.set(vendor, spec);
	}

	setDailyCap(vendor: Vendor, limit: number | null): void {
		assertVendor(vendor);
		this.rateLimiter.setDailyCap(vendor, limit);
	}

	setLatency(ms: number, vendor?: Vendor): void {
		const checked = checkLatency(ms);
		if (vendor === undefined) {
			this.latency = { all: checked, byVendor: {} };
			return;
		}
		assertVendor(vendor);
		this.latency.byVendor[vendor] = checked;
	}

	setRejectUnknownFields(on: boolean): void {
		this.rejectUnknown = on;
	}

	setBlandFindAnswer(answer: BlandFindAnswer): void {
		if (answer !== 'match' && answer !== 'unrelated') throw new Error(`Bland find answer must be 'match' or 'unrelated', not ${String(answer)}`);
		this.modes.blandFindAnswer = answer;
	}

	setRazeListShape(shape: RazeListShape): void {
		if (shape !== 'documented' && shape !== 'code') throw new Error(`Raze list shape must be 'documented' or 'code', not ${String(shape)}`);
		this.modes.razeListShape = shape;
	}

	setListIgnoresPage(on: boolean): void {
		this.modes.listIgnoresPage = on;
	}

	llmRequests(): LlmRequest[] {
		return structuredClone(this.llm);
	}

	/** Forgets the LLM requests (admin API). */
	clearLlmRequests(): void {
		this.llm.length = 0;
	}

	setRecord(on: boolean): void {
		this.recording = on;
	}

	stats(): SandboxStats {
		return {
			total: this.counters.total,
			byVendor: { ...this.counters.byVendor },
			updatesApplied: { ...this.counters.updatesApplied },
			created: { ...this.counters.created },
			rateLimited: { ...this.counters.rateLimited },
		};
	}

	/** Pending queued faults (admin API). */
	pendingFaults(): number {
		return this.faults.pending();
	}

	close(): Promise<void> {
		this.closing ??= new Promise<void>((resolve) => {
			for (const timer of [...this.hangs, ...this.delayed]) clearTimeout(timer);
			this.hangs.clear();
			this.delayed.clear();
			this.server.close(() => resolve());
			for (const socket of this.sockets) socket.destroy();
			this.server.closeAllConnections();
		});
		return this.closing;
	}

	private zeroCounters() {
		return {
			total: 0,
			byVendor: perVendor(() => 0),
			updatesApplied: perVendor(() => 0),
			created: perVendor(() => 0),
			rateLimited: perVendor(() => 0),
		};
	}

	private seedAll(): void {
		for (const vendor of VENDORS) {
			const demo = VENDOR_MODULES[vendor].demoContact();
			this.contacts[vendor].set(SEED_IDS[vendor], demo);
			this.seedMany(vendor, this.seedCount);
		}
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const at = Date.now();
		const method = req.method ?? 'GET';
		const rawPath = req.url ?? '/';
		let raw: string | null;
		try {
			raw = await readBody(req);
		} catch {
			return; // the client went away mid-body
		}
		if (rawPath === ADMIN_PREFIX || rawPath.startsWith(`${ADMIN_PREFIX}/`)) {
			send(res, handleAdmin(this, method, rawPath.slice(ADMIN_PREFIX.length), parseBody(raw ?? '')));
			return;
		}

		const body = parseBody(raw ?? '');
		if (rawPath === LLM_PREFIX || rawPath.startsWith(`${LLM_PREFIX}/`)) return this.answerLlm(req, res, method, rawPath, body, at);
		const { vendor, path } = resolveVendor(rawPath);
		const ex: Exchange = { req, res, vendor, generation: this.generation, method, rawPath, path, body, at };
		this.counters.total += 1;
		if (this.recording) {
			const recorded = body.invalidJson ? body.raw : body.json;
			ex.record = { vendor, method, path, rawPath, headers: req.headers, body: recorded, at };
			this.requests.push(ex.record);
		}
		if (raw === null) return this.finish(ex, json(413, { error: 'payload_too_large' }));
		if (vendor === null) return this.finish(ex, plainNotFound(method, rawPath));
		this.counters.byVendor[vendor] += 1;
		this.handleVendor(VENDOR_MODULES[vendor], ex);
	}

	/** The scripted LLM: recorded apart, never counted, delayed or faulted. */
	private answerLlm(req: IncomingMessage, res: ServerResponse, method: string, rawPath: string, body: ParsedBody, at: number): void {
		const path = rawPath.slice(LLM_PREFIX.length) || '/';
		const reply = handleLlm(method, path, req.headers, body);
		this.llm.push({ method, path, headers: req.headers, body: body.invalidJson ? body.raw : body.json, at, status: reply.status });
		send(res, reply);
		if (this.log) console.log(`[sandbox] ${method} ${rawPath} -> ${reply.status} (llm)`);
	}

	/** The vendor pipeline: route → fault(before) → rate limit → auth → scope → JSON → handler → fault(after). */
	private handleVendor(module: VendorModule, ex: Exchange): void {
		const q = ex.path.indexOf('?');
		const pathname = q >= 0 ? ex.path.slice(0, q) : ex.path;
		const match = this.routers[vendorOf(module)].match(ex.method, pathname);
		// Unknown routes consume no faults and no rate limit: they are a client bug, not traffic.
		if (match.kind === 'wrongMethod') {
			return this.finish(ex, plainNotFound(ex.method, ex.rawPath, `this path accepts ${match.allowed.join(', ')}`));
		}
		if (match.kind === 'none') return this.finish(ex, plainNotFound(ex.method, ex.rawPath));

		const decision = this.faults.next({ vendor: vendorOf(module), method: ex.method, pathname });
		if (decision?.phase === 'before') return this.fault(module, decision, ex);

		const rate = this.rateLimiter.hit(vendorOf(module), module.presentedKey(ex.req.headers));
		let reply: Reply;
		if (rate?.limited) reply = module.rateLimited(rate.info);
		else reply = this.runRoute(module, match, q >= 0 ? ex.path.slice(q + 1) : '', ex);
		if (rate && module.rateLimitHeaders) reply = withHeaders(reply, module.rateLimitHeaders(rate.info));
		if (module.decorate) reply = module.decorate(reply);

		if (decision) return this.fault(module, decision, ex); // phase 'after': the update or create happened, the answer is lost
		this.finish(ex, reply);
	}

	private runRoute(module: VendorModule, match: Extract<RouteMatch, { kind: 'found' }>, query: string, ex: Exchange): Reply {
		const auth = module.authenticate(ex.req.headers);
		if (!auth.ok) return auth.reply;
		if (match.route.scope === 'write' && auth.scope !== 'write') return module.forbidden();
		if (match.route.scope === 'write' && ex.body.invalidJson) return module.invalidJson();
		let reply: Reply;
		try {
			reply = match.route.handle({
				params: match.params,
				query: new URLSearchParams(query),
				body: ex.body,
				contacts: this.contacts[vendorOf(module)],
				rejectUnknownFields: this.rejectUnknown,
				modes: this.modes,
				applied: () => (this.counters.updatesApplied[vendorOf(module)] += 1),
				created: () => (this.counters.created[vendorOf(module)] += 1),
			});
		} catch (error) {
			console.error('[sandbox] handler bug:', error);
			return module.internalError();
		}
		// Only a look-up that searched (a 2xx) uses up the wait: a refused one (401, 400, 429, fault 'before') saw nothing.
		if (match.route.lookup && reply.status >= 200 && reply.status < 300) this.revealAfterLookup(vendorOf(module));
		return reply;
	}

	/** Stores the contacts seedAfterNextLookup queued for `vendor`, after the look-up's answer was made. */
	private revealAfterLookup(vendor: Vendor): void {
		const pending = this.afterLookup[vendor];
		this.afterLookup[vendor] = [];
		for (const contact of pending) this.contacts[vendor].set(contact.id, VENDOR_MODULES[vendor].makeContact(contact));
	}

	private fault(module: VendorModule, decision: Decision, ex: Exchange): void {
		const decorate = (reply: Reply) => (module.decorate ? module.decorate(reply) : reply);
		switch (decision.kind) {
			case 'status500':
				return this.finish(ex, decorate(module.internalError()), decision);
			case 'status502Html':
				return this.finish(ex, badGatewayHtml(), decision);
			case 'malformedJson': {
				const headers = { 'content-type': 'application/json; charset=utf-8' };
				return this.finish(ex, decorate({ status: 200, headers, raw: module.malformedJson }), decision);
			}
			case 'status429': {
				const now = Date.now();
				const info: RateInfo = {
					limit: this.rateLimiter.limitOf(vendorOf(module)) ?? module.planLimit ?? 0,
					remaining: 0,
					resetAtMs: now + 1000,
					retryAfterSec: 1,
					nowMs: now,
					...this.rateLimiter.formatOf(vendorOf(module)),
				};
				return this.finish(ex, decorate(module.rateLimited(info)), decision);
			}
			case 'reset':
				this.logLine(ex, 'reset', decision);
				complete(ex, null);
				ex.req.socket.destroy();
				return;
			case 'hang':
				this.logLine(ex, `hang ${this.hangMs}ms`, decision);
				ex.req.socket.once('close', () => complete(ex, null));
				return this.hang(ex.req.socket);
		}
	}

	/** Holds a socket without answering, then destroys it; bounded by hangMs, cleared by close(). */
	private hang(socket: Socket): void {
		const timer = setTimeout(() => {
			this.hangs.delete(timer);
			socket.destroy();
		}, this.hangMs);
		this.hangs.add(timer);
		socket.once('close', () => {
			clearTimeout(timer);
			this.hangs.delete(timer);
		});
	}

	/** Sends a reply, after the vendor's latency if one is set (the request was already counted and applied). */
	private finish(ex: Exchange, reply: Reply, decision?: Decision): void {
		const delay = ex.vendor === null ? 0 : (this.latency.byVendor[ex.vendor] ?? this.latency.all);
		if (delay === 0) return this.write(ex, reply, decision);
		const timer = setTimeout(() => {
			this.delayed.delete(timer);
			this.write(ex, reply, decision);
		}, delay);
		this.delayed.add(timer);
	}

	private write(ex: Exchange, reply: Reply, decision?: Decision): void {
		send(ex.res, reply);
		complete(ex, reply.status);
		if (reply.status === 429 && ex.vendor !== null && ex.generation === this.generation) this.counters.rateLimited[ex.vendor] += 1;
		this.logLine(ex, String(reply.status), decision);
	}

	private logLine(ex: Exchange, outcome: string, decision?: Decision): void {
		if (!this.log) return;
		const tag = decision ? ` [${decision.source} ${decision.kind} ${decision.phase}]` : '';
		console.log(`[sandbox] ${ex.method} ${ex.rawPath} -> ${outcome}${tag} ${Date.now() - ex.at}ms`);
	}
}
