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
 * A publication the store refused as a ticket refusal (errorId 28032–28034, decided at commit: a
 * concurrent request with the same ticket or the same bytes committed first). The handler answers it as
 * authenticate() answers a rejected ticket (HTTP 401), not DataStoreUnavailable: nothing was published.
 */
export class TicketRefusedAtPublish extends Error {
  constructor(readonly refusal: unknown) {
    super(`certificate store: the web ticket was refused at publication (${(refusal as Error)?.message ?? String(refusal)})`, { cause: refusal });
    this.name = 'TicketRefusedAtPublish';
  }
}

function isTicketRefusal(e: unknown): boolean {
  const id = (e as { errorId?: unknown } | null | undefined)?.errorId;
  return typeof id === 'number' && id >= 28032 && id <= 28034;
}

/**
 * Issues the certificate and publishes it. A publish that fails or outlasts `storeTimeoutMs` is refused
 * DataStoreUnavailable (nothing is issued); a timed-out write that lands later is revoked. A publication
 * refused as a ticket refusal throws TicketRefusedAtPublish (answered 401 by the handler).
 */
export async function issueAndPublish(i: Issuance, c: HandlerConfig): Promise<IssuedCertificate> {
  const { ca, store, onError } = c.options;
  const now = c.clock();
  const cert = ca.issue({ publicKey: i.spkiDer, entity: i.entity, deviceId: i.deviceId, validityHours: i.validityHours, notBefore: now });
  // The store keys devices by the canonical GUID, so {a-…}, A-… and A… are one device.
  let failure: unknown;
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
      (e: unknown) => {
        failure = e;
        return 'failed' as const;
      },
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
  if (outcome === 'failed' && isTicketRefusal(failure)) throw new TicketRefusedAtPublish(failure);
  if (outcome !== 'published')
    throw new Refusal(
      'DataStoreUnavailable',
      `certificate store: the certificate could not be published${outcome === 'timeout' ? ` within ${c.storeTimeoutMs} ms` : ''}; nothing was issued`,
    );
  return cert;
}
