/**
 * The engine's per-vendor rules, for every vendor the registries hold: the documented requests (update, look-up,
 * read, auth header), update by ID and by email, a look-up read past its first page, Create or Update (created once,
 * then updated), Get, bad input refused before sending, each sandbox fault on an update, a cancel mid-run, pacing by
 * the vendor's rate-limit headers where it sends them, hostile input, the credential and its test, and no key in anything a user sees.
 * Expectations come from the vendor's sandbox module (its label, keys, documented requests, generated contacts,
 * create route and rate-limit headers), never from the provider module.
 */
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import { credentialTestRequest } from '../helpers/credentials-helper';

import { listedItems, trackedNode } from '../helpers/runs';
import { CONTACT_HUB_TYPE, contactHubWorkflow, credentialTypes, runWorkflow } from '../helpers/workflow';
import type { FaultKind, SentRequest } from '../sandbox';
import { FAULT_KINDS } from '../sandbox/faults';
import { VENDOR_MODULES } from '../sandbox/vendors';
import type { Documented, VendorModule } from '../sandbox/vendor';
import {
	AUTH_HEADER,
	CREDENTIAL_TYPE,
	credentialsFor,
	expectNoKey,
	jsonOf,
	pairedOf,
	readRequest,
	run,
	sent,
	updateRequest,
	useSandbox,
	VENDOR_LIST,
	visibleText,
	WRONG_KEY,
	type Vendor,
} from '../node/harness';

/**
 * What each sandbox fault does to a repeat-safe update sent once: a retry mends a server or network failure, while
 * an unreadable 2xx is reported and not retried (the node cannot tell whether it was applied).
 */
const FAULT_OUTCOME: Record<FaultKind, 'retried' | 'unreadable'> = {
	status500: 'retried',
	status502Html: 'retried',
	hang: 'retried',
	reset: 'retried',
	malformedJson: 'unreadable',
};

/** Short enough that a hang costs little, long enough that a healthy sandbox answer never times out. */
const FAULT_TIMEOUT_MS = 1500;

/** A paged look-up's parameters in its documented first request (query, or a JSON body's top level). */
function lookupParameters([, path, body]: SentRequest): Array<[string, string]> {
	const query = [...new URLSearchParams(path.split('?')[1] ?? '')];
	const inBody = body !== null && typeof body === 'object' && !Array.isArray(body) ? Object.entries(body).map(([name, value]): [string, string] => [name, String(value)]) : [];
	return [...query, ...inBody];
}

/**
 * The page size of a vendor's look-up, read from its documented first request: `page=1` and one other whole number
 * (LeadLex's `per_page`, Raze's `limit`); undefined when the look-up has no page (one answer holds every match).
 */
function lookupPageSize(documented: Documented): number | undefined {
	const request = documented.lookupByEmail('page.size@example.com');
	const parameters = lookupParameters(request);
	if (!parameters.some(([name, value]) => name === 'page' && value === '1')) return undefined;
	const sizes = parameters.filter(([name, value]) => name !== 'page' && /^\d+$/.test(value));
	if (sizes.length !== 1) throw new Error(`cannot tell the page size of the look-up ${JSON.stringify(request)}`);
	return Number(sizes[0][1]);
}

/** The documented look-up of `email`, page `page` (its first request with `page=1` replaced). */
function lookupPage(documented: Documented, email: string, page: number): SentRequest {
	const [method, path, body] = documented.lookupByEmail(email);
	const paged = path.replace(/([?&]page=)1(?=&|$)/, `$1${page}`);
	const pagedBody = body !== null && typeof body === 'object' && 'page' in body ? { ...body, page } : body;
	return [method, paged, pagedBody];
}

/** Runs the contract for each vendor of the sandbox's registry, or only for `only`. */
export function contractSuite(only?: readonly string[]): void {
	const sandbox = useSandbox();
	const vendors = VENDOR_LIST.filter((vendor) => only === undefined || only.includes(vendor));

	describe.each(vendors)('contract: %s', (vendor) => {
		const module = (VENDOR_MODULES as Record<string, VendorModule>)[vendor];
		const person = module.generate('contract-1', 1);
		const email = String(person.email);
		const seed = () => sandbox().seed(vendor, person);
		const stored = (id: string) => JSON.stringify(sandbox().getContact(vendor, id) ?? null);
		const { documented } = module;
		const named = (name: string) => ({ [documented.keys.name]: name });
		/** The documented update of `id` with vendor-keyed `fields`, as `sent` records it. */
		const update = (id: string, fields: Record<string, unknown>): SentRequest => updateRequest(vendor, id, fields);
		const [authHeader, authValue] = AUTH_HEADER[vendor];
		const storedName = (id: string) => sandbox().getContact(vendor, id)?.[documented.keys.name];
		const pageSize = lookupPageSize(documented);

		test('update by ID: the contact holds the new name, the output says so', async () => {
			seed();
			const result = await run(sandbox(), { provider: vendor, contactId: 'contract-1', updateFields: { name: 'Contract Name' } });
			expect(result.error).toBeUndefined();
			expect(jsonOf(result.items)[0]).toMatchObject({ provider: vendor, id: 'contract-1', name: 'Contract Name' });
			expect(sandbox().stats().updatesApplied[vendor]).toBe(1);
			expect(stored('contract-1')).toContain('"Contract Name"');
		});

		test('update by email: the one exact match is updated', async () => {
			seed();
			const result = await run(sandbox(), { provider: vendor, identifyBy: 'email', lookupValue: email.toUpperCase(), updateFields: { name: 'Found By Email' } });
			expect(result.error).toBeUndefined();
			expect(jsonOf(result.items)[0]).toMatchObject({ id: 'contract-1' });
			expect(stored('contract-1')).toContain('"Found By Email"');
		});

		test('Create or Update: created once, then updated; never twice', async () => {
			const upsert = { provider: vendor, operation: 'upsert', identifyBy: 'email', lookupValue: 'fresh.person@example.com', updateFields: { name: 'Fresh Person' } };
			const first = await run(sandbox(), upsert);
			expect(first.error).toBeUndefined();
			const [created] = jsonOf(first.items);
			expect(created).toMatchObject({ created: true });
			expect(stored(String(created.id))).toContain('fresh.person@example.com');
			const second = await run(sandbox(), upsert);
			expect(jsonOf(second.items)[0]).toMatchObject({ id: created.id, created: false });
			expect(sandbox().stats().created[vendor]).toBe(1);
			expect(sent(sandbox()).filter(([method, path]) => method === module.createRoute.method && path === module.createRoute.path)).toHaveLength(1);
		});

		test('Get by email: the contact, and nothing written', async () => {
			seed();
			const result = await run(sandbox(), { provider: vendor, operation: 'get', identifyBy: 'email', lookupValue: email });
			expect(result.error).toBeUndefined();
			expect(jsonOf(result.items)[0]).toMatchObject({ provider: vendor, id: 'contract-1', email });
			expect(sandbox().stats().updatesApplied[vendor] + sandbox().stats().created[vendor]).toBe(0);
		});

		test('bad input is refused before anything is sent, naming the provider, the field and the item', async () => {
			const result = await run(sandbox(), { provider: vendor, identifyBy: 'email', lookupValue: 'not-an-email', updateFields: { name: 'X' } });
			expect(result.error?.message).toBe(`${module.label}: Contact Email "not-an-email" is not an email address (item 0)`);
			expect(sandbox().requests).toEqual([]);
		});

		test('hostile input: a dot-segment ID never reaches another endpoint', async () => {
			const result = await run(sandbox(), { provider: vendor, contactId: '..', updateFields: { name: 'X' } });
			expect(result.error?.message).toMatch(/Contact ID "\.\." is not a valid ID \(item 0\)$/);
			expect(sandbox().requests).toEqual([]);
		});

		test('a 500 on a repeat-safe update is retried', async () => {
			seed();
			sandbox().addFault({ kind: 'status500', vendor });
			const result = await run(sandbox(), { provider: vendor, contactId: 'contract-1', updateFields: { name: 'After 500' }, options: { maxRetryWaitSeconds: 0 } });
			expect(result.error).toBeUndefined();
			expect(sandbox().requests).toHaveLength(2);
			expect(stored('contract-1')).toContain('"After 500"');
		});

		test('no key in anything a user sees, with the right key or a wrong one', async () => {
			seed();
			const good = await run(sandbox(), { provider: vendor, contactId: 'contract-1', updateFields: { name: 'Keyed' }, options: { output: 'raw' } });
			const wrong = await run(sandbox(), { provider: vendor, contactId: 'contract-1', updateFields: { name: 'Keyed' } }, [{}], { keys: { [vendor]: WRONG_KEY } as Partial<Record<Vendor, string>> });
			expect(wrong.error?.message).toContain(module.label);
			for (const result of [good, wrong]) expectNoKey(visibleText(result));
			expect(visibleText(good)).not.toContain(module.keys.valid);
		});

		test('the credential: a required secret API Key and a Base URL; its test passes with the key and fails with a wrong one', async () => {
			const credential = credentialTypes[CREDENTIAL_TYPE[vendor]];
			expect(credential.properties.find(({ name }) => name === 'apiKey')).toMatchObject({ type: 'string', typeOptions: { password: true }, required: true });
			expect(credential.properties.find(({ name }) => name === 'baseUrl')).toMatchObject({ type: 'string', default: expect.stringMatching(/^https:\/\//) });
			const statusWith = async (apiKey: string) => {
				const request = await credentialTestRequest(credential, { apiKey, baseUrl: sandbox().baseUrl(vendor) });
				return ((await httpRequest({ ...request, returnFullResponse: true, ignoreHttpStatusErrors: true })) as IN8nHttpFullResponse).statusCode;
			};
			expect(await statusWith(module.keys.valid)).toBe(200);
			expect(await statusWith(WRONG_KEY)).toBe(401);
			expect(sandbox().requests.map(({ method }) => method)).toEqual(['GET', 'GET']);
			expect(sandbox().requests[0].headers[authHeader]).toBe(authValue(module.keys.valid));
		});

		(module.rateLimitHeaders ? test : test.skip)('pacing by the vendor\'s rate-limit headers: a small window, every update applied', async () => {
			const ids = sandbox().seedMany(vendor, 6, 'paced');
			sandbox().setRateLimit(vendor, { limit: 3, windowMs: 1000 });
			const items: IDataObject[] = ids.map((id) => ({ id }));
			const result = await run(sandbox(), { provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: 'Paced' } }, items);
			expect(result.error).toBeUndefined();
			expect(sandbox().stats().updatesApplied[vendor]).toBe(6);
		});

		test('the documented requests: an update by ID, its key in the documented auth header only', async () => {
			seed();
			const result = await run(sandbox(), { provider: vendor, contactId: 'contract-1', updateFields: { name: 'X' } });
			expect(result.error).toBeUndefined();
			expect(sent(sandbox())).toEqual([update('contract-1', named('X'))]);
			const { headers } = sandbox().requests[0];
			expect(headers[authHeader]).toBe(authValue(module.keys.valid));
			// A vendor may take its key in more than one header (Raze also takes a Bearer token): the node sends the documented one.
			expect(Object.keys(headers).filter((name) => String(headers[name]).includes(module.keys.valid))).toEqual([authHeader]);
		});

		test('the documented requests: a look-up by email comes first, then the update of its match', async () => {
			seed();
			const result = await run(sandbox(), { provider: vendor, identifyBy: 'email', lookupValue: email, updateFields: { name: 'X' } });
			expect(result.error).toBeUndefined();
			expect(sent(sandbox())).toEqual([documented.lookupByEmail(email), update('contract-1', named('X'))]);
		});

		(documented.readPath ? test : test.skip)('the documented requests: Get by ID reads the documented path, and only that', async () => {
			seed();
			const result = await run(sandbox(), { provider: vendor, operation: 'get', identifyBy: 'id', contactId: 'contract-1' });
			expect(result.error).toBeUndefined();
			expect(jsonOf(result.items)[0]).toMatchObject({ provider: vendor, id: 'contract-1', email });
			expect(sent(sandbox())).toEqual([readRequest(vendor, 'contract-1')]);
		});

		(pageSize !== undefined ? test : test.skip)('a paged look-up: a match only on the second page is found, each page asked for', async () => {
			const wanted = 'paged.person@example.com';
			// A full first page of contacts whose emails contain the wanted one but are not it: the vendor answers them first, the match after them.
			for (let i = 1; i <= pageSize!; i++) sandbox().seed(vendor, { ...module.generate(`near-${i}`, i), [documented.keys.email]: `a${i}.${wanted}` });
			sandbox().seed(vendor, { ...module.generate('paged-1', pageSize! + 1), [documented.keys.email]: wanted });
			const result = await run(sandbox(), { provider: vendor, identifyBy: 'email', lookupValue: wanted, updateFields: { name: 'Found On Page 2' } });
			expect(result.error).toBeUndefined();
			expect(jsonOf(result.items)[0]).toMatchObject({ provider: vendor, id: 'paged-1' });
			expect(sent(sandbox())).toEqual([lookupPage(documented, wanted, 1), lookupPage(documented, wanted, 2), update('paged-1', named('Found On Page 2'))]);
			expect(storedName('paged-1')).toBe('Found On Page 2');
			expect(sandbox().stats().updatesApplied[vendor]).toBe(1);
		});

		test('a cancel mid-run: nothing is sent after it, and the report accounts for every item once', async () => {
			const ids = sandbox().seedMany(vendor, 6, 'cancel');
			const { node, settled } = trackedNode();
			let cancelledAt = 0;
			let poll: ReturnType<typeof setInterval> | undefined;
			await runWorkflow(
				// 600 a minute: one update every 100 ms, so the cancel lands between two of them.
				contactHubWorkflow({ provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: 'Before Cancel' }, options: { maxRequestsPerMinute: 600 } }),
				ids.map((id) => ({ id })),
				credentialsFor(sandbox()),
				{
					nodeTypes: { [CONTACT_HUB_TYPE]: node },
					onRunning: (cancel) => {
						poll = setInterval(() => {
							if (sandbox().requests.length < 2) return;
							clearInterval(poll);
							cancelledAt = Date.now();
							cancel();
						}, 5);
					},
				},
			);
			const { error } = await settled;
			clearInterval(poll);
			expect(cancelledAt).toBeGreaterThan(0);
			expect(sandbox().requests.filter((request) => request.at > cancelledAt)).toEqual([]);
			const sentCount = sandbox().requests.length;
			expect(sent(sandbox())).toEqual(ids.slice(0, sentCount).map((id) => update(id, named('Before Cancel'))));
			expect(sentCount).toBeLessThan(ids.length);
			const message = error?.message ?? '';
			expect(message).toMatch(/^The execution was cancelled — /);
			const updated = listedItems(message, 'updated');
			const inFlight = listedItems(message, 'in flight when the run stopped \\(may have been updated\\)');
			const notSent = listedItems(message, 'not sent');
			expect([...updated, ...inFlight, ...notSent].sort((a, b) => a - b)).toEqual(ids.map((_, index) => index));
			// Every item sent before the cancel is updated, or (the last one, if its answer had not come) in flight.
			expect(notSent).toEqual(ids.map((_, index) => index).slice(sentCount));
			expect(updated).toEqual(expect.arrayContaining(ids.map((_, index) => index).slice(0, sentCount - 1)));
			expect(updated.map((index) => storedName(ids[index]))).toEqual(updated.map(() => 'Before Cancel'));
			expect(notSent.map((index) => storedName(ids[index]))).not.toContain('Before Cancel');
		});

		/** Three updates by ID, each by its own item, the first meeting `kind`; Continue On Fail. */
		async function updateThroughFault(kind: FaultKind) {
			const ids = sandbox().seedMany(vendor, 3, 'fault');
			sandbox().addFault({ kind, vendor });
			const result = await run(
				sandbox(),
				{ provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: 'After Fault' }, options: { maxRetryWaitSeconds: 0, timeout: FAULT_TIMEOUT_MS } },
				ids.map((id) => ({ id })),
				{ onError: 'continueRegularOutput' },
			);
			expect(result.error).toBeUndefined();
			// No item is lost: one output per input, in order.
			expect(pairedOf(result.items)).toEqual(ids.map((_, item) => ({ item })));
			return { ids, out: jsonOf(result.items), updates: ids.map((id) => update(id, named('After Fault'))) };
		}

		test.each(FAULT_KINDS.filter((kind) => FAULT_OUTCOME[kind] === 'retried'))('the fault list: %s on a repeat-safe update is retried, the update applied once', async (kind) => {
			const { ids, out, updates } = await updateThroughFault(kind);
			expect(sent(sandbox())).toEqual([updates[0], ...updates]);
			expect(out.filter((json) => 'error' in json)).toEqual([]);
			expect(out.map((json) => json.id)).toEqual(ids);
			expect(sandbox().stats().updatesApplied[vendor]).toBe(ids.length);
			expect(ids.map(storedName)).toEqual(ids.map(() => 'After Fault'));
		});

		test.each(FAULT_KINDS.filter((kind) => FAULT_OUTCOME[kind] === 'unreadable'))('the fault list: %s is an error naming the provider, not retried; the other items go on', async (kind) => {
			const { ids, out, updates } = await updateThroughFault(kind);
			expect(sent(sandbox())).toEqual(updates);
			expect(out[0].error).toBe(`${module.label} answered 200 for contact ${ids[0]} with a body that is not valid JSON (item 0)`);
			expect(out.slice(1).map((json) => json.id)).toEqual(ids.slice(1));
			expect(sandbox().stats().updatesApplied[vendor]).toBe(ids.length - 1);
			expect(storedName(ids[0])).not.toBe('After Fault');
		});
	});
}
