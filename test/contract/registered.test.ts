/** The contract suite on every vendor the registries hold. */
import { contractSuite } from './suite';

contractSuite();
