import type { LookupQuery } from './lookup';
import { comparable } from './lookup';

/**
 * The contacts one execution created (or matched after a create), and a queue per look-up key: items
 * that share a provider and a look-up value (email ignoring case and spaces, phone by digits) run one
 * after another, so the first creates the contact and the later ones update it, at any Parallel Requests.
 */
export class NewContacts {
	private readonly known = new Map<string, string>();
	private readonly tails = new Map<string, Promise<unknown>>();

	/** The key of a look-up: items with equal keys are the same contact. */
	static keyOf(providerId: string, query: LookupQuery): string {
		return `${providerId}\u0000${query.kind}\u0000${comparable(query.kind, query.sent)}`;
	}

	/** The ID of the contact an earlier item of this execution created (or matched by its create) for `key`. */
	contactFor(key: string): string | undefined {
		return this.known.get(key);
	}

	/** Remembers the contact an item's create made or matched for `key`. */
	remember(key: string, contactId: string): void {
		this.known.set(key, contactId);
	}

	/** Runs `task` after every earlier task of the same key has settled. */
	async inTurn<T>(key: string, task: () => Promise<T>): Promise<T> {
		const before = this.tails.get(key) ?? Promise.resolve();
		const mine = before.then(task, task);
		const tail = mine.then(
			() => undefined,
			() => undefined,
		);
		this.tails.set(key, tail);
		try {
			return await mine;
		} finally {
			// The last of a key leaves no entry behind: the map stays as small as the keys in flight.
			if (this.tails.get(key) === tail) this.tails.delete(key);
		}
	}
}
