import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { credentialProblem } from '../../../credentials/apiKeyHeader';
import { findProvider, PROVIDERS } from '../providers/registry';
import type { Candidate, ContactProvider, ContactUpdate } from '../providers/types';
import { updateAction, type Failure } from './errors';
import { buildUpdate, readContactId } from './fields';
import type { RequestGate } from './gate';
import { itemSuffix, readItemInput, readTarget, type ItemInput } from './input';
import { findContact, lookedUp, notFoundFailure, readLookupValue, type IdentifyBy, type IdentifyChoice, type LookupQuery } from './lookup';
import type { NewContacts } from './newContacts';
import { isPlainObject } from './ownKeys';
import type { ParameterReader } from './parameters';
import { redactedAuthHeaders, type VendorRequest } from './request';
import { DEFAULTS } from './settings';
import type { TransportSettings } from './policy';
import { sendRequest } from './transport';

/** What every item of one execution shares. */
export interface RunContext {
	ctx: IExecuteFunctions;
	param: ParameterReader;
	gate: RequestGate;
	settings: TransportSettings;
	/** The decrypted credential of a provider, fetched once per execution. */
	credentials: (provider: ContactProvider) => Promise<ICredentialsDecrypted>;
	/** Contacts this execution created, by look-up key, and one queue per key (Create or Update). */
	newContacts: NewContacts;
}

/** One item's validated request: which contact (or how to find it), and the update. */
export interface ItemPlan {
	provider: ContactProvider;
	options: IDataObject;
	itemIndex: number;
	contactId?: string;
	lookup?: LookupQuery;
	identifyBy: IdentifyBy;
	update: ContactUpdate;
}

function resolveProvider(run: RunContext, itemIndex: number): ContactProvider {
	const value = run.param('provider', itemIndex);
	const provider = findProvider(value);
	if (!provider) {
		throw new NodeOperationError(run.ctx.getNode(), `Unknown provider "${String(value)}"${itemSuffix(itemIndex)}`, {
			itemIndex,
			description: `Choose one of: ${PROVIDERS.map((p) => p.id).join(', ')}`,
		});
	}
	return provider;
}

/** Stage 1, before anything is sent: the provider, the target and the update, each value checked. */
export function planItem(run: RunContext, item: INodeExecutionData, itemIndex: number, choice: IdentifyChoice): ItemPlan {
	const provider = resolveProvider(run, itemIndex);
	const input = readItemInput(run.ctx, run.param, item, itemIndex, provider, choice);
	const plan = targetPlan(run, provider, itemIndex, input);
	const { options } = plan;
	plan.update = buildUpdate(input.fields, provider, { sendEmptyValues: options.sendEmptyValues === true }, input.fail);
	if (Object.keys(plan.update).length === 0) {
		const whom = plan.lookup ? `the contact with ${lookedUp(plan.lookup)}` : `contact ${plan.contactId}`;
		throw new NodeOperationError(run.ctx.getNode(), `${provider.label}: nothing to update for ${whom}${itemSuffix(itemIndex)}`, {
			itemIndex,
			description: input.nothingToUpdate,
		});
	}
	return plan;
}

/** The plan's contact: its ID, or the look-up of a checked value. */
function targetPlan(run: RunContext, provider: ContactProvider, itemIndex: number, input: ItemInput): ItemPlan {
	const options = run.param('options', itemIndex, {}) as IDataObject;
	const plan: ItemPlan = { provider, options, itemIndex, identifyBy: input.identifyBy, update: {} };
	if (input.identifyBy === 'id') plan.contactId = readContactId(input.target, input.fail);
	else plan.lookup = readLookupValue(input.identifyBy, input.target, input.fail);
	return plan;
}

/** Stage 1 of a read (Get): the provider and the contact's ID or look-up value, from the node's parameters, checked. */
export function planRead(run: RunContext, itemIndex: number, choice: IdentifyChoice): ItemPlan {
	const provider = resolveProvider(run, itemIndex);
	return targetPlan(run, provider, itemIndex, readTarget(run.ctx, run.param, itemIndex, provider, choice));
}

const credentialChecks = new WeakMap<ICredentialsDecrypted, string | undefined>();

/** The credential's problem, worked out once per credential fetched (once per execution), not per item. */
function checkedOnce(credential: ICredentialsDecrypted): string | undefined {
	if (!credentialChecks.has(credential)) credentialChecks.set(credential, credentialProblem(credential.data ?? {}));
	return credentialChecks.get(credential);
}

/** Stage 2: the provider's credential, checked before anything is sent; errors name the item and the provider. */
export async function credentialFor(run: RunContext, provider: ContactProvider, itemIndex: number): Promise<ICredentialsDecrypted> {
	const type = provider.credential.displayName;
	let credential: ICredentialsDecrypted;
	try {
		credential = await run.credentials(provider);
	} catch (error) {
		// n8n's own text ("Node does not have any credentials set for …") names neither the item nor
		// the provider, which matters when Provider is an expression and items choose different ones.
		throw new NodeOperationError(run.ctx.getNode(), `${provider.label}: no usable ${type} credential${itemSuffix(itemIndex)}`, {
			itemIndex,
			description: `${error instanceof Error ? error.message : String(error)}. Select a ${type} credential in the node; when Provider is an expression, select one for every provider the items can choose.`,
		});
	}
	// A key that cannot be a header would otherwise fail as a network error, and be retried.
	const problem = checkedOnce(credential);
	if (problem) {
		const field = problem.slice(0, problem.indexOf(':'));
		throw new NodeOperationError(run.ctx.getNode(), `${provider.label}: the ${type} credential cannot be used: ${problem}${itemSuffix(itemIndex)}`, {
			itemIndex,
			description: `Open the ${type} credential "${credential.name}" and fix its ${field} field. Nothing was sent.`,
		});
	}
	return credential;
}

/** Replaces every occurrence of a secret in a text with a placeholder. */
function hideSecret(secret: unknown): (text: string) => string {
	const value = typeof secret === 'string' ? secret.trim() : '';
	// Very short values would match ordinary text; no real key is that short.
	if (value.length < 6) return (text) => text;
	return (text) => text.split(value).join('[API key hidden]');
}

/** The credential's key replaced wherever it appears in JSON (a vendor echoing it, an ID equal to it). */
export function withoutKey(credential: ICredentialsDecrypted, json: IDataObject): IDataObject {
	const hide = hideSecret(credential.data?.apiKey);
	const text = JSON.stringify(json);
	const hidden = hide(text);
	return hidden === text ? json : (JSON.parse(hidden) as IDataObject);
}

/** A vendor's failure as n8n's API error, with the key hidden wherever the vendor echoed it. */
export function apiError(
	run: RunContext,
	plan: ItemPlan,
	credential: ICredentialsDecrypted,
	failure: Failure,
	body: unknown,
): NodeApiError {
	const hide = hideSecret(credential.data?.apiKey);
	const details: JsonObject = { provider: plan.provider.id };
	if (plan.contactId !== undefined) details.contactId = plan.contactId;
	if (body !== undefined) details.response = JSON.parse(hide(JSON.stringify(body))) as JsonObject;
	const message = hide(failure.message + itemSuffix(plan.itemIndex));
	const description = hide(failure.description);
	const error = new NodeApiError(run.ctx.getNode(), details, {
		message,
		description,
		httpCode: failure.httpCode,
		itemIndex: plan.itemIndex,
	});
	// NodeApiError swaps a message containing a Node error code (ECONNRESET, EPERM, …) for a
	// generic text, and a description for any message it finds in the body; ours name the
	// provider, contact and item, so they are set back.
	error.message = message;
	error.description = description;
	return error;
}

/** A failure of the node's own (not the vendor's answer) as n8n's operation error, naming the item. */
export function operationError(run: RunContext, plan: ItemPlan, failure: Failure): NodeOperationError {
	return new NodeOperationError(run.ctx.getNode(), failure.message + itemSuffix(plan.itemIndex), {
		itemIndex: plan.itemIndex,
		description: failure.description,
	});
}

/** What the look-up of an item's contact found: the one exact match (as the look-up answered it), or none (with how many matched only partly). */
export type Located = { contactId: string; candidate: Candidate } | { partialMatches: number };

/** The look-up of the item's contact, exact matches only; a failed look-up or two or more matches throw. */
export async function lookUp(run: RunContext, plan: ItemPlan, credential: ICredentialsDecrypted, query: LookupQuery): Promise<Located> {
	const result = await findContact(run.ctx, plan.provider, credential, query, run.gate, run.settings);
	if (result.outcome === 'found') return { contactId: result.contactId, candidate: result.candidate };
	if (result.outcome === 'notFound') return { partialMatches: result.partialMatches };
	throw result.fromVendor ? apiError(run, plan, credential, result.failure, result.body) : operationError(run, plan, result.failure);
}

/** Stage 3, for look-ups: the ID of the one contact that matches exactly, or a skipped item. */
export async function locate(
	run: RunContext,
	plan: ItemPlan,
	credential: ICredentialsDecrypted,
): Promise<{ contactId: string } | { skipped: INodeExecutionData }> {
	if (plan.contactId !== undefined || !plan.lookup) return { contactId: plan.contactId! };
	const located = await lookUp(run, plan, credential, plan.lookup);
	if ('contactId' in located) return { contactId: located.contactId };
	if (plan.options.ifNotFound === 'skip') {
		const json = { notFound: true, provider: plan.provider.id, identifyBy: plan.identifyBy, lookupValue: plan.lookup.given };
		return { skipped: { json, pairedItem: { item: plan.itemIndex } } };
	}
	throw operationError(run, plan, notFoundFailure(plan.provider, plan.lookup, located.partialMatches));
}

/**
 * Stage 5, with Dry Run: the request that would be sent (stage 4, buildRequest), the key shown as a
 * placeholder; `about` says which contact (or that it would be created) and what follows.
 */
export async function dryRunItem(
	plan: ItemPlan,
	credential: ICredentialsDecrypted,
	about: IDataObject,
	request: VendorRequest,
	more: IDataObject = {},
): Promise<INodeExecutionData> {
	const json: IDataObject = { dryRun: true, provider: plan.provider.id, ...about };
	if (plan.lookup) json.lookup = { identifyBy: plan.identifyBy, value: plan.lookup.given };
	Object.assign(json, {
		method: request.method,
		url: request.url,
		headers: {
			'Content-Type': 'application/json',
			Accept: 'application/json',
			...(await redactedAuthHeaders(plan.provider.credential)),
		},
		body: request.body,
		...more,
	});
	return { json: withoutKey(credential, json), pairedItem: { item: plan.itemIndex } };
}

/** Stage 5: the update sent under the retry policy (policy.ts); a failure becomes n8n's API error. */
export async function sendUpdate(
	run: RunContext,
	plan: ItemPlan,
	credential: ICredentialsDecrypted,
	contactId: string,
	request: VendorRequest,
): Promise<unknown> {
	const { provider, update } = plan;
	const send = { request, action: updateAction(provider, contactId), repeatSafe: provider.isRepeatSafe(update) };
	const result = await sendRequest(run.ctx, provider, credential, send, run.gate, run.settings);
	if (!result.ok) throw apiError(run, { ...plan, contactId }, credential, result.failure, result.body);
	return result.body;
}

/** A vendor's answer as an output item's json: an object as it is, anything else under `data`. */
export function rawOutput(body: unknown): IDataObject {
	if (isPlainObject(body)) return body;
	return { data: body as IDataObject[string] };
}

/** Whether the item's output is the vendor's raw answer rather than the simplified contact. */
export function wantsRaw(plan: ItemPlan): boolean {
	return (plan.options.output ?? DEFAULTS.output) === 'raw';
}

/** Stage 6: the output item, simplified or the vendor's raw answer (the key hidden wherever it was echoed). */
export function shapeOutput(plan: ItemPlan, credential: ICredentialsDecrypted, contactId: string, body: unknown): INodeExecutionData {
	const json = wantsRaw(plan) ? withoutKey(credential, rawOutput(body)) : plan.provider.toContact(body, contactId, plan.update);
	return { json: json as IDataObject, pairedItem: { item: plan.itemIndex } };
}
