// startServer: the Web Ticket Service, Certificate Provisioning Service, Authentication Broker and
// Lync Autodiscover of one pool, bound to HTTPS on the paths real pools use (MS-OCAUTHWS 1.3, 1.5).
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTicketVerifier, createWebTicketHandler, NS, parseEnvelope, type ParsedEnvelope, type TicketVerifier, type UserDirectory } from '@ocauth/wstrust';
import { createCertProvHandler, storeCertificateValidator } from '@ocauth/certprov';
import { certProvCredentialSource, createAuthBrokerHandler, TlsDskRegistrarPeer, type TlsDskProtocol } from '@ocauth/authbroker';
import { createAutodiscoverHandler, type AutodiscoverUrls } from './autodiscover.js';
import { nodeListener, type WebHandler } from './http-adapter.js';
import { errorFields, stderrLogger, type ServerLogger } from './log.js';
import { loadOrCreatePki } from './pki.js';
import { openStore, type StoreConfig } from './stores/open.js';
import type { SeedUser, ServerStore } from './stores/types.js';

/** Policy limits (certificate issuance and web tickets). */
export interface ServerPolicy {
  /** RSA key sizes accepted in CSRs (default 1024–16384). */
  minKeySize?: number;
  maxKeySize?: number;
  /** Certificate validity in hours (defaults 8 / 4320 / 8760). */
  minValidityHours?: number;
  defaultValidityHours?: number;
  maxValidityHours?: number;
  /** true (default): out-of-range validity requests are clamped; false: answered InvalidValidityPeriod. */
  clampValidity?: boolean;
  /** Web ticket lifetime for public computers in seconds (default 900). */
  ticketLifetimeSeconds?: number;
  /** Web ticket lifetime for private computers (X-MS-Computer-Type: private) in seconds (default 28800). */
  privateTicketLifetimeSeconds?: number;
  /** Clock skew tolerated when verifying tickets and Timestamps (default 300). */
  clockSkewSeconds?: number;
}

/**
 * Deliberately broken behaviour for negative self-tests of conformance runners. Never enable in
 * production: each switch disables a security check the protocol requires.
 */
export interface ServerFaults {
  /** Proof-of-possession signatures on requests to CertProv and AuthBroker are not verified (removed before verification). */
  skipSignatureCheck?: boolean;
  /** Expired or future Timestamps and tickets are accepted (clock skew of 100 years). */
  skipTimestampCheck?: boolean;
  /** The Pin binding accepts any PIN for a known identity. */
  acceptAnyPin?: boolean;
}

export interface ServerConfig {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: ephemeral). */
  port?: number;
  /** Pool FQDN (default: this machine's host name); in the TLS certificate and the farm URLs. */
  farmFqdn?: string;
  /** Directory for the SQLite file, CA, TLS key and pool key (default: a new temp dir, removed on close). */
  dataDir?: string;
  /** Where users, certificates and sessions live (default: SQLite file ocauth.sqlite in dataDir). */
  store?: StoreConfig;
  /** Users to create or update at start. */
  users?: SeedUser[];
  /** The demo user (created or updated at start; random PIN and password unless given), or false for none. */
  demoUser?: { sipUri?: string; pin?: string; password?: string; phone?: string } | false;
  policy?: ServerPolicy;
  clock?: () => Date;
  faults?: ServerFaults;
  /** Structured log sink (default: JSON lines on stderr); false for none. */
  logger?: ServerLogger | false;
  /** Request limits (defaults: 1 MiB body, 10 s headers, 30 s request). */
  limits?: { maxBodyBytes?: number; headersTimeoutMs?: number; requestTimeoutMs?: number };
  /** Certificates of SIP registrars the Authentication Broker trusts in TLS-DSK (default: this server's CA, which signs the pool certificate). */
  registrarTrust?: { trustedCertificates?: string[]; verifyServer?: boolean };
}

export interface RunningServer {
  /** https://HOST:PORT */
  url: string;
  port: number;
  farmFqdn: string;
  dataDir: string;
  /** The issuing CA (user certificates; the TLS certificate chains to it). */
  caCertificatePem: string;
  /** The HTTPS server certificate (also signs web tickets and is the pool's SIP certificate). */
  tlsCertificatePem: string;
  /** The demo user's credentials (undefined with demoUser: false). */
  demoUser: { sipUri: string; pin: string; password: string; phone: string } | undefined;
  paths: { webTicket: string; certProv: string; authBroker: string; autodiscover: string };
  /** Absolute URLs of the services. */
  urls: { webTicket: string; certProv: string; authBroker: string; autodiscover: string };
  store: ServerStore;
  /** The router behind the HTTPS listener (Request → Response), for embedding in another HTTP stack or in-process calls. */
  handler: (req: Request) => Promise<Response>;
  /** A SIP registrar peer for TLS-DSK tests: it presents the pool certificate and trusts the CA's user certificates. */
  createRegistrarPeer(protocol?: TlsDskProtocol): TlsDskRegistrarPeer;
  close(): Promise<void>;
}

export const SERVICE_PATHS = {
  webTicket: '/WebTicket/WebTicketService.svc',
  certProv: '/CertProv/CertProvisioningService.svc',
  authBroker: '/Reach/Sip.svc/AuthBroker',
  autodiscover: '/Autodiscover/AutodiscoverService.svc/root',
} as const;

export class ServerConfigError extends Error {
  readonly code = 'ERR_SERVER_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ServerConfigError';
  }
}

const randomPin = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** FAULT acceptAnyPin: the Pin binding maps the identity to its user without checking the PIN. */
function anyPinDirectory(d: UserDirectory): UserDirectory {
  const byIdentity = (i: string) => (d.findUserByAccount ? d.findUserByAccount(i) : d.findUserBySipUri(i));
  return {
    findUserBySipUri: (s) => d.findUserBySipUri(s),
    verifyPassword: (u, p) => d.verifyPassword(u, p),
    findUserByAccount: byIdentity,
    verifyPin: async (identity) => byIdentity(identity),
  };
}

/** FAULT skipSignatureCheck: drop the proof-of-possession signature before verification (the ticket itself is still checked). */
function stripSignatures(xml: string): ParsedEnvelope {
  const env = parseEnvelope(xml);
  type N = { localName?: string | null; namespaceURI?: string | null; childNodes: ArrayLike<N>; removeChild(n: N): unknown };
  const header = env.header as unknown as N | undefined;
  for (const h of header ? Array.from(header.childNodes) : []) {
    if (h.localName !== 'Security' || h.namespaceURI !== NS.wsse) continue;
    for (const c of Array.from(h.childNodes)) if (c.localName === 'Signature' && c.namespaceURI === NS.ds) h.removeChild(c);
  }
  return env;
}

function validate(c: ServerConfig): void {
  if (c.port !== undefined && (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535)) throw new ServerConfigError(`port: expected an integer 0–65535, received ${JSON.stringify(c.port)}`);
  if (c.farmFqdn !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(c.farmFqdn)) throw new ServerConfigError(`farmFqdn: expected a DNS name, received ${JSON.stringify(c.farmFqdn)}`);
  for (const u of c.users ?? []) if (!/^sips?:[^\s@]+@[^\s@]+$/i.test(u.sipUri)) throw new ServerConfigError(`users[].sipUri: expected sip:user@domain, received ${JSON.stringify(u.sipUri)}`);
  const mb = c.limits?.maxBodyBytes;
  if (mb !== undefined && (!Number.isInteger(mb) || mb < 1024)) throw new ServerConfigError(`limits.maxBodyBytes: expected an integer >= 1024, received ${JSON.stringify(mb)}`);
}

/** Start the reference server. Resolves once it listens; `close()` stops it and releases the store. */
export async function startServer(config: ServerConfig = {}): Promise<RunningServer> {
  validate(config);
  const clock = config.clock ?? (() => new Date());
  const logger: ServerLogger = config.logger === false ? () => {} : (config.logger ?? stderrLogger);
  const host = config.host ?? '127.0.0.1';
  const farmFqdn = (config.farmFqdn ?? (hostname() || 'localhost')).toLowerCase();
  const tempDir = config.dataDir === undefined;
  const dataDir = config.dataDir ?? mkdtempSync(join(tmpdir(), 'ocauth-server-'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const faults = config.faults ?? {};
  const policy = config.policy ?? {};
  const pki = loadOrCreatePki(dataDir, { farmFqdn, host, clock });
  const store = await openStore(config.store ?? { kind: 'sqlite' }, dataDir);
  const closers: (() => unknown)[] = [];
  try {
    const demo = config.demoUser === false ? undefined : {
      sipUri: config.demoUser?.sipUri ?? `sip:demo@${farmFqdn.includes('.') ? farmFqdn : 'ocauth.test'}`,
      pin: config.demoUser?.pin ?? randomPin(),
      password: config.demoUser?.password ?? randomBytes(12).toString('base64url'),
      phone: config.demoUser?.phone ?? '+15550100',
    };
    for (const u of config.users ?? []) await store.users.putUser(u);
    if (demo) await store.users.putUser({ sipUri: demo.sipUri, enabled: true, displayName: 'Demo User', pin: demo.pin, password: demo.password, phone: [demo.phone] });

    const server = https.createServer({
      key: pki.tlsKeyPem, cert: pki.tlsCertificatePem, ca: [pki.ca.certificatePem],
      headersTimeout: config.limits?.headersTimeoutMs ?? 10_000, requestTimeout: config.limits?.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: 5_000, maxHeaderSize: 32 * 1024,
      // how often Node enforces headersTimeout/requestTimeout on idle-but-open connections (slowloris)
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor((config.limits?.headersTimeoutMs ?? 10_000) / 4))),
    });
    server.on('clientError', (err, socket) => {
      logger({ level: 'warn', msg: 'client error', ...errorFields(err) });
      const timeout = (err as { code?: string }).code === 'ERR_HTTP_REQUEST_TIMEOUT';
      if (socket.writable) socket.end(timeout ? 'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'); else socket.destroy();
    });
    server.on('tlsClientError', (err) => logger({ level: 'warn', msg: 'tls client error', ...errorFields(err) }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port ?? 0, host, () => { server.off('error', reject); resolve(); });
    });
    closers.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const port = (server.address() as AddressInfo).port;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const origin = `https://${urlHost}:${port}`;
    const farm = [...new Set([`${origin}/`, `https://${farmFqdn}:${port}/`, `https://localhost:${port}/`, ...(port === 443 ? [`https://${farmFqdn}/`] : [])])];
    const u = { webTicket: origin + SERVICE_PATHS.webTicket, certProv: origin + SERVICE_PATHS.certProv, authBroker: origin + SERVICE_PATHS.authBroker, autodiscover: origin + SERVICE_PATHS.autodiscover };
    const onError = (service: string) => (e: unknown) => logger({ level: 'error', msg: 'handler error', service, ...errorFields(e) });

    // Web Ticket Service (MS-OCAUTHWS 3.2). The pool certificate signs tickets.
    const directory: UserDirectory = faults.acceptAnyPin ? anyPinDirectory(store.users) : store.users;
    const webTicket = createWebTicketHandler({
      serviceUrl: u.webTicket, fqdn: farmFqdn, signingKey: pki.tlsKey, certificate: pki.tlsCertificate, poolKey: pki.poolKey, farm,
      userDirectory: directory, certificateValidator: storeCertificateValidator(store.certificates, { clock }), clock,
      lifetimes: { publicSeconds: policy.ticketLifetimeSeconds ?? 900, privateSeconds: policy.privateTicketLifetimeSeconds ?? 28800 },
    });

    // The verifier the web-ticket consumers share (3.1.4.1 / 3.3.4: ticket + proof of possession).
    const skewSeconds = faults.skipTimestampCheck ? 100 * 365 * 86400 : (policy.clockSkewSeconds ?? 300);
    const verifierFor = (requireProofOfPossession: boolean): TicketVerifier => createTicketVerifier({
      issuerCertificates: [pki.tlsCertificate], poolKeys: [pki.poolKey], clock, skewSeconds, audience: [u.certProv, u.authBroker],
      requireProofOfPossession: faults.skipSignatureCheck ? false : requireProofOfPossession,
    });
    const certProvVerifier = verifierFor(true);
    // 4.3.1: the broker takes the ticket as a signed supporting token over TLS; a signature present must verify.
    const brokerVerifier = verifierFor(false);
    const verifyWith = async (v: TicketVerifier, xml: string) => {
      const t = await v.verify(faults.skipSignatureCheck ? stripSignatures(xml) : xml);
      return { sipUri: t.sipUri, assertionId: t.assertionId, notOnOrAfter: t.notOnOrAfter };
    };

    const certProv = createCertProvHandler({
      ticketVerifier: { verify: (xml) => verifyWith(certProvVerifier, xml) }, ca: pki.ca, store: store.certificates, clock, webTicketUrl: u.webTicket, serverFqdn: farmFqdn,
      userDirectory: { findUser: async (s) => (await store.users.findUserBySipUri(/^sips?:/i.test(s) ? s : `sip:${s}`)) ?? undefined },
      policy: {
        ...(policy.minKeySize !== undefined ? { minKeySizeBits: policy.minKeySize } : {}),
        ...(policy.maxKeySize !== undefined ? { maxKeySizeBits: policy.maxKeySize } : {}),
        ...(policy.minValidityHours !== undefined ? { minValidityHours: policy.minValidityHours } : {}),
        ...(policy.defaultValidityHours !== undefined ? { defaultValidityHours: policy.defaultValidityHours } : {}),
        ...(policy.maxValidityHours !== undefined ? { maxValidityHours: policy.maxValidityHours } : {}),
        validityOutOfRange: policy.clampValidity === false ? 'reject' : 'clamp',
      },
      onError: onError('certprov'),
    });

    const broker = createAuthBrokerHandler({
      ticketVerifier: { verify: (xml) => verifyWith(brokerVerifier, xml) },
      credentialSource: certProvCredentialSource({ ca: pki.ca, store: store.certificates, clock }),
      sessionStore: store.sessions, clock, webTicketUrl: u.webTicket,
      registrarTrust: { trustedCertificates: config.registrarTrust?.trustedCertificates ?? [pki.ca.certificatePem], verifyServer: config.registrarTrust?.verifyServer ?? true },
    });
    closers.unshift(() => broker.close());

    const adUrls: AutodiscoverUrls = { root: u.autodiscover, user: `${u.autodiscover}/user`, authBroker: u.authBroker, webTicket: u.webTicket, certProv: u.certProv };
    const autodiscover = createAutodiscoverHandler(() => adUrls);

    const lower = { webTicket: SERVICE_PATHS.webTicket.toLowerCase(), certProv: SERVICE_PATHS.certProv.toLowerCase(), authBroker: SERVICE_PATHS.authBroker.toLowerCase(), autodiscover: SERVICE_PATHS.autodiscover.toLowerCase() };
    const route: WebHandler = async (req) => {
      const p = new URL(req.url).pathname.replace(/\/+$/, '').toLowerCase();
      if (p === lower.webTicket || p.startsWith(lower.webTicket + '/')) return webTicket(req);
      if (p === lower.certProv) return certProv(req);
      if (p === lower.authBroker) return broker(req);
      if (p === lower.autodiscover || p === lower.autodiscover + '/user') return autodiscover(req);
      return new Response(JSON.stringify({ error: 'not found' }), { status: 404, headers: { 'content-type': 'application/json' } });
    };
    server.on('request', nodeListener(route, { origin: () => origin, maxBodyBytes: config.limits?.maxBodyBytes ?? 1 << 20, logger }));
    const active = Object.entries(faults).filter(([, v]) => v).map(([k]) => k);
    logger({ level: active.length ? 'warn' : 'info', msg: 'listening', url: origin, farmFqdn, store: store.kind, ...(active.length ? { faults: active } : {}) });

    let closed: Promise<void> | undefined;
    return {
      url: origin, port, farmFqdn, dataDir,
      caCertificatePem: pki.ca.certificatePem, tlsCertificatePem: pki.tlsCertificatePem,
      demoUser: demo, paths: { ...SERVICE_PATHS }, urls: u, store, handler: route,
      createRegistrarPeer: (protocol: TlsDskProtocol = 'TLSv1.2') =>
        new TlsDskRegistrarPeer({ credential: { certificate: pki.tlsCertificatePem, privateKey: pki.tlsKeyPem }, trustedClientCertificates: [pki.ca.certificatePem], protocol }),
      close: () => (closed ??= (async () => {
        for (const c of closers) await c();
        await store.close();
        if (tempDir) rmSync(dataDir, { recursive: true, force: true });
        logger({ level: 'info', msg: 'closed', url: origin });
      })()),
    };
  } catch (e) {
    for (const c of closers) await Promise.resolve(c()).catch(() => {});
    await store.close().catch(() => {});
    if (tempDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
