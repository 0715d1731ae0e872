// Debian's chromium driven by playwright-core, kept off the network, and n8n editor steps.
import { existsSync } from 'node:fs';

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Launch headless chromium with a page whose every request not to 127.0.0.1 is aborted
 * (the editor must work offline). `blocked` lists what was aborted.
 */
export async function launchBrowser({ viewport = { width: 1280, height: 800 } } = {}) {
	if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
	});
	const page = await browser.newPage({ viewport });
	page.setDefaultTimeout(30000);
	const blocked = [];
	await page.route('**/*', (route) => {
		const url = new URL(route.request().url());
		if (url.hostname === '127.0.0.1') return route.continue();
		blocked.push(url.href);
		return route.abort();
	});
	return { browser, page, blocked };
}

/** Sign in to the n8n editor at `url`. */
export async function signIn(page, url, { email, password }) {
	await page.goto(`${url}/signin`);
	await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(email);
	await page.locator('[data-test-id="password"] input').fill(password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

/** Open a workflow and a node's panel (NDV); returns the panel's locator. */
export async function openNode(page, url, workflowId, nodeName) {
	if (!page.url().includes(`/workflow/${workflowId}`)) await page.goto(`${url}/workflow/${workflowId}`);
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor();
	return ndv;
}

/** Close the node's panel (NDV) and wait until it is gone. */
export async function closeNode(page) {
	const ndv = page.locator('[data-test-id="ndv"]');
	if (!(await ndv.isVisible())) return;
	await ndv.locator('[data-test-id="ndv-close-button"]').click();
	await ndv.waitFor({ state: 'hidden' });
}

/**
 * Add a node from the nodes panel, connected after the canvas node `after`: search `search`,
 * pick the node named `node`, then its action `action` (e.g. "Get a contact"). Returns the new
 * node's panel (NDV), which the editor opens.
 */
export async function addNode(page, { after, search, node, action }) {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${after}"]`).click();
	await page.locator('[data-test-id="node-creator-plus-button"]').click();
	const creator = page.locator('[data-test-id="node-creator"]');
	await creator.locator('[data-test-id="node-creator-search-bar"]').waitFor();
	await page.keyboard.type(search);
	await creator.locator('[data-test-id="node-creator-item-name"]').filter({ hasText: new RegExp(`^${node}$`) }).click();
	await creator.getByText(action, { exact: true }).click();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor();
	return ndv;
}

/** Rename the node open in the panel (its title), as a user does. */
export async function renameNode(ndv, name) {
	await ndv.locator('[data-test-id="node-title-container"]').click();
	const input = ndv.locator('[data-test-id="inline-edit-input"]');
	await input.fill(name);
	await input.press('Enter');
	await ndv.locator('[data-test-id="node-title-container"] [data-test-id="inline-edit-preview"]').getByText(name, { exact: true }).waitFor();
	await ndv.page().locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).waitFor({ state: 'attached' });
}

/** Close the editor's notifications ("Node executed successfully"), so a screenshot shows what they covered. */
export async function closeToasts(page) {
	const toasts = page.locator('.el-notification').filter({ visible: true });
	for (let attempt = 0; attempt < 10 && (await toasts.count()) > 0; attempt++) {
		await toasts.first().locator('.el-notification__closeBtn').click({ timeout: 2000 }).catch(() => undefined);
		await page.waitForTimeout(200);
	}
	await toasts.first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}
