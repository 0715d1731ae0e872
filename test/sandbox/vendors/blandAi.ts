/**
 * Bland AI: PATCH /v1/contacts/:id, GET /v1/contacts/:id, POST /v1/contacts/find, POST /v1/contacts/resolve, GET /v1/me.
 * Auth is the raw key in `authorization`; bodies are `{ data, errors }`.
 */
import { randomUUID } from 'node:crypto';

import { json, type Reply } from '../http';
import type { Contact } from '../types';
import {
	clearable,
	generatedPhone,
	isoMillis,
	isPlainObject,
	retryAfterHeader,
	unknownFields,
	type AuthResult,
	type HandlerContext,
	type VendorModule,
} from '../vendor';

/** The only keys the sandbox accepts for this vendor (Bland AI documents no read-only keys). */
const KEYS = { valid: 'org_sandbox_bland_key' };

/** The demo contact seeded at start and on reset. */
const SEED_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

const ORG_ID = '11111111-2222-3333-4444-555555555555';
const UPDATE_FIELDS = ['name', 'email', 'external_id', 'metadata'] as const;
const RESOLVE_FIELDS = ['phone_number', 'email', 'external_id', 'name', 'persona_id', 'agent_number', 'metadata'] as const;
/** What find looks up by, in the order identifiers are listed (the first one present is primary). */
const IDENTIFIER_TYPES = ['phone_number', 'email', 'external_id'] as const;
type IdentifierType = (typeof IDENTIFIER_TYPES)[number];
type FindQuery = Partial<Record<IdentifierType, string>>;

/** Bland's error envelope. */
function error(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
	return json(status, { data: null, errors: [{ error: code, message }] }, headers);
}

function notFound(): Reply {
	return error(404, 'NOT_FOUND', 'Contact not found');
}

function authenticate(headers: { authorization?: string }): AuthResult {
	const key = headers.authorization;
	if (!key) return { ok: false, reply: error(401, 'UNAUTHORIZED', 'Missing authorization header') };
	// The docs send the raw key; "Bearer <key>" is treated as a wrong key so a node adding a scheme fails here.
	if (key !== KEYS.valid) {
		return { ok: false, reply: error(401, 'UNAUTHORIZED', 'Invalid API key') };
	}
	return { ok: true, scope: 'write' };
}

/** Checks the update body; a Reply when it is invalid. Bland documents no email format rule, so only types are checked. */
function validateUpdate(body: unknown, rejectUnknown: boolean): Reply | undefined {
	if (!isPlainObject(body)) return error(400, 'VALIDATION_ERROR', 'Request body must be a JSON object');
	if (rejectUnknown) {
		const extra = unknownFields(body, UPDATE_FIELDS);
		if (extra.length > 0) return error(400, 'VALIDATION_ERROR', `Unknown field: ${extra[0]}`);
	}
	for (const field of ['name', 'email', 'external_id'] as const) {
		const value = body[field];
		if (value !== undefined && value !== null && typeof value !== 'string') {
			return error(400, 'VALIDATION_ERROR', `${field} must be a string`);
		}
	}
	if (body.metadata !== undefined && !isPlainObject(body.metadata)) {
		return error(400, 'VALIDATION_ERROR', 'metadata must be an object');
	}
	return undefined;
}

function updateContact(ctx: HandlerContext): Reply {
	const body = ctx.body.json ?? {}; // no body = nothing to change
	const invalid = validateUpdate(body, ctx.rejectUnknownFields);
	if (invalid) return invalid;
	const contact = ctx.contacts.get(ctx.params.id);
	if (!contact) return notFound();

	const update = body as Record<string, unknown>;
	for (const field of ['name', 'email', 'external_id'] as const) {
		if (field in update) contact[field] = clearable(update[field]);
	}
	if (isPlainObject(update.metadata)) {
		// "New keys are added, existing keys are updated": a shallow, top-level merge; nothing is deleted.
		const current = isPlainObject(contact.metadata) ? contact.metadata : {};
		contact.metadata = { ...current, ...update.metadata };
	}
	contact.updated_at = isoMillis();
	ctx.applied();
	return json(200, { data: contact, errors: null });
}

/** GET /v1/contacts/:id: the contact with its identifiers and memories, as the Get Contact page shows it. */
function getContact(ctx: HandlerContext): Reply {
	const contact = ctx.contacts.get(ctx.params.id);
	return contact ? json(200, { data: withIdentifiers(contact), errors: null }) : notFound();
}

/** The identifiers to look up (and the body they came in), or Bland's 400 when none is a non-empty string. */
function readFindQuery(ctx: HandlerContext): { query: FindQuery; body: Record<string, unknown> } | { reply: Reply } {
	const invalid = (message: string) => ({ reply: error(400, 'VALIDATION_ERROR', message) });
	if (ctx.body.invalidJson) return { reply: error(400, 'INVALID_JSON', 'Request body is not valid JSON') };
	const body = ctx.body.json ?? {};
	if (!isPlainObject(body)) return invalid('Request body must be a JSON object');
	const query: FindQuery = {};
	for (const type of IDENTIFIER_TYPES) {
		const value = body[type];
		if (value === undefined || value === null) continue;
		if (typeof value !== 'string') return invalid(`${type} must be a string`);
		if (value.trim() !== '') query[type] = value;
	}
	if (Object.keys(query).length === 0) return invalid('At least one identifier is required: phone_number, email or external_id');
	return { query, body };
}

/** Sandbox rule where the page is silent: email ignoring case and surrounding spaces, the others as exact text. */
function carries(contact: Contact, type: IdentifierType, value: string): boolean {
	const stored = contact[type];
	if (typeof stored !== 'string') return false;
	if (type === 'email') return stored.trim().toLowerCase() === value.trim().toLowerCase();
	return stored === value;
}

function matchesAny(contact: Contact, query: FindQuery): boolean {
	return IDENTIFIER_TYPES.some((type) => query[type] !== undefined && carries(contact, type, query[type]));
}

/** The contact as find answers it: stored fields plus identifiers derived from them and no memories. */
function withIdentifiers(contact: Contact): Record<string, unknown> {
	const present = IDENTIFIER_TYPES.filter((type) => typeof contact[type] === 'string' && contact[type] !== '');
	const identifiers = present.map((type, i) => ({
		id: `idn_${type}_${contact.id}`,
		contact_id: contact.id,
		identifier_type: type,
		identifier_value: contact[type],
		is_primary: i === 0,
	}));
	return { ...contact, identifiers, memories: [] };
}

/** The stored contact find and resolve answer: one carrying a given identifier, or (mode 'unrelated') one that does not. */
function lookUp(ctx: HandlerContext, query: FindQuery): Contact | undefined {
	const all = [...ctx.contacts.values()];
	// 'unrelated' stands in for a loose vendor match: a contact that does not carry what was asked for.
	return ctx.modes.blandFindAnswer === 'unrelated'
		? all.find((contact) => !matchesAny(contact, query))
		: all.find((contact) => matchesAny(contact, query));
}

/** POST /v1/contacts/find: the first stored contact carrying any given identifier, or `data: null`. */
function findContact(ctx: HandlerContext): Reply {
	const read = readFindQuery(ctx);
	if ('reply' in read) return read.reply;
	const found = lookUp(ctx, read.query);
	return json(200, { data: found ? withIdentifiers(found) : null, errors: null });
}

/** The resolve-only fields' problems (the identifiers are checked as find checks them); undefined when valid. */
function resolveFieldError(body: Record<string, unknown>, rejectUnknown: boolean): string | undefined {
	if (rejectUnknown) {
		const extra = unknownFields(body, RESOLVE_FIELDS);
		if (extra.length > 0) return `Unknown field: ${extra[0]}`;
	}
	for (const field of ['name', 'persona_id', 'agent_number'] as const) {
		const value = body[field];
		if (value !== undefined && value !== null && typeof value !== 'string') return `${field} must be a string`;
	}
	if (body.metadata !== undefined && body.metadata !== null && !isPlainObject(body.metadata)) return 'metadata must be an object';
	return undefined;
}

/**
 * POST /v1/contacts/resolve: find or create. A contact found as find finds it is answered unchanged (`created: false`;
 * the page does not say that name or metadata touch an existing contact); otherwise a new one is stored (`created: true`).
 * The contact is answered without identifiers or memories, as the page's example shows it.
 */
function resolveContact(ctx: HandlerContext): Reply {
	const read = readFindQuery(ctx);
	if ('reply' in read) return read.reply;
	const problem = resolveFieldError(read.body, ctx.rejectUnknownFields);
	if (problem) return error(400, 'VALIDATION_ERROR', problem);
	const found = lookUp(ctx, read.query);
	if (found) return json(200, { data: { contact: found, created: false }, errors: null });

	// persona_id and agent_number scope memories, which the sandbox does not keep: accepted, not stored.
	const { name, metadata } = read.body;
	const contact = makeContact({
		id: randomUUID(),
		name: typeof name === 'string' ? name : null,
		metadata: isPlainObject(metadata) ? { ...metadata } : {},
		email: read.query.email ?? null,
		phone_number: read.query.phone_number ?? null,
		external_id: read.query.external_id ?? null,
	});
	ctx.contacts.set(contact.id, contact);
	ctx.created();
	return json(200, { data: { contact, created: true }, errors: null });
}

function me(): Reply {
	return json(200, {
		data: {
			org_id: ORG_ID,
			org_display_name: 'Sandbox Org',
			status: 'active',
			billing: { current_balance: 100, refill_to: null },
			total_calls: 0,
		},
		errors: null,
	});
}

function makeContact({ id, ...fields }: Record<string, unknown> & { id: string }): Contact {
	const now = isoMillis();
	return {
		id,
		org_id: ORG_ID,
		name: null,
		email: null,
		phone_number: null,
		external_id: null,
		metadata: {},
		created_at: now,
		updated_at: now,
		...fields,
	};
}

/** The Bland AI vendor module. */
export const blandAi = {
	vendor: 'blandAi',
	label: 'Bland AI',
	prefix: '/blandai',
	keys: KEYS,
	seedId: SEED_ID,
	createRoute: { method: 'POST', path: '/v1/contacts/resolve' },
	documented: {
		keys: { name: 'name', email: 'email', phone: 'phone_number' },
		auth: { header: 'authorization', value: (key) => key },
		update: { method: 'PATCH', path: (id) => `/v1/contacts/${id}` },
		readPath: (id) => `/v1/contacts/${id}`,
		lookupByEmail: (email) => ['POST', '/v1/contacts/find', { email }],
		body: (fields) => fields,
	},
	routes: [
		{ method: 'POST', pattern: '/v1/contacts/find', scope: 'read', lookup: true, handle: findContact },
		{ method: 'POST', pattern: '/v1/contacts/resolve', scope: 'write', handle: resolveContact },
		{ method: 'PATCH', pattern: '/v1/contacts/:id', scope: 'write', handle: updateContact },
		{ method: 'GET', pattern: '/v1/contacts/:id', scope: 'read', handle: getContact },
		{ method: 'GET', pattern: '/v1/me', scope: 'read', handle: me },
	],
	authenticate,
	forbidden: () => error(403, 'FORBIDDEN', 'This API key cannot perform this action'),
	invalidJson: () => error(400, 'INVALID_JSON', 'Request body is not valid JSON'),
	internalError: () => error(500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred'),
	// Bland documents no rate limit; a Retry-After header is the most common signal.
	presentedKey: (headers) => headers.authorization ?? '',
	rateLimited: (info) => error(429, 'RATE_LIMITED', 'Too many requests, please slow down', retryAfterHeader(info)),
	malformedJson: '{"data": {"id": ',
	demoContact: () =>
		// From the page's response example (before the update it shows).
		makeContact({
			id: SEED_ID,
			name: 'John Smith',
			metadata: { source: 'web_signup', preferences: { language: 'en' }, verified: true },
			created_at: '2025-07-20T10:30:00.000Z',
			updated_at: '2025-07-20T10:30:00.000Z',
		}),
	makeContact,
	generate: (id, i) =>
		makeContact({
			id,
			name: `Generated Contact ${i}`,
			email: `contact${i}@example.com`,
			phone_number: generatedPhone(i),
			external_id: `ext-${i}`,
			metadata: { index: i },
		}),
} satisfies VendorModule;
