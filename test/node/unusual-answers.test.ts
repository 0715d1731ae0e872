import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { contactHubWorkflow, runWorkflow, shutdownEngine } from '../helpers/workflow';

// Answers the sandbox does not give but real vendors might: a key echoed back, a 429 that asks
// for no wait, an error body n8n would mine for its own description. One scripted answer per request.
type Answer = { status: number; headers?: Record<string, string>; body: unknown };
let script: Answer[] = [];
const arrivals: number[] = [];
const bodies: unknown[] = [];
const server = http.createServer((request, response) => {
	let text = '';
	request.on('data', (chunk) => (text += chunk));
	request.on('end', () => {
		arrivals.push(Date.now());
		bodies.push(text ? JSON.parse(text) : undefined);
		const answer = script.shift() ?? { status: 200, body: { success: true, data: { id: 'c1' } } };
		response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
		response.end(JSON.stringify(answer.body));
	});
});
let baseUrl = '';

beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
	script = [];
	arrivals.length = 0;
	bodies.length = 0;
});
afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
	shutdownEngine();
});

const KEY = 'wbk_live_SECRET123456';
const run = async (provider: string, credential: string, updateFields: Record<string, unknown>, options = {}) =>
	await runWorkflow(
		contactHubWorkflow({ provider, contactId: 'c1', updateFields, options }, { onError: 'continueRegularOutput' }),
		[{}],
		{ [credential]: { apiKey: KEY, baseUrl } },
	);

test('a key the vendor echoes back is hidden in the message, description and attached body', async () => {
	script = [{ status: 401, body: { error: { code: 'invalid_key', message: `API key ${KEY} is revoked` } } }];
	const [item] = (await run('leadLex', 'leadLexApi', { name: 'x' })).items;
	expect(item.json.error).toBe('LeadLex refused the API key (401 invalid_key): API key [API key hidden] is revoked (item 0)');
	expect(JSON.stringify(item)).not.toContain(KEY);
	expect(JSON.stringify(item.error)).not.toContain(KEY);
});

test('our description survives an error body that n8n would read its own description from', async () => {
	script = [{ status: 400, body: { data: { message: 'RAW VENDOR TEXT' }, error: { code: 'validation_error', message: 'Bad' } } }];
	const [item] = (await run('leadLex', 'leadLexApi', { name: 'x' })).items;
	expect(item.error?.description).toBe('LeadLex said: Bad');
});

test.each([
	['Retry-After: 0', { 'retry-after': '0' }, { success: false, error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down' } }],
	['retry_after: null', {}, { success: false, error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down', retry_after: null } }],
	['a reset already past', { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) - 2) }, { success: false, error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down' } }],
])('a 429 that asks for no wait (%s) still backs off before retrying', async (_case, headers, body) => {
	script = [{ status: 429, headers, body }];
	// With no wait named, the first retry waits a quarter to half of Max Retry Wait: 1–2 s here.
	const [item] = (await run('raze', 'razeApi', { name: 'x' }, { maxRetryWaitSeconds: 4 })).items;
	expect(item.json.id).toBe('c1');
	expect(arrivals).toHaveLength(2);
	expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(950);
	expect(arrivals[1] - arrivals[0]).toBeLessThan(2500);
});

test('a 429 asking for longer than Max Retry Wait stops at once and says when the limit returns', async () => {
	const rateLimited = { status: 429, headers: { 'retry-after': '3600' }, body: { error: { code: 'rate_limited', message: 'daily cap' } } };
	script = [rateLimited, rateLimited];
	const started = Date.now();
	const [item] = (await run('leadLex', 'leadLexApi', { name: 'x' }, { maxRetries: 1, maxRetryWaitSeconds: 0.5 })).items;
	expect(Date.now() - started).toBeLessThan(1000);
	expect(arrivals).toHaveLength(1);
	expect(item.json.error).toMatch(/^LeadLex rate limit: not sent, the limit is used up until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 1 h 0 min\) \(item 0\)$/);
	expect(item.error?.description).toContain('returns later than Max Retry Wait (0.5 s), so Contact Hub stopped sending at once. 0 of 1 items were updated before.');
});

test('a 5xx on a LeadLex update with notes is not retried and says to check the contact', async () => {
	script = [{ status: 500, body: { error: { code: 'internal_error', message: 'boom' } } }];
	const [item] = (await run('leadLex', 'leadLexApi', { notes: 'called' })).items;
	expect(arrivals).toHaveLength(1);
	expect(item.error?.description).toContain('It was not retried: this update appends notes');
});

test('Bland AI: the documented answer lacks email and external_id, so the values sent stand in', async () => {
	script = [{ status: 200, body: { data: { id: 'c1', name: 'Jo', metadata: {}, created_at: 'a', updated_at: 'b' }, errors: null } }];
	const [item] = (await run('blandAi', 'blandAiApi', { email: 'jo@x.io', externalId: 'crm-1' })).items;
	expect(item.json).toMatchObject({ id: 'c1', name: 'Jo', email: 'jo@x.io', externalId: 'crm-1' });
});

test('an empty From JSON entry is skipped like an empty pair; tags given as JSON text are an array', async () => {
	await run('raze', 'razeApi', {
		customFields: { json: [{ object: '' }], field: [{ key: 'a', value: 'b' }] },
		tags: '["vip", "q4, 2026"]',
	});
	expect(bodies).toEqual([{ custom_fields: { a: 'b' }, tags: ['vip', 'q4, 2026'] }]);
});

test('a redirect is reported with where it points, not followed: an update is never sent on to another address', async () => {
	// The redirect points back at this server, which would answer 200: following it would show as a second arrival.
	script = [{ status: 307, headers: { location: `${baseUrl}/v1/contacts/c1?moved=1` }, body: {} }];
	const result = await run('leadLex', 'leadLexApi', { name: 'x' });
	const [item] = result.items;
	expect(arrivals).toHaveLength(1);
	expect(item.json.error).toBe('LeadLex answered 307 (a redirect) for contact c1; the update was not sent on (item 0)');
	expect(item.error?.description).toContain(`redirects to ${baseUrl}/v1/contacts/c1?moved=1`);
	expect(item.error?.description).toContain('Set Base URL');
});
