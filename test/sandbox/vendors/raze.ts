/**
 * Raze: PUT /external/v1/contacts/:id, GET /external/v1/contacts/:id, GET /external/v1/contacts (list with filters; credential test),
 * POST /external/v1/contacts (create).
 * Auth is `X-API-Key` (or `Authorization: Bearer`); bodies are `{ success, data }` / `{ success: false, error }`.
 */
import { randomBytes } from 'node:crypto';

import { json, type Reply } from '../http';
import type { Contact } from '../types';
import {
	bearerToken,
	clearable,
	generatedPhone,
	hasEmail,
	ilikeContains,
	intParam,
	isBasicEmail,
	isoSeconds,
	isPlainObject,
	pageOf,
	rateLimitMessage,
	unknownFields,
	xRateLimitHeaders,
	type AuthResult,
	type HandlerContext,
	type VendorModule,
} from '../vendor';

/** The only keys the sandbox accepts for this vendor. */
const KEYS = { valid: 'gr_live_sandbox_key', readOnly: 'gr_live_sandbox_readonly' };

/** The demo contact seeded at start and on reset. */
const SEED_ID = 'cnt_abc123def456';

const STRING_FIELDS = ['name', 'email', 'phone', 'company', 'position', 'linkedin_url'] as const;

/** What one kind of request body accepts, and which of those must be strings. */
interface BodyFields {
	known: readonly string[];
	strings: readonly string[];
}
const UPDATE: BodyFields = { known: [...STRING_FIELDS, 'tags', 'custom_fields'], strings: STRING_FIELDS };
/** Create takes the update's fields plus the lead source. */
const CREATE: BodyFields = { known: [...UPDATE.known, 'source'], strings: [...STRING_FIELDS, 'source'] };

function error(status: number, code: string, message: string, details?: unknown, headers?: Record<string, string>): Reply {
	const body = details === undefined ? { code, message } : { code, message, details };
	return json(status, { success: false, error: body }, headers);
}

function validationError(field: string, message: string): Reply {
	return error(400, 'VALIDATION_ERROR', message, { field });
}

function notFound(id: string): Reply {
	return error(404, 'NOT_FOUND', 'Contact not found', { id });
}

type RazeHeaders = { 'x-api-key'?: string | string[]; authorization?: string };

/** X-API-Key, else a Bearer token; '' for none. */
function presentedKey(headers: RazeHeaders): string {
	const header = headers['x-api-key'];
	return (Array.isArray(header) ? header[0] : header) || bearerToken(headers) || '';
}

function authenticate(headers: RazeHeaders): AuthResult {
	const key = presentedKey(headers);
	if (!key) {
		return { ok: false, reply: error(401, 'MISSING_API_KEY', 'API key is required. Send it in the X-API-Key header.') };
	}
	if (key === KEYS.valid) return { ok: true, scope: 'write' };
	if (key === KEYS.readOnly) return { ok: true, scope: 'read' };
	return { ok: false, reply: error(401, 'INVALID_API_KEY', 'Invalid API key') };
}

/** Checks an update or create body (the same rules, `fields` says which fields); a Reply when it is invalid. */
function validateBody(body: unknown, rejectUnknown: boolean, fields: BodyFields): Reply | undefined {
	if (!isPlainObject(body)) return error(400, 'VALIDATION_ERROR', 'Request body must be a JSON object');
	if (rejectUnknown) {
		const extra = unknownFields(body, fields.known);
		if (extra.length > 0) return validationError(extra[0], `Unknown field: ${extra[0]}`);
	}
	for (const field of fields.strings) {
		const value = body[field];
		if (value !== undefined && value !== null && typeof value !== 'string') {
			return validationError(field, `${field} must be a string`);
		}
	}
	if (body.tags !== undefined && !(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'))) {
		return validationError('tags', 'tags must be an array of strings');
	}
	if (body.custom_fields !== undefined && !isPlainObject(body.custom_fields)) {
		return validationError('custom_fields', 'custom_fields must be an object');
	}
	if (typeof body.email === 'string' && body.email !== '' && !isBasicEmail(body.email)) {
		return error(400, 'INVALID_EMAIL', 'Invalid email format', { field: 'email', value: body.email });
	}
	return undefined;
}

function updateContact(ctx: HandlerContext): Reply {
	const body = ctx.body.json ?? {};
	const invalid = validateBody(body, ctx.rejectUnknownFields, UPDATE);
	if (invalid) return invalid;
	const contact = ctx.contacts.get(ctx.params.id);
	if (!contact) return notFound(ctx.params.id);

	const update = body as Record<string, unknown>;
	for (const field of STRING_FIELDS) {
		if (field in update) contact[field] = clearable(update[field]);
	}
	if (Array.isArray(update.tags)) contact.tags = [...(update.tags as string[])]; // documented: replaces the list
	if (isPlainObject(update.custom_fields)) {
		// The page is silent; "only provided fields will be updated" is read as a key-by-key merge of custom fields.
		const current = isPlainObject(contact.custom_fields) ? contact.custom_fields : {};
		contact.custom_fields = { ...current, ...update.custom_fields };
	}
	contact.updated_at = isoSeconds();
	ctx.applied();
	return json(200, { success: true, data: contact });
}

/** `cnt_` and 12 hex characters, like the page's IDs (`cnt_abc123def456`). */
function newId(): string {
	return `cnt_${randomBytes(6).toString('hex')}`;
}

/** POST /external/v1/contacts: `name` required; source defaults to 'other'; 201 with the stored contact. */
function createContact(ctx: HandlerContext): Reply {
	const body = ctx.body.json ?? {};
	const invalid = validateBody(body, ctx.rejectUnknownFields, CREATE);
	if (invalid) return invalid;
	const fields = body as Record<string, unknown>;
	if (typeof fields.name !== 'string' || fields.name.trim() === '') return validationError('name', 'name is required');
	// The page documents 409 ALREADY_EXISTS for a taken email; Raze's published code checks no uniqueness ('code' mode).
	if (ctx.modes.razeListShape === 'documented' && hasEmail(ctx.contacts.values(), fields.email)) {
		return error(409, 'ALREADY_EXISTS', 'Contact with this email already exists');
	}

	const contact = makeContact({ id: newId(), source: 'other' });
	for (const field of STRING_FIELDS) if (field in fields) contact[field] = clearable(fields[field]);
	if (typeof fields.source === 'string' && fields.source !== '') contact.source = fields.source;
	if (Array.isArray(fields.tags)) contact.tags = [...(fields.tags as string[])];
	if (isPlainObject(fields.custom_fields)) contact.custom_fields = { ...fields.custom_fields };
	ctx.contacts.set(contact.id, contact);
	ctx.created();
	return json(201, { success: true, data: contact });
}

function getContact(ctx: HandlerContext): Reply {
	const contact = ctx.contacts.get(ctx.params.id);
	return contact ? json(200, { success: true, data: contact }) : notFound(ctx.params.id);
}

/** The list filters of Raze's code; each is `column ILIKE '%value%'`, all combined with AND. */
const LIST_FILTERS: Record<string, readonly string[]> = {
	search: ['name', 'email', 'company'],
	company: ['company'],
	email: ['email'],
	phone: ['phone'], // undocumented: only Raze's code has it
};

/** The contacts a list's filters select, in insertion order. An empty filter value filters nothing (Raze's `if (email)`). */
function filtered(ctx: HandlerContext): Contact[] {
	const tests: Array<(contact: Contact) => boolean> = [];
	for (const [name, columns] of Object.entries(LIST_FILTERS)) {
		const value = ctx.query.get(name);
		if (!value) continue;
		const like = ilikeContains(value);
		tests.push((contact) => columns.some((column) => like(contact[column])));
	}
	const source = ctx.query.get('source');
	if (source) tests.push((contact) => contact.source === source);
	return [...ctx.contacts.values()].filter((contact) => tests.every((test) => test(contact)));
}

/** GET /external/v1/contacts: filtered and paged, in the documented shape or in the shape of Raze's code. */
function listContacts(ctx: HandlerContext): Reply {
	const limit = intParam(ctx.query, 'limit', 1, 100);
	if (limit === null) return validationError('limit', 'limit must be an integer between 1 and 100');
	const page = intParam(ctx.query, 'page', 1, Number.MAX_SAFE_INTEGER);
	if (page === null) return validationError('page', 'page must be a positive integer');
	const code = ctx.modes.razeListShape === 'code';
	const size = limit ?? (code ? 50 : 20);
	const pageNo = ctx.modes.listIgnoresPage ? 1 : (page ?? 1);
	const matches = filtered(ctx);
	const { items, totalPages } = pageOf(matches, pageNo, size);
	const total = matches.length;
	if (!code) {
		return json(200, { success: true, data: { contacts: items, pagination: { page: pageNo, limit: size, total, total_pages: totalPages } } });
	}
	const pagination = { page: pageNo, per_page: size, total, total_pages: totalPages, has_next: pageNo < totalPages, has_prev: pageNo > 1 };
	return json(200, { success: true, data: items, pagination });
}

function makeContact({ id, ...fields }: Record<string, unknown> & { id: string }): Contact {
	const now = isoSeconds();
	return {
		id,
		name: null,
		email: null,
		phone: null,
		company: null,
		position: null,
		source: 'api',
		linkedin_url: null,
		tags: [],
		custom_fields: {},
		created_at: now,
		updated_at: now,
		...fields,
	};
}

/** The Raze vendor module. */
export const raze = {
	vendor: 'raze',
	label: 'Raze',
	prefix: '/raze',
	keys: KEYS,
	seedId: SEED_ID,
	createRoute: { method: 'POST', path: '/external/v1/contacts' },
	documented: {
		keys: { name: 'name', email: 'email', phone: 'phone' },
		auth: { header: 'X-API-Key', value: (key) => key },
		update: { method: 'PUT', path: (id) => `/external/v1/contacts/${id}` },
		readPath: (id) => `/external/v1/contacts/${id}`,
		lookupByEmail: (email) => ['GET', `/external/v1/contacts?email=${encodeURIComponent(email)}&limit=100&page=1`, undefined],
		body: (fields) => fields,
	},
	routes: [
		{ method: 'PUT', pattern: '/external/v1/contacts/:id', scope: 'write', handle: updateContact },
		{ method: 'GET', pattern: '/external/v1/contacts/:id', scope: 'read', handle: getContact },
		{ method: 'GET', pattern: '/external/v1/contacts', scope: 'read', lookup: true, handle: listContacts },
		{ method: 'POST', pattern: '/external/v1/contacts', scope: 'write', handle: createContact },
	],
	authenticate,
	forbidden: () =>
		error(403, 'INSUFFICIENT_PERMISSIONS', 'This API key does not have permission to perform this action', {
			required_permission: 'contacts:write',
			granted_permissions: ['contacts:read'],
		}),
	invalidJson: () => error(400, 'VALIDATION_ERROR', 'Request body is not valid JSON'),
	internalError: () => error(500, 'INTERNAL_ERROR', 'An internal error occurred'),
	presentedKey,
	rateLimitHeaders: xRateLimitHeaders,
	planLimit: 1000, // Pro plan: 1,000/hour
	// Documented: X-RateLimit-* headers and retry_after in the body, and no Retry-After header.
	rateLimited: (info) => {
		const hint = info.signals === 'none' ? {} : { retry_after: info.retryAfterSec };
		const body = { code: 'RATE_LIMIT_EXCEEDED', message: rateLimitMessage(info), ...hint };
		return json(429, { success: false, error: body }, xRateLimitHeaders(info));
	},
	malformedJson: '{"success": true, "data": {"id": ',
	demoContact: () =>
		// From the page's example response, as it was before the update the page shows.
		makeContact({
			id: SEED_ID,
			name: 'John Doe',
			email: 'john@example.com',
			phone: '+5511999999999',
			company: 'Acme Inc',
			position: 'Engineering Manager',
			source: 'linkedin',
			linkedin_url: 'https://linkedin.com/in/johndoe',
			tags: ['hot-lead'],
			custom_fields: {},
			created_at: '2024-01-15T10:30:00Z',
			updated_at: '2024-01-15T10:30:00Z',
		}),
	makeContact,
	generate: (id, i) =>
		makeContact({
			id,
			name: `Generated Contact ${i}`,
			email: `contact${i}@example.com`,
			phone: generatedPhone(i),
			company: 'Example Inc',
			position: 'Engineer',
			tags: ['generated'],
		}),
} satisfies VendorModule;
