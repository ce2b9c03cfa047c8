// startServer: the reference MS-OCAUTHWS pool as a pipeline of steps. One HTTPS listener serving, on the paths
// real pools use, the Web Ticket Service (3.2), the Certificate Provisioning Service (3.1), the Authentication
// Broker (3.3) and Lync Autodiscover's User links (1.5), and optionally the laboratory SIP registrar ([MS-SIPAE]).
// Zero setup: CA, TLS certificate, pool key and store are created in dataDir on first start and reused afterwards.
import { createServer, type Server } from 'node:https';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddressInfo } from 'node:net';
import {
  compactTicketOfHeader,
  createNtlmAuthenticator,
  createTicketVerifier,
  createWebTicketHandler,
  TicketError,
  type DirectoryUser,
  type TicketVerifier,
} from '@ocauth/wstrust';
import { createCertProvHandler, storeCertificateValidator } from '@ocauth/certprov';
import { certProvCredentialSource, createAuthBrokerHandler } from '@ocauth/authbroker';
import { atomicWriteFileSync } from './atomic-file.js';
import { certProvMetadata, createAutodiscoverHandler } from './autodiscover.js';
import { authBrokerWsdl } from './spec-wsdl.js';
import {
  unverifiedOAuth2,
  faultyCsrChecks,
  faultyBodyCap,
  faultyBrokerAccount,
  faultyAutodiscoverHandler,
  faultyBrokerHandler,
  faultyCertProvHandler,
  faultyDirectory,
  faultyRandom,
  faultyServiceDescription,
  faultyValidityPolicy,
  faultyVerifier,
  faultyWebTicketHandler,
  revocationBlindStore,
  type ServerFaults,
} from './faults.js';
import { silentLogger, stderrLogger, type Logger } from './logger.js';
import { createNodeListener, type WebHandler } from './node-adapter.js';
import { requestContext } from './request-context.js';
import { loadOrCreatePki, type ServerPki } from './pki.js';
import { normSip, type ServerStore, type ServerUserDirectory } from './store/types.js';
import { openStore } from './store/open.js';
import { guardConnections, preAuthGate, type ConnectionGuard } from './limits.js';
import { proofGuards, unverifiedSubject } from './replay.js';
import { signInGuard, throttledDirectory, withSignInSource } from './throttle.js';
import { startSipRegistrar, type RunningSipRegistrar } from './sip/registrar.js';
import { ServerError } from './errors.js';
import {
  checkConfig,
  SERVICE_PATHS,
  TLS12_AEAD_CIPHERS,
  type DemoUser,
  type RunningServer,
  type ServerConfig,
  type ServerLimits,
  type ServerPolicy,
} from './config.js';

/**
 * Start the reference server. Resolves once it listens; `close()` stops it and closes the store.
 *
 * @throws {ServerConfigError} ERR_SERVER_CONFIG when a ServerConfig value is invalid (`field` names it)
 * @throws {StoreError} ERR_SERVER_STORE_CONFIG / ERR_SERVER_STORE_OPEN when the store cannot be opened, ERR_SERVER_USER when a seeded user is invalid
 * @throws Node's listen error (`EADDRINUSE`, `EACCES`) when the HTTPS or SIP port cannot be bound
 */
export async function startServer(config: ServerConfig = {}): Promise<RunningServer> {
  checkConfig(config);
  const setup = resolveSetup(config);
  const store = await openStore(config.store ?? { kind: 'sqlite' }, setup.dataDir);
  let site: Site | undefined;
  try {
    const demoUser = await seedUsers(setup, store);
    site = await listenHttps(setup);
    const addr = publishedAddresses(setup, site.port);
    site.origin = addr.origin;
    const pool = poolSecurity(setup, store, addr);
    site.routes.webTicket = webTicketService(setup, addr, pool);
    Object.assign(site.routes, certProvService(setup, store, addr, pool));
    const broker = authBrokerService(setup, store, addr, pool);
    site.routes.authBroker = broker.handler;
    const sip = await sipRegistrar(setup, addr, pool);
    site.routes.autodiscover = autodiscoverService(setup, addr, pool, sip);
    setup.logger({
      level: 'info',
      msg: 'listening',
      url: addr.origin,
      farmFqdn: setup.farmFqdn,
      store: store.kind,
      dataDir: setup.dataDir,
      faults: Object.keys(setup.faults).filter((k) => (setup.faults as Record<string, unknown>)[k]),
    });
    return runningServer(setup, store, demoUser, addr, site, sip && { port: sip.registrar.port, fqdn: sip.fqdn }, () => {
      broker.close();
      return sip?.registrar.close();
    });
  } catch (e) {
    await site?.close();
    await store.close().catch(() => {});
    if (setup.ephemeral) rmSync(setup.dataDir, { recursive: true, force: true });
    throw e;
  }
}

/** The resolved configuration every step reads. */
interface Setup {
  config: ServerConfig;
  logger: Logger;
  host: string;
  farmFqdn: string;
  /** The users' SIP domain (the farm FQDN without its first label) and the NetBIOS domain of their accounts. */
  domain: string;
  netbiosDomain: string;
  dataDir: string;
  /** Without a dataDir the server is ephemeral: a temporary directory, removed again by close(). */
  ephemeral: boolean;
  clock: () => Date;
  faults: ServerFaults;
  policy: ServerPolicy;
  limits: ServerLimits;
  pki: ServerPki;
}

function resolveSetup(config: ServerConfig): Setup {
  const host = config.host ?? '127.0.0.1';
  const farmFqdn = (config.farmFqdn ?? 'localhost').toLowerCase();
  const dataDir = config.dataDir ?? mkdtempSync(join(tmpdir(), 'ocauth-server-'));
  return {
    config,
    logger: config.logger === false ? silentLogger : (config.logger ?? stderrLogger),
    host,
    farmFqdn,
    domain: farmFqdn.includes('.') ? farmFqdn.split('.').slice(1).join('.') || farmFqdn : 'ocauth.test',
    netbiosDomain: (config.ntlm ? config.ntlm.netbiosDomain : undefined) ?? 'OCAUTH',
    dataDir,
    ephemeral: config.dataDir === undefined,
    clock: config.clock ?? (() => new Date()),
    faults: config.faults ?? {},
    policy: config.policy ?? {},
    limits: config.limits ?? {},
    pki: loadOrCreatePki(dataDir, farmFqdn, host === '0.0.0.0' || host === '::' ? [] : [host]),
  };
}

/** The demo user (kept in dataDir/demo-user.json) and the configured users, created or replaced in the store. */
async function seedUsers(s: Setup, store: ServerStore): Promise<DemoUser> {
  const demoUser = loadOrCreateDemoUser(s.dataDir, s.domain, s.netbiosDomain);
  if (s.config.demoUser !== false)
    await store.users.upsertUser({
      sipUri: demoUser.sipUri,
      account: demoUser.account,
      upn: demoUser.upn,
      pin: demoUser.pin,
      password: demoUser.password,
      phones: [demoUser.phone],
      displayName: 'Demo User',
    });
  for (const u of s.config.users ?? []) await store.users.upsertUser(u);
  return demoUser;
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
  const d: DemoUser = {
    sipUri,
    ...names(sipUri),
    pin: String(randomInt(100000, 1000000)),
    password: randomBytes(12).toString('base64url'),
    phone: '+15550100',
  };
  atomicWriteFileSync(f, JSON.stringify(d, null, 2) + '\n');
  return d;
}

/** The services' handlers by route; filled in once the listener knows its port. */
interface Routes {
  webTicket?: WebHandler;
  certProv?: WebHandler;
  certProvMex?: WebHandler;
  authBroker?: WebHandler;
  autodiscover?: WebHandler;
}

/** The HTTPS listener and its routing table. */
interface Site {
  server: Server;
  port: number;
  /** https://HOST:PORT, the base of the Request URLs the handlers see. */
  origin: string;
  routes: Routes;
  route(pathname: string): WebHandler | undefined;
  connectionGuard: ConnectionGuard;
  close(): Promise<void>;
}

/** The HTTPS listener: TLS 1.2+ with ECDHE AEAD suites, connection limits and deadlines, the pre-auth gate, routing. */
async function listenHttps(s: Setup): Promise<Site> {
  const { limits, policy, pki, logger } = s;
  const routes: Routes = {};
  const route = (pathname: string): WebHandler | undefined => {
    const p = pathname.toLowerCase().replace(/\/+$/, '');
    const wt = SERVICE_PATHS.webTicket.toLowerCase();
    const cp = SERVICE_PATHS.certProv.toLowerCase();
    if (p === wt || p.startsWith(wt + '/')) return routes.webTicket;
    if (p === cp) return routes.certProv;
    if (p === cp + '/mex') return routes.certProvMex;
    if (p === SERVICE_PATHS.authBroker.toLowerCase() || p === '/reach/sip.svc') return routes.authBroker;
    if (p === SERVICE_PATHS.autodiscover.toLowerCase() || p === SERVICE_PATHS.autodiscover.toLowerCase() + '/user') return routes.autodiscover;
    return undefined;
  };
  // Security (issue 16 item 5): cheap checks and bounded work before any parsing.
  const gate = preAuthGate({
    maxBodyBytes: faultyBodyCap(s.faults, limits.maxUnauthenticatedBodyBytes ?? 64 * 1024),
    maxConcurrent: limits.maxConcurrentRequests ?? 64,
    maxQueued: limits.maxQueuedRequests ?? 1024,
  });
  let site: Site | undefined;
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
    createNodeListener({
      origin: () => site?.origin ?? '',
      route: (p) => {
        const h = route(p);
        return h && gate(h);
      },
      logger,
      maxBodyBytes: faultyBodyCap(s.faults, Math.min(limits.maxBodyBytes ?? 1024 * 1024, limits.maxUnauthenticatedBodyBytes ?? 64 * 1024)),
      bodyTimeoutMs: limits.requestTimeoutMs ?? 30_000,
    }),
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
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(s.config.port ?? 0, s.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    connectionGuard.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  site = {
    server,
    port,
    origin: '',
    routes,
    route,
    connectionGuard,
    close: () =>
      new Promise<void>((resolve) => {
        connectionGuard.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return site;
}

/** Where this process answers (origin) and what it publishes (externalUrl), the farm prefixes and ticket audiences. */
interface Addresses {
  origin: string;
  external: string;
  urls: RunningServer['urls'];
  externalUrls: RunningServer['externalUrls'];
  /** URL prefixes of this pool (MS-OCAUTHWS 3.2.1 server farm). */
  farm: string[];
  /** AppliesTo / Audience values CertProv and the broker accept. */
  audiences: string[];
}

function publishedAddresses(s: Setup, port: number): Addresses {
  const { host, farmFqdn, config } = s;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `https://${urlHost}:${port}`;
  const external = (config.externalUrl ?? origin).replace(/\/+$/, '');
  const at = (base: string) => ({
    webTicket: base + SERVICE_PATHS.webTicket,
    certProv: base + SERVICE_PATHS.certProv,
    authBroker: base + SERVICE_PATHS.authBroker,
    autodiscover: base + SERVICE_PATHS.autodiscover,
  });
  const farm = [
    ...new Set([
      `${origin}/`,
      `${external}/`,
      `https://${farmFqdn}:${port}/`,
      `https://localhost:${port}/`,
      ...(port === 443 ? [`https://${farmFqdn}/`] : []),
      ...(config.farm ?? []).map((u) => u.replace(/\/*$/, '/')),
    ]),
  ];
  const audiences = [...new Set(farm.flatMap((f) => [f + SERVICE_PATHS.certProv.slice(1), f + SERVICE_PATHS.authBroker.slice(1), f + 'Reach/sip.svc']))];
  // Every address the server publishes follows externalUrl (issue 14 item 5): behind a reverse proxy the
  // listen origin is reachable by nobody but the proxy.
  return { origin, external, urls: at(origin), externalUrls: at(external), farm, audiences };
}

/** The pool's shared security: ticket verification, replay guards, the throttled directory, the certificate validator. */
interface PoolSecurity {
  verifierBase: Parameters<typeof createTicketVerifier>[0];
  skewSeconds: number;
  guards: ReturnType<typeof proofGuards>;
  users: ServerUserDirectory;
  /** Is this client certificate one CertProv issued and published for the user (Cert binding, SIP registrar)? */
  clientCertificateValidator: ReturnType<typeof storeCertificateValidator>;
}

function poolSecurity(s: Setup, store: ServerStore, addr: Addresses): PoolSecurity {
  const { faults, policy, clock, pki } = s;
  const skewSeconds = faults.skipTimestampCheck ? 10 * 365 * 86400 : (policy.clockSkewSeconds ?? 300);
  // One verifier configuration (issuer = this server's ticket signing certificate, proof keys unwrapped
  // with the pool key) shared by CertProv and the AuthBroker.
  const verifierBase = {
    issuerCertificates: [pki.tlsCertificatePem],
    poolKeys: [pki.poolKey],
    clock,
    skewSeconds,
    ...(faults.skipAudienceCheck ? {} : { audience: addr.audiences }),
  };
  return {
    verifierBase,
    skewSeconds,
    // Security (issue 16 item 3): replay defence, certificates per ticket, signed Bodies.
    guards: proofGuards(store.security, policy, clock, skewSeconds * 1000),
    // Sign-in throttling wraps the directory (after any deliberate fault, so a fault is still visible).
    users: throttledDirectory(faultyDirectory(store.users, faults), store.security, policy.signInThrottle ?? {}, clock),
    clientCertificateValidator: storeCertificateValidator(faults.acceptRevokedCertificates ? revocationBlindStore(store.certificates) : store.certificates, {
      clock,
    }),
  };
}

/** MS-OCAUTHWS 3.2: the Web Ticket Service (WinNegotiate/NTLM, Auth, Pin, Cert bindings), throttled per source. */
function webTicketService(s: Setup, addr: Addresses, pool: PoolSecurity): WebHandler {
  const { config, policy, pki, clock, faults, farmFqdn, logger } = s;
  const guard = signInGuard(pool.users);
  const handler = faultyServiceDescription(
    faultyWebTicketHandler(
      createWebTicketHandler({
        serviceUrl: addr.urls.webTicket,
        publishedUrl: addr.externalUrls.webTicket,
        fqdn: farmFqdn,
        signingKey: pki.tlsKey,
        certificate: pki.tlsCertificatePem,
        poolKey: pki.poolKey,
        farm: addr.farm,
        userDirectory: pool.users,
        certificateValidator: pool.clientCertificateValidator,
        ...unverifiedOAuth2(faults),
        // MS-OCAUTHWS 3.2.4.1 Integrated Windows authentication: NTLM (MS-NLMP) bound to the HTTPS connection.
        ...(config.ntlm === false
          ? {}
          : {
              windowsAuthenticator: createNtlmAuthenticator({
                directory: pool.users,
                // NTLM guesses count against the same per-account and per-source limits as UsernameToken passwords.
                ...(guard ? { guard } : {}),
                netbiosDomain: s.netbiosDomain,
                dnsDomain: s.domain,
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
      }),
      faults,
    ),
    faults,
    'webTicket',
  );
  // Security: the Web Ticket Service sees the request's source address (per-source sign-in throttling).
  const guarded = pool.guards.webTicketHandler(handler);
  return (req) => withSignInSource(requestContext(req)?.remoteAddress ?? '', () => guarded(req));
}

/** MS-OCAUTHWS 3.1: the Certificate Provisioning Service (GetAndPublishCert) and its metadata (…/mex, ?wsdl). */
function certProvService(s: Setup, store: ServerStore, addr: Addresses, pool: PoolSecurity): Pick<Routes, 'certProv' | 'certProvMex'> {
  const { faults, policy, limits, pki, clock, farmFqdn, logger } = s;
  // MS-OCAUTHWS 3.1.4.1: the signed SAML ticket with proof of possession (unless the fault skips the signature).
  const ticketChecks = faultyVerifier(
    createTicketVerifier({ ...pool.verifierBase, requireProofOfPossession: !faults.skipSignatureCheck }),
    faults,
    createTicketVerifier({ ...pool.verifierBase, requireProofOfPossession: false }),
  );
  // Issue 20: the Entity check's user lookup (3.1.4.1.5.2) starts before the ticket's signatures are checked,
  // in flight with certProvGuarded's claims read (PostgreSQL: both round trips overlap the checks). Per request;
  // the check reads the row fetched a moment earlier by this same request, never another request's.
  const userAhead = new AsyncLocalStorage<{ key?: string; user?: Promise<DirectoryUser | null> }>();
  const verifier: TicketVerifier = pool.guards.certProvGuarded({
    ...ticketChecks,
    verify: async (input, parsed) => {
      const slot = userAhead.getStore();
      // Started from the unverified ticket, in flight while its signatures are checked; used only for the
      // SIP URI the verified ticket names (findUser compares), fetched again otherwise.
      const early = slot ? unverifiedSubject(parsed?.document) : undefined;
      if (slot && early !== undefined) prefetchUser(slot, early);
      // PostgreSQL: let the reads just started (and certProvGuarded's claims read) reach the wire before the
      // signature checks occupy the thread; the driver writes a query only after a turn of its own callbacks.
      if (slot && store.kind === 'postgres') await new Promise<void>((r) => setImmediate(r));
      const r = await ticketChecks.verify(input, parsed);
      if (slot && slot.key !== normSip(r.sipUri)) prefetchUser(slot, r.sipUri);
      return r;
    },
  });
  const prefetchUser = (slot: { key?: string; user?: Promise<DirectoryUser | null> }, sipUri: string) => {
    slot.key = normSip(sipUri);
    slot.user = pool.users.findUserBySipUri(slot.key);
    slot.user.catch(() => {}); // awaited by the Entity check when it runs; a refusal before it leaves it unread
  };
  const findUser = async (sipUri: string): Promise<DirectoryUser | undefined> => {
    const key = normSip(sipUri);
    const slot = userAhead.getStore();
    return (await (slot?.key === key && slot.user ? slot.user : pool.users.findUserBySipUri(key))) ?? undefined;
  };
  // Header tickets at CertProv: compact web tickets only (bearer by issue, bound to the farm, at most the
  // ticket lifetime); the same verifier rules (issuer key, lifetime, audience) as the SAML path.
  const headerVerifier = createTicketVerifier({
    ...pool.verifierBase,
    compactTicketMaxLifetimeSeconds: Math.max(policy.ticketLifetimeSeconds ?? 900, policy.privateTicketLifetimeSeconds ?? 28800),
  });
  const headerTickets =
    policy.certProvCompactTickets !== true
      ? undefined
      : {
          verifyHeader: async (value: string) => {
            if (compactTicketOfHeader(value) === undefined)
              throw new TicketError(
                'ERR_WSTRUST_TICKET_INVALID',
                'X-MS-WebTicket: expected a compact web ticket (cwt=…); a SAML web ticket is accepted here only in the SOAP Security header with its proof-of-possession signature',
              );
            return headerVerifier.verifyToken(value);
          },
        };
  const handler = createCertProvHandler({
    ticketVerifier: verifier,
    ca: pki.ca,
    // Publications record the request's replay and ticket claims in their own transaction (replay.ts).
    store: pool.guards.certificateStore(store.certificates),
    // certprov asks only whether the user exists and is enabled (AccountDisabled / UserImproperlyProvisioned).
    userDirectory: { findUser },
    clock,
    webTicketUrl: addr.externalUrls.webTicket,
    ...(headerTickets ? { headerTicketVerifier: headerTickets } : {}),
    serverFqdn: farmFqdn,
    maxBodyBytes: faultyBodyCap(faults, limits.maxBodyBytes ?? 1024 * 1024),
    // MS-OCAUTHWS 3.1.1 Trusted Certificate Authorities: the issuing CA's chain travels with the certificate.
    chain: { include: !faults.omitIssuerChain },
    ...faultyCsrChecks(faults),
    policy: {
      ...(policy.minKeySize ? { minKeySizeBits: policy.minKeySize } : {}),
      ...(policy.maxKeySize ? { maxKeySizeBits: policy.maxKeySize } : {}),
      ...(policy.minValidityHours ? { minValidityHours: policy.minValidityHours } : {}),
      ...(policy.defaultValidityHours ? { defaultValidityHours: policy.defaultValidityHours } : {}),
      ...(policy.maxValidityHours ? { maxValidityHours: policy.maxValidityHours } : {}),
      validityOutOfRange: policy.clampValidity === false ? 'reject' : 'clamp',
      ...faultyValidityPolicy(faults),
    },
    onError: (e) =>
      logger({
        level: 'error',
        msg: 'certprov internal error',
        error: e instanceof Error ? e.name : typeof e,
        code: (e as { code?: string })?.code ?? 'unknown',
      }),
  });
  const metadata = certProvMetadata(addr.externalUrls.certProv, addr.externalUrls.webTicket);
  const certProvMex: WebHandler = async (req) =>
    req.method === 'GET' || req.method === 'POST'
      ? new Response(metadata, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } })
      : new Response(null, { status: 405 });
  const guarded = faultyCertProvHandler(
    pool.guards.certProvHandler((req) => userAhead.run({}, () => handler(req))),
    faults,
  );
  const certProv = faultyServiceDescription(
    async (req) => (req.method === 'GET' && new URL(req.url).search.toLowerCase() === '?wsdl' ? certProvMex(req) : guarded(req)),
    faults,
    'certProv',
  );
  return { certProv, certProvMex };
}

/** MS-OCAUTHWS 3.3: the Authentication Broker (seven operations, TLS-DSK with SIP registrars) and its WSDL (6.3). */
function authBrokerService(s: Setup, store: ServerStore, addr: Addresses, pool: PoolSecurity): { handler: WebHandler; close(): void } {
  const { config, faults, policy, limits, pki, clock, farmFqdn } = s;
  // Security (issue 16 item 4): proof of possession of the holder-of-key ticket by default;
  // policy.brokerAcceptUnsignedTickets admits the spec's unsigned example (4.3.1).
  const verifier: TicketVerifier = pool.guards.replayGuarded(
    faultyVerifier(
      createTicketVerifier({ ...pool.verifierBase, requireProofOfPossession: !faults.skipSignatureCheck && policy.brokerAcceptUnsignedTickets !== true }),
      faults,
    ),
  );
  // Security (issue 16 item 6): every broker call checks the ticket's account is still there and enabled.
  const enabledAccount = async <T extends { sipUri: string }>(t: T): Promise<T> => {
    const u = faultyBrokerAccount(faults, await store.users.findUserBySipUri(/^sip:/i.test(t.sipUri) ? t.sipUri : `sip:${t.sipUri}`));
    if (!u || !u.enabled)
      throw Object.assign(
        new ServerError(
          'ERR_SERVER_ACCOUNT_DISABLED',
          `web ticket: expected the account ${t.sipUri} to exist and be enabled, received ${u ? 'a disabled account' : 'an unknown account'}`,
          { field: 'sipUri' },
        ),
        { errorId: 28000 },
      );
    return t;
  };
  const broker = createAuthBrokerHandler({
    ticketVerifier: { verify: async (envelope: string) => enabledAccount({ ...(await verifier.verify(envelope)) }) },
    // MS-OCAUTHWS 1.3.3 / 3.3.4.3: the broker obtains the user's certificate from the certificate
    // provisioning side: issued by this server's CA for the session's SIP URI, published to the store.
    credentialSource: certProvCredentialSource({
      ca: pki.ca,
      store: store.certificates,
      clock,
      validityHours: policy.brokerCertificateValidityHours ?? 8,
      // MS-OCAUTHWS 3.3.4.3: a disabled account obtains no certificate (lifetime 0), not even a cached one.
      userDirectory: { findUser: async (u) => faultyBrokerAccount(faults, await store.users.findUserBySipUri(u)) ?? undefined },
    }),
    sessionStore: store.sessions,
    clock,
    sessionIdleSeconds: policy.brokerSessionIdleSeconds ?? 600,
    registrarTrust: { trustedCertificates: config.registrarTrustedCertificates ?? [pki.caCertificatePem] },
    webTicketUrl: addr.externalUrls.webTicket,
    serverFqdn: farmFqdn,
    maxBodyBytes: limits.maxBodyBytes ?? 1024 * 1024,
  });
  // MS-OCAUTHWS 6.3: the broker's service description at …/AuthBroker?wsdl.
  const wsdl = authBrokerWsdl(addr.externalUrls.authBroker, addr.externalUrls.webTicket);
  const faulty = faultyBrokerHandler(broker, faults);
  const handler = faultyServiceDescription(
    async (req) =>
      req.method === 'GET' && new URL(req.url).search.toLowerCase() === '?wsdl'
        ? new Response(wsdl, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } })
        : faulty(req),
    faults,
    'authBroker',
  );
  return { handler, close: () => broker.close() };
}

/** [MS-SIPAE] TLS-DSK: the laboratory SIP registrar, when `sip.port` is configured. */
async function sipRegistrar(s: Setup, addr: Addresses, pool: PoolSecurity): Promise<{ registrar: RunningSipRegistrar; fqdn: string } | undefined> {
  const { config, pki, faults, logger } = s;
  const fqdn = (config.sip?.fqdn ?? s.farmFqdn).toLowerCase();
  if (config.sip?.port === undefined) return undefined;
  const registrar = await startSipRegistrar({
    host: config.sip.host ?? s.host,
    port: config.sip.port,
    certificatePem: pki.tlsCertificatePem,
    privateKeyPem: pki.tlsKeyPem,
    clientCaPem: pki.caCertificatePem,
    fqdn,
    stsUri: () => addr.externalUrls.certProv,
    certificateValidator: pool.clientCertificateValidator,
    userEnabled: async (sipUri) => (await pool.users.findUserBySipUri(sipUri))?.enabled === true,
    logger,
    ...(faults.sipSkipSignatureCheck ? { skipSignatureCheck: true } : {}),
  });
  return { registrar, fqdn };
}

/** Lync Autodiscover (MS-OCAUTHWS 1.5): anonymous Root links, and the User links behind a web ticket. */
function autodiscoverService(s: Setup, addr: Addresses, pool: PoolSecurity, sip: { registrar: RunningSipRegistrar; fqdn: string } | undefined): WebHandler {
  const { config, faults, farmFqdn } = s;
  const verifier = createTicketVerifier({
    ...pool.verifierBase,
    ...(faults.skipAudienceCheck ? {} : { audience: addr.farm.map((f) => f + SERVICE_PATHS.autodiscover.slice(1)) }),
  });
  const sipFqdn = sip?.fqdn ?? (config.sip?.fqdn ?? farmFqdn).toLowerCase();
  return faultyAutodiscoverHandler(
    createAutodiscoverHandler({
      // With an externalUrl both link sets name it: the listen origin is not a client-reachable address.
      links: () => ({ internalBase: config.externalUrl ? addr.external : addr.origin, externalBase: addr.external }),
      sip: () => ({ fqdn: sipFqdn, port: sip?.registrar.port ?? 5061 }),
      webTicketUrl: () => addr.externalUrls.webTicket,
      // SAML (opaque=…) or compact (cwt=…, also as Authorization: Bearer cwt=…) tickets; like every service
      // here, a ticket of a user disabled since it was issued no longer opens anything.
      verifyTicket: async (h) => {
        const t = await verifier.verifyToken(h);
        const u = await pool.users.findUserBySipUri(t.sipUri);
        if (!u || !u.enabled) throw new TicketError('ERR_WSTRUST_TICKET_INVALID', `web ticket: the user ${t.sipUri} is ${u ? 'disabled' : 'unknown'}`);
        return t;
      },
      serverFqdn: farmFqdn,
    }),
    faults,
  );
}

/** The RunningServer handle: addresses, key material to trust, the in-process handler, and close(). */
function runningServer(
  s: Setup,
  store: ServerStore,
  demoUser: DemoUser,
  addr: Addresses,
  site: Site,
  sip: { port: number; fqdn: string } | undefined,
  closeServices: () => Promise<void> | undefined,
): RunningServer {
  let closed: Promise<void> | undefined;
  return {
    url: addr.origin,
    port: site.port,
    caCertificatePem: s.pki.caCertificatePem,
    tlsCertificatePem: s.pki.tlsCertificatePem,
    demoUser,
    paths: { ...SERVICE_PATHS },
    urls: addr.urls,
    externalUrl: addr.external,
    externalUrls: addr.externalUrls,
    dataDir: s.dataDir,
    store,
    farmFqdn: s.farmFqdn,
    ...(sip ? { sip } : {}),
    handler: async (req: Request) => {
      const h = site.route(new URL(req.url).pathname);
      return h ? h(req) : new Response(null, { status: 404 });
    },
    close: () =>
      (closed ??= (async () => {
        await closeServices();
        await site.close();
        await store.close();
        if (s.ephemeral) rmSync(s.dataDir, { recursive: true, force: true });
        s.logger({ level: 'info', msg: 'closed', url: addr.origin });
      })()),
  };
}
