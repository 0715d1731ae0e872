/**
 * A scripted OpenAI-compatible LLM under /openai (base URL `<sandbox>/openai/v1`), for running n8n's AI Agent with
 * the OpenAI Chat Model against the sandbox. No model: the first answer calls a tool with arguments read from the
 * prompt, the answer after a tool result is a fixed text. See README.md ("Scripted LLM").
 */
import type { IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';

import { json, type ParsedBody, type Reply } from './http';
import { bearerToken, isPlainObject } from './vendor';

export const LLM_PREFIX = '/openai';

const MODELS = ['gpt-4o-mini', 'gpt-4o'];
const DEFAULT_MODEL = 'gpt-4o-mini';
const TOOL_RESULT_CHARS = 200;
const STREAM_PIECE_CHARS = 16;

type Message = { role?: unknown; content?: unknown };
type Tool = { type?: unknown; function?: { name?: unknown; parameters?: { properties?: Record<string, { type?: unknown }> } } };

/** What the script answers: a text or one tool call. */
type Answer = { kind: 'text'; text: string } | { kind: 'tool'; id: string; name: string; arguments: string };

/** OpenAI's error body. */
function openAiError(status: number, message: string, param: string | null = null, code: string | null = null): Reply {
	return json(status, { error: { message, type: 'invalid_request_error', param, code } });
}

const id = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

/** The text of a message's content: a string, or the text parts of an array. */
export function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	return content
		.map((part) => (isPlainObject(part) && typeof part.text === 'string' ? part.text : ''))
		.filter((text) => text !== '')
		.join('\n');
}

function lastOfRole(messages: Message[], role: string): Message | undefined {
	for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === role) return messages[i];
	return undefined;
}

function toolName(tool: Tool): string | undefined {
	return typeof tool?.function?.name === 'string' ? tool.function.name : undefined;
}

/** The tool whose name appears in the prompt (the longest such name, case-insensitive), else the first tool. */
export function pickTool(tools: Tool[], prompt: string): Tool | undefined {
	const lower = prompt.toLowerCase();
	const named = tools
		.filter((tool) => toolName(tool) !== undefined && lower.includes(toolName(tool)!.toLowerCase()))
		.sort((a, b) => toolName(b)!.length - toolName(a)!.length);
	return named[0] ?? tools.find((tool) => toolName(tool) !== undefined);
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A value typed as the property's schema asks where it parses so (number, integer, boolean, object, array), else text. */
function typed(value: string, schemaType: unknown): unknown {
	const types = Array.isArray(schemaType) ? schemaType : [schemaType];
	if ((types.includes('number') || types.includes('integer')) && value !== '' && Number.isFinite(Number(value))) return Number(value);
	if (types.includes('boolean') && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
	if (types.includes('object') || types.includes('array')) {
		try {
			return JSON.parse(value) as unknown;
		} catch {
			return value;
		}
	}
	return value;
}

/**
 * For each property of the tool's parameters, the value the prompt gives as `name: value` or `name=value`
 * (the name case-insensitive, at the start of a line or after a space, `;`, `,` or `(`; the value runs to the
 * next `;` or line end). Properties the prompt does not give are left out.
 */
export function extractArguments(tool: Tool, prompt: string): Record<string, unknown> {
	const properties = tool.function?.parameters?.properties;
	const args: Record<string, unknown> = {};
	if (!isPlainObject(properties)) return args;
	for (const [name, schema] of Object.entries(properties)) {
		const match = new RegExp(`(?:^|[\\s;,(])${escapeRegex(name)}\\s*[:=]\\s*([^;\\n]*)`, 'i').exec(prompt);
		if (match) args[name] = typed(match[1].trim(), isPlainObject(schema) ? schema.type : undefined);
	}
	return args;
}

/** The script: a tool call while no tool result is in the conversation, then a final text. */
export function script(messages: Message[], tools: Tool[]): Answer {
	const toolResult = lastOfRole(messages, 'tool');
	if (toolResult) return { kind: 'text', text: `Done: ${textOf(toolResult.content).slice(0, TOOL_RESULT_CHARS)}` };
	const prompt = textOf(lastOfRole(messages, 'user')?.content);
	const tool = pickTool(tools, prompt);
	if (!tool) return { kind: 'text', text: 'No tool to call.' };
	return { kind: 'tool', id: id('call_'), name: toolName(tool)!, arguments: JSON.stringify(extractArguments(tool, prompt)) };
}

function usageOf(messages: Message[], answer: Answer) {
	// A rough 4-characters-per-token count: clients only read that the numbers are there and add up.
	const prompt_tokens = Math.ceil(JSON.stringify(messages).length / 4);
	const completion_tokens = Math.ceil((answer.kind === 'text' ? answer.text : answer.name + answer.arguments).length / 4);
	return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function toolCall(answer: Extract<Answer, { kind: 'tool' }>) {
	return { id: answer.id, type: 'function', function: { name: answer.name, arguments: answer.arguments } };
}

function completion(model: string, messages: Message[], answer: Answer): Reply {
	const message =
		answer.kind === 'text'
			? { role: 'assistant', content: answer.text, refusal: null }
			: { role: 'assistant', content: null, refusal: null, tool_calls: [toolCall(answer)] };
	return json(200, {
		id: id('chatcmpl-'),
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: answer.kind === 'text' ? 'stop' : 'tool_calls' }],
		usage: usageOf(messages, answer),
		system_fingerprint: 'fp_sandbox',
	});
}

function pieces(text: string): string[] {
	const out: string[] = [];
	for (let i = 0; i < text.length; i += STREAM_PIECE_CHARS) out.push(text.slice(i, i + STREAM_PIECE_CHARS));
	return out;
}

/** The deltas of a streamed answer, first (with the role) to last (empty, with the finish reason). */
function deltas(answer: Answer): Array<{ delta: Record<string, unknown>; finish_reason: string | null }> {
	if (answer.kind === 'text') {
		return [
			{ delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null },
			...pieces(answer.text).map((content) => ({ delta: { content }, finish_reason: null })),
			{ delta: {}, finish_reason: 'stop' },
		];
	}
	const head = { index: 0, id: answer.id, type: 'function', function: { name: answer.name, arguments: '' } };
	return [
		{ delta: { role: 'assistant', content: null, tool_calls: [head] }, finish_reason: null },
		...pieces(answer.arguments).map((part) => ({ delta: { tool_calls: [{ index: 0, function: { arguments: part } }] }, finish_reason: null })),
		{ delta: {}, finish_reason: 'tool_calls' },
	];
}

/** Server-sent events of `chat.completion.chunk`s, then the usage chunk if asked for, then `[DONE]`. */
function stream(model: string, messages: Message[], answer: Answer, includeUsage: boolean): Reply {
	const base = { id: id('chatcmpl-'), object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, system_fingerprint: 'fp_sandbox' };
	const usage = includeUsage ? { usage: null } : {};
	const chunks: unknown[] = deltas(answer).map(({ delta, finish_reason }) => ({
		...base,
		choices: [{ index: 0, delta, logprobs: null, finish_reason }],
		...usage,
	}));
	if (includeUsage) chunks.push({ ...base, choices: [], usage: usageOf(messages, answer) });
	const raw = [...chunks.map((chunk) => JSON.stringify(chunk)), '[DONE]'].map((data) => `data: ${data}\n\n`).join('');
	return { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }, raw };
}

function chatCompletions(body: ParsedBody): Reply {
	if (body.invalidJson) return openAiError(400, 'We could not parse the JSON body of your request.');
	const request = body.json;
	if (!isPlainObject(request)) return openAiError(400, 'The request body must be a JSON object.');
	if (!Array.isArray(request.messages)) {
		return openAiError(400, "Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
	}
	const messages = request.messages as Message[];
	const tools = Array.isArray(request.tools) ? (request.tools as Tool[]) : [];
	const model = typeof request.model === 'string' ? request.model : DEFAULT_MODEL;
	const answer = script(messages, tools);
	if (request.stream !== true) return completion(model, messages, answer);
	const includeUsage = isPlainObject(request.stream_options) && request.stream_options.include_usage === true;
	return stream(model, messages, answer, includeUsage);
}

function models(): Reply {
	const created = 1_715_367_049;
	return json(200, { object: 'list', data: MODELS.map((model) => ({ id: model, object: 'model', created, owned_by: 'system' })) });
}

/** Answers one request under /openai; `path` is what follows the prefix (with the query). */
export function handleLlm(method: string, path: string, headers: IncomingHttpHeaders, body: ParsedBody): Reply {
	const pathname = path.split('?')[0].replace(/\/+$/, '');
	const known = pathname === '/v1/models' || pathname === '/v1/chat/completions';
	if (!known) return openAiError(404, `Invalid URL (${method} ${LLM_PREFIX}${path})`);
	if (!bearerToken(headers)) {
		return openAiError(
			401,
			"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
		);
	}
	if (pathname === '/v1/models' && method === 'GET') return models();
	if (pathname === '/v1/chat/completions' && method === 'POST') return chatCompletions(body);
	return openAiError(405, `Method ${method} is not allowed for ${LLM_PREFIX}${pathname}`);
}
