/**
 * The fault campaign: seeded chaos against the sandbox (429s, 500s, HTML 502s, hangs, resets and
 * unreadable answers, before or after the update is applied), run through n8n-core's engine, with
 * every item checked against the sandbox's own state. Prints one line per campaign and a total:
 *
 *   faults: <campaign> vendor=<v> seeds=<n> items=<n> faulted=<requests> updated=<n> reported=<n> lost=0 doubled=0 wrong=0
 *
 * lost: items without an output; doubled: a LeadLex note stored twice; wrong: an output that
 * disagrees with the sandbox (a success not stored, a report of "updated" not applied, a request
 * started after a cancel). Run: npm run bench:faults (about 2.5 minutes; FAULTS_VENDORS=raze,leadLex
 * picks vendors). Exits 1 when any item is lost, doubled or wrong.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { listedItems, trackedNode } from '../test/helpers/runs';
import { CONTACT_HUB_TYPE, contactHubWorkflow, runWorkflow, shutdownEngine } from '../test/helpers/workflow';
import { SANDBOX_KEYS, startSandbox, type Sandbox, type Vendor } from '../test/sandbox';

const SEEDS = [1, 2, 3, 4, 5];
const ITEMS = 300;
const CHAOS = { status429: 0.05, status500: 0.06, status502Html: 0.04, hang: 0.02, reset: 0.05, malformedJson: 0.03 };
const OPTIONS = { parallelRequests: 8, maxRetries: 3, maxRetryWaitSeconds: 0.3, timeout: 400 };
const CREDENTIAL: Record<Vendor, string> = { blandAi: 'blandAiApi', leadLex: 'leadLexApi', openCx: 'openCxApi', raze: 'razeApi' };
const NAME_KEY: Record<Vendor, string> = { blandAi: 'name', leadLex: 'full_name', openCx: 'name', raze: 'name' };

interface Tally {
	items: number;
	faulted: number;
	updated: number;
	reported: number;
	lost: number;
	doubled: number;
	wrong: number;
}

const zero = (): Tally => ({ items: 0, faulted: 0, updated: 0, reported: 0, lost: 0, doubled: 0, wrong: 0 });

function occurrences(text: unknown, part: string): number {
	return typeof text === 'string' ? text.split(part).length - 1 : 0;
}

async function runCampaign(
	sandbox: Sandbox,
	vendor: Vendor,
	seed: number,
	options: { onError?: 'continueRegularOutput'; cancelAfterMs?: number },
) {
	sandbox.reset();
	const ids = sandbox.seedMany(vendor, ITEMS, `f${seed}`);
	sandbox.setChaos({ seed, vendor, rates: CHAOS, phase: 'random' });
	// LeadLex appends Notes: a doubled update would show as a note stored twice.
	const fields: IDataObject = vendor === 'leadLex' ? { notes: '={{ $json.note }}', name: '={{ $json.name }}' } : { name: '={{ $json.name }}' };
	const tracked = trackedNode();
	let cancelledAt = 0;
	const result = await runWorkflow(
		contactHubWorkflow({ provider: vendor, contactId: '={{ $json.id }}', updateFields: fields, options: OPTIONS }, options.onError ? { onError: options.onError } : {}),
		ids.map((id, index) => ({ id, name: `Name ${seed}/${index}`, note: `note ${seed}/${index}` })),
		{ [CREDENTIAL[vendor]]: { apiKey: SANDBOX_KEYS[vendor].valid, baseUrl: sandbox.baseUrl(vendor) } },
		{
			nodeTypes: { [CONTACT_HUB_TYPE]: tracked.node },
			onRunning: (cancel) => {
				if (options.cancelAfterMs === undefined) return;
				setTimeout(() => {
					cancelledAt = Date.now();
					cancel();
				}, options.cancelAfterMs);
			},
		},
	);
	const settled = await tracked.settled;
	return { ids, items: result.items, error: settled.error, cancelledAt };
}

/** What the sandbox holds for item `index`: applied once, never, or (LeadLex) twice. */
function stored(sandbox: Sandbox, vendor: Vendor, ids: string[], seed: number, index: number): { applied: boolean; doubled: boolean } {
	const contact = sandbox.getContact(vendor, ids[index]) ?? {};
	const applied = contact[NAME_KEY[vendor]] === `Name ${seed}/${index}`;
	return { applied, doubled: vendor === 'leadLex' && occurrences(contact.notes, `note ${seed}/${index}`) > 1 };
}

function countFaults(sandbox: Sandbox): number {
	return sandbox.requests.filter((request) => request.status !== 200).length;
}

/** Continue On Fail: every item out, each success stored, each failure reported with its item. */
function checkContinue(sandbox: Sandbox, vendor: Vendor, seed: number, run: { ids: string[]; items: INodeExecutionData[] }, tally: Tally): void {
	tally.items += run.ids.length;
	tally.faulted += countFaults(sandbox);
	tally.lost += run.ids.length - run.items.length;
	run.items.forEach((item, index) => {
		const { applied, doubled } = stored(sandbox, vendor, run.ids, seed, index);
		if (doubled) tally.doubled++;
		if (item.json.error === undefined) {
			tally.updated++;
			if (!applied) tally.wrong++;
		} else {
			tally.reported++;
			if (!String(item.json.error).endsWith(`(item ${index})`)) tally.wrong++;
		}
	});
}

/** A stop (failure or cancel): the report names every item, and agrees with the sandbox. */
function checkStop(sandbox: Sandbox, vendor: Vendor, seed: number, run: { ids: string[]; error?: Error; cancelledAt: number }, tally: Tally): void {
	const message = run.error?.message ?? '';
	tally.items += run.ids.length;
	tally.faulted += countFaults(sandbox);
	const updated = listedItems(message, 'updated');
	const notSent = listedItems(message, 'not sent');
	const accounted = new Set([...updated, ...notSent, ...listedItems(message, 'failed'), ...listedItems(message, '\\(may have been updated\\)')]);
	// Without an error the run finished: then every item is in the output instead.
	if (run.error) tally.lost += run.ids.length - accounted.size;
	tally.updated += updated.length;
	tally.reported += run.ids.length - updated.length;
	run.ids.forEach((_, index) => {
		const { applied, doubled } = stored(sandbox, vendor, run.ids, seed, index);
		if (doubled) tally.doubled++;
		if (updated.includes(index) && !applied) tally.wrong++;
		if (notSent.includes(index) && applied) tally.wrong++;
	});
	if (run.cancelledAt > 0) tally.wrong += sandbox.requests.filter((request) => request.at > run.cancelledAt).length;
}

function print(campaign: string, vendor: Vendor, tally: Tally): void {
	const { items, faulted, updated, reported, lost, doubled, wrong } = tally;
	console.log(
		`faults: ${campaign} vendor=${vendor} seeds=${SEEDS.length} items=${items} faulted=${faulted} updated=${updated} reported=${reported} lost=${lost} doubled=${doubled} wrong=${wrong}`,
	);
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({ hangMs: 1000 });
	const total = zero();
	try {
		for (const vendor of (process.env.FAULTS_VENDORS?.split(',') ?? ['blandAi', 'leadLex', 'openCx', 'raze']) as Vendor[]) {
			const campaigns: Array<[string, (seed: number) => Promise<void>, Tally]> = [];
			const continueTally = zero();
			const stopTally = zero();
			const cancelTally = zero();
			campaigns.push(['continue-on-fail', async (seed) => checkContinue(sandbox, vendor, seed, await runCampaign(sandbox, vendor, seed, { onError: 'continueRegularOutput' }), continueTally), continueTally]);
			campaigns.push(['stop-at-failure', async (seed) => checkStop(sandbox, vendor, seed, await runCampaign(sandbox, vendor, seed, {}), stopTally), stopTally]);
			campaigns.push(['cancel', async (seed) => checkStop(sandbox, vendor, seed, await runCampaign(sandbox, vendor, seed, { onError: 'continueRegularOutput', cancelAfterMs: 150 + 40 * seed }), cancelTally), cancelTally]);
			for (const [name, run, tally] of campaigns) {
				for (const seed of SEEDS) await run(seed);
				print(name, vendor, tally);
				for (const key of Object.keys(total) as Array<keyof Tally>) total[key] += tally[key];
			}
		}
	} finally {
		await sandbox.close();
		shutdownEngine();
	}
	const { items, faulted, lost, doubled, wrong } = total;
	console.log(`faults: total items=${items} faulted=${faulted} lost=${lost} doubled=${doubled} wrong=${wrong}`);
	if (lost + doubled + wrong > 0) process.exitCode = 1;
}

void main();
