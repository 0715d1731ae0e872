import { BlandAiApi } from '../../../credentials/BlandAiApi.credentials';
import type { Candidate, ContactProvider, LookupKind } from './types';
import { asObject, blankContact, defined, str } from './shared';

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
export const blandAi: ContactProvider = {
	id: 'blandAi',
	label: 'Bland AI',
	credential: new BlandAiApi(),
	fields: ['name', 'email', 'externalId', 'customFields'],
	fieldHints: {
		customFields:
			"Sent as the contact's metadata. Bland AI merges it key by key: new keys are added, existing keys are overwritten, keys you leave out stay as they are.",
	},
	customFieldValues: 'json',
	// POST /v1/contacts/find answers one contact or `data: null`; matching rules are not documented.
	lookup: {
		by: ['email', 'phone', 'externalId'],
		partial: true,
		request: (kind, value) => ({ method: 'POST', path: '/v1/contacts/find', body: { [IDENTIFIER[kind]]: value } }),
		readPage(body) {
			const root = asObject(body);
			if (!root || !('data' in root)) return undefined;
			if (root.data === null) return { candidates: [], hasMore: false };
			const data = asObject(root.data);
			const id = str(data, 'id');
			if (id === null) return undefined;
			return { candidates: [{ id, values: identifierValues(data?.identifiers) }], hasMore: false };
		},
	},
	method: 'PATCH',
	path: (id) => `/v1/contacts/${id}`,
	toBody: (update) =>
		defined({
			name: update.name,
			email: update.email,
			external_id: update.externalId,
			metadata: update.customFields,
		}),
	// Bland's documented answer has no email or external_id: the values just sent stand in.
	toContact(body, id, update) {
		const data = asObject(asObject(body)?.data);
		const contact = blankContact('blandAi', str(data, 'id') ?? id);
		contact.name = str(data, 'name');
		contact.email = str(data, 'email') ?? update.email ?? null;
		contact.externalId = str(data, 'external_id') ?? update.externalId ?? null;
		contact.customFields = asObject(data?.metadata) ?? null;
		contact.createdAt = str(data, 'created_at');
		contact.updatedAt = str(data, 'updated_at');
		return contact;
	},
	readError(body) {
		const errors = asObject(body)?.errors;
		const first = Array.isArray(errors) ? asObject(errors[0]) : undefined;
		return { code: str(first, 'error') ?? undefined, message: str(first, 'message') ?? undefined };
	},
	// Metadata merges and the other fields overwrite, so a second identical send changes nothing.
	isRepeatSafe: () => true,
};
