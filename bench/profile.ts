/**
 * Where the time of one method goes: after a warm-up, records its runs with the V8 CPU profiler (the
 * one node --cpu-prof uses, started through node:inspector so loading and compiling are left out) and
 * prints self time by package and the top functions. The sandbox runs in its own process.
 *
 *   node node_modules/ts-node/dist/bin.js --transpile-only --prefer-ts-exts bench/profile.ts [--method c] [--concurrency 16] [--items 2000] [--runs 3]
 *
 * The profile is written to $TMPDIR/contact-hub-profiles/ (it opens in Chrome DevTools' Performance tab).
 */
import './lib/require-ts-first';

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';

import { shutdownEngine } from '../test/helpers/workflow';
import { makeItems, METHODS, sendWith, type Method } from './lib/methods';
import { loadN8nBase } from './lib/n8n-base';
import { killAllStartedSync, ROOT, startSandboxProcess } from './lib/sandbox-process';

function option(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
}

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
	children?: number[];
}

/** Which package (or project folder) a script URL belongs to. */
function owner(url: string): string {
	if (url === '') return '(native/V8)';
	const file = url.replace(/^file:\/\//, '');
	const modules = file.lastIndexOf('/node_modules/');
	if (modules >= 0) {
		const rest = file.slice(modules + '/node_modules/'.length).split('/');
		return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
	}
	if (file.startsWith(ROOT)) return file.slice(ROOT.length + 1).split('/').slice(0, 2).join('/');
	if (file.startsWith('node:') || !file.startsWith('/')) return 'node (core)';
	return file;
}

function summarize(file: string, updates: number, top = 25): string {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };
	const total = profile.samples.length;
	const byOwner = new Map<string, number>();
	const byFunction = new Map<string, number>();
	for (const node of profile.nodes) {
		const hits = node.hitCount ?? 0;
		if (hits === 0) continue;
		const who = owner(node.callFrame.url);
		byOwner.set(who, (byOwner.get(who) ?? 0) + hits);
		const name = node.callFrame.functionName || '(anonymous)';
		const key = `${name}  ${who}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
		byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
	}
	const usPerSample = (profile.endTime - profile.startTime) / total;
	const pct = (hits: number) =>
		`${((hits / total) * 100).toFixed(1).padStart(5)}% ${String(Math.round((hits * usPerSample) / updates)).padStart(5)} µs/update`;
	const sorted = (map: Map<string, number>) => [...map.entries()].sort((x, y) => y[1] - x[1]);
	return [
		`${file}: ${total} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`,
		'self time by package:',
		...sorted(byOwner).slice(0, 15).map(([who, hits]) => `  ${pct(hits)}  ${who}`),
		'top functions (self):',
		...sorted(byFunction).slice(0, top).map(([name, hits]) => `  ${pct(hits)}  ${name}`),
	].join('\n');
}

/** Records a V8 CPU profile (what node --cpu-prof records) of `work` only, after the warm-up. */
async function profiled(work: () => Promise<void>): Promise<object> {
	const session = new Session();
	session.connect();
	const post = (method: string, params?: object) =>
		new Promise<unknown>((resolve, reject) =>
			session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
		);
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: 200 });
	await post('Profiler.start');
	try {
		await work();
		return ((await post('Profiler.stop')) as { profile: object }).profile;
	} finally {
		session.disconnect();
	}
}

async function main(): Promise<void> {
	const method = option('method', 'c') as Method;
	if (!METHODS.includes(method)) throw new Error(`--method must be one of ${METHODS.join(', ')}`);
	const concurrency = Number(option('concurrency', '16'));
	const count = Number(option('items', '2000'));
	const runs = Number(option('runs', '3'));
	const sandbox = await startSandboxProcess(count);
	const razeBase = `${sandbox.url}/raze`;
	try {
		const base = method === 'b' ? loadN8nBase() : undefined;
		const send = async (items: ReturnType<typeof makeItems>) => {
			const t0 = performance.now();
			const outcome = await sendWith(method, razeBase, items, concurrency, base);
			const ms = performance.now() - t0;
			if (outcome.ok !== items.length) throw new Error(`${outcome.ok}/${items.length} ok: ${outcome.failures.join('; ')}`);
			return Math.round((items.length / ms) * 1000);
		};
		console.log(`warm-up: ${await send(makeItems(count, 'profile-warm'))} updates/s`);
		const profile = await profiled(async () => {
			for (let run = 0; run < runs; run++) {
				console.log(`${method} C=${concurrency} run ${run + 1}: ${await send(makeItems(count, `profile-${run}`))} updates/s (profiler on)`);
			}
		});
		const dir = path.join(os.tmpdir(), 'contact-hub-profiles');
		mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${method.replace("'", '-prime').replace('*', '-auto')}-c${concurrency}-${Date.now()}.cpuprofile`);
		writeFileSync(file, JSON.stringify(profile));
		console.log(summarize(file, count * runs));
	} finally {
		await sandbox.stop();
		shutdownEngine();
	}
}

process.on('exit', killAllStartedSync);
main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.stack : String(error));
	killAllStartedSync();
	process.exit(1);
});
