// The TLS 1.0/1.2 PRF and the MS-SIPAE TLS-DSK key derivation from a master secret (an independent path to the keys, for tests).
import { createHmac } from 'node:crypto';
import { AuthBrokerError } from './errors.js';
import { splitKeyBlock, TLS_DSK_KEY_BLOCK_LENGTH, TLS_DSK_KEY_LABEL } from './tls-dsk-common.js';

function pHash(hash: string, secret: Uint8Array, seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  let a: Buffer = Buffer.from(seed);
  let n = 0;
  while (n < length) {
    a = createHmac(hash, secret).update(a).digest();
    const p = createHmac(hash, secret).update(a).update(seed).digest();
    out.push(p);
    n += p.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * The TLS PRF: RFC 2246 5 (TLS 1.0/1.1: P_MD5 ⊕ P_SHA1 over the two halves of the secret) or
 * RFC 5246 5 (TLS 1.2: P_<hash>, SHA-256 unless the cipher suite names SHA-384).
 */
export function tlsPrf(
  version: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2',
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
  prfHash: 'sha256' | 'sha384' = 'sha256',
): Uint8Array {
  const s = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  if (version === 'TLSv1.2') return new Uint8Array(pHash(prfHash, secret, s, length));
  if (version !== 'TLSv1' && version !== 'TLSv1.1') {
    throw new AuthBrokerError('ERR_TLSDSK_CONFIG', `version: expected TLSv1, TLSv1.1 or TLSv1.2, received ${JSON.stringify(version)}`);
  }
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash('md5', secret.subarray(0, half), s, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), s, length);
  for (let i = 0; i < length; i++) md5[i]! ^= sha1[i]!;
  return new Uint8Array(md5);
}

/**
 * The TLS-DSK signing keys from a TLS session's master secret and randoms ([MS-SIPAE] 3.2.5.1):
 * PRF(master_secret, "client EAP encryption", client_random + server_random)[0..128], client key
 * bytes 64–95, server key bytes 96–127. For TLS stacks other than Node's (whose sessions the
 * engine reads with exportKeyingMaterial), and as an independent check of the engine.
 */
export function deriveTlsDskKeys(params: {
  version: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2';
  masterSecret: Uint8Array;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  prfHash?: 'sha256' | 'sha384';
}): { clientSigningKey: Uint8Array; serverSigningKey: Uint8Array } {
  const { masterSecret, clientRandom, serverRandom } = params;
  if (masterSecret.length !== 48) throw new AuthBrokerError('ERR_TLSDSK_CONFIG', `masterSecret: expected 48 bytes, received ${masterSecret.length}`);
  if (clientRandom.length !== 32) throw new AuthBrokerError('ERR_TLSDSK_CONFIG', `clientRandom: expected 32 bytes, received ${clientRandom.length}`);
  if (serverRandom.length !== 32) throw new AuthBrokerError('ERR_TLSDSK_CONFIG', `serverRandom: expected 32 bytes, received ${serverRandom.length}`);
  const block = tlsPrf(params.version, masterSecret, TLS_DSK_KEY_LABEL, Buffer.concat([clientRandom, serverRandom]), TLS_DSK_KEY_BLOCK_LENGTH, params.prfHash);
  const keys = splitKeyBlock(block);
  block.fill(0);
  return keys;
}
