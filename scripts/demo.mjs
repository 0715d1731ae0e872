#!/usr/bin/env node
// npm run demo: the example workflow "Update a contact in each provider", headless, in a real
// n8n, against the sandbox. Packs the package, installs the tarball into a throwaway user
// folder as a community package, imports the sandbox credentials and the workflow with n8n's
// CLI, runs `n8n execute --id`, then prints per provider what the sandbox received (Raze: also
// the look-up of the "Raze (find by email)" node and the look-up and create of "Raze (create or
// update)"; LeadLex: the look-up and read of "LeadLex (get by email)"), what each node did and the
// contacts the sandbox now holds. Exit 0 when every Contact Hub node output its one contact (an
// update, a read, a create), 1 otherwise. A provider the example has no node for (one registered
// after the example was written) is named and skipped, not failed.
import { relative } from 'node:path';

import {
	AUTH_HEADER,
	EXAMPLE_WORKFLOW_FILE,
	LABEL,
	NODE_TYPE,
	REPO_DIR,
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

/** Every header a vendor documents for its key; a request's are shown masked. */
const AUTH_HEADERS = [...new Set(Object.values(AUTH_HEADER))];
const indent = (text, pad = '    ') => text.replace(/^/gm, pad);
/** update, get or upsert (a node without the parameter is an update, n8n's default). */
const operationOf = (node) => node.parameters.operation ?? 'update';
const OPERATION_LABEL = { update: 'update', get: 'get', upsert: 'create or update' };
/** What a node names the contact by: its ID, or the value it looks the contact up by. */
const target = (node) =>
	node.parameters.identifyBy && node.parameters.identifyBy !== 'id'
		? `${node.parameters.identifyBy} ${node.parameters.lookupValue}`
		: `contact ${node.parameters.contactId}`;
/** "update contact cnt_1", "get by email jane@example.com" */
const describe = (node) => {
	const byLookup = node.parameters.identifyBy && node.parameters.identifyBy !== 'id';
	return `${OPERATION_LABEL[operationOf(node)]} ${byLookup ? 'by ' : ''}${target(node)}`;
};

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
		// What the nodes did: updates (and how many after a look-up), reads, creates or updates (and how many created).
		const done = { update: 0, updateAfterLookup: 0, get: 0, upsert: 0, created: 0 };
		const withoutNode = [];
		for (const vendor of VENDORS) {
			// The vendor's Contact Hub nodes: by Contact ID, or by a look-up (an email) first.
			const nodes = workflow.nodes.filter((n) => n.type === NODE_TYPE && n.parameters.provider === vendor);
			if (nodes.length === 0) {
				withoutNode.push(vendor);
				console.log(`\n=== ${LABEL[vendor]}: skipped, ${relative(REPO_DIR, EXAMPLE_WORKFLOW_FILE)} has no Contact Hub node for it`);
				continue;
			}
			console.log(`\n=== ${LABEL[vendor]} (${nodes.map((node) => `node "${node.name}": ${describe(node)}`).join('; ')})`);
			for (const r of requests.filter((q) => q.vendor === vendor)) {
				const auth = AUTH_HEADERS.filter((h) => r.headers[h]).map((h) => `${h}: ${maskKey(r.headers[h])}`);
				console.log(`  sent:    ${r.method} ${r.rawPath}   (${auth.join(', ')})`);
				if (r.body !== undefined) console.log(indent(JSON.stringify(r.body, null, 2)));
			}
			const written = new Set();
			for (const node of nodes) {
				let items = [];
				try {
					items = nodeOutput(result.run, node.name);
				} catch (error) {
					items = [{ error: error.message }];
				}
				const operation = operationOf(node);
				const ok = items.length === 1 && !items[0].error && items[0].id && (operation !== 'upsert' || typeof items[0].created === 'boolean');
				if (!ok) {
					failures++;
					console.log(`  FAILED (node "${node.name}"):  ${JSON.stringify(items)}`);
					continue;
				}
				const [contact] = items;
				done[operation]++;
				const byLookup = node.parameters.identifyBy && node.parameters.identifyBy !== 'id';
				if (operation === 'update' && byLookup) done.updateAfterLookup++;
				if (operation === 'upsert' && contact.created) done.created++;
				if (operation === 'get') {
					console.log(`  node "${node.name}" ${byLookup ? `found contact ${contact.id} by ${target(node)} and read it` : `read contact ${contact.id}`} (Simplified output):`);
					console.log(indent(JSON.stringify(contact, null, 2)));
					continue;
				}
				written.add(contact.id);
				if (operation === 'upsert') {
					console.log(
						contact.created
							? `  node "${node.name}" found no contact by ${target(node)} and created contact ${contact.id} (created: true; run it again and it updates it)`
							: `  node "${node.name}" found contact ${contact.id} by ${target(node)} and updated it (created: false)`,
					);
				} else if (byLookup) {
					console.log(`  node "${node.name}" found contact ${contact.id} by ${target(node)} and updated it`);
				}
			}
			for (const id of written) {
				console.log(`  contact ${id} now (as the sandbox stores it):`);
				console.log(indent(JSON.stringify(await sandbox.contact(vendor, id), null, 2)));
			}
		}
		const skipped = withoutNode.length ? ` ${withoutNode.map((v) => LABEL[v]).join(', ')} skipped: no node in the example workflow.` : '';
		console.log(
			failures
				? `\nDemo FAILED (n8n exit code ${result.code}).${skipped}`
				: `\nDemo OK: ${done.update} updates (${done.updateAfterLookup} after a look-up), ${done.get} get and ${done.upsert} create or update ` +
						`(${done.created} created) in ${VENDORS.length - withoutNode.length} providers through n8n (exit code ${result.code}).${skipped}`,
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
