import { assertBytes, assertLength, pHashUnchecked } from './p-hash.js';
import { Psha1Error } from './errors.js';

/**
 * P_SHA1(secret, seed) truncated to `length` bytes — the PSHA1 computed-key algorithm of
 * WS-Trust 1.3 §4.4.4 (`http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1`), which is the
 * P_SHA-1 function of TLS 1.0 (RFC 2246 §5).
 *
 * In WS-Trust, `secret` is the requestor's entropy and `seed` the issuer's entropy; swapping them
 * gives a different key (see vectors/psha1/psha1.json, `swapped` cases).
 *
 * @throws {Psha1Error} ERR_PSHA1_INVALID_BYTES when `secret` or `seed` is not a Uint8Array,
 * @throws ERR_PSHA1_EMPTY_SEED for an empty seed, ERR_PSHA1_INVALID_LENGTH for a length that is not an integer
 * @throws from 0 to the maximum.
 */
export function psha1(secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  assertBytes(secret, 'secret');
  assertBytes(seed, 'seed');
  assertLength(length);
  if (seed.length === 0) throw new Psha1Error('ERR_PSHA1_EMPTY_SEED', 'seed must not be empty; received 0 bytes', { field: 'seed' });
  return pHashUnchecked('sha1', secret, seed, length);
}
