// End to end through the public API over real HTTPS on loopback: a PIN ticket from the Web Ticket
// Service (401 X-MS-WebTicketURL discovery), a certificate from the Certificate Provisioning Service,
// a second ticket on the Cert binding with that certificate (store-backed validator), and a TLS-DSK
// handshake through the Authentication Broker with a SIP registrar peer — both sides derive the same keys.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, WebTicketClient, discoverFromMetadata } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { AuthBrokerClient, TlsDskRegistrarPeer } from '@ocauth/authbroker';
import { createHttpsFetch, issueServerCertificate, startServer, type LogEntry, type RunningServer } from '@ocauth/server';
import { hasTool, runTool } from '../../../testing/tools.js';

const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';
let srv: RunningServer;
let f: typeof fetch;
const logs: LogEntry[] = [];

beforeAll(async () => {
  srv = await startServer({
    store: { kind: 'memory' },
    farmFqdn: 'pool0.ocauth.test',
    logger: (e) => logs.push(e),
    users: [
      { sipUri: 'sip:off@ocauth.test', pin: '24680', phones: ['+15550111'], enabled: false },
      { sipUri: 'sip:bob@ocauth.test', password: 'b0b-secret', accounts: ['OCAUTH\\bob'] },
    ],
  });
  f = createHttpsFetch({ ca: srv.caCertificatePem });
});
afterAll(async () => srv?.close());

describe('startServer', () => {
  it('listens on https://127.0.0.1 with a TLS certificate issued by its CA for the farm FQDN, localhost and 127.0.0.1', () => {
    expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const tls = new X509Certificate(srv.tlsCertificatePem);
    const ca = new X509Certificate(srv.caCertificatePem);
    expect(tls.verify(ca.publicKey)).toBe(true);
    expect(tls.subjectAltName).toContain('DNS:pool0.ocauth.test');
    expect(tls.subjectAltName).toContain('DNS:localhost');
    expect(tls.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(srv.demoUser.sipUri).toBe('sip:demo@ocauth.test');
    expect(srv.demoUser.pin).toMatch(/^\d{6}$/);
    expect(srv.paths).toEqual({
      webTicket: '/WebTicket/WebTicketService.svc',
      certProv: '/CertProv/CertProvisioningService.svc',
      authBroker: '/Reach/Sip.svc/AuthBroker',
      autodiscover: '/Autodiscover/AutodiscoverService.svc/root',
    });
  });

  it.runIf(hasTool('openssl', ['version']))('openssl verifies the TLS certificate against the CA for purpose sslserver', () => {
    const out = runTool('openssl', [
      'verify',
      '-purpose',
      'sslserver',
      '-CAfile',
      join(srv.dataDir, 'ca-cert.pem'),
      join(srv.dataDir, 'tls-cert.pem'),
    ]).toString();
    expect(out).toContain(': OK');
  });

  it('ticket (PIN) → certificate → ticket (Cert binding) → AuthBroker TLS-DSK handshake with a registrar', async () => {
    const pinClient = new WebTicketClient({
      credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin },
      fetch: f,
      sipUri: srv.demoUser.sipUri,
    });
    const cert = await requestCertificate({
      url: srv.urls.certProv,
      sipUri: srv.demoUser.sipUri,
      webTicketClient: pinClient,
      fetch: f,
      validity: { period: 'Months', units: 6 },
    });
    expect(cert.certificate.subject).toBe('CN=demo@ocauth.test');
    expect(cert.certificate.verify(new X509Certificate(srv.caCertificatePem).publicKey)).toBe(true);
    const stored = await srv.store.certificates.findBySerial(cert.certificate.serialNumber);
    expect(stored && Buffer.from(stored.der).equals(cert.certificate.raw)).toBe(true);

    // Cert binding: the issued certificate authenticates the user to the Web Ticket Service.
    const certClient = new WebTicketClient({ credentials: { type: 'certificate', certificate: cert.certificate, privateKey: cert.privateKey }, fetch: f });
    const ticket = await certClient.getTicket(srv.urls.authBroker, srv.urls.webTicket);
    expect(ticket.assertionXml).toContain('sip:demo@ocauth.test');

    // Authentication Broker: the broker obtains the user's certificate from this server's CA and runs TLS-DSK.
    const broker = new AuthBrokerClient({
      url: srv.urls.authBroker,
      webTicket: ticket.assertionXml,
      fetch: f,
      signEnvelope: (envelope, { webTicket, now }) =>
        signMessage({ envelope, proofKey: ticket.proofKey, assertionId: ticket.assertionId, token: webTicket, now }),
    });
    const { sessionId } = await broker.createSessionV2();
    expect(await srv.store.sessions.get(sessionId)).toMatchObject({ id: sessionId, sipUri: 'sip:demo@ocauth.test' });
    expect(await broker.acquireCredentialV2(sessionId, SIP_INSTANCE, ['SHA256'])).toBeGreaterThan(3600);
    const caKey = readFileSync(join(srv.dataDir, 'ca-key.pem'), 'utf8');
    const reg = issueServerCertificate(srv.caCertificatePem, caKey, ['sipfe.ocauth.test']);
    const peer = new TlsDskRegistrarPeer({
      credential: { certificate: reg.certificatePem, privateKey: reg.privateKeyPem },
      trustedClientCertificates: [srv.caCertificatePem],
      protocol: 'TLSv1.2',
    });
    let last: Awaited<ReturnType<TlsDskRegistrarPeer['respond']>> | undefined;
    const keys = await broker.handshake({
      sessionId,
      target: 'sipfe.ocauth.test',
      version: 2,
      exchange: async (t) => (last = await peer.respond(t)).gssapiData,
    });
    expect(last?.done).toBe(true);
    expect(Buffer.from(keys.clientSigningKey).equals(Buffer.from(last!.keys!.clientSigningKey))).toBe(true);
    expect(Buffer.from(keys.serverSigningKey).equals(Buffer.from(last!.keys!.serverSigningKey))).toBe(true);
    expect(last!.clientCertificate!.subject).toBe('CN=demo@ocauth.test');
    // The broker's credential was published to the same store (the registrar's lookup sees it).
    expect(await srv.store.certificates.findBySerial(last!.clientCertificate!.serialNumber)).toBeDefined();
    await broker.terminateSession(sessionId);
  });

  it('seeded users: a disabled user is refused (28000), a password user gets a ticket on the Auth binding', async () => {
    const off = new WebTicketClient({ credentials: { type: 'pin', identity: '+15550111', pin: '24680' }, fetch: f });
    const e = (await off.getTicket(srv.urls.certProv, srv.urls.webTicket).catch((x: unknown) => x)) as { errorId?: number };
    expect(e.errorId).toBe(28000);
    const bob = new WebTicketClient({ credentials: { type: 'password', username: 'OCAUTH\\bob', password: 'b0b-secret' }, fetch: f });
    expect((await bob.getTicket(srv.urls.certProv, srv.urls.webTicket)).assertionXml).toContain('sip:bob@ocauth.test');
  });

  it('a wrong PIN is refused with 28024 and no ticket', async () => {
    const c = new WebTicketClient({ credentials: { type: 'pin', identity: srv.demoUser.phone, pin: '000000' }, fetch: f });
    const e = (await c.getTicket(srv.urls.certProv, srv.urls.webTicket).catch((x: unknown) => x)) as { errorId?: number };
    expect(e.errorId).toBe(28024);
  });

  it('CertProv MEX names the Web Ticket Service as the issuer (proof key, EndorsingSupportingTokens)', async () => {
    const r = await f(`${srv.urls.certProv}/mex`);
    expect(r.status).toBe(200);
    expect(discoverFromMetadata(await r.text())).toEqual([{ webTicketUrl: srv.urls.webTicket, proof: true }]);
    const wsdl = await f(`${srv.urls.webTicket}?wsdl`);
    expect(wsdl.status).toBe(200);
    expect(await wsdl.text()).toContain('wsdl:definitions');
  });

  it('Autodiscover: anonymous /root carries Root/Link User (as pidgin-sipe follows) and the 1.5 User links; /root/user needs a web ticket', async () => {
    const x = await f(srv.urls.autodiscover, { headers: { accept: 'application/vnd.microsoft.rtc.autodiscover+xml;v=1' } });
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toMatch(/^application\/vnd\.microsoft\.rtc\.autodiscover\+xml/);
    const xml = await x.text();
    expect(xml).toContain('<AutodiscoverResponse AccessLocation="Internal"');
    expect(xml).toContain(`<Root><Link token="User" href="${srv.urls.autodiscover}/user"/>`);
    expect(xml).toContain(`<Link token="Internal/AuthBroker" href="${srv.url}/Reach/sip.svc"/>`);
    expect(xml).toContain(`<Link token="External/Autodiscover" href="${srv.url}/Autodiscover/AutodiscoverService.svc/root"/>`);
    expect(xml).toContain('<SipClientExternalAccess fqdn="pool0.ocauth.test" port="5061"/>');
    if (hasTool('xmllint', ['--version'])) expect(runTool('xmllint', ['--noout', '-'], xml).toString()).toBe('');
    const j = (await (await f(srv.urls.autodiscover, { headers: { accept: 'application/json' } })).json()) as {
      User: { Links: { token: string; href: string }[] };
    };
    expect(j.User.Links.find((l) => l.token === 'Internal/CertProvisioningService')?.href).toBe(srv.urls.certProv);

    const userUrl = `${srv.urls.autodiscover}/user`;
    const anon = await f(userUrl);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('x-ms-webticketurl')).toBe(srv.urls.webTicket);
    const forged = await f(userUrl, { headers: { 'x-ms-webticket': 'opaque=PHg+' } });
    expect(forged.status).toBe(401);
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin }, fetch: f });
    const ticket = await client.getTicket(userUrl, anon.headers.get('x-ms-webticketurl')!);
    const user = await f(userUrl, { headers: { 'x-ms-webticket': client.headerValue(ticket) } });
    expect(user.status).toBe(200);
    const userXml = await user.text();
    expect(userXml).not.toContain('<Root>');
    expect(userXml).toContain(`<Link token="Self" href="${userUrl}"/>`);
  });

  it('logs one structured entry per request and never a PIN or password', () => {
    expect(logs.some((l) => l.msg === 'request' && l.status === 200)).toBe(true);
    const text = JSON.stringify(logs);
    expect(text).not.toContain(srv.demoUser.pin);
    expect(text).not.toContain(srv.demoUser.password);
  });
});
