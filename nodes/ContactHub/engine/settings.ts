import type { IDataObject } from 'n8n-workflow';

import { optionsProperty } from '../description';
import type { TransportSettings } from './transport';

/** Options read once per execution (from the first item), as they shape the whole run. */
export interface RunSettings extends TransportSettings {
	parallelRequests: number;
	maxRequestsPerMinute: number;
}

/** Defaults of the Options collection, as the node's description declares them. */
export const DEFAULTS = Object.fromEntries(
	(optionsProperty.options as Array<{ name: string; default: unknown }>).map((option) => [option.name, option.default]),
) as { output: string; parallelRequests: number; maxRequestsPerMinute: number; timeout: number; retryOnRateLimit: boolean; maxRetries: number; maxRetryWaitSeconds: number };

function wholeNumber(value: unknown, fallback: number, min: number): number {
	const number = Math.floor(Number(value));
	return Number.isFinite(number) ? Math.max(min, number) : fallback;
}

function nonNegative(value: unknown, fallback: number): number {
	const number = Number(value ?? fallback);
	return Number.isFinite(number) ? Math.max(0, number) : fallback;
}

/** The execution-wide settings from the Options collection. */
export function readRunSettings(options: IDataObject): RunSettings {
	return {
		parallelRequests: wholeNumber(options.parallelRequests, DEFAULTS.parallelRequests, 1),
		maxRequestsPerMinute: wholeNumber(options.maxRequestsPerMinute, DEFAULTS.maxRequestsPerMinute, 0),
		timeoutMs: wholeNumber(options.timeout, DEFAULTS.timeout, 1),
		retryOnRateLimit: options.retryOnRateLimit !== false,
		maxRetries: wholeNumber(options.maxRetries, DEFAULTS.maxRetries, 0),
		maxRetryWaitMs: Math.round(nonNegative(options.maxRetryWaitSeconds, DEFAULTS.maxRetryWaitSeconds) * 1000),
	};
}
