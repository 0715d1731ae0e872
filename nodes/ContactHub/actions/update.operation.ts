import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { credentialFor, dryRunItem, locate, planItem, sendUpdate, shapeOutput, type RunContext } from '../engine/item';
import { BY_ID_OR_LOOKUP } from '../engine/lookup';
import { buildRequest } from '../engine/request';
import type { ContactProvider } from '../providers/types';
import { FIELD_LABELS } from '../vocabulary';
import { identifyByProperties } from './identify';
import type { ContactOperation, ItemResult } from './operation';

const SHOW = { resource: ['contact'], operation: ['update'] };

/** The contact ID, as an input key (Map Automatically) or a value (Map Each Field Below). */
const CONTACT_ID_PROPERTIES: INodeProperties[] = [
	{
		displayName: `${FIELD_LABELS.contactId} Field`,
		name: 'contactIdField',
		type: 'string',
		required: true,
		default: 'id',
		displayOptions: { show: { mappingMode: ['autoMapInputData'], ...SHOW, identifyBy: ['id'] } },
		description: 'The input key that holds the ID of the contact to update. A dot reads a key inside an object, e.g. customer.contactId.',
	},
	{
		displayName: FIELD_LABELS.contactId,
		name: 'contactId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { mappingMode: ['defineBelow'], ...SHOW, identifyBy: ['id'] } },
		description: "The provider's ID of the contact to update, e.g. from an earlier node",
	},
];

function properties(providers: readonly ContactProvider[]): INodeProperties[] {
	return [
		...identifyByProperties(providers, {
			operation: 'update',
			choice: BY_ID_OR_LOOKUP,
			then: 'then update it',
			description:
				'How to find the contact to update. By email, phone or external ID, the node looks the contact up first and updates it only if exactly one contact matches.',
		}),
		...CONTACT_ID_PROPERTIES,
	];
}

/**
 * One item through the pipeline: plan (read input, build the update) → credential → locate (a
 * look-up) → build the request → dry run, or send → shape the output.
 */
async function execute(run: RunContext, item: INodeExecutionData, itemIndex: number): Promise<ItemResult> {
	const plan = planItem(run, item, itemIndex, BY_ID_OR_LOOKUP);
	const credential = await credentialFor(run, plan.provider, itemIndex);
	const located = await locate(run, plan, credential);
	if ('skipped' in located) return { item: located.skipped, outcome: 'skipped' };
	const { contactId } = located;
	const request = buildRequest(plan.provider, String(credential.data?.baseUrl ?? ''), contactId, plan.update);
	if (plan.options.dryRun === true) return { item: await dryRunItem(plan, credential, { contactId }, request), outcome: 'checked' };
	const body = await sendUpdate(run, plan, credential, contactId, request);
	return { item: shapeOutput(plan, credential, contactId, body), outcome: 'updated' };
}

/** Update: set fields of one existing contact, found by its ID or by a look-up. */
export const update: ContactOperation = {
	option: { name: 'Update', value: 'update', description: 'Update a contact', action: 'Update a contact' },
	subtitle: 'Update',
	properties,
	execute,
	rerunHint:
		'Run again only the items not updated: a re-run repeats the updates already made (harmless for fields it sets; LeadLex appends Notes again).',
};
