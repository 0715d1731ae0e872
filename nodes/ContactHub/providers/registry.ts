import { blandAi } from './blandAi';
import { leadLex } from './leadLex';
import { openCx } from './openCx';
import { raze } from './raze';
import type { ContactProvider } from './types';

/** Every provider the node offers, in the order of the Provider list. Adding a vendor is one line here. */
export const PROVIDERS: readonly ContactProvider[] = [blandAi, leadLex, openCx, raze];

/** The provider for a `provider` parameter value, or undefined. */
export function findProvider(id: unknown): ContactProvider | undefined {
	return PROVIDERS.find((provider) => provider.id === id);
}
