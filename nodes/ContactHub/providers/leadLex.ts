import { LeadLexApi } from '../../../credentials/LeadLexApi.credentials';
import type { ContactProvider } from './types';
import { asObject, blankContact, candidatesFrom, defined, hasNextPage, LOOKUP_PAGE_SIZE, query, str, valuesOf } from './shared';

/** LeadLex: PATCH /v1/contacts/{id}; notes are appended to the existing notes. */
export const leadLex: ContactProvider = {
	id: 'leadLex',
	label: 'LeadLex',
	credential: new LeadLexApi(),
	fields: ['name', 'email', 'phone', 'company', 'jobTitle', 'linkedinUrl', 'notes'],
	fieldHints: {
		notes:
			"Appended to the contact's existing notes on a new line; nothing is replaced. Running the same update twice appends the text twice, so updates with notes are never retried once they may have reached LeadLex.",
		phone: 'Phone number with country code, e.g. +1 555 123 4567',
	},
	writePermission: 'write:contacts',
	readPermission: 'read:contacts',
	// GET /v1/contacts?search= matches name or email partially; there is no email or phone filter.
	lookup: {
		by: ['email'],
		partial: true,
		request: (_kind, value, page) => ({
			method: 'GET',
			path: `/v1/contacts?${query({ search: value, per_page: LOOKUP_PAGE_SIZE, page })}`,
		}),
		readPage(body, page) {
			const root = asObject(body);
			const contacts = asObject(root?.data)?.contacts;
			if (!Array.isArray(contacts)) return undefined;
			const meta = asObject(root?.meta);
			return {
				candidates: candidatesFrom(contacts, (contact) => ({ email: valuesOf(contact, 'email') })),
				hasMore: hasNextPage({ page: meta?.page, total: meta?.total, perPage: meta?.per_page }, contacts.length, page),
			};
		},
	},
	method: 'PATCH',
	path: (id) => `/v1/contacts/${id}`,
	toBody: (update) =>
		defined({
			full_name: update.name,
			email: update.email,
			phone: update.phone,
			company_name: update.company,
			job_title: update.jobTitle,
			linkedin_url: update.linkedinUrl,
			notes: update.notes,
		}),
	toContact(body, id) {
		const data = asObject(asObject(body)?.data);
		const contact = blankContact('leadLex', str(data, 'id') ?? id);
		contact.name = str(data, 'full_name');
		contact.email = str(data, 'email');
		contact.phone = str(data, 'phone');
		contact.company = str(data, 'company_name');
		contact.jobTitle = str(data, 'job_title');
		contact.linkedinUrl = str(data, 'linkedin_url');
		contact.notes = str(data, 'notes');
		contact.createdAt = str(data, 'created_date');
		contact.updatedAt = str(data, 'updated_date');
		return contact;
	},
	readError(body) {
		const error = asObject(asObject(body)?.error);
		const fields = asObject(asObject(error?.details)?.fields);
		return {
			code: str(error, 'code') ?? undefined,
			message: str(error, 'message') ?? undefined,
			fields: fields
				? Object.fromEntries(Object.entries(fields).map(([key, why]) => [key, String(why)]))
				: undefined,
		};
	},
	// Notes append: a resend after a lost answer would add them twice.
	isRepeatSafe: (update) => update.notes === undefined,
};
