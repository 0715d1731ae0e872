/** Public types of the vendor sandbox (see README.md). */

import type { VENDOR_MODULES } from './vendors';

/** A vendor the sandbox fakes: a key of its registry (`vendors/index.ts`). */
export type Vendor = keyof typeof VENDOR_MODULES;

export interface RecordedRequest {
	vendor: Vendor | null;
	method: string;
	/** Path after the vendor prefix, including the query string. */
	path: string;
	/** Full raw URL as received. */
	rawPath: string;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON, or the raw string if it is not JSON, undefined if there was no body. */
	body: unknown;
	/** Arrival, ms epoch. */
	at: number;
	/** The status sent; null for a reset or a hang (no answer); undefined until answered. */
	status?: number | null;
	/** When the answer was sent (or the socket destroyed), ms epoch; undefined until then. */
	doneAt?: number;
}

/** One request to the scripted LLM under /openai (kept apart from vendor requests and stats). */
export interface LlmRequest {
	method: string;
	/** Path after /openai, with the query, e.g. /v1/chat/completions. */
	path: string;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON (with `messages`, `tools`, `stream`…), the raw string if not JSON, undefined if no body. */
	body: unknown;
	at: number;
	status?: number;
}

export type FaultKind = 'status500' | 'status502Html' | 'hang' | 'reset' | 'malformedJson';

export type FaultPhase = 'before' | 'after';

export interface FaultSpec {
	kind: FaultKind;
	/** How many requests this fault answers; default 1. */
	count?: number;
	/** How many matching requests pass it by first, answered as usual (e.g. 1: the second look-up fails, not the first); default 0. */
	skip?: number;
	vendor?: Vendor;
	/** 'after' = the update is applied, THEN the fault answer is sent (a lost response). Default 'before'. */
	phase?: FaultPhase;
	/** Only requests with this method (upper case, e.g. 'POST'); others pass the fault by. */
	method?: string;
	/** Only requests to this path after the vendor prefix, without the query, compared exactly (e.g. '/external/v1/contacts'). */
	path?: string;
}

export interface ChaosSpec {
	seed: number;
	vendor?: Vendor;
	/** Probability per request, 0..1. */
	rates: Partial<Record<FaultKind | 'status429', number>>;
	phase?: FaultPhase | 'random';
}

/** How Bland AI's find answers: 'match' as documented, or 'unrelated' (a contact lacking the value, as a loose match would). */
export type BlandFindAnswer = 'match' | 'unrelated';

/**
 * Raze as its page documents it ('documented': list answers `data.contacts` + `data.pagination`, create refuses a
 * second contact with one email) or as its published code behaves ('code': `data` array + top-level `pagination`,
 * no email uniqueness on create).
 */
export type RazeListShape = 'documented' | 'code';

/** How X-RateLimit-Reset is written: Unix seconds (LeadLex, Raze) or seconds from now. */
export type ResetFormat = 'unix' | 'delta';

/** 'documented': the vendor's wait hints; 'none': a 429 with no hint at all (no Retry-After, X-RateLimit-*, retry_after). */
export type RateSignals = 'documented' | 'none';

export interface RateLimitSpec {
	limit: number;
	windowMs: number;
	/** Default 'unix'. */
	resetFormat?: ResetFormat;
	/** Default 'documented'. */
	signals?: RateSignals;
}

export interface SandboxOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Extra generated contacts per vendor, seeded at start and on reset. */
	seedCount?: number;
	/** How long a hang holds the socket before destroying it; default 30000. */
	hangMs?: number;
	/** Log one line per request to stdout. */
	log?: boolean;
	/** Record requests into `requests`; default true. */
	record?: boolean;
	/** Delay of every vendor answer in ms (setLatency); reset() returns to it. Default 0. */
	latencyMs?: number;
}

export interface SandboxStats {
	total: number;
	byVendor: Record<Vendor, number>;
	updatesApplied: Record<Vendor, number>;
	/** Contacts stored by a create (Bland resolve that created, LeadLex, OpenCX and Raze creates); not in updatesApplied. */
	created: Record<Vendor, number>;
	/** 429s sent, chaos ones included. */
	rateLimited: Record<Vendor, number>;
}

export type Contact = Record<string, unknown> & { id: string };

export interface Sandbox {
	url: string;
	port: number;
	/** Base URL of one vendor, to put in that vendor's credential. */
	baseUrl(vendor: Vendor): string;
	/** Every request, in order (admin calls excluded). */
	requests: RecordedRequest[];
	clearRequests(): void;
	/** Contacts back to seed; requests (LLM ones too), faults, chaos, rate limits, caps, modes, latency and counters reset. */
	reset(): void;
	/** Add or replace a contact, in the vendor's own field names. */
	seed(vendor: Vendor, contact: Record<string, unknown> & { id: string }): void;
	/** Add `count` generated contacts; returns their ids (`${prefix}-${i}`, i from 1). */
	seedMany(vendor: Vendor, count: number, prefix?: string): string[];
	/**
	 * Stores `contact` (vendor field names, as `seed` takes) right after the next look-up to `vendor` that the vendor
	 * answers with a 2xx: that look-up does not see it, every request after does. reset() drops pending ones.
	 */
	seedAfterNextLookup(vendor: Vendor, contact: Record<string, unknown> & { id: string }): void;
	/** A copy of a stored contact in the vendor's own shape. */
	getContact(vendor: Vendor, id: string): Record<string, unknown> | undefined;
	addFault(spec: FaultSpec): void;
	setChaos(spec: ChaosSpec | null): void;
	/** A fixed window per (vendor, API key presented); null removes it. */
	setRateLimit(vendor: Vendor, spec: RateLimitSpec | null): void;
	/** A cap per (vendor, API key) per UTC day; null removes it. */
	setDailyCap(vendor: Vendor, limit: number | null): void;
	/** Each vendor answer (or only `vendor`'s) is sent `ms` after the request was handled. */
	setLatency(ms: number, vendor?: Vendor): void;
	setRejectUnknownFields(on: boolean): void;
	/** What POST /v1/contacts/find answers (Bland AI); reset() restores 'match'. */
	setBlandFindAnswer(answer: BlandFindAnswer): void;
	/** Raze's list shape and create email check, page or code (see RazeListShape); reset() restores 'documented'. */
	setRazeListShape(shape: RazeListShape): void;
	/** LeadLex and Raze lists answer page 1 whatever page is asked; reset() turns it off. */
	setListIgnoresPage(on: boolean): void;
	/** Every request to the scripted LLM (/openai), in order, as copies. */
	llmRequests(): LlmRequest[];
	/** Turn request recording on or off (benchmarks). */
	setRecord(on: boolean): void;
	stats(): SandboxStats;
	close(): Promise<void>;
}
