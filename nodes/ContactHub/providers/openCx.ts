import { OpenCxApi } from '../../../credentials/OpenCxApi.credentials';
import type { ContactProvider } from './types';
import { asObject, blankContact, candidatesFrom, defined, query, str, valuesOf } from './shared';

/** The email pattern of OpenCX's UpdateContactInput schema, verbatim. */
export const OPENCX_EMAIL_PATTERN =
	/^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** OpenCX: PATCH /contacts/{id} with the fields wrapped in `contact`; answers 200 with no body. */
export const openCx: ContactProvider = {
	id: 'openCx',
	label: 'OpenCX',
	credential: new OpenCxApi(),
	fields: ['name', 'email', 'phone', 'customFields', 'httpActionOverrides'],
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
		partial: true,
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
	method: 'PATCH',
	path: (id) => `/contacts/${id}`,
	toBody: (update) => ({
		contact: defined({
			name: update.name,
			email: update.email,
			phone: update.phone,
			custom_data: update.customFields,
			http_action_overrides: update.httpActionOverrides,
		}),
	}),
	// OpenCX answers an update with an empty 200: the fields sent stand in for the contact.
	toContact(_body, id, update) {
		const contact = blankContact('openCx', id);
		contact.name = update.name ?? null;
		contact.email = update.email ?? null;
		contact.phone = update.phone ?? null;
		contact.customFields = update.customFields ?? null;
		return contact;
	},
	readError(body) {
		const error = asObject(body);
		const message = error?.message;
		return {
			code: str(error, 'error') ?? undefined,
			message: Array.isArray(message) ? message.join('; ') : (str(error, 'message') ?? undefined),
		};
	},
	isRepeatSafe: () => true,
};
