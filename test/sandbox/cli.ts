/**
 * Command line: npx ts-node --transpile-only test/sandbox/cli.ts [--port 4010] [--seed-count N] [--hang-ms N] [--latency-ms N] [--quiet] [--no-record]
 * First line of output is always `sandbox listening on http://127.0.0.1:PORT` (scripts parse it).
 */
import { SANDBOX_KEYS, SEED_IDS, startSandbox, VENDORS } from './index';
import type { SandboxOptions } from './types';

const USAGE = `usage: cli.ts [--port N (default 4010, 0 = any free port)] [--seed-count N] [--hang-ms N] [--latency-ms N] [--quiet] [--no-record]
The sandbox listens on 127.0.0.1 only.`;

interface CliOptions extends SandboxOptions {
	quiet: boolean;
}

/** Parses argv (without node and script); throws on unknown or malformed options. */
export function parseArgs(argv: string[]): CliOptions {
	const options: CliOptions = { port: 4010, seedCount: 0, quiet: false, record: true, log: true };
	const intOf = (name: string, value: string | undefined): number => {
		if (value === undefined || !/^\d+$/.test(value)) throw new Error(`${name} needs a non-negative integer`);
		return Number(value);
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
		const value = () => inline ?? argv[++i];
		switch (flag) {
			case '--port':
				options.port = intOf(flag, value());
				break;
			case '--seed-count':
				options.seedCount = intOf(flag, value());
				break;
			case '--hang-ms':
				options.hangMs = intOf(flag, value());
				break;
			case '--latency-ms':
				options.latencyMs = intOf(flag, value());
				break;
			case '--quiet':
				options.quiet = true;
				options.log = false;
				break;
			case '--no-record':
				options.record = false;
				break;
			case '--help':
			case '-h':
				console.log(USAGE);
				return process.exit(0);
			default:
				throw new Error(`unknown option ${flag}\n${USAGE}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox(options);
	console.log(`sandbox listening on ${sandbox.url}`);
	if (!options.quiet) {
		for (const vendor of VENDORS) {
			const keys = SANDBOX_KEYS[vendor] as { valid: string; readOnly?: string };
			const readOnly = keys.readOnly ? `  read-only key ${keys.readOnly}` : '';
			console.log(`  ${vendor.padEnd(8)} ${sandbox.baseUrl(vendor)}  key ${keys.valid}${readOnly}  demo contact ${SEED_IDS[vendor]}`);
		}
		console.log(`  admin    ${sandbox.url}/__sandbox/health  (see test/sandbox/README.md)`);
	}
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		if (!options.quiet) console.log(`sandbox stopping (${signal})`);
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	// `npm run sandbox` exits on SIGTERM without passing it on; an orphaned sandbox stops by itself.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent) stop('parent process exited');
	}, 250).unref();
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(`sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	});
}
