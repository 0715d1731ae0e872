import type { IDataObject } from 'n8n-workflow';

/*
 * Own keys only: objects from users and vendors are copied, set and read by their own keys, so a key
 * such as `__proto__` or `toString` stays data and never reaches a prototype.
 */

/**
 * The one key refused in user objects: assigned, it re-parents an object (JavaScript's setter), and a
 * vendor's server merging it would do the same. `constructor` and `prototype` are ordinary own keys.
 */
export const RESERVED_KEY = '__proto__';

/** Whether a value is a JSON object: not null, not an array. The one such check of the package. */
export function isPlainObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Sets an own data property, whatever the key: `__proto__` stays a key, never a prototype. */
export function setOwn(target: IDataObject, key: string, value: unknown): void {
	Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of JSON data that keeps every own key as it is (n8n's deepCopy drops `__proto__`). */
export function safeCopy<T>(value: T): T {
	if (Array.isArray(value)) return value.map(safeCopy) as T;
	if (!isPlainObject(value)) return value;
	const copy: IDataObject = {};
	for (const key of Object.keys(value)) setOwn(copy, key, safeCopy(value[key]));
	return copy as T;
}

/** The path of the first `__proto__` key inside a value (any depth), or undefined. */
export function reservedKeyPath(value: unknown, path = ''): string | undefined {
	if (Array.isArray(value)) {
		for (const [index, entry] of value.entries()) {
			const found = reservedKeyPath(entry, `${path}[${index}]`);
			if (found !== undefined) return found;
		}
		return undefined;
	}
	if (!isPlainObject(value)) return undefined;
	for (const key of Object.keys(value)) {
		const here = path === '' ? key : `${path}.${key}`;
		if (key === RESERVED_KEY) return here;
		const found = reservedKeyPath(value[key], here);
		if (found !== undefined) return found;
	}
	return undefined;
}

/** A map's own entry, never one inherited from Object.prototype (`toString` is a name, not a function). */
export function ownValue<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
	return Object.hasOwn(map, key) ? map[key] : undefined;
}
