/**
 * The fault campaign's machinery, shared by soak.ts and faults.ts: one Contact Hub run through
 * n8n-core's engine against the in-process sandbox's seeded chaos (and, optionally, a per-key rate
 * limit that answers 429s in bursts, and a Stop in the middle), then the read-back that accounts for
 * every item from the sandbox's state and request log, and a scan for API keys in everything the
 * run showed: output items, errors, n8n's log and the console.
 *
 * Importing this module sets N8N_LOG_LEVEL=debug (unless set) so n8n's logger prints everything it
 * can, and captures stdout (the sandbox's request log and n8n's log go there, not to the terminal).
 */
import { inspect } from 'node:util';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { listedItems, trackedNode } from '../../test/helpers/runs';
import { CONTACT_HUB_TYPE, contactHubWorkflow, runWorkflow, type RunResult } from '../../test/helpers/workflow';
import { CREDENTIAL_TYPE } from '../../test/node/harness';
import { DOCUMENTED, SANDBOX_KEYS, startSandbox, VENDORS, type RecordedRequest, type Sandbox, type Vendor } from '../../test/sandbox';

process.env.N8N_LOG_LEVEL ??= 'debug';

export const CHAOS = { status429: 0.05, status500: 0.06, status502Html: 0.04, hang: 0.02, reset: 0.05, malformedJson: 0.03 };
/** Fault kinds as the sandbox's log names them; 429 is always before the update (a refusal). */
export const FAULT_KINDS = ['status429', 'status500', 'status502Html', 'hang', 'reset', 'malformedJson'] as const;
const BASE_OPTIONS = { maxRetries: 3, maxRetryWaitSeconds: 0.3, timeout: 400 };
/** LeadLex appends Notes rather than replacing them: there a doubled update shows as a note stored twice. */
const APPENDS_NOTES: ReadonlySet<Vendor> = new Set(['leadLex']);
/** Every key a campaign uses: none may appear in anything a run shows. */
const KEYS = VENDORS.map((vendor) => SANDBOX_KEYS[vendor].valid);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Captures stdout (the sandbox's `log` lines, n8n's logger) and stderr, and n8n-core's LoggerProxy,
 * for the key scan and the sandbox's fault tags. stdout is kept off the terminal; stderr still shows.
 */
class Capture {
	private lines: string[] = [];
	private readonly stdout = process.stdout.write.bind(process.stdout);
	private readonly stderr = process.stderr.write.bind(process.stderr);

	constructor() {
		const keep = (chunk: unknown) => {
			this.lines.push(...String(chunk).split('\n').filter((line) => line !== ''));
		};
		process.stdout.write = ((chunk: unknown) => (keep(chunk), true)) as typeof process.stdout.write;
		process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
			keep(chunk);
			return (this.stderr as (...args: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof process.stderr.write;
		const log = (level: string) => (message: string, meta?: unknown) => keep(`[n8n ${level}] ${message} ${JSON.stringify(meta ?? {})}`);
		LoggerProxy.init({ error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') });
	}

	/** A line on the real stdout (the campaign's own figures). */
	print(line: string): void {
		this.stdout(`${line}\n`);
	}

	/** What was captured since the last take. */
	take(): string[] {
		const lines = this.lines;
		this.lines = [];
		return lines;
	}
}

export const capture = new Capture();

/** The in-process sandbox, with its request log on (one line per request, with the fault it got). */
export async function startCampaignSandbox(): Promise<Sandbox> {
	return await startSandbox({ hangMs: 1000, log: true });
}

export interface RunSpec {
	vendor: Vendor;
	/** Names the run's items; the chaos seed too, unless chaosSeed is set. */
	seed: number;
	/** The seed of the sandbox's chaos PRNG for this run (it restarts at every run). */
	chaosSeed?: number;
	items: number;
	parallelRequests: number;
	continueOnFail: boolean;
	/** Stop once the sandbox has received this many requests of the run (the middle of the run). */
	cancelAfterRequests?: number;
	/** Stop this many ms after the run starts. */
	cancelAfterMs?: number;
	/** Chaos rates other than CHAOS. */
	rates?: Partial<typeof CHAOS>;
	/** Options other than Max Retries 3, Max Retry Wait 0.3 s, Timeout 400 ms. */
	options?: { maxRetries?: number; maxRetryWaitSeconds?: number; timeout?: number };
	/** A per-key fixed-window limit: once a window's budget is used, every request gets the vendor's 429 until it resets. */
	burst?: { limit: number; windowMs: number; signals?: 'documented' | 'none' };
}

/** One run as it happened: the node's own account, and the sandbox's. */
interface RunRecord {
	spec: RunSpec;
	ids: string[];
	/** The node's output (Continue On Fail, or a run that finished). */
	output?: INodeExecutionData[];
	/** The node's error: a stop at a failure, or the cancel. */
	error?: RunResult['error'];
	result: RunResult;
	/** When Stop was pressed, and how many requests the sandbox had received by then. */
	cancel?: { at: number; requestCount: number };
	/** The sandbox's request log of the run. */
	requests: RecordedRequest[];
	/** stdout, stderr and n8n's log during the run. */
	lines: string[];
	/** The 429s the sandbox counted (stats). */
	rateLimited: number;
}

/** Runs one campaign run: n items, each a name (LeadLex: and a note) for its own seeded contact. */
export async function runOne(sandbox: Sandbox, spec: RunSpec): Promise<RunRecord> {
	const { vendor, seed } = spec;
	sandbox.reset();
	const ids = sandbox.seedMany(vendor, spec.items, `s${seed}`);
	sandbox.setChaos({ seed: spec.chaosSeed ?? seed, vendor, rates: { ...CHAOS, ...spec.rates }, phase: 'random' });
	if (spec.burst) sandbox.setRateLimit(vendor, spec.burst);
	capture.take();
	const fields: IDataObject = APPENDS_NOTES.has(vendor) ? { notes: '={{ $json.note }}', name: '={{ $json.name }}' } : { name: '={{ $json.name }}' };
	const tracked = trackedNode();
	let cancel: RunRecord['cancel'];
	let poll: NodeJS.Timeout | undefined;
	let timer: NodeJS.Timeout | undefined;
	const stop = (press: () => void) => {
		cancel = { at: Date.now(), requestCount: sandbox.requests.length };
		press();
	};
	const result = await runWorkflow(
		contactHubWorkflow(
			{ provider: vendor, contactId: '={{ $json.id }}', updateFields: fields, options: { ...BASE_OPTIONS, ...spec.options, parallelRequests: spec.parallelRequests } },
			spec.continueOnFail ? { onError: 'continueRegularOutput' } : {},
		),
		ids.map((id, index) => ({ id, name: `Name ${seed}/${index}`, note: `note ${seed}/${index}` })),
		{ [CREDENTIAL_TYPE[vendor]]: { apiKey: SANDBOX_KEYS[vendor].valid, baseUrl: sandbox.baseUrl(vendor) } },
		{
			nodeTypes: { [CONTACT_HUB_TYPE]: tracked.node },
			// What n8n's Stop does: cancel the execution, which aborts the signal the node reads.
			onRunning: (press) => {
				if (spec.cancelAfterMs !== undefined) timer = setTimeout(() => stop(press), spec.cancelAfterMs);
				const after = spec.cancelAfterRequests;
				if (after === undefined) return;
				poll = setInterval(() => {
					if (sandbox.requests.length < after) return;
					clearInterval(poll);
					stop(press);
				}, 1);
			},
		},
	);
	const settled = await tracked.settled;
	clearInterval(poll);
	clearTimeout(timer);
	// Requests written before the cancel may still be on their way in: give them time to arrive.
	await sleep(100);
	return {
		spec,
		ids,
		output: settled.output?.[0],
		error: (settled.error ?? result.error) as RunResult['error'],
		result,
		cancel,
		// After reset() the run's vendor is the only one sent to.
		requests: sandbox.requests.slice(),
		lines: capture.take(),
		rateLimited: sandbox.stats().rateLimited[vendor],
	};
}

export interface Tally {
	runs: number;
	items: number;
	/** Reported updated by the node and held exactly once by the sandbox. */
	applied: number;
	/** Reported by the node as failed, in flight or not sent (an error item, or a stop report's lists). */
	reported: number;
	/** Neither: no output and not in a report, or an update reported done that the sandbox does not hold. */
	lost: number;
	/** Stored twice: a LeadLex note found twice in the contact, or two updates the sandbox applied for it. */
	doubled: number;
	/** Reports that disagree with the sandbox: "not sent" but applied; a request after the cancel for an item not reported in flight. */
	wrong: number;
	/** API keys found in output items, errors, n8n's log or console output (one per key per place). */
	leaked: number;
	/** Requests the sandbox answered with something other than 200. */
	faulted: number;
	requests: number;
	/** Updates sent again after an answer that may have applied (the sandbox's log): repeat-safe ones; LeadLex's with Notes must stay 0. */
	resent: number;
	/** 429s sent by the per-key window (not chaos). */
	burst429: number;
	/** Faults by kind and phase, from the sandbox's log: "status500/after" → count. */
	faults: Record<string, number>;
	cancelsPressed: number;
	/** Cancels that stopped a run in its middle (the node's cancel report, with items not sent). */
	cancelsLanded: number;
	sentAfterCancel: number;
	inFlightAtCancel: number;
	/** Stop reports whose item lists were cut ("and N more ranges"). */
	truncated: number;
}

export const zero = (): Tally => ({
	runs: 0,
	items: 0,
	applied: 0,
	reported: 0,
	lost: 0,
	doubled: 0,
	wrong: 0,
	leaked: 0,
	faulted: 0,
	requests: 0,
	resent: 0,
	burst429: 0,
	faults: {},
	cancelsPressed: 0,
	cancelsLanded: 0,
	sentAfterCancel: 0,
	inFlightAtCancel: 0,
	truncated: 0,
});

export function add(into: Tally, from: Tally): void {
	for (const key of Object.keys(from) as Array<keyof Tally>) {
		if (key === 'faults') for (const [kind, count] of Object.entries(from.faults)) into.faults[kind] = (into.faults[kind] ?? 0) + count;
		else into[key] += from[key];
	}
}

/** One line of the sandbox's request log: `[sandbox] PATCH /leadlex/v1/contacts/s1-3 -> 500 [chaos status500 after] 2ms`. */
const LOG_LINE = /^\[sandbox\] (\S+) (\S+) -> (.+?)(?: \[(?:fault|chaos) (\S+) (before|after)\])? \d+ms$/;

interface ContactLog {
	/** Answered 2xx with no fault: applied for certain. */
	sure: number;
	/** Applied, or may have been: `sure`, plus every fault after the update (unless a window refused it). */
	possible: number;
}

/** The contact id at the end of an update's path. */
const contactId = (path: string) => decodeURIComponent(path.split('?')[0].split('/').pop() ?? '');

type Verdict = 'updated' | 'failed' | 'inFlight' | 'notSent' | 'limited';

const STOP_LISTS: Array<[Verdict, string]> = [
	['updated', 'updated'],
	['failed', 'failed'],
	['inFlight', 'in flight when the run stopped \\(may have been updated\\)'],
	['limited', "not sent \\(the vendor's rate limit\\)"],
	['notSent', 'not sent'],
];

/** What the node said of each item: its output item, or its stop report's lists. */
function verdicts(run: RunRecord, tally: Tally): Array<Verdict | undefined> {
	const verdict = new Array<Verdict | undefined>(run.ids.length);
	if (run.error) {
		if (/ and \d+ more ranges/.test(run.error.message)) tally.truncated++;
		for (const [kind, words] of STOP_LISTS) for (const index of listedItems(run.error.message, words)) verdict[index] ??= kind;
		return verdict;
	}
	(run.output ?? []).forEach((item, position) => {
		const index = (item.pairedItem as { item?: number } | undefined)?.item ?? position;
		if (verdict[index] !== undefined) tally.wrong++; // two outputs for one item
		verdict[index] = item.json.error === undefined ? 'updated' : 'failed';
	});
	return verdict;
}

/** Every text the run showed a user or an operator, for the key scan. */
function shown(run: RunRecord): string[] {
	const texts = [...run.lines];
	const errors = [run.error, ...(run.output ?? []).map((item) => item.error)].filter((error) => error !== undefined);
	texts.push(JSON.stringify(run.output ?? []), JSON.stringify(run.result.run.data.resultData));
	for (const error of errors) {
		const described = error as Error & { description?: string | null };
		texts.push(described.message, described.description ?? '', described.stack ?? '', inspect(error, { depth: 8 }));
	}
	return texts;
}

/** Accounts for every item of a run from the sandbox's state and request log. */
export function account(sandbox: Sandbox, run: RunRecord): Tally {
	const { vendor, seed } = run.spec;
	const tally = zero();
	tally.runs = 1;
	tally.items = run.ids.length;
	tally.requests = run.requests.length;
	tally.faulted = run.requests.filter((request) => request.status !== 200).length;

	// The sandbox's log: which fault each request got, and which updates it applied.
	const byContact = new Map<string, ContactLog>();
	for (const line of run.lines) {
		const match = LOG_LINE.exec(line);
		if (!match) continue;
		const [, , rawPath, outcome, kind, phase] = match;
		const id = contactId(rawPath);
		const log = byContact.get(id) ?? { sure: 0, possible: 0 };
		byContact.set(id, log);
		if (kind) tally.faults[`${kind}/${phase}`] = (tally.faults[`${kind}/${phase}`] ?? 0) + 1;
		else if (outcome === '429') tally.burst429++;
		if (!kind && /^2\d\d$/.test(outcome)) log.sure++;
		if ((!kind && /^2\d\d$/.test(outcome)) || phase === 'after') log.possible++;
	}

	// The log is read right: one line per request, and its 429s are the ones the sandbox counted.
	const logged = run.lines.filter((line) => LOG_LINE.test(line)).length;
	if (logged !== run.requests.length || (tally.faults['status429/before'] ?? 0) + tally.burst429 !== run.rateLimited) {
		throw new Error(`campaign: the sandbox log (${logged} lines) disagrees with its request log (${run.requests.length}) or its 429 count (${run.rateLimited})`);
	}

	const verdict = verdicts(run, tally);
	run.ids.forEach((id, index) => {
		const contact = sandbox.getContact(vendor, id) ?? {};
		// The name key from the vendor's sandbox module (its pages), not from the provider under test.
		const held = contact[DOCUMENTED[vendor].keys.name] === `Name ${seed}/${index}`;
		const log = byContact.get(id) ?? { sure: 0, possible: 0 };
		const notes = typeof contact.notes === 'string' ? contact.notes.split(`note ${seed}/${index}`).length - 1 : 0;
		const stored = APPENDS_NOTES.has(vendor) ? notes : held ? 1 : 0;
		const doubled = APPENDS_NOTES.has(vendor) && (notes > 1 || log.sure > 1);
		tally.resent += Math.max(0, log.possible - 1);
		// The state and the log must agree: applied for certain is held; held was at least possibly applied.
		if ((log.sure > 0 && !held) || (held && log.possible === 0)) tally.wrong++;
		if (doubled) tally.doubled++;
		const said = verdict[index];
		if (said === undefined) tally.lost++;
		else if (said !== 'updated') {
			tally.reported++;
			if ((said === 'notSent' || said === 'limited') && held) tally.wrong++;
		} else if (stored === 1 && held) tally.applied++;
		else if (!doubled) tally.lost++;
	});

	if (run.spec.cancelAfterRequests !== undefined || run.spec.cancelAfterMs !== undefined) tally.cancelsPressed++;
	if (run.cancel) {
		const message = run.error?.message ?? '';
		const inFlight = new Set(listedItems(message, STOP_LISTS[2][1]));
		if (message.startsWith('The execution was cancelled') && verdict.includes('notSent')) tally.cancelsLanded++;
		tally.inFlightAtCancel += inFlight.size;
		// The rule: no request starts after the cancel. A request the sandbox receives after it was
		// already on its way: its item must be one the report lists as in flight, so at most
		// Parallel Requests of them.
		const late = run.requests.slice(run.cancel.requestCount);
		tally.sentAfterCancel += late.length;
		for (const request of late) {
			if (!inFlight.has(run.ids.indexOf(contactId(request.path)))) tally.wrong++;
		}
		if (late.length > run.spec.parallelRequests) tally.wrong++;
	}

	// A control: the scan finds the run's key where it belongs, in the requests' headers.
	const key = SANDBOX_KEYS[vendor].valid;
	if (run.requests.length > 0 && !run.requests.some((request) => JSON.stringify(request.headers).includes(key))) {
		throw new Error(`campaign: the key scan does not find ${vendor}'s key in its own requests`);
	}
	for (const text of shown(run)) for (const one of KEYS) if (text.includes(one)) tally.leaked++;
	return tally;
}
