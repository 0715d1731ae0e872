// Debian's chromium driven by playwright-core, kept off the network, and n8n editor steps.
import { existsSync } from 'node:fs';

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
