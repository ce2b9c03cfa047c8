// Flows that replay what real clients do (issues 14 and 15), so a target is judged by the clients that
// will use it, not only by the spec's text:
// - pidgin-sipe's metadata walk (sipe-certificate.c / sipe-webticket.c): GET <CertProv>/mex, the policy
//   `CertProvisioningServiceWebTicketProof_SHA1_policy` → IssuedToken Issuer Address, the port
//   `CertProvisioningServiceWebTicketProof_SHA1`, then GET <Issuer>/mex and its service/port list. SIPE's XML
//   reader matches local names (prefixes stripped), takes the first child of a name at each step, and reads
//   the document element as is (no SOAP envelope); this reader does the same.
// - the Lync 2013 / Skype for Business desktop client's compact web ticket: the XmlSerializer-shaped RST
//   (default namespaces, GUID Context, WS-Policy 2004/09 AppliesTo, wsu Lifetime of 15 minutes, 2005/02
//   RequestType, no Entropy, no SOAPAction, UCCAPI user agent) on /Auth, then the ticket as
//   `X-MS-WebTicket: cwt=…` at Autodiscover /root/user.
import { randomUUID } from 'node:crypto';
import { parseXml } from '@ocauth/c14n';
import { esc, expectThat, manual, type RunContext } from '../context.js';
import type { Requirement } from '../requirements.js';

interface Node {
  nodeType: number;
  localName: string | null;
  textContent: string | null;
  firstChild: Node | null;
  nextSibling: Node | null;
  attributes?: ArrayLike<{ localName: string; value: string }>;
}

const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const CWT = 'urn:component:Microsoft.Rtc.WebAuthentication.2010:user-cwt-1';
const UA = 'UCCAPI/15.0.4420.1017 OC/15.0.4420.1017 (Microsoft Lync)';

const elementKids = (n: Node): Node[] => {
  const out: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c);
  return out;
};
/** sipe_xml_child: `a/b/c`, the first child of each local name. */
const sipeChild = (n: Node | undefined, path: string): Node | undefined =>
  path.split('/').reduce<Node | undefined>((cur, name) => cur && elementKids(cur).find((k) => k.localName === name), n);
/** sipe_xml_attribute: prefix stripped, name compared case-insensitively. */
const sipeAttr = (n: Node | undefined, name: string): string | undefined => {
  const attrs = n?.attributes;
  if (!attrs) return undefined;
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.localName.toLowerCase() === name.toLowerCase()) return attrs[i]!.value;
  return undefined;
};
const root = (xml: string, what: string): Node => {
  let d: Node;
  try {
    d = parseXml(xml) as unknown as Node;
  } catch (e) {
    expectThat(false, `${what}: expected XML, received a document that does not parse (${(e as Error).message.slice(0, 120)})`);
    throw e;
  }
  const r = elementKids(d)[0];
  expectThat(r, `${what}: expected a document element`);
  return r;
};

/** The 15-minute compact ticket request of the desktop client (structure of public captures, our bytes). */
function lyncCwtRequest(user: string, password: string, appliesTo: string, now: Date): string {
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>` +
    `<Security s:mustUnderstand="1" xmlns:u="${WSU}" xmlns="${WSSE}"><UsernameToken><Username>${esc(user)}</Username><Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${esc(password)}</Password></UsernameToken></Security>` +
    `</s:Header><s:Body><RequestSecurityToken xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Context="${randomUUID().toUpperCase()}" xmlns="http://docs.oasis-open.org/ws-sx/ws-trust/200512">` +
    `<TokenType>${CWT}</TokenType><RequestType>http://schemas.xmlsoap.org/ws/2005/02/trust/Issue</RequestType>` +
    `<AppliesTo xmlns="http://schemas.xmlsoap.org/ws/2004/09/policy"><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>${esc(appliesTo)}</Address></EndpointReference></AppliesTo>` +
    `<Lifetime><Created xmlns="${WSU}">${iso(now)}</Created><Expires xmlns="${WSU}">${iso(new Date(now.getTime() + 900_000))}</Expires></Lifetime>` +
    `<KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey</KeyType></RequestSecurityToken></s:Body></s:Envelope>`
  );
}

export const REAL_CLIENT_CHECKS: readonly Requirement[] = [
  {
    id: 'FLOW-REAL-SIPE-METADATA',
    section: '3.1.4.1',
    level: 'SHOULD',
    category: 'flow',
    enforces: ['OCAUTH-2.2.4-01'],
    text: "pidgin-sipe metadata walk: CertProv /mex names the CertProvisioningServiceWebTicketProof_SHA1 policy (EndorsingSupportingTokens issuer) and port; the issuer's /mex lists Web Ticket ports, each of which answers",
    async check(ctx: RunContext) {
      const r = await ctx.fetch(`${ctx.paths.certProv}/mex`);
      const md = await r.text();
      if (r.status === 404 || r.status === 405)
        manual(
          `GET ${ctx.paths.certProv}/mex answers HTTP ${r.status}: this target publishes no Certificate Provisioning metadata, where pidgin-sipe starts (it cannot sign in against it)`,
        );
      expectThat(r.status === 200, `GET ${ctx.paths.certProv}/mex: expected HTTP 200, received ${r.status}`);
      const doc = root(md, 'CertProv /mex');
      expectThat(
        doc.localName === 'definitions',
        `CertProv /mex: expected wsdl:definitions as the document element (SIPE reads it as is), received ${doc.localName}`,
      );
      const policy = elementKids(doc).find(
        (k) => k.localName === 'Policy' && sipeAttr(k, 'Id')?.toLowerCase() === 'certprovisioningservicewebticketproof_sha1_policy',
      );
      expectThat(policy, 'CertProv /mex: expected a Policy with Id CertProvisioningServiceWebTicketProof_SHA1_policy (the name SIPE looks for), received none');
      const issuer = sipeChild(policy, 'ExactlyOne/All/EndorsingSupportingTokens/Policy/IssuedToken/Issuer/Address')?.textContent ?? '';
      expectThat(
        /^https:\/\/\S+$/.test(issuer),
        `CertProvisioningServiceWebTicketProof_SHA1_policy: expected ExactlyOne/All/EndorsingSupportingTokens/Policy/IssuedToken/Issuer/Address to hold the Web Ticket URL (exactly, SIPE keeps whitespace), received ${JSON.stringify(issuer.slice(0, 100))}`,
      );
      const ports = elementKids(sipeChild(doc, 'service') ?? doc).filter((k) => k.localName === 'port');
      const port = ports.find((p) => sipeAttr(p, 'name')?.toLowerCase() === 'certprovisioningservicewebticketproof_sha1');
      const location = sipeAttr(sipeChild(port, 'address'), 'location');
      expectThat(
        location && /^https:\/\//.test(location),
        `CertProv /mex: expected service/port[@name=CertProvisioningServiceWebTicketProof_SHA1]/address/@location (where SIPE posts GetAndPublishCert), received ${location === undefined ? 'none' : JSON.stringify(location)}`,
      );
      const w = await ctx.fetch(`${issuer}/mex`);
      const wsdl = await w.text();
      expectThat(w.status === 200, `GET ${issuer}/mex: expected HTTP 200, received ${w.status}`);
      const wdoc = root(wsdl, 'Web Ticket /mex');
      const wports = elementKids(sipeChild(wdoc, 'service') ?? wdoc)
        .filter((k) => k.localName === 'port')
        .map((p) => ({ name: sipeAttr(p, 'name') ?? '', location: sipeAttr(sipeChild(p, 'address'), 'location') ?? '' }));
      expectThat(wports.length > 0, 'Web Ticket /mex: expected service/port elements, received none');
      // Advertised = usable: every listed port answers (a challenge or a fault), none is missing.
      const dead: string[] = [];
      for (const p of wports) {
        const res = await ctx.fetch(p.location, {
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
        });
        await res.arrayBuffer();
        if (res.status === 404) dead.push(`${p.name} (${p.location})`);
      }
      expectThat(dead.length === 0, `Web Ticket /mex: expected every advertised port to be served, received HTTP 404 from ${dead.join(', ')}`);
      return `issuer ${issuer}; CertProv port ${location}; Web Ticket ports ${wports.map((p) => p.name).join(', ')}${wports.some((p) => p.name === 'WebTicketServiceWinNegotiate') ? '' : ' (no WinNegotiate: SIPE cannot get a ticket)'}`;
    },
  },
  {
    id: 'FLOW-REAL-LYNC-CWT',
    section: '3.2.4.1',
    level: 'SHOULD',
    category: 'flow',
    enforces: ['OCAUTH-3.2.4.1-01'],
    text: 'Lync 2013 / SfB desktop request shape: compact web ticket (user-cwt-1, no Entropy, 15-minute Lifetime, 2005/02 RequestType, no SOAPAction) on /Auth, granted at most as asked, then accepted as X-MS-WebTicket: cwt=… at Autodiscover /root/user',
    async check(ctx: RunContext) {
      const c = ctx.passwordCredentials() as { username: string; password: string };
      const now = new Date();
      const res = await ctx.fetch(`${ctx.paths.webTicket}/Auth`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': UA },
        body: lyncCwtRequest(c.username, c.password, `${ctx.paths.webTicket}/Auth`, now),
      });
      const text = await res.text();
      expectThat(
        res.status === 200,
        `IssueToken (user-cwt-1): expected HTTP 200 with a compact ticket, received HTTP ${res.status}${res.headers.get('x-ms-diagnostics') ? `, X-Ms-diagnostics ${res.headers.get('x-ms-diagnostics')!.slice(0, 160)}` : ''}`,
      );
      const env = root(text, 'IssueToken response');
      const all: Node[] = [];
      const walk = (n: Node) => {
        for (const k of elementKids(n)) {
          all.push(k);
          walk(k);
        }
      };
      walk(env);
      const tokenType = all.find((n) => n.localName === 'TokenType')?.textContent?.trim();
      expectThat(tokenType === CWT, `RSTR TokenType: expected ${CWT}, received ${JSON.stringify(tokenType)}`);
      const rst = all.find((n) => n.localName === 'RequestedSecurityToken');
      const token = (rst?.textContent ?? '').trim().replace(/^cwt=/, '');
      expectThat(token.length > 0 && !/\s/.test(token), 'RSTR RequestedSecurityToken: expected the compact ticket text, received none');
      const created = Date.parse(all.find((n) => n.localName === 'Created')?.textContent ?? '');
      const expires = Date.parse(all.find((n) => n.localName === 'Expires')?.textContent ?? '');
      expectThat(Number.isFinite(expires), 'RSTR Lifetime/Expires: expected an xs:dateTime');
      const granted = (expires - (Number.isFinite(created) ? created : now.getTime())) / 1000;
      expectThat(granted > 0 && granted <= 900 + 1, `RSTR Lifetime: expected at most the 15 minutes asked for, received ${granted} s`);
      const u = await ctx.fetch(`${ctx.paths.autodiscover}/user`, { headers: { 'x-ms-webticket': `cwt=${token}`, 'user-agent': UA } });
      await u.arrayBuffer();
      if (u.status === 404) manual('Autodiscover /root/user is not served on this host (a pool serves it at lyncdiscover.<domain>)');
      expectThat(u.status === 200, `Autodiscover /root/user with X-MS-WebTicket: cwt=…: expected HTTP 200, received ${u.status}`);
      return `compact ticket of ${token.length} characters for ${granted} s; Autodiscover /root/user 200`;
    },
  },
];
