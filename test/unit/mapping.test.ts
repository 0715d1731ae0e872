import type { ICredentialType } from 'n8n-workflow';

import { buildUpdate, readContactId, readCustomFields, readTags, type Fail } from '../../nodes/ContactHub/engine/fields';
import { buildRequest, encodeContactId, KEY_PLACEHOLDER, redactedAuthHeaders } from '../../nodes/ContactHub/engine/request';
import { describeVendorFailure, updateAction } from '../../nodes/ContactHub/engine/errors';
import { rateLimitWaitMs, neverReachedServer, withJitter } from '../../nodes/ContactHub/engine/retry';
import { parseAnswerBody } from '../../nodes/ContactHub/engine/transport';
import { findProvider, PROVIDERS } from '../../nodes/ContactHub/providers/registry';
import type { ContactProvider } from '../../nodes/ContactHub/providers/types';

class Refused extends Error {
	constructor(readonly field: string, message: string) {
		super(message);
	}
}
const fail: Fail = (field, message) => {
	throw new Refused(field, message);
};
const provider = (id: string) => findProvider(id) as ContactProvider;
const refusal = (run: () => unknown): Refused => {
	try {
		run();
	} catch (error) {
		if (error instanceof Refused) return error;
		throw error;
	}
	throw new Error('expected a refusal');
};

describe('fields → request body', () => {
	test.each([
		['blandAi', { name: 'Ann', externalId: 'crm-1', customFields: { field: [{ key: 'plan', value: 'pro' }] } }, { name: 'Ann', external_id: 'crm-1', metadata: { plan: 'pro' } }],
		['leadLex', { name: 'Ann', company: 'Acme', jobTitle: 'CLO', notes: 'Met again' }, { full_name: 'Ann', company_name: 'Acme', job_title: 'CLO', notes: 'Met again' }],
		['openCx', { email: 'ann@acme.io', customFields: '{"tier": 2, "vip": true}' }, { contact: { email: 'ann@acme.io', custom_data: { tier: '2', vip: 'true' } } }],
		['raze', { jobTitle: 'VP', tags: 'hot-lead, enterprise ,', linkedinUrl: 'https://linkedin.com/in/ann' }, { position: 'VP', tags: ['hot-lead', 'enterprise'], linkedin_url: 'https://linkedin.com/in/ann' }],
	])('%s maps the node vocabulary to its own names', (id, fields, body) => {
		const update = buildUpdate(fields, provider(id), { sendEmptyValues: false }, fail);
		expect(provider(id).toBody(update)).toEqual(body);
	});

	test('empty values are skipped unless sendEmptyValues is on', () => {
		const raw = { name: '  ', email: '', tags: [] as string[], company: 'Acme' };
		expect(buildUpdate(raw, provider('raze'), { sendEmptyValues: false }, fail)).toEqual({ company: 'Acme' });
		expect(buildUpdate(raw, provider('raze'), { sendEmptyValues: true }, fail)).toEqual({ name: '', email: '', tags: [], company: 'Acme' });
	});

	test('refusals name the field', () => {
		expect(refusal(() => buildUpdate({ email: 'a..b@x.com' }, provider('openCx'), { sendEmptyValues: false }, fail)).field).toBe('email');
		expect(buildUpdate({ email: 'a..b@x.com' }, provider('leadLex'), { sendEmptyValues: false }, fail)).toEqual({ email: 'a..b@x.com' });
		expect(refusal(() => buildUpdate({ tags: 'x' }, provider('leadLex'), { sendEmptyValues: false }, fail)).message).toBe('Tags is not accepted by LeadLex');
		expect(refusal(() => buildUpdate({ linkedinUrl: 'ftp://x' }, provider('raze'), { sendEmptyValues: false }, fail)).field).toBe('linkedinUrl');
		expect(refusal(() => buildUpdate({ customFields: { a: { b: 1 } } }, provider('openCx'), { sendEmptyValues: false }, fail)).message).toContain('"a"');
		expect(refusal(() => buildUpdate({ httpActionOverrides: { cookies: {} } }, provider('openCx'), { sendEmptyValues: false }, fail)).message).toContain('unknown key "cookies"');
	});

	test('tags, custom fields and contact IDs accept the shapes expressions give', () => {
		expect(readTags(['a', ' b '], fail)).toEqual(['a', 'b']);
		expect(refusal(() => readTags(['a', 3], fail)).message).toBe('Tags must be text, but tag 2 is a number');
		expect(readCustomFields('{"a":1}', fail)).toEqual({ a: 1 });
		expect(readCustomFields({ a: [1, 2] }, fail)).toEqual({ a: [1, 2] });
		expect(readCustomFields({ json: [{ object: '{"a":1,"b":1}' }], field: [{ key: 'b', value: '2' }] }, fail)).toEqual({ a: 1, b: '2' });
		expect(refusal(() => readCustomFields('[1]', fail)).message).toContain('must be a JSON object');
		expect(readContactId(' 42 ', fail)).toBe('42');
		expect(readContactId(7, fail)).toBe('7');
		for (const bad of ['', '  ', '.', '..', '%2e%2E']) expect(refusal(() => readContactId(bad, fail)).field).toBe('contactId');
	});
});

describe('request', () => {
	test('contact IDs stay one path segment', () => {
		expect(encodeContactId('../../v1/me')).toBe('..%2F..%2Fv1%2Fme');
		expect(encodeContactId('a/b?c#d')).toBe('a%2Fb%3Fc%23d');
		const request = buildRequest(provider('raze'), 'http://h/raze//', 'a/b', { name: 'x' });
		expect(request).toEqual({ method: 'PUT', url: 'http://h/raze/external/v1/contacts/a%2Fb', body: { name: 'x' } });
	});

	test('dry-run headers show where the key goes, never the key', async () => {
		// The four vendors' headers as their pages spell them; any other registered vendor shows the placeholder too.
		const documented: Record<string, Record<string, string>> = {
			blandAi: { authorization: KEY_PLACEHOLDER },
			leadLex: { Authorization: `Bearer ${KEY_PLACEHOLDER}` },
			openCx: { Authorization: `Bearer ${KEY_PLACEHOLDER}` },
			raze: { 'X-API-Key': KEY_PLACEHOLDER },
		};
		for (const [id, headers] of Object.entries(documented)) expect(await redactedAuthHeaders(provider(id).credential)).toEqual(headers);
		for (const p of PROVIDERS) expect(Object.values(await redactedAuthHeaders(p.credential)).join()).toContain(KEY_PLACEHOLDER);
		// A generic authenticate (declared with expressions) reads the same way.
		const generic = { type: 'generic', properties: { headers: { 'X-Token': '=Token {{$credentials.apiKey}}' } } };
		expect(await redactedAuthHeaders({ name: 'x', displayName: 'X', properties: [], authenticate: generic } as ICredentialType)).toEqual({
			'X-Token': `Token ${KEY_PLACEHOLDER}`,
		});
	});
});

describe('vendor answers', () => {
	test('error messages carry provider, status, code and fields', () => {
		const leadLex = describeVendorFailure(provider('leadLex'), updateAction(provider('leadLex'), '123'), 400, {
			error: { code: 'validation_error', message: 'Invalid request parameters', details: { fields: { email: 'Invalid email format' } } },
		});
		expect(leadLex.message).toBe('LeadLex rejected the update of contact 123 (400 validation_error): email — Invalid email format');
		const raze = describeVendorFailure(provider('raze'), updateAction(provider('raze'), 'c1'), 403, { success: false, error: { code: 'INSUFFICIENT_PERMISSIONS', message: 'Missing permission' } });
		expect(raze.description).toContain('contacts:write');
		const html = describeVendorFailure(provider('openCx'), updateAction(provider('openCx'), 'c1'), 502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
		expect(html.message).toBe('OpenCX answered 502 for contact c1 with an HTML page');
		expect(html.description).toContain('502 Bad Gateway');
	});

	test('success bodies: JSON text parsed, empty is {}, garbage is undefined', () => {
		expect(parseAnswerBody('')).toEqual({});
		expect(parseAnswerBody('{"a":1}')).toEqual({ a: 1 });
		expect(parseAnswerBody('{"data": {"id": ')).toBeUndefined();
	});

	test('rate-limit waits are read from every documented signal', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(rateLimitWaitMs({ 'retry-after': '3' }, undefined, now)).toBe(3000);
		expect(rateLimitWaitMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, undefined, now)).toBe(5000);
		expect(rateLimitWaitMs({}, 7, now)).toBe(7000);
		expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(now / 1000 + 12) }, undefined, now)).toBe(12000);
		expect(rateLimitWaitMs({}, undefined, now)).toBeUndefined();
		expect(withJitter(1000, () => 0)).toBe(1000);
		expect(withJitter(1000, () => 1)).toBe(1200);
		expect(neverReachedServer('ECONNREFUSED')).toBe(true);
		expect(neverReachedServer('ECONNRESET')).toBe(false);
	});
});
