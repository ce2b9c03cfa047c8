import type { RegistrarPeer, RegistrarProtocol } from './openssl-registrar.js';

/**
 * What a suite runs against: a pool's base URL, a test user's credentials and the trust for its TLS
 * certificate. The same suites run against the embedded reference server or a real Lync / Skype for
 * Business pool.
 */
export interface Target {
  /** https://pool.contoso.com (no path). */
  baseUrl: string;
  /** SIP URI of the test user (sip:alice@contoso.com). */
  user?: string | undefined;
  /** Phone number / extension for the Pin binding (defaults to the SIP URI). */
  phone?: string | undefined;
  pin?: string | undefined;
  password?: string | undefined;
  /** PEM bundle trusted for the pool's TLS certificate (undefined: system store). */
  ca?: string | undefined;
  /** PEM certificates of the CA that issues users' certificates (checks chains of GetAndPublishCert; optional for a pool: --issuer-ca). */
  issuerCertificates?: string[] | undefined;
  /** The pool's SIP-over-TLS registrar (--sip HOST:PORT; the embedded target runs one): the SIP leg of a sign-in. */
  sip?: { host: string; port: number } | undefined;
  /** Enable / disable a user of the pool (embedded target only: 28014). */
  setUserEnabled?: ((sipUri: string, enabled: boolean) => Promise<void>) | undefined;
  /** A second provisioned user of the pool (SIP URI; no credentials needed): Entity ⇔ ticket binding checks. */
  otherUser?: string | undefined;
  /**
   * SIP registrar peer for the TLS-DSK leg (embedded target: `openssl s_server`, which shares no code
   * with @ocauth/authbroker, so the keys it exports judge the broker's).
   */
  registrar?: ((protocol?: RegistrarProtocol) => RegistrarPeer) | undefined;
  /** Another Web server of the same pool with its own proof-key key (embedded target only; checks 28034). */
  otherWebServer?: (() => Promise<{ webTicketUrl: string }>) | undefined;
  /** Another farm sharing the signing certificate and proof-key key (embedded target only; audience checks). */
  otherFarm?: (() => Promise<{ webTicketUrl: string; certProvUrl: string }>) | undefined;
  /** The target's clock, when the runner controls it (embedded target only): 3.3.2 session expiry. */
  clock?: { now(): Date; advance(ms: number): void } | undefined;
  /** The Authentication Broker's session inactivity period, when known. */
  brokerIdleSeconds?: number | undefined;
  /** true for the embedded reference target. */
  embedded?: boolean | undefined;
}

export const paths = (t: Target) => {
  const b = t.baseUrl.replace(/\/$/, '');
  return {
    webTicket: `${b}/WebTicket/WebTicketService.svc`,
    certProv: `${b}/CertProv/CertProvisioningService.svc`,
    authBroker: `${b}/Reach/Sip.svc/AuthBroker`,
    autodiscover: `${b}/Autodiscover/AutodiscoverService.svc/root`,
  };
};
