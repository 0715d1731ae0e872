import type { ICredentialsDecrypted, IExecuteFunctions } from 'n8n-workflow';

import { normalizeBaseUrl } from '../../../credentials/apiKeyHeader';
import type { Candidate, ContactProvider, LookupKind } from '../providers/types';
import { excerpt, lookupAction, type Failure } from './errors';
import { describe, isEmailAddress, type Fail } from './fields';
import type { RequestGate } from './gate';
import type { TransportSettings } from './policy';
import { sendRequest } from './transport';
import { IDENTIFY_BY_LABEL, IDENTIFY_BY_LABELS, KIND_WORDS, LOOKUP_VALUE_LABELS } from '../vocabulary';

/** How the node finds the contact to update: by its ID, or by a look-up (`identifyBy`, public contract). */
export type IdentifyBy = 'id' | LookupKind;

/** Look-ups stop reading partial matches here and fail, rather than guess among more. */
export const MAX_CANDIDATES = 1000;

/** One look-up: the value as given (trimmed) and as sent to the vendor. */
export interface LookupQuery {
	kind: LookupKind;
	given: string;
	sent: string;
}

/** Which Identify Contact By values an operation offers a provider; the first is taken when none is set. */
export interface IdentifyChoice {
	offered(provider: ContactProvider): IdentifyBy[];
}

/** The identifyBy values a provider offers: its ID, and each look-up its vendor documents. */
function identifyByOptions(provider: ContactProvider): IdentifyBy[] {
	return ['id', ...provider.lookup.by];
}

/** Update's choice: the ID or any look-up, by ID unless set. */
export const BY_ID_OR_LOOKUP: IdentifyChoice = { offered: identifyByOptions };

/** Create or Update's choice: look-ups only (a new contact has no ID yet), by email unless set. */
export const BY_LOOKUP: IdentifyChoice = { offered: (provider) => [...provider.lookup.by] };

/** Get's choice: the ID where the vendor documents a read by ID, and any look-up; by ID where offered. */
export const BY_ID_WHERE_READ: IdentifyChoice = { offered: (provider) => (provider.read ? identifyByOptions(provider) : [...provider.lookup.by]) };

/** Reads Identify Contact By; a value the provider does not offer is refused before anything is sent. */
export function readIdentifyBy(value: unknown, provider: ContactProvider, fail: Fail, choice: IdentifyChoice = BY_ID_OR_LOOKUP): IdentifyBy {
	const offered = choice.offered(provider);
	if (value === undefined || value === null || value === '') value = offered[0];
	if (typeof value !== 'string' || !(offered as string[]).includes(value)) {
		const choices = offered.map((option) => `${IDENTIFY_BY_LABELS[option]} (${option})`).join(', ');
		fail(
			'identifyBy',
			`${IDENTIFY_BY_LABEL} ${typeof value === 'string' ? `"${value}"` : describe(value)} is not offered by ${provider.label}; choose one of: ${choices}`,
		);
	}
	return value as IdentifyBy;
}

const PHONE_CHARACTERS = /^[\d\s+().\-/]+$/;

/** Validates a look-up value and normalises what is sent: a trimmed email, an E.164 phone, an ID as text. */
export function readLookupValue(kind: LookupKind, value: unknown, fail: Fail): LookupQuery {
	const label = LOOKUP_VALUE_LABELS[kind];
	if (value === undefined || value === null) fail('lookupValue', `${label} is empty`);
	if (typeof value !== 'string' && typeof value !== 'number') fail('lookupValue', `${label} must be text, got ${describe(value)}`);
	const given = String(value).trim();
	if (given === '') fail('lookupValue', `${label} is empty`);
	if (kind === 'email') {
		if (!isEmailAddress(given)) fail('lookupValue', `${label} "${excerpt(given, 60)}" is not an email address`);
		return { kind, given, sent: given };
	}
	if (kind === 'phone') {
		const digits = given.replace(/\D/g, '');
		if (digits === '') fail('lookupValue', `${label} "${excerpt(given, 60)}" has no digits`);
		if (!PHONE_CHARACTERS.test(given) || digits.length > 15) {
			fail('lookupValue', `${label} "${excerpt(given, 60)}" is not a phone number: use digits with the country code, e.g. +1 415 555 0123`);
		}
		return { kind, given, sent: `+${digits}` };
	}
	return { kind, given, sent: given };
}

/** The form two values of a kind are compared in: emails ignoring case and spaces, phones by digits. */
export function comparable(kind: LookupKind, value: string): string {
	if (kind === 'email') return value.trim().toLowerCase();
	if (kind === 'phone') return value.replace(/\D/g, '');
	return value;
}

/** Whether a candidate holds exactly the value looked up (vendors also answer partial matches). */
export function matchesExactly(candidate: Candidate, query: LookupQuery): boolean {
	const wanted = comparable(query.kind, query.sent);
	return (candidate.values[query.kind] ?? []).some((value) => comparable(query.kind, value) === wanted);
}

/** "email "jane@example.com"": what was looked up, for messages. */
export function lookedUp(query: LookupQuery): string {
	return `${KIND_WORDS[query.kind]} "${excerpt(query.given, 80)}"`;
}

/** What a look-up ended with. */
type LookupResult =
	| { outcome: 'found'; contactId: string; candidate: Candidate }
	| { outcome: 'notFound'; partialMatches: number }
	| { outcome: 'failed'; failure: Failure; body?: unknown; fromVendor: boolean };

function ambiguous(provider: ContactProvider, query: LookupQuery, ids: string[]): Failure {
	const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` and ${ids.length - 10} more` : '');
	return {
		message: `${provider.label}: ${ids.length} contacts have ${lookedUp(query)} (${shown}); none was updated`,
		description: `Contact Hub updates a contact only when exactly one matches. Merge the duplicates in ${provider.label}, or identify the contact by its Contact ID.`,
	};
}

function tooMany(provider: ContactProvider, query: LookupQuery): Failure {
	return {
		message: `${provider.label}: the look-up of ${lookedUp(query)} answered more than ${MAX_CANDIDATES} contacts; none was updated`,
		description: `${provider.label} matches partially, and Contact Hub reads at most ${MAX_CANDIDATES} candidates rather than guess. Use a more specific value, or identify the contact by its Contact ID.`,
	};
}

function repeatedPage(provider: ContactProvider, query: LookupQuery, page: number): Failure {
	return {
		message: `${provider.label} answered page ${page} of the look-up of ${lookedUp(query)} with only contacts it had already sent; nothing was updated`,
		description: `${provider.label} says more pages follow, but repeats itself, so Contact Hub cannot read every match. A proxy in front of ${provider.label} may drop the page parameter: check the credential's Base URL, or identify the contact by its Contact ID.`,
	};
}

function unreadable(provider: ContactProvider, query: LookupQuery, body: unknown): Failure {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	return {
		message: `${provider.label} answered the look-up of ${lookedUp(query)} with a body Contact Hub cannot read; nothing was updated`,
		description: `The answer began: "${excerpt(String(text))}". This is not the answer ${provider.label} documents; check the credential's Base URL.`,
	};
}

/**
 * Finds the one contact that holds exactly the value: reads every page of the vendor's (partial)
 * matches, keeps exact ones, and reports none, one, or how many. A look-up only reads, so it is
 * always safe to retry.
 */
export async function findContact(
	ctx: IExecuteFunctions,
	provider: ContactProvider,
	credential: ICredentialsDecrypted,
	query: LookupQuery,
	gate: RequestGate,
	settings: TransportSettings,
): Promise<LookupResult> {
	const search = (text: string) => searchFor(text, { ctx, provider, credential, query, gate, settings });
	const first = await search(query.sent);
	// A full-text search finds a phone stored formatted only by words of that format: ask as given too.
	const again = first.outcome === 'notFound' && query.given !== query.sent && provider.lookup.searchAsGiven?.includes(query.kind);
	if (!again) return first;
	const second = await search(query.given);
	return second.outcome === 'notFound' ? { outcome: 'notFound', partialMatches: Math.max(first.partialMatches, second.partialMatches) } : second;
}

/** What one search of a look-up needs. */
interface Search {
	ctx: IExecuteFunctions;
	provider: ContactProvider;
	credential: ICredentialsDecrypted;
	query: LookupQuery;
	gate: RequestGate;
	settings: TransportSettings;
}

/** One search for `text`, every page read, exact matches kept. */
async function searchFor(text: string, { ctx, provider, credential, query, gate, settings }: Search): Promise<LookupResult> {
	const action = lookupAction(provider, lookedUp(query));
	const baseUrl = normalizeBaseUrl(credential.data?.baseUrl);
	const exact = new Map<string, Candidate>();
	const seen = new Set<string>();
	for (let page = 1; ; page++) {
		const { method, path, body } = provider.lookup.request(query.kind, text, page);
		const request = { method, url: baseUrl + path, body };
		const result = await sendRequest(ctx, provider, credential, { request, action, repeatSafe: true }, gate, settings);
		if (!result.ok) return { outcome: 'failed', failure: result.failure, body: result.body, fromVendor: true };
		const answer = provider.lookup.readPage(result.body, page);
		if (!answer) return { outcome: 'failed', failure: unreadable(provider, query, result.body), fromVendor: false };
		const before = seen.size;
		for (const candidate of answer.candidates) {
			seen.add(candidate.id);
			if (matchesExactly(candidate, query)) exact.set(candidate.id, candidate);
		}
		if (!answer.hasMore || answer.candidates.length === 0) break;
		// A page with nothing new would be asked for again and again: the vendor ignores the page.
		if (seen.size === before) return { outcome: 'failed', failure: repeatedPage(provider, query, page), fromVendor: false };
		if (seen.size >= MAX_CANDIDATES) return { outcome: 'failed', failure: tooMany(provider, query), fromVendor: false };
	}
	const [only] = exact.values();
	if (exact.size === 1) return { outcome: 'found', contactId: only.id, candidate: only };
	if (exact.size > 1) return { outcome: 'failed', failure: ambiguous(provider, query, [...exact.keys()]), fromVendor: false };
	return { outcome: 'notFound', partialMatches: seen.size };
}

/** The error for a contact not found, or the description of a skipped one; `consequence` ends the message. */
export function notFoundFailure(provider: ContactProvider, query: LookupQuery, partialMatches: number, consequence = '; nothing was updated'): Failure {
	const partial =
		partialMatches > 0
			? `${provider.label} answered ${partialMatches} contact${partialMatches === 1 ? '' : 's'} that only partly match${partialMatches === 1 ? 'es' : ''}; Contact Hub takes a contact only when its ${KIND_WORDS[query.kind]} is exactly this one${query.kind === 'email' ? ' (ignoring case)' : query.kind === 'phone' ? ' (in its digits)' : ''}. `
			: '';
	return {
		message: `${provider.label}: no contact with ${lookedUp(query)}${consequence}`,
		description: `${partial}Check the value, or set Options → If Not Found to Skip to pass such items on.`,
	};
}
