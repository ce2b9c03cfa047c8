// startServer end to end over HTTPS on 127.0.0.1, only through public client APIs: web tickets
// (PIN and password bindings), a GetAndPublishCert certificate that chains to the server's CA
// (node:crypto and `openssl verify` as independent checks), an Authentication Broker session whose
// TLS-DSK handshake completes against a registrar peer, Autodiscover links, and a restart that
// keeps the CA, TLS certificate and issued certificates (SQLite in dataDir).
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, WebTicketClient } from '@ocauth/wstrust';
import { buildGetAndPublishCertRequest, generateCsr, requestCertificate, storeCertificateValidator } from '@ocauth/certprov';
import { AuthBrokerClient } from '@ocauth/authbroker';
import { createHttpsFetch, startServer, type LogEntry, type RunningServer } from '../src/internal/refserver/index.js';
import { hasTool, runTool } from '../../../testing/tools.js';

const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';
const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-refserver-e2e-'));
const logs: LogEntry[] = [];
let server: RunningServer;
let f: ReturnType<typeof createHttpsFetch>;
let issuedSerial = '';
let issuedCredential: { certificate: string; privateKey: string } | undefined;

beforeAll(async () => {
  server = await startServer({ dataDir, farmFqdn: 'pool.contoso.test', logger: (e) => logs.push(e) });
  f = createHttpsFetch({ ca: server.caCertificatePem });
});
afterAll(async () => {
  f?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('startServer over HTTPS (SQLite store in dataDir)', () => {
  it('listens on https://127.0.0.1:PORT with a TLS certificate for the farm FQDN, localhost and 127.0.0.1 issued by its CA', () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const tls = new X509Certificate(server.tlsCertificatePem);
    const ca = new X509Certificate(server.caCertificatePem);
    expect(tls.verify(ca.publicKey)).toBe(true);
    expect(tls.subjectAltName).toContain('DNS:pool.contoso.test');
    expect(tls.subjectAltName).toContain('DNS:localhost');
    expect(tls.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.paths).toEqual({ webTicket: '/WebTicket/WebTicketService.svc', certProv: '/CertProv/CertProvisioningService.svc', authBroker: '/Reach/Sip.svc/AuthBroker', autodiscover: '/Autodiscover/AutodiscoverService.svc/root' });
    expect(server.demoUser!.pin).toMatch(/^\d{6}$/);
  });

  it('PIN ticket → signed GetAndPublishCert → a certificate for the demo user that verifies against caCertificatePem', async () => {
    const d = server.demoUser!;
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: d.phone, pin: d.pin }, sipUri: d.sipUri, fetch: f });
    const issued = await requestCertificate({ url: server.urls.certProv, sipUri: d.sipUri, webTicketClient: client, fetch: f, keySizeBits: 2048, validity: { period: 'Months', units: 6 } });
    expect(issued.certificate.subject).toBe(`CN=${d.sipUri.slice(4)}`);
    expect(issued.certificate.verify(new X509Certificate(server.caCertificatePem).publicKey)).toBe(true);
    expect(issued.certificate.checkPrivateKey(issued.privateKey)).toBe(true);
    expect(await storeCertificateValidator(server.store.certificates).validate(issued.certificate)).toEqual({ sipUri: d.sipUri });
    issuedSerial = issued.certificate.serialNumber;
    issuedCredential = { certificate: issued.certificatePem, privateKey: issued.privateKeyPem };
    if (hasTool('openssl', ['version'])) {
      const dir = mkdtempSync(join(tmpdir(), 'ocauth-refserver-openssl-'));
      try {
        writeFileSync(join(dir, 'ca.pem'), server.caCertificatePem);
        writeFileSync(join(dir, 'leaf.pem'), issued.certificatePem);
        writeFileSync(join(dir, 'tls.pem'), server.tlsCertificatePem);
        expect(runTool('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')]).toString()).toContain('leaf.pem: OK');
        expect(runTool('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.pem'), join(dir, 'tls.pem')]).toString()).toContain('tls.pem: OK');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('password (Auth binding) ticket works; a wrong PIN is refused with 28024', async () => {
    const d = server.demoUser!;
    const ok = new WebTicketClient({ credentials: { type: 'password', username: d.sipUri, password: d.password }, fetch: f });
    const t = await ok.getTicket(server.urls.certProv, server.urls.webTicket);
    expect(t.assertionXml).toContain(d.sipUri);
    const wrongPin = String((Number(d.pin) + 1) % 1_000_000).padStart(6, '0');
    const bad = new WebTicketClient({ credentials: { type: 'pin', identity: d.phone, pin: wrongPin }, fetch: f });
    const err = await bad.getTicket(server.urls.certProv, server.urls.webTicket).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message) + JSON.stringify(err)).toMatch(/28024|401/);
  });

  it('Authentication Broker: session, credential and a TLS-DSK handshake (V2, TLS 1.2) with equal keys on both sides', async () => {
    const d = server.demoUser!;
    const wt = new WebTicketClient({ credentials: { type: 'pin', identity: d.phone, pin: d.pin }, fetch: f });
    const ticket = await wt.getTicket(server.urls.authBroker, server.urls.webTicket);
    const broker = new AuthBrokerClient({
      url: server.urls.authBroker, webTicket: ticket.assertionXml, fetch: f,
      signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: ticket.proofKey, assertionId: ticket.assertionId, token: webTicket, now }),
    });
    const { sessionId } = await broker.createSessionV2();
    const lifetime = await broker.acquireCredentialV2(sessionId, SIP_INSTANCE);
    expect(lifetime).toBeGreaterThan(3600);
    const peer = server.createRegistrarPeer('TLSv1.2');
    let registrarKeys: { clientSigningKey: Uint8Array } | undefined;
    const keys = await broker.handshake({ sessionId, target: 'pool.contoso.test', version: 2, exchange: async (t) => { const r = await peer.respond(t); if (r.keys) registrarKeys = r.keys; return r.gssapiData; } });
    expect(registrarKeys).toBeDefined();
    expect(Buffer.from(keys.clientSigningKey).equals(Buffer.from(registrarKeys!.clientSigningKey))).toBe(true);
    expect(await server.store.sessions.get(sessionId)).toMatchObject({ sipUri: d.sipUri, version: 2 });
  });

  it('Cert binding: the issued certificate gets a web ticket; after revocation it is refused', async () => {
    const d = server.demoUser!;
    const client = new WebTicketClient({ credentials: { type: 'certificate', ...issuedCredential! }, fetch: f });
    const t = await client.getTicket(server.urls.certProv, server.urls.webTicket);
    expect(t.assertionXml).toContain(d.sipUri);
    expect(await server.store.certificates.revoke(issuedSerial, new Date())).toBe(true);
    const again = new WebTicketClient({ credentials: { type: 'certificate', ...issuedCredential! }, fetch: f });
    await expect(again.getTicket(server.urls.certProv, server.urls.webTicket)).rejects.toThrow();
  });

  it('Authentication Broker V1 (TLS 1.0 TLS-DSK, unsigned ticket as in spec 4.3.1) completes a handshake too', async () => {
    const d = server.demoUser!;
    const ticket = await new WebTicketClient({ credentials: { type: 'pin', identity: d.phone, pin: d.pin }, fetch: f }).getTicket(server.urls.authBroker, server.urls.webTicket);
    const broker = new AuthBrokerClient({ url: server.urls.authBroker, webTicket: ticket.assertionXml, fetch: f });
    const { sessionId } = await broker.createSession();
    expect(await broker.acquireCredential(sessionId, SIP_INSTANCE)).toBeGreaterThan(3600);
    const peer = server.createRegistrarPeer('TLSv1');
    let registrarKeys: { serverSigningKey: Uint8Array } | undefined;
    const keys = await broker.handshake({ sessionId, target: 'pool.contoso.test', version: 1, exchange: async (t) => { const r = await peer.respond(t); if (r.keys) registrarKeys = r.keys; return r.gssapiData; } });
    expect(Buffer.from(keys.serverSigningKey).equals(Buffer.from(registrarKeys!.serverSigningKey))).toBe(true);
  });

  it('Autodiscover: root links to the user resource, which lists the AuthBroker (1.5), Web Ticket and CertProv URLs (XML and JSON)', async () => {
    const root = await f(server.urls.autodiscover);
    expect(root.status).toBe(200);
    const rootXml = await root.text();
    expect(rootXml).toContain(`<Link token="User" href="${server.urls.autodiscover}/user"/>`);
    const user = await (await f(`${server.urls.autodiscover}/user`)).text();
    expect(user).toContain(`<Link token="Internal/AuthBroker" href="${server.url}/Reach/Sip.svc"/>`);
    expect(user).toContain(`<Link token="External/AuthBroker" href="${server.url}/Reach/Sip.svc"/>`);
    const json = await (await f(server.urls.autodiscover, { headers: { accept: 'application/json' } })).json() as { _links: { user: { href: string } } };
    expect(json._links.user.href).toBe(`${server.urls.autodiscover}/user`);
    const userJson = await (await f(json._links.user.href, { headers: { accept: 'application/json' } })).json() as { User: { Links: { token: string; href: string }[] } };
    const links = Object.fromEntries(userJson.User.Links.map((l) => [l.token, l.href]));
    expect(links['Internal/WebTicket']).toBe(server.urls.webTicket);
    expect(links['Internal/CertProvisioning']).toBe(server.urls.certProv);
    expect(links['Internal/AuthBroker']).toBe(`${server.url}/Reach/Sip.svc`);
  });

  it('WSDL (?wsdl) names the bindings; an unsigned GetAndPublishCert gets 401 with X-MS-WebTicketURL and no certificate', async () => {
    const wsdl = await f(`${server.urls.webTicket}?wsdl`);
    expect(wsdl.status).toBe(200);
    const text = await wsdl.text();
    expect(text).toContain('wsdl:definitions');
    expect(text).toContain(`${server.urls.webTicket}/Pin`);
    const d = server.demoUser!;
    const csr = generateCsr({ sipUri: d.sipUri, keySizeBits: 1024 });
    const body = buildGetAndPublishCertRequest({ deviceId: '{0F0E0D0C-0B0A-0908-0706-050403020100}', entity: d.sipUri.slice(4), csr: csr.der, requestId: 'unsigned-1' });
    const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/><s:Body>${body}</s:Body></s:Envelope>`;
    const before = (await server.store.certificates.listForEntity(d.sipUri)).length;
    const r = await f(server.urls.certProv, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' }, body: envelope });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-ms-webticketurl')).toBe(server.urls.webTicket);
    expect((await server.store.certificates.listForEntity(d.sipUri)).length).toBe(before);
  });

  it('logs are structured and never contain the demo PIN or password', () => {
    expect(logs.some((l) => l.msg === 'listening')).toBe(true);
    expect(logs.filter((l) => l.msg === 'request').length).toBeGreaterThan(5);
    const text = JSON.stringify(logs);
    expect(text.includes(server.demoUser!.pin)).toBe(false);
    expect(text.includes(server.demoUser!.password)).toBe(false);
  });

  it('a restart on the same dataDir keeps the CA, the TLS certificate and issued certificates; the demo user gets a new PIN', async () => {
    const before = { ca: server.caCertificatePem, tls: server.tlsCertificatePem, pin: server.demoUser!.pin };
    await server.close();
    f.close();
    server = await startServer({ dataDir, farmFqdn: 'pool.contoso.test', logger: (e) => logs.push(e) });
    f = createHttpsFetch({ ca: server.caCertificatePem });
    expect(server.caCertificatePem).toBe(before.ca);
    expect(server.tlsCertificatePem).toBe(before.tls);
    expect(await server.store.certificates.findBySerial(issuedSerial)).toMatchObject({ serialNumber: issuedSerial });
    const d = server.demoUser!;
    const t = await new WebTicketClient({ credentials: { type: 'pin', identity: d.phone, pin: d.pin }, fetch: f }).getTicket(server.urls.certProv, server.urls.webTicket);
    expect(t.assertionXml).toContain(d.sipUri);
  });
});
