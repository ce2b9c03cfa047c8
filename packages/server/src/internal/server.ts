// startServer: the reference MS-OCAUTHWS server. One HTTPS listener serving, on the paths real pools use,
// the Web Ticket Service (3.2), the Certificate Provisioning Service (3.1), the Authentication Broker (3.3)
// and Lync Autodiscover's User links (1.5). Zero setup: CA, TLS certificate, pool key and store are created
// in dataDir on first start and reused afterwards.
import { createServer, type Server } from 'node:https';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { compactTicketOfHeader, createNtlmAuthenticator, createTicketVerifier, createWebTicketHandler, TicketError, type TicketVerifier } from '@ocauth/wstrust';
import { createCertProvHandler, storeCertificateValidator } from '@ocauth/certprov';
import { certProvCredentialSource, createAuthBrokerHandler } from '@ocauth/authbroker';
import { atomicWriteFileSync } from './atomic-file.js';
import { certProvMetadata, createAutodiscoverHandler } from './autodiscover.js';
import { authBrokerWsdl } from './spec-wsdl.js';
import { FAULT_NAMES, faultyAutodiscoverHandler, faultyBrokerHandler, faultyCertProvHandler, faultyDirectory, faultyRandom, faultyServiceDescription, faultyValidityPolicy, faultyVerifier, faultyWebTicketHandler, revocationBlindStore, type ServerFaults } from './faults.js';
import { silentLogger, stderrLogger, type Logger } from './logger.js';
import { createNodeListener, type WebHandler } from './node-adapter.js';
import { requestContext } from './request-context.js';
import { loadOrCreatePki } from './pki.js';
import type { ServerStore, UserSeed, StoreConfig } from './store/types.js';
import { openStore } from './store/open.js';
import { guardConnections, preAuthGate } from './limits.js';
import { proofGuards } from './replay.js';
import { signInGuard, THROTTLE_DEFAULTS, throttledDirectory, withSignInSource, type SignInThrottlePolicy } from './throttle.js';
import { startSipRegistrar, type RunningSipRegistrar } from './sip/registrar.js';
import { ServerConfigError, ServerError } from './errors.js';

export interface ServerPolicy {
  /** Certificate Provisioning: RSA modulus limits of CSRs (defaults 1024 / 16384). */
  minKeySize?: number;
  maxKeySize?: number;
  /** Certificate validity in hours (defaults 8 / 4320 / 8760). */
  minValidityHours?: number;
  defaultValidityHours?: number;
  maxValidityHours?: number;
  /** Out-of-range validity: clamp (default true) or answer InvalidValidityPeriod. */
  clampValidity?: boolean;
  /** Web ticket lifetime for public computers in seconds (default 900, MS-OCAUTHWS 3.2.4.1). */
  ticketLifetimeSeconds?: number;
  /** Web ticket lifetime for private computers (`X-MS-Computer-Type: private`; default 28 800). */
  privateTicketLifetimeSeconds?: number;
  /** Accepted clock skew for tickets and Timestamps (default 300). */
  clockSkewSeconds?: number;
  /** Authentication Broker session expiration timer (default 600). */
  brokerSessionIdleSeconds?: number;
  /** Validity of the certificates the broker obtains for its sessions (default 8 h). */
  brokerCertificateValidityHours?: number;
  /**
   * Sign-in throttling of the Pin and Auth bindings (issue 16): per-account lockout windows (PIN and
   * password separately) and per-source blocking, shared through the store. `false` turns it off.
   */
  signInThrottle?: SignInThrottlePolicy | false;
  /**
   * Authentication Broker: accept a web ticket without proof of possession (no signature with its proof
   * key), as the spec's example 4.3.1 shows. Off by default: the ticket alone would be a bearer token.
   */
  brokerAcceptUnsignedTickets?: boolean;
  /** Refuse CertProv / broker requests whose soap:Body is not signed with the ticket's proof key (default false: SIPE does not sign it). */
  requireSignedBody?: boolean;
  /** Certificates one web ticket may obtain (default 1). */
  certificatesPerTicket?: number;
  /** Web Ticket Service Cert binding: accept a Body not signed by the certificate key (default false; the 6.2 policy names only To). */
  certBindingAcceptUnsignedBody?: boolean;
  /** OpenSSL cipher list for TLS 1.2 on the HTTPS listener (default: ECDHE with AES-GCM or ChaCha20-Poly1305 only). */
  tlsCiphers?: string;
  /**
   * Certificate Provisioning accepts a compact web ticket in `X-MS-WebTicket: cwt=…` /
   * `Authorization: Bearer cwt=…` (default false: only the signed SAML ticket of MS-OCAUTHWS
   * 3.1.4.1, with proof of possession, the replay cache and the certificates-per-ticket limit). true: a bearer
   * compact ticket alone obtains a certificate until it expires. A SAML ticket in a header is never accepted there: it is holder-of-key
   * and must be proven (wstrust README "Compact web tickets").
   */
  certProvCompactTickets?: boolean;
}

export interface ServerLimits {
  /** Largest request body (default 1 MiB): 413 beyond. */
  maxBodyBytes?: number;
  /** Request headers must be complete within (default 10 000 ms): slowloris connections are closed. */
  headersTimeoutMs?: number;
  /** Whole request (headers + body) within (default 30 000 ms). */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections closed after (default 5 000 ms). */
  keepAliveTimeoutMs?: number;
  /** Simultaneous connections; further ones are refused (default 4096). */
  maxConnections?: number;
  /** A TLS handshake must complete within (default 5 000 ms): silent and slow-TLS sockets are closed. */
  tlsHandshakeTimeoutMs?: number;
  /** An established connection must send its first request within (default 10 000 ms). */
  firstRequestTimeoutMs?: number;
  /** Sockets still in the TLS handshake, counted apart from established ones; beyond, the oldest is closed (default 512). */
  maxPendingHandshakes?: number;
  /** The same per source address (default 64). */
  maxPendingHandshakesPerSource?: number;
  /** Established connections per source address; further ones are closed (default 256). */
  maxConnectionsPerSource?: number;
  /** Largest request body the services parse before authenticating it (default 64 KiB; 413 beyond). */
  maxUnauthenticatedBodyBytes?: number;
  /** Requests handled concurrently (default 64); further ones wait. */
  maxConcurrentRequests?: number;
  /** Requests waiting for a slot (default 1024); beyond, 503. */
  maxQueuedRequests?: number;
}

export interface ServerConfig {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Listen port (default 0: an ephemeral port). */
  port?: number;
  /** Pool FQDN (default localhost): in the TLS certificate's SAN, the ticket farm and Autodiscover. */
  farmFqdn?: string;
  /** Public base URL when the server sits behind a proxy (default https://HOST:PORT). */
  externalUrl?: string;
  /**
   * Further URL prefixes of the pool (other servers, the load balancer): tickets whose AppliesTo /
   * Audience starts with one are accepted and issued (MS-OCAUTHWS 3.2.1 server farm).
   */
  farm?: string[];
  /**
   * The laboratory SIP-over-TLS registrar (TLS-DSK, [MS-SIPAE]): with `port` set (0 = ephemeral) it
   * listens on `host` (default: the server's host) and Autodiscover advertises it; without `port`,
   * Autodiscover advertises fqdn:5061 and no registrar runs. `fqdn` (default farmFqdn) is its targetname.
   */
  sip?: { fqdn?: string; port?: number; host?: string };
  /** Where the CA, TLS key, pool key and SQLite file live (default: a new temporary directory, removed by close()). */
  dataDir?: string;
  /** Default: SQLite in dataDir. */
  store?: StoreConfig;
  /** Users to create or replace on start (secrets are stored hashed). */
  users?: UserSeed[];
  /** Create the demo user (default true). */
  demoUser?: boolean;
  /**
   * Integrated Windows authentication (NTLM, MS-NLMP) on the Web Ticket WinNegotiate binding (default on):
   * the NetBIOS domain (default OCAUTH; the demo user is OCAUTH\\demo) and the bound on half-open contexts;
   * `false` turns the binding off.
   */
  ntlm?: false | { netbiosDomain?: string; maxPendingContexts?: number };
  policy?: ServerPolicy;
  limits?: ServerLimits;
  /** Trust anchors for SIP registrars the broker negotiates TLS-DSK with (default: this server's CA). */
  registrarTrustedCertificates?: string[];
  clock?: () => Date;
  /** Deliberately broken behaviours (conformance negative tests). Never in production. */
  faults?: ServerFaults;
  /** Structured log sink (default: JSON lines on stderr; `false` for none). */
  logger?: Logger | false;
}

export interface DemoUser {
  sipUri: string;
  /** Windows account name (DOMAIN\\user) and UPN: the Auth binding and NTLM accept them as user name. */
  account: string;
  upn: string;
  pin: string;
  password: string;
  /** Phone number accepted as the Pin binding identity. */
  phone: string;
}

export interface RunningServer {
  /** https://HOST:PORT */
  url: string;
  port: number;
  caCertificatePem: string;
  tlsCertificatePem: string;
  demoUser: DemoUser;
  paths: { webTicket: string; certProv: string; authBroker: string; autodiscover: string };
  /** Absolute URLs of the services on the listen origin (where this process answers). */
  urls: { webTicket: string; certProv: string; authBroker: string; autodiscover: string };
  /** `externalUrl` (default: url), without a trailing slash. */
  externalUrl: string;
  /**
   * The services' published addresses under `externalUrl`: what MEX/WSDL documents, Autodiscover links,
   * `X-MS-WebTicketURL` and a TLS-DSK `sts-uri` name. Equal to `urls` without an externalUrl.
   */
  externalUrls: { webTicket: string; certProv: string; authBroker: string; autodiscover: string };
  dataDir: string;
  store: ServerStore;
  farmFqdn: string;
  /** The SIP registrar, when `sip.port` was configured. */
  sip?: { port: number; fqdn: string };
  /**
   * The same routing and handlers without HTTPS: a web Request (URL on this server's origin) to its
   * Response, for in-process tests and measurements. Unknown paths answer 404.
   */
  handler(req: Request): Promise<Response>;
  close(): Promise<void>;
}

/** TLS 1.2 suites of the HTTPS listener: ECDHE key exchange (forward secrecy) with AEAD ciphers only. */
export const TLS12_AEAD_CIPHERS = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305'].join(':');

export const SERVICE_PATHS = {
  webTicket: '/WebTicket/WebTicketService.svc',
  certProv: '/CertProv/CertProvisioningService.svc',
  authBroker: '/Reach/Sip.svc/AuthBroker',
  autodiscover: '/Autodiscover/AutodiscoverService.svc/root',
} as const;

function checkConfig(c: ServerConfig): void {
  const intIn = (name: string, v: unknown, min: number, max: number) => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) throw new ServerConfigError(`${name}: expected an integer in ${min}..${max}, received ${JSON.stringify(v)}`);
  };
  intIn('port', c.port, 0, 65535);
  intIn('sip.port', c.sip?.port, 0, 65535);
  intIn('policy.minKeySize', c.policy?.minKeySize, 512, 16384);
  intIn('policy.maxKeySize', c.policy?.maxKeySize, 512, 16384);
  intIn('policy.ticketLifetimeSeconds', c.policy?.ticketLifetimeSeconds, 1, 7 * 86400);
  intIn('policy.clockSkewSeconds', c.policy?.clockSkewSeconds, 0, 86400);
  intIn('limits.maxBodyBytes', c.limits?.maxBodyBytes, 1024, 64 * 1024 * 1024);
  intIn('limits.maxConnections', c.limits?.maxConnections, 1, 1_000_000);
  intIn('limits.headersTimeoutMs', c.limits?.headersTimeoutMs, 100, 600_000);
  intIn('limits.requestTimeoutMs', c.limits?.requestTimeoutMs, 100, 600_000);
  intIn('limits.tlsHandshakeTimeoutMs', c.limits?.tlsHandshakeTimeoutMs, 100, 600_000);
  intIn('limits.firstRequestTimeoutMs', c.limits?.firstRequestTimeoutMs, 100, 600_000);
  intIn('limits.maxPendingHandshakes', c.limits?.maxPendingHandshakes, 1, 1_000_000);
  intIn('limits.maxPendingHandshakesPerSource', c.limits?.maxPendingHandshakesPerSource, 1, 1_000_000);
  intIn('limits.maxConnectionsPerSource', c.limits?.maxConnectionsPerSource, 1, 1_000_000);
  intIn('limits.maxUnauthenticatedBodyBytes', c.limits?.maxUnauthenticatedBodyBytes, 1024, 64 * 1024 * 1024);
  intIn('limits.maxConcurrentRequests', c.limits?.maxConcurrentRequests, 1, 100_000);
  intIn('limits.maxQueuedRequests', c.limits?.maxQueuedRequests, 0, 1_000_000);
  intIn('policy.minValidityHours', c.policy?.minValidityHours, 1, 87_600);
  intIn('policy.defaultValidityHours', c.policy?.defaultValidityHours, 1, 87_600);
  intIn('policy.maxValidityHours', c.policy?.maxValidityHours, 1, 87_600);
  intIn('policy.certificatesPerTicket', c.policy?.certificatesPerTicket, 1, 1000);
  if (c.policy?.signInThrottle !== undefined && c.policy.signInThrottle !== false) {
    const t = c.policy.signInThrottle;
    if (typeof t !== 'object' || t === null) throw new ServerConfigError(`policy.signInThrottle: expected an object or false, received ${JSON.stringify(t)}`);
    for (const k of Object.keys(t)) if (!(k in THROTTLE_DEFAULTS)) throw new ServerConfigError(`policy.signInThrottle.${k}: expected one of ${Object.keys(THROTTLE_DEFAULTS).join(', ')}`);
    intIn('policy.signInThrottle.maxPinFailures', t.maxPinFailures, 1, 1000);
    intIn('policy.signInThrottle.maxPasswordFailures', t.maxPasswordFailures, 1, 1000);
    intIn('policy.signInThrottle.failureWindowSeconds', t.failureWindowSeconds, 1, 7 * 86400);
    intIn('policy.signInThrottle.lockoutSeconds', t.lockoutSeconds, 1, 7 * 86400);
    intIn('policy.signInThrottle.maxSourceFailures', t.maxSourceFailures, 1, 100_000);
    intIn('policy.signInThrottle.sourceBlockSeconds', t.sourceBlockSeconds, 1, 86400);
    intIn('policy.signInThrottle.blockedDelayMs', t.blockedDelayMs, 0, 60_000);
    intIn('policy.signInThrottle.familiarSourceDays', t.familiarSourceDays, 0, 3650);
  }
  if (c.store !== undefined && !['memory', 'sqlite', 'postgres'].includes((c.store as { kind?: string })?.kind ?? ''))
    throw new ServerConfigError(`store.kind: expected memory, sqlite or postgres, received ${JSON.stringify((c.store as { kind?: unknown })?.kind)}`);
  if (c.store?.kind === 'postgres' && (typeof c.store.url !== 'string' || !/^postgres(ql)?:\/\//.test(c.store.url)))
    throw new ServerConfigError(`store.url: expected a postgres:// URL, received ${JSON.stringify(typeof c.store.url === 'string' ? c.store.url.replace(/:[^:@/]*@/, ':***@') : c.store.url)}`);
  if (c.faults !== undefined) for (const k of Object.keys(c.faults)) if (!(FAULT_NAMES as readonly string[]).includes(k)) throw new ServerConfigError(`faults.${k}: expected one of ${FAULT_NAMES.join(', ')}`);
  if (c.ntlm !== undefined && c.ntlm !== false && (typeof c.ntlm !== 'object' || c.ntlm === null)) throw new ServerConfigError(`ntlm: expected false or an object, received ${JSON.stringify(c.ntlm)}`);
  if (c.ntlm && c.ntlm.netbiosDomain !== undefined && (typeof c.ntlm.netbiosDomain !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,14}$/.test(c.ntlm.netbiosDomain)))
    throw new ServerConfigError(`ntlm.netbiosDomain: expected a NetBIOS domain name (1-15 letters, digits, - or _), received ${JSON.stringify(c.ntlm.netbiosDomain)}`);
  if (c.ntlm) intIn('ntlm.maxPendingContexts', c.ntlm.maxPendingContexts, 1, 1_000_000);
  if (c.externalUrl !== undefined) {
    let u: URL | undefined;
    try {
      u = typeof c.externalUrl === 'string' ? new URL(c.externalUrl) : undefined;
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.search || u.hash || u.username || u.password)
      throw new ServerConfigError(`externalUrl: expected an absolute https URL without query, fragment or credentials (the public base of the services), received ${JSON.stringify(typeof c.externalUrl === 'string' ? c.externalUrl.slice(0, 200) : c.externalUrl)}`);
  }
  if (c.farmFqdn !== undefined && !/^[A-Za-z0-9.-]{1,253}$/.test(c.farmFqdn)) throw new ServerConfigError(`farmFqdn: expected a DNS name, received ${JSON.stringify(c.farmFqdn)}`);
  if (c.policy?.minKeySize && c.policy.maxKeySize && c.policy.minKeySize > c.policy.maxKeySize) throw new ServerConfigError(`policy.minKeySize: expected at most maxKeySize (${c.policy.maxKeySize}), received ${c.policy.minKeySize}`);
}

function loadOrCreateDemoUser(dataDir: string, domain: string, netbios: string): DemoUser {
  const f = join(dataDir, 'demo-user.json');
  const names = (sipUri: string) => ({ account: `${netbios}\\${sipUri.replace(/^sip:/i, '').split('@')[0]}`, upn: sipUri.replace(/^sip:/i, '') });
  if (existsSync(f)) {
    try {
      const d = JSON.parse(readFileSync(f, 'utf8')) as DemoUser;
      if (typeof d.sipUri === 'string' && typeof d.pin === 'string' && typeof d.password === 'string') return { ...d, ...names(d.sipUri) };
    } catch {
      /* recreate */
    }
  }
  const sipUri = `sip:demo@${domain}`;
  const d: DemoUser = { sipUri, ...names(sipUri), pin: String(randomInt(100000, 1000000)), password: randomBytes(12).toString('base64url'), phone: '+15550100' };
  atomicWriteFileSync(f, JSON.stringify(d, null, 2) + '\n');
  return d;
}

/**
 * Start the reference server. Resolves once it listens; `close()` stops it and closes the store.
 *
 * @throws {ServerConfigError} ERR_SERVER_CONFIG when a ServerConfig value is invalid (`field` names it)
 * @throws {StoreError} ERR_SERVER_STORE_CONFIG / ERR_SERVER_STORE_OPEN when the store cannot be opened, ERR_SERVER_USER when a seeded user is invalid
 * @throws Node's listen error (`EADDRINUSE`, `EACCES`) when the HTTPS or SIP port cannot be bound
 */
export async function startServer(config: ServerConfig = {}): Promise<RunningServer> {
  checkConfig(config);
  const logger: Logger = config.logger === false ? silentLogger : (config.logger ?? stderrLogger);
  const host = config.host ?? '127.0.0.1';
  const farmFqdn = (config.farmFqdn ?? 'localhost').toLowerCase();
  // Without a dataDir the server is ephemeral: a temporary directory, removed again by close().
  const ephemeral = config.dataDir === undefined;
  const dataDir = config.dataDir ?? mkdtempSync(join(tmpdir(), 'ocauth-server-'));
  const clock = config.clock ?? (() => new Date());
  const faults = config.faults ?? {};
  const policy = config.policy ?? {};
  const limits = config.limits ?? {};
  const pki = loadOrCreatePki(dataDir, farmFqdn, host === '0.0.0.0' || host === '::' ? [] : [host]);
  const store = await openStore(config.store ?? { kind: 'sqlite' }, dataDir);
  try {
    const domain = farmFqdn.includes('.') ? farmFqdn.split('.').slice(1).join('.') || farmFqdn : 'ocauth.test';
    const netbiosDomain = (config.ntlm ? config.ntlm.netbiosDomain : undefined) ?? 'OCAUTH';
    const demoUser = loadOrCreateDemoUser(dataDir, domain, netbiosDomain);
    if (config.demoUser !== false) await store.users.upsertUser({ sipUri: demoUser.sipUri, account: demoUser.account, upn: demoUser.upn, pin: demoUser.pin, password: demoUser.password, phones: [demoUser.phone], displayName: 'Demo User' });
    for (const u of config.users ?? []) await store.users.upsertUser(u);

    let origin = '';
    let external = '';
    const handlers: { webTicket?: WebHandler; certProv?: WebHandler; certProvMex?: WebHandler; authBroker?: WebHandler; autodiscover?: WebHandler } = {};
    const route = (pathname: string): WebHandler | undefined => {
      const p = pathname.toLowerCase().replace(/\/+$/, '');
      const wt = SERVICE_PATHS.webTicket.toLowerCase();
      const cp = SERVICE_PATHS.certProv.toLowerCase();
      if (p === wt || p.startsWith(wt + '/')) return handlers.webTicket;
      if (p === cp) return handlers.certProv;
      if (p === cp + '/mex') return handlers.certProvMex;
      if (p === SERVICE_PATHS.authBroker.toLowerCase() || p === '/reach/sip.svc') return handlers.authBroker;
      if (p === SERVICE_PATHS.autodiscover.toLowerCase() || p === SERVICE_PATHS.autodiscover.toLowerCase() + '/user') return handlers.autodiscover;
      return undefined;
    };
    // Security (issue 16 item 5): cheap checks and bounded work before any parsing.
    const gate = preAuthGate({ maxBodyBytes: limits.maxUnauthenticatedBodyBytes ?? 64 * 1024, maxConcurrent: limits.maxConcurrentRequests ?? 64, maxQueued: limits.maxQueuedRequests ?? 1024 });
    const server: Server = createServer(
      {
        key: pki.tlsKeyPem,
        cert: pki.tlsCertificatePem,
        headersTimeout: limits.headersTimeoutMs ?? 10_000,
        requestTimeout: limits.requestTimeoutMs ?? 30_000,
        keepAliveTimeout: limits.keepAliveTimeoutMs ?? 5_000,
        connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs ?? 10_000),
        maxHeaderSize: 32 * 1024,
        // Security (issue 16 items 2, 10): a handshake deadline, and TLS 1.2 only with ECDHE AEAD suites
        // (forward secrecy, no CBC); TLS 1.3's suites are all AEAD. TLS-DSK's TLS 1.0 engine is separate.
        handshakeTimeout: limits.tlsHandshakeTimeoutMs ?? 5_000,
        minVersion: 'TLSv1.2',
        ciphers: policy.tlsCiphers ?? TLS12_AEAD_CIPHERS,
        honorCipherOrder: true,
      },
      createNodeListener({ origin: () => origin, route: (p) => { const h = route(p); return h && gate(h); }, logger, maxBodyBytes: Math.min(limits.maxBodyBytes ?? 1024 * 1024, limits.maxUnauthenticatedBodyBytes ?? 64 * 1024), bodyTimeoutMs: limits.requestTimeoutMs ?? 30_000 }),
    );
    server.maxConnections = limits.maxConnections ?? 4096;
    const connectionGuard = guardConnections(server, {
      handshakeTimeoutMs: limits.tlsHandshakeTimeoutMs ?? 5_000,
      firstRequestTimeoutMs: limits.firstRequestTimeoutMs ?? 10_000,
      maxPendingHandshakes: limits.maxPendingHandshakes ?? 512,
      maxPendingHandshakesPerSource: limits.maxPendingHandshakesPerSource ?? 64,
      maxConnectionsPerSource: limits.maxConnectionsPerSource ?? 256,
    });
    server.on('clientError', (err, socket) => {
      logger({ level: 'warn', msg: 'client error', code: (err as { code?: string }).code ?? 'unknown' });
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    });
    server.on('tlsClientError', (err) => logger({ level: 'debug', msg: 'tls client error', code: (err as { code?: string }).code ?? 'unknown' }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    origin = `https://${urlHost}:${port}`;
    external = (config.externalUrl ?? origin).replace(/\/+$/, '');
    const urls = {
      webTicket: origin + SERVICE_PATHS.webTicket,
      certProv: origin + SERVICE_PATHS.certProv,
      authBroker: origin + SERVICE_PATHS.authBroker,
      autodiscover: origin + SERVICE_PATHS.autodiscover,
    };
    // Every address the server publishes follows externalUrl (issue 14 item 5): behind a reverse proxy the
    // listen origin is reachable by nobody but the proxy.
    const externalUrls = {
      webTicket: external + SERVICE_PATHS.webTicket,
      certProv: external + SERVICE_PATHS.certProv,
      authBroker: external + SERVICE_PATHS.authBroker,
      autodiscover: external + SERVICE_PATHS.autodiscover,
    };
    const farm = [...new Set([`${origin}/`, `${external}/`, `https://${farmFqdn}:${port}/`, `https://localhost:${port}/`, ...(port === 443 ? [`https://${farmFqdn}/`] : []), ...(config.farm ?? []).map((u) => u.replace(/\/*$/, '/'))])];
    const skew = faults.skipTimestampCheck ? 10 * 365 * 86400 : (policy.clockSkewSeconds ?? 300);
    const audiences = [...new Set(farm.flatMap((f) => [f + SERVICE_PATHS.certProv.slice(1), f + SERVICE_PATHS.authBroker.slice(1), f + 'Reach/sip.svc']))];
    // One verifier configuration (issuer = this server's ticket signing certificate, proof keys unwrapped
    // with the pool key) shared by CertProv and the AuthBroker. The broker takes tickets as signed supporting
    // tokens over TLS (spec 4.3.1 carries no proof-of-possession signature), CertProv requires the signature.
    const verifierBase = {
      issuerCertificates: [pki.tlsCertificatePem],
      poolKeys: [pki.poolKey],
      clock,
      skewSeconds: skew,
      ...(faults.skipAudienceCheck ? {} : { audience: audiences }),
    };
    // Security (issue 16 item 3): replay defence, certificates per ticket, signed Bodies.
    const guards = proofGuards(store.security, policy, clock, skew * 1000);
    const certProvVerifier: TicketVerifier = guards.certProvGuarded(faultyVerifier(createTicketVerifier({ ...verifierBase, requireProofOfPossession: !faults.skipSignatureCheck }), faults, createTicketVerifier({ ...verifierBase, requireProofOfPossession: false })));
    // Header tickets at CertProv: compact web tickets only (bearer by issue, bound to the farm, at most the
    // ticket lifetime); the same verifier rules (issuer key, lifetime, audience) as the SAML path.
    const certProvHeaderVerifier = createTicketVerifier({ ...verifierBase, compactTicketMaxLifetimeSeconds: Math.max(policy.ticketLifetimeSeconds ?? 900, policy.privateTicketLifetimeSeconds ?? 28800) });
    const certProvHeaderTickets = policy.certProvCompactTickets !== true ? undefined : {
      verifyHeader: async (value: string) => {
        if (compactTicketOfHeader(value) === undefined) throw new TicketError('ERR_WSTRUST_TICKET_INVALID', 'X-MS-WebTicket: expected a compact web ticket (cwt=…); a SAML web ticket is accepted here only in the SOAP Security header with its proof-of-possession signature');
        return certProvHeaderVerifier.verifyToken(value);
      },
    };
    // Security (issue 16 item 4): the broker requires proof of possession of the holder-of-key ticket by
    // default; policy.brokerAcceptUnsignedTickets admits the spec's unsigned example (4.3.1).
    const brokerVerifier: TicketVerifier = guards.replayGuarded(faultyVerifier(createTicketVerifier({ ...verifierBase, requireProofOfPossession: !faults.skipSignatureCheck && policy.brokerAcceptUnsignedTickets !== true }), faults));
    // Security: sign-in throttling wraps the directory (after any deliberate fault, so a fault is still visible).
    const enabledAccount = async <T extends { sipUri: string }>(t: T): Promise<T> => {
      const u = await store.users.findUserBySipUri(/^sip:/i.test(t.sipUri) ? t.sipUri : `sip:${t.sipUri}`);
      if (!u || !u.enabled) throw Object.assign(new ServerError('ERR_SERVER_ACCOUNT_DISABLED', `web ticket: expected the account ${t.sipUri} to exist and be enabled, received ${u ? 'a disabled account' : 'an unknown account'}`, { field: 'sipUri' }), { errorId: 28000 });
      return t;
    };
    const users = throttledDirectory(faultyDirectory(store.users, faults), store.security, policy.signInThrottle ?? {}, clock);
    const guard = signInGuard(users);
    // Is this client certificate one CertProv issued and published for the user (Cert binding, SIP registrar)?
    const clientCertificateValidator = storeCertificateValidator(faults.acceptRevokedCertificates ? revocationBlindStore(store.certificates) : store.certificates, { clock });

    handlers.webTicket = faultyWebTicketHandler(createWebTicketHandler({
      serviceUrl: urls.webTicket,
      publishedUrl: externalUrls.webTicket,
      fqdn: farmFqdn,
      signingKey: pki.tlsKey,
      certificate: pki.tlsCertificatePem,
      poolKey: pki.poolKey,
      farm,
      userDirectory: users,
      certificateValidator: clientCertificateValidator,
      // MS-OCAUTHWS 3.2.4.1 Integrated Windows authentication: NTLM (MS-NLMP) bound to the HTTPS connection.
      ...(config.ntlm === false
        ? {}
        : {
            windowsAuthenticator: createNtlmAuthenticator({
              directory: users,
              // NTLM guesses count against the same per-account and per-source limits as UsernameToken passwords.
              ...(guard ? { guard } : {}),
              netbiosDomain,
              dnsDomain: domain,
              netbiosComputer: farmFqdn.split('.')[0]!.toUpperCase().slice(0, 15),
              dnsComputer: farmFqdn,
              clock,
              maxSkewSeconds: policy.clockSkewSeconds ?? 300,
              ...(config.ntlm?.maxPendingContexts ? { maxPendingContexts: config.ntlm.maxPendingContexts } : {}),
              connection: (req) => {
                const c = requestContext(req);
                const socket = c?.socket;
                return c && socket ? { id: c.connectionId, onClose: (l: () => void) => void socket.once('close', l) } : undefined;
              },
              log: (e) => logger({ level: e.event === 'ntlm.failed' ? 'warn' : 'info', msg: e.event, ...e }),
            }),
          }),
      lifetimes: { publicSeconds: policy.ticketLifetimeSeconds ?? 900, privateSeconds: policy.privateTicketLifetimeSeconds ?? 28800 },
      clock,
      ...faultyRandom(faults),
    }), faults);
    // Security: the Web Ticket Service sees the request's source address (per-source sign-in throttling).
    const webTicketHandler = guards.webTicketHandler(handlers.webTicket);
    handlers.webTicket = (req) => withSignInSource(requestContext(req)?.remoteAddress ?? '', () => webTicketHandler(req));
    handlers.certProv = createCertProvHandler({
      ticketVerifier: certProvVerifier,
      ca: pki.ca,
      store: store.certificates,
      // certprov asks only whether the user exists and is enabled (AccountDisabled / UserImproperlyProvisioned).
      userDirectory: { findUser: async (sipUri: string) => (await users.findUserBySipUri(/^sip:/i.test(sipUri) ? sipUri : `sip:${sipUri}`)) ?? undefined },
      clock,
      webTicketUrl: externalUrls.webTicket,
      ...(certProvHeaderTickets ? { headerTicketVerifier: certProvHeaderTickets } : {}),
      serverFqdn: farmFqdn,
      maxBodyBytes: limits.maxBodyBytes ?? 1024 * 1024,
      // MS-OCAUTHWS 3.1.1 Trusted Certificate Authorities: the issuing CA's chain travels with the certificate.
      chain: { include: !faults.omitIssuerChain },
      policy: {
        ...(policy.minKeySize ? { minKeySizeBits: policy.minKeySize } : {}),
        ...(policy.maxKeySize ? { maxKeySizeBits: policy.maxKeySize } : {}),
        ...(policy.minValidityHours ? { minValidityHours: policy.minValidityHours } : {}),
        ...(policy.defaultValidityHours ? { defaultValidityHours: policy.defaultValidityHours } : {}),
        ...(policy.maxValidityHours ? { maxValidityHours: policy.maxValidityHours } : {}),
        validityOutOfRange: policy.clampValidity === false ? 'reject' : 'clamp',
        ...faultyValidityPolicy(faults),
      },
      onError: (e) => logger({ level: 'error', msg: 'certprov internal error', error: e instanceof Error ? e.name : typeof e, code: (e as { code?: string })?.code ?? 'unknown' }),
    });
    const metadata = certProvMetadata(externalUrls.certProv, externalUrls.webTicket);
    handlers.certProvMex = async (req) =>
      req.method === 'GET' || req.method === 'POST' ? new Response(metadata, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } }) : new Response(null, { status: 405 });
    const certProvHandler = faultyCertProvHandler(guards.certProvHandler(handlers.certProv), faults);
    handlers.certProv = faultyServiceDescription(async (req) => (req.method === 'GET' && new URL(req.url).search.toLowerCase() === '?wsdl' ? handlers.certProvMex!(req) : certProvHandler(req)), faults, 'certProv');
    const broker = createAuthBrokerHandler({
      // Security (issue 16 item 6): every broker call checks the ticket's account is still there and enabled.
      ticketVerifier: { verify: async (envelope: string) => enabledAccount({ ...(await brokerVerifier.verify(envelope)) }) },
      // MS-OCAUTHWS 1.3.3 / 3.3.4.3: the broker obtains the user's certificate from the certificate
      // provisioning side: issued by this server's CA for the session's SIP URI, published to the store.
      credentialSource: certProvCredentialSource({ ca: pki.ca, store: store.certificates, clock, validityHours: policy.brokerCertificateValidityHours ?? 8 }),
      sessionStore: store.sessions,
      clock,
      sessionIdleSeconds: policy.brokerSessionIdleSeconds ?? 600,
      registrarTrust: { trustedCertificates: config.registrarTrustedCertificates ?? [pki.caCertificatePem] },
      webTicketUrl: externalUrls.webTicket,
      serverFqdn: farmFqdn,
      maxBodyBytes: limits.maxBodyBytes ?? 1024 * 1024,
    });
    // MS-OCAUTHWS 6.3: the broker's service description at …/AuthBroker?wsdl.
    const brokerWsdl = authBrokerWsdl(externalUrls.authBroker, externalUrls.webTicket);
    const brokerHandler = faultyBrokerHandler(broker, faults);
    handlers.authBroker = faultyServiceDescription(async (req) => (req.method === 'GET' && new URL(req.url).search.toLowerCase() === '?wsdl' ? new Response(brokerWsdl, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } }) : brokerHandler(req)), faults, 'authBroker');
    let sipRegistrar: RunningSipRegistrar | undefined;
    const sipFqdn = (config.sip?.fqdn ?? farmFqdn).toLowerCase();
    if (config.sip?.port !== undefined) {
      sipRegistrar = await startSipRegistrar({
        host: config.sip.host ?? host,
        port: config.sip.port,
        certificatePem: pki.tlsCertificatePem,
        privateKeyPem: pki.tlsKeyPem,
        clientCaPem: pki.caCertificatePem,
        fqdn: sipFqdn,
        stsUri: () => externalUrls.certProv,
        certificateValidator: clientCertificateValidator,
        userEnabled: async (sipUri) => (await users.findUserBySipUri(sipUri))?.enabled === true,
        logger,
        ...(faults.sipSkipSignatureCheck ? { skipSignatureCheck: true } : {}),
      });
    }
    const autodiscoverVerifier = createTicketVerifier({ ...verifierBase, ...(faults.skipAudienceCheck ? {} : { audience: farm.map((f) => f + SERVICE_PATHS.autodiscover.slice(1)) }) });
    handlers.autodiscover = faultyAutodiscoverHandler(createAutodiscoverHandler({
      // With an externalUrl both link sets name it: the listen origin is not a client-reachable address.
      links: () => ({ internalBase: config.externalUrl ? external : origin, externalBase: external }),
      sip: () => ({ fqdn: sipFqdn, port: sipRegistrar?.port ?? 5061 }),
      webTicketUrl: () => externalUrls.webTicket,
      // SAML (opaque=…) or compact (cwt=…, also as Authorization: Bearer cwt=…) tickets; like every service
      // here, a ticket of a user disabled since it was issued no longer opens anything.
      verifyTicket: async (h) => {
        const t = await autodiscoverVerifier.verifyToken(h);
        const u = await users.findUserBySipUri(t.sipUri);
        if (!u || !u.enabled) throw new TicketError('ERR_WSTRUST_TICKET_INVALID', `web ticket: the user ${t.sipUri} is ${u ? 'disabled' : 'unknown'}`);
        return t;
      },
      serverFqdn: farmFqdn,
    }), faults);
    logger({ level: 'info', msg: 'listening', url: origin, farmFqdn, store: store.kind, dataDir, faults: Object.keys(faults).filter((k) => (faults as Record<string, unknown>)[k]) });

    let closed: Promise<void> | undefined;
    return {
      url: origin,
      port,
      caCertificatePem: pki.caCertificatePem,
      tlsCertificatePem: pki.tlsCertificatePem,
      demoUser,
      paths: { ...SERVICE_PATHS },
      urls,
      externalUrl: external,
      externalUrls,
      dataDir,
      store,
      farmFqdn,
      ...(sipRegistrar ? { sip: { port: sipRegistrar.port, fqdn: sipFqdn } } : {}),
      handler: async (req: Request) => {
        const h = route(new URL(req.url).pathname);
        return h ? h(req) : new Response(null, { status: 404 });
      },
      close: () =>
        (closed ??= (async () => {
          broker.close();
          connectionGuard.close();
          await sipRegistrar?.close();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await store.close();
          if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
          logger({ level: 'info', msg: 'closed', url: origin });
        })()),
    };
  } catch (e) {
    await store.close().catch(() => {});
    if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
