import { createHmac } from 'node:crypto';
import { describe, Psha1Error } from './errors.js';

/** Hash functions P_hash is defined over here (RFC 2246 §5 / RFC 5246 §5). */
export type PHashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const HASH_BYTES: Readonly<Record<PHashAlgorithm, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/**
 * Largest output this package derives in one call (64 KiB). Proof keys are 16–64 bytes and TLS key
 * blocks a few hundred; anything near this bound is a caller bug (bits passed as bytes, a length
 * read from untrusted XML), so it is refused instead of silently allocating and hashing megabytes.
 */
export const MAX_OUTPUT_BYTES = 65536;

/** Hash names accepted by {@link pHash}. */
export const P_HASH_ALGORITHMS: readonly PHashAlgorithm[] = Object.freeze(['sha1', 'sha256', 'sha384', 'sha512']);

export function assertBytes(value: unknown, field: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new Psha1Error('ERR_PSHA1_INVALID_BYTES', `${field} must be a Uint8Array (or Buffer); received ${describe(value)}`, { field });
  }
}

export function assertLength(length: unknown, field = 'length'): asserts length is number {
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0 || length > MAX_OUTPUT_BYTES) {
    throw new Psha1Error(
      'ERR_PSHA1_INVALID_LENGTH',
      `${field} must be an integer number of bytes from 0 to ${MAX_OUTPUT_BYTES}; received ${describe(length)}`,
      { field },
    );
  }
}

/**
 * P_hash(secret, seed) truncated to `length` bytes (RFC 2246 §5, RFC 5246 §5):
 *
 *     A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
 *     P_hash = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 *
 * `secret` may be empty (HMAC defines it); `seed` must not be (an empty seed is always a bug in
 * the callers this package serves: WS-Trust entropy, TLS randoms).
 *
 * @throws {Psha1Error} ERR_PSHA1_INVALID_HASH for a hash not in P_HASH_ALGORITHMS, ERR_PSHA1_INVALID_BYTES when
 * @throws `secret` or `seed` is not a Uint8Array, ERR_PSHA1_EMPTY_SEED for an empty seed, ERR_PSHA1_INVALID_LENGTH
 * @throws for a length that is not an integer from 0 to the maximum.
 */
export function pHash(hash: PHashAlgorithm, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  if (typeof hash !== 'string' || !Object.hasOwn(HASH_BYTES, hash)) {
    throw new Psha1Error(
      'ERR_PSHA1_INVALID_HASH',
      `hash must be one of ${P_HASH_ALGORITHMS.join(', ')}; received ${typeof hash === 'string' ? JSON.stringify(hash.slice(0, 32)) : describe(hash)}`,
      { field: 'hash' },
    );
  }
  assertBytes(secret, 'secret');
  assertBytes(seed, 'seed');
  assertLength(length);
  if (seed.length === 0) throw new Psha1Error('ERR_PSHA1_EMPTY_SEED', 'seed must not be empty; received 0 bytes', { field: 'seed' });
  return pHashUnchecked(hash, secret, seed, length);
}

/** P_hash without argument checks (inputs already validated). */
export function pHashUnchecked(hash: PHashAlgorithm, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (length === 0) return out;
  const hLen = HASH_BYTES[hash];
  // A(1)
  let a: Uint8Array = createHmac(hash, secret).update(seed).digest();
  let off = 0;
  for (;;) {
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    const take = length - off;
    if (take <= hLen) {
      out.set(take === hLen ? block : block.subarray(0, take), off);
      return out;
    }
    out.set(block, off);
    off += hLen;
    a = createHmac(hash, secret).update(a).digest();
  }
}
