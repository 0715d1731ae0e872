/**
 * c* before and after, in the same run (npm run bench:compare -- --against <git revision>): Contact
 * Hub in Map Automatically from an earlier commit (checked out into a temporary git worktree) and
 * from this working tree, through the same engine, against one sandbox process, runs interleaved
 * and their order alternated, 2,000 Raze updates each. Prints one line per concurrency:
 *
 *   compare: c* C=<c> before=<updates/s> after=<updates/s> ratio=<after/before> cpu-before=<µs> cpu-after=<µs>
 *
 * The rates are medians; cpu is this process's CPU time per update, which other load disturbs less.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import type { INodeType } from 'n8n-workflow';

import { CONTACT_HUB_TYPE, runWorkflow, shutdownEngine } from '../test/helpers/workflow';
import { contactHubBenchWorkflow, makeItems, RAZE_KEY } from './lib/methods';
import { ROOT, startSandboxProcess } from './lib/sandbox-process';

const ITEMS = 2000;

function arg(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : fallback;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The ContactHub class of `revision`, from a worktree that shares this tree's node_modules. */
function nodeAt(revision: string): { node: INodeType; cleanup: () => void } {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'contact-hub-before-'));
	execFileSync('git', ['worktree', 'add', '--detach', dir, revision], { cwd: ROOT, stdio: 'ignore' });
	symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
	const cleanup = () => {
		execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT, stdio: 'ignore' });
		rmSync(dir, { recursive: true, force: true });
	};
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- ts-node compiles the older tree on load
	const { ContactHub } = require(path.join(dir, 'nodes', 'ContactHub', 'ContactHub.node.ts')) as { ContactHub: new () => INodeType };
	return { node: new ContactHub(), cleanup };
}

async function main(): Promise<void> {
	const revision = arg('against', 'HEAD~1');
	const runs = Number(arg('runs', '5'));
	const concurrencies = arg('concurrency', '1,16').split(',').map(Number);
	const before = nodeAt(revision);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { ContactHub } = require('../nodes/ContactHub/ContactHub.node') as { ContactHub: new () => INodeType };
	const after = new ContactHub();
	const sandbox = await startSandboxProcess(ITEMS);
	const razeBase = `${sandbox.url}/raze`;
	console.error(`bench:compare: c* of ${revision} against the working tree, ${ITEMS} updates, median of ${runs}`);
	const once = async (node: INodeType, concurrency: number, tag: string) => {
		const items = makeItems(ITEMS, tag);
		const cpu0 = process.cpuUsage();
		const t0 = performance.now();
		const result = await runWorkflow(contactHubBenchWorkflow(concurrency, 'auto'), items, { razeApi: { apiKey: RAZE_KEY, baseUrl: razeBase } }, { nodeTypes: { [CONTACT_HUB_TYPE]: node } });
		const ms = performance.now() - t0;
		const cpu = process.cpuUsage(cpu0);
		const ok = result.items.filter((item) => item.json.error === undefined).length;
		if (result.error || ok !== ITEMS) throw new Error(`${tag}: ${ok}/${ITEMS} updated ${result.error?.message ?? ''}`);
		return { rate: (ITEMS / ms) * 1000, cpuUs: (cpu.user + cpu.system) / ITEMS };
	};
	try {
		for (const concurrency of concurrencies) {
			await once(before.node, concurrency, `warm-b${concurrency}`);
			await once(after, concurrency, `warm-a${concurrency}`);
			const samples = { before: [] as Array<{ rate: number; cpuUs: number }>, after: [] as Array<{ rate: number; cpuUs: number }> };
			for (let run = 0; run < runs; run++) {
				// Alternate which goes first, so neither always runs on a warmer machine.
				const order = run % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
				for (const which of order) samples[which].push(await once(which === 'before' ? before.node : after, concurrency, `${which}-${concurrency}-${run}`));
			}
			const rate = (which: 'before' | 'after') => median(samples[which].map((sample) => sample.rate));
			const cpu = (which: 'before' | 'after') => median(samples[which].map((sample) => sample.cpuUs));
			console.log(
				`compare: c* C=${concurrency} before=${Math.round(rate('before'))} after=${Math.round(rate('after'))} ratio=${(rate('after') / rate('before')).toFixed(3)} cpu-before=${Math.round(cpu('before'))} cpu-after=${Math.round(cpu('after'))}`,
			);
		}
	} finally {
		await sandbox.stop();
		before.cleanup();
		shutdownEngine();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
