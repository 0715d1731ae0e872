/**
 * A scripted OpenAI-compatible LLM under /openai (base URL `<sandbox>/openai/v1`), for running n8n's AI Agent with
 * the OpenAI Chat Model against the sandbox. No model: the prompt is a script of steps, one per tool it names; each
 * answer calls the next step's tool with arguments read from that step's text (a value may be taken from the last
 * tool result), and the answer after the last step is a fixed text. See README.md ("Scripted LLM").
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

/** One step of the script: the tool to call and the text its arguments are read from. */
export type Step = { tool: Tool | undefined; text: string };

/**
 * The prompt's steps: each mention of a tool's name (case-insensitive, the longest name where names overlap) starts a
 * step that runs to the next mention; the text before the first mention belongs to the first step. A prompt that names
 * no tool is one step with the first tool (none where there are no tools) and the whole prompt.
 */
export function steps(tools: Tool[], prompt: string): Step[] {
	// Longest name first, so that where one name starts another the longer one is the mention.
	const named = tools.filter((tool) => Boolean(toolName(tool))).sort((a, b) => toolName(b)!.length - toolName(a)!.length);
	const mentions: Array<{ at: number; tool: Tool }> = [];
	for (let at = 0; at < prompt.length; ) {
		const tool = named.find((t) => prompt.slice(at, at + toolName(t)!.length).toLowerCase() === toolName(t)!.toLowerCase());
		if (tool) mentions.push({ at, tool });
		at += tool ? toolName(tool)!.length : 1;
	}
	if (mentions.length === 0) return [{ tool: tools.find((tool) => toolName(tool) !== undefined), text: prompt }];
	return mentions.map((mention, i) => ({
		tool: mention.tool,
		text: prompt.slice(i === 0 ? 0 : mention.at, mentions[i + 1]?.at ?? prompt.length),
	}));
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

/** `text` parsed as JSON, or undefined where it does not parse. */
function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * The value at a dotted `path` (e.g. `id`, `data.id`) in a tool result: its text parsed as JSON, searched breadth-first
 * (array items, object values, and strings that hold JSON, parsed on the way) for the first object that has the path.
 * Undefined where the result is not JSON or nothing has the path.
 */
export function fromResult(result: string, path: string): unknown {
	const keys = path.split('.');
	const queue: unknown[] = [parseJson(result)];
	for (let seen = 0; seen < queue.length && seen < 10_000; seen++) {
		const value = queue[seen];
		if (typeof value === 'string' && /^\s*[[{]/.test(value)) queue.push(parseJson(value));
		else if (Array.isArray(value)) queue.push(...(value as unknown[]));
		else if (isPlainObject(value)) {
			let at: unknown = value;
			for (const key of keys) at = isPlainObject(at) && Object.prototype.hasOwnProperty.call(at, key) ? at[key] : undefined;
			if (at !== undefined) return at;
			queue.push(...Object.values(value));
		}
	}
	return undefined;
}

/** A value taken from a tool result, as the property's schema asks: text as typed() types it, null as it is, others as text for a string. */
function typedResult(value: unknown, schemaType: unknown): unknown {
	if (typeof value === 'string') return typed(value, schemaType);
	if (value === null) return null;
	const types = Array.isArray(schemaType) ? schemaType : [schemaType];
	if (types.includes('string')) return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
	return value;
}

/**
 * For each property of the tool's parameters, the value the prompt gives as `name: value` or `name=value`
 * (the name case-insensitive, at the start of a line or after a space, `;`, `,` or `(`; the value runs to the
 * next `;` or line end). A value written `result.<path>` (e.g. `result.id`) is that path's value in the last tool
 * result (`fromResult`); where there is none, the property is left out. Properties the prompt does not give are
 * left out.
 */
export function extractArguments(tool: Tool, prompt: string, lastResult?: string): Record<string, unknown> {
	const properties = tool.function?.parameters?.properties;
	const args: Record<string, unknown> = {};
	if (!isPlainObject(properties)) return args;
	for (const [name, schema] of Object.entries(properties)) {
		const match = new RegExp(`(?:^|[\\s;,(])${escapeRegex(name)}\\s*[:=]\\s*([^;\\n]*)`, 'i').exec(prompt);
		if (!match) continue;
		const value = match[1].trim();
		const schemaType = isPlainObject(schema) ? schema.type : undefined;
		const reference = /^result((?:\.[^.\s]+)+)$/.exec(value);
		if (!reference) {
			args[name] = typed(value, schemaType);
			continue;
		}
		const found = lastResult === undefined ? undefined : fromResult(lastResult, reference[1].slice(1));
		if (found !== undefined) args[name] = typedResult(found, schemaType);
	}
	return args;
}

/** The messages after the last user message (this turn's tool calls and results). */
function thisTurn(messages: Message[]): Message[] {
	for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return messages.slice(i + 1);
	return messages;
}

/**
 * The script: the prompt's steps (`steps`), one tool call per answer: with n tool results after the last user
 * message, the (n+1)th step's tool, its arguments read from that step's text; once every step has a result, the
 * text `Done: ` and the start of the last tool result.
 */
export function script(messages: Message[], tools: Tool[]): Answer {
	const prompt = textOf(lastOfRole(messages, 'user')?.content);
	const results = thisTurn(messages).filter((m) => m.role === 'tool');
	const lastResult = results.length > 0 ? textOf(results[results.length - 1].content) : undefined;
	const plan = steps(tools, prompt);
	const step = plan[results.length];
	if (!step) return { kind: 'text', text: `Done: ${(lastResult ?? '').slice(0, TOOL_RESULT_CHARS)}` };
	if (!step.tool) return { kind: 'text', text: 'No tool to call.' };
	return { kind: 'tool', id: id('call_'), name: toolName(step.tool)!, arguments: JSON.stringify(extractArguments(step.tool, step.text, lastResult)) };
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
