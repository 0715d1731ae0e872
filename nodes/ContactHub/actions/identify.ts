import type { INodeProperties } from 'n8n-workflow';

import type { IdentifyBy, IdentifyChoice } from '../engine/lookup';
import type { ContactProvider } from '../providers/types';

/** Identify Contact By's options: label and what each does. */
const IDENTIFY: Record<IdentifyBy, { name: string; description: string }> = {
	id: { name: 'Contact ID', description: "The provider's own ID of the contact" },
	email: { name: 'Email', description: 'Look the contact up by email address (exact, ignoring case)' },
	phone: { name: 'Phone', description: 'Look the contact up by phone number (exact in its digits)' },
	externalId: { name: 'External ID', description: 'Look the contact up by your own ID for it (exact)' },
};

/** Identify Contact By before its options, default and text, which come from the operation. */
const IDENTIFY_BY: INodeProperties = {
	displayName: 'Identify Contact By',
	name: 'identifyBy',
	type: 'options',
	// Like Provider, it decides which parameters are shown; with an expression n8n would show and require them all.
	noDataExpression: true,
	options: [],
	default: 'id',
};

/** What an operation's Identify Contact By says: its choices and the sentence under it. */
export interface IdentifyByText {
	operation: string;
	choice: IdentifyChoice;
	/** Appended to each look-up option's description: "then update it". */
	then: string;
	description: string;
}

/**
 * Identify Contact By for one operation, once per group of providers that offer the same choices:
 * n8n cannot hide single options, so each provider sees only what its vendor documents.
 */
export function identifyByProperties(providers: readonly ContactProvider[], text: IdentifyByText): INodeProperties[] {
	const groups = new Map<string, { values: IdentifyBy[]; providers: string[] }>();
	for (const provider of providers) {
		const values = text.choice.offered(provider);
		const group = groups.get(values.join(',')) ?? { values, providers: [] };
		group.providers.push(provider.id);
		groups.set(values.join(','), group);
	}
	return [...groups.values()].map((group) => ({
		...IDENTIFY_BY,
		options: group.values.map((value) => ({
			name: IDENTIFY[value].name,
			value,
			description: value === 'id' ? IDENTIFY.id.description : `${IDENTIFY[value].description}, ${text.then}`,
		})),
		default: group.values[0],
		description: text.description,
		displayOptions: { show: { resource: ['contact'], operation: [text.operation], '/provider': group.providers } },
	}));
}
