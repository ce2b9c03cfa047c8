export { psha1 } from './internal/psha1.js';
export { pHash, MAX_OUTPUT_BYTES, P_HASH_ALGORITHMS } from './internal/p-hash.js';
export type { PHashAlgorithm } from './internal/p-hash.js';
export {
  computedKey,
  computedKeySizeBits,
  PSHA1_COMPUTED_KEY_URI,
  DEFAULT_COMPUTED_KEY_SIZE_BITS,
  MAX_COMPUTED_KEY_SIZE_BITS,
} from './internal/computed-key.js';
export type { ComputedKeyInput } from './internal/computed-key.js';
export { Psha1Error } from './internal/errors.js';
export type { Psha1ErrorCode } from './internal/errors.js';
