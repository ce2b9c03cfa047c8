// The embedded reference target: the three MS-OCAUTHWS services of @ocauth/wstrust, @ocauth/certprov
// and @ocauth/authbroker composed behind node:https on 127.0.0.1 (ephemeral port), on the paths real
// pools use, with a freshly generated PKI. Used when `ocauth conformance` runs without --target.
// TODO(server): once @ocauth/server exports startServer, build the target from it instead
// (`const s = await startServer({ users: [...], faults })` → { url: s.url, trust: s.caCertificatePem, ... }).
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTicketVerifier, createWebTicketHandler, keyNameOf, MemoryUserDirectory, type UserDirectory } from '@ocauth/wstrust';
import { CertificateAuthority, createCertProvHandler, MemoryCertificateStore, type CertProvTicketVerifier } from '@ocauth/certprov';
import { certProvCredentialSource, createAuthBrokerHandler } from '@ocauth/authbroker';
import { issueCertificate } from './pki.js';
import type { Target } from './target.js';

export const PATHS = {
  webTicket: '/WebTicket/WebTicketService.svc',
  certProv: '/CertProv/CertProvisioningService.svc',
  authBroker: '/Reach/Sip.svc/AuthBroker',
} as const;

/**
 * Deliberately broken configurations, for the runner's negative self-test: each disables one
 * security check so the suite must report the requirement ids that catch it.
 */
export interface EmbeddedFaults {
  /** Web Ticket Service: any PIN is accepted for a known identity. */
  acceptAnyPin?: boolean;
  /** Certificate Provisioning: the web ticket's signatures (issuer and proof of possession) are not checked. */
  skipSignatureCheck?: boolean;
  /** Certificate Provisioning / broker: timestamps and ticket expiry are not checked (ten years of skew). */
  skipTimestampCheck?: boolean;
}

export interface EmbeddedTarget extends Target {
  close(): Promise<void>;
}

const DEMO = { sipUri: 'sip:alice@contoso.test', phone: '+15550100', pin: '13579', password: 'Alice-pw-1!' };

export async function startEmbeddedTarget(opts: { faults?: EmbeddedFaults } = {}): Promise<EmbeddedTarget> {
  const faults = opts.faults ?? {};
  const root = issueCertificate({ subjectCn: 'ocauth embedded root CA', ca: true, days: 30 });
  const tls = issueCertificate({ subjectCn: 'localhost', issuer: root, dns: ['localhost'], ips: ['127.0.0.1'], eku: ['1.3.6.1.5.5.7.3.1'] });
  const signer = issueCertificate({ subjectCn: 'webticket.ocauth.test', issuer: root });
  const registrar = issueCertificate({ subjectCn: 'sip.ocauth.test', issuer: root, dns: ['sip.ocauth.test'], eku: ['1.3.6.1.5.5.7.3.1'] });
  const ca = CertificateAuthority.load(root.certificatePem, root.privateKey);
  const poolBytes = randomBytes(32);
  const poolKey = { keyName: keyNameOf(poolBytes), key: poolBytes };
  const users = new MemoryUserDirectory()
    .add({ sipUri: DEMO.sipUri, enabled: true }, { pin: DEMO.pin, phone: [DEMO.phone], password: DEMO.password })
    .add({ sipUri: 'sip:disabled@contoso.test', enabled: false }, { pin: '24680', phone: ['+15550200'], password: 'Disabled-pw-1!' });
  const directory: UserDirectory = faults.acceptAnyPin
    ? {
        findUserBySipUri: (u) => users.findUserBySipUri(u),
        verifyPassword: (u, p) => users.verifyPassword(u, p),
        verifyPin: async (identity) => (identity === DEMO.phone || identity === DEMO.sipUri ? users.findUserBySipUri(DEMO.sipUri) : null),
      }
    : users;
  const store = new MemoryCertificateStore();

  const server = https.createServer({ key: tls.privateKeyPem, cert: tls.certificatePem });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const skewSeconds = faults.skipTimestampCheck ? 10 * 365 * 86_400 : 300;

  const webTicket = createWebTicketHandler({
    serviceUrl: `${base}${PATHS.webTicket}`,
    signingKey: signer.privateKey,
    certificate: signer.certificate,
    poolKey,
    farm: [`${base}/`],
    userDirectory: directory,
  });
  const realCertProvVerifier = createTicketVerifier({ issuerCertificates: [signer.certificate], poolKeys: [poolKey], skewSeconds, audience: `${base}/` });
  const certProvVerifier: CertProvTicketVerifier = faults.skipSignatureCheck
    ? {
        // Broken on purpose: trusts the NameIdentifier of whatever assertion is sent.
        async verify(xml) {
          try { return await realCertProvVerifier.verify(xml); } catch (e) {
            const m = /NameIdentifier[^>]*>\s*([^<\s]+)\s*</.exec(xml);
            if (m) return { sipUri: m[1]! };
            throw e;
          }
        },
      }
    : realCertProvVerifier;
  const certProv = createCertProvHandler({
    ticketVerifier: certProvVerifier,
    ca,
    store,
    webTicketUrl: `${base}${PATHS.webTicket}`,
    serverFqdn: '127.0.0.1',
    userDirectory: { findUser: async (u) => (await users.findUserBySipUri(u.startsWith('sip:') ? u : `sip:${u}`)) ?? undefined },
  });
  const brokerVerifier = createTicketVerifier({ issuerCertificates: [signer.certificate], poolKeys: [poolKey], skewSeconds, audience: `${base}/`, requireProofOfPossession: false });
  const broker = createAuthBrokerHandler({
    ticketVerifier: { verify: async (xml, parsed) => ({ ...(await brokerVerifier.verify(parsed?.document ?? xml)) }) },
    credentialSource: certProvCredentialSource({ ca, store }),
    registrarTrust: { trustedCertificates: [root.certificatePem] },
    webTicketUrl: `${base}${PATHS.webTicket}`,
    sweepIntervalSeconds: 0,
  });

  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 4 * 1024 * 1024) tooBig = true; // transport cap above the handlers' own 1 MiB limits
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        try {
          if (tooBig) { res.writeHead(413, { 'content-type': 'text/plain' }); res.end('request body too large'); return; }
          const path = (req.url ?? '/').split('?')[0]!;
          const h = path.startsWith('/WebTicket/') ? webTicket : path.startsWith('/CertProv/') ? certProv : path.startsWith(PATHS.authBroker) ? broker : undefined;
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
          const method = req.method ?? 'GET';
          const request = new Request(`${base}${req.url ?? '/'}`, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }) });
          const r = h ? await h(request) : new Response('not found', { status: 404 });
          const out: Record<string, string> = {};
          r.headers.forEach((v, k) => { out[k] = v; });
          res.writeHead(r.status, out);
          res.end(Buffer.from(await r.arrayBuffer()));
        } catch {
          // Never leaks internals: the handlers answer their own faults; this is a last resort.
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error');
        }
      })();
    });
  });

  return {
    url: base,
    trust: root.certificatePem,
    user: DEMO.sipUri,
    phone: DEMO.phone,
    pin: DEMO.pin,
    password: DEMO.password,
    disabledUser: { sipUri: 'sip:disabled@contoso.test', phone: '+15550200', pin: '24680' },
    registrar: { certificatePem: registrar.certificatePem, privateKeyPem: registrar.privateKeyPem },
    embedded: true,
    close: async () => {
      (broker as unknown as { close?: () => void }).close?.();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
