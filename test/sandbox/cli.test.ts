import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

import { SANDBOX_KEYS, VENDOR_PREFIXES, VENDORS } from '.';
import { parseArgs, vendorFacts, type VendorFacts } from './cli';
import { authHeaders, request, SAMPLE_UPDATE, settle } from './testUtils';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(__dirname, 'cli.ts');
const TS_NODE = require.resolve('ts-node/dist/bin.js');

/** Runs the CLI the way `npm run sandbox` does (ts-node --transpile-only), without npm in between. */
function startCli(args: string[]): ChildProcessWithoutNullStreams {
	return spawn(process.execPath, [TS_NODE, '--transpile-only', CLI, ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
}

/** Resolves with stdout once `predicate` holds for it; rejects on exit or after `ms`. */
function waitForOutput(child: ChildProcessWithoutNullStreams, predicate: (out: string) => boolean, ms = 20_000): Promise<string> {
	return new Promise((resolve, reject) => {
		let out = '';
		let err = '';
		const timer = setTimeout(() => done(new Error(`timed out; stdout: ${out} stderr: ${err}`)), ms);
		const onOut = (chunk: Buffer) => {
			out += chunk.toString();
			if (predicate(out)) done();
		};
		const onErr = (chunk: Buffer) => (err += chunk.toString());
		const onExit = (code: number | null) => done(new Error(`cli exited with ${code}; stdout: ${out} stderr: ${err}`));
		function done(error?: Error) {
			clearTimeout(timer);
			child.stdout.off('data', onOut);
			child.stderr.off('data', onErr);
			child.off('exit', onExit);
			if (error) reject(error);
			else resolve(out);
		}
		child.stdout.on('data', onOut);
		child.stderr.on('data', onErr);
		child.on('exit', onExit);
	});
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
	return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('sandbox: command line', () => {
	const children: ChildProcessWithoutNullStreams[] = [];
	afterAll(async () => {
		for (const child of children) {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGKILL');
				await exitOf(child);
			}
		}
	});

	it('prints the listening line, the base URLs and keys, serves requests, logs them, and stops on SIGTERM', async () => {
		const child = startCli(['--port', '0', '--seed-count', '2']);
		children.push(child);
		const banner = await waitForOutput(child, (out) => out.includes('/__sandbox/health'));
		const lines = banner.split('\n');
		const match = /^sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(lines[0]);
		expect(match).not.toBeNull();
		const url = match![1];
		for (const vendor of VENDORS) expect(banner).toContain(url + VENDOR_PREFIXES[vendor]);
		expect(banner).toContain(SANDBOX_KEYS.leadLex.valid);
		expect(banner).toContain(SANDBOX_KEYS.raze.readOnly);

		const logged = waitForOutput(child, (out) => out.includes('PATCH /leadlex/v1/contacts/'));
		const { method, path: updatePath, body } = SAMPLE_UPDATE.leadLex;
		const res = await request(`${url}${VENDOR_PREFIXES.leadLex}${updatePath}`, { method, body, headers: authHeaders('leadLex') });
		expect(res.status).toBe(200);
		await logged;
		expect((await request(`${url}/__sandbox/contacts/leadLex/contact-2`)).status).toBe(200);

		child.kill('SIGTERM');
		expect(await exitOf(child)).toEqual({ code: 0, signal: null });
	});

	it('--quiet prints only the listening line; SIGINT stops it too', async () => {
		const child = startCli(['--port=0', '--quiet', '--no-record']);
		children.push(child);
		const out = await waitForOutput(child, (o) => o.includes('\n'));
		expect(out).toMatch(/^sandbox listening on http:\/\/127\.0\.0\.1:\d+\n$/);
		const url = out.trim().split(' ').pop()!;
		expect((await request(`${url}/__sandbox/health`)).status).toBe(200);
		child.kill('SIGINT');
		expect((await exitOf(child)).code).toBe(0);
	});

	it('stops by itself when the process that started it dies (as with `npm run sandbox` and SIGTERM)', async () => {
		// A middleman plays npm: it starts the CLI, relays its stdout, and is then killed without passing anything on.
		const relay = `const c = require('child_process').spawn(process.execPath, ${JSON.stringify([TS_NODE, '--transpile-only', CLI, '--port', '0', '--quiet'])}, { stdio: ['ignore', 'inherit', 'inherit'] });`;
		const middleman = spawn(process.execPath, ['-e', relay], { cwd: ROOT });
		children.push(middleman);
		const out = await waitForOutput(middleman, (o) => o.includes('\n'));
		const url = out.trim().split(' ').pop()!;
		expect((await request(`${url}/__sandbox/health`)).status).toBe(200);
		middleman.kill('SIGKILL');
		await exitOf(middleman);
		const deadline = Date.now() + 5000;
		let stopped = false;
		while (!stopped && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			stopped = !(await settle(request(`${url}/__sandbox/health`, { timeoutMs: 500 }))).ok;
		}
		expect(stopped).toBe(true);
	});

	it("--vendors prints each registered vendor's facts as JSON and exits without starting a sandbox", async () => {
		const child = startCli(['--vendors', '--port', '0']);
		children.push(child);
		let out = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		// 'close' comes after stdout has ended, so `out` is whole.
		const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
		expect(await closed).toBe(0);
		expect(out).not.toContain('sandbox listening');
		expect(out.trim().split('\n')).toHaveLength(1);
		const facts = JSON.parse(out) as VendorFacts[];
		expect(facts).toEqual(vendorFacts());
		expect(facts.map((entry) => entry.vendor)).toEqual(VENDORS);
		// What the e2e tests rely on, pinned for one vendor from its pages.
		expect(facts.find((entry) => entry.vendor === 'raze')).toMatchObject({ label: 'Raze', prefix: '/raze', seedId: 'cnt_abc123def456', authHeader: 'x-api-key' });
	});

	it('exits with 1 and a message for an unknown option', async () => {
		const child = startCli(['--host', '0.0.0.0']);
		children.push(child);
		let err = '';
		child.stderr.on('data', (c: Buffer) => (err += c.toString()));
		expect((await exitOf(child)).code).toBe(1);
		expect(err).toContain('unknown option --host');
	});

	it('parses options', () => {
		expect(parseArgs([])).toMatchObject({ port: 4010, seedCount: 0, quiet: false, record: true, log: true });
		expect(parseArgs(['--port', '0', '--seed-count=5', '--hang-ms', '100', '--latency-ms', '50', '--quiet', '--no-record'])).toEqual({
			port: 0,
			seedCount: 5,
			hangMs: 100,
			latencyMs: 50,
			quiet: true,
			log: false,
			record: false,
		});
		expect(parseArgs(['--vendors'])).toMatchObject({ vendors: true });
		expect(() => parseArgs(['--port', 'abc'])).toThrow(/--port/);
		expect(() => parseArgs(['--latency-ms', '-5'])).toThrow(/--latency-ms/);
	});
});
