/**
 * Command line: npx ts-node --transpile-only test/sandbox/cli.ts [--port 4010] [--seed-count N] [--hang-ms N] [--latency-ms N] [--quiet] [--no-record]
 * First line of output is always `sandbox listening on http://127.0.0.1:PORT` (scripts parse it).
 * `--vendors` prints the registry's facts as JSON instead (see vendorFacts) and exits without starting a sandbox.
 */
import { DOCUMENTED, SANDBOX_KEYS, SEED_IDS, startSandbox, VENDOR_PREFIXES, VENDORS } from './index';
import type { SandboxOptions, Vendor } from './types';
import { VENDOR_MODULES } from './vendors';

const USAGE = `usage: cli.ts [--port N (default 4010, 0 = any free port)] [--seed-count N] [--hang-ms N] [--latency-ms N] [--quiet] [--no-record]
       cli.ts --vendors   (print the vendor registry's facts as JSON and exit)
The sandbox listens on 127.0.0.1 only.`;

interface CliOptions extends SandboxOptions {
	quiet: boolean;
	/** Print vendorFacts() as JSON and exit. */
	vendors?: boolean;
}

/** What scripts outside TypeScript (e2e/, the demo) need to know of one registered vendor. */
export interface VendorFacts {
	vendor: Vendor;
	label: string;
	prefix: string;
	keys: { valid: string; readOnly?: string };
	seedId: string;
	/** The vendor's contact keys of the node's Name, Email and Phone. */
	contactKeys: { name: string; email: string; phone: string };
	/** The documented auth header, lower-cased. */
	authHeader: string;
}

/** Every registered vendor's facts, in the registry's order (what `--vendors` prints). */
export function vendorFacts(): VendorFacts[] {
	return VENDORS.map((vendor) => ({
		vendor,
		label: VENDOR_MODULES[vendor].label,
		prefix: VENDOR_PREFIXES[vendor],
		keys: SANDBOX_KEYS[vendor],
		seedId: SEED_IDS[vendor],
		contactKeys: DOCUMENTED[vendor].keys,
		authHeader: DOCUMENTED[vendor].auth.header.toLowerCase(),
	}));
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
			case '--vendors':
				options.vendors = true;
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
	if (options.vendors) {
		console.log(JSON.stringify(vendorFacts()));
		return;
	}
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
