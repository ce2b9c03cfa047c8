// The embedded target: @ocauth/server's reference server on 127.0.0.1 (startEmbeddedTarget), and the
// same services composed in-process from @ocauth/wstrust, @ocauth/certprov and @ocauth/authbroker behind
// node:https (startComposedTarget), on the paths real pools use.
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTicketVerifier, createWebTicketHandler, keyNameOf, MemoryUserDirectory, type DirectoryUser, type UserDirectory } from '@ocauth/wstrust';
import { CertificateAuthority, createCertProvHandler, MemoryCertificateStore, storeCertificateValidator } from '@ocauth/certprov';
import { certProvCredentialSource, createAuthBrokerHandler } from '@ocauth/authbroker';
import { formatMsDiagnostics, webTicketDiagnostics } from '@ocauth/diagnostics';
import { authBrokerWsdl, certProvMetadata, issueServerCertificate, nodeListener, startServer, type ServerFaults } from '@ocauth/server';
import type { Target } from './target.js';
import { hasOpenSsl, OpenSslRegistrar, type RegistrarPeer, type RegistrarProtocol } from './openssl-registrar.js';

/** Deliberately broken configurations (the negative self-test): exactly @ocauth/server's ServerConfig.faults. */
export type EmbeddedFaults = ServerFaults;

export interface EmbeddedTarget extends Target {
  close(): Promise<void>;
}

export const DEMO_USER = { sipUri: 'sip:alice@contoso.test', phone: '+15550100', pin: '13579', password: 'Password!1' } as const;

/** The TLS-DSK registrar: `openssl s_server` (no code shared with @ocauth/authbroker); none without an openssl binary (the checks then say so). */
function opensslRegistrar(cred: { pem: string; keyPem: string }, trusted: string[]): ((protocol?: RegistrarProtocol) => RegistrarPeer) | undefined {
  if (!hasOpenSsl()) return undefined;
  return (protocol: RegistrarProtocol = 'TLSv1') =>
    new OpenSslRegistrar({ certificatePem: cred.pem, privateKeyPem: cred.keyPem, trustedClientCertificates: trusted, protocol });
}

/**
 * A throw-away PKI for the runner's own endpoints: a root made by @ocauth/certprov's CertificateAuthority
 * with a key we hold, and TLS certificates issued from it by @ocauth/server's issueServerCertificate.
 */
function testPki(commonName: string): { caPem: string; issue: (names: string[]) => { pem: string; keyPem: string; privateKey: KeyObject } } {
  const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ca = CertificateAuthority.create({ commonName, keyPair, validityDays: 30 });
  const caKeyPem = keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    caPem: ca.certificatePem,
    issue: (names) => {
      const c = issueServerCertificate(ca.certificatePem, caKeyPem, names, 30);
      return { pem: c.certificatePem, keyPem: c.privateKeyPem, privateKey: createPrivateKey(c.privateKeyPem) };
    },
  };
}

function faultyDirectory(d: UserDirectory, f: EmbeddedFaults): UserDirectory {
  if (!f.acceptAnyPin) return d;
  return {
    findUserBySipUri: (s) => d.findUserBySipUri(s),
    verifyPassword: (u, p) => d.verifyPassword(u, p),
    // FAULT: any PIN is accepted for the demo user's phone number.
    verifyPin: async (identity, pin) => (await d.verifyPin(identity, pin)) ?? (identity === DEMO_USER.phone ? d.findUserBySipUri(DEMO_USER.sipUri) : null),
  };
}

/**
 * Start the embedded reference target: @ocauth/server's startServer() on 127.0.0.1 (ephemeral port,
 * temporary data directory, demo user), plus a SIP registrar peer for the TLS-DSK leg.
 * @throws {ServerConfigError} ERR_SERVER_CONFIG (rejects) when `faults` names an unknown fault.
 * @throws {StoreError} ERR_SERVER_STORE_OPEN (rejects) when the store in the temporary data directory cannot be opened;
 *   Node's own error when the temporary directory cannot be created or a port cannot be bound.
 */
export async function startEmbeddedTarget(opts: { faults?: EmbeddedFaults } = {}): Promise<EmbeddedTarget> {
  const sipPki = testPki('ocauth conformance SIP registrar CA');
  const registrarCred = sipPki.issue(['sip.contoso.test']);
  const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-conformance-'));
  // The server's clock runs with an offset the runner can move (the 3.3.2 session expiration timer).
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const brokerIdleSeconds = 120;
  // A second provisioned user: the Entity ⇔ ticket binding is judged with a user the server knows.
  const other = { sipUri: 'sip:bob@ocauth.test', pin: randomBytes(6).toString('hex'), password: randomBytes(12).toString('base64url') };
  const srv = await startServer({
    users: [other],
    // Default certificate policy (one certificate per ticket): the suite takes a fresh ticket for each
    // GetAndPublishCert request (RunContext.freshTicket), as it must against any pool.
    dataDir,
    logger: false,
    clock,
    policy: { brokerSessionIdleSeconds: brokerIdleSeconds },
    registrarTrustedCertificates: [sipPki.caPem],
    sip: { port: 0 },
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  type Twin = { url: string; close(): Promise<void> };
  let sibling: Promise<Twin> | undefined;
  let otherFarm: Promise<Twin> | undefined;
  // A second server from a copy of this one's data directory: with the pool key (another farm) or
  // without it (another Web server of this farm, with its own proof-key key).
  const twin = async (withPoolKey: boolean): Promise<Twin> => {
    const dir2 = mkdtempSync(join(tmpdir(), 'ocauth-conformance-'));
    for (const f of readdirSync(dataDir))
      if (/\.pem$|^demo-user\.json$/.test(f) || (withPoolKey && /^pool-key/.test(f))) copyFileSync(join(dataDir, f), join(dir2, f));
    const s2 = await startServer({ dataDir: dir2, logger: false, ...(withPoolKey ? {} : { farm: [`${srv.url}/`] }) });
    return {
      url: s2.url,
      close: async () => {
        await s2.close();
        rmSync(dir2, { recursive: true, force: true });
      },
    };
  };
  return {
    baseUrl: srv.url,
    ca: srv.caCertificatePem,
    // No issuerCertificates: the issuing CA must be located from what the server sends (3.1.1).
    user: srv.demoUser.sipUri,
    otherUser: other.sipUri,
    setUserEnabled: async (sipUri: string, enabled: boolean) => {
      await srv.store.users.setEnabled(sipUri, enabled);
    },
    phone: srv.demoUser.phone,
    pin: srv.demoUser.pin,
    password: srv.demoUser.password,
    registrar: opensslRegistrar(registrarCred, [srv.caCertificatePem]),
    // The server's laboratory SIP registrar (TLS-DSK): the SIP leg of a sign-in.
    ...(srv.sip ? { sip: { host: '127.0.0.1', port: srv.sip.port } } : {}),
    // Another Web server of the same pool (MS-OCAUTHWS 3.2, ErrorId 28034): same CA, TLS and signing
    // certificate and users, its own proof-key (pool) key, serving this server's farm.
    otherWebServer: async () => ({ webTicketUrl: `${(await (sibling ??= twin(false))).url}/WebTicket/WebTicketService.svc` }),
    // Another farm that shares the ticket-signing certificate and the proof-key key (a copied data
    // directory): its tickets are genuine in every respect but their audience.
    otherFarm: async () => {
      const f = await (otherFarm ??= twin(true));
      return { webTicketUrl: `${f.url}/WebTicket/WebTicketService.svc`, certProvUrl: `${f.url}/CertProv/CertProvisioningService.svc` };
    },
    clock: {
      now: clock,
      advance: (ms: number) => {
        offsetMs += ms;
      },
    },
    brokerIdleSeconds,
    embedded: true,
    close: async () => {
      for (const t of [sibling, otherFarm]) if (t) await (await t).close();
      await srv.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The same services composed in-process from the protocol packages (wstrust, certprov, authbroker)
 * behind node:https, without @ocauth/server: a second deployment the suites run against, and the
 * runner's fallback when the server package is unavailable.
 * @throws never an ocauth error (its configuration is fixed; `faults` values are only read); Node's own error when key
 *   generation fails or no loopback port can be bound (the promise rejects with it).
 */
export async function startComposedTarget(opts: { faults?: EmbeddedFaults } = {}): Promise<EmbeddedTarget> {
  const faults = opts.faults ?? {};
  const pki = testPki('ocauth conformance test CA');
  const tls = pki.issue(['127.0.0.1', 'localhost']);
  const registrarCred = pki.issue(['sip.contoso.test']);
  const poolBytes = randomBytes(32);
  const poolKey = { keyName: keyNameOf(poolBytes), key: poolBytes };
  const ca = CertificateAuthority.create({ commonName: 'ocauth embedded CA', keySizeBits: 2048 });
  const store = new MemoryCertificateStore();
  const OTHER_USER = 'sip:bob@contoso.test';
  const users = new MemoryUserDirectory()
    .add({ sipUri: DEMO_USER.sipUri, enabled: true } as DirectoryUser, { pin: DEMO_USER.pin, phone: [DEMO_USER.phone], password: DEMO_USER.password })
    .add({ sipUri: OTHER_USER, enabled: true } as DirectoryUser, { pin: randomBytes(6).toString('hex'), password: randomBytes(12).toString('base64url') });
  const directory = faultyDirectory(users, faults);
  let base = '';
  const handlers: { prefix: string; h: (r: Request) => Promise<Response> }[] = [];
  // The request is bound by @ocauth/server's one Node → Request adapter (body cap 4 MiB); routing by prefix here.
  const server = https.createServer(
    { key: tls.keyPem, cert: tls.pem },
    nodeListener(
      async (r) => {
        const u = new URL(r.url);
        const path = u.pathname + u.search;
        const found = handlers.find((x) =>
          x.prefix.includes('?')
            ? path.toLowerCase() === x.prefix.toLowerCase() && r.method === 'GET'
            : u.pathname.toLowerCase().startsWith(x.prefix.toLowerCase()),
        );
        return found ? found.h(r) : new Response('not found', { status: 404 });
      },
      { origin: () => base, maxBodyBytes: 4 << 20 },
    ),
  );
  // A port that cannot be bound rejects here (Node's error, e.g. EADDRNOTAVAIL), never an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const webTicketUrl = `${base}/WebTicket/WebTicketService.svc`;
  const certProvUrl = `${base}/CertProv/CertProvisioningService.svc`;
  const authBrokerUrl = `${base}/Reach/Sip.svc/AuthBroker`;
  const signer = new X509Certificate(tls.pem);
  const verifier = createTicketVerifier({
    issuerCertificates: [signer],
    poolKeys: [poolKey],
    audience: [certProvUrl, authBrokerUrl, `${base}/`],
    ...(faults.skipTimestampCheck ? { skewSeconds: 10 * 365 * 86400 } : {}),
  });
  // FAULT skipSignatureCheck: take the SIP URI from the assertion without verifying anything.
  const unchecked = {
    async verify(envelope: string) {
      const sip = /NameIdentifier[^>]*>([^<]+)</.exec(envelope)?.[1] ?? DEMO_USER.sipUri;
      const id = /AssertionID="([^"]+)"/.exec(envelope)?.[1] ?? 'unchecked';
      return { sipUri: sip.startsWith('sip:') ? sip : `sip:${sip}`, assertionId: id };
    },
  };
  const ticketVerifier = faults.skipSignatureCheck ? unchecked : { verify: (e: string) => verifier.verify(e) };
  handlers.push(
    {
      prefix: '/WebTicket/',
      h: createWebTicketHandler({
        serviceUrl: webTicketUrl,
        signingKey: tls.privateKey,
        certificate: signer,
        poolKey,
        farm: [`${base}/`],
        userDirectory: directory,
        certificateValidator: storeCertificateValidator(store),
      }),
    },
    // MS-OCAUTHWS 6.1 / 6.3: the service descriptions at ?wsdl (as @ocauth/server serves them).
    {
      prefix: '/CertProv/CertProvisioningService.svc?wsdl',
      h: async () => new Response(certProvMetadata(certProvUrl, webTicketUrl), { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } }),
    },
    {
      prefix: '/Reach/Sip.svc/AuthBroker?wsdl',
      h: async () => new Response(authBrokerWsdl(authBrokerUrl, webTicketUrl), { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } }),
    },
    {
      prefix: '/CertProv/',
      h: createCertProvHandler({
        ticketVerifier,
        ca,
        store,
        webTicketUrl,
        serverFqdn: 'localhost',
        chain: { include: true, certificates: [pki.caPem] }, // 3.1.1 Trusted Certificate Authorities: the TLS CA too
        userDirectory: { findUser: async (u) => (await users.findUserBySipUri(u)) ?? undefined },
      }),
    },
    {
      prefix: '/Reach/Sip.svc/AuthBroker',
      h: createAuthBrokerHandler({
        ticketVerifier: ticketVerifier as never,
        credentialSource: certProvCredentialSource({ ca, store, userDirectory: { findUser: async (u) => (await users.findUserBySipUri(u)) ?? undefined } }),
        webTicketUrl,
        sweepIntervalSeconds: 0,
        registrarTrust: { trustedCertificates: [pki.caPem] },
      }),
    },
    {
      prefix: '/Autodiscover/AutodiscoverService.svc/root',
      // MS-OCAUTHWS 1.5: the User links name the AuthBroker service; …/root/user wants an X-MS-WebTicket
      // and answers a refused one with X-Ms-diagnostics (3.2).
      h: async (req) => {
        if (/\/root\/user\/?$/i.test(new URL(req.url).pathname)) {
          const header = req.headers.get('x-ms-webticket');
          let errorId = 28032;
          if (header) {
            try {
              await verifier.verifyToken(header);
              errorId = 0;
            } catch (e) {
              errorId = (e as { errorId?: number }).errorId ?? 28032;
            }
          }
          if (errorId)
            return new Response(null, {
              status: 401,
              headers: {
                'x-ms-webticketurl': webTicketUrl,
                ...(header ? { 'x-ms-diagnostics': formatMsDiagnostics(webTicketDiagnostics(errorId, { source: 'localhost' })) } : {}),
              },
            });
        }
        return new Response(
          `<AutodiscoverResponse AccessLocation="Internal" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><User><Link token="Internal/Autodiscover" href="${base}/Autodiscover/AutodiscoverService.svc/root"/><Link token="Internal/AuthBroker" href="${base}/Reach/Sip.svc"/><Link token="External/AuthBroker" href="${base}/Reach/Sip.svc"/></User></AutodiscoverResponse>`,
          { status: 200, headers: { 'content-type': 'application/vnd.microsoft.rtc.autodiscover+xml; v=1' } },
        );
      },
    },
  );
  return {
    baseUrl: base,
    ca: pki.caPem,
    user: DEMO_USER.sipUri,
    otherUser: OTHER_USER,
    phone: DEMO_USER.phone,
    pin: DEMO_USER.pin,
    password: DEMO_USER.password,
    // The SIP registrar side of the TLS-DSK handshake (a real pool's front end is not reachable over HTTPS).
    registrar: opensslRegistrar(registrarCred, [ca.certificate.toString()]),
    embedded: true,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
