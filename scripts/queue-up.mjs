#!/usr/bin/env node
// npm run queue:up: n8n in queue mode on this machine, with Contact Hub on every process.
// Postgres 15, Redis, one n8n main and two `n8n worker`s (each with its own user folder and the
// package installed there from its npm pack tarball), plus the vendor sandbox, the sandbox
// credentials and the example workflow; all on 127.0.0.1 and free ports. Ctrl-C stops it all
// by PID and removes the temp folder.
//
//   npm run queue:up
//   npm run queue:up -- --workers 3 --concurrency 10 --sandbox-port 4010 --keep
import { parseArgs } from 'node:util';

import {
	CREDENTIAL_TYPE,
	NODE_TYPE,
	createSandboxCredentials,
	describeStack,
	ensureN8n,
	ensureRedisServer,
	exampleWorkflow,
	startQueueStack,
	startSandbox,
	stopQueueStack,
} from '../e2e/lib/index.mjs';

const { values: args } = parseArgs({
	options: {
		workers: { type: 'string', default: '2' },
		concurrency: { type: 'string', default: '5' },
		'sandbox-port': { type: 'string', default: '0' },
		keep: { type: 'boolean', default: false },
	},
});

/** A whole number ≥ min from a flag, or exit with a message. */
function count(name, min) {
	const n = Number(args[name]);
	if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
	return n;
}

/** The example workflow, created on main with the credentials just made. */
async function createExample(rest, credentials) {
	const wf = exampleWorkflow();
	for (const node of wf.nodes.filter((n) => n.type === NODE_TYPE)) {
		const vendor = node.parameters.provider;
		node.credentials = { [CREDENTIAL_TYPE[vendor]]: credentials[vendor] };
	}
	return rest.api('POST', '/workflows', { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings });
}

async function main() {
	const workers = count('workers', 1);
	const concurrency = count('concurrency', 1);
	const sandboxPort = count('sandbox-port', 0);
	ensureN8n();
	ensureRedisServer();

	let sandbox;
	let stack;
	let stopping = false;
	const stopAll = async (code) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping the workers, main, Redis, Postgres and the sandbox ...');
		if (stack) await stopQueueStack(stack);
		await sandbox?.stop();
		console.log(stack?.keep ? `Stopped. Kept ${stack.root}` : 'Stopped; temp folders removed.');
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));

	sandbox = await startSandbox({ port: sandboxPort });
	try {
		stack = await startQueueStack({ workers, concurrency, keep: args.keep, log: (m) => console.log(m) });
	} catch (error) {
		await sandbox.stop();
		throw error;
	}
	const watch = (name, child, logFile) =>
		child.once('exit', (c, s) => {
			if (stopping) return;
			console.error(`${name} stopped by itself (${c ?? s})${logFile ? `; see ${logFile}` : ''}`);
			void stopAll(1);
		});
	watch('n8n main', stack.main.child, stack.main.logFile);
	for (const w of stack.workers) watch(`worker ${w.index}`, w.child, w.logFile);
	watch('Postgres', stack.postgres.child, stack.postgres.logFile);
	watch('Redis', stack.redis.child, stack.redis.logFile);
	watch('the sandbox', sandbox.child);

	const credentials = await createSandboxCredentials(stack.rest, sandbox);
	const example = await createExample(stack.rest, credentials);

	console.log(`
n8n is running in queue mode (started in ${Math.round(stack.ms.total / 1000)} s).

${describeStack(stack, { sandbox })}
  workflow     ${stack.main.url}/workflow/${example.id}   ("${example.name}"; Execute runs it on a worker)

Every process has its own user folder with Contact Hub installed by
npm install --legacy-peer-deps <tarball> in <folder>/.n8n/nodes.
Press Ctrl-C to stop everything.`);
}

main().catch((error) => {
	console.error(`queue:up failed: ${error?.message ?? error}`);
	process.exit(1);
});
