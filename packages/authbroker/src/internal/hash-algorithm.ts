// MS-OCAUTHWS 3.3.4.1.2.1 / 3.3.4.6.2.1 / 3.3.4.7.3.2: hash algorithm names, ALG_IDs and the server's choice.
import { AuthBrokerError } from './errors.js';

/**
 * Hash algorithms a client may list in `supportedHashAlgorithms` (MS-OCAUTHWS 3.3.4.1.2.1 for V1,
 * 3.3.4.6.2.1 for V2). The spec example (4.3.1) sends `SHA1`, `SHA256`, `SHA384`, `SHA512`.
 */
export type HashAlgorithmName = 'SHA1' | 'SHA256' | 'SHA384' | 'SHA512';
export const HASH_ALGORITHMS: readonly HashAlgorithmName[] = ['SHA1', 'SHA256', 'SHA384', 'SHA512'];

/**
 * V2 returns the finalized algorithm as `xs:unsignedInt` (SAReturnDataV2/HashAlgorithm,
 * MS-OCAUTHWS 3.3.4.7.3.2) without naming the encoding; ocauth uses the Windows ALG_ID values
 * (wincrypt.h: CALG_SHA1 0x8004, CALG_SHA_256 0x800C, CALG_SHA_384 0x800D, CALG_SHA_512 0x800E),
 * the identifiers the SSPI/CryptoAPI stack behind the service uses. Unknown values are kept as numbers.
 */
export const HASH_ALGORITHM_IDS: Readonly<Record<HashAlgorithmName, number>> = { SHA1: 0x8004, SHA256: 0x800c, SHA384: 0x800d, SHA512: 0x800e };

/** Digest size in bytes: the MaxSignature of the TLS-DSK signatures made with that hash (4.6.2: SHA1 → 20). */
export const HASH_DIGEST_BYTES: Readonly<Record<HashAlgorithmName, number>> = { SHA1: 20, SHA256: 32, SHA384: 48, SHA512: 64 };

/** Node's name of the algorithm (for HMAC). */
export const HASH_NODE_NAMES: Readonly<Record<HashAlgorithmName, string>> = { SHA1: 'sha1', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

/** `SHA-256`, `sha256`, ` SHA256 ` → `SHA256`; undefined for anything else. */
export function normalizeHashAlgorithm(name: string): HashAlgorithmName | undefined {
  const n = name.trim().toUpperCase().replace(/[-_]/g, '');
  return (HASH_ALGORITHMS as readonly string[]).includes(n) ? (n as HashAlgorithmName) : undefined;
}

export function hashAlgorithmFromId(id: number): HashAlgorithmName | undefined {
  return (Object.entries(HASH_ALGORITHM_IDS) as [HashAlgorithmName, number][]).find(([, v]) => v === id)?.[0];
}

/**
 * Pick the session's hash algorithm: the first of the server's preference order that the client
 * lists. A client that sends no list (the element is optional and nillable) gets SHA1, the algorithm
 * of TLS 1.0-era TLS-DSK. Throws ERR_AUTHBROKER_HASH_ALGORITHM when nothing matches.
 */
export function negotiateHashAlgorithm(clientList: readonly string[] | null | undefined, serverPreference: readonly HashAlgorithmName[]): HashAlgorithmName {
  if (clientList === null || clientList === undefined || clientList.length === 0) {
    if (serverPreference.includes('SHA1')) return 'SHA1';
    throw new AuthBrokerError(
      'ERR_AUTHBROKER_HASH_ALGORITHM',
      `supportedHashAlgorithms: expected one of ${serverPreference.join(', ')}, received none (and SHA1, the default, is not enabled)`,
    );
  }
  const offered = new Set(clientList.map(normalizeHashAlgorithm).filter((x): x is HashAlgorithmName => x !== undefined));
  for (const a of serverPreference) if (offered.has(a)) return a;
  throw new AuthBrokerError(
    'ERR_AUTHBROKER_HASH_ALGORITHM',
    `supportedHashAlgorithms: expected one of ${serverPreference.join(', ')}, received ${clientList.map((s) => JSON.stringify(s.slice(0, 20))).join(', ')}`,
  );
}
