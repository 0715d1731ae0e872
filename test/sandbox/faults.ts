import type { ChaosSpec, FaultKind, FaultPhase, FaultSpec, Vendor } from './types';
import { VENDORS } from './constants';

export const FAULT_KINDS: FaultKind[] = ['status500', 'status502Html', 'hang', 'reset', 'malformedJson'];

/** The methods a fault may be aimed at (the ones vendor routes use). */
const FAULT_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The request a queued fault is tested against. */
interface FaultTarget {
	vendor: Vendor;
	method: string;
	/** Path after the vendor prefix, without the query. */
	pathname: string;
}

/** What to do to one request instead of (or after) answering it normally. */
export interface Decision {
	kind: FaultKind | 'status429';
	phase: FaultPhase;
	source: 'fault' | 'chaos';
}

/** mulberry32: a tiny seeded PRNG, so a chaos seed always gives the same sequence. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// Fixed order, so the same seed and rates always map draws to the same outcomes.
const CHAOS_ORDER: Array<FaultKind | 'status429'> = ['status429', ...FAULT_KINDS];

function checkVendor(vendor: unknown): void {
	if (vendor !== undefined && !VENDORS.includes(vendor as Vendor)) throw new Error(`unknown vendor: ${String(vendor)}`);
}

/** Throws unless `method` and `path` of a fault are absent or usable filters. */
function checkTarget(method: unknown, path: unknown): void {
	if (method !== undefined && !FAULT_METHODS.includes(method as (typeof FAULT_METHODS)[number])) {
		throw new Error(`fault method must be one of ${FAULT_METHODS.join(', ')}, not ${String(method)}`);
	}
	// The path is compared exactly with the pathname, so a query or a missing leading slash could never match.
	if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/') || path.includes('?'))) {
		throw new Error(`fault path must start with / and have no query (e.g. '/external/v1/contacts'), not ${String(path)}`);
	}
}

/** Throws unless `spec` is a fault FaultPlan.add can queue. */
export function checkFaultSpec(spec: FaultSpec): void {
	if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind: ${String(spec.kind)}`);
	checkVendor(spec.vendor);
	checkTarget(spec.method, spec.path);
	if (spec.phase !== undefined && spec.phase !== 'before' && spec.phase !== 'after') {
		throw new Error(`unknown fault phase: ${String(spec.phase)}`);
	}
	const count = spec.count ?? 1;
	if (!Number.isInteger(count) || count < 1) throw new Error('fault count must be an integer ≥ 1');
	const skip = spec.skip ?? 0;
	if (!Number.isInteger(skip) || skip < 0) throw new Error('fault skip must be an integer ≥ 0');
}

/** True when a queued fault applies to the request: every filter it sets must match. */
function aimsAt(spec: FaultSpec, target: FaultTarget): boolean {
	return (
		(spec.vendor === undefined || spec.vendor === target.vendor) &&
		(spec.method === undefined || spec.method === target.method) &&
		(spec.path === undefined || spec.path === target.pathname)
	);
}

/** Queued one-shot faults plus optional seeded chaos. Queued faults win over chaos. */
export class FaultPlan {
	private queue: Array<{ spec: FaultSpec; left: number; skip: number }> = [];
	private chaos: { spec: ChaosSpec; random: () => number } | null = null;

	/** Queues a fault; faults are consumed in the order they were added. */
	add(spec: FaultSpec): void {
		checkFaultSpec(spec);
		this.queue.push({ spec: { ...spec }, left: spec.count ?? 1, skip: spec.skip ?? 0 });
	}

	/** Sets (or with null removes) chaos; the PRNG restarts from the seed. */
	setChaos(spec: ChaosSpec | null): void {
		if (spec === null) {
			this.chaos = null;
			return;
		}
		if (!Number.isFinite(spec.seed)) throw new Error('chaos seed must be a number');
		checkVendor(spec.vendor);
		for (const [kind, rate] of Object.entries(spec.rates ?? {})) {
			if (!CHAOS_ORDER.includes(kind as FaultKind)) throw new Error(`unknown chaos kind: ${kind}`);
			if (typeof rate !== 'number' || rate < 0 || rate > 1) throw new Error(`chaos rate of ${kind} must be within 0..1`);
		}
		this.chaos = { spec: { ...spec, rates: { ...spec.rates } }, random: mulberry32(spec.seed) };
	}

	/**
	 * The fault for this request, if any (consumes it): the first queued one aimed at it, else chaos. A queued fault
	 * still skipping lets the request pass it by (counting it) and does not apply: the request is answered as usual.
	 */
	next(target: FaultTarget): Decision | undefined {
		const index = this.queue.findIndex((f) => aimsAt(f.spec, target));
		if (index >= 0) {
			const entry = this.queue[index];
			if (entry.skip > 0) {
				entry.skip -= 1;
				return undefined;
			}
			entry.left -= 1;
			if (entry.left === 0) this.queue.splice(index, 1);
			return { kind: entry.spec.kind, phase: entry.spec.phase ?? 'before', source: 'fault' };
		}
		return this.roll(target.vendor);
	}

	/** Pending queued faults (for the admin API). */
	pending(): number {
		return this.queue.reduce((sum, f) => sum + f.left, 0);
	}

	clear(): void {
		this.queue = [];
		this.chaos = null;
	}

	private roll(vendor: Vendor): Decision | undefined {
		if (!this.chaos || (this.chaos.spec.vendor !== undefined && this.chaos.spec.vendor !== vendor)) return undefined;
		const { spec, random } = this.chaos;
		const r = random(); // one draw per matching request (a second for a 'random' phase): reproducible
		let cumulative = 0;
		for (const kind of CHAOS_ORDER) {
			cumulative += spec.rates[kind] ?? 0;
			if (r >= cumulative) continue;
			let phase: FaultPhase = spec.phase === 'after' ? 'after' : 'before';
			if (spec.phase === 'random') phase = random() < 0.5 ? 'before' : 'after';
			// A 429 is a refusal: the update never happens, whatever the phase says.
			if (kind === 'status429') phase = 'before';
			return { kind, phase, source: 'chaos' };
		}
		return undefined;
	}
}
