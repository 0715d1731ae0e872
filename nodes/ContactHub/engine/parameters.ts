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

/** Reads one item's value of a parameter from its JSON, or NEEDS_N8N where the item needs n8n after all. */
type JsonRead = (json: unknown) => unknown;

/**
 * A raw parameter value, parsed once, as a reader that fills each plain `$json` read from the item;
 * undefined when the value holds any other expression, which n8n resolves.
 */
function compileJsonReads(value: unknown): JsonRead | undefined {
	if (typeof value === 'string' && value.startsWith('=')) {
		const keys = jsonReadPath(value);
		if (keys === undefined) return undefined;
		return (json) => {
			const read = readPath(json, keys);
			return read === NEEDS_N8N ? read : safeCopy(read);
		};
	}
	if (Array.isArray(value)) {
		const entries = value.map(compileJsonReads);
		if (entries.includes(undefined)) return undefined;
		return (json) => {
			const out = entries.map((entry) => entry!(json));
			return out.includes(NEEDS_N8N) ? NEEDS_N8N : out;
		};
	}
	if (!isPlainObject(value)) return () => value;
	const fields = Object.keys(value).map((key): [string, JsonRead | undefined] => [key, compileJsonReads(value[key])]);
	if (fields.some(([, read]) => read === undefined)) return undefined;
	return (json) => {
		const out: Record<string, unknown> = {};
		for (const [key, read] of fields) {
			const resolved = read!(json);
			if (resolved === NEEDS_N8N) return NEEDS_N8N;
			out[key] = resolved;
		}
		return out;
	};
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
	// Per parameter with expressions, parsed once: its reader from the item, or undefined (n8n's).
	const direct = new Map<string, JsonRead | undefined>();
	const directReader = (name: string): JsonRead | undefined => {
		if (!direct.has(name)) {
			const value = raw[name];
			const readable = !name.includes('.') && value !== undefined && hasExpression(value);
			direct.set(name, readable ? compileJsonReads(value) : undefined);
		}
		return direct.get(name);
	};
	return (name, itemIndex, fallback) => {
		if (constant.has(name)) {
			const value = constant.get(name);
			// Each item gets its own copy, as from n8n: outputs must never share objects.
			return value !== null && typeof value === 'object' ? safeCopy(value) : value;
		}
		const read = directReader(name);
		if (read) {
			const value = read(items[itemIndex]?.json);
			if (value !== NEEDS_N8N) return value;
		}
		const value = ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType);
		// A dotted name is a path into a parameter (n8n reads it with lodash's get): not looked up here.
		if (!name.includes('.') && !hasExpression(raw[name])) constant.set(name, safeCopy(value));
		return value;
	};
}
