import { createHmac } from 'node:crypto';

/**
 * P_SHA1(secret, seed) (RFC 2246 §5 / WS-Trust 1.3 §4.4.4 ComputedKey PSHA1).
 * Internal until @ocauth/psha1 lands; cross-checked against `openssl kdf TLS1-PRF` in tests.
 */
export function pSha1(secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a: Buffer = createHmac('sha1', secret).update(seed).digest();
  let off = 0;
  while (off < length) {
    const block = createHmac('sha1', secret).update(a).update(seed).digest();
    out.set(block.subarray(0, Math.min(block.length, length - off)), off);
    off += block.length;
    a = createHmac('sha1', secret).update(a).digest();
  }
  return out;
}

/** WS-Trust 1.3 §4.4.4: key = P_SHA1(requestor entropy, issuer entropy). */
export function computeProofKey(requestorEntropy: Uint8Array, issuerEntropy: Uint8Array, keySizeBits = 256): Uint8Array {
  return pSha1(requestorEntropy, issuerEntropy, keySizeBits / 8);
}
