import type { Vendor } from './types';

/** All vendors the sandbox fakes. */
export const VENDORS: Vendor[] = ['blandAi', 'leadLex', 'openCx', 'raze'];

/** URL prefix of each vendor on the sandbox; it stands in for the vendor's API host. */
export const VENDOR_PREFIXES: Record<Vendor, string> = {
	blandAi: '/blandai',
	leadLex: '/leadlex',
	openCx: '/opencx',
	raze: '/raze',
};

/** The only API keys the sandbox accepts. Bland AI documents no read-only keys. */
export const SANDBOX_KEYS: {
	blandAi: { valid: string };
	leadLex: { valid: string; readOnly: string };
	openCx: { valid: string; readOnly: string };
	raze: { valid: string; readOnly: string };
} = {
	blandAi: { valid: 'org_sandbox_bland_key' },
	leadLex: { valid: 'wbk_live_sandbox_key', readOnly: 'wbk_live_sandbox_readonly' },
	openCx: { valid: 'ocx_live_sandbox_key', readOnly: 'ocx_live_sandbox_readonly' },
	raze: { valid: 'gr_live_sandbox_key', readOnly: 'gr_live_sandbox_readonly' },
};

/** The demo contact seeded for each vendor at start and on reset. */
export const SEED_IDS: Record<Vendor, string> = {
	blandAi: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
	leadLex: '123e4567-e89b-12d3-a456-426614174000',
	openCx: 'ocx_contact_demo',
	raze: 'cnt_abc123def456',
};

export const ADMIN_PREFIX = '/__sandbox';
