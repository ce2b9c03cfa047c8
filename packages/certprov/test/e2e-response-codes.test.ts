// Every GetAndPublishCertResponseCode (MS-OCAUTHWS 3.1.4.1.4.1) provoked end to end over loopback HTTP:
// real web tickets from @ocauth/wstrust's Web Ticket Service, requests signed with the ticket's proof key,
// verified by the real createTicketVerifier, answered by createCertProvHandler behind node:http.
// Three service instances share the Web Ticket Service: the default policy (clamp), a strict policy
// (reject, 1100..1536-bit keys), and one whose store and directory can be made to fail.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { selfSigned, serveLoopback } from './support/loopback.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketVerifier, createWebTicketHandler, keyNameOf, MemoryUserDirectory, signMessage, WebTicketClient, type WebTicket } from '@ocauth/wstrust';
import { GET_AND_PUBLISH_CERT_RESPONSE_CODES } from '@ocauth/diagnostics';
import {
  ACTION_GET_AND_PUBLISH_CERT,
  buildGetAndPublishCertRequest,
  CertificateAuthority,
  createCertProvHandler,
  generateCsr,
  GetAndPublishCertError,
  MemoryCertificateStore,
  parseGetAndPublishCertResponse,
  requestCertificate,
  storeCertificateValidator,
  type CertificateStore,
  type StoredCertificate,
} from '@ocauth/certprov';

const signer = selfSigned('webticket.contoso.test', 1024);
const poolBytes = randomBytes(32);
const poolKey = { keyName: keyNameOf(poolBytes), key: poolBytes };
const ca = CertificateAuthority.create({ commonName: 'Communications Server', keySizeBits: 1024 });
const now = new Date();
const clock = () => now;
const users = new MemoryUserDirectory()
  .add({ sipUri: 'sip:alice@contoso.test', enabled: true }, { pin: '13579', phone: ['+15550100'] })
  .add({ sipUri: 'sip:carol@contoso.test', enabled: true }, { pin: '11223', phone: ['+15550300'] })
  .add({ sipUri: 'sip:dave@contoso.test', enabled: true }, { pin: '44556', phone: ['+15550400'] });
// The Certificate Provisioning Service's view of users: carol was disabled after her ticket was
// issued; dave is homed on a pool that does not provision certificates.
const disabledSince = new Set(['sip:carol@contoso.test']);
const notHomedHere = new Set(['sip:dave@contoso.test']);
const faults = { directoryThrows: false, storeThrows: false };
const certProvDirectory = {
  findUser: async (sipUri: string) => {
    if (faults.directoryThrows) throw new Error('directory connection reset (secret-token-1234)');
    const u = await users.findUserBySipUri(sipUri);
    if (!u || notHomedHere.has(sipUri)) return undefined;
    return { enabled: u.enabled && !disabledSince.has(sipUri) };
  },
};
/** A store that can fail the way a remote data store does: publish rejects, nothing is written. */
class FlakyStore implements CertificateStore {
  readonly inner = new MemoryCertificateStore();
  publish(cert: StoredCertificate, at: Date) {
    if (faults.storeThrows) return Promise.reject(new Error('ECONNREFUSED user store'));
    return this.inner.publish(cert, at);
  }
  findBySerial(s: string) {
    return this.inner.findBySerial(s);
  }
  listForEntity(e: string) {
    return this.inner.listForEntity(e);
  }
  revoke(s: string, at: Date) {
    return this.inner.revoke(s, at);
  }
}
const defaultStore = new MemoryCertificateStore();
const strictStore = new MemoryCertificateStore();
const flakyStore = new FlakyStore();
const internalErrors: unknown[] = [];

let closeServer: () => Promise<void>;
let base = '';
const handlers = new Map<string, (r: Request) => Promise<Response>>();
const url = (svc: 'default' | 'strict' | 'flaky') => `${base}/${svc}/CertProv/CertProvisioningService.svc`;

beforeAll(async () => {
  const srv = await serveLoopback((path) => [...handlers].find(([prefix]) => path.startsWith(prefix))?.[1]);
  base = srv.base;
  closeServer = srv.close;
  handlers.set(
    '/WebTicket/',
    createWebTicketHandler({
      serviceUrl: `${base}/WebTicket/WebTicketService.svc`,
      signingKey: signer.privateKey,
      certificate: signer.certificate,
      poolKey,
      farm: [`${base}/`],
      userDirectory: users,
      clock,
    }),
  );
  const verifier = (svc: 'default' | 'strict' | 'flaky') =>
    createTicketVerifier({ issuerCertificates: [signer.certificate], poolKeys: [poolKey], clock, audience: url(svc) });
  handlers.set('/default/', createCertProvHandler({ ticketVerifier: verifier('default'), ca, store: defaultStore, clock, userDirectory: certProvDirectory }));
  handlers.set(
    '/strict/',
    createCertProvHandler({
      ticketVerifier: verifier('strict'),
      ca,
      store: strictStore,
      clock,
      userDirectory: certProvDirectory,
      policy: { minKeySizeBits: 1100, maxKeySizeBits: 1536, validityOutOfRange: 'reject' },
    }),
  );
  handlers.set(
    '/flaky/',
    createCertProvHandler({
      ticketVerifier: verifier('flaky'),
      ca,
      store: flakyStore,
      clock,
      userDirectory: certProvDirectory,
      onError: (e) => internalErrors.push(e),
    }),
  );
});
afterAll(() => closeServer());

const WTS = () => `${base}/WebTicket/WebTicketService.svc`;
const pins: Record<string, [string, string]> = { alice: ['+15550100', '13579'], carol: ['+15550300', '11223'], dave: ['+15550400', '44556'] };
const tickets = new Map<string, WebTicket>();
async function ticketFor(user: keyof typeof pins, svc: 'default' | 'strict' | 'flaky'): Promise<WebTicket> {
  const k = `${user}|${svc}`;
  if (!tickets.has(k)) {
    const [identity, pin] = pins[user]!;
    tickets.set(k, await new WebTicketClient({ credentials: { type: 'pin', identity, pin }, clock }).getTicket(url(svc), WTS()));
  }
  return tickets.get(k)!;
}
const key1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const key512 = generateKeyPairSync('rsa', { modulusLength: 512 });
const key2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** requestCertificate through the public client; resolves to 'Success' or the ResponseCode it threw. */
async function viaClient(user: keyof typeof pins, svc: 'default' | 'strict' | 'flaky', o: Partial<Parameters<typeof requestCertificate>[0]> = {}) {
  try {
    const got = await requestCertificate({ url: url(svc), sipUri: `${user}@contoso.test`, ticket: await ticketFor(user, svc), keyPair: key1024, clock, ...o });
    return { code: 'Success', got };
  } catch (e) {
    if (!(e instanceof GetAndPublishCertError)) throw e;
    return { code: e.responseCode, error: e };
  }
}

/** A hand-built GetAndPublishCert body, signed with the ticket's proof key and POSTed with SOAPAction. */
async function viaRaw(user: keyof typeof pins, svc: 'default' | 'strict' | 'flaky', body: string) {
  const t = await ticketFor(user, svc);
  const ADDR = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';
  const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><To s:mustUnderstand="1" xmlns="${ADDR}">${url(svc)}</To><Action s:mustUnderstand="1" xmlns="${ADDR}">${ACTION_GET_AND_PUBLISH_CERT}</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
  const signed = signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: clock() });
  const res = await fetch(url(svc), {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` },
    body: signed,
  });
  expect(res.status, 'ErrorInfo answers are HTTP 200, never SOAP faults').toBe(200);
  const text = await res.text();
  try {
    parseGetAndPublishCertResponse(text);
    return { code: 'Success', text };
  } catch (e) {
    return { code: (e as GetAndPublishCertError).responseCode, text };
  }
}
const DEV = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';
const goodBody = (entity = 'alice@contoso.test', csr = generateCsr({ sipUri: entity, keyPair: key1024 }).der) =>
  buildGetAndPublishCertRequest({ deviceId: DEV, entity, csr, requestId: 'rid-1' });
const hours = (c: X509Certificate) => (new Date(c.validTo).getTime() - new Date(c.validFrom).getTime()) / 3_600_000;
const provoked = new Set<string>();

describe('each GetAndPublishCert ResponseCode, provoked over loopback HTTP with real web tickets', () => {
  it('NoError: a well-formed signed request gets a certificate', async () => {
    const r = await viaClient('alice', 'default');
    expect(r.code).toBe('Success');
    provoked.add('NoError');
  });

  it('InvalidDeviceId: DeviceId that is not convertible to a GUID (3.1.4.1.5.1)', async () => {
    const r = await viaRaw('alice', 'default', goodBody().replace(`DeviceId="${DEV}"`, 'DeviceId="{161CCE75-E0C7-5F60-BDD1-054099725B0G}"'));
    expect(r.code).toBe('InvalidDeviceId');
    expect(r.text).toContain('DeviceId: expected a GUID');
    expect((await viaRaw('alice', 'default', goodBody().replace(`DeviceId="${DEV}"`, 'DeviceId="phone-1"'))).code).toBe('InvalidDeviceId');
    provoked.add('InvalidDeviceId');
  });

  it('InvalidSipUri: Entity of another user than the ticket', async () => {
    const r = await viaRaw('alice', 'default', goodBody('carol@contoso.test'));
    expect(r.code).toBe('InvalidSipUri');
    provoked.add('InvalidSipUri');
  });

  it('InvalidCSR: a CSR whose self-signature does not verify, and one that is not DER', async () => {
    const bad = generateCsr({ sipUri: 'alice@contoso.test', keyPair: key1024 }).der.slice();
    bad[bad.length - 5]! ^= 0x10;
    expect((await viaRaw('alice', 'default', goodBody('alice@contoso.test', bad))).code).toBe('InvalidCSR');
    expect((await viaRaw('alice', 'default', goodBody('alice@contoso.test', new Uint8Array([0x30, 0x82, 0x01])))).code).toBe('InvalidCSR');
    provoked.add('InvalidCSR');
  });

  it('InvalidPublicKey: too small (512 < default 1024) and too big (2048 > configured 1536)', async () => {
    expect((await viaClient('alice', 'default', { keyPair: key512 })).code).toBe('InvalidPublicKey');
    expect((await viaClient('alice', 'strict', { keyPair: key1024 })).code).toBe('InvalidPublicKey');
    const big = await viaClient('alice', 'strict', { keyPair: key2048 });
    expect(big.code).toBe('InvalidPublicKey');
    expect(big.error!.message).toMatch(/expected RSA of 1100\.\.1536 bits, received rsa 2048 bits/);
    provoked.add('InvalidPublicKey');
  });

  it('InvalidEKU: the CSR asks for serverAuth only', async () => {
    const r = await viaClient('alice', 'default', { extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] });
    expect(r.code).toBe('InvalidEKU');
    // clientAuth requested (as the spec example CSR does) is accepted
    expect((await viaClient('alice', 'default', { extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'] })).code).toBe('Success');
    provoked.add('InvalidEKU');
  });

  it('InvalidValidityPeriod under validityOutOfRange=reject; the default policy clamps instead', async () => {
    const keyOk = generateKeyPairSync('rsa', { modulusLength: 1280 });
    expect((await viaClient('alice', 'strict', { keyPair: keyOk, validity: { period: 'Hours', units: 2 } })).code).toBe('InvalidValidityPeriod');
    expect((await viaClient('alice', 'strict', { keyPair: keyOk, validity: { period: 'Days', units: 400 } })).code).toBe('InvalidValidityPeriod');
    const inRange = await viaClient('alice', 'strict', { keyPair: keyOk, validity: { period: 'Days', units: 30 } });
    expect(hours(inRange.got!.certificate)).toBe(720);
    const low = await viaClient('alice', 'default', { validity: { period: 'Hours', units: 2 } });
    expect(hours(low.got!.certificate)).toBe(8);
    const high = await viaClient('alice', 'default', { validity: { period: 'Days', units: 400 } });
    expect(hours(high.got!.certificate)).toBe(8760);
    provoked.add('InvalidValidityPeriod');
  });

  it('AccountDisabled: the account was disabled after the ticket was issued', async () => {
    const r = await viaClient('carol', 'default');
    expect(r.code).toBe('AccountDisabled');
    expect(await defaultStore.listForEntity('carol@contoso.test')).toEqual([]);
    provoked.add('AccountDisabled');
  });

  it('UserImproperlyProvisioned: the user is not homed on a pool that provisions certificates', async () => {
    expect((await viaClient('dave', 'default')).code).toBe('UserImproperlyProvisioned');
    provoked.add('UserImproperlyProvisioned');
  });

  it('RequestMalformed: wrong TokenType, missing BinarySecurityToken, wrong RequestType', async () => {
    expect((await viaRaw('alice', 'default', goodBody().replace('#X509v3', '#X509PKIPathv1'))).code).toBe('RequestMalformed');
    expect((await viaRaw('alice', 'default', goodBody().replace(/<BinarySecurityToken[\s\S]*<\/BinarySecurityToken>/, ''))).code).toBe('RequestMalformed');
    expect((await viaRaw('alice', 'default', goodBody().replace('200512/Issue', '200512/Renew'))).code).toBe('RequestMalformed');
    provoked.add('RequestMalformed');
  });

  it('DataStoreUnavailable: the store rejects the write; the previous certificate stays the valid one, nothing half-published', async () => {
    const first = await viaClient('alice', 'flaky', { deviceId: DEV });
    expect(first.code).toBe('Success');
    const before = await flakyStore.listForEntity('alice@contoso.test');
    faults.storeThrows = true;
    try {
      const r = await viaClient('alice', 'flaky', { deviceId: DEV });
      expect(r.code).toBe('DataStoreUnavailable');
      expect(r.error!.message).not.toContain('ECONNREFUSED');
      expect(r.error!.responseCodeInfo?.remedy).toMatch(/restart the device/);
    } finally {
      faults.storeThrows = false;
    }
    expect(await flakyStore.listForEntity('alice@contoso.test')).toEqual(before);
    expect(await storeCertificateValidator(flakyStore, { clock }).validate(first.got!.certificate)).toEqual({ sipUri: 'sip:alice@contoso.test' });
    provoked.add('DataStoreUnavailable');
  });

  it('InternalError: an unexpected failure (directory throws); the cause goes to onError, not to the client', async () => {
    faults.directoryThrows = true;
    try {
      const r = await viaClient('alice', 'flaky');
      expect(r.code).toBe('InternalError');
      expect(r.error!.message).not.toContain('secret-token');
      expect(String((internalErrors.at(-1) as Error).message)).toContain('directory connection reset');
    } finally {
      faults.directoryThrows = false;
    }
    provoked.add('InternalError');
  });

  it('a SOAP 1.2 request (action in the content type) is verified and answered in SOAP 1.2, errors too', async () => {
    const t = await ticketFor('alice', 'default');
    const ADDR = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';
    const send = async (body: string) => {
      const envelope = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><To s:mustUnderstand="1" xmlns="${ADDR}">${url('default')}</To><Action s:mustUnderstand="1" xmlns="${ADDR}">${ACTION_GET_AND_PUBLISH_CERT}</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
      const signed = signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: clock() });
      return fetch(url('default'), {
        method: 'POST',
        headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${ACTION_GET_AND_PUBLISH_CERT}"` },
        body: signed,
      });
    };
    const ok = await send(goodBody());
    expect(ok.headers.get('content-type')).toMatch(
      /^application\/soap\+xml; charset=utf-8; action="http:\/\/schemas\.microsoft\.com\/OCS\/AuthWebServices\/GetAndPublishCertResponse"$/,
    );
    const xml = await ok.text();
    expect(xml.startsWith('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">')).toBe(true);
    expect(new X509Certificate(parseGetAndPublishCertResponse(xml).certificateDer).subject).toBe('CN=alice@contoso.test');
    const refused = await (await send(goodBody('carol@contoso.test'))).text();
    expect(refused.startsWith('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">')).toBe(true);
    expect(refused).toContain('ResponseCode="InvalidSipUri"');
  });

  it('every value of GetAndPublishCertResponseCodeType (diagnostics catalog) was provoked above', () => {
    expect([...provoked].sort()).toEqual(Object.keys(GET_AND_PUBLISH_CERT_RESPONSE_CODES).sort());
  });
});
