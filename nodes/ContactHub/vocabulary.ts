import type { ContactField, LookupKind } from './providers/types';

/**
 * Every word the user sees for a field, an Identify Contact By choice and a look-up value, written
 * once: the editor's labels, the notices and the error messages all read them here.
 */

/** The label of each field (and of the contact ID), as the editor shows it. */
export const FIELD_LABELS: Record<ContactField | 'contactId', string> = {
	contactId: 'Contact ID',
	name: 'Name',
	email: 'Email',
	phone: 'Phone',
	company: 'Company',
	jobTitle: 'Job Title',
	linkedinUrl: 'LinkedIn URL',
	externalId: 'External ID',
	notes: 'Notes',
	tags: 'Tags',
	customFields: 'Custom Fields',
	httpActionOverrides: 'HTTP Action Overrides',
};

/** The Identify Contact By parameter's label. */
export const IDENTIFY_BY_LABEL = 'Identify Contact By';

/** The Identify Contact By options, as the editor labels them. */
export const IDENTIFY_BY_LABELS: Record<'id' | LookupKind, string> = {
	id: FIELD_LABELS.contactId,
	email: FIELD_LABELS.email,
	phone: FIELD_LABELS.phone,
	externalId: FIELD_LABELS.externalId,
};

/** The parameter a look-up value is entered in, as the editor labels it; " Field" follows for the input key (Map Automatically). */
export const LOOKUP_VALUE_LABELS: Record<LookupKind, string> = {
	email: 'Contact Email',
	phone: 'Contact Phone',
	externalId: 'Contact External ID',
};

/** Each look-up kind inside a sentence: "no contact with email …". */
export const KIND_WORDS: Record<LookupKind, string> = { email: 'email', phone: 'phone', externalId: 'external ID' };

/** Each look-up kind as a thing held: "the input key that holds the email address". */
export const KIND_NOUNS: Record<LookupKind, string> = { email: 'email address', phone: 'phone number', externalId: 'external ID' };
