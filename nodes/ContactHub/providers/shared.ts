import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../engine/ownKeys';
import { CONTACT_FIELDS, FIELD_KINDS, type Candidate, type CreateAnswer, type NormalizedContact, type OutputField } from './types';

/** Narrows an unknown JSON value to a plain object. */
export function asObject(value: unknown): IDataObject | undefined {
	return isPlainObject(value) ? value : undefined;
}

/** A vendor's value as text, or null when absent. */
export function text(value: unknown): string | null {
	if (value === undefined || value === null) return null;
	return typeof value === 'string' ? value : String(value);
}

/** A string field of a vendor body, or null. */
export function str(source: IDataObject | undefined, key: string): string | null {
	return text(source?.[key]);
}

/** The fields of the simplified output, in its order. */
const OUTPUT_FIELDS = CONTACT_FIELDS.filter((field): field is OutputField => FIELD_KINDS[field] !== 'overrides');

// Built once: a copy of one fixed-shape object is cheap, and every output then has the same shape.
const BLANK_FIELDS = { ...(Object.fromEntries(OUTPUT_FIELDS.map((field) => [field, null])) as Record<OutputField, null>), createdAt: null, updatedAt: null };

/** An empty normalized contact, to fill from a vendor body. */
export function blankContact(provider: string, id: string): NormalizedContact {
	return { provider, id, ...BLANK_FIELDS };
}

/** A create answer of the form { data: { id, … } } (LeadLex, Raze): the contact it made. */
export function dataWithId(body: unknown): CreateAnswer | undefined {
	const contact = asObject(asObject(body)?.data);
	const id = str(contact, 'id');
	return contact && id !== null ? { id, created: true, contact } : undefined;
}

/** The page size of paged look-ups: the largest every paging vendor allows. */
export const LOOKUP_PAGE_SIZE = 100;

/** The values of some keys of a vendor's contact, as look-up candidate values (empty ones left out). */
export function valuesOf(source: IDataObject | undefined, ...keys: string[]): string[] {
	return keys.map((key) => str(source, key)).filter((value): value is string => value !== null && value !== '');
}

/** Pagination as vendors report it, in any of their shapes; missing parts are undefined. */
interface PageInfo {
	page?: unknown;
	totalPages?: unknown;
	total?: unknown;
	perPage?: unknown;
	hasNext?: unknown;
}

function finite(value: unknown): number | undefined {
	if (value === null || value === undefined || value === '') return undefined;
	const number = Number(value);
	return Number.isFinite(number) ? number : undefined;
}

/**
 * Whether another page follows: the vendor's own flag, else its page count, else its total, else a
 * full page (which may be the last: one more request then answers an empty page).
 */
export function hasNextPage(info: PageInfo, received: number, requestedPage: number): boolean {
	if (typeof info.hasNext === 'boolean') return info.hasNext;
	const page = finite(info.page) ?? requestedPage;
	const totalPages = finite(info.totalPages);
	if (totalPages !== undefined) return page < totalPages;
	const total = finite(info.total);
	const perPage = finite(info.perPage) ?? LOOKUP_PAGE_SIZE;
	if (total !== undefined && perPage > 0) return page * perPage < total;
	return received >= LOOKUP_PAGE_SIZE;
}

/** One contact object as a candidate; undefined without an object or an ID. */
export function candidateOf(entry: unknown, values: (contact: IDataObject) => Candidate['values']): Candidate | undefined {
	const contact = asObject(entry);
	const id = str(contact, 'id');
	return contact && id !== null ? { id, values: values(contact), contact } : undefined;
}

/** Look-up candidates from a vendor's list of contacts; entries without an ID are left out. */
export function candidatesFrom(list: unknown[], values: (contact: IDataObject) => Candidate['values']): Candidate[] {
	return list.flatMap((entry) => candidateOf(entry, values) ?? []);
}

/** A query string from plain values, encoded. */
export function query(params: Record<string, string | number>): string {
	return new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)])).toString();
}
