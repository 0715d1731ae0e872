import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { findProvider, PROVIDERS } from '../providers/registry';
import type { ContactProvider } from '../providers/types';
import { optionsProperty } from '../description';
import { buildUpdate, FIELD_LABELS, fieldsFromInput, readContactId, readInputKey, type Fail } from './fields';
import { RequestGate } from './gate';
import { parameterReader, type ParameterReader } from './parameters';
import { buildRequest, redactedAuthHeaders } from './request';
import { sendUpdate, type TransportSettings } from './transport';

/** Options read once per execution (from the first item), as they shape the whole run. */
export interface RunSettings extends TransportSettings {
	parallelRequests: number;
	maxRequestsPerMinute: number;
}

/** Defaults of the Options collection, as the node's description declares them. */
export const DEFAULTS = Object.fromEntries(
	(optionsProperty.options as Array<{ name: string; default: unknown }>).map((option) => [option.name, option.default]),
) as { output: string; parallelRequests: number; maxRequestsPerMinute: number; timeout: number; retryOnRateLimit: boolean; maxRetries: number; maxRetryWaitSeconds: number };

function wholeNumber(value: unknown, fallback: number, min: number): number {
	const number = Math.floor(Number(value));
	return Number.isFinite(number) ? Math.max(min, number) : fallback;
}

function nonNegative(value: unknown, fallback: number): number {
	const number = Number(value ?? fallback);
	return Number.isFinite(number) ? Math.max(0, number) : fallback;
}

/** The execution-wide settings from the Options collection. */
export function readRunSettings(options: IDataObject): RunSettings {
	return {
		parallelRequests: wholeNumber(options.parallelRequests, DEFAULTS.parallelRequests, 1),
		maxRequestsPerMinute: wholeNumber(options.maxRequestsPerMinute, DEFAULTS.maxRequestsPerMinute, 0),
		timeoutMs: wholeNumber(options.timeout, DEFAULTS.timeout, 1),
		retryOnRateLimit: options.retryOnRateLimit !== false,
		maxRetries: wholeNumber(options.maxRetries, DEFAULTS.maxRetries, 0),
		maxRetryWaitMs: Math.round(nonNegative(options.maxRetryWaitSeconds, DEFAULTS.maxRetryWaitSeconds) * 1000),
	};
}

function itemSuffix(itemIndex: number): string {
	return ` (item ${itemIndex})`;
}

function resolveProvider(ctx: IExecuteFunctions, param: ParameterReader, itemIndex: number): ContactProvider {
	const value = param('provider', itemIndex);
	const provider = findProvider(value);
	if (!provider) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Unknown provider "${String(value)}"${itemSuffix(itemIndex)}`,
			{ itemIndex, description: `Choose one of: ${PROVIDERS.map((p) => p.id).join(', ')}` },
		);
	}
	return provider;
}

/** What one item asks for: the contact ID and the fields, as given before validation. */
interface ItemInput {
	contactId: unknown;
	fields: IDataObject;
	fail: Fail;
	/** Why nothing is sent when no field has a value. */
	nothingToUpdate: string;
}

function itemInput(
	ctx: IExecuteFunctions,
	param: ParameterReader,
	item: INodeExecutionData,
	itemIndex: number,
	provider: ContactProvider,
): ItemInput {
	const failWith = (describeField: (field: string) => string): Fail => (field, message) => {
		throw new NodeOperationError(ctx.getNode(), `${provider.label}: ${message}${itemSuffix(itemIndex)}`, {
			itemIndex,
			description: describeField(field),
		});
	};
	if (param('mappingMode', itemIndex, 'defineBelow') !== 'autoMapInputData') {
		return {
			contactId: param('contactId', itemIndex),
			fields: param('updateFields', itemIndex, {}) as IDataObject,
			fail: failWith(
				(field) => `Field "${FIELD_LABELS[field as keyof typeof FIELD_LABELS] ?? field}": fix the value in the node or in the incoming item.`,
			),
			nothingToUpdate:
				'Every field in Update Fields is empty for this item, so no request was sent. Add a field, or turn on Send Empty Values to clear fields on purpose.',
		};
	}
	const idKey = String(param('contactIdField', itemIndex, 'id') ?? '').trim();
	const fail = failWith((field) => {
		if (field !== 'contactId') return `Input key "${field}": fix it in the incoming item, or switch Mapping Mode to Map Each Field Below.`;
		return idKey === ''
			? 'Set Contact ID Field to the input key that holds the contact ID, e.g. id.'
			: `Input key "${idKey}" (Contact ID Field): give every item this key, or set Contact ID Field to the key that holds the contact ID.`;
	});
	if (idKey === '') fail('contactId', 'Contact ID Field is empty');
	const json = item.json ?? {};
	const contactId = readInputKey(json, idKey);
	if (contactId === undefined || contactId === null || contactId === '') {
		fail('contactId', `the input item has no value for "${idKey}", the Contact ID Field`);
	}
	return {
		contactId,
		fields: fieldsFromInput(json, provider, idKey),
		fail,
		nothingToUpdate: `No input key with a value matched a ${provider.label} field, so no request was sent. Map Automatically reads these keys: ${provider.fields.join(', ')}.`,
	};
}

async function updateOne(
	ctx: IExecuteFunctions,
	param: ParameterReader,
	item: INodeExecutionData,
	itemIndex: number,
	gate: RequestGate,
	settings: RunSettings,
	credentials: (provider: ContactProvider) => Promise<ICredentialsDecrypted>,
): Promise<INodeExecutionData> {
	const provider = resolveProvider(ctx, param, itemIndex);
	const options = param('options', itemIndex, {}) as IDataObject;
	const input = itemInput(ctx, param, item, itemIndex, provider);
	const contactId = readContactId(input.contactId, input.fail);
	const update = buildUpdate(input.fields, provider, { sendEmptyValues: options.sendEmptyValues === true }, input.fail);
	if (Object.keys(update).length === 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${provider.label}: nothing to update for contact ${contactId}${itemSuffix(itemIndex)}`,
			{ itemIndex, description: input.nothingToUpdate },
		);
	}

	let credential: ICredentialsDecrypted;
	try {
		credential = await credentials(provider);
	} catch (error) {
		// n8n's own text ("Node does not have any credentials set for …") names neither the item nor
		// the provider, which matters when Provider is an expression and items choose different ones.
		throw new NodeOperationError(
			ctx.getNode(),
			`${provider.label}: no usable ${provider.credential.displayName} credential${itemSuffix(itemIndex)}`,
			{
				itemIndex,
				description: `${error instanceof Error ? error.message : String(error)}. Select a ${provider.credential.displayName} credential in the node; when Provider is an expression, select one for every provider the items can choose.`,
			},
		);
	}
	const request = buildRequest(provider, String(credential.data?.baseUrl ?? ''), contactId, update);
	const pairedItem = { item: itemIndex };

	if (options.dryRun === true) {
		return {
			json: {
				dryRun: true,
				provider: provider.id,
				contactId,
				method: request.method,
				url: request.url,
				headers: {
					'Content-Type': 'application/json',
					Accept: 'application/json',
					...(await redactedAuthHeaders(provider.credential)),
				},
				body: request.body,
			},
			pairedItem,
		};
	}

	const result = await sendUpdate(ctx, provider, credential, request, update, contactId, gate, settings);
	if (!result.ok) {
		const { failure } = result;
		// A vendor may echo the key back ("API key wbk_… is revoked"): it never reaches the user.
		const hide = hideSecret(credential.data?.apiKey);
		const details: JsonObject = { provider: provider.id, contactId };
		if (result.body !== undefined) details.response = JSON.parse(hide(JSON.stringify(result.body))) as JsonObject;
		const message = hide(failure.message + itemSuffix(itemIndex));
		const description = hide(failure.description);
		const error = new NodeApiError(ctx.getNode(), details, {
			message,
			description,
			httpCode: failure.httpCode,
			itemIndex,
		});
		// NodeApiError swaps a message containing a Node error code (ECONNRESET, EPERM, …) for a
		// generic text, and a description for any message it finds in the body; ours name the
		// provider, contact and item, so they are set back.
		error.message = message;
		error.description = description;
		throw error;
	}

	const raw = (options.output ?? DEFAULTS.output) === 'raw';
	const json = raw ? rawOutput(result.body) : provider.toContact(result.body, contactId, update);
	return { json: json as IDataObject, pairedItem };
}

/** Replaces every occurrence of a secret in a text with a placeholder. */
export function hideSecret(secret: unknown): (text: string) => string {
	const value = typeof secret === 'string' ? secret.trim() : '';
	// Very short values would match ordinary text; no real key is that short.
	if (value.length < 6) return (text) => text;
	return (text) => text.split(value).join('[API key hidden]');
}

function rawOutput(body: unknown): IDataObject {
	if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as IDataObject;
	return { data: body as IDataObject[string] };
}

function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const message = error instanceof Error ? error.message : String(error);
	const item: INodeExecutionData = { json: { error: message }, pairedItem: { item: itemIndex } };
	// As in n8n's own nodes: the error (with its description) rides on the item, which also lets
	// "Continue (using error output)" route it to the error output.
	if (error instanceof NodeApiError || error instanceof NodeOperationError) item.error = error;
	return item;
}

/**
 * Updates one contact per input item: validate, send (bounded concurrency, throttle, retries),
 * and output one item per input item in input order, or one error item each with Continue On Fail.
 */
export async function updateContacts(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0, 'update');
	if (operation !== 'update') {
		// n8n's editor adds a "Custom API Call" entry to every resource/operation node.
		throw new NodeOperationError(this.getNode(), `Contact Hub cannot run the operation "${String(operation)}"`, {
			description:
				'Contact Hub updates contacts only. For other calls, use an HTTP Request node with "Predefined Credential Type" and your provider\'s credential.',
		});
	}
	const param = parameterReader(this);
	const settings = readRunSettings(param('options', 0, {}) as IDataObject);
	const gate = new RequestGate(settings.maxRequestsPerMinute);
	const results: INodeExecutionData[] = new Array(items.length);
	const fatal: Array<{ itemIndex: number; error: unknown }> = [];

	// One credential fetch per type and execution; n8n's helper would otherwise load and decrypt it per request.
	const credentialCache = new Map<string, Promise<ICredentialsDecrypted>>();
	const credentials = async (provider: ContactProvider) => {
		const type = provider.credential.name;
		if (!credentialCache.has(type)) {
			const reference = this.getNode().credentials?.[type];
			credentialCache.set(
				type,
				this.getCredentials(type).then((data) => ({
					id: reference?.id ?? '',
					name: reference?.name ?? '',
					type,
					data,
				})),
			);
		}
		return await credentialCache.get(type)!;
	};

	let next = 0;
	const worker = async () => {
		while (fatal.length === 0 && next < items.length && !this.getExecutionCancelSignal()?.aborted) {
			const itemIndex = next++;
			try {
				results[itemIndex] = await updateOne(this, param, items[itemIndex], itemIndex, gate, settings, credentials);
			} catch (error) {
				if (this.continueOnFail()) results[itemIndex] = errorItem(error, itemIndex);
				else fatal.push({ itemIndex, error });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(settings.parallelRequests, items.length) }, worker));

	if (this.getExecutionCancelSignal()?.aborted) {
		throw new NodeOperationError(this.getNode(), 'The execution was cancelled; the remaining contacts were not updated');
	}
	if (fatal.length > 0) {
		throw fatal.sort((a, b) => a.itemIndex - b.itemIndex)[0].error;
	}
	return [results];
}
