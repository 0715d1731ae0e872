/**
 * The engine's per-vendor rules, for every vendor the registries hold: update by ID and by email,
 * Create or Update (created once, then updated), Get, bad input refused before sending, a 5xx
 * retried, pacing by the vendor's rate-limit headers where it sends them, hostile input, and no key
 * in anything a user sees. Expectations come from the vendor's sandbox module (its label, keys,
 * generated contacts, create route and rate-limit headers), never from the provider module.
 */
import type { IDataObject } from 'n8n-workflow';

import { VENDOR_MODULES } from '../sandbox/vendors';
import type { VendorModule } from '../sandbox/vendor';
import { expectNoKey, jsonOf, run, sent, useSandbox, VENDOR_LIST, visibleText, WRONG_KEY, type Vendor } from '../node/harness';

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

		(module.rateLimitHeaders ? test : test.skip)('pacing by the vendor\'s rate-limit headers: a small window, every update applied', async () => {
			const ids = sandbox().seedMany(vendor, 6, 'paced');
			sandbox().setRateLimit(vendor, { limit: 3, windowMs: 1000 });
			const items: IDataObject[] = ids.map((id) => ({ id }));
			const result = await run(sandbox(), { provider: vendor, contactId: '={{ $json.id }}', updateFields: { name: 'Paced' } }, items);
			expect(result.error).toBeUndefined();
			expect(sandbox().stats().updatesApplied[vendor]).toBe(6);
		});
	});
}
