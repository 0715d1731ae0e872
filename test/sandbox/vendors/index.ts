import type { Vendor } from '../types';
import type { VendorModule } from '../vendor';
import { blandAi } from './blandAi';
import { leadLex } from './leadLex';
import { openCx } from './openCx';
import { raze } from './raze';

/** The registry: adding a vendor means one module and one line here (plus keys, prefix and seed id). */
export const VENDOR_MODULES: Record<Vendor, VendorModule> = { blandAi, leadLex, openCx, raze };
