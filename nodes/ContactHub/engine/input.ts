import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ContactProvider, LookupKind } from '../providers/types';
import { fieldsFromInput, labelOf as fieldLabel, readInputKey, type Fail } from './fields';
import { FIELD_LABELS, IDENTIFY_BY_LABEL, KIND_WORDS, LOOKUP_VALUE_LABELS } from '../vocabulary';
import { readIdentifyBy, type IdentifyBy, type IdentifyChoice } from './lookup';
import type { ParameterReader } from './parameters';

/** What one item asks for, as given, before its values are validated. */
export interface ItemInput {
	identifyBy: IdentifyBy;
	/** The contact ID (identifyBy `id`) or the value to look up. */
	target: unknown;
	fields: IDataObject;
	/** Refuses a value, naming the item, the provider and where the value came from. */
	fail: Fail;
	/** Why nothing is sent when no field has a value. */
	nothingToUpdate: string;
}

/** The text every error of an item ends with. */
export function itemSuffix(itemIndex: number): string {
	return ` (item ${itemIndex})`;
}

/** A Fail that throws n8n's operation error with the item's suffix and a description per field. */
function failer(ctx: IExecuteFunctions, provider: ContactProvider, itemIndex: number, describeField: (field: string) => string): Fail {
	return (field, message) => {
		throw new NodeOperationError(ctx.getNode(), `${provider.label}: ${message}${itemSuffix(itemIndex)}`, {
			itemIndex,
			description: describeField(field),
		});
	};
}

/** The label of a parameter or field, for "Field "…"" hints. */
function labelFor(field: string, identifyBy: IdentifyBy): string {
	if (field === 'identifyBy') return IDENTIFY_BY_LABEL;
	if (field === 'lookupValue' && identifyBy !== 'id') return LOOKUP_VALUE_LABELS[identifyBy];
	return fieldLabel(field);
}

function identifyByOf(ctx: IExecuteFunctions, param: ParameterReader, itemIndex: number, provider: ContactProvider, choice: IdentifyChoice): IdentifyBy {
	const fail = failer(ctx, provider, itemIndex, () =>
		`Field "${IDENTIFY_BY_LABEL}": choose one the provider offers, in the node or in the expression that sets it.`,
	);
	return readIdentifyBy(param('identifyBy', itemIndex, choice.offered(provider)[0]), provider, fail, choice);
}

/** Map Each Field Below: the target and the Update Fields come from the node's parameters (also Get's target, which has no fields). */
export function readTarget(ctx: IExecuteFunctions, param: ParameterReader, itemIndex: number, provider: ContactProvider, choice: IdentifyChoice): ItemInput {
	const identifyBy = identifyByOf(ctx, param, itemIndex, provider, choice);
	return {
		identifyBy,
		target: param(identifyBy === 'id' ? 'contactId' : 'lookupValue', itemIndex),
		fields: param('updateFields', itemIndex, {}) as IDataObject,
		fail: failer(
			ctx,
			provider,
			itemIndex,
			(field) => `Field "${labelFor(field, identifyBy)}": fix the value in the node or in the incoming item.`,
		),
		nothingToUpdate:
			'Every field in Update Fields is empty for this item, so no request was sent. Add a field, or turn on Send Empty Values to clear fields on purpose.',
	};
}

/** The parameter that names the input key holding the target, its label and default key. */
function keyParameter(identifyBy: IdentifyBy): { name: string; label: string; fallback: string } {
	if (identifyBy === 'id') return { name: 'contactIdField', label: `${FIELD_LABELS.contactId} Field`, fallback: 'id' };
	return { name: 'lookupField', label: `${LOOKUP_VALUE_LABELS[identifyBy as LookupKind]} Field`, fallback: identifyBy };
}

/** Map Automatically: the target and the fields come from the input item's keys. */
function mappedAutomatically(
	ctx: IExecuteFunctions,
	param: ParameterReader,
	item: INodeExecutionData,
	itemIndex: number,
	provider: ContactProvider,
	choice: IdentifyChoice,
): ItemInput {
	const identifyBy = identifyByOf(ctx, param, itemIndex, provider, choice);
	const keyParam = keyParameter(identifyBy);
	const key = String(param(keyParam.name, itemIndex, keyParam.fallback) ?? '').trim();
	const what = identifyBy === 'id' ? 'contact ID' : KIND_WORDS[identifyBy];
	const fail = failer(ctx, provider, itemIndex, (field) => {
		if (field !== 'contactId' && field !== 'lookupValue') {
			return `Input key "${field}": fix it in the incoming item, or switch Mapping Mode to Map Each Field Below.`;
		}
		return key === ''
			? `Set ${keyParam.label} to the input key that holds the ${what}, e.g. ${keyParam.fallback}.`
			: `Input key "${key}" (${keyParam.label}): give every item this key, or set ${keyParam.label} to the key that holds the ${what}.`;
	});
	const targetField = identifyBy === 'id' ? 'contactId' : 'lookupValue';
	if (key === '') fail(targetField, `${keyParam.label} is empty`);
	const json = item.json ?? {};
	const target = readInputKey(json, key);
	if (target === undefined || target === null || target === '') {
		fail(targetField, `the input item has no value for "${key}", the ${keyParam.label}`);
	}
	return {
		identifyBy,
		target,
		fields: fieldsFromInput(json, provider, key),
		fail,
		nothingToUpdate: `No input key with a value matched a ${provider.label} field, so no request was sent. Map Automatically reads these keys: ${provider.fields.join(', ')}.`,
	};
}

/** Reads what one item asks for, in the node's Mapping Mode. */
export function readItemInput(
	ctx: IExecuteFunctions,
	param: ParameterReader,
	item: INodeExecutionData,
	itemIndex: number,
	provider: ContactProvider,
	choice: IdentifyChoice,
): ItemInput {
	return param('mappingMode', itemIndex, 'defineBelow') === 'autoMapInputData'
		? mappedAutomatically(ctx, param, item, itemIndex, provider, choice)
		: readTarget(ctx, param, itemIndex, provider, choice);
}
