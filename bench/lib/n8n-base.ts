/**
 * n8n's own nodes and credentials, taken from the real n8n installed for e2e (e2e/node_modules),
 * installed first through e2e/lib/ensure-n8n.mjs when missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';

import { ROOT } from './sandbox-process';

const BASE = path.join(ROOT, 'e2e', 'node_modules', 'n8n-nodes-base');
const HTTP_REQUEST = path.join(BASE, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js');
const SPLIT_IN_BATCHES = path.join(BASE, 'dist', 'nodes', 'SplitInBatches', 'SplitInBatches.node.js');
const HEADER_AUTH = path.join(BASE, 'dist', 'credentials', 'HttpHeaderAuth.credentials.js');

export const HTTP_REQUEST_TYPE = 'n8n-nodes-base.httpRequest';
export const SPLIT_IN_BATCHES_TYPE = 'n8n-nodes-base.splitInBatches';

/** Installs e2e's pinned n8n when its HTTP Request node is not there yet. */
function ensureE2eN8n(): void {
	if (existsSync(HTTP_REQUEST)) return;
	console.error('bench: e2e/node_modules has no n8n yet; running node e2e/lib/ensure-n8n.mjs');
	const result = spawnSync(process.execPath, [path.join(ROOT, 'e2e', 'lib', 'ensure-n8n.mjs')], {
		cwd: ROOT,
		stdio: ['ignore', 'inherit', 'inherit'],
		timeout: 40 * 60 * 1000,
	});
	if (result.status !== 0 || !existsSync(HTTP_REQUEST)) {
		throw new Error(`node e2e/lib/ensure-n8n.mjs failed (${result.status ?? result.signal}); cannot load n8n's HTTP Request node`);
	}
}

export interface N8nBase {
	version: string;
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: Record<string, ICredentialType>;
}

/** Loads HTTP Request, Loop Over Items (SplitInBatches) and the Header Auth credential from e2e's n8n-nodes-base. */
export function loadN8nBase(): N8nBase {
	ensureE2eN8n();
	const load = createRequire(__filename);
	const { HttpRequest } = load(HTTP_REQUEST) as { HttpRequest: new () => IVersionedNodeType };
	const { SplitInBatches } = load(SPLIT_IN_BATCHES) as { SplitInBatches: new () => IVersionedNodeType };
	const { HttpHeaderAuth } = load(HEADER_AUTH) as { HttpHeaderAuth: new () => ICredentialType };
	const { version } = load(path.join(BASE, 'package.json')) as { version: string };
	return {
		version,
		nodeTypes: { [HTTP_REQUEST_TYPE]: new HttpRequest(), [SPLIT_IN_BATCHES_TYPE]: new SplitInBatches() },
		credentialTypes: { httpHeaderAuth: new HttpHeaderAuth() },
	};
}
