// n8n 3.0's defaults on today's lines: N8N_UNVERIFIED_PACKAGES_ENABLED=false (3.0's default) stops
// n8n from installing unverified packages, but a package installed by hand into the user folder's
// nodes folder (the README's manual install, e.g. into the Docker volume) still loads and runs.
// Where n8n manages packages from the environment (2.21 and later), an empty
// N8N_COMMUNITY_PACKAGES with N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV=true leaves it alone too:
// n8n reconciles only the packages it installed itself.
//
//   CONTACT_HUB_N8N_LINE=2.40.7 node --test e2e/unverified.test.mjs      (npm run test:matrix: every line)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
	DEFAULT_OWNER,
	N8nRest,
	NODE_TYPE,
	TOOL_NODE_TYPE,
	currentLine,
	ensureN8n,
	exampleWorkflow,
	importExample,
	installPackedPackage,
	makeUserFolder,
	n8nCli,
	removeUserFolder,
	startN8n,
	startSandbox,
} from './lib/index.mjs';

/** Does the line's n8n know N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV (n8n 2.21.0 and later)? */
function managesPackagesFromEnv(version) {
	const [major, minor] = version.split('.').map(Number);
	return major > 2 || (major === 2 && minor >= 21);
}

// What an n8n 3.0 instance looks like to a hand-installed package.
const N8N_3_ENV = {
	N8N_UNVERIFIED_PACKAGES_ENABLED: 'false',
	...(managesPackagesFromEnv(currentLine().n8n) ? { N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true', N8N_COMMUNITY_PACKAGES: '[]' } : {}),
};

let sandbox;
let userFolder;

before(async () => {
	ensureN8n();
	sandbox = await startSandbox();
	userFolder = makeUserFolder('contact-hub-unverified-');
	installPackedPackage(userFolder);
	await importExample(userFolder, sandbox.url);
});

after(async () => {
	await sandbox?.stop();
	if (userFolder && !process.env.E2E_KEEP) removeUserFolder(userFolder);
});

test(`unverified packages off (${Object.keys(N8N_3_ENV).join(', ')}): the hand-installed package loads in the server`, async () => {
	const server = await startN8n({ userFolder, extraEnv: N8N_3_ENV });
	try {
		const rest = new N8nRest(server.url);
		await rest.setupOwner(DEFAULT_OWNER);
		await rest.login(DEFAULT_OWNER);
		const settings = await rest.rest('GET', '/settings');
		assert.equal(settings.unverifiedCommunityNodesEnabled, false, 'n8n reports unverified packages as off');
		const types = await (await fetch(`${server.url}/types/nodes.json`, { headers: { cookie: rest.cookie } })).json();
		const names = new Set(types.map((t) => t.name));
		assert.ok(names.has(NODE_TYPE), 'Contact Hub is loaded');
		assert.ok(names.has(TOOL_NODE_TYPE), 'and offered as a tool');
		if (N8N_3_ENV.N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV) {
			assert.match(readFileSync(server.logFile, 'utf8'), /reconciling installed community packages from env/, 'n8n reconciled its packages from the environment');
		}
	} finally {
		await server.stop();
	}
});

test('unverified packages off: the example workflow still updates all four providers', async () => {
	await sandbox.reset();
	const r = await n8nCli(userFolder, { extraEnv: N8N_3_ENV }).execute(exampleWorkflow().id);
	assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
	const written = (await sandbox.requests()).filter((q) => q.method !== 'GET').map((q) => `${q.vendor} ${q.method}`);
	// Raze three times: by ID, by the "Raze (find by email)" node after its look-up (a GET), and the
	// create of "Raze (create or update)" after its look-up; "LeadLex (get by email)" only reads.
	assert.deepEqual(written.sort(), ['blandAi PATCH', 'leadLex PATCH', 'openCx PATCH', 'raze POST', 'raze PUT', 'raze PUT']);
});
