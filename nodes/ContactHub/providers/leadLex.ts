import { LeadLexApi } from '../../../credentials/LeadLexApi.credentials';
import { asObject, candidateOf, candidatesFrom, dataWithId, hasNextPage, LOOKUP_PAGE_SIZE, query, str, valuesOf } from './shared';
import { defineProvider } from './table';

/** LeadLex: PATCH /v1/contacts/{id}; notes are appended to the existing notes. */
export const leadLex = defineProvider({
	id: 'leadLex',
	label: 'LeadLex',
	credential: new LeadLexApi(),
	table: {
		fields: {
			name: 'full_name',
			email: 'email',
			phone: 'phone',
			company: 'company_name',
			jobTitle: 'job_title',
			linkedinUrl: 'linkedin_url',
			notes: 'notes',
		},
		answerKey: 'data',
		timestamps: { createdAt: 'created_date', updatedAt: 'updated_date' },
	},
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
		// List items lack notes, tags and custom fields: Get reads the contact by ID after the look-up.
		complete: false,
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
	// POST /v1/contacts: `company`, not `company_name`, and no notes (they follow in an update). Email is
	// "used for duplicate detection"; the page does not show the answer, taken to be a 409 as Raze's.
	create: {
		path: '/v1/contacts',
		fields: {
			name: 'full_name',
			email: 'email',
			phone: 'phone',
			company: 'company',
			jobTitle: 'job_title',
			linkedinUrl: 'linkedin_url',
		},
		readAnswer: dataWithId,
		conflictMeansExists: true,
	},
	// GET /v1/contacts/{id} answers { data: contact }, with `company` and `created_date` where the list says `company_name` and `created_at`.
	read: {
		path: (id) => `/v1/contacts/${id}`,
		readCandidate: (body) => candidateOf(dataWithId(body)?.contact, (contact) => ({ email: valuesOf(contact, 'email') })),
	},
	readExtras: { aliases: { company: 'company', createdAt: 'created_at' } },
	method: 'PATCH',
	path: (id) => `/v1/contacts/${id}`,
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
});
