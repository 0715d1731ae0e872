// A real AI Agent: n8n's AI Agent node with the OpenAI Chat Model and two Contact Hub tools (Raze:
// Get by email, and Update), in a real n8n (the current line, see e2e/lib/lines.mjs), the package
// installed from its `npm pack` tarball. The OpenAI credential's Base URL points at the sandbox's
// scripted OpenAI-compatible endpoint (<sandbox>/openai/v1): each tool the prompt names is a step,
// each answer calls the next step's tool with the `name: value` pairs that step gives
// (`result.id`: the id in the last tool result), and the answer after the last step is a text.
// Asserts on what the model was sent (the tools, every $fromAI description, the tool results) and
// on what the vendor received.
//
//   npm run test:matrix                                  (every line)
//   CONTACT_HUB_N8N_LINE=2.40.7 node --test e2e/agent.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
	CREDENTIAL_TYPE,
	DEMO_CONTACT,
	TOOL_NODE_TYPE,
	currentLine,
	ensureN8n,
	installPackedPackage,
	makeUserFolder,
	n8nCli,
	nodeOutput,
	removeUserFolder,
	sandboxCredentials,
	startSandbox,
} from './lib/index.mjs';

// The AI Agent's version a new workflow gets on each line (Agent.node.js's defaultVersion);
// the OpenAI Chat Model is 1.3 on all three.
const AGENT_VERSION = { '1.123.81': 3, '2.8.4': 3.1, '2.40.7': 3.1 };
const CHAT_MODEL_VERSION = 1.3;
const OPENAI_KEY = 'sk-sandbox-contact-hub-e2e';

/**
 * The agent's two Contact Hub tools: the node's name (n8n names the tool after it, spaces as
 * underscores), its parameters, n8n's automatic description (the operation's action and the
 * node's name; it does not name the provider, a Tool Description set on the node replaces it),
 * and what a workflow author writes for the model: each $fromAI value says what it is.
 */
const TOOLS = {
	Get_Raze_contact: {
		node: 'Get Raze contact',
		operation: { operation: 'get', identifyBy: 'email' },
		description: /^Get a contact in Contact Hub/,
		fromAi: { email: 'The email address of the contact to read' },
		// $fromAI key → the node parameter it fills
		parameter: { email: 'lookupValue' },
	},
	Update_Raze_contact: {
		node: 'Update Raze contact',
		operation: { operation: 'update' },
		description: /^Update a contact in Contact Hub/,
		fromAi: {
			contactId: 'The Raze contact ID of the person to update, e.g. cnt_abc123def456',
			jobTitle: 'The job title to set on the contact, e.g. Head of Sales',
			email: 'The email address to set on the contact',
		},
		parameter: { contactId: 'contactId', jobTitle: 'updateFields.jobTitle', email: 'updateFields.email' },
	},
};

/** A Raze contact seeded for the Get → Update run: its ID is in no prompt, only in Get's result. */
const GRACE = {
	id: 'cnt_9a8b7c6d5e4f',
	name: 'Grace Hopper',
	email: 'grace.hopper@example.com',
	company: 'US Navy',
	position: 'Rear Admiral',
	tags: ['cobol'],
};

let sandbox;
let userFolder;
let cli;
/** What each agent run left ({ r, calls, vendor }), for the tools test. */
const runs = {};

before(async () => {
	ensureN8n();
	sandbox = await startSandbox();
	userFolder = makeUserFolder('contact-hub-agent-');
	installPackedPackage(userFolder);
	cli = n8nCli(userFolder);
	const raze = sandboxCredentials(sandbox.url).filter((c) => c.type === CREDENTIAL_TYPE.raze);
	await cli.importCredentials([...raze, openAiCredential()]);
});

after(async () => {
	await sandbox?.stop();
	if (userFolder && !process.env.E2E_KEEP) removeUserFolder(userFolder);
});

/** The chat-completion calls the sandbox's scripted LLM received, oldest first. */
async function chatCalls() {
	return (await sandbox.llmRequests()).filter((q) => q.method === 'POST' && /\/chat\/completions$/.test(q.path));
}

const openAiCredential = () => ({
	id: 'chE2eOpenAi00001',
	name: 'OpenAI (sandbox)',
	type: 'openAiApi',
	data: { apiKey: OPENAI_KEY, url: sandbox.llmBaseUrl() },
});

/** A Contact Hub tool node: Raze, the tool's operation, each $fromAI value in its parameter. */
function toolNode(toolName, index) {
	const tool = TOOLS[toolName];
	const raze = sandboxCredentials(sandbox.url).find((c) => c.type === CREDENTIAL_TYPE.raze);
	const parameters = { provider: 'raze', resource: 'contact', ...tool.operation, options: {} };
	for (const [key, path] of Object.entries(tool.parameter)) {
		const names = path.split('.');
		let at = parameters;
		for (const name of names.slice(0, -1)) at = at[name] ??= {};
		at[names.at(-1)] = `={{ $fromAI('${key}', '${tool.fromAi[key]}', 'string') }}`;
	}
	return {
		id: `f0000000-0000-4000-8000-00000000011${index}`,
		name: tool.node,
		type: TOOL_NODE_TYPE,
		typeVersion: 1,
		position: [300 + 160 * index, 220],
		parameters,
		credentials: { [raze.type]: { id: raze.id, name: raze.name } },
	};
}

/** Manual Trigger → AI Agent, with the OpenAI Chat Model and both Contact Hub (Raze) tools. */
function agentWorkflow(id, prompt) {
	const tools = Object.keys(TOOLS).map(toolNode);
	return {
		id,
		name: `AI Agent with Contact Hub (${id})`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{ id: 'f0000000-0000-4000-8000-000000000101', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'f0000000-0000-4000-8000-000000000102',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: AGENT_VERSION[currentLine().n8n],
				position: [220, 0],
				parameters: { promptType: 'define', text: prompt, options: {} },
			},
			{
				id: 'f0000000-0000-4000-8000-000000000103',
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: CHAT_MODEL_VERSION,
				position: [160, 220],
				// 1.3 uses OpenAI's Responses API unless told otherwise; the sandbox speaks chat completions
				parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, responsesApiEnabled: false, options: {} },
				credentials: { openAiApi: { id: openAiCredential().id, name: openAiCredential().name } },
			},
			...tools,
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			...Object.fromEntries(tools.map((t) => [t.name, { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] }])),
		},
	};
}

/** Import the workflow, run it with `n8n execute`; the run, the model's calls and the vendor's requests. */
async function runAgent(id, prompt, { seed = [] } = {}) {
	await cli.importWorkflows(agentWorkflow(id, prompt));
	await sandbox.reset();
	for (const contact of seed) await sandbox.seed('raze', contact);
	const r = await cli.execute(id, { timeoutMs: 240000 });
	assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
	return { r, calls: await chatCalls(), vendor: await sandbox.requests() };
}

/**
 * The tool calls in the model's answers, as the next request replays them: [[name, arguments]],
 * each with only the $fromAI keys (n8n 2.8.4 adds the call's `id` to the arguments it replays).
 */
function toolCallsIn(call) {
	return call.body.messages
		.filter((m) => m.role === 'assistant' && Array.isArray(m.tool_calls))
		.flatMap((m) => m.tool_calls)
		.map(({ function: fn }) => {
			const args = JSON.parse(fn.arguments);
			const keys = Object.keys(TOOLS[fn.name]?.fromAi ?? args);
			return [fn.name, Object.fromEntries(keys.filter((k) => k in args).map((k) => [k, args[k]]))];
		});
}

/** The text of the tool messages a call carried, oldest first. */
function toolResultsIn(call) {
	const text = (content) => (typeof content === 'string' ? content : JSON.stringify(content));
	return call.body.messages.filter((m) => m.role === 'tool').map((m) => text(m.content));
}

/** The node's one contact shape. */
const CONTACT_KEYS = ['provider', 'id', 'name', 'email', 'phone', 'company', 'jobTitle', 'linkedinUrl', 'externalId', 'tags', 'customFields', 'notes', 'createdAt', 'updatedAt'];

/**
 * The contact in a tool result's text: its JSON searched breadth-first (array items, object values,
 * strings that hold JSON) for the first object with `provider` and `id`, so that however a line
 * wraps the tool's items, the contact is found.
 */
function contactIn(text) {
	const parse = (t) => {
		try {
			return JSON.parse(t);
		} catch {
			return undefined;
		}
	};
	const queue = [parse(text)];
	for (let i = 0; i < queue.length; i++) {
		const value = queue[i];
		if (typeof value === 'string' && /^\s*[[{]/.test(value)) queue.push(parse(value));
		else if (Array.isArray(value)) queue.push(...value);
		else if (value && typeof value === 'object') {
			if ('provider' in value && 'id' in value) return value;
			queue.push(...Object.values(value));
		}
	}
	return undefined;
}

/** Does a description tell a model what the value is: non-empty, a phrase, naming the key's words? */
function describes(description, key) {
	const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/\s+/);
	return typeof description === 'string' && description.trim().split(/\s+/).length >= 3 && words.every((w) => description.toLowerCase().includes(w));
}

test('AI Agent + OpenAI Chat Model call Contact Hub as a tool: the update the agent asked for reaches Raze', async () => {
	const prompt = `Use Update_Raze_contact to update the contact. contactId: ${DEMO_CONTACT.raze}; jobTitle: Chief Scientist; email: ada.agent@example.com`;
	const run = (runs.update = await runAgent('chE2eAgent000001', prompt));
	const { r, calls, vendor } = run;

	// The vendor received exactly the update the model asked for, and nothing else.
	assert.deepEqual(
		vendor.map((q) => [q.vendor, q.method, q.path, q.body]),
		[['raze', 'PUT', `/external/v1/contacts/${DEMO_CONTACT.raze}`, { email: 'ada.agent@example.com', position: 'Chief Scientist' }]],
	);
	const stored = await sandbox.contact('raze', DEMO_CONTACT.raze);
	assert.deepEqual([stored.position, stored.email], ['Chief Scientist', 'ada.agent@example.com']);

	// Two rounds with the model: the tool call, then the answer after the tool's result.
	assert.equal(calls.length, 2, JSON.stringify(calls.map((q) => q.path)));
	for (const call of calls) assert.equal(call.headers.authorization, `Bearer ${OPENAI_KEY}`);
	assert.deepEqual(toolCallsIn(calls[1]), [
		['Update_Raze_contact', { contactId: DEMO_CONTACT.raze, jobTitle: 'Chief Scientist', email: 'ada.agent@example.com' }],
	]);
	const results = toolResultsIn(calls[1]);
	assert.equal(results.length, 1, JSON.stringify(results));
	const updated = contactIn(results[0]);
	assert.deepEqual([updated?.id, updated?.jobTitle, updated?.email], [DEMO_CONTACT.raze, 'Chief Scientist', 'ada.agent@example.com'], `the model is given the updated contact: ${results[0]}`);
	const answer = nodeOutput(r.run, 'AI Agent')[0].output;
	assert.match(answer, /^Done: /, `the agent's final text is the model's second answer: ${answer}`);
});

test('AI Agent reads a contact by email with Get, then updates the ID it read: Raze gets the look-up, then that update', async () => {
	// Get's step gives the email to look up; Update's step takes the contact ID from Get's result
	// (`result.id`) and gives its own values, email among them.
	const prompt = [
		`Use Get_Raze_contact to read the contact with email: ${GRACE.email}`,
		'Then use Update_Raze_contact on the contact it returned: contactId: result.id; jobTitle: Chief Scientist; email: grace@navy.example.com',
	].join('\n');
	const run = (runs.getThenUpdate = await runAgent('chE2eAgent000002', prompt, { seed: [GRACE] }));
	const { r, calls, vendor } = run;

	// Raze: the look-up by that email, then exactly the update of the ID the look-up found.
	assert.deepEqual(
		vendor.map((q) => [q.vendor, q.method, q.path.split('?')[0]]),
		[
			['raze', 'GET', '/external/v1/contacts'],
			['raze', 'PUT', `/external/v1/contacts/${GRACE.id}`],
		],
		JSON.stringify(vendor.map((q) => [q.method, q.path])),
	);
	const lookUp = new URL(vendor[0].path, 'http://raze.invalid').searchParams;
	assert.equal(lookUp.get('email'), GRACE.email, vendor[0].path);
	assert.deepEqual(vendor[1].body, { email: 'grace@navy.example.com', position: 'Chief Scientist' });
	const stored = await sandbox.contact('raze', GRACE.id);
	assert.deepEqual([stored.name, stored.position, stored.email], [GRACE.name, 'Chief Scientist', 'grace@navy.example.com']);
	const demo = await sandbox.contact('raze', DEMO_CONTACT.raze);
	assert.equal(demo.position, 'Engineering Manager', 'the other contact is untouched');

	// Three rounds with the model: Get, Update, the final text.
	assert.equal(calls.length, 3, JSON.stringify(calls.map((q) => q.path)));
	for (const call of calls) assert.equal(call.headers.authorization, `Bearer ${OPENAI_KEY}`);
	assert.deepEqual(toolCallsIn(calls[1]), [['Get_Raze_contact', { email: GRACE.email }]]);
	assert.deepEqual(toolCallsIn(calls[2]), [
		['Get_Raze_contact', { email: GRACE.email }],
		['Update_Raze_contact', { contactId: GRACE.id, jobTitle: 'Chief Scientist', email: 'grace@navy.example.com' }],
	]);

	// Get's result went back to the model: the contact in the node's one shape, with its Raze ID.
	const [getResult, updateResult] = toolResultsIn(calls[2]);
	assert.deepEqual(toolResultsIn(calls[1]), [getResult]);
	const got = contactIn(getResult);
	assert.ok(got, `Get's result holds a contact: ${getResult}`);
	assert.deepEqual(Object.keys(got).sort(), [...CONTACT_KEYS].sort(), `in the node's one contact shape: ${getResult}`);
	assert.deepEqual(
		{ provider: got.provider, id: got.id, name: got.name, email: got.email, company: got.company, jobTitle: got.jobTitle, tags: got.tags },
		{ provider: 'raze', id: GRACE.id, name: GRACE.name, email: GRACE.email, company: GRACE.company, jobTitle: GRACE.position, tags: GRACE.tags },
	);
	assert.deepEqual([contactIn(updateResult)?.id, contactIn(updateResult)?.jobTitle], [GRACE.id, 'Chief Scientist'], `then the updated contact: ${updateResult}`);
	const answer = nodeOutput(r.run, 'AI Agent')[0].output;
	assert.match(answer, /^Done: /, `the agent's final text is the model's third answer: ${answer}`);
	assert.match(answer, new RegExp(GRACE.id), answer);
});

test('the tools n8n sends to the model: Get and Update, each described, with every $fromAI description as written', async () => {
	const sent = Object.values(runs).flatMap((run) => run.calls.map((call) => call.body.tools));
	assert.ok(sent.length > 0, 'the agent tests ran first');
	// every round of every run offers the same two tools
	for (const tools of sent) assert.deepEqual(tools, sent[0]);
	const tools = sent[0];
	assert.deepEqual(tools.map((t) => t.function.name).sort(), Object.keys(TOOLS).sort(), JSON.stringify(tools));
	for (const { type, function: fn } of tools) {
		const expected = TOOLS[fn.name];
		assert.equal(type, 'function', fn.name);
		assert.match(fn.description, expected.description, `${fn.name}: ${fn.description}`);
		const keys = Object.keys(expected.fromAi).sort();
		assert.deepEqual(Object.keys(fn.parameters.properties).sort(), keys, fn.name);
		assert.deepEqual([...fn.parameters.required].sort(), keys, fn.name);
		for (const [key, schema] of Object.entries(fn.parameters.properties)) {
			assert.equal(schema.type, 'string', `${fn.name}.${key}`);
			assert.equal(schema.description, expected.fromAi[key], `${fn.name}.${key}: the $fromAI description reaches the model as written`);
			assert.ok(describes(schema.description, key), `${fn.name}.${key}: "${schema.description}" names what the value is`);
		}
	}
});
