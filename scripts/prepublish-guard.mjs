#!/usr/bin/env node
// prepublishOnly: refuse `npm publish` anywhere but .github/workflows/publish.yml.
//
// n8n requires community packages to be published from a GitHub Action with an npm provenance
// statement (since 2026-05-01). A hand `npm publish` has neither, so it stops here with the way
// to release instead. `npm publish --dry-run` passes (nothing is published) and `npm pack` never
// runs prepublishOnly.
import { pathToFileURL } from 'node:url';

/** What is missing for a publish that n8n accepts; empty when `env` is the publish workflow's. */
function publishProblems(env) {
	if (env.npm_config_dry_run === 'true') return [];
	const problems = [];
	if (env.GITHUB_ACTIONS !== 'true') problems.push('not running in GitHub Actions (GITHUB_ACTIONS is not "true")');
	if (env.GITHUB_REF_TYPE !== 'tag') problems.push('not started by a version tag (GITHUB_REF_TYPE is not "tag")');
	if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
		problems.push('no OIDC token for the provenance statement (the workflow needs permissions: id-token: write)');
	}
	if (env.npm_config_provenance !== 'true') problems.push('provenance not requested (npm publish --provenance)');
	return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const problems = publishProblems(process.env);
	if (problems.length) {
		console.error(
			[
				'n8n-nodes-contact-hub is published only by .github/workflows/publish.yml, with npm provenance.',
				'To release: set the version (npm version <major|minor|patch>), then push its tag (git push --follow-tags).',
				'This npm publish was refused because:',
				...problems.map((p) => `  - ${p}`),
			].join('\n'),
		);
		process.exit(1);
	}
}
