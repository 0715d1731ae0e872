#!/usr/bin/env node
// Packs the package as npm would publish it and runs @n8n/scan-community-package's checks on
// the unpacked tarball and on the shippable sources, offline (its CLI only takes a registry name).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'contact-hub-verify-'));
let failed = false;

try {
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		}),
	)[0];
	execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', work]);
	const unpacked = path.join(work, 'package');
	const manifest = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
	const files = packed.files.map((file) => file.path);
	console.log(`packed ${packed.filename}: ${files.length} files, ${packed.size} bytes`);

	const problems = [];
	for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
		if (!existsSync(path.join(unpacked, file))) problems.push(`n8n entry missing from the tarball: ${file}`);
	}
	for (const file of files) {
		if (/^(test|bench|e2e|scripts|src)\//.test(file) || /\.test\.|sandbox/.test(file)) {
			problems.push(`development file in the tarball: ${file}`);
		}
	}
	for (const icon of ['dist/nodes/ContactHub/contactHub.svg', 'dist/nodes/ContactHub/contactHub.dark.svg']) {
		if (!files.includes(icon)) problems.push(`icon missing from the tarball: ${icon}`);
	}
	if (Object.keys(manifest.dependencies ?? {}).length > 0) problems.push('runtime dependencies are not allowed');

	for (const [leg, dir, patterns] of [
		['tarball', unpacked, undefined],
		['sources', root, SOURCE_FILE_PATTERNS],
	]) {
		const result = await analyzePackage(dir, patterns);
		console.log(`scan (${leg}): ${result.passed ? 'passed' : 'FAILED'}${result.message ? ` (${result.message})` : ''}`);
		if (!result.passed) problems.push(`${leg}: ${result.details ?? result.message}`);
	}

	for (const problem of problems) console.error(`verify: ${problem}`);
	failed = problems.length > 0;
	console.log(failed ? 'verify: FAILED' : 'verify: passed');
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
