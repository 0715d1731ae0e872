/**
 * One Contact Hub run of N items in a process of its own, for its memory figures. Started by
 * bench/throughput.ts as
 *   node --expose-gc node_modules/ts-node/dist/bin.js --transpile-only --prefer-ts-exts bench/memory.ts \
 *     --url <raze base URL> --items N --concurrency C [--live]
 * and prints one JSON line on stdout.
 */
import './lib/require-ts-first';

import { setTimeout as sleep } from 'node:timers/promises';

import { runWorkflow, shutdownEngine } from '../test/helpers/workflow';
import { contactHub, contactHubBenchWorkflow, makeItems, RAZE_KEY } from './lib/methods';

function arg(name: string): string {
	const index = process.argv.indexOf(`--${name}`);
	const value = index >= 0 ? process.argv[index + 1] : undefined;
	if (value === undefined) throw new Error(`bench/memory.ts needs --${name}`);
	return value;
}

const MB = 1024 * 1024;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function collect(): number {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with node --expose-gc');
	for (let i = 0; i < 2; i++) gc();
	return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
	const razeBase = arg('url');
	const count = Number(arg('items'));
	const concurrency = Number(arg('concurrency'));

	// Warm up: load, compile and JIT everything once, so the baseline holds the code but no items.
	const warm = await contactHub(razeBase, makeItems(100, 'mem-warm'), concurrency);
	if (warm.failures.length > 0) throw new Error(`warm-up failed: ${warm.failures.join('; ')}`);

	const heapBefore = collect();
	const rssBefore = process.memoryUsage().rss;
	const maxRssBeforeKb = process.resourceUsage().maxRSS;

	// Heap in use, sampled every 25 ms (garbage included, as V8 lets it pile up before collecting). With
	// --live, also a full collection every 250 ms: the live heap, what the run really holds at its most
	// (those collections change maxRSS, so the bench runs each size once without and once with --live).
	const live = process.argv.includes('--live');
	let peakHeap = 0;
	let peakLive = 0;
	let ticks = 0;
	const sampler = setInterval(() => {
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
		if (live && ++ticks % 10 === 0) peakLive = Math.max(peakLive, collect());
	}, 25);

	const input = makeItems(count, `mem-${count}`);
	const started = performance.now();
	let result: Awaited<ReturnType<typeof runWorkflow>> | undefined = await runWorkflow(contactHubBenchWorkflow(concurrency), input, {
		razeApi: { apiKey: RAZE_KEY, baseUrl: razeBase },
	});
	const ms = performance.now() - started;
	clearInterval(sampler);
	peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);

	const failed = result.items.filter((item) => item.json.error !== undefined).length;
	if (result.error || result.items.length !== count || failed > 0) {
		throw new Error(`memory run: ${result.items.length} items, ${failed} failed, ${result.error?.message ?? 'no workflow error'}`);
	}
	const inputBytes = JSON.stringify(input).length;
	const outputBytes = JSON.stringify(result.items.map((item) => item.json)).length;

	// Everything the execution keeps (run data of both nodes, input included) is still referenced here.
	const heapHeld = collect();
	const maxRssKb = process.resourceUsage().maxRSS;
	result = undefined;
	input.length = 0;
	// Closed sockets and their per-request agents (n8n-core makes one per request) are let go a moment later.
	await sleep(1000);
	const heapReleased = collect();

	shutdownEngine();
	const heapGrowth = heapHeld - heapBefore;
	process.stdout.write(
		JSON.stringify({
			items: count,
			concurrency,
			mode: live ? 'live (forced GC every 250 ms)' : 'natural',
			seconds: round(ms / 1000, 2),
			maxRssMB: round(maxRssKb / 1024),
			maxRssBeforeRunMB: round(maxRssBeforeKb / 1024),
			rssBeforeRunMB: round(rssBefore / MB),
			heapBeforeMB: round(heapBefore / MB),
			heapPeakSampledMB: round(peakHeap / MB),
			heapPeakLiveMB: live ? round(Math.max(peakLive, heapHeld) / MB) : null,
			heapAfterGcHeldMB: round(heapHeld / MB),
			heapAfterGcReleasedMB: round(heapReleased / MB),
			heapGrowthPerItemBytes: Math.round(heapGrowth / count),
			itemJsonBytes: { input: Math.round(inputBytes / count), output: Math.round(outputBytes / count) },
			heapGrowthOverJson: round(heapGrowth / (inputBytes + outputBytes), 2),
		}) + '\n',
	);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.stack : String(error));
	process.exit(1);
});
