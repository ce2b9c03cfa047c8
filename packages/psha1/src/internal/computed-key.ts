import { assertBytes, pHashUnchecked } from './p-hash.js';
import { describe, Psha1Error } from './errors.js';

/** `wst:ComputedKeyAlgorithm` URI for PSHA1 (WS-Trust 1.3 §4.4.4). */
export const PSHA1_COMPUTED_KEY_URI = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1';

/** WS-Trust 1.3 §4.4.4: the key size used when neither the RSTR nor the RST states one. */
export const DEFAULT_COMPUTED_KEY_SIZE_BITS = 256;

/** Largest key size accepted (bits). Proof keys are 128–512 bits; this bounds untrusted KeySize. */
export const MAX_COMPUTED_KEY_SIZE_BITS = 8192;

export interface ComputedKeyInput {
  /** The client's `wst:Entropy/wst:BinarySecret` (the P_SHA1 secret). */
  requestorEntropy: Uint8Array;
  /** The STS's `wst:Entropy/wst:BinarySecret` from the RSTR (the P_SHA1 seed). */
  issuerEntropy: Uint8Array;
  /** `wst:KeySize` of the RSTR, in bits. Takes precedence over {@link requestKeySizeBits}. */
  keySizeBits?: number | undefined;
  /** `wst:KeySize` the client sent in its RST, in bits; used when the RSTR states none. */
  requestKeySizeBits?: number | undefined;
}

function checkKeySize(bits: unknown, field: string): number {
  if (typeof bits !== 'number' || !Number.isSafeInteger(bits) || bits <= 0 || bits % 8 !== 0 || bits > MAX_COMPUTED_KEY_SIZE_BITS) {
    throw new Psha1Error(
      'ERR_PSHA1_INVALID_KEY_SIZE',
      `${field} must be a positive multiple of 8 bits, at most ${MAX_COMPUTED_KEY_SIZE_BITS}; received ${describe(bits)}`,
      { field },
    );
  }
  return bits;
}

/**
 * The key size WS-Trust 1.3 says a computed key has: the RSTR's `wst:KeySize` if present, else the
 * RST's, else 256 bits.
 *
 * @throws {Psha1Error} ERR_PSHA1_INVALID_KEY_SIZE when the key size given is not a positive multiple of 8 bits
 * @throws within the maximum.
 */
export function computedKeySizeBits(input: Pick<ComputedKeyInput, 'keySizeBits' | 'requestKeySizeBits'>): number {
  if (input.keySizeBits !== undefined) return checkKeySize(input.keySizeBits, 'keySizeBits');
  if (input.requestKeySizeBits !== undefined) return checkKeySize(input.requestKeySizeBits, 'requestKeySizeBits');
  return DEFAULT_COMPUTED_KEY_SIZE_BITS;
}

/**
 * The proof key of a WS-Trust 1.3 exchange with combined entropy (§4.4.4):
 * `P_SHA1(requestorEntropy, issuerEntropy)` truncated to the key size of {@link computedKeySizeBits}.
 * Both entropies must be non-empty: a proof key with only one side's entropy is not a computed key.
 *
 * @throws {Psha1Error} ERR_PSHA1_INVALID_BYTES when an entropy is not a Uint8Array (or `input` not an object),
 * @throws ERR_PSHA1_EMPTY_ENTROPY when one is empty, ERR_PSHA1_INVALID_KEY_SIZE for a bad key size.
 */
export function computedKey(input: ComputedKeyInput): Uint8Array {
  if (input === null || typeof input !== 'object') {
    throw new Psha1Error(
      'ERR_PSHA1_INVALID_BYTES',
      `computedKey expects an object { requestorEntropy, issuerEntropy, keySizeBits? }; received ${describe(input)}`,
      { field: 'input' },
    );
  }
  const { requestorEntropy, issuerEntropy } = input;
  assertBytes(requestorEntropy, 'requestorEntropy');
  assertBytes(issuerEntropy, 'issuerEntropy');
  if (requestorEntropy.length === 0)
    throw new Psha1Error('ERR_PSHA1_EMPTY_ENTROPY', 'requestorEntropy must not be empty; received 0 bytes', { field: 'requestorEntropy' });
  if (issuerEntropy.length === 0)
    throw new Psha1Error('ERR_PSHA1_EMPTY_ENTROPY', 'issuerEntropy must not be empty; received 0 bytes', { field: 'issuerEntropy' });
  const bits = computedKeySizeBits(input);
  return pHashUnchecked('sha1', requestorEntropy, issuerEntropy, bits / 8);
}
