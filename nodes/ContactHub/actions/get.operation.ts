import type { ICredentialsDecrypted, IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { normalizeBaseUrl } from '../../../credentials/apiKeyHeader';
import { readAction } from '../engine/errors';
import { apiError, credentialFor, lookUp, operationError, planRead, rawOutput, wantsRaw, withoutKey, type ItemPlan, type RunContext } from '../engine/item';
import { BY_ID_WHERE_READ, notFoundFailure } from '../engine/lookup';
import { encodeContactId } from '../engine/request';
import { sendRequest } from '../engine/transport';
import { LOOKUP_KINDS, type ContactProvider, type LookupKind } from '../providers/types';
import { FIELD_LABELS, LOOKUP_VALUE_LABELS } from '../vocabulary';
import { identifyByProperties } from './identify';
import type { ContactOperation, ItemResult } from './operation';
import { optionsProperty } from './options';

const SHOW = { resource: ['contact'], operation: ['get'] };

/** The look-up value of each kind, worded for a read. */
const LOOKUP_VALUE: Record<LookupKind, Pick<INodeProperties, 'placeholder' | 'description'>> = {
	email: { placeholder: 'name@email.com', description: 'The email address of the contact to get. Only a contact with exactly this email (ignoring case) is output.' },
	phone: { placeholder: '+1 415 555 0123', description: 'The phone number of the contact to get, with country code. Compared by its digits.' },
	externalId: { placeholder: 'crm-1001', description: 'Your own ID of the contact to get (Bland AI external_id). Only an exact match is output.' },
};

/** The options Get shares with the writing operations; Dry Run and Send Empty Values have nothing to do in a read. */
const SHARED_OPTIONS = ['maxRequestsPerMinute', 'maxRetries', 'maxRetryWaitSeconds', 'output', 'parallelRequests', 'retryOnRateLimit', 'timeout'];

/** Get's If Not Found: also for a contact ID that the vendor does not know. */
const IF_NOT_FOUND: INodeProperties = {
	displayName: 'If Not Found',
	name: 'ifNotFound',
	type: 'options',
	options: [
		{ name: 'Error', value: 'error', description: 'Fail the item, naming the ID or what was looked up' },
		{
			name: 'Skip',
			value: 'skip',
			description: 'Output { notFound: true, provider, identifyBy } with the contactId or lookupValue, and go on',
		},
	],
	default: 'error',
	description: 'What to do when the provider has no contact with this ID, or none matches the look-up exactly',
};

/** Get's Options: its own collection, as Get has no Dry Run or Send Empty Values and If Not Found applies to IDs too. */
const OPTIONS: INodeProperties = {
	...optionsProperty,
	displayOptions: { show: SHOW },
	options: [
		...(optionsProperty.options as INodeProperties[]).filter((option) => SHARED_OPTIONS.includes(option.name)),
		IF_NOT_FOUND,
	].sort((a, b) => a.displayName.localeCompare(b.displayName)),
};

function properties(providers: readonly ContactProvider[]): INodeProperties[] {
	return [
		...identifyByProperties(providers, {
			operation: 'get',
			choice: BY_ID_WHERE_READ,
			then: 'then get it',
			description: 'How to find the contact. By email, phone or external ID, the node looks the contact up and outputs it only if exactly one contact matches.',
		}),
		{
			displayName: FIELD_LABELS.contactId,
			name: 'contactId',
			type: 'string',
			required: true,
			default: '',
			displayOptions: { show: { ...SHOW, identifyBy: ['id'] } },
			description: "The provider's ID of the contact to get, e.g. from an earlier node",
		},
		...LOOKUP_KINDS.map(
			(kind): INodeProperties => ({
				displayName: LOOKUP_VALUE_LABELS[kind],
				name: 'lookupValue',
				type: 'string',
				required: true,
				default: '',
				...LOOKUP_VALUE[kind],
				displayOptions: { show: { ...SHOW, identifyBy: [kind] } },
			}),
		),
	];
}

/** A read's outcome: the contact and the answer to output as Raw, or a 404. */
type Read = { contact: IDataObject | undefined; raw: unknown; id: string } | { notFound: true };

/** Reads one contact by ID (GET); a 404 is "not found", other failures end the item. */
async function readById(run: RunContext, plan: ItemPlan, credential: ICredentialsDecrypted, contactId: string): Promise<Read> {
	const { provider } = plan;
	const read = provider.read!;
	const request = { method: 'GET' as const, url: normalizeBaseUrl(credential.data?.baseUrl) + read.path(encodeContactId(contactId)) };
	const result = await sendRequest(run.ctx, provider, credential, { request, action: readAction(provider, contactId) }, run.gate, run.settings);
	if (!result.ok && result.status === 404) return { notFound: true };
	if (!result.ok) throw apiError(run, { ...plan, contactId }, credential, result.failure, result.body);
	const candidate = read.readCandidate(result.body);
	if (!candidate) {
		throw operationError(run, plan, {
			message: `${provider.label} answered the read of contact ${contactId} with a body Contact Hub cannot read`,
			description: `This is not the answer ${provider.label} documents; check the credential's Base URL.`,
		});
	}
	return { contact: candidate.contact, raw: result.body, id: candidate.id };
}

/** By ID: the read, or "not found" for a 404. */
async function getById(run: RunContext, plan: ItemPlan, credential: ICredentialsDecrypted): Promise<Read> {
	const contactId = plan.contactId!;
	const read = await readById(run, plan, credential, contactId);
	if ('notFound' in read && plan.options.ifNotFound !== 'skip') throw notFoundById(run, plan, contactId);
	return read;
}

/** The 404 of a read by ID as the item's error: the provider, the ID and the item. */
function notFoundById(run: RunContext, plan: ItemPlan, contactId: string): Error {
	return operationError(run, { ...plan, contactId }, {
		message: `${plan.provider.label} has no contact with ID "${contactId}"`,
		description: `Check the Contact ID: it must be the ${plan.provider.label} ID of an existing contact, not a name or an email. Or set Options → If Not Found to Skip to pass such items on.`,
	});
}

/** By a look-up: the one exact match, read by ID after it where the look-up's answer lacks fields a read gives. */
async function getByLookup(run: RunContext, plan: ItemPlan, credential: ICredentialsDecrypted): Promise<Read> {
	const query = plan.lookup!;
	const located = await lookUp(run, plan, credential, query);
	if (!('contactId' in located)) {
		if (plan.options.ifNotFound === 'skip') return { notFound: true };
		throw operationError(run, plan, notFoundFailure(plan.provider, query, located.partialMatches, ''));
	}
	const { provider } = plan;
	if (provider.read && provider.lookup.complete !== true) {
		const read = await readById(run, plan, credential, located.contactId);
		// Gone between the look-up and the read: as not found.
		if ('notFound' in read && plan.options.ifNotFound !== 'skip') throw notFoundById(run, plan, located.contactId);
		return read;
	}
	return { contact: located.candidate.contact, raw: located.candidate.contact, id: located.contactId };
}

/** The item for a contact not found, with If Not Found set to Skip. */
function skipped(plan: ItemPlan): INodeExecutionData {
	const json: IDataObject = { notFound: true, provider: plan.provider.id, identifyBy: plan.identifyBy };
	if (plan.lookup) json.lookupValue = plan.lookup.given;
	else json.contactId = plan.contactId;
	return { json, pairedItem: { item: plan.itemIndex } };
}

/**
 * One item: plan (the ID or the look-up value, checked) → credential → read by ID, or look up (and
 * read by ID where the look-up's answer is partial) → the contact, simplified or raw. Only reads.
 */
async function execute(run: RunContext, _item: INodeExecutionData, itemIndex: number): Promise<ItemResult> {
	const plan = planRead(run, itemIndex, BY_ID_WHERE_READ);
	const credential = await credentialFor(run, plan.provider, itemIndex);
	const read = plan.contactId !== undefined ? await getById(run, plan, credential) : await getByLookup(run, plan, credential);
	if ('notFound' in read) return { item: skipped(plan), outcome: 'skipped' };
	const json = wantsRaw(plan) ? withoutKey(credential, rawOutput(read.raw)) : withoutKey(credential, plan.provider.toReadContact(read.contact, read.id));
	return { item: { json, pairedItem: { item: itemIndex } }, outcome: 'read' };
}

/** Get: read one contact by its ID or by a look-up, in the node's one contact shape. */
export const get: ContactOperation = {
	option: { name: 'Get', value: 'get', description: 'Get a contact', action: 'Get a contact' },
	subtitle: 'Get',
	properties,
	options: () => OPTIONS,
	execute,
	rerunHint: 'Running the items again is safe: Get only reads.',
};
