import type { IDataObject } from 'n8n-workflow';

import { asObject, blankContact, str, text } from './shared';
import {
	FIELD_KINDS,
	type ContactField,
	type ContactProvider,
	type ContactTable,
	type ContactUpdate,
	type NormalizedContact,
	type OutputField,
} from './types';

/** A provider as its module writes it: everything but what its table gives. */
export type ProviderSpec = Omit<ContactProvider, 'fields' | 'toBody' | 'toContact'>;

type OutputValue = NormalizedContact[string];

/** The table's rows, node field and vendor key, in the table's order. */
function rows(table: ContactTable): Array<[ContactField, string]> {
	return Object.entries(table.fields) as Array<[ContactField, string]>;
}

/** One value of a vendor's contact, read as its field's kind says; null when absent or not that kind. */
function readValue(field: OutputField, value: unknown): OutputValue {
	const kind = FIELD_KINDS[field];
	if (kind === 'tags') return Array.isArray(value) ? value.map(String) : null;
	if (kind === 'object') return asObject(value) ?? null;
	return text(value);
}

/** The vendor's request body for an update: the table's keys in its order, omitted fields left out. */
function bodyFrom(table: ContactTable, fields: Array<[ContactField, string]>, update: ContactUpdate): IDataObject {
	const body: IDataObject = {};
	for (const [field, key] of fields) {
		if (update[field] !== undefined) body[key] = update[field] as IDataObject[string];
	}
	return table.bodyKey === undefined ? body : { [table.bodyKey]: body };
}

/** The simplified output from the vendor's answer, with what was sent where the answer is silent. */
function contactFrom(
	providerId: string,
	table: ContactTable,
	fields: Array<[ContactField, string]>,
	body: unknown,
	id: string,
	update: ContactUpdate,
): NormalizedContact {
	const data = table.answerKey === null ? undefined : asObject(asObject(body)?.[table.answerKey]);
	const contact = blankContact(providerId, str(data, 'id') ?? id);
	const out: Record<string, OutputValue> = contact;
	for (const [field, key] of fields) {
		if (FIELD_KINDS[field] === 'overrides') continue;
		const sentStandsIn = table.answerKey === null || table.sentStandsIn?.includes(field) === true;
		const sent = sentStandsIn ? (update[field] ?? null) : null;
		out[field] = readValue(field as OutputField, data?.[key]) ?? (sent as OutputValue);
	}
	if (table.timestamps) {
		contact.createdAt = str(data, table.timestamps.createdAt);
		contact.updatedAt = str(data, table.timestamps.updatedAt);
	}
	return contact;
}

/** A provider from its module's spec: its fields, request body and simplified output all read its table. */
export function defineProvider(spec: ProviderSpec): ContactProvider {
	const { table } = spec;
	const fields = rows(table);
	return {
		...spec,
		fields: fields.map(([field]) => field),
		toBody: (update) => bodyFrom(table, fields, update),
		toContact: (body, id, update) => contactFrom(spec.id, table, fields, body, id, update),
	};
}
