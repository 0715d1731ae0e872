// The Contact Hub node in n8n's editor, in Debian's chromium (playwright-core, headless,
// offline): sign in, open the example workflow, open a Contact Hub node, switch the provider
// through all four and check the Update Fields offered (DESIGN.md's table) and the credential
// type asked for, then execute the node from the editor and see its output, and switch Mapping
// Mode to Map Automatically and back; check Identify Contact By per provider, and run a look-up
// by external ID on the Bland AI node. Then add a Contact Hub node from the nodes panel ("Get a
// contact"), check Identify Contact By per provider for Create or Update and for Get, and run a
// Get. Screenshots go to docs/images/ (the README shows them); each shows a node whose name, provider
// and output agree: a node is switched to another provider only for checks, never for a screenshot.
//
//   npm run test:browser     (needs /usr/bin/chromium: apt-get install -y chromium)
//
// Provider is a visible dropdown: the credentials depend on it by its root path ('/provider'),
// so n8n's editor does not take it for an authentication selector and hide it.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { addNode, closeNode, closeToasts, launchBrowser, openNode, renameNode, signIn } from './lib/browser.mjs';
import {
	CREDENTIAL_LABEL,
	DEFAULT_OWNER,
	DEMO_CONTACT,
	FIELDS_BY_PROVIDER,
	LABEL,
	N8nRest,
	PACKAGE_NAME,
	REPO_DIR,
	SANDBOX_KEY,
	builtProvider,
	ensureN8n,
	exampleNode,
	exampleWorkflow,
	importExample,
	installPackedPackage,
	makeUserFolder,
	removeUserFolder,
	startN8n,
	startSandbox,
} from './lib/index.mjs';

const IMAGES = join(REPO_DIR, 'docs/images');
/** A vendor's credential type's default Base URL, from the built package (read once it is built). */
const defaultBaseUrl = (vendor) => builtProvider(vendor).credential.properties.find((p) => p.name === 'baseUrl').default;

let sandbox;
let userFolder;
let n8n;
let browser;
let page;
let blocked;

before(async () => {
	ensureN8n();
	userFolder = makeUserFolder('contact-hub-browser-');
	installPackedPackage(userFolder); // builds dist/ too (prepack)
	sandbox = await startSandbox();
	await importExample(userFolder, sandbox.url);
	n8n = await startN8n({ userFolder });
	await new N8nRest(n8n.url).setupOwner(DEFAULT_OWNER);
	// Tall enough that a node's panel shows its name, credential, provider and fields at once (the
	// Raze node's three fields and the Add Field list, too), so every screenshot shows what it is of.
	({ browser, page, blocked } = await launchBrowser({ viewport: { width: 1280, height: 1040 } }));
	mkdirSync(IMAGES, { recursive: true });
});

after(async () => {
	await browser?.close();
	await n8n?.stop();
	await sandbox?.stop();
	if (userFolder && !process.env.E2E_KEEP) removeUserFolder(userFolder);
});

/**
 * Screenshot to docs/images/`name`, once each of `mustShow` is in it: inside the window, and on top
 * at its centre (not scrolled away in its panel, nor under a list or a notification). Animations are
 * disabled: a dropdown caught mid-fade would look half transparent.
 */
async function shot(name, ...mustShow) {
	for (const locator of mustShow) {
		const onTop = await locator.first().evaluate((element) => {
			const box = element.getBoundingClientRect();
			const hit = globalThis.document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
			return hit !== null && element.contains(hit);
		});
		assert.ok(onTop, `${name}: ${locator} is not in the screenshot`);
	}
	await page.screenshot({ path: join(IMAGES, name), animations: 'disabled' });
}

/** What a screenshot of a node's panel must show: its name and its provider, checked to be `vendor` (and `more`). */
async function nodeShows(ndv, name, vendor, ...more) {
	assert.equal(await valueOf(ndv, 'provider'), LABEL[vendor], `the node ${name} is set to ${LABEL[vendor]}`);
	return [
		ndv.locator('[data-test-id="node-title-container"] [data-test-id="inline-edit-preview"]').getByText(name, { exact: true }),
		ndv.locator('[data-test-id="parameter-input-provider"]'),
		...more,
	];
}

const workflowId = exampleWorkflow().id;
const nodeName = exampleNode('leadLex').name;
const triggerName = exampleWorkflow().nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger').name;

/** The look-up value's label for each Identify Contact By choice. */
const VALUE_LABEL = { Email: 'Contact Email', Phone: 'Contact Phone', 'External ID': 'Contact External ID' };

const visibleList = () => page.getByRole('listbox').filter({ visible: true });
const updateFields = (ndv) => ndv.locator('[data-test-id="parameter-item"]').filter({ has: page.locator('label[for="updateFields"]') });

/**
 * The labels of the fields added to Update Fields, and what its "Add Field" list offers
 * (`whileOpen` runs with the list open, e.g. for a screenshot).
 */
async function updateFieldsOffered(ndv, whileOpen) {
	const collection = updateFields(ndv);
	const labels = await collection.locator('[data-test-id="parameter-item"] label.n8n-input-label').allInnerTexts();
	const add = collection.locator('[data-test-id="collection-parameter-add"]');
	await add.click();
	await visibleList().getByRole('option').first().waitFor();
	const offered = await visibleList().getByRole('option').allInnerTexts();
	await whileOpen?.();
	await add.click(); // toggles the list closed
	await visibleList().waitFor({ state: 'hidden' });
	return { added: labels.map((t) => t.split('\n')[0].trim()), offered };
}

/** updateFieldsOffered() once added + offered equal `fields` (the panel re-renders after a change), bounded. */
async function expectFields(ndv, fields, message, whileOpen) {
	const want = JSON.stringify([...fields].sort());
	let got;
	for (const deadline = Date.now() + 10000; Date.now() < deadline; await page.waitForTimeout(250)) {
		got = await updateFieldsOffered(ndv);
		if (JSON.stringify([...got.added, ...got.offered].sort()) === want) break;
	}
	assert.deepEqual([...got.added, ...got.offered].sort(), JSON.parse(want), message);
	if (whileOpen) await updateFieldsOffered(ndv, whileOpen);
	return got;
}

/** Choose a provider in the Provider dropdown. */
async function chooseProvider(ndv, vendor) {
	await ndv.locator('[data-test-id="parameter-input-provider"]').click();
	await visibleList().getByRole('option', { name: LABEL[vendor], exact: true }).click();
	await ndv.getByText(CREDENTIAL_LABEL[vendor]).first().waitFor().catch(() => undefined);
}

/** The texts of the "Credential to connect with" options (credential name + type name each). */
async function credentialOptions(ndv) {
	const select = ndv.locator('[data-test-id="node-credentials-select"]');
	await select.click();
	await visibleList().getByRole('option').first().waitFor();
	const texts = await visibleList().getByRole('option').allInnerTexts();
	await select.click();
	await visibleList().waitFor({ state: 'hidden' }).catch(() => undefined);
	return texts.map((text) => text.replace(/\s+/g, ' ').trim());
}

const noAnimation = () =>
	page.waitForFunction(() => !globalThis.document.querySelector('[class*="dialog-fade-enter"], [class*="dialog-fade-leave"]'), null, { timeout: 5000 });

/** Closes a dialog once its opening animation is over (a click during it is lost), bounded. */
async function closeDialog(dialog) {
	for (let attempt = 0; attempt < 3 && (await dialog.isVisible()); attempt++) {
		await noAnimation();
		await (attempt === 0 ? dialog.locator('.el-dialog__headerbtn').click() : page.keyboard.press('Escape'));
		await dialog.waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
	}
	await dialog.waitFor({ state: 'hidden' });
	await noAnimation();
}

/** Pick a credential in "Credential to connect with". */
async function pickCredential(ndv, name) {
	await ndv.locator('[data-test-id="node-credentials-select"]').click();
	await visibleList().getByRole('option').filter({ hasText: name }).click();
}

/** The first lines of the options a dropdown parameter offers (an option's text includes its description). */
async function optionsOf(ndv, parameter) {
	const input = ndv.locator(`[data-test-id="parameter-input-${parameter}"]`);
	await input.click();
	await visibleList().getByRole('option').first().waitFor();
	const offered = (await visibleList().getByRole('option').allInnerTexts()).map((text) => text.split('\n')[0].trim());
	await input.click();
	await visibleList().waitFor({ state: 'hidden' }).catch(() => undefined);
	return offered;
}

/** Choose an option of a dropdown parameter by its first line (its accessible name includes its description). */
async function chooseOption(ndv, parameter, option) {
	await ndv.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
	await visibleList().getByRole('option').filter({ hasText: new RegExp(`^${option}`) }).first().click();
	await visibleList().waitFor({ state: 'hidden' }).catch(() => undefined);
}

/** A parameter's shown value, e.g. Provider's "LeadLex". */
const valueOf = (ndv, parameter) => ndv.locator(`[data-test-id="parameter-input-${parameter}"] input`).first().inputValue();

/** A parameter's label (without its hint). */
const labelOf = async (ndv, name) => (await ndv.locator(`label[for="${name}"]`).first().innerText()).split('\n')[0].trim();

/** Whether the panel shows a parameter at all. */
const shown = async (ndv, parameter) => (await ndv.locator(`[data-test-id="parameter-input-${parameter}"]`).count()) > 0;

/** Execute the node open in the panel; resolves to the output panel once `expect` shows in its JSON view. */
async function executeNode(ndv, expect) {
	await ndv.locator('[data-test-id="node-execute-button"]').click();
	const output = ndv.locator('[data-test-id="output-panel"]');
	await output.getByText(expect).first().waitFor();
	await output.locator('[data-test-id="radio-button-json"]').click();
	await output.getByText(expect).first().waitFor();
	assert.match(await output.locator('[data-test-id="run-data-item-count"]').innerText().catch(() => '1 item'), /1 item/);
	return output;
}

test('sign in and open the example workflow', async () => {
	await signIn(page, n8n.url, DEFAULT_OWNER);
	await page.goto(`${n8n.url}/workflow/${workflowId}`);
	for (const node of exampleWorkflow().nodes.filter((n) => n.type.endsWith('.contactHub'))) {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`).waitFor();
	}
	await page.getByText('Update contact in LeadLex').first().waitFor(); // the node subtitle
	await shot('workflow.png');
});

test('switching the provider changes the Update Fields offered and the credential type', async () => {
	const ndv = await openNode(page, n8n.url, workflowId, nodeName);
	const start = await expectFields(ndv, FIELDS_BY_PROVIDER.leadLex, 'LeadLex: fields', async () =>
		shot('node-leadlex.png', ...(await nodeShows(ndv, nodeName, 'leadLex', ndv.locator('[data-test-id="parameter-input-company"]'), visibleList().getByText('Phone')))),
	);
	assert.deepEqual(start.added, ['Company', 'Job Title', 'Notes'], 'the example sets these');

	for (const vendor of ['raze', 'blandAi', 'openCx', 'leadLex']) {
		await chooseProvider(ndv, vendor);
		assert.equal(await ndv.locator('[data-test-id="parameter-input-provider"] input').inputValue(), LABEL[vendor]);
		await expectFields(ndv, FIELDS_BY_PROVIDER[vendor], `${LABEL[vendor]}: fields`);

		// Only this provider's credential type is offered, and a new credential is of that type.
		const offered = await credentialOptions(ndv);
		const existing = offered.filter((text) => !/Create new credential/i.test(text));
		assert.ok(existing.length > 0, `${LABEL[vendor]}: a credential is offered (${offered})`);
		for (const text of existing) assert.match(text, new RegExp(CREDENTIAL_LABEL[vendor]), `${LABEL[vendor]}: only ${CREDENTIAL_LABEL[vendor]} (${offered})`);
		await pickCredential(ndv, `${LABEL[vendor]} (sandbox)`);

		await ndv.locator('[data-test-id="node-credentials-select"]').click();
		await page.getByText('Create new credential').click();
		const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test-id="credential-edit-dialog"]') });
		await dialog.waitFor();
		await dialog.getByText(CREDENTIAL_LABEL[vendor], { exact: true }).first().waitFor();
		// The dialog fills its fields after it opens: read until the default arrives, bounded.
		const baseUrl = dialog.locator('[data-test-id="parameter-input-baseUrl"] input');
		let value = '';
		for (const deadline = Date.now() + 5000; value !== defaultBaseUrl(vendor) && Date.now() < deadline; await page.waitForTimeout(100)) {
			value = await baseUrl.inputValue();
		}
		assert.equal(value, defaultBaseUrl(vendor), `${CREDENTIAL_LABEL[vendor]}: default Base URL`);
		if (vendor === 'leadLex') {
			await noAnimation();
			await shot('credential-leadlex.png', dialog.getByText(CREDENTIAL_LABEL[vendor], { exact: true }), baseUrl);
		}
		await closeDialog(dialog);
	}
});

test('execute the node from the editor and see its output', async () => {
	const ndv = page.locator('[data-test-id="ndv"]');
	// Switching providers dropped the LeadLex-only fields (n8n clears hidden values): add one back.
	await updateFields(ndv).locator('[data-test-id="collection-parameter-add"]').click();
	await visibleList().getByRole('option', { name: 'Job Title', exact: true }).click();
	await ndv.locator('[data-test-id="parameter-input-jobTitle"] input').fill('Chief Browser Officer');

	await sandbox.reset();
	const output = await executeNode(ndv, 'Chief Browser Officer');
	await closeToasts(page);
	await shot('output.png', ...(await nodeShows(ndv, nodeName, 'leadLex', output.getByText('Chief Browser Officer'))));

	const requests = await sandbox.requests();
	const updates = requests.filter((q) => q.method !== 'GET');
	assert.equal(updates.length, 1, JSON.stringify(requests.map((q) => [q.method, q.rawPath])));
	assert.equal(updates[0].vendor, 'leadLex');
	assert.equal(updates[0].path, `/v1/contacts/${DEMO_CONTACT.leadLex}`);
	assert.equal(updates[0].headers.authorization, `Bearer ${SANDBOX_KEY.leadLex}`);
	assert.deepEqual(updates[0].body, { job_title: 'Chief Browser Officer' });
	assert.deepEqual(blocked.filter((u) => !u.startsWith('data:')), [], 'the editor asked for nothing outside 127.0.0.1');
});

test('Mapping Mode: Map Automatically swaps Contact ID and Update Fields for Contact ID Field and a notice', async () => {
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.locator('[data-test-id="parameter-input-mappingMode"]').click();
	await visibleList().getByRole('option').filter({ hasText: 'Map Automatically' }).click();
	const idField = ndv.locator('[data-test-id="parameter-input-contactIdField"] input');
	await idField.waitFor();
	assert.equal(await idField.inputValue(), 'id');
	await ndv.getByText('one of these keys: name, email, phone, company, jobTitle, linkedinUrl, notes.', { exact: false }).waitFor();
	assert.equal(await ndv.locator('[data-test-id="parameter-input-contactId"]').count(), 0, 'Contact ID is hidden');
	assert.equal(await updateFields(ndv).count(), 0, 'Update Fields is hidden');
	await closeToasts(page);
	await shot('node-map-automatically.png', ...(await nodeShows(ndv, nodeName, 'leadLex', idField)));

	// Back to the default: Contact ID and Update Fields return.
	await ndv.locator('[data-test-id="parameter-input-mappingMode"]').click();
	await visibleList().getByRole('option').filter({ hasText: 'Map Each Field Below' }).click();
	await ndv.locator('[data-test-id="parameter-input-contactId"]').waitFor();
	await updateFields(ndv).waitFor();
});

test('Identify Contact By: each provider offers the look-ups its vendor documents; a look-up replaces Contact ID', async () => {
	const ndv = page.locator('[data-test-id="ndv"]');
	const OFFERED = {
		blandAi: ['Contact ID', 'Email', 'Phone', 'External ID'],
		openCx: ['Contact ID', 'Email', 'Phone'],
		raze: ['Contact ID', 'Email'],
		leadLex: ['Contact ID', 'Email'],
	};
	for (const vendor of Object.keys(OFFERED)) {
		await chooseProvider(ndv, vendor);
		assert.deepEqual(await optionsOf(ndv, 'identifyBy'), OFFERED[vendor], `${LABEL[vendor]}: Identify Contact By options`);
		for (const option of OFFERED[vendor].slice(1)) {
			await chooseOption(ndv, 'identifyBy', option);
			await ndv.locator('[data-test-id="parameter-input-lookupValue"]').waitFor();
			assert.equal(await labelOf(ndv, 'lookupValue'), VALUE_LABEL[option], `${LABEL[vendor]} by ${option}`);
			assert.equal(await shown(ndv, 'contactId'), false, 'Contact ID is hidden');
		}
		await chooseOption(ndv, 'identifyBy', 'Contact ID');
		await ndv.locator('[data-test-id="parameter-input-contactId"]').waitFor();
	}

	// Map Automatically: the input key that holds the value, its default named after the choice.
	await chooseOption(ndv, 'mappingMode', 'Map Automatically');
	await chooseOption(ndv, 'identifyBy', 'Email');
	const lookupField = ndv.locator('[data-test-id="parameter-input-lookupField"] input');
	await lookupField.waitFor();
	assert.equal(await lookupField.inputValue(), 'email');
	assert.equal(await labelOf(ndv, 'lookupField'), 'Contact Email Field');
	assert.equal(await shown(ndv, 'contactIdField'), false, 'Contact ID Field is hidden');
	await chooseOption(ndv, 'identifyBy', 'Contact ID');
	await ndv.locator('[data-test-id="parameter-input-contactIdField"]').waitFor();
});

test("the Raze node: Raze's credential and Update Fields, with Tags and Custom Fields", async () => {
	await closeNode(page);
	const example = exampleNode('raze');
	const ndv = await openNode(page, n8n.url, workflowId, example.name);
	assert.equal(await valueOf(ndv, 'provider'), 'Raze');
	assert.equal(await ndv.locator('[data-test-id="node-credentials-select"] input').inputValue(), 'Raze (sandbox)');
	const got = await expectFields(ndv, FIELDS_BY_PROVIDER.raze, 'the Raze node: fields', async () =>
		shot(
			'node-raze.png',
			...(await nodeShows(ndv, example.name, 'raze', ndv.locator('[data-test-id="node-credentials-select"]'), ndv.locator('[data-test-id="parameter-input-tags"]'))),
			visibleList().getByText('Custom Fields'),
		),
	);
	assert.deepEqual([...got.added].sort(), ['Job Title', 'LinkedIn URL', 'Tags'], 'the example sets these');
});

test('the Bland AI node, by External ID: the contact with that external ID is found and updated', async () => {
	await closeNode(page);
	const example = exampleNode('blandAi');
	const ndv = await openNode(page, n8n.url, workflowId, example.name);
	await chooseOption(ndv, 'identifyBy', 'External ID');
	const lookupValue = ndv.locator('[data-test-id="parameter-input-lookupValue"]');
	await lookupValue.locator('input').fill('crm-1001');
	assert.equal(await labelOf(ndv, 'lookupValue'), 'Contact External ID');
	assert.equal(await shown(ndv, 'contactId'), false, 'Contact ID is hidden');

	// Bland AI's demo contact, holding the external ID to find it by.
	await sandbox.reset();
	await sandbox.seed('blandAi', { id: DEMO_CONTACT.blandAi, name: 'John Smith', external_id: 'crm-1001', created_at: '2025-07-20T10:30:00.000Z' });
	const output = await executeNode(ndv, 'Jonathan Smith');
	const requests = await sandbox.requests();
	assert.deepEqual(
		requests.map((q) => [q.vendor, q.method, q.path]),
		[
			['blandAi', 'POST', '/v1/contacts/find'],
			['blandAi', 'PATCH', `/v1/contacts/${DEMO_CONTACT.blandAi}`],
		],
	);
	assert.deepEqual(requests[0].body, { external_id: 'crm-1001' });
	assert.equal(requests[1].body.name, 'Jonathan Smith');
	await closeToasts(page);
	await shot('node-identify-by.png', ...(await nodeShows(ndv, example.name, 'blandAi', lookupValue, output.getByText(DEMO_CONTACT.blandAi))));
});

test('a Get node added from the nodes panel: Identify Contact By per provider for Create or Update and Get, and a Get run', async () => {
	await closeNode(page);
	const ndv = await addNode(page, { after: triggerName, search: 'Contact Hub', node: 'Contact Hub', action: 'Get a contact' });
	assert.equal(await valueOf(ndv, 'operation'), 'Get');
	// n8n itself appends Custom API Call to Resource and Operation of every node whose credential has
	// `authenticate` (n8n/dist/load-nodes-and-credentials.js, injectCustomApiCallOptions), as for its own nodes.
	assert.deepEqual(await optionsOf(ndv, 'operation'), ['Update', 'Create or Update', 'Get', 'Custom API Call']);

	// Create or Update: only the provider's look-ups (a new contact has no ID yet), Email first.
	const UPSERT = { blandAi: ['Email', 'Phone', 'External ID'], openCx: ['Email', 'Phone'], raze: ['Email'], leadLex: ['Email'] };
	await chooseOption(ndv, 'operation', 'Create or Update');
	for (const vendor of Object.keys(UPSERT)) {
		await chooseProvider(ndv, vendor);
		const what = `Create or Update, ${LABEL[vendor]}`;
		assert.deepEqual(await optionsOf(ndv, 'identifyBy'), UPSERT[vendor], `${what}: Identify Contact By options`);
		assert.equal(await valueOf(ndv, 'identifyBy'), 'Email', `${what}: Identify Contact By default`);
		assert.equal(await labelOf(ndv, 'lookupValue'), 'Contact Email', what);
		assert.equal(await shown(ndv, 'contactId'), false, `${what}: no Contact ID`);
		assert.equal(await shown(ndv, 'mappingMode'), true, `${what}: Mapping Mode`);
		assert.equal(await updateFields(ndv).count(), 1, `${what}: Update Fields`);
	}

	// Get: Contact ID where the vendor documents a read by ID, and the look-ups; no Mapping Mode, no Update Fields.
	const GET = {
		blandAi: ['Contact ID', 'Email', 'Phone', 'External ID'],
		openCx: ['Email', 'Phone'],
		raze: ['Contact ID', 'Email'],
		leadLex: ['Contact ID', 'Email'],
	};
	await chooseOption(ndv, 'operation', 'Get');
	for (const vendor of Object.keys(GET)) {
		await chooseProvider(ndv, vendor);
		const what = `Get, ${LABEL[vendor]}`;
		assert.deepEqual(await optionsOf(ndv, 'identifyBy'), GET[vendor], `${what}: Identify Contact By options`);
		assert.equal(await valueOf(ndv, 'identifyBy'), GET[vendor][0], `${what}: Identify Contact By default`);
		if (GET[vendor][0] === 'Contact ID') {
			assert.equal(await labelOf(ndv, 'contactId'), 'Contact ID', what);
			assert.equal(await shown(ndv, 'lookupValue'), false, `${what}: no look-up value`);
		} else {
			assert.equal(await labelOf(ndv, 'lookupValue'), 'Contact Email', what);
			assert.equal(await shown(ndv, 'contactId'), false, `${what}: no Contact ID`);
		}
		assert.equal(await shown(ndv, 'mappingMode'), false, `${what}: no Mapping Mode`);
		assert.equal(await updateFields(ndv).count(), 0, `${what}: no Update Fields`);
	}
	// Get's own Options: nothing of a write (Dry Run, Send Empty Values).
	const options = ndv.locator('[data-test-id="parameter-item"]').filter({ has: page.locator('label[for="options"]') });
	await options.locator('[data-test-id="collection-parameter-add"]').click();
	await visibleList().getByRole('option').first().waitFor();
	const offered = await visibleList().getByRole('option').allInnerTexts();
	await options.locator('[data-test-id="collection-parameter-add"]').click();
	await visibleList().waitFor({ state: 'hidden' });
	assert.deepEqual(
		offered.map((text) => text.trim()).sort(),
		['If Not Found', 'Max Requests per Minute', 'Max Retries', 'Max Retry Wait (Seconds)', 'Output', 'Parallel Requests', 'Retry on Rate Limit', 'Timeout'],
		'Get: Options',
	);

	// A Get that runs: LeadLex's demo contact by its email (the look-up, then the read by ID).
	await chooseProvider(ndv, 'leadLex');
	await pickCredential(ndv, 'LeadLex (sandbox)');
	await chooseOption(ndv, 'identifyBy', 'Email');
	await ndv.locator('[data-test-id="parameter-input-lookupValue"] input').fill('jane@example.com');
	await renameNode(ndv, 'LeadLex (get)');
	await sandbox.reset();
	const output = await executeNode(ndv, 'Jane Doe');
	await output.getByText(DEMO_CONTACT.leadLex).first().waitFor();
	const requests = await sandbox.requests();
	assert.deepEqual(
		requests.map((q) => [q.vendor, q.method, q.path.split('?')[0]]),
		[
			['leadLex', 'GET', '/v1/contacts'],
			['leadLex', 'GET', `/v1/contacts/${DEMO_CONTACT.leadLex}`],
		],
		'Get only reads',
	);
	assert.equal(new URL(requests[0].path, 'http://sandbox').searchParams.get('search'), 'jane@example.com');
	assert.equal(requests[1].headers.authorization, `Bearer ${SANDBOX_KEY.leadLex}`);
	await closeToasts(page);
	await shot('node-get.png', ...(await nodeShows(ndv, 'LeadLex (get)', 'leadLex', ndv.locator('[data-test-id="parameter-input-operation"]'), ndv.locator('[data-test-id="parameter-input-lookupValue"]'), output.getByText('Jane Doe'))));
	// The nodes panel's "Node details" of a community package not in n8n's own list asks the npm
	// registry for its publisher (n8n-editor-ui, NodeCreator: fetchPackageInfo): one https request for
	// the path /<package name>; aborted here, and nothing above needed it.
	const publisherLookup = (u) => u.startsWith('https://') && new URL(u).pathname === `/${PACKAGE_NAME}`;
	assert.deepEqual(
		blocked.filter((u) => !u.startsWith('data:') && !publisherLookup(u)),
		[],
		'the editor asked for nothing else outside 127.0.0.1',
	);
});
