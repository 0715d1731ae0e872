import type { INodeProperties } from 'n8n-workflow';

import type { IdentifyBy, IdentifyChoice } from '../engine/lookup';
import type { ContactProvider } from '../providers/types';
import { IDENTIFY_BY_LABEL, IDENTIFY_BY_LABELS, KIND_NOUNS } from '../vocabulary';

/** What each Identify Contact By option does. */
const IDENTIFY: Record<IdentifyBy, string> = {
	id: "The provider's own ID of the contact",
	email: `Look the contact up by ${KIND_NOUNS.email} (exact, ignoring case)`,
	phone: `Look the contact up by ${KIND_NOUNS.phone} (exact in its digits)`,
	externalId: 'Look the contact up by your own ID for it (exact)',
};

/** Identify Contact By before its options, default and text, which come from the operation. */
const IDENTIFY_BY: INodeProperties = {
	displayName: IDENTIFY_BY_LABEL,
	name: 'identifyBy',
	type: 'options',
	// Like Provider, it decides which parameters are shown; with an expression n8n would show and require them all.
	noDataExpression: true,
	options: [],
	default: 'id',
};

/** What an operation's Identify Contact By says: its choices and the sentence under it. */
interface IdentifyByText {
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
			name: IDENTIFY_BY_LABELS[value],
			value,
			description: value === 'id' ? IDENTIFY.id : `${IDENTIFY[value]}, ${text.then}`,
		})),
		default: group.values[0],
		description: text.description,
		displayOptions: { show: { resource: ['contact'], operation: [text.operation], '/provider': group.providers } },
	}));
}
