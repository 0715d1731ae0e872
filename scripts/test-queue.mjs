// npm run test:queue: e2e/queue.test.mjs under node:test, then its figures as the very last line
// (node:test prints its own summary after the tests' output; tools read the `queue: …` line last).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'contact-hub-queue-line-'));
const lineFile = join(dir, 'queue-line');
const run = spawnSync(
	process.execPath,
	['--test', '--test-concurrency=1', '--test-reporter=spec', 'e2e/queue.test.mjs'],
	{ cwd: root, stdio: 'inherit', env: { ...process.env, QUEUE_LINE_FILE: lineFile }, timeout: 30 * 60 * 1000 },
);
let line = '';
try {
	line = readFileSync(lineFile, 'utf8').trim();
} catch {
	line = '';
}
rmSync(dir, { recursive: true, force: true });
if (line) console.log(line);
process.exit(run.status ?? 1);
