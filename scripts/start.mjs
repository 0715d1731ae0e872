#!/usr/bin/env node
// npm start: build the package, start the vendor sandbox and a local n8n (the pinned one in
// e2e/) with the package linked in as a community package, sandbox credentials for every vendor
// (the sandbox's registry), the example workflow and the owner account; Ctrl-C stops both.
//
//   npm start                          reuse e2e/.n8n-dev/ (your workflows and credentials stay)
//   npm start -- --reset               start over with a fresh e2e/.n8n-dev/
//   npm start -- --port 5679 --sandbox-port 4011 --folder /tmp/my-n8n
//
// The first run sets the folder up (credentials, example workflow, owner) and remembers the
// sandbox port in <folder>/contact-hub-dev.json, since the credentials' base URLs point there.
// Later runs only rebuild, relink and start: nothing you changed in n8n is overwritten.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import {
	DEFAULT_OWNER,
	LABEL,
	N8nRest,
	REPO_DIR,
	buildPackage,
	ensureN8n,
	exampleWorkflow,
	freePort,
	importExample,
	linkPackage,
	startN8n,
	startSandbox,
} from '../e2e/lib/index.mjs';

const { values: args } = parseArgs({
	options: {
		reset: { type: 'boolean', default: false },
		port: { type: 'string' },
		'sandbox-port': { type: 'string' },
		// inside e2e/: git ignores .n8n-dev/ and eslint ignores e2e/.n8n*
		folder: { type: 'string', default: join(REPO_DIR, 'e2e/.n8n-dev') },
	},
});

/** Is a TCP port on 127.0.0.1 free to listen on? */
function portIsFree(port) {
	return new Promise((done) => {
		const srv = createServer();
		srv.once('error', () => done(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
	});
}

async function main() {
	const folder = resolve(args.folder);
	const stateFile = join(folder, 'contact-hub-dev.json');
	if (args.reset && existsSync(folder)) {
		// only ever delete an n8n user folder (a mistyped --folder must not cost anything)
		if (!existsSync(join(folder, '.n8n')) && !existsSync(stateFile)) throw new Error(`${folder} is not an n8n user folder; not deleting it`);
		rmSync(folder, { recursive: true, force: true });
	}
	const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : null;

	const sandboxPort = Number(args['sandbox-port'] ?? state?.sandboxPort ?? 4010);
	if (state && state.sandboxPort !== sandboxPort) {
		throw new Error(
			`${relative(process.cwd(), folder) || folder} was set up with the sandbox on port ${state.sandboxPort}; ` +
				`use that port, or add --reset to start over on ${sandboxPort}`,
		);
	}
	if (!(await portIsFree(sandboxPort))) {
		throw new Error(`port ${sandboxPort} (sandbox) is in use: is another npm start or npm run sandbox running?`);
	}
	let port = Number(args.port ?? 5678);
	if (!(await portIsFree(port))) {
		if (args.port) throw new Error(`port ${port} (n8n) is in use`);
		port = await freePort(); // the default 5678 is taken: any free port will do
	}

	ensureN8n();
	console.log('Building the package ...');
	buildPackage();
	// A link, so `npm run build` + restarting npm start picks up changes without packing.
	linkPackage(folder, REPO_DIR);

	const sandbox = await startSandbox({ port: sandboxPort });
	let n8n;
	let stopping = false;
	const stopAll = async (code) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox ...');
		await n8n?.stop();
		await sandbox.stop();
		console.log('Stopped.');
		process.exit(code);
	};
	process.on('SIGINT', () => stopAll(0));
	process.on('SIGTERM', () => stopAll(0));
	sandbox.child.once('exit', (c, s) => {
		if (!stopping) console.error(`The sandbox stopped by itself (${c ?? s}).`);
		void stopAll(1);
	});

	try {
		if (!state) {
			console.log('First run: importing the sandbox credentials and the example workflow ...');
			await importExample(folder, sandbox.url);
		}
		console.log('Starting n8n ...');
		n8n = await startN8n({ userFolder: folder, port, logFile: join(folder, 'n8n.log') });
	} catch (error) {
		await sandbox.stop();
		throw error;
	}
	n8n.child.once('exit', (c, s) => {
		if (!stopping) console.error(`n8n stopped by itself (${c ?? s}); see ${n8n.logFile}`);
		void stopAll(1);
	});

	const rest = new N8nRest(n8n.url);
	if (!(await rest.ownerIsSetUp())) await rest.setupOwner(DEFAULT_OWNER);
	if (!state) writeFileSync(stateFile, JSON.stringify({ sandboxPort, createdAt: new Date().toISOString() }, null, 2));

	const workflow = exampleWorkflow();
	const labels = Object.values(LABEL);
	const vendors = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : labels.join('');
	const rel = relative(process.cwd(), folder);
	const shown = rel && !rel.startsWith('..') ? rel : folder;
	console.log(`
Contact Hub is running in n8n.

  n8n          ${n8n.url}
  workflow     ${n8n.url}/workflow/${workflow.id}   ("${workflow.name}")
  e-mail       ${DEFAULT_OWNER.email}
  password     ${DEFAULT_OWNER.password}${state ? '   (unless you changed it)' : ''}
  sandbox      ${sandbox.url}   (fake ${vendors}; credentials "<Vendor> (sandbox)")
  user folder  ${shown}   (n8n's log: ${join(shown, 'n8n.log')}; npm start -- --reset starts over)

Press Ctrl-C to stop n8n and the sandbox.`);
}

main().catch((error) => {
	console.error(`npm start failed: ${error?.message ?? error}`);
	process.exit(1);
});
