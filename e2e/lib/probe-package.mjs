// A tiny community-node package, written on the fly, to prove the harness's
// community-package path (pack -> install into .n8n/nodes -> load -> execute, the
// <type>Tool variant, the public API and the credential test) without depending on the
// Contact Hub build. Shaped like Contact Hub: one node, one credential with
// apiKey + baseUrl, `authenticate` (header) and a `test` request, usableAsTool,
// httpRequestWithAuthentication, continue-on-fail.
//
// The probe's "vendor": POST <baseUrl>/probe { name } with header X-N8N-API-KEY,
// and GET <baseUrl>/api/v1/workflows for the credential test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROBE_PACKAGE = 'n8n-nodes-e2e-probe';
export const PROBE_NODE_TYPE = `${PROBE_PACKAGE}.probe`;
export const PROBE_CREDENTIAL_TYPE = 'probeApi';

const files = {
	'package.json': JSON.stringify(
		{
			name: PROBE_PACKAGE,
			version: '0.0.1',
			description: 'e2e harness probe',
			license: 'MIT',
			main: 'index.js',
			files: ['index.js', 'dist'],
			keywords: ['n8n-community-node-package'],
			n8n: {
				n8nNodesApiVersion: 1,
				credentials: ['dist/credentials/ProbeApi.credentials.js'],
				nodes: ['dist/nodes/Probe/Probe.node.js'],
			},
			peerDependencies: { 'n8n-workflow': '*' },
		},
		null,
		2,
	),
	'index.js': 'module.exports = {};\n',
	'dist/credentials/ProbeApi.credentials.js': `'use strict';
class ProbeApi {
	constructor() {
		this.name = 'probeApi';
		this.displayName = 'E2E Probe API';
		this.properties = [
			{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:1' },
		];
		this.authenticate = { type: 'generic', properties: { headers: { 'X-N8N-API-KEY': '={{$credentials.apiKey}}' } } };
		this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/api/v1/workflows' } };
	}
}
module.exports = { ProbeApi };
`,
	'dist/nodes/Probe/Probe.node.js': `'use strict';
const { NodeApiError } = require('n8n-workflow');
class Probe {
	constructor() {
		this.description = {
			displayName: 'E2E Probe',
			name: 'probe',
			group: ['transform'],
			version: 1,
			description: 'Sends a name to the probe vendor',
			defaults: { name: 'E2E Probe' },
			inputs: ['main'],
			outputs: ['main'],
			usableAsTool: true,
			credentials: [{ name: 'probeApi', required: true }],
			properties: [{ displayName: 'Name', name: 'name', type: 'string', default: '' }],
		};
	}
	async execute() {
		const items = this.getInputData();
		const out = [];
		const { baseUrl } = await this.getCredentials('probeApi');
		for (let i = 0; i < items.length; i++) {
			try {
				const name = this.getNodeParameter('name', i);
				const body = await this.helpers.httpRequestWithAuthentication.call(this, 'probeApi', {
					method: 'POST', url: baseUrl + '/probe', body: { name }, json: true,
				});
				out.push({ json: { ...body, n8nWorkflowFrom: require.resolve('n8n-workflow') }, pairedItem: { item: i } });
			} catch (error) {
				const e = new NodeApiError(this.getNode(), error, { itemIndex: i });
				if (this.continueOnFail()) {
					out.push({ json: { error: e.message, httpCode: e.httpCode }, pairedItem: { item: i } });
					continue;
				}
				throw e;
			}
		}
		return [out];
	}
}
module.exports = { Probe };
`,
};

/** Write the probe package into `dir` (created); returns `dir`. */
export function writeProbePackage(dir) {
	for (const [rel, text] of Object.entries(files)) {
		mkdirSync(join(dir, rel, '..'), { recursive: true });
		writeFileSync(join(dir, rel), text);
	}
	return dir;
}
