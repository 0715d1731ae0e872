// A throwaway Postgres 15 for n8n's queue mode: a fresh data folder, 127.0.0.1 only, a free port,
// its unix socket inside the same folder, stopped by its PID.
//
// initdb and postgres refuse to run as root; as root they run as the `postgres` user through
// setpriv, which execs (no process in between), so the PID we hold is the postmaster's.
import { spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from './env.mjs';
import { spawnGroup, stopChild } from './n8n.mjs';

/** Debian's Postgres 15 binaries, or whatever `initdb` is on PATH (PG_BIN overrides). */
export function postgresBin(name) {
	const dirs = [process.env.PG_BIN, '/usr/lib/postgresql/15/bin'].filter(Boolean);
	const dir = dirs.find((d) => existsSync(join(d, name)));
	return dir ? join(dir, name) : name;
}

/** The uid/gid of the `postgres` user, or null when we are not root (then we run as ourselves). */
function postgresUser() {
	if (process.getuid?.() !== 0) return null;
	const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	const gid = id('-g');
	if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root, but there is no `postgres` user for initdb/postgres');
	return { uid, gid };
}

/** [command, args] that run `bin` as the postgres user when we are root. */
function asPostgres(user, bin, args) {
	if (!user) return [bin, args];
	return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', bin, ...args]];
}

function mustRun(command, args, opts) {
	const r = spawnSync(command, args, { encoding: 'utf8', timeout: 120000, ...opts });
	if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error}):\n${r.stdout}${r.stderr}`);
	return r.stdout;
}

/**
 * initdb a fresh cluster in `<dir>/data` and start it on 127.0.0.1:`port` (a free one by
 * default) with a password-protected superuser and an empty database; bounded wait until it
 * accepts connections.
 * @returns {Promise<{host:string, port:number, user:string, password:string, database:string, pid:number, child, dir:string, logFile:string, stop:()=>Promise<void>}>}
 */
export async function startPostgres({ dir, port, user = 'n8n', password = 'n8n-queue-test', database = 'n8n', timeoutMs = 60000 }) {
	port ??= await freePort();
	const pgUser = postgresUser();
	const data = join(dir, 'data');
	const socketDir = join(dir, 'socket');
	const pwFile = join(dir, 'pwfile');
	mkdirSync(socketDir, { recursive: true });
	writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
	if (pgUser) for (const p of [dir, socketDir, pwFile]) chownSync(p, pgUser.uid, pgUser.gid);

	const [initCmd, initArgs] = asPostgres(pgUser, postgresBin('initdb'), [
		`--pgdata=${data}`,
		`--username=${user}`,
		`--pwfile=${pwFile}`,
		'--auth-local=scram-sha-256',
		'--auth-host=scram-sha-256',
		'--encoding=UTF8',
		'--locale=C',
		'--no-sync',
	]);
	mustRun(initCmd, initArgs, { cwd: dir, env: { ...process.env, HOME: dir } });

	const logFile = join(dir, 'postgres.log');
	const fd = openSync(logFile, 'a');
	if (pgUser) chownSync(logFile, pgUser.uid, pgUser.gid);
	const [cmd, args] = asPostgres(pgUser, postgresBin('postgres'), [
		'-D', data,
		'-p', String(port),
		'-k', socketDir,
		'-c', 'listen_addresses=127.0.0.1',
		'-c', 'unix_socket_permissions=0700',
		// a throwaway database: durability buys nothing here and costs the shared 2 cores
		'-c', 'fsync=off',
		'-c', 'synchronous_commit=off',
		'-c', 'full_page_writes=off',
	]);
	const child = spawnGroup(cmd, args, { cwd: dir, env: { ...process.env, HOME: dir }, stdio: ['ignore', fd, fd] });
	closeSync(fd);

	const pg = {
		host: '127.0.0.1',
		port,
		user,
		password,
		database,
		pid: child.pid,
		child,
		dir,
		logFile,
		/** Fast shutdown (SIGINT: clients are disconnected), then the group, bounded. */
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			try {
				process.kill(child.pid, 'SIGINT');
			} catch {
				// already gone
			}
			await Promise.race([exited, sleep(15000)]);
			await stopChild(child, { graceMs: 5000 });
		},
	};

	const clientEnv = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '2' };
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
		const r = spawnSync(postgresBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-t', '2'], { env: clientEnv, timeout: 5000 });
		if (r.status === 0) break;
		if (Date.now() > deadline) {
			await pg.stop();
			throw new Error(`postgres did not accept connections within ${timeoutMs} ms; see ${logFile}`);
		}
		await sleep(200);
	}
	mustRun(postgresBin('createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database], { env: clientEnv });
	return pg;
}

/** n8n's database settings for a running Postgres (DB_TYPE=postgresdb and DB_POSTGRESDB_*). */
export function postgresEnv(pg) {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
	};
}
