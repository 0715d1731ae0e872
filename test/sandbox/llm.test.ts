import { startSandbox, type Sandbox } from '.';
import { extractArguments, fromResult, steps } from './llm';

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
/** The agent test's two tools: Get by email, and Update. */
const stringTool = (name: string, keys: string[]) => ({
	type: 'function',
	function: { name, parameters: { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, { type: 'string' }])), required: keys } },
});
const getTool = stringTool('Get_Raze_contact', ['email']);
const updateTool = stringTool('Update_Raze_contact', ['contactId', 'jobTitle', 'email']);
/** A Get result as n8n 2.8 hands it to the model: the tool's items as a JSON text. */
const getResult = JSON.stringify([
	{ provider: 'raze', id: 'cnt_9a8b7c6d5e4f', name: 'Grace Hopper', email: 'grace.hopper@example.com', jobTitle: 'Rear Admiral', customFields: { id: 'not-this' } },
]);

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

		it('a value `result.<path>` is taken from the last tool result, typed by the schema; without one it is left out', () => {
			expect(extractArguments(updateTool, 'contactId: result.id; jobTitle: CTO', getResult)).toEqual({ contactId: 'cnt_9a8b7c6d5e4f', jobTitle: 'CTO' });
			expect(extractArguments(updateTool, 'contactId: result.id; jobTitle: CTO')).toEqual({ jobTitle: 'CTO' });
			expect(extractArguments(updateTool, 'contactId: result.phone', getResult)).toEqual({});
			const typedTool = { function: { parameters: { properties: { Seats: { type: 'number' }, Label: { type: 'string' }, Tags: { type: 'string' } } } } };
			const result = JSON.stringify({ seats: '3', n: 7, tags: ['a', 'b'], none: null });
			expect(extractArguments(typedTool, 'Seats: result.seats; Label: result.n; Tags: result.tags', result)).toEqual({ Seats: 3, Label: '7', Tags: '["a","b"]' });
			expect(extractArguments(typedTool, 'Label: result.none', result)).toEqual({ Label: null });
			// only a whole value is a reference
			expect(extractArguments(updateTool, 'contactId: the result.id', getResult)).toEqual({ contactId: 'the result.id' });
		});
	});

	describe('steps: each mention of a tool name starts one', () => {
		const prompt = 'Please use Get_Raze_contact with email: a@b.co\nthen UPDATE_RAZE_CONTACT: contactId: result.id';

		it('in the order the prompt names them; the text before the first mention belongs to the first step', () => {
			expect(steps([updateTool, getTool], prompt)).toEqual([
				{ tool: getTool, text: 'Please use Get_Raze_contact with email: a@b.co\nthen ' },
				{ tool: updateTool, text: 'UPDATE_RAZE_CONTACT: contactId: result.id' },
			]);
		});

		it('a tool named twice is two steps; the longest name wins where one starts another', () => {
			const hub2 = { type: 'function', function: { name: 'Contact_Hub_2', parameters: {} } };
			expect(steps([contactTool, hub2], 'use contact_hub_2, then Contact_Hub, then contact_hub_2').map((s) => s.tool)).toEqual([hub2, contactTool, hub2]);
		});

		it('a prompt that names no tool is one step with the first tool; with no tools, one step with none', () => {
			expect(steps([otherTool, contactTool], 'input: 1')).toEqual([{ tool: otherTool, text: 'input: 1' }]);
			expect(steps([], 'hello')).toEqual([{ tool: undefined, text: 'hello' }]);
		});
	});

	describe('fromResult', () => {
		it.each([
			['the items n8n hands back (an array of objects)', getResult, 'id', 'cnt_9a8b7c6d5e4f'],
			['the shallowest match first (breadth-first)', JSON.stringify({ a: { b: { id: 'deep' } }, c: { id: 'shallow' } }), 'id', 'shallow'],
			['a dotted path from any object on the way', getResult, 'customFields.id', 'not-this'],
			['JSON inside a string, parsed on the way', JSON.stringify([{ type: 'text', text: getResult }]), 'id', 'cnt_9a8b7c6d5e4f'],
			['a dotted path', JSON.stringify({ data: { contact: { id: 'c1' } } }), 'data.contact.id', 'c1'],
			['null is a value', JSON.stringify({ phone: null }), 'phone', null],
			['no such path', getResult, 'phone', undefined],
			['not JSON', 'Contact updated.', 'id', undefined],
		])('%s', (_label, result, path, expected) => {
			expect(fromResult(result, path)).toEqual(expected);
		});
	});

	it('Get, then Update with the ID from Get\'s result, then "Done: ": one tool call per answer, a step per tool the prompt names', async () => {
		const prompt =
			'Use Get_Raze_contact to read the contact with email: grace.hopper@example.com\nThen use Update_Raze_contact on it: contactId: result.id; jobTitle: Chief Scientist; email: grace@navy.example.com';
		const tools = [updateTool, getTool];
		const call = async (messages: unknown[]) => (await bodyOf(await chat({ messages: [{ role: 'system', content: 'You help.' }, ...messages], tools }))).choices[0];
		const user = { role: 'user', content: prompt };

		const first = await call([user]);
		expect(first.finish_reason).toBe('tool_calls');
		expect(first.message.tool_calls).toHaveLength(1);
		expect(first.message.tool_calls[0].function).toEqual({ name: 'Get_Raze_contact', arguments: '{"email":"grace.hopper@example.com"}' });

		// The assistant's call as n8n 2.x replays it (with the call's id among the arguments), then Get's result.
		const getCall = { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Get_Raze_contact', arguments: '{"email":"grace.hopper@example.com","id":"call_1"}' } }] };
		const afterGet = [user, getCall, { role: 'tool', tool_call_id: 'call_1', content: getResult }];
		const second = await call(afterGet);
		expect(second.finish_reason).toBe('tool_calls');
		expect(second.message.tool_calls[0].function.name).toBe('Update_Raze_contact');
		// Update's own email, not the one Get's step gives; the ID only Get's result has.
		expect(JSON.parse(second.message.tool_calls[0].function.arguments)).toEqual({ contactId: 'cnt_9a8b7c6d5e4f', jobTitle: 'Chief Scientist', email: 'grace@navy.example.com' });

		const updateCall = { role: 'assistant', content: '', tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'Update_Raze_contact', arguments: '{}' } }] };
		const updated = JSON.stringify([{ provider: 'raze', id: 'cnt_9a8b7c6d5e4f', jobTitle: 'Chief Scientist' }]);
		const third = await call([...afterGet, updateCall, { role: 'tool', tool_call_id: 'call_2', content: updated }]);
		expect(third).toMatchObject({ finish_reason: 'stop', message: { content: `Done: ${updated}` } });

		// Streamed, the second answer is the same call.
		const res = await chat({ stream: true, messages: afterGet, tools });
		const chunks = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)) as SseChunk);
		const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
		expect(deltas[0].function.name).toBe('Update_Raze_contact');
		expect(JSON.parse(deltas.map((d) => d.function.arguments).join(''))).toMatchObject({ contactId: 'cnt_9a8b7c6d5e4f' });
	});

	it('only the tool results after the last user message count: a new prompt starts its script over', async () => {
		const earlier = [
			{ role: 'user', content: 'Use Get_Raze_contact: email: a@b.co' },
			{ role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Get_Raze_contact', arguments: '{}' } }] },
			{ role: 'tool', tool_call_id: 'call_1', content: getResult },
			{ role: 'assistant', content: 'Done: …' },
		];
		const body = await bodyOf(await chat({ messages: [...earlier, { role: 'user', content: 'Now Get_Raze_contact: email: c@d.co' }], tools: [getTool] }));
		expect(body.choices[0].message.tool_calls[0].function).toEqual({ name: 'Get_Raze_contact', arguments: '{"email":"c@d.co"}' });
	});
});
