import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { optionsProperty } from '../actions/options';
import type { TransportSettings } from './policy';

/** Options read once per execution (from the first item), as they shape the whole run. */
interface RunSettings extends TransportSettings {
	parallelRequests: number;
	maxRequestsPerMinute: number;
}

const OPTIONS = optionsProperty.options as INodeProperties[];

/** Defaults of the Options collection, as the node's description declares them. */
export const DEFAULTS = Object.fromEntries(OPTIONS.map((option) => [option.name, option.default])) as {
	output: string;
	parallelRequests: number;
	maxRequestsPerMinute: number;
	timeout: number;
	retryOnRateLimit: boolean;
	maxRetries: number;
	maxRetryWaitSeconds: number;
};

/** Refuses an option value; it never returns. */
type OptionFail = (message: string, description: string) => never;

/**
 * A numeric option within the bounds the editor enforces (typeOptions), which workflow JSON and
 * expressions bypass: out of range is an error, never a silent clamp.
 */
function bounded(options: IDataObject, name: keyof typeof DEFAULTS, fail: OptionFail, whole = true): number {
	const option = OPTIONS.find((candidate) => candidate.name === name)!;
	const { minValue = 0, maxValue = Number.MAX_SAFE_INTEGER } = option.typeOptions ?? {};
	const raw = options[name] ?? option.default;
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	const ok = typeof value === 'number' && Number.isFinite(value) && value >= minValue && value <= maxValue;
	if (!ok || (whole && !Number.isInteger(value))) {
		fail(
			`Options → ${option.displayName} must be ${whole ? 'a whole number' : 'a number'} from ${minValue} to ${maxValue}, got ${JSON.stringify(raw)}`,
			`Set ${option.displayName} in the node's Options to a value in that range (default ${String(option.default)}).`,
		);
	}
	return value as number;
}

/** The execution-wide settings from the Options collection, each checked against its bounds. */
export function readRunSettings(options: IDataObject, fail: OptionFail): RunSettings {
	return {
		parallelRequests: bounded(options, 'parallelRequests', fail),
		maxRequestsPerMinute: bounded(options, 'maxRequestsPerMinute', fail),
		timeoutMs: bounded(options, 'timeout', fail),
		retryOnRateLimit: options.retryOnRateLimit !== false,
		maxRetries: bounded(options, 'maxRetries', fail),
		maxRetryWaitMs: Math.round(bounded(options, 'maxRetryWaitSeconds', fail, false) * 1000),
	};
}
