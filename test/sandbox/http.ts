import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer a handler wants sent; the core may still replace it (faults, phase 'after'). */
export interface Reply {
	status: number;
	headers?: Record<string, string>;
	/** JSON-serialised unless `raw` is set; undefined = empty body. */
	body?: unknown;
	/** Sent as is (HTML pages, truncated JSON). */
	raw?: string;
}

export interface ParsedBody {
	/** The body text as received ('' if none). */
	raw: string;
	/** Parsed JSON; undefined if there was no body or it was not JSON. */
	json: unknown;
	/** A non-empty body that does not parse as JSON. */
	invalidJson: boolean;
}

/** A JSON reply. */
export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
	return { status, body, headers };
}

/** A reply for paths no vendor has; deliberately not in any vendor's envelope. */
export function plainNotFound(method: string, rawPath: string, hint?: string): Reply {
	return json(404, {
		error: 'not_found',
		message: `The sandbox has no route ${method} ${rawPath}${hint ? ` (${hint})` : ''}`,
	});
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Reads the whole body as UTF-8; null when it exceeds the size cap. */
export function readBody(req: IncomingMessage): Promise<string | null> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** Parses a body leniently: the vendors get JSON from n8n whatever the content-type says. */
export function parseBody(raw: string): ParsedBody {
	if (raw.length === 0) return { raw, json: undefined, invalidJson: false };
	try {
		return { raw, json: JSON.parse(raw) as unknown, invalidJson: false };
	} catch {
		return { raw, json: undefined, invalidJson: true };
	}
}

/** Writes a reply and ends the response. */
export function send(res: ServerResponse, reply: Reply): void {
	const headers: Record<string, string> = { ...reply.headers };
	let payload = '';
	if (reply.raw !== undefined) {
		payload = reply.raw;
	} else if (reply.body !== undefined) {
		payload = JSON.stringify(reply.body);
		headers['content-type'] ??= 'application/json; charset=utf-8';
	}
	headers['content-length'] = String(Buffer.byteLength(payload));
	res.writeHead(reply.status, headers);
	res.end(payload);
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
};

/** The reason phrase of a status code. */
export function statusText(status: number): string {
	return STATUS_TEXT[status] ?? 'Error';
}

/** An nginx-like 502 page, as a load balancer in front of any vendor would send it. */
export function badGatewayHtml(): Reply {
	return {
		status: 502,
		headers: { 'content-type': 'text/html', server: 'nginx' },
		raw:
			'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
			'<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
	};
}
