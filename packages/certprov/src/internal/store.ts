// Certificate publication — MS-OCAUTHWS 1.3.2 / 3.1.4.1: the service publishes the issued
// certificate before answering; a new certificate for the same user and DeviceId supersedes
// (revokes) the previous one. All calls are async (durable stores live in @ocauth/server).
import type { X509Certificate } from 'node:crypto';
import type { ClientCertificateValidator } from '@ocauth/wstrust';
import { CertificateStoreError } from './errors.js';

export interface StoredCertificate {
  /** SIP URI without `sip:`. */
  entity: string;
  deviceId: string;
  serialNumber: string;
  der: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  revokedAt?: Date;
}

export interface CertificateStore {
  /**
   * Atomically stores `cert` and revokes any unrevoked certificate of the same entity + deviceId.
   * A rejection is answered `DataStoreUnavailable`, except one carrying a web-ticket `errorId`
   * (28032–28034): a ticket refusal the store decides when the publication commits (e.g. a concurrent
   * request with the same ticket committed its certificate first). That is answered as the
   * authentication failure it is: HTTP 401 with X-Ms-diagnostics, as a refused ticket.
   */
  publish(cert: StoredCertificate, now: Date): Promise<{ revoked: string[] }>;
  findBySerial(serialNumber: string): Promise<StoredCertificate | undefined>;
  listForEntity(entity: string): Promise<StoredCertificate[]>;
  revoke(serialNumber: string, at: Date): Promise<boolean>;
}

const norm = (e: string) => e.replace(/^sip:/i, '').toLowerCase();
const copy = (c: StoredCertificate): StoredCertificate => ({ ...c, der: new Uint8Array(c.der) });

/**
 * In-memory CertificateStore. `failNext(n)` makes the next n publishes fail (for tests of DataStoreUnavailable).
 * Only `publish` throws (rejects), as documented there.
 */
export class MemoryCertificateStore implements CertificateStore {
  readonly #bySerial = new Map<string, StoredCertificate>();
  /** entity|deviceId → serials, so publish does not scan the whole store. */
  readonly #byDevice = new Map<string, string[]>();
  #failures = 0;

  /** Makes the next `n` publishes fail with ERR_CERTPROV_STORE_UNAVAILABLE. @throws never */
  failNext(n = 1): void {
    this.#failures = n;
  }

  /**
   * Stores `cert` and revokes the unrevoked certificates of the same entity and device, all or nothing.
   * @throws {CertificateStoreError} ERR_CERTPROV_STORE_DUPLICATE_SERIAL when the serial is already published;
   * ERR_CERTPROV_STORE_UNAVAILABLE for a failure set up with `failNext`.
   */
  async publish(cert: StoredCertificate, now: Date): Promise<{ revoked: string[] }> {
    if (this.#failures > 0) {
      this.#failures--;
      throw new CertificateStoreError('ERR_CERTPROV_STORE_UNAVAILABLE', 'certificate store: expected to accept the write, received a simulated outage');
    }
    const serial = cert.serialNumber.toUpperCase();
    if (this.#bySerial.has(serial))
      throw new CertificateStoreError('ERR_CERTPROV_STORE_DUPLICATE_SERIAL', `serialNumber: expected a serial not yet published, received ${serial}`);
    // All checks done before any mutation: the write is all-or-nothing.
    const revoked: string[] = [];
    const k = `${norm(cert.entity)}|${cert.deviceId.toUpperCase()}`;
    const serials = this.#byDevice.get(k) ?? [];
    for (const s of serials) {
      const c = this.#bySerial.get(s)!;
      if (!c.revokedAt) {
        c.revokedAt = now;
        revoked.push(c.serialNumber);
      }
    }
    // Every earlier certificate of the device is now revoked: only the new one stays to be superseded (the
    // list never grows with the device's history).
    this.#byDevice.set(k, [serial]);
    this.#bySerial.set(serial, { ...copy(cert), serialNumber: serial });
    return { revoked };
  }

  /** The certificate of a serial number (any case), or undefined. @throws never */
  async findBySerial(serialNumber: string): Promise<StoredCertificate | undefined> {
    const c = this.#bySerial.get(serialNumber.toUpperCase());
    return c && copy(c);
  }

  /** Every certificate of a user (`sip:` optional, any case). @throws never */
  async listForEntity(entity: string): Promise<StoredCertificate[]> {
    return [...this.#bySerial.values()].filter((c) => norm(c.entity) === norm(entity)).map(copy);
  }

  /** Revokes a certificate; false when it is unknown or already revoked. @throws never */
  async revoke(serialNumber: string, at: Date): Promise<boolean> {
    const c = this.#bySerial.get(serialNumber.toUpperCase());
    if (!c || c.revokedAt) return false;
    c.revokedAt = at;
    return true;
  }
}

/**
 * wstrust's ClientCertificateValidator backed by the store: a client certificate is valid for its
 * user when it is byte-identical to a published, unrevoked, unexpired certificate.
 * @throws never itself; `validate` rejects with whatever the store's `findBySerial` rejects with.
 */
export function storeCertificateValidator(store: CertificateStore, opts: { clock?: () => Date } = {}): ClientCertificateValidator {
  const clock = opts.clock ?? (() => new Date());
  return {
    async validate(cert: X509Certificate): Promise<{ sipUri: string } | null> {
      const found = await store.findBySerial(cert.serialNumber);
      if (!found || found.revokedAt) return null;
      if (!Buffer.from(found.der).equals(cert.raw)) return null;
      const now = clock().getTime();
      if (now < found.notBefore.getTime() || now >= found.notAfter.getTime()) return null;
      return { sipUri: `sip:${found.entity}` };
    },
  };
}
