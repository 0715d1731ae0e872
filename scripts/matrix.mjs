#!/usr/bin/env node
// npm run test:matrix: the e2e suite on every n8n line of the compatibility matrix
// (e2e/lib/lines.mjs), each line's n8n on its own Node.js, installing what is missing first.
// Ends with one line per n8n line, exactly `n8n <version> on Node <version>: N passed, M failed`,
// and exits 1 if any test failed (an install that fails counts as one failed test).
//
//   npm run test:matrix                              every line
//   npm run test:matrix -- --line 2.40.7 --line 1.123   some lines (a unique prefix is enough)
//   npm run test:matrix -- --skip-default            all but the default line
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { ensureN8n } from '../e2e/lib/ensure-n8n.mjs';
import { LINES, LINE_ENV, findLine, lineNodeVersion } from '../e2e/lib/lines.mjs';

const REPO_DIR = join(import.meta.dirname, '..');
/** The suite every line runs. */
const MATRIX_TESTS = ['e2e/contact-hub.test.mjs', 'e2e/reliability.test.mjs', 'e2e/agent.test.mjs', 'e2e/unverified.test.mjs'];

/** node:test's TAP summary (`# pass N`, `# fail M`, ...) as numbers; null when it is missing. */
function tapCounts(tap) {
	const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? NaN);
	const [pass, fail, cancelled, skipped] = ['pass', 'fail', 'cancelled', 'skipped'].map(count);
	if (Number.isNaN(pass) || Number.isNaN(fail)) return null;
	// a test cancelled because its hook or the process failed has not passed either
	return { passed: pass, failed: fail + (cancelled || 0), skipped: skipped || 0 };
}

/** `n8n <version> on Node <version>: N passed, M failed` */
function summaryLine({ n8n, node, passed, failed }) {
	return `n8n ${n8n} on Node ${node}: ${passed} passed, ${failed} failed`;
}

const seconds = (t0) => Math.round((Date.now() - t0) / 1000);

/** Install the line if needed, then run the suite on it with node:test; returns the counts. */
function runLine(line, files) {
	const result = { n8n: line.n8n, node: lineNodeVersion(line), passed: 0, failed: 0, skipped: 0, installSeconds: 0, testSeconds: 0 };
	console.log(`\n=== n8n ${line.n8n} on Node ${result.node}${line.isDefault ? ' (the default line)' : ''}`);
	const t0 = Date.now();
	try {
		ensureN8n({ line, log: (m) => console.log(m) });
	} catch (error) {
		console.log(`install of n8n ${line.n8n} FAILED: ${error?.message ?? error}`);
		return { ...result, failed: 1, installSeconds: seconds(t0) };
	}
	result.installSeconds = seconds(t0);
	const work = mkdtempSync(join(tmpdir(), 'contact-hub-matrix-'));
	const tapFile = join(work, 'report.tap');
	const t1 = Date.now();
	try {
		// the spec reporter for the reader, TAP into a file for the counts
		const args = ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files];
		const r = spawnSync(process.execPath, args, {
			cwd: REPO_DIR,
			env: { ...process.env, [LINE_ENV]: line.n8n },
			stdio: ['ignore', 'inherit', 'inherit'],
			timeout: 40 * 60 * 1000,
		});
		let counts = null;
		try {
			counts = tapCounts(readFileSync(tapFile, 'utf8'));
		} catch {
			counts = null;
		}
		if (!counts) {
			console.log(`node --test gave no summary (exit ${r.status ?? r.signal})`);
			counts = { passed: 0, failed: 1, skipped: 0 };
		} else if (r.status !== 0 && counts.failed === 0) {
			console.log(`node --test exited ${r.status ?? r.signal} with no failed test`);
			counts.failed = 1;
		}
		Object.assign(result, counts);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	result.testSeconds = seconds(t1);
	return result;
}

function main() {
	const { values } = parseArgs({
		options: {
			line: { type: 'string', multiple: true },
			'skip-default': { type: 'boolean', default: false },
		},
	});
	let lines = values.line?.length ? values.line.map(findLine) : [...LINES];
	if (values['skip-default']) lines = lines.filter((l) => !l.isDefault);
	const t0 = Date.now();
	const results = lines.map((line) => runLine(line, MATRIX_TESTS));
	console.log('\n=== compatibility matrix');
	for (const r of results) {
		console.log(`# n8n ${r.n8n}: install ${r.installSeconds} s, tests ${r.testSeconds} s, ${r.skipped} skipped`);
	}
	console.log(`# matrix: ${seconds(t0)} s in all`);
	for (const r of results) console.log(summaryLine(r));
	return results.some((r) => r.failed > 0 || r.passed === 0) ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main());
