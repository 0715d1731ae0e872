// What the scripts and tests know about Contact Hub: the vendors (from the sandbox's registry and
// the built package), the example workflow and its sandbox credentials, DESIGN.md's field table,
// and how the package gets into n8n.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installTarball, npmPack } from './community.mjs';
import { n8nCli } from './n8n.mjs';

/** The repository root (the package). */
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGE_NAME = 'n8n-nodes-contact-hub';
export const NODE_TYPE = `${PACKAGE_NAME}.contactHub`;
export const TOOL_NODE_TYPE = `${NODE_TYPE}Tool`;

/** The sandbox registry's facts (test/sandbox/cli.ts --vendors), in its order: one entry per vendor. */
function readSandboxFacts() {
	const r = spawnSync(process.execPath, [join(REPO_DIR, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'test/sandbox/cli.ts', '--vendors'], {
		cwd: REPO_DIR,
		encoding: 'utf8',
		timeout: 60000,
	});
	if (r.status !== 0) throw new Error(`test/sandbox/cli.ts --vendors failed (${r.status ?? r.signal ?? r.error}):\n${r.stdout}${r.stderr}`);
	return JSON.parse(r.stdout);
}

// Read once, when the harness is imported: the sandbox registry is the list of vendors, so a vendor
// added there (one module, one line) is in every table below without an edit here.
const SANDBOX_FACTS = readSandboxFacts();
/** One value per vendor, in the registry's order. */
const perVendor = (pick) => Object.fromEntries(SANDBOX_FACTS.map((facts) => [facts.vendor, pick(facts)]));

/** Every vendor the sandbox fakes (test/sandbox/vendors/index.ts), in its order. */
export const VENDORS = SANDBOX_FACTS.map((facts) => facts.vendor);
/** Each vendor's name as users know it, from its sandbox module. */
export const LABEL = perVendor((facts) => facts.label);
/** Where each vendor lives on the sandbox. */
export const VENDOR_PATH = perVendor((facts) => facts.prefix);
/** The sandbox's keys (test/sandbox/README.md). */
export const SANDBOX_KEY = perVendor((facts) => facts.keys.valid);
/** The sandbox's read-only keys, for the vendors whose pages document them (Bland AI's do not). */
export const SANDBOX_READ_ONLY_KEY = Object.fromEntries(SANDBOX_FACTS.filter((facts) => facts.keys.readOnly).map((facts) => [facts.vendor, facts.keys.readOnly]));
/** The sandbox's seeded demo contacts. */
export const DEMO_CONTACT = perVendor((facts) => facts.seedId);
/** Each vendor's contact keys of the node's Name, Email and Phone (what `sandbox.seed` takes). */
export const VENDOR_CONTACT_KEYS = perVendor((facts) => facts.contactKeys);
/** The header each vendor documents for its key, lower-cased as the sandbox records headers. */
export const AUTH_HEADER = perVendor((facts) => facts.authHeader);

const require = createRequire(import.meta.url);
/** The built provider registry (an absolute path: it is read from the package's own dist/). */
const BUILT_REGISTRY = join(REPO_DIR, 'dist/nodes/ContactHub/providers/registry.js');
let builtProviders;

/**
 * The built package's provider for each vendor, from dist/ (read on first use, so call it after the
 * package is built: npm pack's prepack, installPackedPackage() or buildPackage()).
 */
export function builtProvider(vendor) {
	if (!builtProviders) {
		if (!existsSync(BUILT_REGISTRY)) throw new Error(`${BUILT_REGISTRY} is missing: build the package first (npm run build)`);
		const { PROVIDERS } = require(BUILT_REGISTRY);
		const missing = VENDORS.filter((v) => !PROVIDERS.some((provider) => provider.id === v));
		if (missing.length) throw new Error(`the built package has no provider for ${missing.join(', ')} (registered in the sandbox): rebuild it (npm run build)`);
		builtProviders = Object.fromEntries(VENDORS.map((v) => [v, PROVIDERS.find((provider) => provider.id === v)]));
	}
	return builtProviders[vendor];
}

// The credential names are the public contract that saved workflows store: the four vendors' are
// written out here, so a rename fails e2e; a vendor not listed (a new one) is read from dist/.
const PUBLISHED_CREDENTIALS = {
	blandAi: ['blandAiApi', 'Bland AI API'],
	leadLex: ['leadLexApi', 'LeadLex API'],
	openCx: ['openCxApi', 'OpenCX API'],
	raze: ['razeApi', 'Raze API'],
};
/** A table of every vendor: the published value for the four vendors, else read from dist/ on first use. */
function published(index, pick) {
	const table = {};
	for (const vendor of VENDORS) {
		const known = PUBLISHED_CREDENTIALS[vendor]?.[index];
		Object.defineProperty(table, vendor, { enumerable: true, get: () => known ?? pick(builtProvider(vendor)) });
	}
	return Object.freeze(table);
}
/** Each vendor's credential type name. */
export const CREDENTIAL_TYPE = published(0, (provider) => provider.credential.name);
/** The credential types' display names, as the editor shows them. */
export const CREDENTIAL_LABEL = published(1, (provider) => provider.credential.displayName);

/**
 * DESIGN.md's field table: the Update Fields each of these providers offers, by display name, as the
 * browser test expects the editor to show them. Written out, not read from dist/, so that the
 * editor is checked against the design (test/node/description.test.ts pins the field names, not
 * their labels); a vendor the table does not name is not part of that check.
 */
export const FIELDS_BY_PROVIDER = {
	blandAi: ['Name', 'Email', 'External ID', 'Custom Fields'],
	leadLex: ['Name', 'Email', 'Phone', 'Company', 'Job Title', 'LinkedIn URL', 'Notes'],
	openCx: ['Name', 'Email', 'Phone', 'Custom Fields', 'HTTP Action Overrides'],
	raze: ['Name', 'Email', 'Phone', 'Company', 'Job Title', 'LinkedIn URL', 'Tags', 'Custom Fields'],
};

/** The keys of the Simplified output (Update, Get, and Create or Update without its `created`), in order. */
export const CONTACT_KEYS = [
	'provider',
	'id',
	'name',
	'email',
	'phone',
	'company',
	'jobTitle',
	'linkedinUrl',
	'externalId',
	'tags',
	'customFields',
	'notes',
	'createdAt',
	'updatedAt',
];

export const EXAMPLE_WORKFLOW_FILE = join(REPO_DIR, 'examples/update-a-contact-in-each-provider.json');
const EXAMPLE_CREDENTIALS_FILE = join(REPO_DIR, 'examples/sandbox-credentials.json');
/** The sandbox origin the credential templates are written for (`npm run sandbox`'s default port). */
const TEMPLATE_SANDBOX_URL = 'http://127.0.0.1:4010';

/** The example workflow "Update a contact in each provider" (a fresh copy). */
export function exampleWorkflow() {
	return JSON.parse(readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8'));
}

/** The example's Contact Hub node for a vendor: its first, the update by Contact ID; undefined if the example has none. */
export function exampleNode(vendor) {
	return exampleWorkflow().nodes.find((n) => n.type === NODE_TYPE && n.parameters.provider === vendor);
}

/**
 * The vendors the example workflow has Contact Hub nodes for, in the registry's order. Its nodes
 * are written by hand, so a vendor registered after it was written has none until one is added.
 */
export function exampleVendors() {
	return VENDORS.filter((vendor) => exampleNode(vendor) !== undefined);
}

/** The sandbox credential templates, as examples/sandbox-credentials.json holds them (for the sandbox at TEMPLATE_SANDBOX_URL). */
export function credentialTemplates() {
	return JSON.parse(readFileSync(EXAMPLE_CREDENTIALS_FILE, 'utf8'));
}

/**
 * The sandbox credentials, pointed at a sandbox running at `sandboxUrl`: the templates, and for a
 * registered vendor the file has no template for, one made the same way ("<Label> (sandbox)", the
 * sandbox's key and base URL). Call after the package is built (credential types come from dist/).
 */
export function sandboxCredentials(sandboxUrl) {
	const creds = credentialTemplates();
	for (const vendor of VENDORS) {
		if (creds.some((c) => c.type === CREDENTIAL_TYPE[vendor])) continue;
		creds.push({
			// n8n keeps credential IDs up to 36 characters; the templates' are 16
			id: `chSandbox${vendor}`.slice(0, 36),
			name: `${LABEL[vendor]} (sandbox)`,
			type: CREDENTIAL_TYPE[vendor],
			data: { apiKey: SANDBOX_KEY[vendor], baseUrl: TEMPLATE_SANDBOX_URL + VENDOR_PATH[vendor] },
		});
	}
	for (const c of creds) c.data.baseUrl = c.data.baseUrl.replace(TEMPLATE_SANDBOX_URL, sandboxUrl);
	return creds;
}

/** Import the sandbox credentials and the example workflow into a user folder with n8n's CLI. */
export async function importExample(userFolder, sandboxUrl) {
	const cli = n8nCli(userFolder);
	await cli.importCredentials(sandboxCredentials(sandboxUrl));
	await cli.importWorkflows(exampleWorkflow());
}

/** Pack the package (its prepack builds it) and install the tarball into `<userFolder>/.n8n/nodes`. */
export function installPackedPackage(userFolder) {
	return installTarball(userFolder, npmPack(REPO_DIR, join(userFolder, 'pack')));
}

/** `npm run build` in the repository (tsc + assets); throws on failure. */
export function buildPackage() {
	const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO_DIR, encoding: 'utf8', timeout: 300000 });
	if (r.status !== 0) throw new Error(`npm run build failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}

/** An auth header value with the key cut to its first 8 characters ("Bearer wbk_live…"). */
export function maskKey(value) {
	return String(value).replace(/^(Bearer\s+)?(\S{0,8})\S*$/i, (_, scheme = '', start) => `${scheme}${start}…`);
}
