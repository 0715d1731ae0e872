import { BlandAiApi } from '../../../credentials/BlandAiApi.credentials';
import { asObject, str } from './shared';
import { defineProvider } from './table';
import type { Candidate, LookupKind } from './types';

/** Bland's identifier types and find-body keys for each look-up kind. */
const IDENTIFIER: Record<LookupKind, string> = { email: 'email', phone: 'phone_number', externalId: 'external_id' };

/** A found contact's identifiers, by kind: the node checks the value it asked for is among them. */
function identifierValues(identifiers: unknown): Candidate['values'] {
	const values: Candidate['values'] = {};
	for (const entry of Array.isArray(identifiers) ? identifiers : []) {
		const identifier = asObject(entry);
		const kind = (Object.keys(IDENTIFIER) as LookupKind[]).find((k) => IDENTIFIER[k] === identifier?.identifier_type);
		const value = str(identifier, 'identifier_value');
		if (kind && value !== null) values[kind] = [...(values[kind] ?? []), value];
	}
	return values;
}

/** Bland AI: PATCH /v1/contacts/{id}; name, email, external_id and metadata (merged server-side). */
export const blandAi = defineProvider({
	id: 'blandAi',
	label: 'Bland AI',
	credential: new BlandAiApi(),
	table: {
		fields: { name: 'name', email: 'email', externalId: 'external_id', customFields: 'metadata' },
		answerKey: 'data',
		// Bland's documented answer has no email or external_id.
		sentStandsIn: ['email', 'externalId'],
		timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' },
	},
	fieldHints: {
		customFields:
			"Sent as the contact's metadata. Bland AI merges it key by key: new keys are added, existing keys are overwritten, keys you leave out stay as they are.",
	},
	customFieldValues: 'json',
	// POST /v1/contacts/find answers one contact or `data: null`; matching rules are not documented.
	lookup: {
		by: ['email', 'phone', 'externalId'],
		// find answers the whole contact, identifiers and memories, as the read by ID does.
		complete: true,
		request: (kind, value) => ({ method: 'POST', path: '/v1/contacts/find', body: { [IDENTIFIER[kind]]: value } }),
		readPage(body) {
			const root = asObject(body);
			if (!root || !('data' in root)) return undefined;
			if (root.data === null) return { candidates: [], hasMore: false };
			const data = asObject(root.data);
			const id = str(data, 'id');
			if (id === null) return undefined;
			return { candidates: [{ id, values: identifierValues(data?.identifiers), contact: data }], hasMore: false };
		},
	},
	// POST /v1/contacts/resolve finds or creates, by the identifier looked up by; its answer lists no identifiers.
	create: {
		path: '/v1/contacts/resolve',
		fields: { phone: 'phone_number', email: 'email', externalId: 'external_id', name: 'name', customFields: 'metadata' },
		oneIdentifier: true,
		readAnswer(body) {
			const data = asObject(asObject(body)?.data);
			const contact = asObject(data?.contact);
			const id = str(contact, 'id');
			if (!contact || id === null) return undefined;
			// Anything but an explicit true is checked as an existing contact: never updated unseen.
			return { id, created: data?.created === true, contact };
		},
		conflictMeansExists: false,
	},
	// GET /v1/contacts/{id} lists the contact's identifiers.
	read: {
		path: (id) => `/v1/contacts/${id}`,
		readCandidate(body) {
			const data = asObject(asObject(body)?.data);
			const id = str(data, 'id');
			return id === null ? undefined : { id, values: identifierValues(data?.identifiers), contact: data };
		},
	},
	// The documented contact lists its email, phone and external ID as identifiers.
	readExtras: { identifiers: (contact) => identifierValues(contact.identifiers) },
	method: 'PATCH',
	path: (id) => `/v1/contacts/${id}`,
	readError(body) {
		const errors = asObject(body)?.errors;
		const first = Array.isArray(errors) ? asObject(errors[0]) : undefined;
		return { code: str(first, 'error') ?? undefined, message: str(first, 'message') ?? undefined };
	},
	// Metadata merges and the other fields overwrite, so a second identical send changes nothing.
	isRepeatSafe: () => true,
});
