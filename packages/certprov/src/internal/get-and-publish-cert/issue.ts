// MS-OCAUTHWS 3.1.4.1 / 1.3.2 issue and publish: the CA signs the certificate, the store publishes it (superseding the device's previous one) before the answer.
import type { IssuedCertificate } from '../ca.js';
import type { HandlerConfig } from '../handler-options.js';
import { Refusal } from './respond.js';

/** What the issued certificate names and holds. */
export interface Issuance {
  /** SubjectPublicKeyInfo DER of the CSR. */
  spkiDer: Uint8Array;
  /** Subject CN and SAN (the directory's spelling of the user's SIP URI, without `sip:`). */
  entity: string;
  /** The DeviceId as sent (the SKI, ASCII, as in the 4.1.2 example). */
  deviceId: string;
  /** The canonical DeviceId: the store's device key (3.1.4.1.5.1). */
  deviceKey: string;
  validityHours: number;
}

/**
 * Issues the certificate and publishes it. A publish that fails or outlasts `storeTimeoutMs` is refused
 * DataStoreUnavailable (nothing is issued); a timed-out write that lands later is revoked.
 */
export async function issueAndPublish(i: Issuance, c: HandlerConfig): Promise<IssuedCertificate> {
  const { ca, store, onError } = c.options;
  const now = c.clock();
  const cert = ca.issue({ publicKey: i.spkiDer, entity: i.entity, deviceId: i.deviceId, validityHours: i.validityHours, notBefore: now });
  // The store keys devices by the canonical GUID, so {a-…}, A-… and A… are one device.
  const publishing = store.publish(
    {
      entity: i.entity,
      deviceId: i.deviceKey,
      serialNumber: cert.serialNumber,
      der: cert.der,
      notBefore: now,
      notAfter: new Date(now.getTime() + i.validityHours * 3_600_000),
    },
    now,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    publishing.then(
      () => 'published' as const,
      () => 'failed' as const,
    ),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), c.storeTimeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (outcome === 'timeout') {
    // The client is told nothing was issued; if the write lands later, revoke what it published
    // so no certificate the client never received stays valid.
    publishing.then(() => store.revoke(cert.serialNumber, c.clock())).catch((e: unknown) => onError?.(e));
  }
  if (outcome !== 'published')
    throw new Refusal(
      'DataStoreUnavailable',
      `certificate store: the certificate could not be published${outcome === 'timeout' ? ` within ${c.storeTimeoutMs} ms` : ''}; nothing was issued`,
    );
  return cert;
}
