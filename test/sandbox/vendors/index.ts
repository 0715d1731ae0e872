import type { Vendor } from '../types';
import type { VendorModule } from '../vendor';
import { blandAi } from './blandAi';
import { leadLex } from './leadLex';
import { openCx } from './openCx';
import { raze } from './raze';

/** The registry: adding a vendor means its module, one line here, and its name in the `Vendor` union. */
export const VENDOR_MODULES = { blandAi, leadLex, openCx, raze } satisfies Record<Vendor, VendorModule>;
