// Issue 14 items 1, 5 and 6 over real HTTPS on loopback, behind a fake reverse proxy (externalUrl names
// a host that does not exist; the test's fetch plays the proxy by mapping it onto the listen origin).
// The metadata is read the way pidgin-sipe reads it (sipe-certificate.c certprov_metadata /
// sipe-webticket.c service_metadata + webticket_metadata: element local names, prefix-stripped
// attributes, first matching child), with xmllint's XPath engine as the independent reader.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsFetch, ServerConfigError, startServer, type RunningServer } from '@ocauth/server';
import { WebTicketClient } from '@ocauth/wstrust';
import { hasTool, runTool } from '../../../testing/tools.js';

const EXTERNAL = 'https://sip-edge.contoso.test:4443';
let srv: RunningServer;
let direct: typeof fetch;
/** The reverse proxy: requests to EXTERNAL reach the listen origin; anything else is refused. */
let viaProxy: (url: string, init?: RequestInit) => Promise<Response>;
const dir = mkdtempSync(join(tmpdir(), 'ocauth-published-'));

beforeAll(async () => {
  srv = await startServer({ store: { kind: 'memory' }, farmFqdn: 'pool0.contoso.test', externalUrl: EXTERNAL + '/', logger: false });
  direct = createHttpsFetch({ ca: srv.caCertificatePem });
  viaProxy = (url, init) => {
    if (!url.startsWith(EXTERNAL + '/')) throw new Error(`client left the published address space: ${url}`);
    return direct(srv.url + url.slice(EXTERNAL.length), init);
  };
});
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** xmllint --xpath over a document; '' when the expression selects nothing. */
function xpath(xml: string, expr: string): string {
  const f = join(dir, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(f, xml);
  try {
    return runTool('xmllint', ['--xpath', expr, f]).toString().trim();
  } catch (e) {
    if (/XPath set is empty/.test((e as Error).message)) return '';
    throw e;
  }
}
/** SIPE's `a/b/c` child path (first child of each local name) as XPath. */
const sipePath = (p: string) =>
  p
    .split('/')
    .map((n) => `*[local-name()='${n}'][1]`)
    .join('/');

describe.runIf(hasTool('xmllint'))('SIPE reads the metadata behind a reverse proxy (issue 14 items 1, 5, 6)', () => {
  it('RunningServer names the published addresses', () => {
    expect(srv.externalUrl).toBe(EXTERNAL);
    expect(srv.externalUrls).toEqual({
      webTicket: `${EXTERNAL}/WebTicket/WebTicketService.svc`,
      certProv: `${EXTERNAL}/CertProv/CertProvisioningService.svc`,
      authBroker: `${EXTERNAL}/Reach/Sip.svc/AuthBroker`,
      autodiscover: `${EXTERNAL}/Autodiscover/AutodiscoverService.svc/root`,
    });
  });

  it('CertProv /mex → WebTicketProof_SHA1 policy and port → Web Ticket /mex → ports, all under externalUrl', async () => {
    // 1. GET <CertProv>/mex, the document element is wsdl:definitions (SIPE parses the body as is).
    const r = await viaProxy(`${srv.externalUrls.certProv}/mex`);
    expect(r.status).toBe(200);
    const md = await r.text();
    expect(xpath(md, 'name(/*)')).toBe('wsdl:definitions');
    // 2. Policy with Id CertProvisioningServiceWebTicketProof_SHA1_policy, EndorsingSupportingTokens issuer.
    const policy = "/*/*[local-name()='Policy'][@*[local-name()='Id']='CertProvisioningServiceWebTicketProof_SHA1_policy'][1]";
    const issuer = xpath(md, `string(${policy}/${sipePath('ExactlyOne/All/EndorsingSupportingTokens/Policy/IssuedToken/Issuer/Address')})`);
    expect(issuer).toBe(srv.externalUrls.webTicket);
    // The old name stays.
    expect(
      xpath(
        md,
        `string(/*/*[local-name()='Policy'][@*[local-name()='Id']='CertProvisioningService_policy']/${sipePath('ExactlyOne/All/EndorsingSupportingTokens/Policy/IssuedToken/Issuer/Address')})`,
      ),
    ).toBe(srv.externalUrls.webTicket);
    // 3. service/port[@name=…WebTicketProof_SHA1]/address/@location: where SIPE posts GetAndPublishCert.
    const port = xpath(
      md,
      `string(/*/${sipePath('service')}/*[local-name()='port'][@name='CertProvisioningServiceWebTicketProof_SHA1'][1]/*[local-name()='address'][1]/@location)`,
    );
    expect(port).toBe(srv.externalUrls.certProv);
    expect(xpath(md, `string(/*/${sipePath('service')}/*[local-name()='port'][@name='CertProvisioningService']/*[local-name()='address']/@location)`)).toBe(
      srv.externalUrls.certProv,
    );
    // 4. GET <issuer>/mex: the Web Ticket Service's WSDL; SIPE iterates service/port reading name + address/@location.
    const wt = await viaProxy(`${issuer}/mex`);
    expect(wt.status).toBe(200);
    const wsdl = await wt.text();
    expect(xpath(wsdl, 'name(/*)')).toBe('wsdl:definitions');
    const names = xpath(wsdl, "/*/*[local-name()='service']/*[local-name()='port']/@name")
      .trim()
      .split(/\s+/)
      .map((a) => a.replace(/^name="|"$/g, ''));
    // Advertised = usable: WinNegotiate (the server speaks NTLM on it), Cert (the server has a validator),
    // never Anon (404), never WsFedBearer.
    expect(names).toEqual(['WebTicketServiceWinNegotiate', 'WebTicketServiceCert', 'WebTicketServicePin', 'WebTicketServiceAuth']);
    const locations = xpath(wsdl, "/*/*[local-name()='service']/*[local-name()='port']/*[local-name()='address'][1]/@location")
      .trim()
      .split(/\s+/)
      .map((a) => a.replace(/^location="|"$/g, ''));
    expect(locations).toEqual([srv.externalUrls.webTicket, ...['Cert', 'Pin', 'Auth'].map((b) => `${srv.externalUrls.webTicket}/${b}`)]);
    for (const loc of locations)
      expect((await viaProxy(loc, { method: 'POST', body: '<x/>', headers: { 'content-type': 'text/xml; charset=utf-8' } })).status, loc).not.toBe(404);
    // ?wsdl and the WS-MEX POST form carry the same addresses.
    const q = await (await viaProxy(`${srv.externalUrls.webTicket}?wsdl`)).text();
    expect(q).toContain(`location="${srv.externalUrls.webTicket}/Pin"`);
    expect(q).not.toContain(srv.url);
    expect(md).not.toContain(srv.url);
    expect(wsdl).not.toContain(srv.url);
  });

  it('Autodiscover links, X-MS-WebTicketURL of /root/user, CertProv and the broker name externalUrl', async () => {
    const root = await (await viaProxy(srv.externalUrls.autodiscover)).text();
    const hrefs = [...root.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(5);
    for (const h of hrefs) expect(h.startsWith(EXTERNAL + '/'), h).toBe(true);
    const json = (await (await viaProxy(srv.externalUrls.autodiscover, { headers: { accept: 'application/json' } })).json()) as {
      User: { Links: { href: string }[] };
    };
    for (const l of json.User.Links) expect(l.href.startsWith(EXTERNAL + '/'), l.href).toBe(true);
    const user = await viaProxy(`${srv.externalUrls.autodiscover}/user`);
    expect(user.status).toBe(401);
    expect(user.headers.get('x-ms-webticketurl')).toBe(srv.externalUrls.webTicket);
    // A GetAndPublishCert shaped like SIPE's (sipe-svc.c) without any ticket: 401 naming the ticket service.
    const gapc =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetAndPublishCert xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/" xmlns:wst="http://docs.oasis-open.org/ws-sx/ws-trust/200512/" xmlns:wstep="http://schemas.microsoft.com/windows/pki/2009/01/enrollment" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" DeviceId="{6a1f2d3e-0000-4000-8000-000000000001}" Entity="demo@contoso.test">' +
      '<wst:RequestSecurityToken><wst:TokenType>http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3</wst:TokenType><wst:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</wst:RequestType>' +
      '<wsse:BinarySecurityToken ValueType="http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#Base64Binary">MAA=</wsse:BinarySecurityToken><wstep:RequestID>{1}</wstep:RequestID></wst:RequestSecurityToken></GetAndPublishCert></soap:Body></soap:Envelope>';
    const cp = await viaProxy(srv.externalUrls.certProv, {
      method: 'POST',
      body: gapc,
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' },
    });
    expect(cp.status, await cp.clone().text()).toBe(401);
    expect(cp.headers.get('x-ms-webticketurl')).toBe(srv.externalUrls.webTicket);
    const ab = await viaProxy(srv.externalUrls.authBroker, {
      method: 'POST',
      body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
    });
    if (ab.status === 401) expect(ab.headers.get('x-ms-webticketurl')).toBe(srv.externalUrls.webTicket);
  });
});

describe('externalUrl configuration', () => {
  it('refuses what cannot be a public base URL, naming the field', async () => {
    for (const bad of [
      'pool.contoso.com',
      'ftp://pool.contoso.com',
      'https://pool.contoso.com/?x=1',
      'https://u:p@pool.contoso.com',
      'https://pool.contoso.com/#f',
    ]) {
      await expect(startServer({ store: { kind: 'memory' }, logger: false, externalUrl: bad }), bad).rejects.toThrow(ServerConfigError);
      await expect(startServer({ store: { kind: 'memory' }, logger: false, externalUrl: bad })).rejects.toThrow(/^externalUrl: expected an absolute https URL/);
    }
  });
  it('a path prefix is kept in every published address, and tickets name it as their Issuer', async () => {
    const s = await startServer({ store: { kind: 'memory' }, logger: false, externalUrl: 'https://edge.contoso.test/lync/' });
    try {
      expect(s.externalUrls.certProv).toBe('https://edge.contoso.test/lync/CertProv/CertProvisioningService.svc');
      const ff = createHttpsFetch({ ca: s.caCertificatePem });
      const md = await (await ff(`${s.urls.certProv}/mex`)).text();
      expect(md).toContain('<soap:address location="https://edge.contoso.test/lync/CertProv/CertProvisioningService.svc"/>');
      expect(md).toContain('<wsa10:Address>https://edge.contoso.test/lync/WebTicket/WebTicketService.svc</wsa10:Address>');
      const c = new WebTicketClient({ credentials: { type: 'pin', identity: s.demoUser.phone, pin: s.demoUser.pin }, fetch: ff });
      const t = await c.requestTicket(s.urls.certProv, s.urls.webTicket);
      expect(/\bIssuer="([^"]+)"/.exec(t.assertionXml)?.[1]).toBe('https://edge.contoso.test/lync/WebTicket/WebTicketService.svc');
    } finally {
      await s.close();
    }
  });
});
