/**
 * Bland AI: PATCH /v1/contacts/:id, GET /v1/contacts/:id, GET /v1/me.
 * Auth is the raw key in `authorization`; bodies are `{ data, errors }`.
 */
import { json, type Reply } from '../http';
import { SANDBOX_KEYS, SEED_IDS } from '../constants';
import type { Contact } from '../types';
import {
	clearable,
	isoMillis,
	isPlainObject,
	unknownFields,
	type AuthResult,
	type HandlerContext,
	type VendorModule,
} from '../vendor';

const ORG_ID = '11111111-2222-3333-4444-555555555555';
const UPDATE_FIELDS = ['name', 'email', 'external_id', 'metadata'] as const;

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
	if (key !== SANDBOX_KEYS.blandAi.valid) {
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

function getContact(ctx: HandlerContext): Reply {
	const contact = ctx.contacts.get(ctx.params.id);
	return contact ? json(200, { data: contact, errors: null }) : notFound();
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
		external_id: null,
		metadata: {},
		created_at: now,
		updated_at: now,
		...fields,
	};
}

/** The Bland AI vendor module. */
export const blandAi: VendorModule = {
	vendor: 'blandAi',
	label: 'Bland AI',
	routes: [
		{ method: 'PATCH', pattern: '/v1/contacts/:id', scope: 'write', handle: updateContact },
		{ method: 'GET', pattern: '/v1/contacts/:id', scope: 'read', handle: getContact },
		{ method: 'GET', pattern: '/v1/me', scope: 'read', handle: me },
	],
	authenticate,
	forbidden: () => error(403, 'FORBIDDEN', 'This API key cannot perform this action'),
	invalidJson: () => error(400, 'INVALID_JSON', 'Request body is not valid JSON'),
	internalError: () => error(500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred'),
	// Bland documents no rate limit; a Retry-After header is the most common signal.
	rateLimited: (info) =>
		error(429, 'RATE_LIMITED', 'Too many requests, please slow down', { 'retry-after': String(info.retryAfterSec) }),
	malformedJson: '{"data": {"id": ',
	demoContact: () =>
		// From the page's response example (before the update it shows).
		makeContact({
			id: SEED_IDS.blandAi,
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
			external_id: `ext-${i}`,
			metadata: { index: i },
		}),
};
