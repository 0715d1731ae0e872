import type { VendorModule } from '../vendor';
import { blandAi } from './blandAi';
import { leadLex } from './leadLex';
import { openCx } from './openCx';
import { raze } from './raze';

/** The registry: adding a vendor means its module and one line here; the `Vendor` type follows. */
export const VENDOR_MODULES = { blandAi, leadLex, openCx, raze } satisfies Record<string, VendorModule>;
