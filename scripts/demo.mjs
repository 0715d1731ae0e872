#!/usr/bin/env node
// npm run demo: the example workflow "Update a contact in each provider", headless, in a real
// n8n, against the sandbox. Packs the package, installs the tarball into a throwaway user
// folder as a community package, imports the sandbox credentials and the workflow with n8n's
// CLI, runs `n8n execute --id`, then prints per provider what the sandbox received and the
// contact it now holds. Exit 0 when every provider's update went through, 1 otherwise.
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
		for (const vendor of VENDORS) {
			const node = workflow.nodes.find((n) => n.type === NODE_TYPE && n.parameters.provider === vendor);
			console.log(`\n=== ${LABEL[vendor]} (node "${node.name}", contact ${node.parameters.contactId})`);
			for (const r of requests.filter((q) => q.vendor === vendor)) {
				const auth = AUTH_HEADERS.filter((h) => r.headers[h]).map((h) => `${h}: ${maskKey(r.headers[h])}`);
				console.log(`  sent:    ${r.method} ${r.rawPath}   (${auth.join(', ')})`);
				if (r.body !== undefined) console.log(indent(JSON.stringify(r.body, null, 2)));
			}
			let items = [];
			try {
				items = nodeOutput(result.run, node.name);
			} catch (error) {
				items = [{ error: error.message }];
			}
			const failed = items.length !== 1 || items.some((i) => i.error);
			if (failed) {
				failures++;
				console.log(`  FAILED:  ${JSON.stringify(items)}`);
			} else {
				console.log('  contact now (as the sandbox stores it):');
				console.log(indent(JSON.stringify(await sandbox.contact(vendor, node.parameters.contactId), null, 2)));
			}
		}
		console.log(
			failures
				? `\nDemo FAILED (n8n exit code ${result.code}).`
				: `\nDemo OK: ${VENDORS.length} contacts updated through n8n (exit code ${result.code}).`,
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
