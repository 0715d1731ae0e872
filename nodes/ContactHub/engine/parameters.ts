import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

import { isPlainObject, safeCopy } from './ownKeys';

/** Whether a raw parameter value holds an expression anywhere inside. */
export function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (isPlainObject(value)) return Object.values(value).some(hasExpression);
	return false;
}

/** One step of a `$json` path: `.key` or `["key"]` / `['key']`. */
const PATH_STEP = /^\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\])/;

/** The whole of `={{ $json… }}`, the one expression that only reads the item: its path after `$json`. */
const JSON_READ = /^=\{\{\s*\$json((?:\s*(?:\.\s*[A-Za-z_$][\w$]*|\[\s*(?:"[^"\\]*"|'[^'\\]*')\s*\]))+)\s*\}\}$/;

/** The keys an expression that only reads the item's JSON reads, in order; undefined for any other expression. */
export function jsonReadPath(expression: string): string[] | undefined {
	const match = JSON_READ.exec(expression);
	if (!match) return undefined;
	const keys: string[] = [];
	for (let rest = match[1]; rest.trim() !== ''; ) {
		const step = PATH_STEP.exec(rest)!;
		keys.push(step[1] ?? step[2] ?? step[3]);
		rest = rest.slice(step[0].length);
	}
	return keys;
}

/** No value: the parameter holds an expression other than a plain `$json` read, which n8n must resolve. */
const NEEDS_N8N = Symbol('needs n8n');

/**
 * What reading `keys` from an item's JSON gives, as n8n's `$json` would: through objects only, own keys
 * or missing ones. A step into anything else (a text's length, null, an inherited `toString`) is n8n's.
 */
function readPath(json: unknown, keys: string[]): unknown {
	let current = json;
	for (const key of keys) {
		if (!isPlainObject(current)) return NEEDS_N8N;
		if (!Object.hasOwn(current, key)) return key in current ? NEEDS_N8N : undefined;
		current = current[key];
	}
	return current;
}

/** A raw parameter value with each plain `$json` read replaced by the item's value, or NEEDS_N8N. */
function resolveJsonReads(value: unknown, json: unknown): unknown {
	if (typeof value === 'string') {
		if (!value.startsWith('=')) return value;
		const keys = jsonReadPath(value);
		const read = keys === undefined ? NEEDS_N8N : readPath(json, keys);
		return read === NEEDS_N8N ? read : safeCopy(read);
	}
	if (Array.isArray(value)) {
		const out = value.map((entry) => resolveJsonReads(entry, json));
		return out.includes(NEEDS_N8N) ? NEEDS_N8N : out;
	}
	if (!isPlainObject(value)) return value;
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(value)) {
		const resolved = resolveJsonReads(value[key], json);
		if (resolved === NEEDS_N8N) return NEEDS_N8N;
		out[key] = resolved;
	}
	return out;
}

/** Reads a node parameter for one item. */
export type ParameterReader = (name: string, itemIndex: number, fallback?: unknown) => unknown;

/**
 * Reads parameters per item, but resolves a parameter without expressions only once: it is the
 * same for every item, and n8n's resolution costs more than many an update. A parameter whose
 * expressions are all plain reads of the item (`{{ $json.email }}`, `{{ $json["first name"] }}`,
 * `{{ $json.customer.id }}`) is read from the item directly, giving what n8n's `$json` gives, without
 * the cost of n8n's expression sandbox; any other expression is resolved by n8n, per item.
 */
export function parameterReader(ctx: IExecuteFunctions): ParameterReader {
	const raw = ctx.getNode().parameters;
	const constant = new Map<string, unknown>();
	const items = ctx.getInputData();
	return (name, itemIndex, fallback) => {
		if (constant.has(name)) {
			const value = constant.get(name);
			// Each item gets its own copy, as from n8n: outputs must never share objects.
			return value !== null && typeof value === 'object' ? safeCopy(value) : value;
		}
		if (!name.includes('.') && raw[name] !== undefined && hasExpression(raw[name])) {
			const direct = resolveJsonReads(raw[name], items[itemIndex]?.json);
			if (direct !== NEEDS_N8N) return direct;
		}
		const value = ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType);
		// A dotted name is a path into a parameter (n8n reads it with lodash's get): not looked up here.
		if (!name.includes('.') && !hasExpression(raw[name])) constant.set(name, safeCopy(value));
		return value;
	};
}
