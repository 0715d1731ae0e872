/**
 * OpenCX: PATCH /contacts/:id (body wrapped in `contact`, 200 with no body), POST /contacts (create, 201 `{ id }`),
 * GET /chat/sessions/search, GET /org (credential test).
 * Auth is `Authorization: Bearer ocx_live_…`; errors are ErrorDto `{ statusCode, message, error }`.
 * Validation messages follow the Fastify/Ajv style the OpenAPI page comes from ("body/contact/email must …").
 * OpenCX documents no GET of one contact: read state with getContact() or the admin API.
 */
import { randomUUID } from 'node:crypto';

import { json, statusText, type Reply } from '../http';
import type { Contact } from '../types';
import {
	bearerToken,
	containsCi,
	generatedPhone,
	isoMillis,
	isPlainObject,
	retryAfterHeader,
	unknownFields,
	type AuthResult,
	type HandlerContext,
	type VendorModule,
} from '../vendor';

/** The only keys the sandbox accepts for this vendor. */
const KEYS = { valid: 'ocx_live_sandbox_key', readOnly: 'ocx_live_sandbox_readonly' };

/** The demo contact seeded at start and on reset. */
const SEED_ID = 'ocx_contact_demo';

/** The email pattern of UpdateContactInput, verbatim from the page. */
export const OPENCX_EMAIL_PATTERN =
	"^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$";
const EMAIL_RE = new RegExp(OPENCX_EMAIL_PATTERN);

const CONTACT_FIELDS = ['email', 'phone', 'name', 'custom_data', 'http_action_overrides'] as const;
/** ContactInput of the create (OpenAPI spec of 2024): no http_action_overrides, unlike the update. */
const CREATE_FIELDS = ['email', 'phone', 'name', 'custom_data'] as const;
const OVERRIDE_GROUPS = ['query_params', 'path_params', 'body_params', 'headers'] as const;

/** OpenCX's ErrorDto. */
function error(status: number, message: string, headers?: Record<string, string>): Reply {
	return json(status, { statusCode: status, message, error: statusText(status) }, headers);
}

function badRequest(message: string): Reply {
	return error(400, message);
}

function authenticate(headers: { authorization?: string }): AuthResult {
	const key = bearerToken(headers);
	if (key === KEYS.valid) return { ok: true, scope: 'write' };
	if (key === KEYS.readOnly) return { ok: true, scope: 'read' };
	return { ok: false, reply: error(401, 'Unauthorized') };
}

/** An object whose values must all be strings; returns the Ajv-style message of the first violation. */
function checkStringMap(value: unknown, path: string): string | undefined {
	if (!isPlainObject(value)) return `${path} must be object`;
	const bad = Object.keys(value).find((k) => typeof value[k] !== 'string');
	return bad === undefined ? undefined : `${path}/${bad} must be string`;
}

/**
 * Validates UpdateContactInput (or, with CREATE_FIELDS, SaveContactInput); returns the first error message, as Ajv
 * stops at the first. Types are checked strictly: the sandbox does not coerce numbers to strings, so a node must send strings.
 */
function validate(body: unknown, rejectUnknown: boolean, fields: readonly string[] = CONTACT_FIELDS): string | undefined {
	if (!isPlainObject(body)) return 'body must be object';
	if (!('contact' in body)) return "body must have required property 'contact'";
	if (rejectUnknown) {
		const extra = unknownFields(body, ['contact']);
		if (extra.length > 0) return `body must NOT have additional properties ('${extra[0]}')`;
	}
	const contact = body.contact;
	if (!isPlainObject(contact)) return 'body/contact must be object';
	if (rejectUnknown) {
		const extra = unknownFields(contact, fields);
		if (extra.length > 0) return `body/contact must NOT have additional properties ('${extra[0]}')`;
	}
	for (const field of ['email', 'phone', 'name'] as const) {
		if (field in contact && typeof contact[field] !== 'string') return `body/contact/${field} must be string`;
	}
	if (typeof contact.email === 'string' && !EMAIL_RE.test(contact.email)) {
		return `body/contact/email must match pattern "${OPENCX_EMAIL_PATTERN}"`;
	}
	if ('custom_data' in contact) {
		const problem = checkStringMap(contact.custom_data, 'body/contact/custom_data');
		if (problem) return problem;
	}
	if (fields.includes('http_action_overrides') && 'http_action_overrides' in contact) {
		const overrides = contact.http_action_overrides;
		if (!isPlainObject(overrides)) return 'body/contact/http_action_overrides must be object';
		if (rejectUnknown) {
			const extra = unknownFields(overrides, OVERRIDE_GROUPS);
			if (extra.length > 0) return `body/contact/http_action_overrides must NOT have additional properties ('${extra[0]}')`;
		}
		for (const group of OVERRIDE_GROUPS) {
			if (!(group in overrides)) continue;
			const problem = checkStringMap(overrides[group], `body/contact/http_action_overrides/${group}`);
			if (problem) return problem;
		}
	}
	return undefined;
}

function updateContact(ctx: HandlerContext): Reply {
	if (ctx.body.json === undefined) return badRequest('body must be object');
	const problem = validate(ctx.body.json, ctx.rejectUnknownFields);
	if (problem) return badRequest(problem);
	const stored = ctx.contacts.get(ctx.params.id);
	if (!stored) return error(404, 'Contact not found');

	const update = (ctx.body.json as { contact: Record<string, unknown> }).contact;
	for (const field of ['email', 'phone', 'name'] as const) {
		if (field in update) stored[field] = update[field];
	}
	// The page is silent on merge vs replace: custom_data and http_action_overrides are replaced as whole
	// objects (a JSON column set by a PATCH), unlike Bland's documented merge.
	if (isPlainObject(update.custom_data)) stored.custom_data = { ...update.custom_data };
	if (isPlainObject(update.http_action_overrides)) stored.http_action_overrides = { ...update.http_action_overrides };
	stored.updated_at = isoMillis();
	ctx.applied();
	return { status: 200 }; // "Default Response": no body at all
}

/** POST /contacts: stores a new contact; 201 `{ id }`. OpenCX documents no duplicate rule, so none is enforced. */
function createContact(ctx: HandlerContext): Reply {
	if (ctx.body.json === undefined) return badRequest('body must be object');
	const problem = validate(ctx.body.json, ctx.rejectUnknownFields, CREATE_FIELDS);
	if (problem) return badRequest(problem);
	const input = (ctx.body.json as { contact: Record<string, unknown> }).contact;
	const contact = makeContact({ id: randomUUID() });
	for (const field of ['email', 'phone', 'name'] as const) {
		if (field in input) contact[field] = input[field];
	}
	if (isPlainObject(input.custom_data)) contact.custom_data = { ...input.custom_data };
	ctx.contacts.set(contact.id, contact);
	ctx.created();
	return json(201, { id: contact.id });
}

/** GET /chat/sessions/search: a contact matches when any word of `q` is a case-insensitive part of its name, email or phone. */
function search(ctx: HandlerContext): Reply {
	const q = ctx.query.get('q');
	if (q === null) return badRequest("querystring must have required property 'q'");
	if (q.length < 1) return badRequest('querystring/q must NOT have fewer than 1 characters');
	const words = q.split(/\s+/).filter((word) => word !== '');
	const contacts = [...ctx.contacts.values()]
		.filter((c) => words.some((word) => containsCi(c.name, word) || containsCi(c.email, word) || containsCi(c.phone, word)))
		.map(({ id, name, email, phone }) => ({ id, name, email, phone }));
	return json(200, { contacts, messages: [] });
}

function getOrg(): Reply {
	return json(200, {
		id: 'org_sandbox',
		name: 'Sandbox Organization',
		website: 'https://example.com',
		created_at: '2025-01-01T00:00:00.000Z',
	});
}

function makeContact({ id, ...fields }: Record<string, unknown> & { id: string }): Contact {
	const now = isoMillis();
	return {
		id,
		name: null,
		email: null,
		phone: null,
		custom_data: {},
		http_action_overrides: null,
		created_at: now,
		updated_at: now,
		...fields,
	};
}

/** The OpenCX vendor module. */
export const openCx = {
	vendor: 'openCx',
	label: 'OpenCX',
	prefix: '/opencx',
	keys: KEYS,
	seedId: SEED_ID,
	createRoute: { method: 'POST', path: '/contacts' },
	documented: {
		keys: { name: 'name', email: 'email', phone: 'phone' },
		auth: { header: 'Authorization', value: (key) => `Bearer ${key}` },
		update: { method: 'PATCH', path: (id) => `/contacts/${id}` },
		lookupByEmail: (email) => ['GET', `/chat/sessions/search?q=${encodeURIComponent(email)}`, undefined],
		body: (fields) => ({ contact: fields }),
	},
	routes: [
		{ method: 'PATCH', pattern: '/contacts/:id', scope: 'write', handle: updateContact },
		{ method: 'POST', pattern: '/contacts', scope: 'write', handle: createContact },
		{ method: 'GET', pattern: '/chat/sessions/search', scope: 'read', lookup: true, handle: search },
		{ method: 'GET', pattern: '/org', scope: 'read', handle: getOrg },
	],
	authenticate,
	forbidden: () => error(403, 'API key is missing the contacts:write scope'),
	invalidJson: () => badRequest("Body is not valid JSON but content-type is set to 'application/json'"),
	internalError: () => error(500, 'Internal Server Error'),
	// The page documents 100 requests/minute but no headers; Retry-After is the assumed signal.
	presentedKey: (headers) => bearerToken(headers) ?? headers.authorization ?? '',
	rateLimited: (info) =>
		info.signals === 'none'
			? error(429, 'Rate limit exceeded')
			: error(429, `Rate limit exceeded, retry in ${info.retryAfterSec} seconds`, retryAfterHeader(info)),
	malformedJson: '{"contact": {"id": ',
	demoContact: () =>
		// The page has no example contact; this one is invented but shaped like the request body.
		makeContact({
			id: SEED_ID,
			name: 'Maya Chen',
			email: 'maya.chen@example.com',
			phone: '+14155550123',
			custom_data: { plan: 'enterprise', region: 'us-west' },
			created_at: '2025-06-01T12:00:00.000Z',
			updated_at: '2025-06-01T12:00:00.000Z',
		}),
	makeContact,
	generate: (id, i) =>
		makeContact({
			id,
			name: `Generated Contact ${i}`,
			email: `contact${i}@example.com`,
			phone: generatedPhone(i),
			custom_data: { index: String(i) },
		}),
} satisfies VendorModule;
