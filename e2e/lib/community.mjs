// Put a community-node package where n8n loads community packages from.
//
// How n8n 2.8.4 loads them (1.123 and 2.40 the same way) (n8n/dist/modules/community-packages/community-packages.module.js
// and n8n/dist/load-nodes-and-credentials.js): the community-packages module adds
// `<N8N_USER_FOLDER>/.n8n/nodes/node_modules` to the folders scanned at startup; every
// folder there named `n8n-nodes-*` or `@*/n8n-nodes-*` is read by n8n-core's
// LazyPackageDirectoryLoader (dist/known + dist/types JSON when present, otherwise the
// files listed in package.json's "n8n" field), and each node type gets the name
// `<package name>.<node name>`; a node with `usableAsTool` also gets `<...>Tool`.
// Packages are found on disk: they need no row in n8n's database.
//
// The package's `require('n8n-workflow')` must resolve to n8n's own copy (n8n sets
// NODE_PATH to its module paths before loading), so peer dependencies are NOT installed
// next to it; n8n's own installer strips them too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { lineNpmEnv } from './lines.mjs';

/** `<userFolder>/.n8n/nodes` */
export function nodesDir(userFolder) {
	return join(userFolder, '.n8n', 'nodes');
}

function ensureNodesPackageJson(userFolder) {
	const dir = nodesDir(userFolder);
	mkdirSync(dir, { recursive: true });
	const file = join(dir, 'package.json');
	// the same file n8n's community-packages service creates
	if (!existsSync(file)) {
		writeFileSync(file, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	return dir;
}

// npm runs on the current line's Node, as the user of that n8n would run it.
function npm(args, cwd, timeoutMs = 5 * 60 * 1000) {
	const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: lineNpmEnv() });
	if (r.status !== 0) {
		throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed: ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
	}
	return r.stdout;
}

/**
 * `npm pack` a package folder (runs its prepack, e.g. the build) into `destDir`.
 * @returns {string} absolute path of the .tgz
 */
export function npmPack(packageDir, destDir) {
	mkdirSync(destDir, { recursive: true });
	const out = npm(['pack', '--json', '--pack-destination', destDir], packageDir, 10 * 60 * 1000);
	// the JSON array starts at a line that is only "[" (prepack's build log comes first)
	const json = JSON.parse(out.slice(out.search(/^\[\s*$/m)));
	return resolve(destDir, json[0].filename);
}

/**
 * Install a package tarball into `<userFolder>/.n8n/nodes` as a user installs a community
 * package by hand (`npm install --legacy-peer-deps <pkg>` in ~/.n8n/nodes; a plain
 * `npm install <pkg>` there FAILS on Node 20, see below): the folder's package.json gets
 * the dependency and only the files in the tarball are installed, so a file missing from
 * the published package fails the test that needs it.
 * @returns {{ name: string, version: string, dir: string }}
 */
export function installTarball(userFolder, tgz) {
	if (!isAbsolute(tgz)) tgz = resolve(tgz);
	const dir = ensureNodesPackageJson(userFolder);
	npm(
		[
			'install',
			tgz,
			'--omit=dev',
			// Leave peer dependencies out (n8n-workflow comes from n8n). Without this, npm 7+
			// installs the newest n8n-workflow for a `"n8n-workflow": "*"` peer, whose
			// native isolated-vm build fails on Node 20. --omit=peer works too but still
			// resolves the whole peer tree from the registry (about 6 s instead of 0.3 s).
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--package-lock=false',
		],
		dir,
	);
	const deps = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {};
	const name = Object.keys(deps).find((n) => String(deps[n]).includes(tgz.split('/').pop()));
	if (!name) throw new Error(`tarball ${tgz} not recorded in ${dir}/package.json`);
	const pkgDir = join(dir, 'node_modules', name);
	const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
	return { name, version, dir: pkgDir };
}

/**
 * Link a package folder (e.g. the repo, after `npm run build`) into
 * `<userFolder>/.n8n/nodes/node_modules/<name>` for quick rebuilds: restart n8n to
 * pick up a new build. The package then loads its dependencies from its own
 * node_modules (n8n follows the link to the real path), so a linked package whose
 * folder has its own n8n-workflow uses that copy, not n8n's.
 * @returns {{ name: string, dir: string }}
 */
export function linkPackage(userFolder, packageDir) {
	packageDir = resolve(packageDir);
	const { name, version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
	const dir = ensureNodesPackageJson(userFolder);
	const target = join(dir, 'node_modules', name);
	mkdirSync(join(target, '..'), { recursive: true });
	rmSync(target, { recursive: true, force: true });
	symlinkSync(packageDir, target, 'dir');
	const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
	pj.dependencies = { ...pj.dependencies, [name]: version };
	writeFileSync(join(dir, 'package.json'), JSON.stringify(pj, null, 2));
	return { name, dir: target };
}
