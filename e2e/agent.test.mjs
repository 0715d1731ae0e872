// A real AI Agent: n8n's AI Agent node with the OpenAI Chat Model and Contact Hub as its tool,
// in a real n8n (the current line, see e2e/lib/lines.mjs), the package installed from its
// `npm pack` tarball. The OpenAI credential's Base URL points at the sandbox's scripted
// OpenAI-compatible endpoint (<sandbox>/openai/v1): its first answer calls the tool named in
// the prompt with the `name: value` pairs the prompt gives, its second is a final text.
// Asserts on what the model was sent (the tool schema) and on what the vendor received.
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
const TOOL_NAME = 'Update_Raze_contact';
// What a workflow author writes for the model: each $fromAI value says what it is.
const FROM_AI = {
	contactId: 'The Raze contact ID of the person to update, e.g. cnt_abc123def456',
	jobTitle: 'The job title to set on the contact, e.g. Head of Sales',
	email: 'The email address to set on the contact',
};

let sandbox;
let userFolder;
let cli;

before(async () => {
	ensureN8n();
	sandbox = await startSandbox();
	userFolder = makeUserFolder('contact-hub-agent-');
	installPackedPackage(userFolder);
	cli = n8nCli(userFolder);
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

/** Manual Trigger → AI Agent, with the OpenAI Chat Model and Contact Hub (Raze) as its tool. */
function agentWorkflow(prompt) {
	const raze = sandboxCredentials(sandbox.url).find((c) => c.type === CREDENTIAL_TYPE.raze);
	const fromAi = (key, type = 'string') => `={{ $fromAI('${key}', '${FROM_AI[key]}', '${type}') }}`;
	return {
		id: 'chE2eAgent000001',
		name: 'AI Agent with Contact Hub',
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
			{
				id: 'f0000000-0000-4000-8000-000000000104',
				name: 'Update Raze contact',
				type: TOOL_NODE_TYPE,
				typeVersion: 1,
				position: [360, 220],
				parameters: {
					provider: 'raze',
					resource: 'contact',
					operation: 'update',
					contactId: fromAi('contactId'),
					updateFields: { jobTitle: fromAi('jobTitle'), email: fromAi('email') },
					options: {},
				},
				credentials: { [raze.type]: { id: raze.id, name: raze.name } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'Update Raze contact': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

/** Does a description tell a model what the value is: non-empty, a phrase, naming the key's words? */
function describes(description, key) {
	const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/\s+/);
	return typeof description === 'string' && description.trim().split(/\s+/).length >= 3 && words.every((w) => description.toLowerCase().includes(w));
}

test('AI Agent + OpenAI Chat Model call Contact Hub as a tool: the update the agent asked for reaches Raze', async () => {
	const prompt = `Use ${TOOL_NAME} to update the contact. contactId: ${DEMO_CONTACT.raze}; jobTitle: Chief Scientist; email: ada.agent@example.com`;
	const raze = sandboxCredentials(sandbox.url).filter((c) => c.type === CREDENTIAL_TYPE.raze);
	await cli.importCredentials([...raze, openAiCredential()]);
	await cli.importWorkflows(agentWorkflow(prompt));
	await sandbox.reset();
	const r = await cli.execute('chE2eAgent000001', { timeoutMs: 240000 });
	assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);

	// The vendor received exactly the update the model asked for.
	const updates = (await sandbox.requests()).filter((q) => q.method !== 'GET');
	assert.deepEqual(
		updates.map((q) => [q.vendor, q.method, q.path, q.body]),
		[['raze', 'PUT', `/external/v1/contacts/${DEMO_CONTACT.raze}`, { email: 'ada.agent@example.com', position: 'Chief Scientist' }]],
	);
	const stored = await sandbox.contact('raze', DEMO_CONTACT.raze);
	assert.deepEqual([stored.position, stored.email], ['Chief Scientist', 'ada.agent@example.com']);

	// Two rounds with the model: the tool call, then the answer after the tool's result.
	const calls = await chatCalls();
	assert.equal(calls.length, 2, JSON.stringify(calls.map((q) => q.path)));
	for (const call of calls) assert.equal(call.headers.authorization, `Bearer ${OPENAI_KEY}`);
	const toolResult = calls[1].body.messages.find((m) => m.role === 'tool');
	assert.match(JSON.stringify(toolResult?.content), /Chief Scientist/, 'the model is given the updated contact');
	const answer = nodeOutput(r.run, 'AI Agent')[0].output;
	assert.match(answer, /^Done: /, `the agent's final text is the model's second answer: ${answer}`);
});

test('the tool schema n8n sends to the model describes Contact Hub and every $fromAI value', async () => {
	const calls = await chatCalls();
	assert.ok(calls.length > 0, 'the agent test ran first');
	const tools = calls[0].body.tools;
	assert.equal(tools.length, 1, JSON.stringify(tools));
	const { name, description, parameters } = tools[0].function;
	assert.equal(name, TOOL_NAME);
	// n8n's automatic description: the operation's action and the node's name (it does not name
	// the provider; a Tool Description set on the node replaces it)
	assert.match(description, /^Update a contact in Contact Hub/, description);
	assert.deepEqual(Object.keys(parameters.properties).sort(), Object.keys(FROM_AI).sort());
	assert.deepEqual([...parameters.required].sort(), Object.keys(FROM_AI).sort());
	for (const [key, schema] of Object.entries(parameters.properties)) {
		assert.equal(schema.type, 'string', key);
		assert.equal(schema.description, FROM_AI[key], `${key}: the $fromAI description reaches the model as written`);
		assert.ok(describes(schema.description, key), `${key}: "${schema.description}" names what the value is`);
	}
});
