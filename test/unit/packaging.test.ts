import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { CREDENTIAL_TYPE } from '../node/harness';
import { VENDORS } from '../sandbox';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
	);
}

describe('package.json', () => {
	test('is an n8n community package with no runtime dependencies', () => {
		expect(manifest.name).toBe('n8n-nodes-contact-hub');
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.license).toBe('MIT');
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(manifest.devDependencies.typescript).toMatch(/^5\.9\./);
		expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
	});

	test('declares every credential and node source file', () => {
		const declared = [...manifest.n8n.credentials, ...manifest.n8n.nodes].map((file: string) =>
			file.replace(/^dist\//, '').replace(/\.js$/, '.ts'),
		);
		const sources = [
			...filesUnder(path.join(root, 'credentials')),
			...filesUnder(path.join(root, 'nodes')),
		]
			.map((file) => path.relative(root, file))
			.filter((file) => /\.(credentials|node)\.ts$/.test(file));
		expect(declared.sort()).toEqual(sources.sort());
	});

	test('has no lifecycle scripts that run on the user’s install', () => {
		for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
			expect(manifest.scripts[script]).toBeUndefined();
		}
	});
});

describe('build output', () => {
	beforeAll(() => {
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore' });
	}, 120_000);

	test('every path in the n8n section exists in dist, with its icons and codex', () => {
		for (const file of [...manifest.n8n.credentials, ...manifest.n8n.nodes]) {
			expect(existsSync(path.join(root, file))).toBe(true);
		}
		for (const icon of ['contactHub.svg', 'contactHub.dark.svg', 'ContactHub.node.json']) {
			expect(existsSync(path.join(root, 'dist/nodes/ContactHub', icon))).toBe(true);
		}
		for (const vendor of VENDORS) {
			expect(existsSync(path.join(root, `dist/credentials/icons/${vendor}.svg`))).toBe(true);
			expect(existsSync(path.join(root, `dist/credentials/icons/${vendor}.dark.svg`))).toBe(true);
		}
	});

	test('nothing from test/, bench/ or the sandbox ends up in dist', () => {
		const built = filesUnder(path.join(root, 'dist')).map((file) => path.relative(root, file));
		expect(built.filter((file) => /(^|\/)(test|bench|e2e|sandbox)(\/|$)|\.test\./.test(file))).toEqual([]);
		expect(built.every((file) => /^dist\/(nodes|credentials)\//.test(file))).toBe(true);
	});

	test('the compiled node loads and describes itself', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { ContactHub } = require(path.join(root, 'dist/nodes/ContactHub/ContactHub.node.js'));
		const node = new ContactHub();
		expect(node.description.name).toBe('contactHub');
		// One credential per vendor, in the registry's order (the names themselves are pinned in credentials.test.ts).
		expect(node.description.credentials.map((c: { name: string }) => c.name)).toEqual(VENDORS.map((vendor) => CREDENTIAL_TYPE[vendor]));
	});
});
