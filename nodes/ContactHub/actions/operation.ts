import type { INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { RunContext } from '../engine/item';
import type { Outcome } from '../engine/summary';
import type { ContactProvider } from '../providers/types';

/** What one item came to: its output item and what became of it, for the run's report. */
export interface ItemResult {
	item: INodeExecutionData;
	outcome: Outcome;
}

/** One operation of the node: its entry in the Operation list, its own parameters, and what it does to one item. */
export interface ContactOperation {
	/** The Operation option; `value` is the public contract. */
	option: INodePropertyOptions & { value: string; action: string };
	/** The subtitle's verb: "Update" gives "Update contact in LeadLex". */
	subtitle: string;
	/** The parameters only this operation shows (the shared ones are in description.ts). */
	properties(providers: readonly ContactProvider[]): INodeProperties[];
	/** Its own Options collection, where the shared one does not fit it; shown last. */
	options?(): INodeProperties;
	/** One item, validated, sent and shaped into its output item. */
	execute(run: RunContext, item: INodeExecutionData, itemIndex: number): Promise<ItemResult>;
	/** What the stop report tells about running the items again. */
	rerunHint: string;
}
