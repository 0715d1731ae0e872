/**
 * LeadLex: PATCH /v1/contacts/:id, GET /v1/contacts/:id, GET /v1/contacts (search and pages; credential test),
 * POST /v1/contacts (create).
 * Auth is `Authorization: Bearer wbk_…`; errors are `{ error: { code, message, details? } }`.
 * Contacts are stored in one internal shape (`company_name`, `notes`, as update and list use it); get and create
 * answer in their pages' field names (`company`, first and last name).
 */
import { randomUUID } from 'node:crypto';

import { json, type Reply } from '../http';
import type { Contact } from '../types';
import {
	bearerToken,
	clearable,
	containsCi,
	emailKey,
	hasEmail,
	intParam,
	isBasicEmail,
	isoSeconds,
	isPlainObject,
	pageOf,
	rateLimitMessage,
	retryAfterHeader,
	unknownFields,
	xRateLimitHeaders,
	type AuthResult,
	type HandlerContext,
	type VendorModule,
} from '../vendor';

/** The only keys the sandbox accepts for this vendor. */
const KEYS = { valid: 'wbk_live_sandbox_key', readOnly: 'wbk_live_sandbox_readonly' };

/** The demo contact seeded at start and on reset. */
const SEED_ID = '123e4567-e89b-12d3-a456-426614174000';

const STRING_FIELDS = ['full_name', 'email', 'phone', 'job_title', 'company_name', 'linkedin_url', 'notes'] as const;

/** What one kind of request body accepts, and which of those must be strings. */
interface BodyFields {
	known: readonly string[];
	strings: readonly string[];
}
const UPDATE: BodyFields = { known: STRING_FIELDS, strings: STRING_FIELDS };
const CREATE_STRINGS = [
	'full_name',
	'first_name',
	'last_name',
	'email',
	'phone',
	'job_title',
	'company',
	'related_company_id',
	'company_id', // "Also accepts the legacy company_id key" (for related_company_id)
	'linkedin_url',
	'created_date',
] as const;
const CREATE: BodyFields = { known: [...CREATE_STRINGS, 'priority', 'tags', 'custom_fields'], strings: CREATE_STRINGS };

/** The create page's priority words and the integers the get page answers (1 = high is the sandbox's reading). */
const PRIORITIES: Record<string, number> = { high: 1, medium: 2, low: 3 };

const NAME_OR_EMAIL = 'A contact must keep a name or an email';

function error(status: number, code: string, message: string, details?: unknown, headers?: Record<string, string>): Reply {
	return json(status, { error: details === undefined ? { code, message } : { code, message, details } }, headers);
}

function validationError(fields: Record<string, string>): Reply {
	return error(400, 'validation_error', 'Invalid request parameters', { fields });
}

function notFound(): Reply {
	return error(404, 'not_found', 'Contact not found');
}

function authenticate(headers: { authorization?: string }): AuthResult {
	const key = bearerToken(headers);
	if (!key) return { ok: false, reply: error(401, 'invalid_key', 'Missing API key') };
	if (key === KEYS.valid) return { ok: true, scope: 'write' };
	if (key === KEYS.readOnly) return { ok: true, scope: 'read' };
	return { ok: false, reply: error(401, 'invalid_key', 'Invalid API key') };
}

/** Per-field problems of an update or create body (empty object = valid); `fields` says which fields it takes. */
function fieldErrors(body: Record<string, unknown>, rejectUnknown: boolean, fields: BodyFields): Record<string, string> {
	const errors: Record<string, string> = {};
	if (rejectUnknown) for (const field of unknownFields(body, fields.known)) errors[field] = 'Unknown field';
	for (const field of fields.strings) {
		const value = body[field];
		if (value !== undefined && value !== null && typeof value !== 'string') errors[field] = 'Must be a string';
	}
	// Pages are silent on phone/linkedin_url formats, so only the email is checked.
	if (typeof body.email === 'string' && body.email !== '' && !isBasicEmail(body.email)) {
		errors.email = 'Invalid email format';
	}
	return errors;
}

function updateContact(ctx: HandlerContext): Reply {
	const body = ctx.body.json ?? {};
	if (!isPlainObject(body)) return error(400, 'validation_error', 'Request body must be a JSON object');
	const errors = fieldErrors(body, ctx.rejectUnknownFields, UPDATE);
	if (Object.keys(errors).length > 0) return validationError(errors);
	const contact = ctx.contacts.get(ctx.params.id);
	if (!contact) return notFound();

	const next: Contact = { ...contact };
	// A new full_name makes a created contact's stored first/last stale: drop them, and get derives them again.
	if ('full_name' in body) {
		delete next.first_name;
		delete next.last_name;
	}
	for (const field of STRING_FIELDS) {
		if (field === 'notes' || !(field in body)) continue;
		next[field] = clearable(body[field]);
	}
	// notes are appended, never replaced; an empty or null note appends nothing (the docs give no way to clear notes).
	if (typeof body.notes === 'string' && body.notes !== '') {
		next.notes = typeof contact.notes === 'string' && contact.notes !== '' ? `${contact.notes}\n${body.notes}` : body.notes;
	}
	if (!next.full_name && !next.email) return validationError({ full_name: NAME_OR_EMAIL, email: NAME_OR_EMAIL });
	next.updated_date = isoSeconds();
	ctx.contacts.set(next.id, next);
	ctx.applied();
	return json(200, { data: next });
}

/** A non-blank string, trimmed; null otherwise. */
function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** First and last name of a full name: "Last, First", else split on the last whitespace (one word: no last name). */
function splitName(full: string): { first_name: string; last_name: string | null } {
	const lastFirst = /^([^,]+),([^,]+)$/.exec(full);
	if (lastFirst) return { first_name: lastFirst[2].trim(), last_name: lastFirst[1].trim() };
	const pieces = /^(.*\S)\s+(\S+)$/.exec(full);
	return pieces ? { first_name: pieces[1], last_name: pieces[2] } : { first_name: full, last_name: null };
}

/** A name from an email's local part, as the page's example: `hans.mueller@x.de` → "Hans Mueller"; null if none. */
function nameFromEmail(email: unknown): string | null {
	const local = typeof email === 'string' ? email.trim().split('@')[0].split('+')[0] : '';
	const words = local.split(/[._-]+/).filter((word) => word !== '');
	return words.length > 0 ? words.map((word) => word[0].toUpperCase() + word.slice(1)).join(' ') : null;
}

/**
 * The page's name handling: full_name (split into first and last), else first + last composed, else a name derived
 * from the email. Given first/last names are kept as they are. Get uses it too ("self-healing names").
 */
function resolveNames(fields: Record<string, unknown>): { first_name: string | null; last_name: string | null; full_name: string | null } {
	const first = text(fields.first_name);
	const last = text(fields.last_name);
	if (first !== null || last !== null) {
		return { first_name: first, last_name: last, full_name: text(fields.full_name) ?? [first, last].filter((n) => n !== null).join(' ') };
	}
	const full = text(fields.full_name) ?? nameFromEmail(fields.email);
	return full === null ? { first_name: null, last_name: null, full_name: null } : { ...splitName(full), full_name: full };
}

/** Problems of the create-only fields: priority, tags, custom_fields. */
function createOnlyErrors(body: Record<string, unknown>): Record<string, string> {
	const errors: Record<string, string> = {};
	const { priority, tags, custom_fields } = body;
	if (priority !== undefined && priority !== null && !(typeof priority === 'string' ? priority in PRIORITIES : [1, 2, 3].includes(priority as number))) {
		errors.priority = 'Must be "high", "medium", "low" or 1, 2, 3';
	}
	if (tags !== undefined && tags !== null && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))) {
		errors.tags = 'Must be an array of strings';
	}
	if (custom_fields !== undefined && custom_fields !== null && !isPlainObject(custom_fields)) errors.custom_fields = 'Must be an object';
	return errors;
}

/**
 * POST /v1/contacts: names as the page handles them; a contact needs a name or an email. A stored contact with the
 * same email (ignoring case and spaces) is a 409 `duplicate_contact`: the page says email is "used for duplicate
 * detection" but not what a duplicate answers, so that body is the project's assumption.
 */
function createContact(ctx: HandlerContext): Reply {
	const body = ctx.body.json ?? {};
	if (!isPlainObject(body)) return error(400, 'validation_error', 'Request body must be a JSON object');
	const errors = { ...fieldErrors(body, ctx.rejectUnknownFields, CREATE), ...createOnlyErrors(body) };
	if (Object.keys(errors).length > 0) return validationError(errors);
	const names = resolveNames(body);
	if (names.full_name === null && emailKey(body.email) === null) {
		return validationError({ full_name: NAME_OR_EMAIL, email: NAME_OR_EMAIL });
	}
	if (hasEmail(ctx.contacts.values(), body.email)) {
		return error(409, 'duplicate_contact', 'A contact with this email already exists');
	}

	const now = isoSeconds();
	const contact = makeContact({
		id: randomUUID(),
		...names,
		email: text(body.email),
		phone: text(body.phone),
		job_title: text(body.job_title),
		company_name: text(body.company), // the internal shape update and list use
		related_company_id: text(body.related_company_id) ?? text(body.company_id),
		linkedin_url: text(body.linkedin_url),
		priority: typeof body.priority === 'string' ? PRIORITIES[body.priority] : (body.priority ?? null),
		tags: Array.isArray(body.tags) ? [...(body.tags as string[])] : [],
		custom_fields: isPlainObject(body.custom_fields) ? { ...body.custom_fields } : {},
		created_date: text(body.created_date) ?? now,
		updated_date: now,
	});
	ctx.contacts.set(contact.id, contact);
	ctx.created();
	const { id, first_name, last_name, full_name, email, priority, created_date } = contact;
	return json(201, { data: { id, first_name, last_name, full_name, email, priority, created_date } });
}

/** A stored contact as the get page shows it: `company` for `company_name`, names always filled, no notes. */
function contactView(contact: Contact): Record<string, unknown> {
	const { id, email, phone, job_title, company_name, linkedin_url, created_date, updated_date } = contact;
	return {
		id,
		...resolveNames(contact),
		email,
		phone,
		job_title,
		company: company_name,
		related_company_id: contact.related_company_id ?? null,
		linkedin_url,
		priority: contact.priority ?? null,
		tags: contact.tags ?? [],
		custom_fields: contact.custom_fields ?? {},
		created_date,
		updated_date,
	};
}

/** GET /v1/contacts/:id (`include` is not implemented: there are no notes, tasks or deals to embed). */
function getContact(ctx: HandlerContext): Reply {
	const contact = ctx.contacts.get(ctx.params.id);
	return contact ? json(200, { data: contactView(contact) }) : notFound();
}

/** A stored contact as the list shows it: the page's item fields, `created_at` where get and create say `created_date`. */
function listItem(contact: Contact): Record<string, unknown> {
	const { id, full_name, email, phone, job_title, company_name, linkedin_url, created_date, updated_date } = contact;
	return { id, full_name, email, phone, job_title, company_name, linkedin_url, created_at: created_date, updated_date };
}

/** GET /v1/contacts: `search` is a case-insensitive part of the name or the email; pages of `per_page` (≤ 100). */
function listContacts(ctx: HandlerContext): Reply {
	const perPage = intParam(ctx.query, 'per_page', 1, 100);
	const page = intParam(ctx.query, 'page', 1, Number.MAX_SAFE_INTEGER);
	const errors: Record<string, string> = {};
	if (perPage === null) errors.per_page = 'Must be an integer between 1 and 100';
	if (page === null) errors.page = 'Must be a positive integer';
	if (Object.keys(errors).length > 0) return validationError(errors);
	const size = perPage ?? 50;
	const pageNo = ctx.modes.listIgnoresPage ? 1 : (page ?? 1);
	const search = ctx.query.get('search');
	let matches = [...ctx.contacts.values()];
	if (search) matches = matches.filter((c) => containsCi(c.full_name, search) || containsCi(c.email, search));
	const { items } = pageOf(matches, pageNo, size);
	return json(200, { data: { contacts: items.map(listItem) }, meta: { page: pageNo, per_page: size, total: matches.length } });
}

function makeContact({ id, ...fields }: Record<string, unknown> & { id: string }): Contact {
	const now = isoSeconds();
	return {
		id,
		full_name: null,
		email: null,
		phone: null,
		job_title: null,
		company_name: null,
		linkedin_url: null,
		notes: null,
		created_date: now,
		updated_date: now,
		...fields,
	};
}

/** The LeadLex vendor module. */
export const leadLex = {
	vendor: 'leadLex',
	label: 'LeadLex',
	prefix: '/leadlex',
	keys: KEYS,
	seedId: SEED_ID,
	createRoute: { method: 'POST', path: '/v1/contacts' },
	documented: {
		keys: { name: 'full_name', email: 'email', phone: 'phone' },
		auth: { header: 'Authorization', value: (key) => `Bearer ${key}` },
		update: { method: 'PATCH', path: (id) => `/v1/contacts/${id}` },
		readPath: (id) => `/v1/contacts/${id}`,
		lookupByEmail: (email) => ['GET', `/v1/contacts?search=${encodeURIComponent(email)}&per_page=100&page=1`, undefined],
		body: (fields) => fields,
	},
	routes: [
		{ method: 'PATCH', pattern: '/v1/contacts/:id', scope: 'write', handle: updateContact },
		{ method: 'GET', pattern: '/v1/contacts/:id', scope: 'read', handle: getContact },
		{ method: 'GET', pattern: '/v1/contacts', scope: 'read', lookup: true, handle: listContacts },
		{ method: 'POST', pattern: '/v1/contacts', scope: 'write', handle: createContact },
	],
	authenticate,
	forbidden: () =>
		error(403, 'insufficient_permissions', 'This API key does not have the write:contacts permission required for this request'),
	invalidJson: () => error(400, 'validation_error', 'Request body is not valid JSON'),
	internalError: () => error(500, 'internal_error', 'Internal server error'),
	presentedKey: (headers) => bearerToken(headers) ?? headers.authorization ?? '',
	rateLimitHeaders: xRateLimitHeaders,
	planLimit: 50, // Pro plan: 50/min
	// Docs name the X-RateLimit-* headers; they are silent on Retry-After, which is added as most gateways do.
	rateLimited: (info) =>
		error(429, 'rate_limited', rateLimitMessage(info), undefined, { ...xRateLimitHeaders(info), ...retryAfterHeader(info) }),
	malformedJson: '{"data": {"id": ',
	decorate: (reply) => ({ ...reply, headers: { ...reply.headers, 'x-request-id': `req_${randomUUID()}` } }),
	demoContact: () =>
		// From the page's example response, as it was before the update the page shows.
		makeContact({
			id: SEED_ID,
			full_name: 'Jane Doe',
			email: 'jane@example.com',
			job_title: 'General Counsel',
			company_name: 'Acme Legal',
			notes: 'Met at conference. Interested in legal automation tools.',
			created_date: '2026-01-15T09:00:00Z',
			updated_date: '2026-01-15T09:00:00Z',
		}),
	makeContact,
	generate: (id, i) =>
		makeContact({
			id,
			full_name: `Generated Contact ${i}`,
			email: `contact${i}@example.com`,
			// Formatted, not E.164: LeadLex checks no phone format, and real rows look like this.
			phone: `+1 (555) ${String(Math.floor(i / 10000) % 1000).padStart(3, '0')}-${String(i % 10000).padStart(4, '0')}`,
			job_title: 'Associate',
			company_name: 'Example Law LLP',
		}),
} satisfies VendorModule;
