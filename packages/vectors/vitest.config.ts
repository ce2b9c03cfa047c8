import { ocauthConfig } from '../../vitest.shared.js';

export default ocauthConfig('vectors', { testTimeout: 60_000 });
