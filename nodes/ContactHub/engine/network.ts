// n8n's helper wraps network errors in a NodeApiError that keeps neither the cause nor its code,
// only the original message (in `messages`) and a generic text chosen by the code (in `message`).
const CODE_HINTS: Array<[RegExp, string]> = [
	[/\b(ECONN[A-Z]+|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/, '$1'],
	[/socket hang up|closed unexpectedly/i, 'ECONNRESET'],
	[/timeout of \d+ms exceeded|timed out/i, 'ETIMEDOUT'],
	[/refused the connection/i, 'ECONNREFUSED'],
	[/incorrect host/i, 'ENOTFOUND'],
	[/DNS server returned an error/i, 'EAI_AGAIN'],
	[/host is unreachable/i, 'EHOSTUNREACH'],
	[/connection was aborted/i, 'ECONNABORTED'],
];

function errorTexts(error: unknown): { codes: string[]; texts: string[] } {
	const codes: string[] = [];
	const texts: string[] = [];
	const seen = new Set<unknown>();
	let current = error as { code?: unknown; cause?: unknown; message?: unknown; messages?: unknown } | undefined;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		if (typeof current.code === 'string') codes.push(current.code);
		if (Array.isArray(current.messages)) texts.push(...current.messages.map(String));
		if (typeof current.message === 'string') texts.push(current.message);
		current = current.cause as typeof current;
	}
	return { codes, texts };
}

/** The network error code behind a failed request (ECONNRESET, ETIMEDOUT, …), when it can be told. */
export function networkCode(error: unknown): string | undefined {
	const { codes, texts } = errorTexts(error);
	const code = codes.find((candidate) => /^E[A-Z_]{3,}$/.test(candidate));
	if (code) return code;
	for (const text of texts) {
		for (const [pattern, replacement] of CODE_HINTS) {
			const match = text.match(pattern);
			if (match) return match[0].replace(pattern, replacement);
		}
	}
	return undefined;
}

/** Whether a failed request ran out of the Timeout option. */
export function isTimeout(error: unknown, code: string | undefined): boolean {
	return code === 'ETIMEDOUT' || errorTexts(error).texts.some((text) => /timeout of \d+ms exceeded/i.test(text));
}

