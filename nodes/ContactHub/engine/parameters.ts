import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

import { isPlainObject, safeCopy } from './ownKeys';

/** Whether a raw parameter value holds an expression anywhere inside. */
export function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (isPlainObject(value)) return Object.values(value).some(hasExpression);
	return false;
}

/** Reads a node parameter for one item. */
export type ParameterReader = (name: string, itemIndex: number, fallback?: unknown) => unknown;

/**
 * Reads parameters per item, but resolves a parameter without expressions only once: it is the
 * same for every item, and n8n's resolution costs more than many an update.
 */
export function parameterReader(ctx: IExecuteFunctions): ParameterReader {
	const raw = ctx.getNode().parameters;
	const constant = new Map<string, unknown>();
	return (name, itemIndex, fallback) => {
		if (constant.has(name)) {
			const value = constant.get(name);
			// Each item gets its own copy, as from n8n: outputs must never share objects.
			return value !== null && typeof value === 'object' ? safeCopy(value) : value;
		}
		const value = ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType);
		// A dotted name is a path into a parameter (n8n reads it with lodash's get): not looked up here.
		if (!name.includes('.') && !hasExpression(raw[name])) constant.set(name, safeCopy(value));
		return value;
	};
}
