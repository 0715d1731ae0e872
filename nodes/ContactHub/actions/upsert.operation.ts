import type { ICredentialsDecrypted, IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { normalizeBaseUrl } from '../../../credentials/apiKeyHeader';
import { backoffMs, withJitter } from '../engine/retry';
import { addDescription, createAction, excerpt, readAction, type Failure } from '../engine/errors';
import { labelOf } from '../engine/fields';
import {
	apiError,
	credentialFor,
	dryRunItem,
	lookUp,
	operationError,
	planItem,
	rawOutput,
	sendUpdate,
	shapeOutput,
	wantsRaw,
	withoutKey,
	type ItemPlan,
	type Located,
	type RunContext,
} from '../engine/item';
import { BY_LOOKUP, lookedUp, matchesExactly, type LookupQuery } from '../engine/lookup';
import { NewContacts } from '../engine/newContacts';
import type { SendResult } from '../engine/policy';
import { buildRequest, encodeContactId, type VendorRequest } from '../engine/request';
import { sendRequest } from '../engine/transport';
import { Cancelled, wait } from '../engine/wait';
import type { ContactProvider, ContactUpdate, CreateAnswer } from '../providers/types';
import { KIND_WORDS } from '../vocabulary';
import { identifyByProperties } from './identify';
import type { ContactOperation, ItemResult } from './operation';

function properties(providers: readonly ContactProvider[]): INodeProperties[] {
	return identifyByProperties(providers, {
		operation: 'upsert',
		choice: BY_LOOKUP,
		then: 'then update it, or create it if none matches',
		description:
			'How to find the contact. If exactly one contact matches it is updated; if none matches it is created, with this value; if several match, the item fails and nothing changes.',
	});
}

/** One item of Create or Update: what it needs between its stages. */
interface Upsert {
	run: RunContext;
	plan: ItemPlan;
	credential: ICredentialsDecrypted;
	query: LookupQuery;
	/** Items with the same key are the same contact (NewContacts.keyOf). */
	key: string;
	baseUrl: string;
}

/**
 * One item: plan → credential → (in turn with the items of the same look-up value) the contact an
 * earlier item created, or the look-up → update the one match, or create it when none matches.
 */
async function execute(run: RunContext, item: INodeExecutionData, itemIndex: number): Promise<ItemResult> {
	const plan = planItem(run, item, itemIndex, BY_LOOKUP);
	const credential = await credentialFor(run, plan.provider, itemIndex);
	const query = plan.lookup!;
	const key = NewContacts.keyOf(plan.provider.id, query);
	const upsert: Upsert = { run, plan, credential, query, key, baseUrl: normalizeBaseUrl(credential.data?.baseUrl) };
	return await run.newContacts.inTurn(key, async () => await createOrUpdate(upsert));
}

async function createOrUpdate(upsert: Upsert): Promise<ItemResult> {
	const { run, plan, credential, query, key } = upsert;
	// An earlier item created it: the vendor's look-up may not list it yet, so it is not asked again.
	const known = plan.options.dryRun === true ? undefined : run.newContacts.contactFor(key);
	if (known !== undefined) return await updateFound(upsert, known, false);
	const located = await lookUp(run, plan, credential, query);
	if ('contactId' in located) return await updateFound(upsert, located.contactId, false);
	return await createNew(upsert);
}

/**
 * Updates the one matching contact with the item's fields; `created` says this item's create made it,
 * and then what the create sent stands in where the vendor's answer is silent.
 */
async function updateFound(upsert: Upsert, contactId: string, created: boolean): Promise<ItemResult> {
	const { run, credential } = upsert;
	const plan = created ? { ...upsert.plan, update: newContactFields(upsert.plan, upsert.query) } : upsert.plan;
	const request = buildRequest(plan.provider, upsert.baseUrl, contactId, upsert.plan.update);
	if (plan.options.dryRun === true) {
		return { item: await dryRunItem(plan, credential, { action: 'update', contactId }, request), outcome: 'checked' };
	}
	const body = await sendUpdate(run, upsert.plan, credential, contactId, request);
	return { item: withCreated(plan, shapeOutput(plan, credential, contactId, body), created), outcome: created ? 'created' : 'updated' };
}

/** Simplified output says whether the node created the contact; Raw stays the vendor's answer. */
function withCreated(plan: ItemPlan, item: INodeExecutionData, created: boolean): INodeExecutionData {
	if (!wantsRaw(plan)) item.json.created = created;
	return item;
}

/** The item's fields, with the value looked up by written into the new contact unless the fields set it. */
function newContactFields(plan: ItemPlan, query: LookupQuery): ContactUpdate {
	return plan.update[query.kind] === undefined ? { ...plan.update, [query.kind]: query.sent } : plan.update;
}

/** A field the vendor requires on create and the item lacks fails the item before the create is sent. */
function checkRequired(upsert: Upsert, fields: ContactUpdate): void {
	const { provider } = upsert.plan;
	for (const field of provider.create.required ?? []) {
		const value = fields[field];
		if (value !== undefined && value !== '') continue;
		const label = labelOf(field);
		throw operationError(upsert.run, upsert.plan, {
			message: `${provider.label}: ${label} is required to create a contact, and no contact has ${lookedUp(upsert.query)}; nothing was created`,
			description: `Field "${label}": ${provider.label} creates a contact only with a ${label}. Add ${label} to the fields (Update Fields, or an input key "${field}" with Map Automatically).`,
		});
	}
}

/** What one create request came to. */
type CreateOutcome =
	| { kind: 'answered'; answer: CreateAnswer; body: unknown }
	| { kind: 'exists'; result: Extract<SendResult, { ok: false }> }
	| { kind: 'lost'; result: Extract<SendResult, { ok: false }> };

/** Sends the create once; a failure that is neither a duplicate nor a lost answer ends the item. */
async function createOnce(upsert: Upsert, request: VendorRequest): Promise<CreateOutcome> {
	const { run, plan, credential, query } = upsert;
	const { provider } = plan;
	const send = { request, action: createAction(provider, lookedUp(query)) };
	const result = await sendRequest(run.ctx, provider, credential, send, run.gate, run.settings);
	if (result.ok) {
		const answer = provider.create.readAnswer(result.body);
		if (answer) return { kind: 'answered', answer, body: result.body };
		// A 2xx without the contact's ID: the contact may exist, which a look-up can tell.
		return { kind: 'lost', result: { ok: false, failure: unreadableCreate(provider, upsert.query, result.body), body: result.body } };
	}
	if (result.status === 409 && provider.create.conflictMeansExists) return { kind: 'exists', result };
	if (result.lost) return { kind: 'lost', result };
	throw apiError(run, plan, credential, result.failure, result.body);
}

function unreadableCreate(provider: ContactProvider, query: LookupQuery, body: unknown): Failure {
	return {
		message: `${provider.label} answered the create of the contact with ${lookedUp(query)} without the contact's ID`,
		description: `The answer began: "${excerpt(JSON.stringify(body))}". This is not the answer ${provider.label} documents; check the credential's Base URL.`,
	};
}

/**
 * Creates the contact as the vendor documents it. A create is never repeated blindly: after a lost
 * answer the node looks the contact up again and creates it only if it is still absent; a duplicate
 * refusal (409) means it exists now, so it is looked up and updated.
 */
async function createNew(upsert: Upsert): Promise<ItemResult> {
	const { run, plan, query } = upsert;
	const { provider } = plan;
	const fields = newContactFields(plan, query);
	checkRequired(upsert, fields);
	const { body, rest } = provider.toCreateBody(fields, query.kind);
	const request: VendorRequest = { method: 'POST', url: upsert.baseUrl + provider.create.path, body };
	if (plan.options.dryRun === true) return { item: await dryRunCreate(upsert, request, rest), outcome: 'checked' };
	for (let attempt = 0; ; attempt++) {
		const outcome = await createOnce(upsert, request);
		if (outcome.kind === 'answered') return await afterCreate(upsert, fields, rest, outcome);
		if (outcome.kind === 'exists') return await existsNow(upsert, outcome.result);
		const again = await maybeCreated(async () => {
			const located = await lookUpAfterLostCreate(upsert, attempt + 1);
			if ('contactId' in located) {
				run.newContacts.remember(upsert.key, located.contactId);
				return await updateFound(upsert, located.contactId, true);
			}
			if (attempt >= run.settings.maxRetries) throw notCreatedAgain(upsert, outcome.result, attempt + 1);
			await wait(Math.min(withJitter(backoffMs(attempt)), run.settings.maxRetryWaitMs), run.ctx.getExecutionCancelSignal());
			return undefined;
		});
		if (again) return again;
	}
}

/** Runs what follows a create whose answer was lost: a cancel then reports the item as possibly created. */
async function maybeCreated<T>(task: () => Promise<T>): Promise<T> {
	return await task().catch(async (error: unknown) => await Promise.reject(error instanceof Cancelled ? new Cancelled(true, 'create') : error));
}

/** Adds `text` to a failure's description; a cancel (which the run reports on its own) and a non-Error pass unchanged. */
function explained(error: unknown, text: string): unknown {
	return error instanceof Error && !(error instanceof Cancelled) ? addDescription(error, text) : error;
}

/** "once", "2 times": how often a create was sent. */
const sentTimes = (creates: number): string => (creates === 1 ? 'once' : `${creates} times`);

/** The look-up after a create without a clear answer; its failure says the contact may have been created. */
async function lookUpAfterLostCreate(upsert: Upsert, creates: number): Promise<Located> {
	const { run, plan, credential, query } = upsert;
	return await lookUp(run, plan, credential, query).catch(async (error: unknown) => await Promise.reject(mayHaveBeenCreated(error, plan.provider, creates)));
}

/** A failure after a create without a clear answer: the contact may exist now. */
function mayHaveBeenCreated(error: unknown, provider: ContactProvider, creates: number): unknown {
	return explained(
		error,
		`The create was sent ${sentTimes(creates)} without an answer that says whether it was applied, and this look-up after it failed, so ${provider.label} may have created the contact. Check ${provider.label} before running the item again.`,
	);
}

/** The lost create's failure, once the look-ups after it never found the contact. */
function notCreatedAgain(upsert: Upsert, result: Extract<SendResult, { ok: false }>, creates: number): Error {
	const error = apiError(upsert.run, upsert.plan, upsert.credential, result.failure, result.body);
	const word = KIND_WORDS[upsert.query.kind];
	return addDescription(
		error,
		`The create was sent ${sentTimes(creates)}, each time without an answer that says whether it was applied; after each, Contact Hub looked the contact up again by its ${word} and did not find it, so it was not created twice. Check ${upsert.plan.provider.label} before running the item again.`,
	);
}

/** A dry run's create: the request, and the update that would follow it for the fields the create does not take. */
async function dryRunCreate(upsert: Upsert, request: VendorRequest, rest: ContactUpdate): Promise<INodeExecutionData> {
	const { plan, credential } = upsert;
	const { provider } = plan;
	const more: IDataObject = {};
	if (Object.keys(rest).length > 0) {
		more.then = { method: provider.method, url: upsert.baseUrl + provider.path('{id}'), body: provider.toBody(rest) };
	}
	return await dryRunItem(plan, credential, { action: 'create', contactId: null }, request, more);
}

/** After the vendor answered the create: check a contact it found (Bland AI), or send the fields the create does not take. */
async function afterCreate(
	upsert: Upsert,
	fields: ContactUpdate,
	rest: ContactUpdate,
	{ answer, body }: Extract<CreateOutcome, { kind: 'answered' }>,
): Promise<ItemResult> {
	const { run, plan, credential } = upsert;
	if (!answer.created) return await checkExisting(upsert, answer.id);
	run.newContacts.remember(upsert.key, answer.id);
	if (Object.keys(rest).length === 0) {
		const json = wantsRaw(plan)
			? withoutKey(credential, rawOutput(body))
			: { ...plan.provider.toCreatedContact(answer, fields), created: true };
		return { item: { json: json as IDataObject, pairedItem: { item: plan.itemIndex } }, outcome: 'created' };
	}
	const after = { ...plan, update: rest };
	const request = buildRequest(plan.provider, upsert.baseUrl, answer.id, rest);
	let updated: unknown;
	try {
		updated = await sendUpdate(run, after, credential, answer.id, request);
	} catch (error) {
		throw createdButNotUpdated(error, plan.provider, answer.id, rest);
	}
	const output = shapeOutput({ ...plan, update: fields }, credential, answer.id, updated);
	return { item: withCreated(plan, output, true), outcome: 'created' };
}

/** The update after a create failed: the contact exists, without the fields that update carried. */
function createdButNotUpdated(error: unknown, provider: ContactProvider, contactId: string, rest: ContactUpdate): unknown {
	const names = Object.keys(rest).map(labelOf).join(', ');
	return explained(
		error,
		`${provider.label} created the contact (ID ${contactId}), but not ${names}: ${provider.label}'s create does not take them, and this update after it failed. Running the item again finds the contact and updates it.`,
	);
}

/**
 * A find-or-create answered an existing contact (Bland AI's resolve): its matching is not documented,
 * so the contact is read by ID and updated only if it carries exactly the value looked up by.
 */
async function checkExisting(upsert: Upsert, contactId: string): Promise<ItemResult> {
	const { run, plan, credential, query } = upsert;
	const { provider } = plan;
	const read = provider.read;
	let carries = false;
	if (read) {
		const request: VendorRequest = { method: 'GET', url: upsert.baseUrl + read.path(encodeContactId(contactId)) };
		const result = await sendRequest(run.ctx, provider, credential, { request, action: readAction(provider, contactId) }, run.gate, run.settings);
		if (!result.ok) throw apiError(run, plan, credential, result.failure, result.body);
		const candidate = read.readCandidate(result.body);
		carries = candidate !== undefined && matchesExactly(candidate, query);
	}
	if (!carries) {
		throw operationError(run, plan, {
			message: `${provider.label} answered the create of the contact with ${lookedUp(query)} with an existing contact (${contactId}) that does not have that ${KIND_WORDS[query.kind]}; nothing was created or updated`,
			description: `${provider.label} matched a contact loosely. Contact Hub updates a contact only when it carries exactly the value looked up by. Check the contacts in ${provider.label}, or identify the contact another way.`,
		});
	}
	run.newContacts.remember(upsert.key, contactId);
	return await updateFound(upsert, contactId, false);
}

/** The vendor refused the create as a duplicate (409): the contact appeared since the look-up, so it is found and updated. */
async function existsNow(upsert: Upsert, refused: Extract<SendResult, { ok: false }>): Promise<ItemResult> {
	const { run, plan, credential, query } = upsert;
	const located = await lookUp(run, plan, credential, query);
	if ('contactId' in located) {
		// The items after this one with the same value update it without asking the look-up again.
		run.newContacts.remember(upsert.key, located.contactId);
		return await updateFound(upsert, located.contactId, false);
	}
	const error = apiError(run, plan, credential, refused.failure, refused.body);
	error.description = `${plan.provider.label} says a contact with this ${KIND_WORDS[query.kind]} exists, but its look-up finds none that has exactly ${lookedUp(query)}; nothing was created or updated. The contact may be in another workspace, or stored with a different spelling.`;
	throw error;
}

/** Create or Update: update the one contact that matches the look-up, or create it when none does. */
export const upsert: ContactOperation = {
	option: {
		name: 'Create or Update',
		value: 'upsert',
		description: 'Create a new record, or update the current one if it already exists (upsert)',
		action: 'Create or update a contact',
	},
	subtitle: 'Create or update',
	properties,
	execute,
	rerunHint:
		'Running the items again is safe for contacts already created: each is found by its look-up value and updated, not created twice (LeadLex appends Notes again).',
};
