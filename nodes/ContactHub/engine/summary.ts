/** What became of one item, for the report when a run stops early. */
export type Outcome = 'updated' | 'created' | 'read' | 'skipped' | 'checked' | 'failed' | 'unknown' | 'maybeCreated' | 'limited';

/** Item indexes as ranges: [0, 1, 2, 5] → "0–2, 5". */
export function ranges(indexes: number[]): string {
	const parts: string[] = [];
	for (let i = 0; i < indexes.length; i++) {
		let j = i;
		while (j + 1 < indexes.length && indexes[j + 1] === indexes[j] + 1) j++;
		parts.push(j === i ? String(indexes[i]) : `${indexes[i]}–${indexes[j]}`);
		i = j;
	}
	// A run with many scattered failures still gets a message of readable length.
	return parts.length > 12 ? `${parts.slice(0, 12).join(', ')} and ${parts.length - 12} more ranges` : parts.join(', ');
}

const WORDING: Array<[Outcome | undefined, string]> = [
	['updated', 'updated'],
	['created', 'created'],
	['read', 'read'],
	['checked', 'checked (dry run)'],
	['skipped', 'skipped (not found)'],
	['failed', 'failed'],
	['unknown', 'in flight when the run stopped (may have been updated)'],
	['maybeCreated', 'in flight when the run stopped (may have been created)'],
	['limited', "not sent (the vendor's rate limit)"],
	[undefined, 'not sent'],
];

/** "updated: items 0–2; failed: item 3; not sent: items 4–9": every item accounted for. */
export function summarize(outcomes: Array<Outcome | undefined>, total: number): string {
	const parts: string[] = [];
	for (const [outcome, words] of WORDING) {
		const indexes = Array.from({ length: total }, (_, index) => index).filter((index) => outcomes[index] === outcome);
		if (indexes.length > 0) parts.push(`${words}: item${indexes.length === 1 ? '' : 's'} ${ranges(indexes)}`);
	}
	return parts.join('; ');
}
