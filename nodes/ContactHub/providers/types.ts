import type { ICredentialType, IDataObject } from 'n8n-workflow';

/**
 * The fields of Update Contact and their kinds: one vocabulary, mapped to each vendor's names by its
 * provider's table. The order is the simplified output's order; `overrides` fields are sent, never output.
 */
export const FIELD_KINDS = {
	name: 'text',
	email: 'text',
	phone: 'text',
	company: 'text',
	jobTitle: 'text',
	linkedinUrl: 'text',
	externalId: 'text',
	tags: 'tags',
	customFields: 'object',
	notes: 'text',
	httpActionOverrides: 'overrides',
} as const;

export type ContactField = keyof typeof FIELD_KINDS;

/** Every field of Update Contact, in the vocabulary's order. */
export const CONTACT_FIELDS = Object.keys(FIELD_KINDS) as readonly ContactField[];

/** OpenCX's per-contact HTTP action overrides; every map is string to string. */
export interface HttpActionOverrides {
	query_params?: Record<string, string>;
	path_params?: Record<string, string>;
	body_params?: Record<string, string>;
	headers?: Record<string, string>;
}

/** The value each kind of field holds once validated. */
interface KindValues {
	text: string;
	tags: string[];
	object: IDataObject;
	overrides: HttpActionOverrides;
}

/** The value a field holds once validated. */
type FieldValue<F extends ContactField> = KindValues[(typeof FIELD_KINDS)[F]];

/** The fields the simplified output shows: every field but the ones only sent. */
export type OutputField = { [F in ContactField]: (typeof FIELD_KINDS)[F] extends 'overrides' ? never : F }[ContactField];

/** A validated update in the node's vocabulary: only the fields to send are present. */
export type ContactUpdate = { [F in ContactField]?: FieldValue<F> };

type OutputFields = { [F in OutputField]: FieldValue<F> | null };

/** The simplified output: the same shape whatever the provider. */
export interface NormalizedContact extends OutputFields {
	[key: string]: string | string[] | IDataObject | null;
	provider: string;
	id: string;
	createdAt: string | null;
	updatedAt: string | null;
}

/** What a provider can read out of a vendor's error body. */
interface VendorError {
	code?: string;
	message?: string;
	fields?: Record<string, string>;
	/** Seconds the vendor asks to wait, when it says so in the body (Raze). */
	retryAfterSeconds?: number;
}

/** How custom field values must look for a vendor. */
type CustomFieldValues = 'json' | 'strings';

/** What a contact can be found by, besides its ID: the `identifyBy` values other than `id` (public contract). */
export const LOOKUP_KINDS = ['email', 'phone', 'externalId'] as const;

export type LookupKind = (typeof LOOKUP_KINDS)[number];

/** One request of a look-up, relative to the credential's base URL (the query already encoded). */
interface LookupRequest {
	method: 'GET' | 'POST';
	path: string;
	body?: IDataObject;
}

/** A contact a look-up answered, with every value it holds of each kind (Bland lists several identifiers). */
export interface Candidate {
	id: string;
	values: Partial<Record<LookupKind, string[]>>;
	/** The contact object as the look-up answered it. */
	contact?: IDataObject;
}

/** One answer of a look-up: its candidates, partial matches included, and whether a next page exists. */
interface LookupPage {
	candidates: Candidate[];
	hasMore: boolean;
}

/** How a vendor finds contacts by an identifier other than its ID, as its pages document it. */
interface ContactLookup {
	/** The kinds this vendor documents a look-up for. */
	by: readonly LookupKind[];
	/** The request for one page (from 1) of a look-up of `value`, already normalised (E.164 for phones). */
	request(kind: LookupKind, value: string, page: number): LookupRequest;
	/** Reads the answer to page `page`; `undefined` when the body is not the documented shape. */
	readPage(body: unknown, page: number): LookupPage | undefined;
	/** Kinds searched again with the value as the user wrote it when the normalised one finds nothing (full-text search). */
	searchAsGiven?: readonly LookupKind[];
	/** Whether a look-up's answer holds the contact as fully as a read by ID does, so Get needs no read after it. */
	complete?: boolean;
}

/** What a vendor's create answered: the contact's ID, whether the vendor made it, and the contact object if it sent one. */
export interface CreateAnswer {
	id: string;
	/** False where a find-or-create (Bland AI's resolve) matched an existing contact instead. */
	created: boolean;
	contact?: IDataObject;
}

/** How a vendor creates a contact, as its create page documents it. */
interface ContactCreate {
	/** The create's path, relative to the credential's base URL (always a POST). */
	path: string;
	/** Node field → the create body's key, in body order; fields not listed go in one update right after the create. Default: the update's table. */
	fields?: Partial<Record<ContactField, string>>;
	/** Of the look-up kinds' fields, only the one looked up by is sent (Bland AI's resolve matches by them); the rest follow in the update. */
	oneIdentifier?: boolean;
	/** Fields the vendor requires on create: an item without them fails before the create is sent. */
	required?: readonly ContactField[];
	/** Reads the success answer; undefined when it is not the documented shape. */
	readAnswer(body: unknown): CreateAnswer | undefined;
	/** Whether a 409 means a contact with this value exists already (look it up again and update it). */
	conflictMeansExists: boolean;
}

/** How a vendor reads one contact by its ID (GET), as its pages document it. */
interface ContactRead {
	/** The read path for an already percent-encoded contact ID, relative to the credential's base URL. */
	path(encodedId: string): string;
	/** The contact from the answer, with its identifiers, to check it carries a value and to output it; undefined when unreadable. */
	readCandidate(body: unknown): Candidate | undefined;
}

/** What a simplified output reads beyond the table's keys: keys some answers use instead, and identifiers listed apart. */
interface ReadExtras {
	/** Another key the same value comes under in some answers (LeadLex's list: `company_name`, its get: `company`). */
	aliases?: Partial<Record<OutputField | 'createdAt' | 'updatedAt', string>>;
	/** Values the contact lists apart from its fields (Bland AI's identifiers), for the keys the fields leave empty. */
	identifiers?(contact: IDataObject): Candidate['values'];
}

/** A vendor's contact as data: its names for the node's fields and where its bodies keep them. */
export interface ContactTable {
	/** Node field → the vendor's key, in the order the request body lists them. */
	fields: Partial<Record<ContactField, string>>;
	/** The key the vendor wants the request body wrapped in (OpenCX: `contact`). */
	bodyKey?: string;
	/** The key of the success answer that holds the contact; null where the vendor answers nothing, so what was sent stands in. */
	answerKey: string | null;
	/** Fields the answer may lack: the value sent stands in (Bland's documented answer has no email or external_id). */
	sentStandsIn?: readonly ContactField[];
	/** The vendor's keys for when the contact was created and last updated. */
	timestamps?: { createdAt: string; updatedAt: string };
}

/** One vendor: its fields, how an update becomes a request, and how its answers read. */
export interface ContactProvider {
	/** The value of the node's `provider` parameter (public contract). */
	id: string;
	/** The vendor's name as users know it. */
	label: string;
	/** The credential this provider authenticates with; its `name` is the credential type (public contract). */
	credential: ICredentialType;
	/** The vendor's field table, which `fields`, `toBody` and `toContact` are built from. */
	table: ContactTable;
	/** The fields this vendor accepts on update: its table's, in its order (the UI lists them alphabetically). */
	fields: readonly ContactField[];
	/** Vendor semantics shown in a field's description, where they differ from the default. */
	fieldHints?: Partial<Record<ContactField, string>>;
	/** Custom field values: any JSON, or strings only. */
	customFieldValues?: CustomFieldValues;
	/** A vendor-specific email rule; others get the node's general check. */
	emailPattern?: RegExp;
	/** The permission or scope an update needs, for the 403 hint. */
	writePermission?: string;
	/** The permission or scope a look-up needs, for the 403 hint. */
	readPermission?: string;
	/** Finding a contact by email, phone or external ID. */
	lookup: ContactLookup;
	method: 'PATCH' | 'PUT';
	/** The update path for an already percent-encoded contact ID, relative to the credential's base URL. */
	path(encodedId: string): string;
	/** The vendor's request body for an update. */
	toBody(update: ContactUpdate): IDataObject;
	/** The simplified output from the vendor's success body (or from what was sent, where the vendor answers nothing). */
	toContact(body: unknown, id: string, update: ContactUpdate): NormalizedContact;
	/** Creating a contact (Create or Update). */
	create: ContactCreate;
	/** Reading one contact by ID, where the vendor documents it. */
	read?: ContactRead;
	/** How a read contact's answer differs from the update's (Get). */
	readExtras?: ReadExtras;
	/** The simplified output from a contact object as a read or a look-up answered it. */
	toReadContact(contact: IDataObject | undefined, id: string): NormalizedContact;
	/** The create body for a validated update, and the fields the create does not take (sent in one update after it). */
	toCreateBody(update: ContactUpdate, lookedUpBy: LookupKind): { body: IDataObject; rest: ContactUpdate };
	/** The simplified output from a create's answer: the answer's values, what was sent where it is silent. */
	toCreatedContact(answer: CreateAnswer, update: ContactUpdate): NormalizedContact;
	/** Reads the vendor's error envelope. */
	readError(body: unknown): VendorError;
	/** Whether resending the same update after a lost answer leaves the contact as one send would. */
	isRepeatSafe(update: ContactUpdate): boolean;
}
