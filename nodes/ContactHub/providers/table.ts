import type { IDataObject } from 'n8n-workflow';

import { asObject, blankContact, str, text } from './shared';
import {
	FIELD_KINDS,
	LOOKUP_KINDS,
	type ContactField,
	type ContactProvider,
	type ContactTable,
	type ContactUpdate,
	type CreateAnswer,
	type LookupKind,
	type NormalizedContact,
	type OutputField,
} from './types';

/** A provider as its module writes it: everything but what its table gives. */
type ProviderSpec = Omit<ContactProvider, 'fields' | 'toBody' | 'toContact' | 'toCreateBody' | 'toCreatedContact' | 'toReadContact'>;

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

/** The create body (the create's keys, wrapped as the update's) and the fields left for the update after it. */
function createBodyFrom(
	spec: ProviderSpec,
	fields: Array<[ContactField, string]>,
	update: ContactUpdate,
	lookedUpBy: LookupKind,
): { body: IDataObject; rest: ContactUpdate } {
	const { create, table } = spec;
	const body: IDataObject = {};
	const rest: ContactUpdate = {};
	for (const [field, value] of Object.entries(update) as Array<[ContactField, ContactUpdate[ContactField]]>) {
		const key = (create.fields ?? table.fields)[field];
		const otherIdentifier = create.oneIdentifier === true && field !== lookedUpBy && (LOOKUP_KINDS as readonly string[]).includes(field);
		if (key === undefined || otherIdentifier) (rest as Record<string, unknown>)[field] = value;
	}
	for (const [field, key] of fields) {
		if (update[field] !== undefined && !Object.hasOwn(rest, field)) body[key] = update[field] as IDataObject[string];
	}
	return { body: table.bodyKey === undefined ? body : { [table.bodyKey]: body }, rest };
}

/** The simplified output of a created contact: the answer's values under the create's keys, what was sent where the answer lacks a key. */
function createdContactFrom(
	spec: ProviderSpec,
	answer: CreateAnswer,
	update: ContactUpdate,
): NormalizedContact {
	const data = answer.contact;
	const contact = blankContact(spec.id, answer.id);
	const out: Record<string, OutputValue> = contact;
	for (const field of Object.keys(FIELD_KINDS) as ContactField[]) {
		const key = spec.create.fields?.[field] ?? spec.table.fields[field];
		if (FIELD_KINDS[field] === 'overrides' || key === undefined) continue;
		out[field] = readValue(field as OutputField, data?.[key]) ?? ((update[field] ?? null) as OutputValue);
	}
	if (spec.table.timestamps && data) {
		contact.createdAt = str(data, spec.table.timestamps.createdAt);
		contact.updatedAt = str(data, spec.table.timestamps.updatedAt);
	}
	return contact;
}

/** The simplified output of a contact object a read or a look-up answered: the table's keys, else their aliases, else its identifiers. */
function readContactFrom(spec: ProviderSpec, fields: Array<[ContactField, string]>, data: IDataObject | undefined, id: string): NormalizedContact {
	const aliases = spec.readExtras?.aliases ?? {};
	const contact = blankContact(spec.id, str(data, 'id') ?? id);
	const out: Record<string, OutputValue> = contact;
	for (const [field, key] of fields) {
		if (FIELD_KINDS[field] === 'overrides') continue;
		const alias = aliases[field as OutputField];
		out[field] = readValue(field as OutputField, data?.[key]) ?? (alias ? readValue(field as OutputField, data?.[alias]) : null);
	}
	const listed = data && spec.readExtras?.identifiers ? spec.readExtras.identifiers(data) : {};
	for (const kind of LOOKUP_KINDS) out[kind] ??= listed[kind]?.[0] ?? null;
	if (spec.table.timestamps) {
		contact.createdAt = str(data, spec.table.timestamps.createdAt) ?? (aliases.createdAt ? str(data, aliases.createdAt) : null);
		contact.updatedAt = str(data, spec.table.timestamps.updatedAt) ?? (aliases.updatedAt ? str(data, aliases.updatedAt) : null);
	}
	return contact;
}

/** A provider from its module's spec: its fields, request body and simplified output all read its table. */
export function defineProvider(spec: ProviderSpec): ContactProvider {
	const { table } = spec;
	const fields = rows(table);
	const createFields = spec.create.fields ? (Object.entries(spec.create.fields) as Array<[ContactField, string]>) : fields;
	return {
		...spec,
		fields: fields.map(([field]) => field),
		toBody: (update) => bodyFrom(table, fields, update),
		toContact: (body, id, update) => contactFrom(spec.id, table, fields, body, id, update),
		toCreateBody: (update, lookedUpBy) => createBodyFrom(spec, createFields, update, lookedUpBy),
		toCreatedContact: (answer, update) => createdContactFrom(spec, answer, update),
		toReadContact: (contact, id) => readContactFrom(spec, fields, contact, id),
	};
}
