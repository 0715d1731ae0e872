#!/usr/bin/env node
// npm run demo: the example workflow "Update a contact in each provider", headless, in a real
// n8n, against the sandbox. Packs the package, installs the tarball into a throwaway user
// folder as a community package, imports the sandbox credentials and the workflow with n8n's
// CLI, runs `n8n execute --id`, then prints per provider what the sandbox received (Raze: also
// the look-up of the "Raze (find by email)" node) and the contact it now holds. Exit 0 when every
// Contact Hub node's update went through, 1 otherwise.
import {
	LABEL,
	NODE_TYPE,
	VENDORS,
	ensureN8n,
	exampleWorkflow,
	importExample,
	installPackedPackage,
	makeUserFolder,
	maskKey,
	n8nCli,
	nodeOutput,
	removeUserFolder,
	startSandbox,
} from '../e2e/lib/index.mjs';

const AUTH_HEADERS = ['authorization', 'x-api-key'];
const indent = (text, pad = '    ') => text.replace(/^/gm, pad);

async function main() {
	ensureN8n();
	const userFolder = makeUserFolder('contact-hub-demo-');
	let sandbox;
	try {
		console.log('Packing the package and installing it into a fresh n8n user folder ...');
		installPackedPackage(userFolder);
		sandbox = await startSandbox();
		await importExample(userFolder, sandbox.url);

		const workflow = exampleWorkflow();
		console.log(`Running "${workflow.name}" with n8n execute --id ${workflow.id} (sandbox at ${sandbox.url}) ...`);
		const result = await n8nCli(userFolder).execute(workflow.id);
		if (!result.run) {
			console.error(`n8n execute gave no run (exit ${result.code}):\n${result.stdout.slice(-3000)}${result.stderr.slice(-3000)}`);
			return 1;
		}
		const requests = await sandbox.requests();
		let failures = result.code === 0 ? 0 : 1;
		let updates = 0;
		let lookups = 0;
		for (const vendor of VENDORS) {
			// The vendor's Contact Hub nodes: by Contact ID, or (Raze) by a look-up of the email first.
			const nodes = workflow.nodes.filter((n) => n.type === NODE_TYPE && n.parameters.provider === vendor);
			const target = (node) =>
				node.parameters.identifyBy && node.parameters.identifyBy !== 'id'
					? `${node.parameters.identifyBy} ${node.parameters.lookupValue}`
					: `contact ${node.parameters.contactId}`;
			console.log(`\n=== ${LABEL[vendor]} (${nodes.map((node) => `node "${node.name}", ${target(node)}`).join('; ')})`);
			for (const r of requests.filter((q) => q.vendor === vendor)) {
				const auth = AUTH_HEADERS.filter((h) => r.headers[h]).map((h) => `${h}: ${maskKey(r.headers[h])}`);
				console.log(`  sent:    ${r.method} ${r.rawPath}   (${auth.join(', ')})`);
				if (r.body !== undefined) console.log(indent(JSON.stringify(r.body, null, 2)));
			}
			const updated = new Set();
			for (const node of nodes) {
				let items = [];
				try {
					items = nodeOutput(result.run, node.name);
				} catch (error) {
					items = [{ error: error.message }];
				}
				if (items.length !== 1 || items.some((i) => i.error || !i.id)) {
					failures++;
					console.log(`  FAILED (node "${node.name}"):  ${JSON.stringify(items)}`);
					continue;
				}
				updates++;
				updated.add(items[0].id);
				if (node.parameters.identifyBy && node.parameters.identifyBy !== 'id') {
					lookups++;
					console.log(`  node "${node.name}" found contact ${items[0].id} by ${target(node)} and updated it`);
				}
			}
			for (const id of updated) {
				console.log(`  contact ${id} now (as the sandbox stores it):`);
				console.log(indent(JSON.stringify(await sandbox.contact(vendor, id), null, 2)));
			}
		}
		console.log(
			failures
				? `\nDemo FAILED (n8n exit code ${result.code}).`
				: `\nDemo OK: ${updates} updates in ${VENDORS.length} providers through n8n, ${lookups} of them after a look-up (exit code ${result.code}).`,
		);
		return failures ? 1 : 0;
	} finally {
		await sandbox?.stop();
		removeUserFolder(userFolder);
	}
}

main().then(
	(code) => process.exit(code),
	(error) => {
		console.error(`demo failed: ${error?.stack ?? error}`);
		process.exit(1);
	},
);
