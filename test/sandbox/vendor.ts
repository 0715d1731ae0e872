import type { IncomingHttpHeaders } from 'node:http';

import type { ParsedBody, Reply } from './http';
import type { BlandFindAnswer, Contact, RateSignals, RazeListShape, ResetFormat } from './types';

/** What a key may do: read-only keys get 'read'. */
type Scope = 'read' | 'write';

export type AuthResult = { ok: true; scope: Scope } | { ok: false; reply: Reply };

/** The state of a vendor's rate-limit window, as headers and 429 bodies report it. */
export interface RateInfo {
	limit: number;
	remaining: number;
	/** End of the current window, epoch milliseconds. */
	resetAtMs: number;
	/** Whole seconds a client should wait (≥ 1). */
	retryAfterSec: number;
	/** When the request was counted, epoch milliseconds. */
	nowMs: number;
	resetFormat: ResetFormat;
	signals: RateSignals;
}

/** X-RateLimit-Limit/Remaining/Reset (Reset in the configured format); none when signals are 'none'. */
export function xRateLimitHeaders(info: RateInfo): Record<string, string> {
	if (info.signals === 'none') return {};
	const reset = info.resetFormat === 'delta' ? Math.max(0, Math.ceil((info.resetAtMs - info.nowMs) / 1000)) : Math.ceil(info.resetAtMs / 1000);
	return {
		'x-ratelimit-limit': String(info.limit),
		'x-ratelimit-remaining': String(info.remaining),
		'x-ratelimit-reset': String(reset),
	};
}

/** "Rate limit exceeded." with the wait in words, unless signals are 'none' (then no hint at all). */
export function rateLimitMessage(info: RateInfo): string {
	return info.signals === 'none' ? 'Rate limit exceeded.' : `Rate limit exceeded. Try again in ${info.retryAfterSec} seconds.`;
}

/** A Retry-After header, unless signals are 'none'. */
export function retryAfterHeader(info: RateInfo): Record<string, string> {
	return info.signals === 'none' ? {} : { 'retry-after': String(info.retryAfterSec) };
}

export interface HandlerContext {
	params: Record<string, string>;
	query: URLSearchParams;
	body: ParsedBody;
	/** This vendor's contacts, keyed by id; handlers mutate it in place. */
	contacts: Map<string, Contact>;
	/** When true, body fields the vendor does not know are a 400. */
	rejectUnknownFields: boolean;
	/** Call once an update has changed stored state (counted in stats().updatesApplied). */
	applied(): void;
	/** Call once a create has stored a new contact (counted in stats().created, never in updatesApplied). */
	created(): void;
	/** Answer-shape switches tests flip (setBlandFindAnswer, setRazeListShape). */
	modes: Readonly<VendorModes>;
}

/** Switches that change how a vendor answers, where the vendor's page and its code differ or a vendor may be loose. */
export interface VendorModes {
	blandFindAnswer: BlandFindAnswer;
	razeListShape: RazeListShape;
	/** LeadLex and Raze lists answer page 1 whatever page is asked, as behind a proxy that drops the query's page. */
	listIgnoresPage: boolean;
}

/** The modes after start and reset. */
export const DEFAULT_MODES: VendorModes = { blandFindAnswer: 'match', razeListShape: 'documented', listIgnoresPage: false };

export interface Route {
	method: 'GET' | 'PATCH' | 'PUT' | 'POST' | 'DELETE';
	/** Path after the vendor prefix; `:name` segments become params. */
	pattern: string;
	/** 'write' routes answer 403 to read-only keys and 400 to invalid JSON bodies. */
	scope: Scope;
	/** The vendor's contact look-up (find, list, search): contacts queued by seedAfterNextLookup appear after it. */
	lookup?: boolean;
	handle(ctx: HandlerContext): Reply;
}

/** A request as the sandbox records it: method, path after the vendor prefix, parsed JSON body. */
export type SentRequest = [method: string, path: string, body: unknown];

/** A vendor's documented requests and contact keys, written from its pages (never from the node's provider modules). */
export interface Documented {
	/** The contact keys (in request bodies and stored contacts) of the node's Name, Email and Phone. */
	keys: { name: string; email: string; phone: string };
	/** The auth header as the vendor's page spells it (Node's http server presents it lower-cased), and its value for a key. */
	auth: { header: string; value(key: string): string };
	/** The update of a contact whose ID is already URL-encoded. */
	update: { method: 'PATCH' | 'PUT'; path(encodedId: string): string };
	/** The read of one contact by ID; undefined when the vendor documents none. */
	readPath?(encodedId: string): string;
	/** The look-up of an email, first page. */
	lookupByEmail(email: string): SentRequest;
	/** An update or create body holding `fields` (vendor keys), e.g. OpenCX's `{ contact }`. */
	body(fields: Record<string, unknown>): unknown;
}

/** Everything the core needs to know about one vendor. */
export interface VendorModule {
	/** Its key in the registry (a string here, so that the `Vendor` type can follow the registry). */
	vendor: string;
	label: string;
	/** URL prefix on the sandbox; it stands in for the vendor's API host. */
	prefix: string;
	/** The only API keys the sandbox accepts for this vendor. */
	keys: { valid: string; readOnly?: string };
	/** The demo contact's ID, seeded at start and on reset. */
	seedId: string;
	routes: Route[];
	/** The documented create (Bland AI: resolve, find-or-create), so tests can aim faults at it. */
	createRoute: { method: 'POST'; path: string };
	/** The requests the vendor's pages document, in its own words: what tests expect the node to send. */
	documented: Documented;
	authenticate(headers: IncomingHttpHeaders): AuthResult;
	/** A read-only key on a write route. */
	forbidden(): Reply;
	invalidJson(): Reply;
	internalError(): Reply;
	/** The vendor's 429, with the signals it documents (headers and/or body). */
	rateLimited(info: RateInfo): Reply;
	/** Headers sent on every response while a rate limit is configured (vendors that document them). */
	rateLimitHeaders?(info: RateInfo): Record<string, string>;
	/** The API key a request presents (whether valid or not), which rate limits count by; '' for none. */
	presentedKey(headers: IncomingHttpHeaders): string;
	/** The documented plan limit shown in X-RateLimit-Limit when a chaos 429 fires without a configured limit. */
	planLimit?: number;
	/** A truncated JSON body, for the malformedJson fault. */
	malformedJson: string;
	/** Last touch on every vendor reply (e.g. LeadLex's X-Request-ID). */
	decorate?(reply: Reply): Reply;
	/** The demo contact, from the vendor page's examples. */
	demoContact(): Contact;
	/** A complete contact: vendor defaults overlaid with `fields`. */
	makeContact(fields: Record<string, unknown> & { id: string }): Contact;
	/** The i-th generated contact (seedMany, --seed-count). */
	generate(id: string, i: number): Contact;
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A plain "something@domain.tld" check: LeadLex and Raze document an email check but not its rule.
const BASIC_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The email check LeadLex and Raze are assumed to apply. */
export function isBasicEmail(value: string): boolean {
	return BASIC_EMAIL.test(value);
}

/** An email as duplicate checks compare it: ignoring case and surrounding spaces; null for a non-string or ''. */
export function emailKey(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const key = value.trim().toLowerCase();
	return key === '' ? null : key;
}

/** True when a stored contact has the email `email` (see emailKey). */
export function hasEmail(contacts: Iterable<Contact>, email: unknown): boolean {
	const key = emailKey(email);
	if (key === null) return false;
	for (const contact of contacts) if (emailKey(contact.email) === key) return true;
	return false;
}

/** Fields of `body` that are not in `known`. */
export function unknownFields(body: Record<string, unknown>, known: readonly string[]): string[] {
	return Object.keys(body).filter((k) => !known.includes(k));
}

/** ISO 8601 with milliseconds (Bland's examples). */
export function isoMillis(date = new Date()): string {
	return date.toISOString();
}

/** ISO 8601 without milliseconds (LeadLex's and Raze's examples). */
export function isoSeconds(date = new Date()): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reads an integer query parameter clamped to `max`; undefined if absent, null if not an integer ≥ min. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined | null {
	const raw = query.get(name);
	if (raw === null) return undefined;
	if (!/^\d+$/.test(raw) || Number(raw) < min) return null;
	return Math.min(Number(raw), max);
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
	const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
	return match ? match[1].trim() : undefined;
}

/** Sandbox convention where pages are silent: '' and null both clear a string field. */
export function clearable(value: unknown): unknown {
	return value === '' ? null : value;
}

/** Case-insensitive "contains" on a string field; false for null and non-strings. */
export function containsCi(value: unknown, needle: string): boolean {
	return typeof value === 'string' && value.toLowerCase().includes(needle.toLowerCase());
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/**
 * SQL `value ILIKE '%needle%'` without escaping the needle, as Raze's code builds it: `%` and `_` inside the
 * needle stay wildcards (`_` is any one character) and a backslash escapes the next character.
 */
export function ilikeContains(needle: string): (value: unknown) => boolean {
	let source = '';
	for (let i = 0; i < needle.length; i++) {
		const c = needle[i];
		if (c === '\\' && i + 1 < needle.length) source += needle[++i].replace(REGEX_SPECIAL, '\\$&');
		else if (c === '%') source += '[\\s\\S]*';
		else if (c === '_') source += '[\\s\\S]';
		else source += c.replace(REGEX_SPECIAL, '\\$&');
	}
	const regex = new RegExp(source, 'i'); // unanchored: the surrounding '%…%'
	return (value) => typeof value === 'string' && regex.test(value);
}

/** One page of `items` (pages numbered from 1) and the page count. */
export function pageOf<T>(items: T[], page: number, size: number): { items: T[]; totalPages: number } {
	return { items: items.slice((page - 1) * size, page * size), totalPages: Math.ceil(items.length / size) };
}

/** A generated E.164 phone, distinct for i < 10^7 (`+1555` and seven digits). */
export function generatedPhone(i: number): string {
	return `+1555${String(i).padStart(7, '0')}`;
}
