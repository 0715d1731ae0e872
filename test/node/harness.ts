/**
 * Shared set-up for the engine tests: one sandbox per test file, credentials pointing at it, and a
 * `run` that puts a Contact Hub workflow through n8n-core's WorkflowExecute.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData, IWorkflowBase } from 'n8n-workflow';

import { contactHubWorkflow, runWorkflow, shutdownEngine, type RunResult } from '../helpers/workflow';
import { findProvider } from '../../nodes/ContactHub/providers/registry';
import {
	CREATE_ROUTES,
	DOCUMENTED,
	SANDBOX_KEYS,
	SEED_IDS,
	startSandbox,
	VENDORS,
	type RecordedRequest,
	type Sandbox,
	type SentRequest,
	type Vendor,
} from '../sandbox';
import { VENDOR_MODULES } from '../sandbox/vendors';

export { SANDBOX_KEYS, SEED_IDS };
export type { RunResult, Sandbox, Vendor };

/** Every vendor, from the sandbox's registry. */
export const VENDOR_LIST: Vendor[] = [...VENDORS];

// Credential type names are what saved workflows store: the four vendors' are written out, so that
// tests expecting them fail on a rename; a vendor not listed (a new one) takes its provider's.
const PUBLISHED_CREDENTIAL_TYPE: Partial<Record<Vendor, string>> = { blandAi: 'blandAiApi', leadLex: 'leadLexApi', openCx: 'openCxApi', raze: 'razeApi' };

/** Each vendor's credential type: the published name, else the provider registry's (the provider's ID is the sandbox's vendor name). */
export const CREDENTIAL_TYPE = Object.fromEntries(
	VENDORS.map((vendor) => [vendor, PUBLISHED_CREDENTIAL_TYPE[vendor] ?? findProvider(vendor)!.credential.name]),
) as Record<Vendor, string>;

/** Each vendor's name as users know it, from its sandbox module (written from the vendor's pages). */
export const LABEL = Object.fromEntries(VENDORS.map((vendor) => [vendor, VENDOR_MODULES[vendor].label])) as Record<Vendor, string>;

/** A table with one entry for each vendor. */
const perVendor = <T>(pick: (vendor: Vendor) => T) => Object.fromEntries(VENDORS.map((vendor) => [vendor, pick(vendor)])) as Record<Vendor, T>;

/** The update path of each vendor, relative to its base URL, for an already encoded ID. */
export const UPDATE_PATH = perVendor((vendor) => DOCUMENTED[vendor].update.path);

export const METHOD = perVendor((vendor) => DOCUMENTED[vendor].update.method);

/** The auth header each vendor documents, as node's http server presents it (lower-cased name). */
export const AUTH_HEADER = perVendor((vendor): [string, (key: string) => string] => [DOCUMENTED[vendor].auth.header.toLowerCase(), DOCUMENTED[vendor].auth.value]);

/** The key of the name in each vendor's contacts. */
export const NAME_KEY = perVendor((vendor) => DOCUMENTED[vendor].keys.name);

/** Each vendor's documented look-up of an email (first page), as `sent` records it. */
export const EMAIL_LOOKUP = perVendor((vendor) => DOCUMENTED[vendor].lookupByEmail);

/** Each vendor's read-only API key, for the vendors whose pages document one (Bland AI's do not). */
export const READ_ONLY_KEY: Partial<Record<Vendor, string>> = Object.fromEntries(
	VENDORS.flatMap((vendor) => {
		const readOnly = (SANDBOX_KEYS[vendor] as { readOnly?: string }).readOnly;
		return readOnly === undefined ? [] : [[vendor, readOnly]];
	}),
);

/** The vendors that document read-only keys. */
export const READ_ONLY_VENDORS: Vendor[] = VENDORS.filter((vendor) => READ_ONLY_KEY[vendor] !== undefined);

/** The node's Name, Email and Phone, given as `fields`, under `vendor`'s own contact keys. */
export function inVendorKeys<T>(vendor: Vendor, fields: Partial<Record<'name' | 'email' | 'phone', T>>): Record<string, T> {
	const keys = DOCUMENTED[vendor].keys;
	return Object.fromEntries(Object.entries(fields).map(([field, value]) => [keys[field as keyof typeof keys], value]));
}

/** The documented update of contact `id` (encoded here) with `fields` in the vendor's keys, as `sent` records it. */
export function updateRequest(vendor: Vendor, id: string, fields: Record<string, unknown>): SentRequest {
	const { update, body } = DOCUMENTED[vendor];
	return [update.method, update.path(encodeURIComponent(id)), body(fields)];
}

/** The documented create (Bland AI: its resolve) with `fields` in the vendor's keys, as `sent` records it. */
export function createRequest(vendor: Vendor, fields: Record<string, unknown>): SentRequest {
	return [CREATE_ROUTES[vendor].method, CREATE_ROUTES[vendor].path, DOCUMENTED[vendor].body(fields)];
}

/** The documented read of contact `id` (encoded here), as `sent` records it; undefined when the vendor documents none. */
export function readRequest(vendor: Vendor, id: string): SentRequest | undefined {
	const readPath = DOCUMENTED[vendor].readPath;
	return readPath === undefined ? undefined : ['GET', readPath(encodeURIComponent(id)), undefined];
}

/** What a dry run shows where the API key would go. */
const KEY_PLACEHOLDER = '<API key from the credential>';

/** The headers a dry run of `vendor` shows: JSON, and its auth header (as the vendor's page spells it) holding the placeholder. */
export function dryRunHeaders(vendor: Vendor): Record<string, string> {
	const { header, value } = DOCUMENTED[vendor].auth;
	return { 'Content-Type': 'application/json', Accept: 'application/json', [header]: value(KEY_PLACEHOLDER) };
}

/** Every key the sandbox knows, plus the wrong ones the tests use: none may ever show up in an output. */
export const WRONG_KEY = 'wrong_key_0123456789abcdef';
const ALL_KEYS: string[] = [
	...Object.values(SANDBOX_KEYS).flatMap((keys) => Object.values(keys) as string[]),
	WRONG_KEY,
];

/**
 * Starts one sandbox for the test file, resets it before each test, and closes it (and n8n-core's
 * background timers) after the file. Returns a getter, as the sandbox exists only once beforeAll ran.
 */
export function useSandbox(): () => Sandbox {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	beforeEach(() => sandbox!.reset());
	afterAll(async () => {
		await sandbox?.close();
		shutdownEngine();
	});
	return () => sandbox!;
}

/** Credentials of every vendor's type, pointing at the sandbox; `keys` overrides a vendor's key. */
export function credentialsFor(
	sandbox: Sandbox,
	keys: Partial<Record<Vendor, string>> = {},
	baseUrls: Partial<Record<Vendor, string>> = {},
): Record<string, ICredentialDataDecryptedObject> {
	return Object.fromEntries(
		VENDOR_LIST.map((vendor) => [
			CREDENTIAL_TYPE[vendor],
			{ apiKey: keys[vendor] ?? SANDBOX_KEYS[vendor].valid, baseUrl: baseUrls[vendor] ?? sandbox.baseUrl(vendor) },
		]),
	);
}

interface RunOptions {
	onError?: INode['onError'];
	keys?: Partial<Record<Vendor, string>>;
	baseUrls?: Partial<Record<Vendor, string>>;
	/** Changes the workflow JSON before it runs (e.g. to remove a credential). */
	edit?: (workflow: IWorkflowBase) => void;
}

/** Runs Manual Trigger → Contact Hub with `parameters` on `items`, against the sandbox. */
export async function run(
	sandbox: Sandbox,
	parameters: IDataObject,
	items: IDataObject[] = [{}],
	options: RunOptions = {},
): Promise<RunResult> {
	const workflow = contactHubWorkflow(parameters, options.onError ? { onError: options.onError } : {});
	options.edit?.(workflow);
	return await runWorkflow(workflow, items, credentialsFor(sandbox, options.keys, options.baseUrls));
}

/** The json of each item. */
export const jsonOf = (items: INodeExecutionData[]): IDataObject[] => items.map((item) => item.json);

/** The pairedItem of each item. */
export const pairedOf = (items: INodeExecutionData[]): unknown[] => items.map((item) => item.pairedItem);

/** The vendor requests the sandbox saw, as [method, path, body]. */
export const sent = (sandbox: Sandbox): Array<[string, string, unknown]> =>
	sandbox.requests.map((request: RecordedRequest) => [request.method, request.path, request.body]);

/** Everything a user or a log could see of a run, as one string. */
export function visibleText(result: RunResult): string {
	const error = result.error;
	return JSON.stringify({
		items: result.items,
		errorItems: result.errorItems,
		error: error && { message: error.message, description: error.description, context: error.context, error },
		run: result.run.data.resultData,
	});
}

/** Fails if any API key appears in `text`. */
export function expectNoKey(text: string): void {
	for (const key of ALL_KEYS) expect(text).not.toContain(key);
}
