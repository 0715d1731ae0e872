// n8n's queue mode on one machine: Postgres, Redis, one main (`n8n start`) and N workers
// (`n8n worker`), every process with its own user folder holding Contact Hub installed as the
// README's Install section says, all on 127.0.0.1.
//
// Names checked against n8n 2.8.4 (e2e/node_modules/n8n/dist/commands/worker.js,
// scaling/scaling.service.js, scaling/worker-server.js, workflow-runner.js) and
// @n8n/config 2.8.4 (dist/configs/scaling-mode.config.js: QUEUE_BULL_*, QUEUE_HEALTH_CHECK_*,
// N8N_WORKER_SERVER_ADDRESS, QUEUE_WORKER_LOCK_*/STALLED_INTERVAL; executions.config.js:
// EXECUTIONS_MODE; database.config.js: DB_POSTGRESDB_*; instance-settings-config.js:
// N8N_ENCRYPTION_KEY).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { CREDENTIAL_TYPE, LABEL, REPO_DIR, SANDBOX_KEY, VENDORS } from './contact-hub.mjs';
import { nodesDir, npmPack } from './community.mjs';
import { N8N_MAIN } from './ensure-n8n.mjs';
import { freePort, n8nEnv } from './env.mjs';
import { spawnGroup, startN8n, stopChild } from './n8n.mjs';
import { postgresEnv, startPostgres } from './postgres.mjs';
import { ensureRedisServer, startRedis } from './redis.mjs';
import { DEFAULT_OWNER, N8nRest } from './rest.mjs';

export { postgresBin, postgresEnv, startPostgres } from './postgres.mjs';
export { ensureRedisServer, redisCli, startRedis } from './redis.mjs';

/** Jobs each worker runs at once (`n8n worker --concurrency`); n8n warns below 5. */
const DEFAULT_CONCURRENCY = 5;

/**
 * The environment every queue-mode process shares: Postgres, Redis (Bull) and one encryption
 * key (workers decrypt the credentials main stored).
 */
function queueEnv({ postgres, redis, encryptionKey }) {
	return {
		...postgresEnv(postgres),
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_ENCRYPTION_KEY: encryptionKey,
	};
}

/**
 * Install a `npm pack` tarball into `<userFolder>/.n8n/nodes` with exactly the README's
 * command: `npm install --legacy-peer-deps <tgz>` in that folder.
 */
function installPackageLikeReadme(userFolder, tgz) {
	const dir = nodesDir(userFolder);
	mkdirSync(dir, { recursive: true });
	// the file n8n's own installer starts from; it also keeps npm from looking further up
	const pj = join(dir, 'package.json');
	if (!existsSync(pj)) writeFileSync(pj, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	const r = spawnSync('npm', ['install', '--legacy-peer-deps', '--no-audit', '--no-fund', tgz], { cwd: dir, encoding: 'utf8', timeout: 300000 });
	if (r.status !== 0) throw new Error(`npm install --legacy-peer-deps ${tgz} in ${dir} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}

/** Files the package's "n8n" field names that a tarball lacks. */
function missingFromTarball(tgz) {
	const { n8n } = JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8'));
	const listed = new Set(spawnSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).stdout.split('\n'));
	return [...n8n.nodes, ...n8n.credentials].filter((f) => !listed.has(`package/${f}`));
}

/**
 * `npm pack` the repository (its prepack builds dist/). Another build running in the same
 * working tree at that moment can make the clean step fail (ENOTEMPTY) or leave files out of
 * the tarball, so it is checked and tried twice more.
 */
async function packWithRetry(dest) {
	for (let attempt = 1; ; attempt++) {
		let problem;
		try {
			const tgz = npmPack(REPO_DIR, dest);
			const missing = missingFromTarball(tgz);
			if (missing.length === 0) return tgz;
			problem = new Error(`${tgz} lacks ${missing.join(', ')}`);
		} catch (error) {
			problem = error;
		}
		if (attempt >= 3) throw problem;
		await sleep(5000 * attempt);
	}
}

/** GET a URL on 127.0.0.1; true on 200. */
async function answers200(url) {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
		await res.arrayBuffer();
		return res.status === 200;
	} catch {
		return false;
	}
}

/**
 * Start one `n8n worker`. Its health server (on 127.0.0.1, a free port) answers
 * /healthz/readiness once the database and Redis are connected, which `run()` reaches only
 * after the worker has loaded its nodes and started taking jobs.
 */
async function startWorker({ index, userFolder, mainPort, concurrency, env, timeoutMs = 180000 }) {
	const healthPort = await freePort();
	const logFile = join(userFolder, 'n8n-worker.log');
	const fullEnv = n8nEnv(userFolder, mainPort, {
		brokerPort: await freePort(),
		extra: {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1', // default '::', every interface
			...env,
		},
	});
	const fd = openSync(logFile, 'a');
	const child = spawnGroup(process.execPath, [N8N_MAIN, 'worker', `--concurrency=${concurrency}`], { env: fullEnv, stdio: ['ignore', fd, fd] });
	closeSync(fd);
	const healthUrl = `http://127.0.0.1:${healthPort}`;
	const worker = {
		index,
		pid: child.pid,
		child,
		userFolder,
		logFile,
		healthUrl,
		concurrency,
		stop: (opts) => stopChild(child, opts),
		/** Execution ids this worker logged "Worker started execution <id>" for, in order. */
		startedExecutions: () => loggedExecutions(logFile, 'started'),
		/** Execution ids this worker logged "Worker finished execution <id>" for. */
		finishedExecutions: () => loggedExecutions(logFile, 'finished'),
	};
	const deadline = Date.now() + timeoutMs;
	while (!(await answers200(`${healthUrl}/healthz/readiness`))) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`n8n worker ${index} exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
		if (Date.now() > deadline) {
			await worker.stop();
			throw new Error(`n8n worker ${index} not ready within ${timeoutMs} ms; see ${logFile}`);
		}
		await sleep(250);
	}
	return worker;
}

/** Execution ids in a worker's log lines `Worker started|finished execution <id> (job <n>)`. */
function loggedExecutions(logFile, what = 'started') {
	const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
	const re = new RegExp(`Worker ${what} execution (\\d+) \\(job (\\d+)\\)`, 'g');
	return [...text.matchAll(re)].map((m) => ({ executionId: m[1], jobId: m[2] }));
}

/**
 * Start the whole queue-mode stack under a new temp folder and set up the owner and an API
 * key on main. Every process is the leader of its own process group (Ctrl-C and exit of this
 * process end them, see n8n.mjs); `stop()` ends them by PID and removes the folder unless `keep`.
 *
 * @param {object} [opts]
 * @param {number} [opts.workers]      how many `n8n worker` processes (default 2)
 * @param {number} [opts.concurrency]  `--concurrency` of each worker (default 5)
 * @param {string} [opts.tgz]          a Contact Hub tarball; default: `npm pack` the repository
 * @param {Record<string,string>} [opts.env]        more variables for every process
 * @param {Record<string,string>} [opts.workerEnv]  more variables for the workers
 * @param {boolean} [opts.keep]        keep the temp folder after stop()
 * @param {(msg:string)=>void} [opts.log]  progress lines
 */
export async function startQueueStack({ workers = 2, concurrency = DEFAULT_CONCURRENCY, tgz, env = {}, workerEnv = {}, keep = false, log = () => {} } = {}) {
	const t0 = Date.now();
	const root = mkdtempSync(join(tmpdir(), 'contact-hub-queue-'));
	// Traversable (not listable) by the postgres user, who owns postgres/ below when we are root.
	chmodSync(root, 0o711);
	const stack = {
		root,
		keep,
		encryptionKey: randomBytes(24).toString('hex'),
		postgres: null,
		redis: null,
		main: null,
		workers: [],
		rest: null,
		owner: DEFAULT_OWNER,
		ms: {},
		stop: async () => stopQueueStack(stack),
	};
	try {
		ensureRedisServer({ log });
		const folder = (name) => {
			const dir = join(root, name);
			mkdirSync(dir, { recursive: true, mode: 0o700 });
			return dir;
		};
		const mainFolder = folder('main');
		const workerFolders = Array.from({ length: workers }, (_, i) => folder(`worker-${i + 1}`));

		log('packing Contact Hub (npm pack builds it) and installing it into each user folder ...');
		let t = Date.now();
		tgz ??= await packWithRetry(folder('pack'));
		for (const dir of [mainFolder, ...workerFolders]) installPackageLikeReadme(dir, tgz);
		stack.tgz = tgz;
		stack.ms.install = Date.now() - t;

		log('starting Postgres and Redis ...');
		t = Date.now();
		[stack.postgres, stack.redis] = await Promise.all([startPostgres({ dir: folder('postgres') }), startRedis({ dir: folder('redis') })]);
		stack.ms.databases = Date.now() - t;
		const shared = { ...queueEnv(stack), ...env };

		log('starting n8n main (migrations run here) ...');
		t = Date.now();
		const mainPort = await freePort();
		// Manual runs from the editor go to the workers too (n8n 2.8.4 warns when this is not set).
		stack.main = await startN8n({ userFolder: mainFolder, port: mainPort, extraEnv: { OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true', ...shared } });
		stack.main.userFolder = mainFolder;
		stack.ms.main = Date.now() - t;

		log(`starting ${workers} workers ...`);
		t = Date.now();
		const started = await Promise.allSettled(
			workerFolders.map((dir, i) => startWorker({ index: i + 1, userFolder: dir, mainPort, concurrency, env: { ...shared, ...workerEnv } })),
		);
		for (const s of started) if (s.status === 'fulfilled') stack.workers.push(s.value);
		const failed = started.find((s) => s.status === 'rejected');
		if (failed) throw failed.reason;
		stack.workerSpec = { mainPort, concurrency, env: { ...shared, ...workerEnv } };
		stack.ms.workers = Date.now() - t;

		stack.rest = new N8nRest(stack.main.url);
		await stack.rest.setupOwner(DEFAULT_OWNER);
		await stack.rest.login(DEFAULT_OWNER);
		await stack.rest.createApiKey({ label: 'queue' });
		stack.ms.total = Date.now() - t0;
		return stack;
	} catch (error) {
		await stopQueueStack(stack);
		throw error;
	}
}

/**
 * Start one more worker in a new user folder `worker-<n>`, with Contact Hub installed there
 * from the stack's tarball, or (`install: false`) without it, to see what a worker lacking the
 * package does.
 */
export async function addWorker(stack, { install = true } = {}) {
	const { mainPort, concurrency, env } = stack.workerSpec;
	const index = stack.workers.length + 1;
	const userFolder = join(stack.root, `worker-${index}`);
	mkdirSync(userFolder, { recursive: true, mode: 0o700 });
	if (install) installPackageLikeReadme(userFolder, stack.tgz);
	const worker = await startWorker({ index, userFolder, mainPort, concurrency, env });
	stack.workers.push(worker);
	return worker;
}

/**
 * SIGKILL a worker by its PID, as when its machine or container dies, then whatever is left of
 * its process group (its task runner). Resolves once it has exited.
 */
export async function killWorker(worker) {
	const exited = new Promise((resolve) => worker.child.once('exit', resolve));
	if (worker.child.exitCode === null && worker.child.signalCode === null) {
		process.kill(worker.pid, 'SIGKILL');
		await Promise.race([exited, sleep(10000)]);
	}
	try {
		process.kill(-worker.pid, 'SIGKILL');
	} catch {
		// the group is already empty
	}
}

/** Stop workers, then main, then Redis and Postgres, each by its PID; remove the folder unless kept. */
export async function stopQueueStack(stack) {
	await Promise.all(stack.workers.map((w) => w.stop({ graceMs: 15000 })));
	// a killed worker's group may still hold its task runner
	for (const w of stack.workers) {
		try {
			process.kill(-w.pid, 'SIGKILL');
		} catch {
			// gone
		}
	}
	await stack.main?.stop({ graceMs: 15000 });
	await Promise.all([stack.redis?.stop(), stack.postgres?.stop()]);
	if (!stack.keep) rmSync(stack.root, { recursive: true, force: true, maxRetries: 3 });
}

/** All PIDs of our processes: each group leader and every process in its group. */
function stackPids(stack) {
	const leaders = new Set([stack.main?.pid, stack.postgres?.pid, stack.redis?.pid, ...stack.workers.map((w) => w.pid)].filter(Boolean));
	const pids = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			// /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
			if (leaders.has(pgrp)) pids.push(Number(name));
		} catch {
			// exited meanwhile
		}
	}
	return pids;
}

/** Socket inodes a process holds open. */
function socketInodes(pid) {
	const inodes = new Set();
	try {
		for (const fd of readdirSync(`/proc/${pid}/fd`)) {
			try {
				const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
				if (m) inodes.add(m[1]);
			} catch {
				// closed meanwhile
			}
		}
	} catch {
		// exited
	}
	return inodes;
}

/** Hex address in /proc/net/tcp{,6} to text. */
function hexAddress(hex) {
	if (hex.length === 8) return hex.match(/../g).reverse().map((b) => parseInt(b, 16)).join('.');
	const words = hex.match(/.{8}/g).map((w) => w.match(/../g).reverse().join(''));
	const v6 = words.join('').match(/.{4}/g).map((g) => g.replace(/^0+(?=.)/, '')).join(':');
	return v6 === '0:0:0:0:0:ffff:7f00:1' ? '::ffff:127.0.0.1' : v6;
}

/**
 * Every listening TCP socket and bound UDP socket held by the stack's processes:
 * [{ pid, proto, address, port }] (read from /proc, no tool needed).
 */
export function stackListeners(stack) {
	const byInode = new Map();
	for (const [proto, file] of [['tcp', '/proc/net/tcp'], ['tcp6', '/proc/net/tcp6'], ['udp', '/proc/net/udp'], ['udp6', '/proc/net/udp6']]) {
		if (!existsSync(file)) continue;
		for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
			const f = line.trim().split(/\s+/);
			if (f.length < 10) continue;
			const [addr, port] = f[1].split(':');
			// TCP state 0A is LISTEN; for UDP every bound socket counts (07 = unconnected)
			if (proto.startsWith('tcp') ? f[3] !== '0A' : f[3] !== '07') continue;
			byInode.set(f[9], { proto, address: hexAddress(addr), port: parseInt(port, 16) });
		}
	}
	const out = [];
	for (const pid of stackPids(stack)) {
		for (const inode of socketInodes(pid)) {
			const l = byInode.get(inode);
			if (l) out.push({ pid, ...l });
		}
	}
	return out;
}

/** Is an address loopback only? */
export function isLoopback(address) {
	return address === '127.0.0.1' || address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1';
}

/** The lines `npm run queue:up` prints: where everything is. */
export function describeStack(stack, { sandbox } = {}) {
	const { main, postgres, redis, workers, owner } = stack;
	const lines = [
		`  n8n main     ${main.url}   (pid ${main.pid}, log ${main.logFile})`,
		...workers.map((w) => `  worker ${w.index}     ${w.healthUrl}/healthz   (pid ${w.pid}, --concurrency=${w.concurrency}, log ${w.logFile})`),
		`  postgres     postgresql://${postgres.user}:${postgres.password}@127.0.0.1:${postgres.port}/${postgres.database}   (pid ${postgres.pid})`,
		`  redis        redis://127.0.0.1:${redis.port}   (pid ${redis.pid}, Bull prefix "bull", queue "jobs")`,
		...(sandbox ? [`  sandbox      ${sandbox.url}   (pid ${sandbox.pid}; credentials "<Vendor> (sandbox)" point here)`] : []),
		`  e-mail       ${owner.email}`,
		`  password     ${owner.password}`,
		`  API key      ${stack.rest.apiKey.slice(0, 12)}…   (header X-N8N-API-KEY; full key in ${join(stack.root, 'api-key')})`,
		`  folder       ${stack.root}   (user folders main/, worker-N/; ${stack.keep ? 'kept after Ctrl-C' : 'removed on Ctrl-C; --keep keeps it'})`,
	];
	writeFileSync(join(stack.root, 'api-key'), `${stack.rest.apiKey}\n`, { mode: 0o600 });
	return lines.join('\n');
}

/**
 * Create one credential per vendor on main through the public API, pointed at the sandbox
 * (main stores them encrypted in Postgres; the workers decrypt them with the shared key).
 * @returns {Promise<Record<string, {id:string, name:string}>>}
 */
export async function createSandboxCredentials(rest, sandbox, vendors = VENDORS) {
	const out = {};
	for (const vendor of vendors) {
		const data = { apiKey: SANDBOX_KEY[vendor], baseUrl: sandbox.baseUrl(vendor), allowedHttpRequestDomains: 'all' };
		const created = await rest.createCredential({ name: `${LABEL[vendor]} (sandbox)`, type: CREDENTIAL_TYPE[vendor], data }, { domains: 'given' });
		out[vendor] = { id: created.id, name: created.name };
	}
	return out;
}
