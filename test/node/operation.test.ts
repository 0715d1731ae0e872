import { contactHubWorkflow, runWorkflow, shutdownEngine } from '../helpers/workflow';

afterAll(() => shutdownEngine());

test('the editor\'s "Custom API Call" operation fails with a pointer to the HTTP Request node', async () => {
	const result = await runWorkflow(
		contactHubWorkflow({ provider: 'raze', operation: '__CUSTOM_API_CALL__', contactId: 'c1', updateFields: { name: 'x' } }),
		[{}],
		{ razeApi: { apiKey: 'gr_live_unused', baseUrl: 'http://127.0.0.1:9' } },
	);
	expect(result.items).toEqual([]);
	expect(result.error?.message).toBe('Contact Hub cannot run the operation "__CUSTOM_API_CALL__"');
	expect(result.error?.description).toContain('HTTP Request node');
});
