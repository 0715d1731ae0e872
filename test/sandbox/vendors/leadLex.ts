/**
 * LeadLex: PATCH /v1/contacts/:id, GET /v1/contacts/:id, GET /v1/contacts (search and pages; credential test).
 * Auth is `Authorization: Bearer wbk_…`; errors are `{ error: { code, message, details? } }`.
 */
import { randomUUID } from 'node:crypto';

import { json, type Reply } from '../http';
import type { Contact } from '../types';
import {
	bearerToken,
	clearable,
	containsCi,
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

/** Per-field problems of an update body (empty object = valid). */
function fieldErrors(body: Record<string, unknown>, rejectUnknown: boolean): Record<string, string> {
	const errors: Record<string, string> = {};
	if (rejectUnknown) for (const field of unknownFields(body, STRING_FIELDS)) errors[field] = 'Unknown field';
	for (const field of STRING_FIELDS) {
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
	const errors = fieldErrors(body, ctx.rejectUnknownFields);
	if (Object.keys(errors).length > 0) return validationError(errors);
	const contact = ctx.contacts.get(ctx.params.id);
	if (!contact) return notFound();

	const next: Contact = { ...contact };
	for (const field of STRING_FIELDS) {
		if (field === 'notes' || !(field in body)) continue;
		next[field] = clearable(body[field]);
	}
	// notes are appended, never replaced; an empty or null note appends nothing (the docs give no way to clear notes).
	if (typeof body.notes === 'string' && body.notes !== '') {
		next.notes = typeof contact.notes === 'string' && contact.notes !== '' ? `${contact.notes}\n${body.notes}` : body.notes;
	}
	if (!next.full_name && !next.email) {
		const why = 'A contact must keep a name or an email';
		return validationError({ full_name: why, email: why });
	}
	next.updated_date = isoSeconds();
	ctx.contacts.set(next.id, next);
	ctx.applied();
	return json(200, { data: next });
}

function getContact(ctx: HandlerContext): Reply {
	const contact = ctx.contacts.get(ctx.params.id);
	return contact ? json(200, { data: contact }) : notFound();
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
	routes: [
		{ method: 'PATCH', pattern: '/v1/contacts/:id', scope: 'write', handle: updateContact },
		{ method: 'GET', pattern: '/v1/contacts/:id', scope: 'read', handle: getContact },
		{ method: 'GET', pattern: '/v1/contacts', scope: 'read', handle: listContacts },
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
