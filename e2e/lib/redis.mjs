// A throwaway Redis for n8n's queue mode (Bull): Debian's redis-server on 127.0.0.1 and a free
// port, no persistence, stopped by its PID. redis-cli (Debian's redis-tools, a dependency of
// redis-server) reads the queue's keys.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from './env.mjs';
import { spawnGroup, stopChild } from './n8n.mjs';

function onPath(name) {
	return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/**
 * Make sure `redis-server` is installed: when it is missing, `apt-get install redis-server`
 * (through sudo unless we are root). Throws when that fails.
 */
export function ensureRedisServer({ log = console.error } = {}) {
	if (onPath('redis-server') && onPath('redis-cli')) return;
	const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
	log('redis-server is missing: installing it with apt-get ...');
	const run = (args) => {
		const [cmd, ...rest] = [...sudo, ...args];
		const r = spawnSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 10 * 60 * 1000 });
		if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status ?? r.signal})`);
	};
	run(['apt-get', 'update']);
	run(['apt-get', 'install', '-y', 'redis-server']);
}

/** Run one redis-cli command against 127.0.0.1:port; its raw output, trimmed. */
export function redisCli(port, ...args) {
	const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--raw', ...args.map(String)], { encoding: 'utf8', timeout: 10000 });
	if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
	return r.stdout.trim();
}

/**
 * Start redis-server in `dir` on 127.0.0.1:`port` (a free one by default) without RDB or AOF
 * files; bounded wait until it answers PING.
 * @returns {Promise<{host:string, port:number, pid:number, child, logFile:string, cli:(...args)=>string, stop:()=>Promise<void>}>}
 */
export async function startRedis({ dir, port, timeoutMs = 30000 }) {
	port ??= await freePort();
	const logFile = join(dir, 'redis.log');
	const fd = openSync(logFile, 'a');
	const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes', '--daemonize', 'no'];
	const child = spawnGroup('redis-server', args, { cwd: dir, stdio: ['ignore', fd, fd] });
	closeSync(fd);
	const redis = {
		host: '127.0.0.1',
		port,
		pid: child.pid,
		child,
		logFile,
		cli: (...a) => redisCli(port, ...a),
		stop: () => stopChild(child, { graceMs: 5000 }),
	};
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
		try {
			if (redis.cli('PING') === 'PONG') return redis;
		} catch {
			// not up yet
		}
		if (Date.now() > deadline) {
			await redis.stop();
			throw new Error(`redis-server did not answer within ${timeoutMs} ms; see ${logFile}`);
		}
		await sleep(100);
	}
}
