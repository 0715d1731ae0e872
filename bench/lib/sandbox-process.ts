/**
 * The vendor sandbox in its own child process (so its CPU time is not the benchmark's), started
 * with --quiet --no-record on a free port of 127.0.0.1 and stopped by PID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TS_NODE_BIN = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

export interface SandboxStats {
	total: number;
	byVendor: Record<string, number>;
	updatesApplied: Record<string, number>;
	rateLimited: Record<string, number>;
}

export interface SandboxProcess {
	url: string;
	pid: number;
	stats(): Promise<SandboxStats>;
	/** CPU time (user + system) the sandbox process has used so far, in ms; undefined where /proc is not readable. */
	cpuMs(): number | undefined;
	/** SIGTERM by PID, SIGKILL after `graceMs`; resolves when the process is gone. Safe to call twice. */
	stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();

const CLOCK_TICKS = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

/** Sends a signal to one PID this module started; a process that is already gone is fine. */
function killQuietly(pid: number | undefined, signal: NodeJS.Signals): boolean {
	if (pid === undefined) return false;
	try {
		process.kill(pid, signal);
		return true;
	} catch {
		return false;
	}
}

/** Kills every child this module started and that still runs (synchronous: usable from an 'exit' handler). */
export function killAllStartedSync(): void {
	for (const child of live) {
		if (child.exitCode === null && child.signalCode === null) killQuietly(child.pid, 'SIGKILL');
	}
	live.clear();
}

/**
 * Starts the sandbox and resolves once it printed its listening line (or rejects within `startTimeoutMs`).
 * `extraArgs` are more CLI flags, e.g. ['--latency-ms', '50'].
 */
export async function startSandboxProcess(seedCount: number, startTimeoutMs = 60_000, extraArgs: string[] = []): Promise<SandboxProcess> {
	const child = spawn(
		process.execPath,
		[TS_NODE_BIN, '--transpile-only', 'test/sandbox/cli.ts', '--port', '0', '--quiet', '--no-record', '--seed-count', String(seedCount), ...extraArgs],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	live.add(child);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	exited.then(() => live.delete(child));

	let stderr = '';
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (chunk: string) => {
		if (stderr.length < 4000) stderr += chunk;
	});

	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
			fail(new Error(`sandbox exited before listening (${code ?? signal}): ${stderr.trim()}`));
		const timer = setTimeout(() => fail(new Error(`sandbox did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
		const fail = (error: Error) => {
			clearTimeout(timer);
			child.off('exit', onExit);
			killQuietly(child.pid, 'SIGKILL');
			reject(error);
		};
		child.stdout!.setEncoding('utf8');
		child.stdout!.on('data', function onData(chunk: string) {
			out += chunk;
			const match = out.match(/^sandbox listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/m);
			if (match) {
				clearTimeout(timer);
				child.off('exit', onExit);
				child.stdout!.off('data', onData);
				resolve(match[1]);
			}
		});
		child.once('exit', onExit);
	});
	// Keep draining stdout so the child never blocks on a full pipe.
	child.stdout!.resume();

	const pid = child.pid!;
	let stopping: Promise<void> | undefined;
	return {
		url,
		pid,
		async stats() {
			const response = await fetch(`${url}/__sandbox/stats`);
			if (!response.ok) throw new Error(`GET /__sandbox/stats answered ${response.status}`);
			return (await response.json()) as SandboxStats;
		},
		cpuMs() {
			try {
				// /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised name.
				const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
				return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
			} catch {
				return undefined;
			}
		},
		stop(graceMs = 5000) {
			stopping ??= (async () => {
				if (child.exitCode !== null || child.signalCode !== null) return;
				if (!killQuietly(pid, 'SIGTERM')) return;
				let timer: NodeJS.Timeout | undefined;
				const killed = new Promise<void>((resolve) => {
					timer = setTimeout(() => {
						killQuietly(pid, 'SIGKILL');
						resolve();
					}, graceMs);
				});
				await Promise.race([exited, killed]);
				clearTimeout(timer);
				await exited;
			})();
			return stopping;
		},
	};
}

/** Runs a child node process to completion with a time limit (killed by PID past it); returns its stdout. */
export async function runChild(args: string[], timeoutMs: number): Promise<string> {
	const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	live.add(child);
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
		if (stderr.length < 8000) stderr += chunk;
	});
	const timer = setTimeout(() => killQuietly(child.pid, 'SIGKILL'), timeoutMs);
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
		child.once('exit', (c, s) => resolve([c, s])),
	);
	clearTimeout(timer);
	live.delete(child);
	if (code !== 0) {
		throw new Error(`child ${args.slice(-6).join(' ')} failed (${code ?? signal}${signal === 'SIGKILL' ? `, time limit ${timeoutMs} ms` : ''}): ${stderr.trim()}`);
	}
	return stdout;
}
