import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { describeReset, VendorLimitReached } from '../engine/budget';
import { addDescription } from '../engine/errors';
import { RequestGate } from '../engine/gate';
import type { RunContext } from '../engine/item';
import { NewContacts } from '../engine/newContacts';
import { parameterReader } from '../engine/parameters';
import { readRunSettings } from '../engine/settings';
import { summarize, type Outcome } from '../engine/summary';
import { Cancelled } from '../engine/wait';
import { findProvider } from '../providers/registry';
import type { ContactProvider } from '../providers/types';
import { findOperation } from './index';
import type { ContactOperation } from './operation';

function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const message = error instanceof Error ? error.message : String(error);
	const item: INodeExecutionData = { json: { error: message }, pairedItem: { item: itemIndex } };
	// As in n8n's own nodes: the error (with its description) rides on the item, which also lets
	// "Continue (using error output)" route it to the error output.
	if (error instanceof NodeApiError || error instanceof NodeOperationError) item.error = error;
	return item;
}

/** One credential fetch per type and execution; n8n's helper would otherwise load and decrypt it per request. */
function credentialCache(ctx: IExecuteFunctions): RunContext['credentials'] {
	const cache = new Map<string, Promise<ICredentialsDecrypted>>();
	return async (provider: ContactProvider) => {
		const type = provider.credential.name;
		if (!cache.has(type)) {
			const reference = ctx.getNode().credentials?.[type];
			cache.set(
				type,
				ctx.getCredentials(type).then((data) => ({ id: reference?.id ?? '', name: reference?.name ?? '', type, data })),
			);
		}
		return await cache.get(type)!;
	};
}

/**
 * Runs the chosen operation on every input item (bounded concurrency, throttle, retries, cancel) and
 * outputs one item per input item in input order, or one error item each with Continue On Fail.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const value = this.getNodeParameter('operation', 0, 'update');
	const operation = findOperation(value);
	if (!operation) {
		// n8n's editor adds a "Custom API Call" entry to every resource/operation node.
		throw new NodeOperationError(this.getNode(), `Contact Hub cannot run the operation "${String(value)}"`, {
			description:
				'Contact Hub creates, updates and reads contacts. For other calls, use an HTTP Request node with "Predefined Credential Type" and your provider\'s credential.',
		});
	}
	const param = parameterReader(this);
	const settings = readRunSettings(param('options', 0, {}) as IDataObject, (message, description) => {
		throw new NodeOperationError(this.getNode(), message, { description });
	});
	// Items started so far: the gate estimates the requests still to come from them, and does not stretch a budget that covers those.
	const progress = { started: 0 };
	const run: RunContext = {
		ctx: this,
		param,
		gate: new RequestGate({
			maxPerMinute: settings.maxRequestsPerMinute,
			maxWaitMs: settings.maxRetryWaitMs,
			items: () => ({ started: progress.started, left: items.length - progress.started }),
		}),
		settings,
		credentials: credentialCache(this),
		newContacts: new NewContacts(),
	};
	const { results, outcomes, fatal, limit } = await runItems(run, operation, items, settings.parallelRequests, progress);
	if (this.getExecutionCancelSignal()?.aborted) throw cancelledError(this, operation, outcomes, items.length);
	if (fatal) throw withSummary(fatal, operation, outcomes, items.length);
	if (limit) reportLimit(run, limit, results, outcomes);
	return [results];
}

/** What a run produced: an output per finished item, each item's outcome, the first fatal error, a limit met. */
interface RunOutput {
	results: INodeExecutionData[];
	outcomes: Array<Outcome | undefined>;
	fatal?: Error;
	/** A vendor limit that returns later than Max Retry Wait: what was left is not sent. */
	limit?: { resetAt: number; label: string };
}

/** What a cancel reports of an item it stopped: possibly applied only when a write of it was sent. */
function cancelledOutcome(error: Cancelled): Outcome | undefined {
	if (!error.mayHaveApplied) return undefined;
	return error.kind === 'create' ? 'maybeCreated' : 'unknown';
}

/**
 * Runs the items with bounded concurrency. A failure without Continue On Fail, or a cancel, stops
 * new items from starting; those in flight finish, so the report can say what each one did.
 */
async function runItems(
	run: RunContext,
	operation: ContactOperation,
	items: INodeExecutionData[],
	parallel: number,
	progress: { started: number },
): Promise<RunOutput> {
	const { ctx } = run;
	const output: RunOutput = { results: new Array(items.length), outcomes: new Array(items.length) };
	const failures: Array<{ itemIndex: number; error: Error }> = [];
	let next = 0;
	const worker = async () => {
		while (failures.length === 0 && !output.limit && next < items.length && !ctx.getExecutionCancelSignal()?.aborted) {
			const itemIndex = next++;
			progress.started = next;
			try {
				const done = await operation.execute(run, items[itemIndex], itemIndex);
				output.results[itemIndex] = done.item;
				output.outcomes[itemIndex] = done.outcome;
			} catch (error) {
				if (error instanceof Cancelled) {
					output.outcomes[itemIndex] = cancelledOutcome(error);
				} else if (error instanceof VendorLimitReached) {
					output.limit ??= { resetAt: error.resetAt, label: findProvider(run.param('provider', itemIndex))?.label ?? 'The vendor' };
				} else if (ctx.continueOnFail()) {
					output.results[itemIndex] = errorItem(error, itemIndex);
					output.outcomes[itemIndex] = 'failed';
				} else {
					output.outcomes[itemIndex] = 'failed';
					failures.push({ itemIndex, error: error instanceof Error ? error : new Error(String(error)) });
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
	output.fatal = failures.sort((a, b) => a.itemIndex - b.itemIndex)[0]?.error;
	return output;
}

/** The first failure, with every item accounted for when there was more than one. */
function withSummary(error: Error, operation: ContactOperation, outcomes: Array<Outcome | undefined>, total: number): Error {
	if (total < 2) return error;
	const summary = summarize(outcomes, total);
	error.message = `${error.message} — ${summary}`;
	return addDescription(error, `The run stopped at this error. Of ${total} items: ${summary}. ${operation.rerunHint}`);
}

/**
 * A vendor limit hours away: every item not updated is reported as not sent because of it, as
 * error items with Continue On Fail, or as one error that says the same.
 */
function reportLimit(run: RunContext, limit: { resetAt: number; label: string }, results: INodeExecutionData[], outcomes: Array<Outcome | undefined>): void {
	const { ctx } = run;
	const total = results.length;
	for (let index = 0; index < total; index++) if (outcomes[index] === undefined) outcomes[index] = 'limited';
	const updated = outcomes.filter((outcome) => outcome === 'updated' || outcome === 'created').length;
	const reset = describeReset(limit.resetAt);
	const description =
		`${limit.label} says its rate limit returns later than Max Retry Wait (${run.settings.maxRetryWaitMs / 1000} s), so Contact Hub stopped sending at once. ` +
		`${updated} of ${total} items were updated before. Run the rest after ${reset}, or raise Max Retry Wait to wait for it.`;
	if (!ctx.continueOnFail()) {
		throw new NodeOperationError(ctx.getNode(), `${limit.label} rate limit: used up until ${reset} — ${summarize(outcomes, total)}`, { description });
	}
	for (let index = 0; index < total; index++) {
		if (outcomes[index] !== 'limited') continue;
		const error = new NodeOperationError(ctx.getNode(), `${limit.label} rate limit: not sent, the limit is used up until ${reset} (item ${index})`, {
			itemIndex: index,
			description,
		});
		results[index] = errorItem(error, index);
	}
}

function cancelledError(ctx: IExecuteFunctions, operation: ContactOperation, outcomes: Array<Outcome | undefined>, total: number): NodeOperationError {
	const summary = summarize(outcomes, total);
	return new NodeOperationError(ctx.getNode(), `The execution was cancelled — ${summary}`, {
		description: `No request started after the cancel, and requests in flight were aborted. Of ${total} items: ${summary}. ${operation.rerunHint}`,
	});
}
