import { get } from './get.operation';
import type { ContactOperation } from './operation';
import { update } from './update.operation';
import { upsert } from './upsert.operation';

/** Every operation, in the order of the Operation list. Adding one is its module and one entry here. */
export const OPERATION_LIST: readonly ContactOperation[] = [update, upsert, get];

/** The operation for an `operation` parameter value, or undefined. */
export function findOperation(value: unknown): ContactOperation | undefined {
	return OPERATION_LIST.find((operation) => operation.option.value === value);
}
