import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import type { IN8nHttpFullResponse } from 'n8n-workflow';

import { baseUrlProblem, normalizeBaseUrl } from '../../credentials/apiKeyHeader';
import { authenticateRequest, credentialTestRequest } from '../helpers/credentials-helper';
import { credentialTypes, shutdownEngine } from '../helpers/workflow';
import { CREDENTIAL_TYPE } from '../node/harness';
import { SANDBOX_KEYS, startSandbox, type Sandbox, type Vendor } from '../sandbox';

interface Published {
	type: string;
	displayName: string;
	defaultBaseUrl: string;
	header: [string, (key: string) => string];
	testPath: string;
}

/**
 * The published contract of the four vendors' credentials (names users' workflows refer to, the
 * defaults and headers their pages give): pinned here, so a vendor added later is not part of it.
 */
const PUBLISHED = {
	blandAi: {
		type: 'blandAiApi',
		displayName: 'Bland AI API',
		defaultBaseUrl: 'https://api.bland.ai',
		header: ['authorization', (key) => key],
		testPath: '/v1/me',
	},
	leadLex: {
		type: 'leadLexApi',
		displayName: 'LeadLex API',
		defaultBaseUrl: 'https://data.leadlex.com/functions/v1/api-gateway',
		header: ['Authorization', (key) => `Bearer ${key}`],
		testPath: '/v1/contacts?per_page=1',
	},
	openCx: {
		type: 'openCxApi',
		displayName: 'OpenCX API',
		defaultBaseUrl: 'https://api.open.cx',
		header: ['Authorization', (key) => `Bearer ${key}`],
		testPath: '/org',
	},
	raze: {
		type: 'razeApi',
		displayName: 'Raze API',
		defaultBaseUrl: 'https://app.getraze.com',
		header: ['X-API-Key', (key) => key],
		testPath: '/external/v1/contacts?limit=1',
	},
} satisfies Partial<Record<Vendor, Published>>;

const cases = Object.entries(PUBLISHED).map(([vendor, published]) => ({ vendor: vendor as Vendor, ...(published as Published) }));

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox.close();
	shutdownEngine();
});

describe.each(cases)('$type', ({ type, vendor, displayName, defaultBaseUrl, header, testPath }) => {
	const credential = credentialTypes[type];

	test('names and properties are the public contract', () => {
		expect(credential).toBeDefined();
		expect(credential.name).toBe(type);
		expect(CREDENTIAL_TYPE[vendor]).toBe(type);
		expect(credential.displayName).toBe(displayName);
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
		expect(credential.icon).toEqual({
			light: `file:icons/${vendor}.svg`,
			dark: `file:icons/${vendor}.dark.svg`,
		});
		const [apiKey, baseUrl] = credential.properties;
		expect(apiKey).toMatchObject({ name: 'apiKey', type: 'string', typeOptions: { password: true }, required: true });
		expect(baseUrl).toMatchObject({ name: 'baseUrl', type: 'string', default: defaultBaseUrl });
		expect(credential.properties).toHaveLength(2);
	});

	test('authenticate is a function in an own property, which n8n publishes to the editor', () => {
		// A method would live on the prototype and be left out of n8n's types/credentials.json, and the
		// HTTP Request node lists only credential types that have authenticate there.
		expect(Object.hasOwn(credential, 'authenticate')).toBe(true);
		expect(typeof credential.authenticate).toBe('function');
	});

	test('authenticate adds the vendor header built from the key, keeping the request and its other headers', async () => {
		const original = { url: '/x', method: 'PATCH' as const, headers: { Accept: 'application/json' } };
		const request = await authenticateRequest(credential, { apiKey: 'k-123', baseUrl: defaultBaseUrl }, original);
		expect(request).toEqual({ ...original, headers: { Accept: 'application/json', [header[0]]: header[1]('k-123') } });
		// The caller's options are not changed: n8n may reuse them for a retry.
		expect(original.headers).toEqual({ Accept: 'application/json' });
	});

	test.each(['', '/', '//'])('test request URL is built from baseUrl (suffix "%s")', async (suffix) => {
		const request = await credentialTestRequest(credential, { apiKey: 'k', baseUrl: `${defaultBaseUrl}${suffix}` });
		expect(request.baseURL).toBe(defaultBaseUrl);
		expect(request.method).toBe('GET');
		const query = request.qs ? `?${new URLSearchParams(request.qs as Record<string, string>)}` : '';
		expect(`${request.url}${query}`).toBe(testPath);
	});

	test('the test normalises Base URL as the node does: surrounding spaces and trailing slashes go', async () => {
		const request = await credentialTestRequest(credential, { apiKey: 'k', baseUrl: ` ${defaultBaseUrl}/ \n` });
		expect(request.baseURL).toBe(defaultBaseUrl);
		expect(normalizeBaseUrl(` ${defaultBaseUrl}/ \n`)).toBe(defaultBaseUrl);
	});

	test.each([
		['a query string', `${defaultBaseUrl}?region=eu`],
		['a fragment', `${defaultBaseUrl}#top`],
		['user:password@', defaultBaseUrl.replace('https://', 'https://user:secret@')],
		['another scheme', defaultBaseUrl.replace('https://', 'ftp://')],
	])('a Base URL with %s fails the test with the reason, and the node refuses it', async (_label, baseUrl) => {
		const problem = baseUrlProblem(normalizeBaseUrl(baseUrl));
		expect(problem).toMatch(/^the Base URL must/);
		await expect(credentialTestRequest(credential, { apiKey: 'k', baseUrl })).rejects.toThrow(`Base URL: ${problem}`);
	});

	test('a key pasted with a trailing newline is trimmed; one that cannot be a header value is a clear error', async () => {
		const trimmed = await authenticateRequest(credential, { apiKey: '  k-123\n', baseUrl: defaultBaseUrl }, { url: '/x' });
		expect(trimmed.headers).toEqual({ [header[0]]: header[1]('k-123') });
		await expect(authenticateRequest(credential, { apiKey: 'k-1\r\nX-Evil: 1', baseUrl: defaultBaseUrl }, { url: '/x' })).rejects.toThrow(
			'API Key: the API Key holds a line break or a character that cannot be sent in an HTTP header; paste the key again',
		);
		await expect(authenticateRequest(credential, { apiKey: ' ', baseUrl: defaultBaseUrl }, { url: '/x' })).rejects.toThrow('API Key: the API Key is empty');
	});

	test('test request succeeds against the sandbox with a good key and fails with a bad one', async () => {
		const good = await credentialTestRequest(credential, { apiKey: SANDBOX_KEYS[vendor].valid, baseUrl: `${sandbox.baseUrl(vendor)}/` });
		const ok = (await httpRequest({ ...good, returnFullResponse: true, ignoreHttpStatusErrors: true })) as IN8nHttpFullResponse;
		expect(ok.statusCode).toBe(200);
		expect(sandbox.requests.at(-1)?.rawPath).toBe(`/${sandbox.baseUrl(vendor).split('/').pop()}${testPath}`);

		const bad = await credentialTestRequest(credential, { apiKey: 'wrong-key', baseUrl: sandbox.baseUrl(vendor) });
		const refused = (await httpRequest({ ...bad, returnFullResponse: true, ignoreHttpStatusErrors: true })) as IN8nHttpFullResponse;
		expect(refused.statusCode).toBe(401);
	});
});
