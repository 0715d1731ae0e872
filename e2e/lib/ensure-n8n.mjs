// Installs the pinned n8n of the current line (lines.mjs) on first use.
//
// A real n8n (about 2.3 GB, 2 to 4 minutes) is kept out of the package's own install: the
// default line lives in e2e/node_modules, the others in e2e/lines/<version>/node_modules, each
// installed from its own package-lock.json with `npm ci` the first time a script needs it (and
// again when the pin changes). A line on another Node runs npm with that Node first on PATH, so
// native modules (sqlite3, isolated-vm) are built for the Node that will load them.
//
//   node e2e/lib/ensure-n8n.mjs                          # the current line ($CONTACT_HUB_N8N_LINE)
//   node e2e/lib/ensure-n8n.mjs --all                    # every line of the matrix
//   import { ensureN8n } from './ensure-n8n.mjs'; ensureN8n();
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { LINES, currentLine, lineNodeVersion, lineNpmEnv } from './lines.mjs';

/** The e2e/ folder (the default line's package.json and lock). */
export const E2E_DIR = fileURLToPath(new URL('..', import.meta.url));

/** n8n's CLI entry (a node script) in a line's folder. */
export function n8nMain(line = currentLine()) {
	return join(line.dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** n8n's CLI entry of the current line; run it with lineNodeBin(), not through a shell. */
export const N8N_MAIN = n8nMain();

/** The n8n version pinned in the line's package.json. */
export function pinnedN8nVersion(line = currentLine()) {
	return JSON.parse(readFileSync(join(line.dir, 'package.json'), 'utf8')).dependencies.n8n;
}

/** The n8n version installed in the line's node_modules, or null. */
export function installedN8nVersion(line = currentLine()) {
	const pkg = join(line.dir, 'node_modules', 'n8n', 'package.json');
	if (!existsSync(join(line.dir, 'node_modules', '.bin', 'n8n')) || !existsSync(pkg)) return null;
	return JSON.parse(readFileSync(pkg, 'utf8')).version;
}

function npmIn(line, args, log) {
	log(`e2e: npm ${args.join(' ')}   (in ${line.dir}, Node ${lineNodeVersion(line)})`);
	const r = spawnSync('npm', args, {
		cwd: line.dir,
		// @scarf/scarf (a dependency of n8n's) would report the install to its analytics service
		env: { ...lineNpmEnv(line), SCARF_ANALYTICS: 'false' },
		stdio: ['ignore', 'inherit', 'inherit'],
		timeout: 30 * 60 * 1000,
	});
	if (r.status !== 0) throw new Error(`npm ${args.join(' ')} in ${line.dir} failed (status ${r.status}, signal ${r.signal})`);
}

/**
 * Make sure the line's pinned n8n is installed (default: the current line); runs `npm ci`
 * in its folder when it is not. Returns { version, node, installed: boolean, seconds }.
 * Throws when the install fails.
 */
export function ensureN8n({ log = console.error, line = currentLine() } = {}) {
	const pinned = pinnedN8nVersion(line);
	if (pinned !== line.n8n) throw new Error(`${line.dir}/package.json pins n8n ${pinned}, but the line is ${line.n8n}`);
	const node = lineNodeVersion(line);
	const have = installedN8nVersion(line);
	if (have === pinned) return { version: have, node, installed: false, seconds: 0 };
	log(
		have
			? `e2e: n8n ${have} installed but ${pinned} is pinned; reinstalling ...`
			: `e2e: first use: installing n8n ${pinned} for Node ${node} (npm ci, about 2.3 GB, 2 to 4 minutes) ...`,
	);
	const t0 = Date.now();
	npmIn(line, ['ci', '--no-audit', '--no-fund', ...(line.ignoreScripts ? ['--ignore-scripts'] : [])], log);
	if (line.rebuild.length) npmIn(line, ['rebuild', ...line.rebuild], log);
	const seconds = Math.round((Date.now() - t0) / 1000);
	const now = installedN8nVersion(line);
	if (now !== pinned) throw new Error(`after npm ci, n8n is ${now}, expected ${pinned}`);
	log(`e2e: n8n ${now} installed in ${seconds} s`);
	return { version: now, node, installed: true, seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	try {
		for (const line of process.argv.includes('--all') ? LINES : [currentLine()]) {
			const r = ensureN8n({ line });
			console.log(`n8n ${r.version} (Node ${r.node}) ready in ${line.dir}${r.installed ? ` (installed in ${r.seconds} s)` : ''}`);
		}
	} catch (error) {
		console.error(String(error?.message ?? error));
		process.exit(1);
	}
}
