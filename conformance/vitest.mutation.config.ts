// vitest config for `pnpm mutation` only (stryker.config.mjs): the CertProv part of the conformance suite.
import { ocauthConfig } from '../vitest.shared.js';

const base = ocauthConfig('conformance-mutation', { testTimeout: 120_000 });
export default { ...base, test: { ...base.test, include: ['test/mutation/*.mutation.ts'] } };
