import type { IDataObject } from 'n8n-workflow';

import { FIELD_KINDS, type ContactField, type ContactProvider, type ContactUpdate, type HttpActionOverrides } from '../providers/types';
import { FIELD_LABELS } from '../vocabulary';
import { isPlainObject, ownValue, RESERVED_KEY, reservedKeyPath, safeCopy, setOwn } from './ownKeys';

/** Reports a field value the node refuses, before anything is sent; it never returns. */
export type Fail = (field: string, message: string) => never;

/** The fields whose kind is text. */
type TextField = { [F in ContactField]: (typeof FIELD_KINDS)[F] extends 'text' ? F : never }[ContactField];

const OVERRIDE_KEYS = ['query_params', 'path_params', 'body_params', 'headers'] as const;

// Deliberately loose: one @, no spaces, a dot in the domain. Vendors with a stricter rule say so.
const GENERAL_EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Whether a text passes the node's general email check (one @, no spaces, a dot in the domain). */
export function isEmailAddress(text: string): boolean {
	return GENERAL_EMAIL.test(text);
}

/** Options that change how fields are read. */
interface FieldOptions {
	sendEmptyValues: boolean;
}

function isEmpty(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value === 'string') return value.trim() === '';
	if (Array.isArray(value)) return value.length === 0;
	if (typeof value === 'object') return Object.keys(value).length === 0;
	return false;
}

/** The label a user sees for a field or parameter; an unknown name (even `toString`) is shown as it is. */
export function labelOf(field: string): string {
	return ownValue(FIELD_LABELS, field) ?? field;
}

/** Refuses a `__proto__` key anywhere inside a value: never dropped, never used to re-parent an object. */
function refuseReservedKey(value: unknown, field: string, fail: Fail): void {
	const path = reservedKeyPath(value);
	if (path !== undefined) {
		fail(field, `${labelOf(field)} has the key "${path}", and "${RESERVED_KEY}" cannot be sent as a key: rename it`);
	}
}

/** Parses a JSON object given as text or as an object; anything else is refused. */
function parseJsonObject(value: unknown, field: string, fail: Fail): IDataObject {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			fail(field, `${labelOf(field)} is not valid JSON`);
		}
	}
	if (!isPlainObject(parsed)) {
		fail(field, `${labelOf(field)} must be a JSON object like {"key": "value"}, got ${describe(parsed)}`);
	}
	refuseReservedKey(parsed, field, fail);
	return parsed;
}

/** A value described for a message: its kind, and a short excerpt of a text. */
export function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return `the text "${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'boolean') return 'true/false';
	return `a ${typeof value}`;
}

/** A contact ID as it goes into the path: text, trimmed, never empty nor a dot segment. */
export function readContactId(value: unknown, fail: Fail): string {
	// An expression that finds nothing (a missing key) is as empty as an empty text.
	if (value === undefined || value === null) fail('contactId', `${FIELD_LABELS.contactId} is empty`);
	if (typeof value !== 'string' && typeof value !== 'number') {
		fail('contactId', `${FIELD_LABELS.contactId} must be text, got ${describe(value)}`);
	}
	const id = String(value).trim();
	if (id === '') fail('contactId', `${FIELD_LABELS.contactId} is empty`);
	// URL parsers resolve "." and ".." segments even when encoded, which would leave the contact path.
	if (/^(\.|%2e){1,2}$/i.test(id)) {
		fail('contactId', `${FIELD_LABELS.contactId} "${id}" is not a valid ID`);
	}
	return id;
}

/** Tags from a comma-separated text or an array of strings. */
export function readTags(value: unknown, fail: Fail): string[] {
	// An AI agent or an expression may pass a JSON array as text: read it as the array it is.
	if (typeof value === 'string' && value.trim().startsWith('[')) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(value);
		} catch {
			parsed = undefined;
		}
		if (Array.isArray(parsed)) return readTags(parsed, fail);
	}
	if (typeof value === 'string') {
		return value
			.split(',')
			.map((tag) => tag.trim())
			.filter((tag) => tag !== '');
	}
	if (Array.isArray(value)) {
		return value.map((tag, index) => {
			if (typeof tag !== 'string') {
				fail('tags', `Tags must be text, but tag ${index + 1} is ${describe(tag)}`);
			}
			return tag.trim();
		}).filter((tag) => tag !== '');
	}
	fail('tags', `Tags must be comma-separated text or an array of text, got ${describe(value)}`);
}

/**
 * Custom fields from the UI's key/value pairs and JSON entries, or from a JSON object given by
 * an expression. Later entries win. A key/value pair whose value is empty (an expression that
 * found nothing) is skipped unless `sendEmptyValues`, so it never wipes that key at the vendor.
 */
export function readCustomFields(value: unknown, fail: Fail, sendEmptyValues = false): IDataObject {
	if (!isPlainObject(value)) return parseJsonObject(value, 'customFields', fail);
	const isUiShape =
		Object.keys(value).length > 0 &&
		Object.keys(value).every((key) => key === 'field' || key === 'json') &&
		Object.values(value).every(Array.isArray);
	if (!isUiShape) return parseJsonObject(value, 'customFields', fail);

	const result: IDataObject = {};
	for (const entry of (value.json as IDataObject[] | undefined) ?? []) {
		// An expression that found nothing is an empty value, skipped like an empty pair.
		if (isEmpty(entry.object)) continue;
		const object = parseJsonObject(entry.object, 'customFields', fail);
		for (const key of Object.keys(object)) setOwn(result, key, object[key]);
	}
	for (const entry of (value.field as IDataObject[] | undefined) ?? []) {
		const key = typeof entry.key === 'string' ? entry.key.trim() : '';
		if (key === '') {
			if (isEmpty(entry.value)) continue;
			fail('customFields', `${FIELD_LABELS.customFields} has a value without a key`);
		}
		refuseReservedKey({ [key]: entry.value }, 'customFields', fail);
		if (isEmpty(entry.value) && !sendEmptyValues) continue;
		setOwn(result, key, entry.value ?? '');
	}
	return result;
}

/** Values as text, for vendors that store text only; numbers and booleans convert, the rest is refused. */
function toStringMap(
	object: IDataObject,
	field: string,
	what: string,
	fail: Fail,
): Record<string, string> {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (typeof value === 'string') setOwn(out, key, value);
		else if (typeof value === 'number' || typeof value === 'boolean') setOwn(out, key, String(value));
		else {
			fail(
				field,
				`${what} "${key}" must be text, a number or true/false, got ${describe(value)}`,
			);
		}
	}
	return out as Record<string, string>;
}

/** OpenCX's http_action_overrides: only its four maps, each text to text. */
function readHttpActionOverrides(value: unknown, fail: Fail): HttpActionOverrides {
	const object = parseJsonObject(value, 'httpActionOverrides', fail);
	const result: HttpActionOverrides = {};
	for (const [key, map] of Object.entries(object)) {
		if (!(OVERRIDE_KEYS as readonly string[]).includes(key)) {
			fail(
				'httpActionOverrides',
				`${FIELD_LABELS.httpActionOverrides} has an unknown key "${key}"; allowed: ${OVERRIDE_KEYS.join(', ')}`,
			);
		}
		if (!isPlainObject(map)) {
			fail(
				'httpActionOverrides',
				`${FIELD_LABELS.httpActionOverrides} "${key}" must be an object of text values, got ${describe(map)}`,
			);
		}
		const strings = toStringMap(map, 'httpActionOverrides', `${FIELD_LABELS.httpActionOverrides} ${key}`, fail);
		if (key === 'headers') checkOverrideHeaders(strings, fail);
		result[key as keyof HttpActionOverrides] = strings;
	}
	return result;
}

// RFC 9110 token characters: what a header name may hold.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Control characters other than tab, CR and LF included: they end or split a header.
const HEADER_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** OpenCX sends override headers on to your HTTP actions: each must be a valid header, or it is refused. */
function checkOverrideHeaders(headers: Record<string, string>, fail: Fail): void {
	for (const [name, value] of Object.entries(headers)) {
		const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
		if (!HEADER_NAME.test(name)) {
			fail(
				'httpActionOverrides',
				`${FIELD_LABELS.httpActionOverrides} headers: ${shown} is not a valid header name (letters, digits and ! # $ % & ' * + - . ^ _ \` | ~ only; no spaces, CR or LF)`,
			);
		}
		if (HEADER_VALUE_FORBIDDEN.test(value)) {
			fail('httpActionOverrides', `${FIELD_LABELS.httpActionOverrides} headers: the value of ${shown} holds a line break or another control character`);
		}
	}
}

function checkEmail(email: string, provider: ContactProvider, fail: Fail): void {
	const pattern = provider.emailPattern ?? GENERAL_EMAIL;
	if (!pattern.test(email)) {
		fail('email', `Email "${email}" is not a valid email address for ${provider.label}`);
	}
}

function checkLinkedinUrl(url: string, fail: Fail): void {
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		fail('linkedinUrl', `${FIELD_LABELS.linkedinUrl} "${url}" must be a web address starting with https:// or http://`);
	}
}

/**
 * Turns the Update Fields collection into a validated update for one provider. Fields the
 * provider does not accept are refused; empty values are dropped unless `sendEmptyValues`.
 */
export function buildUpdate(
	raw: IDataObject,
	provider: ContactProvider,
	options: FieldOptions,
	fail: Fail,
): ContactUpdate {
	const update: ContactUpdate = {};
	for (const [field, value] of Object.entries(raw)) {
		const known = field as ContactField;
		if (ownValue(FIELD_LABELS, field) === undefined || field === 'contactId') {
			fail(field, `"${field}" is not a field of Update Contact`);
		}
		if (!provider.fields.includes(known)) {
			fail(field, `${labelOf(field)} is not accepted by ${provider.label}`);
		}
		if (isEmpty(value)) {
			// Notes are appended: an empty note clears nothing, so it is never sent.
			if (!options.sendEmptyValues || known === 'notes') continue;
			if (known === 'email' && provider.emailPattern && !provider.emailPattern.test('')) {
				fail(
					'email',
					`Email cannot be cleared in ${provider.label}: an empty email does not match its email format. Leave Email out, or give an address`,
				);
			}
			if (known === 'tags') update.tags = [];
			else if (known === 'customFields') update.customFields = {};
			else if (known === 'httpActionOverrides') update.httpActionOverrides = {};
			else update[known] = '';
			continue;
		}
		readField(update, known, value, provider, options, fail);
	}
	return update;
}

function readField(
	update: ContactUpdate,
	field: ContactField,
	value: unknown,
	provider: ContactProvider,
	options: FieldOptions,
	fail: Fail,
): void {
	const kind = FIELD_KINDS[field];
	if (kind === 'text') {
		if (typeof value !== 'string' && typeof value !== 'number') {
			fail(field, `${labelOf(field)} must be text, got ${describe(value)}`);
		}
		// Notes keep their spacing; other text is trimmed, as stray spaces from sheets are never meant.
		const text = field === 'notes' ? String(value) : String(value).trim();
		if (field === 'email') checkEmail(text, provider, fail);
		if (field === 'linkedinUrl') checkLinkedinUrl(text, fail);
		update[field as TextField] = text;
		return;
	}
	if (kind === 'tags') {
		const tags = readTags(value, fail);
		if (tags.length > 0 || options.sendEmptyValues) update.tags = tags;
		return;
	}
	if (kind === 'object') {
		const custom = readCustomFields(value, fail, options.sendEmptyValues);
		if (Object.keys(custom).length === 0 && !options.sendEmptyValues) return;
		update.customFields =
			provider.customFieldValues === 'strings'
				? toStringMap(custom, 'customFields', `${FIELD_LABELS.customFields} value`, fail)
				: custom;
		return;
	}
	const overrides = readHttpActionOverrides(value, fail);
	// The field's default is "{}": left as it is, it must not replace the contact's overrides with nothing.
	if (Object.keys(overrides).length === 0 && !options.sendEmptyValues) return;
	update.httpActionOverrides = overrides;
}

/** Reads a key of an input item; a dot reaches into nested objects (not arrays) when no key has that exact name. */
export function readInputKey(json: IDataObject, key: string): unknown {
	if (Object.hasOwn(json, key)) return json[key];
	let current: unknown = json;
	for (const part of key.split('.')) {
		if (!isPlainObject(current) || !Object.hasOwn(current, part)) return undefined;
		current = current[part];
	}
	return current;
}

/**
 * Map Automatically: the Update Fields of one provider taken from input keys of the same name, as
 * copies (an output must never share an object with its input). Keys the provider does not accept
 * (other columns of a sheet) and the key that holds the contact ID are left out.
 */
export function fieldsFromInput(json: IDataObject, provider: ContactProvider, idKey: string): IDataObject {
	const fields: IDataObject = {};
	for (const field of provider.fields) {
		if (field === idKey || !Object.hasOwn(json, field) || json[field] === undefined) continue;
		// Custom fields from an item are one JSON object (or JSON text), never the node's key/value pairs.
		fields[field] = field === 'customFields' ? { json: [{ object: json[field] }] } : json[field];
	}
	return safeCopy(fields);
}
