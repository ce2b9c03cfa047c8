// WS-Trust 1.3 §4.4.4 computed key (P_SHA1) as the Web Ticket Service uses it (MS-OCAUTHWS 3.2.4.1.3.4), from @ocauth/psha1.
import { computedKey, psha1 } from '@ocauth/psha1';

/**
 * P_SHA1(secret, seed) (RFC 2246 §5 / WS-Trust 1.3 §4.4.4 ComputedKey PSHA1), from @ocauth/psha1.
 */
export const pSha1: (secret: Uint8Array, seed: Uint8Array, length: number) => Uint8Array = psha1;

/** WS-Trust 1.3 §4.4.4: key = P_SHA1(requestor entropy, issuer entropy), via @ocauth/psha1 `computedKey`. */
export function computeProofKey(requestorEntropy: Uint8Array, issuerEntropy: Uint8Array, keySizeBits = 256): Uint8Array {
  return computedKey({ requestorEntropy, issuerEntropy, keySizeBits });
}
