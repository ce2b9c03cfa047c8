// End to end over loopback HTTP with the real Web Ticket Service and ticket verifier of
// @ocauth/wstrust: PIN → web ticket (SAML HoK, proof key by PSHA1) → GetAndPublishCert signed with the
// proof key → certificate; then `openssl verify` and Node's TLS accept it as a client certificate.
// Wrong keys, expired timestamps and tickets from another pool never get a certificate.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { selfSigned, serveLoopback } from './support/loopback.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketVerifier, createWebTicketHandler, keyNameOf, MemoryUserDirectory, WebTicketClient } from '@ocauth/wstrust';
import {
  CertificateAuthority,
  CertificateRequestError,
  createCertProvHandler,
  GetAndPublishCertError,
  MemoryCertificateStore,
  requestCertificate,
  storeCertificateValidator,
} from '@ocauth/certprov';
import { certificateSubjectKeyIdentifier as subjectKeyIdentifier } from '@ocauth/diagnostics';
import { hasTool, runTool } from '../../../testing/tools.js';

const signer = selfSigned('webticket.contoso.test');
const poolBytes = randomBytes(32);
const poolKey = { keyName: keyNameOf(poolBytes), key: poolBytes };
const ca = CertificateAuthority.create({ commonName: 'Communications Server', keySizeBits: 2048 });
let now = new Date();
const clock = () => now;
const users = new MemoryUserDirectory()
  .add({ sipUri: 'sip:alice@contoso.test', enabled: true }, { pin: '13579', phone: ['+15550100'], password: 'pw-alice' })
  .add({ sipUri: 'sip:bob@contoso.test', enabled: false }, { pin: '24680', phone: ['+15550200'] });
const store = new MemoryCertificateStore();
let closeServer: () => Promise<void>;
let base = '';

beforeAll(async () => {
  const srv = await serveLoopback((path) =>
    path.startsWith('/WebTicket/') ? webTicket : path.startsWith('/CertProv/') ? certProv : path.startsWith('/Chained/') ? chainedCertProv : undefined,
  );
  base = srv.base;
  closeServer = srv.close;
  webTicket = createWebTicketHandler({
    serviceUrl: `${base}/WebTicket/WebTicketService.svc`,
    signingKey: signer.privateKey,
    certificate: signer.certificate,
    poolKey,
    farm: [`${base}/`],
    userDirectory: users,
    clock,
    certificateValidator: storeCertificateValidator(store, { clock }),
  });
  certProv = createCertProvHandler({
    ticketVerifier: createTicketVerifier({
      issuerCertificates: [signer.certificate],
      poolKeys: [poolKey],
      clock,
      audience: `${base}/CertProv/CertProvisioningService.svc`,
    }),
    ca,
    store,
    clock,
    webTicketUrl: `${base}/WebTicket/WebTicketService.svc`,
    serverFqdn: 'pool.contoso.test',
    userDirectory: { findUser: async (u) => (await users.findUserBySipUri(u)) ?? undefined },
  });
  chainedCertProv = createCertProvHandler({
    ticketVerifier: createTicketVerifier({ issuerCertificates: [signer.certificate], poolKeys: [poolKey], clock, audience: CHAINED() }),
    ca: issuingCa,
    store,
    clock,
    chain: { include: true },
  });
});
afterAll(() => closeServer());
let webTicket: (r: Request) => Promise<Response>;
let certProv: (r: Request) => Promise<Response>;
let chainedCertProv: (r: Request) => Promise<Response>;
const CHAINED = () => `${base}/Chained/CertProv/CertProvisioningService.svc`;
// An issuing CA under an (offline) root: the service sends the chain as PKCS#7 and relying parties trust only the root.
const rootCa = CertificateAuthority.create({ commonName: 'Contoso Root CA', keySizeBits: 2048 });
const issuingCa = CertificateAuthority.create({ commonName: 'Contoso Issuing CA', keySizeBits: 2048, issuer: rootCa });
const CERTPROV = () => `${base}/CertProv/CertProvisioningService.svc`;

describe('GetAndPublishCert end to end over loopback HTTP (real web tickets)', () => {
  let issued: Awaited<ReturnType<typeof requestCertificate>>;

  it('PIN ticket (401 discovery) → signed GetAndPublishCert → certificate matching key, Entity and DeviceId', async () => {
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: '+15550100', pin: '13579' }, clock, sipUri: 'sip:alice@contoso.test' });
    issued = await requestCertificate({
      url: CERTPROV(),
      sipUri: 'sip:alice@contoso.test',
      webTicketClient: client,
      validity: { period: 'Months', units: 6 },
      clock,
    });
    expect(issued.certificate.subject).toBe('CN=alice@contoso.test');
    expect(issued.certificate.verify(ca.certificate.publicKey)).toBe(true);
    expect(Buffer.from(subjectKeyIdentifier(issued.certificateDer)!).toString('latin1')).toBe(issued.deviceId);
    expect(issued.certificate.checkPrivateKey(issued.privateKey)).toBe(true);
    expect(await storeCertificateValidator(store, { clock }).validate(issued.certificate)).toEqual({ sipUri: 'sip:alice@contoso.test' });
    expect(issued.dispositionMessage).toBe('Issued');
    expect(issued.chain).toEqual([]); // this server sends no chain (as the 4.1.2 example)
  });

  it.runIf(hasTool('openssl', ['version']))('openssl verify accepts the issued certificate against the CA (purpose sslclient)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certprov-e2e-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), ca.certificate.toString());
      writeFileSync(join(dir, 'leaf.pem'), issued.certificatePem);
      const out = runTool('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')]).toString();
      expect(out).toContain('leaf.pem: OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Node's TLS server accepts it as a client certificate (requestCert, rejectUnauthorized)", async () => {
    const serverCert = selfSigned('localhost');
    const srv = tls.createServer(
      {
        key: serverCert.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        cert: serverCert.certificate.toString(),
        ca: [ca.certificate.toString()],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (s) => {
        s.end(`hello ${s.getPeerX509Certificate()?.subject}`);
      },
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const c = tls.connect(
          {
            host: '127.0.0.1',
            port: (srv.address() as AddressInfo).port,
            key: issued.privateKeyPem,
            cert: issued.certificatePem,
            ca: [serverCert.certificate.toString()],
            checkServerIdentity: () => undefined,
          },
          () => {},
        );
        let buf = '';
        c.on('data', (d) => (buf += d));
        c.on('end', () => resolve(buf));
        c.on('error', reject);
      });
      expect(text).toBe('hello CN=alice@contoso.test');
    } finally {
      srv.close();
    }
  });

  it('a second request for the same device supersedes (revokes) the first certificate', async () => {
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: '+15550100', pin: '13579' }, clock, sipUri: 'sip:alice@contoso.test' });
    const again = await requestCertificate({
      url: CERTPROV(),
      sipUri: 'alice@contoso.test',
      webTicketClient: client,
      deviceId: issued.deviceId,
      keySizeBits: 1024,
      webTicketUrl: `${base}/WebTicket/WebTicketService.svc`,
    });
    const v = storeCertificateValidator(store, { clock });
    expect(await v.validate(issued.certificate)).toBeNull();
    expect(await v.validate(again.certificate)).toEqual({ sipUri: 'sip:alice@contoso.test' });
  });

  it("wrong proof key, expired Timestamp and another pool's ticket get 401 with 28032/28033/28034 and no certificate", async () => {
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: '+15550100', pin: '13579' }, clock, sipUri: 'sip:alice@contoso.test' });
    const ticket = await client.getTicket(CERTPROV(), `${base}/WebTicket/WebTicketService.svc`);
    const before = (await store.listForEntity('alice@contoso.test')).length;
    const wrongKey = { ...ticket, proofKey: randomBytes(32) };
    const e1 = await requestCertificate({ url: CERTPROV(), sipUri: 'alice@contoso.test', ticket: wrongKey, keySizeBits: 1024, clock }).catch((e) => e);
    expect(e1).toBeInstanceOf(CertificateRequestError);
    expect([e1.httpStatus, e1.errorId]).toEqual([401, 28032]);
    const stale = await requestCertificate({
      url: CERTPROV(),
      sipUri: 'alice@contoso.test',
      ticket,
      keySizeBits: 1024,
      clock: () => new Date(now.getTime() - 3600_000),
    }).catch((e) => e);
    expect(stale).toBeInstanceOf(CertificateRequestError);
    expect(stale.httpStatus).toBe(401);
    // an expired wsu:Timestamp fails the proof of possession: invalid request (28032), reason names it
    expect(stale.errorId).toBe(28032);
    expect(stale.reason).toMatch(/Timestamp|Expires|expired/i);
    // a fresh signature on a ticket past its NotOnOrAfter: the ticket has expired (28033)
    const saved = now;
    now = new Date(ticket.expires.getTime() + 3600_000);
    try {
      const expired = await requestCertificate({ url: CERTPROV(), sipUri: 'alice@contoso.test', ticket, keySizeBits: 1024, clock }).catch((e) => e);
      expect([expired.httpStatus, expired.errorId]).toEqual([401, 28033]);
    } finally {
      now = saved;
    }
    // A ticket whose proof key is wrapped for another pool: issued by a second Web Ticket Service.
    const otherPool = { keyName: 'other-pool', key: randomBytes(32) };
    const otherService = createWebTicketHandler({
      serviceUrl: `${base}/WebTicket/WebTicketService.svc`,
      signingKey: signer.privateKey,
      certificate: signer.certificate,
      poolKey: otherPool,
      farm: [`${base}/`],
      userDirectory: users,
      clock,
    });
    const foreign = new WebTicketClient({
      credentials: { type: 'pin', identity: '+15550100', pin: '13579' },
      clock,
      fetch: (async (u: string | URL | Request, init?: RequestInit) => otherService(new Request(u as string, init))) as typeof fetch,
    });
    const t3 = await foreign.getTicket(CERTPROV(), `${base}/WebTicket/WebTicketService.svc`);
    const e3 = await requestCertificate({ url: CERTPROV(), sipUri: 'alice@contoso.test', ticket: t3, keySizeBits: 1024, clock }).catch((e) => e);
    expect([e3.httpStatus, e3.errorId]).toEqual([401, 28034]);
    expect((await store.listForEntity('alice@contoso.test')).length).toBe(before);
  });

  it('policy errors come back as GetAndPublishCertError with the ResponseCode (ticket for alice, Entity bob)', async () => {
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: '+15550100', pin: '13579' }, clock, sipUri: 'sip:alice@contoso.test' });
    const ticket = await client.getTicket(CERTPROV(), `${base}/WebTicket/WebTicketService.svc`);
    const e = await requestCertificate({ url: CERTPROV(), sipUri: 'bob@contoso.test', ticket, keySizeBits: 1024, clock }).catch((x) => x);
    expect(e).toBeInstanceOf(GetAndPublishCertError);
    expect(e.responseCode).toBe('InvalidSipUri');
  });

  it('a response certificate for another key is refused by the client (mismatch check)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const forgedCa = CertificateAuthority.create({ keySizeBits: 1024 });
    const fake = async (req: Request) => {
      const body = await req.text();
      const deviceId = /DeviceId="([^"]+)"/.exec(body)![1]!;
      const cert = forgedCa.issue({ publicKey: other.publicKey, entity: 'alice@contoso.test', deviceId, validityHours: 8 });
      const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetAndPublishCertResponse ResponseClass="Success" DeviceId="${deviceId}" Entity="alice@contoso.test" xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/"><RequestSecurityTokenResponse xmlns="http://docs.oasis-open.org/ws-sx/ws-trust/200512/"><RequestedSecurityToken><BinarySecurityToken xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">${Buffer.from(cert.der).toString('base64')}</BinarySecurityToken></RequestedSecurityToken></RequestSecurityTokenResponse></GetAndPublishCertResponse></s:Body></s:Envelope>`;
      return new Response(xml, { status: 200 });
    };
    const ticket = {
      assertionXml: '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" AssertionID="x"/>',
      assertionId: 'x',
      proofKey: randomBytes(32),
      appliesTo: base,
      expires: new Date(Date.now() + 3600_000),
      created: undefined,
    };
    const e = await requestCertificate({
      url: 'https://pool.contoso.test/CertProv/CertProvisioningService.svc',
      sipUri: 'alice@contoso.test',
      ticket,
      keySizeBits: 1024,
      fetch: (async (u: string, init: RequestInit) => fake(new Request(u, init))) as typeof fetch,
    }).catch((x) => x);
    expect(e).toBeInstanceOf(CertificateRequestError);
    expect(e.code).toBe('ERR_CERTPROV_CERTIFICATE_MISMATCH');
    expect(e.message).toMatch(/public key/);
  });

  it('a ticket from the Auth binding (UsernameToken) works through the ticket option (client signs with its proof key)', async () => {
    const client = new WebTicketClient({ credentials: { type: 'password', username: 'sip:alice@contoso.test', password: 'pw-alice' }, clock });
    const ticket = await client.getTicket(CERTPROV(), `${base}/WebTicket/WebTicketService.svc`);
    const got = await requestCertificate({ url: CERTPROV(), sipUri: 'alice@contoso.test', ticket, keySizeBits: 1024, clock });
    expect(got.certificate.subject).toBe('CN=alice@contoso.test');
  });
});

describe('issuing CA under a root: the chain travels in the response (PKCS#7) and verifies up to the root', () => {
  let got: Awaited<ReturnType<typeof requestCertificate>>;
  let dir: string;
  beforeAll(async () => {
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: '+15550100', pin: '13579' }, clock, sipUri: 'sip:alice@contoso.test' });
    got = await requestCertificate({
      url: CHAINED(),
      sipUri: 'alice@contoso.test',
      webTicketClient: client,
      webTicketUrl: `${base}/WebTicket/WebTicketService.svc`,
      keySizeBits: 2048,
      clock,
    });
    dir = mkdtempSync(join(tmpdir(), 'certprov-chain-'));
    writeFileSync(join(dir, 'root.pem'), rootCa.certificatePem);
    writeFileSync(join(dir, 'chain.pem'), got.chainPem);
    writeFileSync(join(dir, 'leaf.pem'), got.certificatePem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the client returns the issuing CA and the root from the response', () => {
    expect(got.certificate.issuer).toBe('CN=Contoso Issuing CA');
    expect(got.chain.map((c) => c.subject)).toEqual(['CN=Contoso Issuing CA', 'CN=Contoso Root CA']);
    expect(issuingCa.root.fingerprint256).toBe(rootCa.certificate.fingerprint256);
    expect(got.chain[0]!.verify(rootCa.certificate.publicKey)).toBe(true);
  });

  it.runIf(hasTool('openssl', ['version']))(
    'openssl verify: OK with the root as the only trust anchor and the sent chain as untrusted; fails without the chain',
    () => {
      const ok = runTool('openssl', [
        'verify',
        '-purpose',
        'sslclient',
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'chain.pem'),
        join(dir, 'leaf.pem'),
      ]).toString();
      expect(ok).toContain('leaf.pem: OK');
      expect(() => runTool('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), join(dir, 'leaf.pem')])).toThrow();
    },
  );

  it("Node's TLS server trusting only the root accepts the certificate plus the returned chain", async () => {
    const serverCert = selfSigned('localhost');
    const srv = tls.createServer(
      {
        key: serverCert.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        cert: serverCert.certificate.toString(),
        ca: [rootCa.certificatePem],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (s) => {
        s.end(`hello ${s.getPeerX509Certificate()?.subject} via ${s.getPeerX509Certificate()?.issuer}`);
      },
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const connect = (cert: string) =>
      new Promise<string>((resolve, reject) => {
        const c = tls.connect({
          host: '127.0.0.1',
          port: (srv.address() as AddressInfo).port,
          key: got.privateKeyPem,
          cert,
          ca: [serverCert.certificate.toString()],
          checkServerIdentity: () => undefined,
        });
        let buf = '';
        c.on('data', (d) => (buf += d));
        c.on('end', () => resolve(buf));
        c.on('error', reject);
      });
    try {
      expect(await connect(got.certificatePem + got.chainPem)).toBe('hello CN=alice@contoso.test via CN=Contoso Issuing CA');
      // without the issuing CA the server cannot build the path: the server refuses (TLS 1.3 reports the
      // alert after the client's handshake, so the client sees an error or an empty, closed stream)
      const refused = await connect(got.certificatePem).catch((e: Error) => `error ${e.message}`);
      expect(refused).not.toContain('hello');
    } finally {
      srv.close();
    }
  });
});

describe('the provisioned certificate authenticates at the Web Ticket Service (Cert binding) until it is revoked', () => {
  it('PIN → certificate → Cert-binding ticket → renewed certificate; a revoked certificate gets no ticket', async () => {
    const WTS = `${base}/WebTicket/WebTicketService.svc`;
    const pinClient = new WebTicketClient({ credentials: { type: 'pin', identity: '+15550100', pin: '13579' }, clock, sipUri: 'sip:alice@contoso.test' });
    const first = await requestCertificate({
      url: CERTPROV(),
      sipUri: 'alice@contoso.test',
      webTicketClient: pinClient,
      webTicketUrl: WTS,
      keySizeBits: 1024,
      clock,
    });
    // the phone now authenticates with its certificate (storeCertificateValidator behind the Cert binding)
    const certClient = new WebTicketClient({ credentials: { type: 'certificate', certificate: first.certificate, privateKey: first.privateKey }, clock });
    const ticket = await certClient.requestTicket(CERTPROV(), WTS);
    const renewed = await requestCertificate({ url: CERTPROV(), sipUri: 'alice@contoso.test', ticket, deviceId: first.deviceId, keySizeBits: 1024, clock });
    expect(renewed.certificate.serialNumber).not.toBe(first.certificate.serialNumber);
    // renewal for the same DeviceId revoked the first certificate: it no longer gets a ticket
    const stale = await certClient.requestTicket(CERTPROV(), WTS).catch((e) => e);
    expect([stale.name, stale.errorId]).toEqual(['WebTicketServiceError', 28012]); // 28012: the certificate is invalid
    // the renewed one does, until an administrator revokes it
    const renewedClient = new WebTicketClient({
      credentials: { type: 'certificate', certificate: renewed.certificate, privateKey: renewed.privateKey },
      clock,
    });
    expect((await renewedClient.requestTicket(CERTPROV(), WTS)).assertionId).toBeTruthy();
    expect(await store.revoke(renewed.certificate.serialNumber, clock())).toBe(true);
    const revoked = await renewedClient.requestTicket(CERTPROV(), WTS).catch((e) => e);
    expect([revoked.name, revoked.errorId]).toEqual(['WebTicketServiceError', 28012]);
  });
});

describe('a cached web ticket the service no longer accepts', () => {
  it('requestCertificate gets a fresh ticket once and succeeds (401 28033 on the cached ticket)', async () => {
    const WTS = `${base}/WebTicket/WebTicketService.svc`;
    const saved = now;
    // The client's clock stands still, so its cache keeps believing in the first ticket.
    const frozen = new Date(now.getTime());
    const client = new WebTicketClient({
      credentials: { type: 'pin', identity: '+15550100', pin: '13579' },
      clock: () => frozen,
      sipUri: 'sip:alice@contoso.test',
    });
    const first = await client.getTicket(CERTPROV(), WTS);
    let calls = 0;
    const counting = (async (u: string | URL | Request, init?: RequestInit) => {
      calls++;
      return fetch(u, init);
    }) as typeof fetch;
    now = new Date(first.expires.getTime() + 60_000); // the service's clock: the cached ticket has expired
    try {
      const got = await requestCertificate({
        url: CERTPROV(),
        sipUri: 'alice@contoso.test',
        webTicketClient: client,
        webTicketUrl: WTS,
        keySizeBits: 1024,
        clock,
        fetch: counting,
      });
      expect(got.certificate.subject).toBe('CN=alice@contoso.test');
      expect(client.cachedTicket(CERTPROV())?.assertionId).toBe(first.assertionId); // the stale one was used first
      expect(calls).toBe(1); // the retry went through the caller's fetch, signed with the caller's clock
    } finally {
      now = saved;
    }
  });
});
