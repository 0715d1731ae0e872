import { contactHubWorkflow, runWorkflow, shutdownEngine } from '../helpers/workflow';
import { CREDENTIAL_TYPE } from '../node/harness';
import { SANDBOX_KEYS, startSandbox, type Sandbox } from '../sandbox';

// Random 429s, 500s, HTML 502s, hangs, resets and unreadable answers, before or after the update
// is applied, at fixed seeds: every item must come out once, updated or reported, never doubled.
// A chaos 429 from LeadLex or Raze reports Remaining 0 until the next second, and the node rightly
// holds every request until then: kept rare, so the campaign stays quick.
const CHAOS = { status429: 0.02, status500: 0.05, status502Html: 0.04, hang: 0.02, reset: 0.04, malformedJson: 0.02 };
const ITEMS = 150;
const OPTIONS = { parallelRequests: 8, maxRetries: 3, maxRetryWaitSeconds: 0.3, timeout: 400 };

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ hangMs: 1000 });
});
beforeEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox.close();
	shutdownEngine();
});

function occurrences(text: unknown, part: string): number {
	return typeof text === 'string' ? text.split(part).length - 1 : 0;
}

describe.each([1, 2, 3])('chaos seed %i', (seed) => {
	test('LeadLex with notes: each note lands at most once, and every success exactly once', async () => {
		const ids = sandbox.seedMany('leadLex', ITEMS, `ll${seed}`);
		sandbox.setChaos({ seed, vendor: 'leadLex', rates: CHAOS, phase: 'random' });
		const input = ids.map((id, index) => ({ id, note: `note ${seed}/${index}`, title: `Title ${index}` }));

		const result = await runWorkflow(
			contactHubWorkflow(
				{
					provider: 'leadLex',
					contactId: '={{ $json.id }}',
					updateFields: { notes: '={{ $json.note }}', jobTitle: '={{ $json.title }}' },
					options: OPTIONS,
				},
				{ onError: 'continueRegularOutput' },
			),
			input,
			{ [CREDENTIAL_TYPE.leadLex]: { apiKey: SANDBOX_KEYS.leadLex.valid, baseUrl: sandbox.baseUrl('leadLex') } },
		);

		expect(result.items).toHaveLength(ITEMS);
		let failures = 0;
		result.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			const stored = sandbox.getContact('leadLex', ids[index])!;
			const landed = occurrences(stored.notes, `note ${seed}/${index}`);
			expect(landed).toBeLessThanOrEqual(1);
			if (item.json.error === undefined) {
				expect(landed).toBe(1);
				expect(item.json).toMatchObject({ id: ids[index], jobTitle: `Title ${index}` });
			} else {
				failures++;
				expect(item.json.error).toMatch(new RegExp(`LeadLex.*(item ${index})`));
			}
		});
		// The chaos is real: some items fail, but most get through.
		expect(failures).toBeGreaterThan(0);
		expect(failures).toBeLessThan(ITEMS / 2);
	});

	test('Raze: repeat-safe updates are retried, and state matches every success', async () => {
		const ids = sandbox.seedMany('raze', ITEMS, `rz${seed}`);
		sandbox.setChaos({ seed, vendor: 'raze', rates: CHAOS, phase: 'random' });
		const input = ids.map((id, index) => ({ id, tags: [`tag-${index}`, 'chaos'] }));

		const result = await runWorkflow(
			contactHubWorkflow(
				{
					provider: 'raze',
					contactId: '={{ $json.id }}',
					updateFields: { tags: '={{ $json.tags }}' },
					options: OPTIONS,
				},
				{ onError: 'continueErrorOutput' },
			),
			input,
			{ [CREDENTIAL_TYPE.raze]: { apiKey: SANDBOX_KEYS.raze.valid, baseUrl: sandbox.baseUrl('raze') } },
		);

		expect(result.items.length + result.errorItems.length).toBe(ITEMS);
		const seen = [...result.items, ...result.errorItems].map((item) => (item.pairedItem as { item: number }).item);
		expect(seen.sort((a, b) => a - b)).toEqual(ids.map((_, index) => index));
		for (const item of result.items) {
			const index = (item.pairedItem as { item: number }).item;
			expect(item.json.tags).toEqual([`tag-${index}`, 'chaos']);
			expect(sandbox.getContact('raze', ids[index])!.tags).toEqual([`tag-${index}`, 'chaos']);
		}
		for (const item of result.errorItems) {
			expect(String(item.json.error)).toMatch(/^(Raze|Could not reach Raze)/);
		}
		// Retries rescue most faults: far fewer failures than faults injected.
		expect(result.errorItems.length).toBeLessThan(ITEMS * 0.1);
	});
});

describe('single faults', () => {
	const run = async (updateFields: Record<string, string>, options: Record<string, unknown> = {}) =>
		await runWorkflow(
			contactHubWorkflow(
				{ provider: 'leadLex', contactId: 'one-1', updateFields, options: { timeout: 300, maxRetryWaitSeconds: 0.1, ...options } },
				{ onError: 'continueRegularOutput' },
			),
			[{}],
			{ [CREDENTIAL_TYPE.leadLex]: { apiKey: SANDBOX_KEYS.leadLex.valid, baseUrl: sandbox.baseUrl('leadLex') } },
		);
	const updates = () => sandbox.requests.filter((request) => request.method === 'PATCH');

	beforeEach(() => sandbox.seedMany('leadLex', 1, 'one'));

	test('a lost answer to an update with notes is reported, not retried', async () => {
		sandbox.addFault({ kind: 'reset', phase: 'after', vendor: 'leadLex' });
		const [item] = (await run({ notes: 'called back' })).items;
		expect(item.json.error).toBe('Could not reach LeadLex for contact one-1 (ECONNRESET) (item 0)');
		expect(item.error?.description).toContain('It was not retried: this update appends notes');
		expect(updates()).toHaveLength(1);
		expect(occurrences(sandbox.getContact('leadLex', 'one-1')!.notes, 'called back')).toBe(1);
	});

	test('the same lost answer without notes is retried and succeeds', async () => {
		sandbox.addFault({ kind: 'reset', phase: 'after', vendor: 'leadLex' });
		const [item] = (await run({ jobTitle: 'CTO' })).items;
		expect(item.json).toMatchObject({ id: 'one-1', jobTitle: 'CTO' });
		expect(updates()).toHaveLength(2);
	});

	test('a hang past the timeout is reported with the timeout', async () => {
		sandbox.addFault({ kind: 'hang', vendor: 'leadLex', count: 4 });
		const [item] = (await run({ jobTitle: 'CTO' }, { maxRetries: 3 })).items;
		expect(item.json.error).toBe('LeadLex did not answer within 300 ms for contact one-1 after 4 attempts (item 0)');
	});

	test('an HTML 502 and an unreadable 200 read clearly', async () => {
		sandbox.addFault({ kind: 'status502Html', vendor: 'leadLex' });
		const [html] = (await run({ notes: 'x' })).items;
		expect(html.json.error).toBe('LeadLex answered 502 for contact one-1 with an HTML page (item 0)');
		expect(html.error?.description).toContain('502 Bad Gateway');

		sandbox.addFault({ kind: 'malformedJson', vendor: 'leadLex' });
		const [garbled] = (await run({ jobTitle: 'CTO' })).items;
		expect(garbled.json.error).toBe('LeadLex answered 200 for contact one-1 with a body that is not valid JSON (item 0)');
		expect(garbled.error?.description).toContain('The update may have been applied');
	});
});
