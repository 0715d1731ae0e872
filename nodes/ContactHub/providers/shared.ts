import type { IDataObject } from 'n8n-workflow';

import type { NormalizedContact } from './types';

/** Narrows an unknown JSON value to a plain object. */
export function asObject(value: unknown): IDataObject | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

/** A string field of a vendor body, or null. */
export function str(source: IDataObject | undefined, key: string): string | null {
	const value = source?.[key];
	if (value === undefined || value === null) return null;
	return typeof value === 'string' ? value : String(value);
}

/** An empty normalized contact, to fill from a vendor body. */
export function blankContact(provider: string, id: string): NormalizedContact {
	return {
		provider,
		id,
		name: null,
		email: null,
		phone: null,
		company: null,
		jobTitle: null,
		linkedinUrl: null,
		externalId: null,
		tags: null,
		customFields: null,
		notes: null,
		createdAt: null,
		updatedAt: null,
	};
}

/** Copies only the defined entries, so omitted fields never reach the vendor. */
export function defined(entries: Record<string, unknown>): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(entries)) {
		if (value !== undefined) out[key] = value as IDataObject[string];
	}
	return out;
}
