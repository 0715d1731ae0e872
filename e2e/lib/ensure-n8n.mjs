// Installs the pinned n8n of e2e/package.json on first use.
//
// The real n8n (about 2.3 GB, about 4 minutes) is kept out of the package's own
// install: it lives in e2e/node_modules, installed from e2e/package-lock.json with
// `npm ci` the first time a script needs it (and again when the pin changes).
//
//   node e2e/lib/ensure-n8n.mjs        # install if needed, print the version
//   import { ensureN8n } from './ensure-n8n.mjs'; ensureN8n();
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The e2e/ folder (with its own package.json and lock). */
export const E2E_DIR = fileURLToPath(new URL('..', import.meta.url));
/** n8n's CLI entry (a node script); run it with process.execPath, not through a shell. */
export const N8N_MAIN = join(E2E_DIR, 'node_modules', 'n8n', 'bin', 'n8n');
const N8N_BIN_LINK = join(E2E_DIR, 'node_modules', '.bin', 'n8n');

/** The n8n version pinned in e2e/package.json. */
export function pinnedN8nVersion() {
	return JSON.parse(readFileSync(join(E2E_DIR, 'package.json'), 'utf8')).dependencies.n8n;
}

/** The n8n version installed in e2e/node_modules, or null. */
export function installedN8nVersion() {
	const pkg = join(E2E_DIR, 'node_modules', 'n8n', 'package.json');
	if (!existsSync(N8N_BIN_LINK) || !existsSync(pkg)) return null;
	return JSON.parse(readFileSync(pkg, 'utf8')).version;
}

/**
 * Make sure the pinned n8n is installed; runs `npm ci` in e2e/ when it is not.
 * Returns { version, installed: boolean, seconds }. Throws when the install fails.
 */
export function ensureN8n({ log = console.error } = {}) {
	const pinned = pinnedN8nVersion();
	const have = installedN8nVersion();
	if (have === pinned) return { version: have, installed: false, seconds: 0 };
	log(
		have
			? `e2e: n8n ${have} installed but ${pinned} is pinned; running npm ci in e2e/ ...`
			: `e2e: first use: installing n8n ${pinned} in e2e/ (npm ci, about 2.3 GB, about 4 minutes) ...`,
	);
	const t0 = Date.now();
	const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
		cwd: E2E_DIR,
		stdio: ['ignore', 'inherit', 'inherit'],
		timeout: 30 * 60 * 1000,
	});
	const seconds = Math.round((Date.now() - t0) / 1000);
	if (r.status !== 0) {
		throw new Error(`npm ci in ${E2E_DIR} failed (status ${r.status}, signal ${r.signal})`);
	}
	const now = installedN8nVersion();
	if (now !== pinned) throw new Error(`after npm ci, n8n is ${now}, expected ${pinned}`);
	log(`e2e: n8n ${now} installed in ${seconds} s`);
	return { version: now, installed: true, seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	try {
		const r = ensureN8n();
		console.log(`n8n ${r.version} ready in ${E2E_DIR}${r.installed ? ` (installed in ${r.seconds} s)` : ''}`);
	} catch (error) {
		console.error(String(error?.message ?? error));
		process.exit(1);
	}
}
