import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { ContactProvider } from '../providers/types';
import { VendorLimitReached } from './budget';
import type { Action, RequestKind } from './errors';
import type { RequestGate } from './gate';
import { networkCode } from './network';
import { answerLost, nextStep, retryPolicy, type Answer, type SendResult, type TransportSettings } from './policy';
import type { VendorRequest } from './request';
import { Cancelled, wait } from './wait';

/** Reads a 2xx body: JSON text is parsed, an empty body is an empty object, anything else is undefined. */
export function parseAnswerBody(body: unknown): unknown {
	if (body === undefined || body === null || body === '') return {};
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

/** One request to send: what it is for (its action's kind: read, update or create), and for an update whether a resend after a lost answer is harmless. */
export interface Send {
	request: VendorRequest;
	action: Action;
	/** Updates only: reads are always safe to repeat, creates never. */
	repeatSafe?: boolean;
}

/** One attempt: the vendor's answer, or the network error instead. */
type Attempt = { response: IN8nHttpFullResponse } | { error: unknown };

async function attemptOnce(
	ctx: IExecuteFunctions,
	provider: ContactProvider,
	credential: ICredentialsDecrypted,
	request: VendorRequest,
	settings: TransportSettings,
	signal: AbortSignal | undefined,
): Promise<Attempt> {
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			provider.credential.name,
			{
				method: request.method,
				url: request.url,
				body: request.body,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: settings.timeoutMs,
				// A redirected request is reported, not followed: see redirectFailure.
				disableFollowRedirect: true,
				// A cancelled execution aborts the request in flight.
				abortSignal: signal,
			},
			{ credentialsDecrypted: credential },
		)) as IN8nHttpFullResponse;
		return { response };
	} catch (error) {
		return { error };
	}
}

/** Sorts an attempt by what it tells the retry policy. */
function classifyAttempt(attempt: Attempt): Answer {
	if ('error' in attempt) return { kind: 'network', error: attempt.error, code: networkCode(attempt.error) };
	const { statusCode: status, body: raw } = attempt.response;
	const headers = attempt.response.headers as IDataObject | undefined;
	if (status >= 200 && status < 300) {
		const body = parseAnswerBody(raw);
		return body === undefined ? { kind: 'unreadable', status, raw } : { kind: 'success', status, body };
	}
	const body = parseAnswerBody(raw) ?? raw;
	if (status === 429) return { kind: 'rateLimited', headers, body };
	if (status >= 300 && status < 400) return { kind: 'redirect', status, location: headers?.location, body };
	return { kind: 'failed', status, body };
}

/**
 * The execution's cancel, as one request sees it: it ends every wait at once, and reports whether
 * this request's update may have been applied (sent with its answer lost, or aborted in flight).
 */
class CancelWatch {
	private mayHaveApplied = false;

	private readonly writes: boolean;

	constructor(
		readonly signal: AbortSignal | undefined,
		private readonly kind: RequestKind,
	) {
		this.writes = kind !== 'read';
	}

	/** After an attempt: aborted in flight, a write may have arrived; a lost answer may have applied it. */
	settle(answer: Answer): void {
		if (this.signal?.aborted) throw new Cancelled(this.mayHaveApplied || this.writes, this.kind);
		if (this.writes && answerLost(answer)) this.mayHaveApplied = true;
	}

	/** Awaits a wait; one ended by the cancel reports this request, other ends (a vendor limit hours away) pass on. */
	async hold(waiting: Promise<void>): Promise<void> {
		const failure = await waiting.then(
			() => undefined,
			(error: unknown) => error,
		);
		if (this.signal?.aborted) throw new Cancelled(this.mayHaveApplied, this.kind);
		if (failure !== undefined) return await Promise.reject(failure);
	}
}

/**
 * Sends one request through n8n's authenticated HTTP helper, as the retry policy decides (see
 * policy.ts): admit through the gate → attempt → sort the answer → done, or wait and try again. A
 * cancel of the execution ends every wait at once and aborts the request in flight (Cancelled).
 */
export async function sendRequest(
	ctx: IExecuteFunctions,
	provider: ContactProvider,
	credential: ICredentialsDecrypted,
	{ request, action, repeatSafe }: Send,
	gate: RequestGate,
	settings: TransportSettings,
): Promise<SendResult> {
	const cancel = new CancelWatch(ctx.getExecutionCancelSignal(), action.kind);
	const policy = retryPolicy(provider, action, repeatSafe === true, settings);
	for (let attempt = 0; ; attempt++) {
		await cancel.hold(gate.acquire(cancel.signal));
		const sent = await attemptOnce(ctx, provider, credential, request, settings, cancel.signal);
		const answer = classifyAttempt(sent);
		cancel.settle(answer);
		if ('response' in sent) gate.observe(sent.response.headers as IDataObject);
		const step = nextStep(answer, attempt, policy);
		if (step.kind === 'done') return step.result;
		if (step.kind === 'retry') await cancel.hold(wait(step.waitMs, cancel.signal));
		if (step.kind === 'holdAll') gate.pauseFor(step.pauseMs);
		if (step.kind === 'stopRun') {
			gate.exhaustUntil(step.untilMs);
			throw new VendorLimitReached(step.untilMs);
		}
	}
}
