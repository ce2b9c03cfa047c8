import { ocauthConfig } from '../vitest.shared.js';

export default ocauthConfig('conformance', { testTimeout: 120_000 });
