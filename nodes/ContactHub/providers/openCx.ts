import { OpenCxApi } from '../../../credentials/OpenCxApi.credentials';
import { asObject, candidatesFrom, query, str, valuesOf } from './shared';
import { defineProvider } from './table';

/** The email pattern of OpenCX's UpdateContactInput schema, verbatim. */
export const OPENCX_EMAIL_PATTERN =
	/^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** OpenCX: PATCH /contacts/{id} with the fields wrapped in `contact`; answers 200 with no body. */
export const openCx = defineProvider({
	id: 'openCx',
	label: 'OpenCX',
	credential: new OpenCxApi(),
	table: {
		fields: {
			name: 'name',
			email: 'email',
			phone: 'phone',
			customFields: 'custom_data',
			httpActionOverrides: 'http_action_overrides',
		},
		bodyKey: 'contact',
		// OpenCX answers an update with an empty 200.
		answerKey: null,
	},
	fieldHints: {
		customFields:
			"Sent as the contact's custom data. OpenCX stores text only: numbers and true/false are sent as text, nested objects are refused.",
	},
	customFieldValues: 'strings',
	emailPattern: OPENCX_EMAIL_PATTERN,
	writePermission: 'contacts:write',
	readPermission: 'contacts:read',
	// GET /chat/sessions/search?q= is full text over name, email and phone; it has no paging.
	lookup: {
		by: ['email', 'phone'],
		// OpenCX documents no read by ID: the search's contact (id, name, email, phone) is all Get can have.
		complete: true,
		// Full text finds "+1 (415) 555-0123" by its words, not by "+14155550123".
		searchAsGiven: ['phone'],
		request: (_kind, value) => ({ method: 'GET', path: `/chat/sessions/search?${query({ q: value })}` }),
		readPage(body) {
			const contacts = asObject(body)?.contacts;
			if (!Array.isArray(contacts)) return undefined;
			return {
				candidates: candidatesFrom(contacts, (contact) => ({
					email: valuesOf(contact, 'email'),
					phone: valuesOf(contact, 'phone'),
				})),
				hasMore: false,
			};
		},
	},
	// POST /contacts with { contact } answers 201 { id }; HTTP action overrides are not a create field.
	create: {
		path: '/contacts',
		fields: { name: 'name', email: 'email', phone: 'phone', customFields: 'custom_data' },
		readAnswer(body) {
			const id = str(asObject(body), 'id');
			return id === null ? undefined : { id, created: true };
		},
		conflictMeansExists: false,
	},
	method: 'PATCH',
	path: (id) => `/contacts/${id}`,
	readError(body) {
		const error = asObject(body);
		const message = error?.message;
		return {
			code: str(error, 'error') ?? undefined,
			message: Array.isArray(message) ? message.join('; ') : (str(error, 'message') ?? undefined),
		};
	},
	isRepeatSafe: () => true,
});
