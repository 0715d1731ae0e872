// What the scripts and tests know about Contact Hub: the vendors, the example workflow and
// its sandbox credentials, DESIGN.md's field table, and how the package gets into n8n.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installTarball, npmPack } from './community.mjs';
import { n8nCli } from './n8n.mjs';

/** The repository root (the package). */
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGE_NAME = 'n8n-nodes-contact-hub';
export const NODE_TYPE = `${PACKAGE_NAME}.contactHub`;
export const TOOL_NODE_TYPE = `${NODE_TYPE}Tool`;

export const VENDORS = ['blandAi', 'leadLex', 'openCx', 'raze'];
export const LABEL = { blandAi: 'Bland AI', leadLex: 'LeadLex', openCx: 'OpenCX', raze: 'Raze' };
export const CREDENTIAL_TYPE = { blandAi: 'blandAiApi', leadLex: 'leadLexApi', openCx: 'openCxApi', raze: 'razeApi' };
/** The credential types' display names, as the editor shows them. */
export const CREDENTIAL_LABEL = { blandAi: 'Bland AI API', leadLex: 'LeadLex API', openCx: 'OpenCX API', raze: 'Raze API' };
/** Where each vendor lives on the sandbox. */
export const VENDOR_PATH = { blandAi: '/blandai', leadLex: '/leadlex', openCx: '/opencx', raze: '/raze' };
/** The sandbox's keys (test/sandbox/README.md). */
export const SANDBOX_KEY = {
	blandAi: 'org_sandbox_bland_key',
	leadLex: 'wbk_live_sandbox_key',
	openCx: 'ocx_live_sandbox_key',
	raze: 'gr_live_sandbox_key',
};
/** The sandbox's seeded demo contacts. */
export const DEMO_CONTACT = {
	blandAi: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
	leadLex: '123e4567-e89b-12d3-a456-426614174000',
	openCx: 'ocx_contact_demo',
	raze: 'cnt_abc123def456',
};

/** DESIGN.md's field table: the Update Fields each provider offers, by display name. */
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
export const EXAMPLE_CREDENTIALS_FILE = join(REPO_DIR, 'examples/sandbox-credentials.json');
/** The sandbox origin the credential templates are written for (`npm run sandbox`'s default port). */
export const TEMPLATE_SANDBOX_URL = 'http://127.0.0.1:4010';

/** The example workflow "Update a contact in each provider" (a fresh copy). */
export function exampleWorkflow() {
	return JSON.parse(readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8'));
}

/** The example's Contact Hub node for a vendor: its first, the update by Contact ID. */
export function exampleNode(vendor) {
	return exampleWorkflow().nodes.find((n) => n.type === NODE_TYPE && n.parameters.provider === vendor);
}

/** The sandbox credential templates, pointed at a sandbox running at `sandboxUrl`. */
export function sandboxCredentials(sandboxUrl) {
	const creds = JSON.parse(readFileSync(EXAMPLE_CREDENTIALS_FILE, 'utf8'));
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
