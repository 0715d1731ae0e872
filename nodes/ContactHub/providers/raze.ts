import { RazeApi } from '../../../credentials/RazeApi.credentials';
import { asObject, candidateOf, candidatesFrom, dataWithId, hasNextPage, LOOKUP_PAGE_SIZE, query, str, valuesOf } from './shared';
import { defineProvider } from './table';

/** Raze: PUT /external/v1/contacts/{id}; tags replace the whole list. */
export const raze = defineProvider({
	id: 'raze',
	label: 'Raze',
	credential: new RazeApi(),
	table: {
		fields: {
			name: 'name',
			email: 'email',
			phone: 'phone',
			company: 'company',
			jobTitle: 'position',
			linkedinUrl: 'linkedin_url',
			tags: 'tags',
			customFields: 'custom_fields',
		},
		answerKey: 'data',
		timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' },
	},
	fieldHints: {
		tags: "Replaces ALL of the contact's tags with this list; tags not listed are removed. Comma-separated, or an array from an expression.",
		customFields: "Sent as the contact's custom fields (key-value pairs).",
	},
	customFieldValues: 'json',
	writePermission: 'contacts:write',
	readPermission: 'contacts:read',
	// GET /external/v1/contacts?email=: the page documents data.contacts with data.pagination; Raze's
	// own code answers data as an array with a top-level pagination, and matches any part of the email.
	lookup: {
		by: ['email'],
		// List items are whole contacts, as the read by ID answers them.
		complete: true,
		request: (_kind, value, page) => ({
			method: 'GET',
			path: `/external/v1/contacts?${query({ email: value, limit: LOOKUP_PAGE_SIZE, page })}`,
		}),
		readPage(body, page) {
			const root = asObject(body);
			const data = root?.data;
			const contacts = Array.isArray(data) ? data : asObject(data)?.contacts;
			if (!Array.isArray(contacts)) return undefined;
			const pagination = asObject(asObject(data)?.pagination) ?? asObject(root?.pagination);
			return {
				candidates: candidatesFrom(contacts, (contact) => ({ email: valuesOf(contact, 'email') })),
				hasMore: hasNextPage(
					{
						page: pagination?.page,
						totalPages: pagination?.total_pages,
						total: pagination?.total,
						perPage: pagination?.limit ?? pagination?.per_page,
						hasNext: pagination?.has_next,
					},
					contacts.length,
					page,
				),
			};
		},
	},
	// POST /external/v1/contacts takes the update's keys; name is required, and 409 ALREADY_EXISTS
	// means a contact with the email exists.
	create: {
		path: '/external/v1/contacts',
		required: ['name'],
		readAnswer: dataWithId,
		conflictMeansExists: true,
	},
	// GET /external/v1/contacts/{id} answers { success, data: contact }.
	read: {
		path: (id) => `/external/v1/contacts/${id}`,
		readCandidate: (body) => candidateOf(dataWithId(body)?.contact, (contact) => ({ email: valuesOf(contact, 'email') })),
	},
	method: 'PUT',
	path: (id) => `/external/v1/contacts/${id}`,
	readError(body) {
		const error = asObject(asObject(body)?.error);
		// null or "" would read as 0 seconds: treat them as not given.
		const retryAfter = error?.retry_after === null || error?.retry_after === '' ? NaN : Number(error?.retry_after);
		const details = asObject(error?.details);
		const message = str(error, 'message') ?? undefined;
		// A validation error names the field it is about: { field: 'email', value: '…' }.
		const field = str(details, 'field');
		const fields = field ? { [field]: message ?? 'invalid' } : undefined;
		return {
			code: str(error, 'code') ?? undefined,
			message,
			fields,
			retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
		};
	},
	// Every field is set, tags and all replaced: a second identical send changes nothing.
	isRepeatSafe: () => true,
});
