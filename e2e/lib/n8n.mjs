// Run the current line's n8n (lines.mjs): its CLI (import, execute) and its server (`n8n start`),
// on the line's Node binary.
//
// Every process is spawned as the leader of its own process group, so it and the
// children it starts (n8n's task runner) are ended together by that group's id,
// and nothing else on the machine is touched. Every wait is bounded.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { n8nMain } from './ensure-n8n.mjs';
import { freePort, n8nEnv } from './env.mjs';
import { currentLine, lineNodeBin } from './lines.mjs';

const live = new Set(); // children started here and not yet exited

process.once('exit', () => {
	// Last resort when a test dies: end the groups we started, and only those.
	for (const child of live) killGroup(child.pid, 'SIGKILL');
});

// Our children are leaders of their own process groups, so a Ctrl-C in the terminal
// does not reach them: forward SIGINT/SIGTERM to them. When nobody else listens for the
// signal, also exit once they have stopped (as the default action would have).
let forwarding = false;
function forwardSignals() {
	if (forwarding) return;
	forwarding = true;
	for (const sig of ['SIGINT', 'SIGTERM']) {
		const onSignal = async () => {
			const others = process.listenerCount(sig) > 1;
			await Promise.all([...live].map((c) => stopChild(c, { graceMs: 10000 })));
			if (!others) process.exit(sig === 'SIGINT' ? 130 : 143);
		};
		process.on(sig, onSignal);
	}
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false; // already gone
	}
}

/**
 * Spawn a process as the leader of its own process group, tracked so that Ctrl-C and
 * process exit end it (and its children) by that group's id.
 */
export function spawnGroup(command, args, { env = process.env, cwd, stdio = ['ignore', 'pipe', 'pipe'] } = {}) {
	const child = spawn(command, args, { env, cwd, detached: true, stdio });
	forwardSignals();
	live.add(child);
	child.once('exit', () => live.delete(child));
	return child;
}

function spawnN8n(args, env, stdio = ['ignore', 'pipe', 'pipe']) {
	// The line's own Node: n8n's native modules were built for it, and n8n starts its task
	// runners with process.execPath.
	const line = currentLine(env ?? process.env);
	return spawnGroup(lineNodeBin(line), [n8nMain(line), ...args], { env, stdio });
}

/** Stop a child we started: SIGTERM to its group, then SIGKILL after `graceMs`. */
export async function stopChild(child, { graceMs = 15000 } = {}) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	killGroup(child.pid, 'SIGTERM');
	const t = await Promise.race([exited.then(() => 'exit'), sleep(graceMs).then(() => 'timeout')]);
	if (t === 'timeout') {
		killGroup(child.pid, 'SIGKILL');
		await Promise.race([exited, sleep(5000)]);
	}
	killGroup(child.pid, 'SIGKILL'); // leftovers of the group (a task runner), if any
}

/**
 * Run one n8n CLI command to its end.
 * @returns {Promise<{code:number|null, signal:string|null, stdout:string, stderr:string, ms:number}>}
 */
export async function runN8nCli(args, { env, timeoutMs = 180000 } = {}) {
	const t0 = Date.now();
	const child = spawnN8n(args, env);
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
	child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
	const done = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
	const timer = setTimeout(() => stopChild(child, { graceMs: 5000 }), timeoutMs);
	const { code, signal } = await done;
	clearTimeout(timer);
	killGroup(child.pid, 'SIGKILL'); // a task runner left behind by the CLI, if any
	return { code, signal, stdout, stderr, ms: Date.now() - t0 };
}

/**
 * The JSON document in `n8n execute --rawOutput` output. Log lines come first (task
 * broker, runner registration, a Python-runner warning); the run (IRun: { data: {
 * resultData: { runData, lastNodeExecuted, error? } }, status, ... }) starts at the first
 * line that is `{` and ends at the first line `}` after which it parses. When the
 * workflow failed, n8n prints "Execution error:" and the same document, then more log
 * lines (message, stack), and exits 1.
 */
export function parseExecuteOutput(stdout) {
	const lines = stdout.split('\n');
	const start = lines.findIndex((l) => l.trimEnd() === '{');
	if (start < 0) throw new Error(`no JSON in n8n execute output:\n${stdout.slice(0, 2000)}`);
	for (let end = start + 1; end < lines.length; end++) {
		if (lines[end].trimEnd() !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			// a nested "}" at column 0 inside a string; keep looking
		}
	}
	throw new Error(`unterminated JSON in n8n execute output:\n${stdout.slice(0, 2000)}`);
}

/** The output items (json only) of one node in a parsed run: runData[node][run].data.main[output]. */
export function nodeOutput(run, nodeName, { runIndex = 0, output = 0 } = {}) {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[runIndex];
	if (!task) throw new Error(`node "${nodeName}" did not run`);
	if (task.error && !task.data) throw Object.assign(new Error(`node "${nodeName}" failed: ${task.error.message}`), { task });
	return (task.data?.main?.[output] ?? []).map((i) => i.json);
}

function writeJsonTemp(userFolder, name, value) {
	const file = join(userFolder, 'e2e-import', name);
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, JSON.stringify(value, null, 2));
	return file;
}

/**
 * A CLI bound to one user folder. Import credentials (data as a plain object; n8n
 * encrypts it) and workflows (give them an `id` of at most 21 characters to execute
 * them by id), then execute.
 */
export function n8nCli(userFolder, { extraEnv = {} } = {}) {
	const envFor = async () =>
		n8nEnv(userFolder, await freePort(), { brokerPort: await freePort(), extra: extraEnv });
	const must = (label, r) => {
		if (r.code !== 0) {
			throw new Error(`n8n ${label} exited ${r.code ?? r.signal}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
		}
		return r;
	};
	return {
		async run(args, opts = {}) {
			return runN8nCli(args, { env: await envFor(), ...opts });
		},
		/** credentials: array of { id?, name, type, data: {...} } */
		async importCredentials(credentials) {
			const file = writeJsonTemp(userFolder, `credentials-${Date.now()}.json`, credentials);
			return must('import:credentials', await this.run(['import:credentials', `--input=${file}`]));
		},
		/** workflows: one workflow object or an array of them */
		async importWorkflows(workflows) {
			const list = Array.isArray(workflows) ? workflows : [workflows];
			const file = writeJsonTemp(userFolder, `workflows-${Date.now()}.json`, list);
			return must('import:workflow', await this.run(['import:workflow', `--input=${file}`]));
		},
		/**
		 * `n8n execute --id <id> --rawOutput`. Resolves { code, run, stdout, stderr, ms };
		 * `run` is the parsed execution (also printed when the workflow failed), or null.
		 */
		async execute(id, { timeoutMs = 180000 } = {}) {
			const r = await this.run(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
			let run = null;
			try {
				run = parseExecuteOutput(r.stdout);
			} catch {
				run = null;
			}
			return { ...r, run };
		},
	};
}

/**
 * Start `n8n start` and wait (bounded) until it serves its REST API.
 * @returns {Promise<{url:string, port:number, pid:number, child, logFile:string, stop:()=>Promise<void>, ms:number}>}
 */
export async function startN8n({
	userFolder,
	port,
	extraEnv = {},
	logFile = join(userFolder, 'n8n-start.log'),
	timeoutMs = 180000,
} = {}) {
	const t0 = Date.now();
	port ??= await freePort();
	const env = n8nEnv(userFolder, port, { brokerPort: await freePort(), extra: extraEnv });
	mkdirSync(dirname(logFile), { recursive: true });
	// n8n writes straight to the log file (not through a pipe to us), so it never blocks
	// or spins on a broken pipe if this process goes away first.
	const fd = openSync(logFile, 'a');
	const child = spawnN8n(['start'], env, ['ignore', fd, fd]);
	closeSync(fd);
	const url = `http://127.0.0.1:${port}`;
	const server = {
		url,
		port,
		pid: child.pid,
		child,
		logFile,
		ms: 0,
		async stop(opts) {
			await stopChild(child, opts);
		},
	};
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`n8n start exited early (${child.exitCode ?? child.signalCode}); see ${logFile}`);
		}
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(`n8n did not get ready within ${timeoutMs} ms; see ${logFile}`);
		}
		if (await ready(url)) break;
		await sleep(250);
	}
	server.ms = Date.now() - t0;
	return server;
}

async function ready(url) {
	try {
		// /healthz answers before the REST API is mounted; /healthz/readiness checks the
		// database and migrations; /rest/settings is the first call the editor makes.
		for (const path of ['/healthz', '/healthz/readiness', '/rest/settings']) {
			const res = await fetch(url + path, { signal: AbortSignal.timeout(2000) });
			await res.arrayBuffer();
			if (res.status !== 200) return false;
		}
		return true;
	} catch {
		return false;
	}
}
