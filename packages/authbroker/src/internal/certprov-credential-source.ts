// A CredentialSource that obtains the user's TLS-DSK client certificate the way the Authentication
// Broker's data flow describes (MS-OCAUTHWS 1.3.3, 3.3.4.3): from the certificate provisioning
// side — a key pair generated here, a certificate issued by the @ocauth/certprov CertificateAuthority
// for the session's SIP URI, published to the CertificateStore (so the registrar's lookup and
// revocation see it) — and kept for reuse until shortly before it expires or is revoked.
import { createHash, generateKeyPair, type KeyObject, X509Certificate } from 'node:crypto';
import type { CertificateAuthority, CertificateStore, CertProvUserDirectory, SignatureHash } from '@ocauth/certprov';
import { AuthBrokerError } from './errors.js';
import type { AcquiredCredential, CredentialRequest, CredentialSource } from './options.js';

export interface CertProvCredentialSourceOptions {
  /** Issuing CA (the same one the Certificate Provisioning Service uses). */
  ca: CertificateAuthority;
  /** Where issued certificates are published; a new one supersedes the previous one of the device. */
  store: CertificateStore;
  /**
   * The account state of a user (the same directory the Certificate Provisioning Service asks, MS-OCAUTHWS
   * 3.1.4.1.3.3 AccountDisabled / UserImproperlyProvisioned). When given, a disabled or unknown user
   * obtains no certificate, not even one issued earlier, so AuthBrokerAcquireCredential answers 0
   * (MS-OCAUTHWS 3.3.4.3.2.2).
   */
  userDirectory?: CertProvUserDirectory;
  /** Validity of issued certificates in hours (default 8, the private web-ticket lifetime). */
  validityHours?: number;
  /** RSA modulus size (default 2048; the CA's policy limits apply on the registrar side). */
  keySize?: number;
  /** Signature hash of the issued certificate (default: the CA's). */
  hash?: SignatureHash;
  /**
   * DeviceId GUID (with braces) for a request. Default: a stable name-based GUID of the SIP URI and
   * SIP instance, so one broker "device" per user endpoint supersedes its own earlier certificates.
   */
  deviceId?: (request: CredentialRequest) => string;
  /** Re-issue this many seconds before notAfter (default 600). */
  renewBeforeSeconds?: number;
  /** Most cached credentials (least recently used dropped first; default 10 000). */
  maxCached?: number;
  clock?: () => Date;
}

interface Cached {
  certificate: string;
  privateKey: KeyObject;
  serialNumber: string;
  notAfter: Date;
}

/**
 * Name-based GUID (SHA-256 of the input, RFC 4122 variant bits, version 5-style) with braces: the DeviceId of a user endpoint.
 * @throws never
 */
export function deviceIdFor(sipUri: string, sipInstance: string): string {
  const h = createHash('sha256').update(`ocauth-authbroker-device\0${sipUri.toLowerCase()}\0${sipInstance}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `{${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}}`;
}

const rsaKeyPair = (bits: number) =>
  new Promise<{ publicKey: KeyObject; privateKey: KeyObject }>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: bits }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey }))),
  );

/**
 * A {@link CredentialSource} backed by a certprov CA and store. Concurrent acquisitions for the same
 * user endpoint share one issuance; failures (a disabled or unknown account, store down, CA refuses)
 * propagate, which the handler answers with a credential lifetime of 0 (MS-OCAUTHWS 3.3.4.3.2.2).
 * @throws {AuthBrokerError} ERR_AUTHBROKER_CREDENTIAL when `ca` or `store` is missing, or `validityHours` / `keySize` is out of range;
 *   its `acquire` rejects with ERR_AUTHBROKER_CREDENTIAL for a SIP URI that is not sip:user@domain or an account
 *   `userDirectory` reports disabled or unknown, and passes on the CA's and the store's errors.
 */
export function certProvCredentialSource(options: CertProvCredentialSourceOptions): CredentialSource {
  if (!options?.ca || typeof options.ca.issue !== 'function')
    throw new AuthBrokerError('ERR_AUTHBROKER_CREDENTIAL', 'ca: expected a certprov CertificateAuthority, received none');
  if (!options.store || typeof options.store.publish !== 'function')
    throw new AuthBrokerError('ERR_AUTHBROKER_CREDENTIAL', 'store: expected a certprov CertificateStore, received none');
  const validityHours = options.validityHours ?? 8;
  if (!Number.isFinite(validityHours) || validityHours <= 0)
    throw new AuthBrokerError('ERR_AUTHBROKER_CREDENTIAL', `validityHours: expected a positive number, received ${validityHours}`);
  const keySize = options.keySize ?? 2048;
  if (!Number.isInteger(keySize) || keySize < 1024 || keySize > 16384)
    throw new AuthBrokerError('ERR_AUTHBROKER_CREDENTIAL', `keySize: expected 1024–16384 bits, received ${keySize}`);
  const renewMs = (options.renewBeforeSeconds ?? 600) * 1000;
  const maxCached = options.maxCached ?? 10_000;
  const clock = options.clock ?? (() => new Date());
  const deviceIdOf = options.deviceId ?? ((r: CredentialRequest) => deviceIdFor(r.sipUri, r.sipInstance));
  const cache = new Map<string, Cached>();
  const pending = new Map<string, Promise<Cached>>();

  async function issue(entity: string, deviceId: string): Promise<Cached> {
    const { publicKey, privateKey } = await rsaKeyPair(keySize);
    const now = clock();
    const issued = options.ca.issue({ publicKey, entity, deviceId, validityHours, notBefore: now, ...(options.hash ? { hash: options.hash } : {}) });
    const x = issued.x509 ?? new X509Certificate(issued.pem);
    const notAfter = new Date(x.validTo);
    await options.store.publish({ entity, deviceId, serialNumber: issued.serialNumber, der: issued.der, notBefore: new Date(x.validFrom), notAfter }, now);
    return { certificate: issued.pem, privateKey, serialNumber: issued.serialNumber, notAfter };
  }

  /** MS-OCAUTHWS 3.3.4.3.2.2: obtaining the certificate fails for an account that may not have one. */
  async function checkAccount(entity: string, key: string): Promise<void> {
    if (!options.userDirectory) return;
    const user = await options.userDirectory.findUser(`sip:${entity}`);
    if (user?.enabled) return;
    cache.delete(key);
    throw new AuthBrokerError(
      'ERR_AUTHBROKER_CREDENTIAL',
      `sipUri: expected an enabled account, received ${user ? 'a disabled' : 'an unknown'} account sip:${entity}`,
      { field: 'sipUri' },
    );
  }

  return {
    async acquire(request: CredentialRequest): Promise<AcquiredCredential | null> {
      const entity = request.sipUri.replace(/^sip:/i, '');
      if (!entity.includes('@'))
        throw new AuthBrokerError('ERR_AUTHBROKER_CREDENTIAL', `sipUri: expected sip:user@domain, received ${JSON.stringify(request.sipUri.slice(0, 128))}`);
      const deviceId = deviceIdOf(request);
      const key = `${entity.toLowerCase()}|${deviceId}`;
      await checkAccount(entity, key);
      const now = clock().getTime();
      const hit = cache.get(key);
      if (hit && hit.notAfter.getTime() - renewMs > now) {
        const stored = await options.store.findBySerial(hit.serialNumber);
        if (stored && !stored.revokedAt) {
          cache.delete(key);
          cache.set(key, hit); // LRU order
          return { certificate: hit.certificate, privateKey: hit.privateKey, notAfter: hit.notAfter };
        }
      }
      cache.delete(key);
      let p = pending.get(key);
      if (!p) {
        p = issue(entity, deviceId).finally(() => pending.delete(key));
        pending.set(key, p);
      }
      const fresh = await p;
      cache.set(key, fresh);
      while (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
      return { certificate: fresh.certificate, privateKey: fresh.privateKey, notAfter: fresh.notAfter };
    },
  };
}
