/**
 * npm run bench [-- --json] [--items 2000] [--runs 3] [--warmup-items N (default: items)] [--concurrency 1,16]
 *                 [--memory-items 1000,10000] [--memory-concurrency 16] [--no-memory]
 *
 * Raze updates (PUT name + tags) against the sandbox (its own process), at each concurrency:
 *   a   raw axios loop, keep-alive agent        (the floor: what network and sandbox allow)
 *   a'  raw axios loop, new agent per request   (no keep-alive, as n8n-core's HTTP helper does)
 *   h   a minimal node, one httpRequestWithAuthentication call per item (the floor for a node using it)
 *   h'  the same minimal node through the older requestWithAuthentication, which the HTTP Request node uses
 *   b   n8n's HTTP Request node in Loop Over Items (batch size = C), through n8n-core's WorkflowExecute
 *   c   Contact Hub, Parallel Requests = C, Map Each Field Below (3 expressions per item), same engine
 *   c*  Contact Hub, Map Automatically (no expression per item)
 *   c*L Contact Hub, Map Automatically, each contact found by its email first (a look-up, then the update)
 * One full-size warm-up run per method and concurrency, then `runs` measured runs each (methods interleaved);
 * the figure is the median. Every run is checked against the sandbox's counters (GET /__sandbox/stats).
 * Then the memory of Contact Hub runs of 1,000 and 10,000 items, each in a child process.
 * --json also writes bench/results.json. Exit code 1 when a run did not do exactly its updates.
 */
import './lib/require-ts-first';

import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { shutdownEngine } from '../test/helpers/workflow';
import { CONTACT_HUB_METHODS, makeItems, METHOD_LABEL, METHODS, REQUESTS_PER_ITEM, sendWith, type Method, type RunOutcome } from './lib/methods';
import { loadN8nBase } from './lib/n8n-base';
import { killAllStartedSync, ROOT, runChild, startSandboxProcess, TS_NODE_BIN, type SandboxProcess } from './lib/sandbox-process';

interface Args {
	json: boolean;
	items: number;
	runs: number;
	warmupItems: number;
	concurrency: number[];
	memoryItems: number[];
	memoryConcurrency: number;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { json: false, items: 2000, runs: 3, warmupItems: 0, concurrency: [1, 16], memoryItems: [1000, 10_000], memoryConcurrency: 16 };
	const int = (flag: string, value: string | undefined, max: number): number => {
		const number = Number(value);
		if (!Number.isInteger(number) || number < 1 || number > max) throw new Error(`${flag} needs a whole number from 1 to ${max}`);
		return number;
	};
	const list = (flag: string, value: string | undefined, max: number) => (value ?? '').split(',').map((part) => int(flag, part, max));
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		switch (flag) {
			case '--json': args.json = true; break;
			case '--items': args.items = int(flag, argv[++i], 100_000); break;
			case '--runs': args.runs = int(flag, argv[++i], 20); break;
			case '--warmup-items': args.warmupItems = int(flag, argv[++i], 100_000); break;
			case '--concurrency': args.concurrency = list(flag, argv[++i], 256); break;
			case '--memory-items': args.memoryItems = list(flag, argv[++i], 100_000); break;
			case '--memory-concurrency': args.memoryConcurrency = int(flag, argv[++i], 256); break;
			case '--no-memory': args.memoryItems = []; break;
			default: throw new Error(`unknown option ${flag}; see the header of bench/throughput.ts`);
		}
	}
	// The warm-up is one full run per method and concurrency unless told otherwise: axios and the engine
	// keep getting faster over the first few thousand requests.
	if (args.warmupItems === 0) args.warmupItems = args.items;
	return args;
}

// A collection between runs, so one method's garbage is not collected on the next one's time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const median = (values: number[]) => {
	const sorted = [...values].sort((x, y) => x - y);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

interface Sample {
	rate: number;
	cpuUs: number;
	sandboxCpuUs?: number;
}

interface Cell {
	method: Method;
	concurrency: number;
	/** Updates per second of each measured run, in run order. */
	runs: number[];
	median: number;
	best: number;
	/** CPU time of the bench process per update (median over the runs), µs: engine, node, HTTP client. */
	cpuUsPerUpdate: number;
	/** CPU time of the sandbox process per update, µs (the same work for every method, when all is well). */
	sandboxCpuUsPerUpdate: number | null;
}

async function main(): Promise<void> {
	const started = Date.now();
	const loadBefore = os.loadavg();
	const args = parseArgs(process.argv.slice(2));
	const base = loadN8nBase();
	const problems: string[] = [];

	const seedCount = Math.max(args.items, args.warmupItems, ...args.memoryItems, 100);
	const sandbox = await startSandboxProcess(seedCount);
	const razeBase = `${sandbox.url}/raze`;
	console.log(
		`sandbox pid ${sandbox.pid} at ${sandbox.url} (${seedCount} contacts); node ${process.version}, ${os.cpus().length} CPUs; ` +
			`n8n-nodes-base ${base.version} from e2e/; ${args.items} updates per run, median of ${args.runs} after 1 warm-up`,
	);

	const send = (method: Method, items: ReturnType<typeof makeItems>, concurrency: number): Promise<RunOutcome> =>
		sendWith(method, razeBase, items, concurrency, base);

	/**
	 * One run, timed, and checked: every item answered 2xx, and the sandbox saw exactly N requests
	 * (2N for c*L: a look-up and an update per item) and applied exactly N updates. Also the CPU time per update of this process and of the sandbox, which other load on the
	 * machine disturbs far less than the wall-clock rate.
	 */
	const measure = async (method: Method, concurrency: number, count: number, tag: string): Promise<Sample> => {
		const items = makeItems(count, tag);
		gc();
		const before = await sandbox.stats();
		const sandboxCpu0 = sandbox.cpuMs();
		const cpu0 = process.cpuUsage();
		const t0 = performance.now();
		const outcome = await send(method, items, concurrency);
		const ms = performance.now() - t0;
		const cpu = process.cpuUsage(cpu0);
		const sandboxCpu1 = sandbox.cpuMs();
		const after = await sandbox.stats();
		const seen = after.byVendor.raze - before.byVendor.raze;
		const applied = after.updatesApplied.raze - before.updatesApplied.raze;
		if (outcome.ok !== count || seen !== count * REQUESTS_PER_ITEM[method] || applied !== count) {
			problems.push(`${method} C=${concurrency} ${tag}: ${outcome.ok}/${count} ok, sandbox saw ${seen}, applied ${applied}; ${outcome.failures.join('; ')}`);
		}
		return {
			rate: (count / ms) * 1000,
			cpuUs: (cpu.user + cpu.system) / count,
			sandboxCpuUs: sandboxCpu0 === undefined || sandboxCpu1 === undefined ? undefined : ((sandboxCpu1 - sandboxCpu0) * 1000) / count,
		};
	};

	const cells: Cell[] = [];
	let memory: MemoryResult[] = [];
	try {
		for (const concurrency of args.concurrency) {
			for (const method of METHODS) await measure(method, concurrency, args.warmupItems, `warm-${concurrency}`);
			const runs = new Map<Method, Sample[]>(METHODS.map((method) => [method, []]));
			for (let run = 0; run < args.runs; run++) {
				// Rotate the order, so no method always runs first (or right after the same one).
				const order = METHODS.map((_, index) => METHODS[(index + run) % METHODS.length]);
				for (const method of order) runs.get(method)!.push(await measure(method, concurrency, args.items, `c${concurrency}-r${run}`));
			}
			for (const method of METHODS) {
				const samples = runs.get(method)!;
				const rates = samples.map((sample) => sample.rate);
				const sandboxCpu = samples.map((sample) => sample.sandboxCpuUs).filter((value): value is number => value !== undefined);
				cells.push({
					method,
					concurrency,
					runs: rates.map((value) => round(value)),
					median: round(median(rates)),
					best: round(Math.max(...rates)),
					cpuUsPerUpdate: round(median(samples.map((sample) => sample.cpuUs))),
					sandboxCpuUsPerUpdate: sandboxCpu.length ? round(median(sandboxCpu)) : null,
				});
			}
			process.stderr.write(`  C=${concurrency} done (${round((Date.now() - started) / 1000)} s)\n`);
		}
		memory = [];
		for (const count of args.memoryItems) {
			const run = async (live: boolean) => {
				const out = await runChild(
					[
						'--expose-gc', TS_NODE_BIN, '--transpile-only', '--prefer-ts-exts', 'bench/memory.ts',
						'--url', razeBase, '--items', String(count), '--concurrency', String(args.memoryConcurrency), ...(live ? ['--live'] : []),
					],
					10 * 60 * 1000,
				);
				return JSON.parse(out.trim().split('\n').pop()!) as MemoryResult;
			};
			const natural = await run(false);
			const live = await run(true);
			memory.push({ ...natural, heapPeakLiveMB: live.heapPeakLiveMB, liveRun: live });
		}
	} finally {
		await sandbox.stop();
		shutdownEngine();
	}

	const totalSeconds = round((Date.now() - started) / 1000, 1);
	const load = { before: loadBefore.map((value) => round(value, 2)), after: os.loadavg().map((value) => round(value, 2)) };
	const results = report(args, cells, memory, problems, totalSeconds, sandbox, base.version, load);
	if (args.json) {
		const file = path.join(ROOT, 'bench', 'results.json');
		writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
		console.log(`wrote ${path.relative(process.cwd(), file)}`);
	}
	if (problems.length > 0) {
		for (const problem of problems.slice(0, 20)) console.error(`bench: ${problem}`);
		process.exitCode = 1;
	}
}

interface MemoryResult {
	items: number;
	concurrency: number;
	seconds: number;
	maxRssMB: number;
	maxRssBeforeRunMB: number;
	heapBeforeMB: number;
	heapPeakSampledMB: number;
	heapPeakLiveMB: number | null;
	heapAfterGcHeldMB: number;
	heapAfterGcReleasedMB: number;
	heapGrowthPerItemBytes: number;
	itemJsonBytes: { input: number; output: number };
	heapGrowthOverJson: number;
	liveRun?: MemoryResult;
}

function report(
	args: Args,
	cells: Cell[],
	memory: MemoryResult[],
	problems: string[],
	totalSeconds: number,
	sandbox: SandboxProcess,
	baseVersion: string,
	load: { before: number[]; after: number[] },
) {
	const cell = (method: Method, concurrency: number) => cells.find((one) => one.method === method && one.concurrency === concurrency)!;
	const against = ['a', "a'", 'h', 'b'] as const;
	// c*L (look-up, then update) is set against c* (update by ID): what the look-up costs.
	const pairs: Array<[Method, Method]> = [...CONTACT_HUB_METHODS.flatMap((c) => against.map((other): [Method, Method] => [c, other])), ['c*L', 'c*']];
	const ratioNames = pairs.map(([c, other]) => `${c}/${other}`);
	const ratios: Record<string, Record<string, number>> = Object.fromEntries(
		args.concurrency.map((concurrency) => [
			`C=${concurrency}`,
			Object.fromEntries(pairs.map(([c, other]) => [`${c}/${other}`, round(cell(c, concurrency).median / cell(other, concurrency).median, 2)])),
		]),
	);

	const col = (text: string | number, width = 10) => String(text).padStart(width);
	const lines = [
		'',
		`updates/s (median of ${args.runs})`.padEnd(52) + args.concurrency.map((c) => col(`C=${c}`)).join(''),
		...METHODS.map((method) => `${method.padEnd(3)} ${METHOD_LABEL[method]}`.padEnd(52) + args.concurrency.map((c) => col(cell(method, c).median)).join('')),
		...ratioNames.map((ratio) => `${ratio}`.padEnd(52) + args.concurrency.map((c) => col(ratios[`C=${c}`][ratio].toFixed(2))).join('')),
		'',
		'CPU µs per update (median): bench process | sandbox',
		...METHODS.map(
			(method) =>
				`${method.padEnd(3)} ${METHOD_LABEL[method]}`.padEnd(52) +
				args.concurrency.map((c) => col(`${cell(method, c).cpuUsPerUpdate} | ${cell(method, c).sandboxCpuUsPerUpdate ?? '-'}`, 14)).join(''),
		),
	];
	if (memory.length > 0) {
		lines.push(
			'',
			`memory, Contact Hub, Parallel Requests ${memory[0].concurrency}, a process of its own per run (MB; B = bytes):`,
			`${'items'.padStart(7)}${col('maxRSS')}${col('heap0')}${col('heap peak')}${col('live peak')}${col('held')}${col('B/item held', 13)}${col('JSON B/item', 12)}${col('held/JSON', 10)}`,
			...memory.map(
				(m) =>
					`${String(m.items).padStart(7)}${col(m.maxRssMB)}${col(m.heapBeforeMB)}${col(m.heapPeakSampledMB)}${col(m.heapPeakLiveMB ?? '-')}${col(m.heapAfterGcHeldMB)}${col(m.heapGrowthPerItemBytes, 13)}${col(m.itemJsonBytes.input + m.itemJsonBytes.output, 12)}${col(m.heapGrowthOverJson, 10)}`,
			),
			'  heap0: after warm-up and GC; heap peak: heapUsed sampled every 25 ms, garbage included; live peak: the same with a',
			'  full GC every 250 ms (second run); held: after GC with the output still referenced (B/item held = (held - heap0) / items).',
		);
		if (memory.length >= 2) {
			const [small, large] = [memory[0], memory[memory.length - 1]];
			const perItem = ((large.heapAfterGcHeldMB - small.heapAfterGcHeldMB) * 1024 * 1024) / (large.items - small.items);
			const rssPerItem = ((large.maxRssMB - small.maxRssMB) * 1024 * 1024) / (large.items - small.items);
			const livePerItem =
				small.heapPeakLiveMB !== null && large.heapPeakLiveMB !== null
					? `, live peak +${round(((large.heapPeakLiveMB - small.heapPeakLiveMB) * 1024 * 1024) / (large.items - small.items))} B/item`
					: '';
			lines.push(`  from ${small.items} to ${large.items} items: held +${round(perItem)} B/item${livePerItem}, maxRSS +${round(rssPerItem)} B/item`);
		}
	}
	const busy = load.before[0] > os.cpus().length / 2;
	lines.push('', `load average before ${load.before[0]}, after ${load.after[0]} (${os.cpus().length} CPUs)${busy ? ': the machine was busy before the bench started; rates are noisy, CPU µs per update less so' : ''}`);
	lines.push(`total ${totalSeconds} s${problems.length ? `; ${problems.length} PROBLEM(S), see below` : '; every run verified against the sandbox counters'}`);
	console.log(lines.join('\n'));

	return {
		command: 'npm run bench -- --json',
		date: new Date().toISOString(),
		environment: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, n8nNodesBase: baseVersion, sandboxPid: sandbox.pid, loadAverage: load },
		settings: { items: args.items, runs: args.runs, warmupItems: args.warmupItems, statistic: 'median', concurrency: args.concurrency },
		methods: METHOD_LABEL,
		updatesPerSecond: Object.fromEntries(args.concurrency.map((c) => [`C=${c}`, Object.fromEntries(METHODS.map((m) => [m, cell(m, c)]))])),
		ratios,
		memory,
		problems,
		totalSeconds,
	};
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		killAllStartedSync();
		process.exit(130);
	});
}
process.on('exit', killAllStartedSync);

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.stack : String(error));
	killAllStartedSync();
	process.exit(1);
});
