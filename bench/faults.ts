/**
 * The fault campaign at one setting: seeded chaos against the sandbox (5% 429, 6% 500, 4% HTML 502,
 * 2% hangs, 5% resets, 3% unreadable answers, before or after the update is applied), 5 seeds × 300
 * items at Parallel Requests 8, in three campaigns per vendor. The runs and the read-back are the
 * soak's (lib/campaign.ts); soak.ts runs the wider campaign. Prints one line per campaign and a total:
 *
 *   faults: <campaign> vendor=<v> seeds=<n> items=<n> faulted=<requests> updated=<n> reported=<n> lost=0 doubled=0 wrong=0 leaked=0
 *
 * lost: items neither updated (and held by the sandbox) nor reported; doubled: a LeadLex note
 * stored twice; wrong: a report that disagrees with the sandbox (a "not sent" item it holds, a
 * request arriving after the cancel for an item not reported in flight); leaked: API keys in what the
 * runs showed. Run: npm run bench:faults (about 3 minutes per vendor; FAULTS_VENDORS=raze,leadLex picks vendors).
 * Exits 1 when any of them is not 0.
 */
import './lib/require-ts-first';

import { VENDORS, type Vendor } from '../test/sandbox';
import { shutdownEngine } from '../test/helpers/workflow';
import { account, add, capture, runOne, startCampaignSandbox, zero, type RunSpec, type Tally } from './lib/campaign';

const SEEDS = [1, 2, 3, 4, 5];
const ITEMS = 300;

const CAMPAIGNS: Array<[string, (seed: number) => Partial<RunSpec>]> = [
	['continue-on-fail', () => ({ continueOnFail: true })],
	['stop-at-failure', () => ({ continueOnFail: false })],
	['cancel', (seed) => ({ continueOnFail: true, cancelAfterMs: 150 + 40 * seed })],
];

function print(campaign: string, vendor: Vendor, tally: Tally): void {
	const { items, faulted, applied, reported, lost, doubled, wrong, leaked } = tally;
	capture.print(
		`faults: ${campaign} vendor=${vendor} seeds=${SEEDS.length} items=${items} faulted=${faulted} updated=${applied} reported=${reported} lost=${lost} doubled=${doubled} wrong=${wrong} leaked=${leaked}`,
	);
}

async function main(): Promise<void> {
	const sandbox = await startCampaignSandbox();
	const total = zero();
	try {
		for (const vendor of (process.env.FAULTS_VENDORS?.split(',') ?? VENDORS) as Vendor[]) {
			for (const [name, settings] of CAMPAIGNS) {
				const tally = zero();
				for (const seed of SEEDS) {
					const spec: RunSpec = { vendor, seed, items: ITEMS, parallelRequests: 8, continueOnFail: false, ...settings(seed) };
					add(tally, account(sandbox, await runOne(sandbox, spec)));
				}
				print(name, vendor, tally);
				add(total, tally);
			}
		}
	} finally {
		await sandbox.close();
		shutdownEngine();
	}
	const { items, faulted, lost, doubled, wrong, leaked } = total;
	capture.print(`faults: total items=${items} faulted=${faulted} lost=${lost} doubled=${doubled} wrong=${wrong} leaked=${leaked}`);
	if (lost + doubled + wrong + leaked > 0) process.exitCode = 1;
}

void main();
