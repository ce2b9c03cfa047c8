// End to end over HTTPS on loopback: a client that speaks like the Lync 2013 / Skype for Business desktop
// client (issue 15) asks /Auth for a compact web ticket with the XmlSerializer-style RST (UsernameToken,
// no Entropy, 15-minute Lifetime, 2005/02 RequestType, UCCAPI user agent, no SOAPAction), then uses the
// ticket at Autodiscover /root/user and at Certificate Provisioning (GetAndPublishCert with
// `X-MS-WebTicket: cwt=…` instead of a signed SAML ticket). The certificate is checked with OpenSSL.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGetAndPublishCertRequest, generateCsr, parseGetAndPublishCertResponse, GetAndPublishCertError } from '@ocauth/certprov';
import { NS } from '@ocauth/diagnostics';
import { URI, parseCompactTicketResponse, parseEnvelope, WebTicketClient } from '@ocauth/wstrust';
import { createHttpsFetch, startServer, type RunningServer } from '@ocauth/server';
import { hasTool, runTool } from '../../../testing/tools.js';

const UA = 'UCCAPI/15.0.4420.1017 OC/15.0.4420.1017 (Microsoft Lync)';
let srv: RunningServer;
let f: typeof fetch;
let now = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'ocauth-lync-'));

beforeAll(async () => {
  srv = await startServer({
    store: { kind: 'memory' },
    farmFqdn: 'pool0.ocauth.test',
    logger: false,
    clock: () => new Date(now),
    policy: { certProvCompactTickets: true },
    users: [
      { sipUri: 'sip:carol@ocauth.test', password: 'c4rol-secret', accounts: ['OCAUTH\\carol'] },
      { sipUri: 'sip:dave@ocauth.test', password: 'd4ve-secret', accounts: ['OCAUTH\\dave'] },
    ],
  });
  f = createHttpsFetch({ ca: srv.caCertificatePem });
});
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The desktop client's IssueToken request (structure of the public captures, our own bytes). */
function lyncIssueToken(user: string, password: string, appliesTo: string): string {
  const created = new Date(now);
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>` +
    `<Security s:mustUnderstand="1" xmlns:u="${NS.wsu}" xmlns="${NS.wsse}"><UsernameToken><Username>${user}</Username><Password Type="${URI.passwordText}">${password}</Password></UsernameToken></Security>` +
    `</s:Header><s:Body>` +
    `<RequestSecurityToken xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Context="${crypto.randomUUID().toUpperCase()}" xmlns="http://docs.oasis-open.org/ws-sx/ws-trust/200512">` +
    `<TokenType>urn:component:Microsoft.Rtc.WebAuthentication.2010:user-cwt-1</TokenType>` +
    `<RequestType>http://schemas.xmlsoap.org/ws/2005/02/trust/Issue</RequestType>` +
    `<AppliesTo xmlns="http://schemas.xmlsoap.org/ws/2004/09/policy"><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>${appliesTo}</Address></EndpointReference></AppliesTo>` +
    `<Lifetime><Created xmlns="${NS.wsu}">${iso(created)}</Created><Expires xmlns="${NS.wsu}">${iso(new Date(created.getTime() + 900_000))}</Expires></Lifetime>` +
    `<KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey</KeyType>` +
    `</RequestSecurityToken></s:Body></s:Envelope>`
  );
}
// The desktop client puts base64(user) and base64(password) in the UsernameToken; the server reads both forms.
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
async function compactTicket(user = 'OCAUTH\\carol', password = 'c4rol-secret', asDesktopClient = true): Promise<string> {
  const [u, p] = asDesktopClient ? [b64(user), b64(password)] : [user, password];
  const res = await f(`${srv.urls.webTicket}/Auth`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': UA },
    body: lyncIssueToken(u, p, `${srv.urls.webTicket}/Auth`),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const r = parseCompactTicketResponse(parseEnvelope(text).payload!);
  expect(Date.parse(r.Lifetime.Expires) - Date.parse(r.Lifetime.Created)).toBe(900_000);
  return r.token;
}
const userResource = (headers: Record<string, string>) => f(`${srv.urls.autodiscover}/user`, { headers: { 'user-agent': UA, ...headers } });
async function getAndPublishCert(headers: Record<string, string>, entity = 'carol@ocauth.test') {
  const csr = generateCsr({ sipUri: `sip:${entity}`, validity: { period: 'Months', units: 6 } });
  const body = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${buildGetAndPublishCertRequest({ deviceId: `{${crypto.randomUUID()}}`, entity, csr: csr.der, requestId: `{${crypto.randomUUID()}}` })}</s:Body></s:Envelope>`;
  const res = await f(srv.urls.certProv, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"`,
      'user-agent': UA,
      ...headers,
    },
    body,
  });
  return { res, text: await res.text(), csr };
}

describe('a Lync 2013 / SfB-style client with a compact web ticket (issue 15)', () => {
  it('gets a CWT from /Auth and reads Autodiscover /root/user with it (X-MS-WebTicket and Authorization: Bearer)', async () => {
    const token = await compactTicket();
    expect((await userResource({})).status).toBe(401);
    for (const h of [{ 'x-ms-webticket': `cwt=${token}` }, { authorization: `Bearer cwt=${token}` }]) {
      const r = await userResource(h);
      expect(r.status, JSON.stringify(h).slice(0, 30)).toBe(200);
      expect(await r.text()).toContain('<User>');
    }
    const tampered = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
    expect((await userResource({ 'x-ms-webticket': `cwt=${tampered}` })).status).toBe(401);
  });

  it('GetAndPublishCert with X-MS-WebTicket: cwt=… issues and publishes the certificate (OpenSSL verifies it)', async () => {
    const token = await compactTicket();
    const { res, text } = await getAndPublishCert({ 'x-ms-webticket': `cwt=${token}` });
    expect(res.status, text).toBe(200);
    const r = parseGetAndPublishCertResponse(text);
    expect(r.responseClass).toBe('Success');
    const cert = new X509Certificate(Buffer.from(r.certificateDer));
    expect(cert.subject).toBe('CN=carol@ocauth.test');
    expect(await srv.store.certificates.findBySerial(cert.serialNumber)).toBeTruthy();
    if (hasTool('openssl', ['version'])) {
      writeFileSync(join(dir, 'ca.pem'), srv.caCertificatePem);
      writeFileSync(join(dir, 'c.pem'), cert.toString());
      expect(runTool('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.pem'), join(dir, 'c.pem')]).toString()).toContain(': OK');
    }
    // The same with the Authorization form.
    const again = await getAndPublishCert({ authorization: `Bearer cwt=${token}` });
    expect(again.res.status, again.text).toBe(200);
  });

  it("CertProv refuses: another user's Entity, no ticket, a SAML ticket in the header (holder-of-key must be proven)", async () => {
    const token = await compactTicket();
    const other = await getAndPublishCert({ 'x-ms-webticket': `cwt=${token}` }, 'dave@ocauth.test');
    expect(() => parseGetAndPublishCertResponse(other.text)).toThrow(GetAndPublishCertError);
    expect(other.text).toContain('InvalidSipUri');
    const none = await getAndPublishCert({});
    expect(none.res.status).toBe(401);
    expect(none.res.headers.get('x-ms-webticketurl')).toBe(srv.externalUrls.webTicket);
    const saml = await new WebTicketClient({ credentials: { type: 'password', username: 'OCAUTH\\carol', password: 'c4rol-secret' }, fetch: f }).requestTicket(
      srv.urls.certProv,
      srv.urls.webTicket,
    );
    const opaque = await getAndPublishCert({ 'x-ms-webticket': `opaque=${Buffer.from(saml.assertionXml).toString('base64')}` });
    expect(opaque.res.status).toBe(401);
    expect(opaque.res.headers.get('x-ms-diagnostics')).toMatch(/28032/);
  });

  it("expiry and revocation: a disabled user's CWT opens nothing; an expired one gets 28033", async () => {
    const dave = await compactTicket('OCAUTH\\dave', 'd4ve-secret', false); // plain-text UsernameToken too
    expect((await userResource({ 'x-ms-webticket': `cwt=${dave}` })).status).toBe(200);
    await srv.store.users.setEnabled('sip:dave@ocauth.test', false);
    expect((await userResource({ 'x-ms-webticket': `cwt=${dave}` })).status).toBe(401);
    const cp = await getAndPublishCert({ 'x-ms-webticket': `cwt=${dave}` }, 'dave@ocauth.test');
    expect(cp.text).toContain('AccountDisabled');
    const carol = await compactTicket();
    const t0 = now;
    try {
      now = t0 + 900_000 + 301_000; // past Expires and the 300 s skew
      expect((await userResource({ 'x-ms-webticket': `cwt=${carol}` })).status).toBe(401);
      const late = await getAndPublishCert({ 'x-ms-webticket': `cwt=${carol}` });
      expect(late.res.status).toBe(401);
      expect(late.res.headers.get('x-ms-diagnostics')).toMatch(/28033/);
    } finally {
      now = t0;
    }
  });

  it('WebTicketClient.requestCompactTicket gets the same kind of ticket', async () => {
    const c = new WebTicketClient({
      credentials: { type: 'password', username: 'OCAUTH\\carol', password: 'c4rol-secret' },
      fetch: f,
      clock: () => new Date(now),
    });
    const t = await c.requestCompactTicket(srv.urls.autodiscover, srv.urls.webTicket, { lifetimeSeconds: 600 });
    expect(t.headerValue).toBe(`cwt=${t.token}`);
    expect(t.expires.getTime() - t.created!.getTime()).toBe(600_000);
    expect((await userResource({ 'x-ms-webticket': t.headerValue })).status).toBe(200);
  });
});

describe('default policy (certProvCompactTickets unset, i.e. false)', () => {
  it('CertProv requires the signed SAML ticket; Autodiscover still takes the CWT', async () => {
    const strict = await startServer({
      store: { kind: 'memory' },
      logger: false,
      users: [{ sipUri: 'sip:erin@ocauth.test', password: 'erin-pw-1', accounts: ['OCAUTH\\erin'] }],
    });
    try {
      const sf = createHttpsFetch({ ca: strict.caCertificatePem });
      const c = new WebTicketClient({ credentials: { type: 'password', username: 'OCAUTH\\erin', password: 'erin-pw-1' }, fetch: sf });
      const t = await c.requestCompactTicket(strict.urls.certProv, strict.urls.webTicket);
      const csr = generateCsr({ sipUri: 'sip:erin@ocauth.test' });
      const body = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${buildGetAndPublishCertRequest({ deviceId: `{${crypto.randomUUID()}}`, entity: 'erin@ocauth.test', csr: csr.der, requestId: '{1}' })}</s:Body></s:Envelope>`;
      const res = await sf(strict.urls.certProv, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', 'x-ms-webticket': t.headerValue },
        body,
      });
      expect(res.status).toBe(401);
      expect((await sf(`${strict.urls.autodiscover}/user`, { headers: { 'x-ms-webticket': t.headerValue } })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
