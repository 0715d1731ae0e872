import type { Vendor } from './types';
import type { Documented } from './vendor';
import { VENDOR_MODULES } from './vendors';

/** All vendors the sandbox fakes, in the registry's order. */
export const VENDORS = Object.keys(VENDOR_MODULES) as Vendor[];

/** Each vendor's value of one registry entry's property. */
function byVendor<K extends 'prefix' | 'keys' | 'seedId' | 'createRoute' | 'documented'>(key: K): { [V in Vendor]: (typeof VENDOR_MODULES)[V][K] } {
	return Object.fromEntries(VENDORS.map((vendor) => [vendor, VENDOR_MODULES[vendor][key]])) as { [V in Vendor]: (typeof VENDOR_MODULES)[V][K] };
}

/** URL prefix of each vendor on the sandbox; it stands in for the vendor's API host. */
export const VENDOR_PREFIXES: Record<Vendor, string> = byVendor('prefix');

/** The only API keys the sandbox accepts. Bland AI documents no read-only keys. */
export const SANDBOX_KEYS = byVendor('keys');

/** The demo contact seeded for each vendor at start and on reset. */
export const SEED_IDS: Record<Vendor, string> = byVendor('seedId');

/** Each vendor's documented create (Bland AI: resolve), to aim faults at with `{ method, path }`. */
export const CREATE_ROUTES: Record<Vendor, { method: 'POST'; path: string }> = byVendor('createRoute');

/** Each vendor's documented requests and contact keys (see `Documented`). */
export const DOCUMENTED: Record<Vendor, Documented> = byVendor('documented');

export const ADMIN_PREFIX = '/__sandbox';
