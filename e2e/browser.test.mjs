// The Contact Hub node in n8n's editor, in Debian's chromium (playwright-core, headless,
// offline): sign in, open the example workflow, open a Contact Hub node, switch the provider
// through all four and check the Update Fields offered (DESIGN.md's table) and the credential
// type asked for, then execute the node from the editor and see its output, and switch Mapping
// Mode to Map Automatically and back. Screenshots go to docs/images/ (the README shows them).
//
//   npm run test:browser     (needs /usr/bin/chromium: apt-get install -y chromium)
//
// Provider is a visible dropdown: the credentials depend on it by its root path ('/provider'),
// so n8n's editor does not take it for an authentication selector and hide it.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launchBrowser, openNode, signIn } from './lib/browser.mjs';
import {
	CREDENTIAL_LABEL,
	DEFAULT_OWNER,
	DEMO_CONTACT,
	FIELDS_BY_PROVIDER,
	LABEL,
	N8nRest,
	REPO_DIR,
	SANDBOX_KEY,
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
const require = createRequire(import.meta.url);
/** Each credential type's default Base URL, from the built credential classes. */
const DEFAULT_BASE_URL = Object.fromEntries(
	Object.entries({ blandAi: 'BlandAiApi', leadLex: 'LeadLexApi', openCx: 'OpenCxApi', raze: 'RazeApi' }).map(([vendor, cls]) => {
		const Credential = require(join(REPO_DIR, `dist/credentials/${cls}.credentials.js`))[cls];
		return [vendor, new Credential().properties.find((p) => p.name === 'baseUrl').default];
	}),
);

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
	({ browser, page, blocked } = await launchBrowser());
	mkdirSync(IMAGES, { recursive: true });
});

after(async () => {
	await browser?.close();
	await n8n?.stop();
	await sandbox?.stop();
	if (userFolder && !process.env.E2E_KEEP) removeUserFolder(userFolder);
});

// animations disabled: a dropdown caught mid-fade would look half transparent
const shot = (name) => page.screenshot({ path: join(IMAGES, name), animations: 'disabled' });
const workflowId = exampleWorkflow().id;
const nodeName = exampleNode('leadLex').name;

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

test('sign in and open the example workflow', async () => {
	await signIn(page, n8n.url, DEFAULT_OWNER);
	await page.goto(`${n8n.url}/workflow/${workflowId}`);
	for (const node of exampleWorkflow().nodes.filter((n) => n.type.endsWith('.contactHub'))) {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`).waitFor();
	}
	await page.getByText('Update contact in LeadLex').waitFor(); // the node subtitle
	await shot('workflow.png');
});

test('switching the provider changes the Update Fields offered and the credential type', async () => {
	const ndv = await openNode(page, n8n.url, workflowId, nodeName);
	const start = await expectFields(ndv, FIELDS_BY_PROVIDER.leadLex, 'LeadLex: fields', () => shot('node-leadlex.png'));
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
		if (vendor === 'raze') await updateFieldsOffered(ndv, () => shot('node-raze.png'));

		await ndv.locator('[data-test-id="node-credentials-select"]').click();
		await page.getByText('Create new credential').click();
		const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test-id="credential-edit-dialog"]') });
		await dialog.waitFor();
		await dialog.getByText(CREDENTIAL_LABEL[vendor], { exact: true }).first().waitFor();
		// The dialog fills its fields after it opens: read until the default arrives, bounded.
		const baseUrl = dialog.locator('[data-test-id="parameter-input-baseUrl"] input');
		let value = '';
		for (const deadline = Date.now() + 5000; value !== DEFAULT_BASE_URL[vendor] && Date.now() < deadline; await page.waitForTimeout(100)) {
			value = await baseUrl.inputValue();
		}
		assert.equal(value, DEFAULT_BASE_URL[vendor], `${CREDENTIAL_LABEL[vendor]}: default Base URL`);
		if (vendor === 'leadLex') await shot('credential-leadlex.png');
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
	await ndv.locator('[data-test-id="node-execute-button"]').click();
	const output = ndv.locator('[data-test-id="output-panel"]');
	await output.getByText('Chief Browser Officer').first().waitFor();
	assert.match(await output.locator('[data-test-id="run-data-item-count"]').innerText().catch(() => '1 item'), /1 item/);
	await output.locator('[data-test-id="radio-button-json"]').click();
	await output.getByText('Chief Browser Officer').first().waitFor();
	await shot('output.png');

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
	await shot('node-map-automatically.png');

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
	const VALUE_LABEL = { Email: 'Contact Email', Phone: 'Contact Phone', 'External ID': 'Contact External ID' };
	const identifyBy = ndv.locator('[data-test-id="parameter-input-identifyBy"]');
	const choose = async (option) => {
		await identifyBy.click();
		// An option's accessible name includes its description: find it by its first line.
		await visibleList().getByRole('option').filter({ hasText: new RegExp(`^${option}`) }).first().click();
		await visibleList().waitFor({ state: 'hidden' }).catch(() => undefined);
	};
	const label = async (name) => (await ndv.locator(`label[for="${name}"]`).first().innerText()).split('\n')[0].trim();

	for (const vendor of Object.keys(OFFERED)) {
		await chooseProvider(ndv, vendor);
		await identifyBy.click();
		await visibleList().getByRole('option').first().waitFor();
		const offered = (await visibleList().getByRole('option').allInnerTexts()).map((text) => text.split('\n')[0].trim());
		await identifyBy.click();
		await visibleList().waitFor({ state: 'hidden' }).catch(() => undefined);
		assert.deepEqual(offered, OFFERED[vendor], `${LABEL[vendor]}: Identify Contact By options`);

		for (const option of OFFERED[vendor].slice(1)) {
			await choose(option);
			await ndv.locator('[data-test-id="parameter-input-lookupValue"]').waitFor();
			assert.equal(await label('lookupValue'), VALUE_LABEL[option], `${LABEL[vendor]} by ${option}`);
			assert.equal(await ndv.locator('[data-test-id="parameter-input-contactId"]').count(), 0, 'Contact ID is hidden');
			if (vendor === 'blandAi' && option === 'Phone') {
				await ndv.locator('[data-test-id="parameter-input-lookupValue"] input').fill('+1 415 555 0123');
				await shot('node-identify-by.png');
			}
		}
		await choose('Contact ID');
		await ndv.locator('[data-test-id="parameter-input-contactId"]').waitFor();
	}

	// Map Automatically: the input key that holds the value, its default named after the choice.
	await ndv.locator('[data-test-id="parameter-input-mappingMode"]').click();
	await visibleList().getByRole('option').filter({ hasText: 'Map Automatically' }).click();
	await choose('Email');
	const lookupField = ndv.locator('[data-test-id="parameter-input-lookupField"] input');
	await lookupField.waitFor();
	assert.equal(await lookupField.inputValue(), 'email');
	assert.equal(await label('lookupField'), 'Contact Email Field');
	assert.equal(await ndv.locator('[data-test-id="parameter-input-contactIdField"]').count(), 0, 'Contact ID Field is hidden');
	await choose('Contact ID');
	await ndv.locator('[data-test-id="parameter-input-contactIdField"]').waitFor();
});
