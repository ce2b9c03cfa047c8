import { ocauthConfig } from '../../vitest.shared.js';

export default ocauthConfig('server');
