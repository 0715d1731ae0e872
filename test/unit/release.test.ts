// The release setup n8n asks of community packages: CI runs what .ci/run runs, npm publishes
// only from the tag workflow with provenance, a hand `npm publish` is refused, one GitHub
// repository everywhere, and a Keep a Changelog CHANGELOG for the package's version.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Job {
	'runs-on': string;
	'timeout-minutes'?: number;
	permissions?: Record<string, string>;
	steps: Step[];
}
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(read(`.github/workflows/${file}`)) as Workflow;
const onlyJob = (wf: Workflow) => {
	const jobs = Object.values(wf.jobs);
	expect(jobs).toHaveLength(1);
	return jobs[0];
};
/** The npm commands a shell text runs, in order (comments and the rest left out). */
const npmCommands = (shell: string) =>
	shell
		.split('\n')
		.map((line) => line.replace(/#.*$/, '').trim())
		.filter((line) => /^npm\s/.test(line))
		.map((line) => line.replace(/\s+/g, ' '));
const runs = (job: Job) => job.steps.filter((s) => s.run).map((s) => s.run as string);

const pkg = JSON.parse(read('package.json')) as {
	name: string;
	version: string;
	homepage: string;
	repository: { type: string; url: string };
	scripts: Record<string, string>;
};
const REPO_URL = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

describe('.github/workflows/ci.yml', () => {
	const ci = workflow('ci.yml');
	const job = onlyJob(ci);

	it('runs on pushes to main and on pull requests, read-only', () => {
		expect(ci.on).toHaveProperty('push.branches', ['main']);
		expect(ci.on).toHaveProperty('pull_request');
		expect(ci.permissions).toEqual({ contents: 'read' });
	});

	it("runs .ci/run's npm commands, in the same order", () => {
		const local = npmCommands(read('.ci/run'));
		expect(local.length).toBeGreaterThan(5);
		expect(runs(job).flatMap(npmCommands)).toEqual(local);
	});

	it('installs chromium as .ci/run does, before the browser test', () => {
		const names = job.steps.map((s) => s.run ?? '');
		const chromium = names.findIndex((r) => /apt-get install -y chromium/.test(r));
		expect(read('.ci/run')).toMatch(/apt-get install -y chromium/);
		expect(chromium).toBeGreaterThan(-1);
		expect(chromium).toBeLessThan(names.findIndex((r) => r.includes('npm run test:browser')));
	});

	it('checks out the code first and fits in 90 minutes', () => {
		expect(job.steps[0].uses).toMatch(/^actions\/checkout@v\d+$/);
		expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
	});
});

describe('.github/workflows/publish.yml', () => {
	const publish = workflow('publish.yml');
	const job = onlyJob(publish);

	it('runs on a version tag only', () => {
		expect(Object.keys(publish.on)).toEqual(['push']);
		expect(publish.on.push).toEqual({ tags: ['v*'] });
	});

	it('may ask for an OIDC token (provenance) and only read the repository', () => {
		expect({ ...publish.permissions, ...job.permissions }).toEqual({ contents: 'read', 'id-token': 'write' });
	});

	it('sets up Node and npm 11, which publishes with the job\'s OIDC token (trusted publishing, no stored token)', () => {
		const setup = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(setup?.with?.['node-version']).toBeDefined();
		expect(runs(job)).toContain('npm install -g npm@11');
		expect(JSON.stringify(publish)).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN/);
	});

	it('runs npm ci, lint, build and test, then npm publish --provenance --access public', () => {
		expect(runs(job).flatMap(npmCommands).filter((command) => !command.startsWith('npm install -g'))).toEqual([
			'npm ci --no-audit --no-fund',
			'npm run lint',
			'npm run build',
			'npm test',
			'npm publish --provenance --access public',
		]);
	});

	it('refuses a tag that is not the package version', () => {
		const check = runs(job).find((r) => r.includes('GITHUB_REF_NAME')) ?? '';
		const run = (ref: string) =>
			spawnSync('bash', ['-e', '-c', check], { cwd: ROOT, env: { ...process.env, GITHUB_REF_NAME: ref }, encoding: 'utf8' });
		expect(run(`v${pkg.version}`).status).toBe(0);
		const wrong = run('v9.9.9');
		expect(wrong.status).not.toBe(0);
		expect(wrong.stderr).toContain('does not match');
	});
});

describe('prepublishOnly', () => {
	// the variables GitHub sets in publish.yml's job, and npm for `npm publish --provenance`
	const inPublishWorkflow = {
		GITHUB_ACTIONS: 'true',
		GITHUB_REF_TYPE: 'tag',
		ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token',
		ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'token',
		npm_config_provenance: 'true',
	};
	const { PATH, HOME } = process.env;
	const guard = (env: Record<string, string>) =>
		spawnSync('npm', ['run', '--silent', 'prepublishOnly'], { cwd: ROOT, env: { PATH, HOME, ...env }, encoding: 'utf8', timeout: 30000 });

	it('runs the guard (npm pack does not run prepublishOnly, so packing still works)', () => {
		expect(pkg.scripts.prepublishOnly).toBe('node scripts/prepublish-guard.mjs');
	});

	it('refuses a hand npm publish and says how to release', () => {
		const r = guard({});
		expect(r.status).not.toBe(0);
		expect(r.stderr).toContain('published only by .github/workflows/publish.yml');
		expect(r.stderr).toContain('git push --follow-tags');
		expect(r.stderr).toContain('not running in GitHub Actions');
	});

	it.each(Object.keys(inPublishWorkflow))('refuses when %s is missing', (name) => {
		const env: Record<string, string> = { ...inPublishWorkflow };
		delete env[name];
		expect(guard(env).status).not.toBe(0);
	});

	it('lets the publish workflow and a dry run through', () => {
		expect(guard(inPublishWorkflow).status).toBe(0);
		expect(guard({ npm_config_dry_run: 'true' }).status).toBe(0);
	});
});

describe('one GitHub repository everywhere', () => {
	it('package.json repository and homepage name the same repository', () => {
		expect(REPO_URL).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
		expect(pkg.repository.type).toBe('git');
		expect(pkg.homepage).toBe(`${REPO_URL}#readme`);
	});

	it("the node's documentation links and the CHANGELOG point there too", () => {
		const urls = [...read('nodes/ContactHub/ContactHub.node.json').matchAll(/https:\/\/github\.com\/[^"#\s)]+/g), ...read('CHANGELOG.md').matchAll(/https:\/\/github\.com\/[^"#\s)]+/g)].map((m) => m[0]);
		expect(urls.length).toBeGreaterThan(0);
		for (const url of urls) expect(url.startsWith(REPO_URL)).toBe(true);
	});
});

describe('CHANGELOG.md (Keep a Changelog 1.1.0)', () => {
	const changelog = read('CHANGELOG.md');
	const versions = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/gm)].map((m) => m[1]);

	it("has the package's version as its newest release, newest first", () => {
		expect(versions[0]).toBe(pkg.version);
		const sorted = [...versions].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
		expect(versions).toEqual(sorted);
	});

	it('groups changes under the standard headings only', () => {
		const headings = [...changelog.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
		expect(headings.length).toBeGreaterThan(0);
		for (const h of headings) expect(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']).toContain(h);
	});

	it('links every version to its compare view (the first to its tag)', () => {
		versions.forEach((v, i) => {
			const previous = versions[i + 1];
			const link = previous ? `${REPO_URL}/compare/v${previous}...v${v}` : `${REPO_URL}/releases/tag/v${v}`;
			expect(changelog).toContain(`[${v}]: ${link}`);
		});
	});
});
