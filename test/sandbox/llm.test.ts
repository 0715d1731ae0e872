import { startSandbox, type Sandbox } from '.';
import { extractArguments, pickTool } from './llm';

const KEY = 'sk-sandbox-anything';

const contactTool = {
	type: 'function',
	function: {
		name: 'Contact_Hub',
		description: 'Update a contact',
		parameters: {
			type: 'object',
			properties: {
				Contact_ID: { type: 'string', description: 'The contact ID' },
				Email: { type: 'string' },
				Seats: { type: 'number' },
				Verified: { type: 'boolean' },
				Custom_Fields: { type: 'object' },
				Notes: { type: 'string' },
			},
			required: ['Contact_ID'],
		},
	},
};
const otherTool = { type: 'function', function: { name: 'Calculator', parameters: { type: 'object', properties: { input: { type: 'string' } } } } };

/** The JSON body of a fetch answer, untyped for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const bodyOf = (res: Response): Promise<any> => res.json();

interface SseChunk {
	object: string;
	choices: Array<{ delta: { content?: string | null; tool_calls?: Array<{ id?: string; function: { name?: string; arguments: string } }> }; finish_reason: string | null }>;
	usage?: unknown;
}

describe('sandbox: scripted OpenAI-compatible LLM', () => {
	let sandbox: Sandbox;
	let base: string;
	beforeAll(async () => {
		sandbox = await startSandbox();
		base = `${sandbox.url}/openai/v1`;
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	const chat = (body: unknown, key: string | null = KEY) =>
		fetch(`${base}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
			body: JSON.stringify(body),
		});
	const prompt = 'Update the contact with Contact_Hub.\nContact_ID: cnt_abc123def456\nEmail = ann@example.com; Seats: 3; Verified: true';

	it('GET /models lists OpenAI-style models', async () => {
		const res = await fetch(`${base}/models`, { headers: { authorization: `Bearer ${KEY}` } });
		expect(res.status).toBe(200);
		const body = await bodyOf(res);
		expect(body.object).toBe('list');
		expect(body.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(['gpt-4o-mini', 'gpt-4o']));
		expect(body.data[0]).toMatchObject({ object: 'model', owned_by: expect.any(String) });
	});

	it('first answer: one tool call to the tool named in the prompt, arguments from `name: value` / `name=value`', async () => {
		const res = await chat({ model: 'gpt-4o', messages: [{ role: 'system', content: 'You help.' }, { role: 'user', content: prompt }], tools: [otherTool, contactTool] });
		expect(res.status).toBe(200);
		const body = await bodyOf(res);
		expect(body).toMatchObject({ object: 'chat.completion', model: 'gpt-4o', id: expect.stringMatching(/^chatcmpl-/), created: expect.any(Number) });
		expect(body.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) });
		const [choice] = body.choices;
		expect(choice.finish_reason).toBe('tool_calls');
		expect(choice.message.content).toBeNull();
		expect(choice.message.tool_calls).toHaveLength(1);
		const [call] = choice.message.tool_calls;
		expect(call).toMatchObject({ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'Contact_Hub' } });
		// Typed as the schema says; properties the prompt does not give are left out.
		expect(JSON.parse(call.function.arguments)).toEqual({ Contact_ID: 'cnt_abc123def456', Email: 'ann@example.com', Seats: 3, Verified: true });
	});

	it('second answer, after a tool result: "Done: " and the first 200 characters of the last tool message', async () => {
		const result = JSON.stringify({ id: 'cnt_abc123def456', note: 'x'.repeat(300) });
		const res = await chat({
			messages: [
				{ role: 'user', content: prompt },
				{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Contact_Hub', arguments: '{}' } }] },
				{ role: 'tool', tool_call_id: 'call_1', content: 'an older result' },
				{ role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: result }] },
			],
			tools: [contactTool],
		});
		const body = await bodyOf(res);
		expect(body.model).toBe('gpt-4o-mini');
		expect(body.choices[0].finish_reason).toBe('stop');
		expect(body.choices[0].message.content).toBe(`Done: ${result.slice(0, 200)}`);
		expect(body.choices[0].message.tool_calls).toBeUndefined();
	});

	it('without a tool named in the prompt the first tool is called; with no tools at all, a text', async () => {
		const first = await bodyOf(await chat({ messages: [{ role: 'user', content: 'input: 2+2' }], tools: [otherTool, contactTool] }));
		expect(first.choices[0].message.tool_calls[0].function).toEqual({ name: 'Calculator', arguments: '{"input":"2+2"}' });
		const none = await bodyOf(await chat({ messages: [{ role: 'user', content: 'hello' }] }));
		expect(none.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'No tool to call.' } });
	});

	it('stream: SSE chunks whose tool-call deltas add up to the same call, then [DONE]; usage only when asked for', async () => {
		const read = async (body: unknown) => {
			const res = await chat(body);
			expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
			const events = (await res.text()).split('\n\n').filter((e) => e !== '');
			expect(events.every((e) => e.startsWith('data: '))).toBe(true);
			expect(events.at(-1)).toBe('data: [DONE]');
			return events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as SseChunk);
		};
		const chunks = await read({ stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: prompt }], tools: [contactTool] });
		expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
		const withChoices = chunks.filter((c) => c.choices.length > 0);
		const calls = withChoices.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
		expect(calls[0]).toMatchObject({ id: expect.stringMatching(/^call_/), function: { name: 'Contact_Hub' } });
		expect(calls.length).toBeGreaterThan(2); // the arguments arrive in pieces
		expect(JSON.parse(calls.map((c) => c.function.arguments).join(''))).toMatchObject({ Contact_ID: 'cnt_abc123def456', Seats: 3 });
		expect(withChoices.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
		expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });

		const text = await read({ stream: true, messages: [{ role: 'user', content: 'x' }, { role: 'tool', content: 'stored fine' }] });
		expect(text.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('Done: stored fine');
		expect(text.at(-1)!.choices[0].finish_reason).toBe('stop');
		expect(text.some((c) => 'usage' in c)).toBe(false);
	});

	it("401 in OpenAI's error shape without a Bearer key; 400 without messages; 404 for other paths", async () => {
		for (const key of [null, '']) {
			const res = await chat({ messages: [] }, key);
			expect(res.status).toBe(401);
			expect(await bodyOf(res)).toEqual({ error: { message: expect.stringContaining("didn't provide an API key"), type: 'invalid_request_error', param: null, code: null } });
		}
		expect((await fetch(`${base}/models`)).status).toBe(401);
		const bad = await chat({ model: 'gpt-4o' });
		expect(bad.status).toBe(400);
		expect((await bodyOf(bad)).error).toMatchObject({ param: 'messages', code: 'missing_required_parameter' });
		expect((await fetch(`${base}/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } })).status).toBe(404);
	});

	it('records every LLM request apart from vendor requests and stats; GET /__sandbox/llm/requests; reset clears them', async () => {
		await chat({ messages: [{ role: 'user', content: prompt }], tools: [contactTool] });
		expect(sandbox.requests).toHaveLength(0);
		expect(sandbox.stats().total).toBe(0);
		const [recorded] = sandbox.llmRequests();
		expect(recorded).toMatchObject({ method: 'POST', path: '/v1/chat/completions', status: 200, at: expect.any(Number) });
		expect((recorded.body as { tools: unknown[] }).tools).toEqual([contactTool]);
		expect(recorded.headers.authorization).toBe(`Bearer ${KEY}`);
		const viaAdmin = await bodyOf(await fetch(`${sandbox.url}/__sandbox/llm/requests`));
		expect(viaAdmin).toEqual([recorded]);
		sandbox.reset();
		expect(sandbox.llmRequests()).toEqual([]);
	});

	describe('argument extraction', () => {
		it.each([
			['one per line', 'Contact_ID: a1\nEmail: b@c.de', { Contact_ID: 'a1', Email: 'b@c.de' }],
			['separated by ;', 'contact_id=a1; email = b@c.de;notes: hi there', { Contact_ID: 'a1', Email: 'b@c.de', Notes: 'hi there' }],
			['after other words; the value runs to the next ; or line end', 'Please update it, Contact_ID: a1 for me; Email=b@c.de', { Contact_ID: 'a1 for me', Email: 'b@c.de' }],
			['a JSON object for an object property', 'Custom_Fields: {"plan":"pro"}', { Custom_Fields: { plan: 'pro' } }],
			['text that does not parse stays text', 'Seats: many; Verified: maybe', { Seats: 'many', Verified: 'maybe' }],
			['a name inside another name does not match', 'XContact_ID: a1', {}],
		])('%s', (_label, text, expected) => {
			expect(extractArguments(contactTool, text)).toEqual(expected);
		});

		it('the longest tool name in the prompt wins', () => {
			const hub2 = { type: 'function', function: { name: 'Contact_Hub_2', parameters: {} } };
			expect(pickTool([contactTool, hub2], 'use contact_hub_2 now')).toBe(hub2);
			expect(pickTool([hub2, contactTool], 'use Contact_Hub now')).toBe(contactTool);
		});
	});
});
