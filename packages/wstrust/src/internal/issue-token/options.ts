// Options of the Web Ticket Service handler (MS-OCAUTHWS 3.2), checked once and resolved into the context every step reads.
import { createPrivateKey, randomBytes, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import type { ClientCertificateValidator, UserDirectory } from '../directory.js';
import { WsTrustError } from '../errors.js';
import type { WebTicketPortBinding } from '../metadata.js';
import type { WindowsAuthResult } from '../ntlm-server.js';
import type { PoolKey } from '../verifier.js';

export type WebTicketBinding = 'WinNegotiate' | 'Auth' | 'Pin' | 'Cert' | 'Anon';

export interface WebTicketHandlerOptions {
  /** Public URL of the service, e.g. https://pool0.example.com/WebTicket/WebTicketService.svc (Issuer, binding base). */
  serviceUrl: string;
  /**
   * Address published in the WSDL / WS-MEX ports when clients reach the service through another URL
   * (reverse proxy, `externalUrl`); default serviceUrl. Routing still follows serviceUrl's path.
   */
  publishedUrl?: string;
  /** Server FQDN for X-Ms-diagnostics `source` (default: host of serviceUrl). */
  fqdn?: string;
  /** RSA key and certificate that sign tickets (services trust this certificate). */
  signingKey: KeyObject | string;
  certificate: X509Certificate | string;
  signatureAlgorithm?: 'rsa-sha1' | 'rsa-sha256';
  /** Pool key the proof keys are wrapped under (kw-aes256), shared by every server of the pool. */
  poolKey: PoolKey;
  /** URL prefixes of the server farm (3.2.1); AppliesTo must start with one; the ticket applies to it. */
  farm: readonly string[];
  userDirectory: UserDirectory;
  /** Cert binding (X.509 endorsing token): maps a UAS-issued client certificate to a user. Without it /Cert is 404. */
  certificateValidator?: ClientCertificateValidator;
  /**
   * Integrated Windows authentication (Negotiate/NTLM) on the WinNegotiate binding (e.g. `createNtlmAuthenticator`):
   * return the account, a challenge (`Scheme <token>`), a failure (401 + X-Ms-diagnostics) or null. Called with
   * '' for a request without credentials, so connection-based schemes can accept an authenticated connection.
   * Without it (and without oauthValidator) the WinNegotiate binding is not served.
   */
  windowsAuthenticator?: (authorization: string, req: Request) => Promise<WindowsAuthResult>;
  /** OAuth2 bearer on the WinNegotiate binding: validate and map to a user's SIP URI, or null. */
  oauthValidator?: (token: string) => Promise<{ sipUri: string } | null>;
  /** Ticket lifetime by computer type (defaults: public 15 min, private 8 h). */
  lifetimes?: { publicSeconds?: number; privateSeconds?: number };
  /** Which lifetime applies to a request (default: public unless `X-MS-Computer-Type: private`). */
  computerType?: (req: Request) => 'public' | 'private';
  keySizeBits?: number;
  clock?: () => Date;
  random?: (n: number) => Uint8Array;
  uuid?: () => string;
}

/** The resolved options: what the steps of IssueToken read. */
export interface IssueTokenContext {
  readonly options: WebTicketHandlerOptions;
  /** Path of serviceUrl without a trailing slash; bindings are routed below it. */
  readonly basePath: string;
  readonly fqdn: string;
  readonly publishedUrl: string;
  readonly privateKey: KeyObject;
  readonly certificate: X509Certificate;
  readonly clock: () => Date;
  readonly random: (n: number) => Uint8Array;
  readonly uuid: () => string;
  readonly keyBits: number;
  readonly lifetimes: { readonly public: number; readonly private: number };
  readonly computerType: (req: Request) => 'public' | 'private';
  /** Served bindings by lower-case path below basePath ('' is WinNegotiate). */
  readonly bindings: Readonly<Record<string, WebTicketBinding>>;
  /** Bindings named in the WSDL / WS-MEX: only those this handler can complete. */
  readonly advertised: readonly WebTicketPortBinding[];
}

/**
 * Check the options and resolve their defaults.
 *
 * @throws {WsTrustError} ERR_WSTRUST_HANDLER_OPTIONS when signingKey is not RSA, poolKey.key is not 256 bits or farm is empty
 */
export function resolveOptions(opts: WebTicketHandlerOptions): IssueTokenContext {
  const base = new URL(opts.serviceUrl);
  const privateKey = typeof opts.signingKey === 'string' ? createPrivateKey(opts.signingKey) : opts.signingKey;
  const certificate = typeof opts.certificate === 'string' ? new X509Certificate(opts.certificate) : opts.certificate;
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new WsTrustError('ERR_WSTRUST_HANDLER_OPTIONS', `signingKey: expected an RSA private key, received ${privateKey.asymmetricKeyType}`);
  if (opts.poolKey.key.length !== 32)
    throw new WsTrustError('ERR_WSTRUST_HANDLER_OPTIONS', `poolKey.key: expected 256 bits, received ${opts.poolKey.key.length * 8} bits`);
  if (opts.farm.length === 0) throw new WsTrustError('ERR_WSTRUST_HANDLER_OPTIONS', 'farm: expected at least one URL prefix, received none');
  return Object.freeze({
    options: opts,
    basePath: base.pathname.replace(/\/$/, ''),
    fqdn: opts.fqdn ?? base.hostname,
    publishedUrl: opts.publishedUrl ?? opts.serviceUrl,
    privateKey,
    certificate,
    clock: opts.clock ?? (() => new Date()),
    random: opts.random ?? ((n: number) => new Uint8Array(randomBytes(n))),
    uuid: opts.uuid ?? randomUUID,
    keyBits: opts.keySizeBits ?? 256,
    lifetimes: Object.freeze({ public: opts.lifetimes?.publicSeconds ?? 900, private: opts.lifetimes?.privateSeconds ?? 28800 }),
    computerType: opts.computerType ?? ((req: Request) => (req.headers.get('x-ms-computer-type')?.toLowerCase() === 'private' ? 'private' : 'public')),
    bindings: Object.freeze({
      ...(opts.windowsAuthenticator || opts.oauthValidator ? { '': 'WinNegotiate' as const } : {}),
      '/auth': 'Auth' as const,
      '/pin': 'Pin' as const,
      ...(opts.certificateValidator ? { '/cert': 'Cert' as const } : {}),
    }),
    // Advertised = usable: the metadata names only the bindings this handler can complete. WinNegotiate
    // only with a windowsAuthenticator (without one it can only answer 401), Cert only with a validator,
    // Anon never (not served: 404).
    advertised: Object.freeze([
      ...(opts.windowsAuthenticator ? ['WinNegotiate' as const] : []),
      ...(opts.certificateValidator ? ['Cert' as const] : []),
      'Pin' as const,
      'Auth' as const,
    ]),
  });
}
