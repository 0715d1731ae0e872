/**
 * Vendor sandbox: faithful fakes of the Bland AI, LeadLex, OpenCX and Raze contact APIs on 127.0.0.1.
 * See README.md. Usage from jest: `const sandbox = await startSandbox(); …; await sandbox.close();`
 */
import { SandboxServer } from './server';
import type { Sandbox, SandboxOptions } from './types';

export { CREATE_ROUTES, DOCUMENTED, SANDBOX_KEYS, SEED_IDS, VENDORS, VENDOR_PREFIXES } from './constants';
export { mulberry32 } from './faults';
export type { Documented, SentRequest } from './vendor';
export { OPENCX_EMAIL_PATTERN } from './vendors/openCx';
export type {
	BlandFindAnswer,
	ChaosSpec,
	FaultKind,
	FaultSpec,
	LlmRequest,
	RateLimitSpec,
	RateSignals,
	RazeListShape,
	RecordedRequest,
	ResetFormat,
	Sandbox,
	SandboxOptions,
	SandboxStats,
	Vendor,
} from './types';

/** Starts a sandbox (a free port unless `options.port` is set); always close() it when done. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const sandbox = new SandboxServer(options);
	await sandbox.listen(options.port ?? 0);
	return sandbox;
}
