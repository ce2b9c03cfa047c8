// The requirements registry: normative MUST / SHOULD statements of MS-OCAUTHWS sections 2–3 that a
// black-box client can check, each with the spec's words (quoted from MS-OCAUTHWS v20250520; PDF
// line breaks joined) and a check against a Target. Statements that cannot be decided from outside
// the server are listed with `manual` and the reason; they are reported, never passed.
import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { computedKey } from '@ocauth/psha1';
import { generateCsr } from '@ocauth/certprov';
import { AuthBrokerClient, SecurityStatus, TlsDskRegistrarPeer } from '@ocauth/authbroker';
import { signMessage, type WebTicket } from '@ocauth/wstrust';
import { all, describe, dom, errorIdOf, expect, ManualCheck, NS, one, SkipCheck, txt, type RawResponse, type RunContext } from './context.js';

export type Level = 'MUST' | 'SHOULD';
export type Kind = 'requirement' | 'flow' | 'hostile' | 'example';
export interface Requirement {
  /** OCAUTH-<section>-<nn>; flows, hostile requests and example replays carry the id of the requirement they enforce. */
  id: string;
  section: string;
  level: Level;
  kind: Kind;
  /** The spec's text (normative sentence), or for flows/hostile/examples what is checked and why. */
  text: string;
  /** Resolves (pass, optionally with a note) or throws CheckFailed (fail), ManualCheck (manual) or SkipCheck (skipped). */
  check?: (ctx: RunContext) => Promise<void | string>;
  /** Why this requirement cannot be checked from outside the server (reported `manual`). */
  manual?: string;
}

const SAML11 = 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1';
const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const B64BIN = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary';
const PSHA1 = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1';
const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

/** The RSTR of a successful IssueToken, parsed. */
async function issued(ctx: RunContext, o: Parameters<RunContext['issueRaw']>[0] = {}) {
  const r = await ctx.issueRaw(o);
  expect(r.raw.status === 200, `IssueToken: expected HTTP 200 with an RSTR, received ${describe(r.raw)}`);
  const d = dom(r.raw.text);
  const rstr = all(d, NS.wst, 'RequestSecurityTokenResponse');
  expect(rstr.length === 1, `IssueToken: expected one wst:RequestSecurityTokenResponse, received ${rstr.length}`);
  return { ...r, rstr: rstr[0]!, doc: d };
}

/** Fault/diagnostics of a refused request, with no ticket or certificate in it. */
function refused(r: RawResponse, what: string, o: { errorIds?: number[]; faultcodes?: RegExp } = {}): string {
  expect(r.status !== 200 || !/Assertion|X509v3/.test(r.text) || /ErrorInfo/.test(r.text), `${what}: expected a refusal, received ${describe(r)} carrying a token`);
  const id = errorIdOf(r);
  if (o.errorIds) expect(id !== undefined && o.errorIds.includes(id), `${what}: expected ErrorId ${o.errorIds.join(' or ')}, received ${id ?? 'none'} (${describe(r)})`);
  if (o.faultcodes) expect(o.faultcodes.test(r.text) || o.faultcodes.test(r.headers.get('x-ms-diagnostics') ?? ''), `${what}: expected faultcode ${o.faultcodes.source}, received ${describe(r)}`);
  return describe(r);
}

/** ErrorInfo/@ResponseCode (3.1.4.1.3.3: an attribute of type GetAndPublishCertResponseCodeType). */
function responseCode(r: RawResponse): string | undefined {
  const e = all(dom(r.text), NS.authws, 'ErrorInfo')[0];
  return e?.getAttribute('ResponseCode') ?? undefined;
}
async function certProvRefuses(ctx: RunContext, r: RawResponse, codes: string[], what: string): Promise<string> {
  expect(r.status === 200, `${what}: expected HTTP 200 with GetAndPublishCertResponse/ErrorInfo (3.1.4.1), received ${describe(r)}`);
  const d = dom(r.text);
  const resp = one(d, NS.authws, 'GetAndPublishCertResponse', what);
  expect(resp.getAttribute('ResponseClass') === 'Error', `${what}: expected ResponseClass="Error", received ${resp.getAttribute('ResponseClass')}`);
  expect(all(d, NS.wst, 'RequestSecurityTokenResponse').length === 0, `${what}: expected no wst:RequestSecurityTokenResponse in an error response (3.1.4.1.2.4), received one`);
  const code = responseCode(r);
  expect(code !== undefined && codes.includes(code), `${what}: expected ErrorInfo/@ResponseCode ${codes.join(' or ')}, received ${code ?? 'none'}`);
  const known = ['NoError', 'InternalError', 'InvalidPublicKey', 'InvalidValidityPeriod', 'InvalidEKU', 'InvalidSipUri', 'InvalidCSR', 'DataStoreUnavailable', 'InvalidDeviceId', 'RequestMalformed', 'AccountDisabled', 'UserImproperlyProvisioned'];
  expect(known.includes(code), `ResponseCode: expected a GetAndPublishCertResponseCodeType value (3.1.4.1.4.1), received ${code}`);
  void ctx;
  return `ResponseCode ${code}`;
}

function brokerClient(ctx: RunContext, t: WebTicket) {
  return new AuthBrokerClient({
    url: ctx.urls.authBroker,
    webTicket: t.assertionXml,
    fetch: ctx.fetch,
    signEnvelope: (envelope, c) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: c.webTicket, now: c.now }),
  });
}

function registrarPeer(ctx: RunContext, protocol: 'TLSv1' | 'TLSv1.2') {
  const reg = ctx.target.registrar;
  if (!reg) throw new ManualCheck('needs a SIP registrar certificate the pool\'s broker trusts (not available against an external pool); run against the embedded target or supply one');
  if (!ctx.target.trust) throw new SkipCheck('the registrar needs the CA that issues users\' certificates (--ca)');
  return new TlsDskRegistrarPeer({ credential: { certificate: reg.certificatePem, privateKey: reg.privateKeyPem }, trustedClientCertificates: [ctx.target.trust], protocol });
}

export const REQUIREMENTS: Requirement[] = [
  // ── 2 Protocol details common to the services ──────────────────────────────────────────────────
  {
    id: 'OCAUTH-2.1-01', section: '2.1', level: 'MUST', kind: 'requirement',
    text: 'It transmits those messages using HTTPS, as specified in [RFC2818].',
    check: async (ctx) => {
      expect(ctx.target.url.startsWith('https://'), `target URL: expected https://, received ${ctx.target.url.split(':')[0]}`);
      const r = await ctx.fetch(ctx.urls.webTicket + '?wsdl');
      await r.arrayBuffer();
      return `TLS to ${new URL(ctx.target.url).host} verified against the configured trust; ?wsdl HTTP ${r.status}`;
    },
  },
  {
    id: 'OCAUTH-2.2.4.1-01', section: '2.2.4.1', level: 'MUST', kind: 'requirement',
    text: 'The af:Ms-Diagnostics-Fault element … <xs:element name="ErrorId" type="xs:positiveInteger" minOccurs="1" maxOccurs="1" /> <xs:element name="Reason" type="xs:string" minOccurs="1" maxOccurs="1" /> (a refused web ticket carries an ErrorId and a Reason)',
    check: async (ctx) => {
      const r = await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: generateCsr({ sipUri: ctx.entity, keySizeBits: 1024 }).der }), { proofKey: randomBytes(32) });
      const id = errorIdOf(r);
      expect(id !== undefined && id > 0, `refused web ticket: expected a positive ErrorId (X-Ms-diagnostics or af:ErrorId), received ${describe(r)}`);
      const h = r.headers.get('x-ms-diagnostics');
      const reason = h ? /reason="([^"]*)"/.exec(h)?.[1] ?? h.split(';')[2] : /<(?:\w+:)?Reason[^>]*>([^<]*)</.exec(r.text)?.[1];
      expect(reason !== undefined && reason.trim() !== '', `refused web ticket: expected a Reason, received none (${describe(r)})`);
      return `ErrorId ${id}`;
    },
  },

  // ── 3.1 Certificate Provisioning Service: GetAndPublishCert ─────────────────────────────────────
  {
    id: 'OCAUTH-3.1.4.1-01', section: '3.1.4.1', level: 'MUST', kind: 'requirement',
    text: 'GetAndPublishCert generates a X.509 v3 certificate (2) using the PKCS#10 certification request in the request, and then stores the certificate (2) …',
    check: async (ctx) => {
      const c = await ctx.certificate();
      const x = new X509Certificate(Buffer.from(c.certificateDer));
      expect(x.publicKey.export({ type: 'spki', format: 'der' }).equals(c.csr.publicKey.export({ type: 'spki', format: 'der' })), 'issued certificate: expected the CSR\'s public key, received another key');
      if (ctx.target.trust) expect(x.verify(new X509Certificate(ctx.target.trust).publicKey) || x.checkIssued(new X509Certificate(ctx.target.trust)), 'issued certificate: expected a signature by the configured CA, received one that does not verify');
      return `serial ${x.serialNumber}, valid to ${x.validTo}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1-02', section: '3.1.4.1', level: 'MUST', kind: 'requirement',
    text: 'If an error occurs during processing, an error response MUST be sent using the ErrorInfo element in GetAndPublishCertResponse, as specified in section 3.1.4.1.2.2.',
    check: async (ctx) => {
      const csr = generateCsr({ sipUri: ctx.entity, keySizeBits: 1024 });
      const r = await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: csr.der, deviceId: 'not-a-guid' }));
      return certProvRefuses(ctx, r, ['InvalidDeviceId', 'RequestMalformed'], 'DeviceId "not-a-guid"');
    },
  },
  {
    id: 'OCAUTH-3.1.4.1-03', section: '3.1.4.1', level: 'SHOULD', kind: 'requirement',
    text: 'SOAP faults SHOULD NOT be used for error reporting.',
    check: async (ctx) => {
      const r = await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: generateCsr({ sipUri: ctx.entity, keySizeBits: 1024 }).der, entity: 'someone-else@' + ctx.entity.split('@')[1] }));
      expect(!/<(?:\w+:)?Fault[\s>]/.test(r.text), `wrong Entity: expected ErrorInfo, received a SOAP fault (${describe(r)})`);
      return describe(r);
    },
  },
  ...[
    ['01', 'In case of success, … /wst:RequestSecurityTokenResponse/wstep:DispositionMessage MUST be "Issued".', (d: ReturnType<typeof dom>) => { const m = one(d, NS.wstep, 'DispositionMessage', 'RSTR'); expect(txt(m) === 'Issued', `DispositionMessage: expected "Issued", received ${JSON.stringify(txt(m))}`); }],
    ['02', '/wst:RequestSecurityTokenResponse /wstep:DispositionMessage/@lang attribute MUST be "en-US".', (d: ReturnType<typeof dom>) => { const m = one(d, NS.wstep, 'DispositionMessage', 'RSTR'); const l = m.getAttribute('xml:lang'); expect(l === 'en-US', `DispositionMessage/@xml:lang: expected "en-US", received ${JSON.stringify(l)}`); }],
    ['03', '/wst:RequestSecurityTokenResponse/wst:TokenType MUST be "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3".', (d: ReturnType<typeof dom>) => { const t = txt(one(d, NS.wst, 'TokenType', 'RSTR')); expect(t === X509V3, `TokenType: expected ${X509V3}, received ${t}`); }],
    ['04', '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken MUST contain BinarySecurityToken, which MUST contain the X.509 v3 certificate (2) using base64 encoding.', (d: ReturnType<typeof dom>) => { const b = all(one(d, NS.wst, 'RequestedSecurityToken', 'RSTR'), NS.wsse, 'BinarySecurityToken'); expect(b.length === 1, `RequestedSecurityToken: expected one BinarySecurityToken, received ${b.length}`); const x = new X509Certificate(Buffer.from(txt(b[0]), 'base64')); expect(x.raw.length > 0, 'certificate: expected X.509 v3'); }],
    ['07', '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/wsse:BinarySecurityToken/@ValueType MUST be "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3".', (d: ReturnType<typeof dom>) => { const b = all(one(d, NS.wst, 'RequestedSecurityToken', 'RSTR'), NS.wsse, 'BinarySecurityToken')[0]; expect(b?.getAttribute('ValueType') === X509V3, `ValueType: expected ${X509V3}, received ${b?.getAttribute('ValueType')}`); }],
    ['08', '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/wsse:BinarySecurityToken/@EncodingType MUST be "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary".', (d: ReturnType<typeof dom>) => { const b = all(one(d, NS.wst, 'RequestedSecurityToken', 'RSTR'), NS.wsse, 'BinarySecurityToken')[0]; expect(b?.getAttribute('EncodingType') === B64BIN, `EncodingType: expected ${B64BIN}, received ${b?.getAttribute('EncodingType')}`); }],
  ].map(([n, text, f]): Requirement => ({
    id: `OCAUTH-3.1.4.1.2.4-${n as string}`, section: '3.1.4.1.2.4', level: 'MUST', kind: 'requirement', text: text as string,
    check: async (ctx) => { (f as (d: ReturnType<typeof dom>) => void)(dom((await ctx.certificate()).raw.text)); },
  })),
  {
    id: 'OCAUTH-3.1.4.1.2.4-05', section: '3.1.4.1.2.4', level: 'MUST', kind: 'requirement',
    text: 'The Common Name of the Subject (Section 4.1.2.6 of [RFC3280]) in the returned certificate (2) MUST have the same value as the Entity attribute in the client request.',
    check: async (ctx) => {
      const c = await ctx.certificate();
      const subject = new X509Certificate(Buffer.from(c.certificateDer)).subject;
      expect(subject.split('\n').includes(`CN=${c.entity}`), `certificate subject: expected CN=${c.entity}, received ${subject.replace(/\n/g, ', ')}`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.4-06', section: '3.1.4.1.2.4', level: 'SHOULD', kind: 'requirement',
    text: 'SubjectKeyIdentifier (Section 4.2.1.2 of [RFC3280]) in the returned certificate (2) SHOULD contain the value of the DeviceId attribute in the client request.',
    check: async (ctx) => {
      const c = await ctx.certificate();
      const der = Buffer.from(c.certificateDer);
      // The SKI extension (2.5.29.14) carries the DeviceId's ASCII bytes in the 4.1.2 example.
      expect(der.includes(Buffer.from(c.deviceId, 'latin1')) || der.includes(Buffer.from(c.deviceId.replace(/[{}]/g, ''), 'latin1')), `SubjectKeyIdentifier: expected the DeviceId ${c.deviceId}, received another value`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.4-09', section: '3.1.4.1.2.4', level: 'MUST', kind: 'requirement',
    text: '/wst:RequestSecurityTokenResponse/wsse:BinarySecurityToken MUST contain the BinarySecurityToken that came as part of the incoming request.',
    check: async (ctx) => {
      const c = await ctx.certificate();
      const rstr = one(dom(c.raw.text), NS.wst, 'RequestSecurityTokenResponse', 'response');
      const direct = Array.from(rstr.childNodes as ArrayLike<{ nodeType: number }>).filter((n) => n.nodeType === 1) as unknown as ReturnType<typeof dom>[];
      const echoed = direct.filter((e) => e.localName === 'BinarySecurityToken' && e.namespaceURI === NS.wsse);
      expect(echoed.some((e) => Buffer.from(txt(e), 'base64').equals(Buffer.from(c.csr.der))), `RSTR/wsse:BinarySecurityToken: expected the request's PKCS#10, received ${echoed.length} token(s) not equal to it`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-05', section: '3.1.4.1.2.3', level: 'SHOULD', kind: 'requirement',
    text: 'The server SHOULD be able to process ValidityPeriod and ValidityPeriodUnits, as specified in [MS-WCCE] …',
    check: async (ctx) => {
      const c = await ctx.certificate(); // requested 6 Months
      const x = new X509Certificate(Buffer.from(c.certificateDer));
      const hours = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 3_600_000;
      return `requested 6 Months, issued ${Math.round(hours)} h (a server may clamp to its policy)`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.5.2-01', section: '3.1.4.1.5.2', level: 'MUST', kind: 'requirement',
    text: 'It [Entity] MUST be same as the Session Initiation Protocol (SIP) Uniform Resource Identifier (URI) for the authenticated user … without the "sip:" prefix.',
    check: async (ctx) => {
      const other = 'mallory@' + (ctx.entity.split('@')[1] ?? 'example.com');
      const r = await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: generateCsr({ sipUri: other, keySizeBits: 1024 }).der, entity: other }));
      return certProvRefuses(ctx, r, ['InvalidSipUri'], `Entity ${other} with ${ctx.entity}'s ticket`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.5.1-01', section: '3.1.4.1.5.1', level: 'MUST', kind: 'requirement',
    text: 'DeviceId MUST be convertible to a GUID.',
    check: async (ctx) => certProvRefuses(ctx, await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: generateCsr({ sipUri: ctx.entity, keySizeBits: 1024 }).der, deviceId: '{not-a-guid}' })), ['InvalidDeviceId'], 'DeviceId "{not-a-guid}"'),
  },
  { id: 'OCAUTH-3.1.1-01', section: '3.1.1', level: 'MUST', kind: 'requirement', text: 'This list MUST have sufficient data that the certificates (2) in the chain can be located.', manual: 'server-internal state (abstract data model); not observable through GetAndPublishCert' },
  { id: 'OCAUTH-3.1.3-01', section: '3.1.3', level: 'SHOULD', kind: 'requirement', text: 'The CA that would be used for generating X.509 v3 certificates (2) SHOULD be initialized …', manual: 'server initialization; only its effect (a certificate chaining to the CA) is checked by OCAUTH-3.1.4.1-01' },

  // ── 3.2 Web Ticket Service: IssueToken ──────────────────────────────────────────────────────────
  {
    id: 'OCAUTH-3.2.4.1.3.4-01', section: '3.2.4.1.3.4', level: 'MUST', kind: 'requirement',
    text: '/wst:RequestSecurityTokenResponse/@Context: A required attribute that MUST be set to the value from the corresponding request.',
    check: async (ctx) => {
      const r = await issued(ctx, { context: randomUUID() });
      expect(r.rstr.getAttribute('Context') === r.context, `RSTR/@Context: expected ${r.context}, received ${r.rstr.getAttribute('Context')}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-02', section: '3.2.4.1.3.4', level: 'MUST', kind: 'requirement',
    text: '/wst:RequestSecuritytokenResponse/wst:TokenType: A required element that MUST be set to "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1".',
    check: async (ctx) => { const r = await issued(ctx); const t = txt(one(r.rstr, NS.wst, 'TokenType', 'RSTR')); expect(t === SAML11, `TokenType: expected ${SAML11}, received ${t}`); },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-03', section: '3.2.4.1.3.4', level: 'MUST', kind: 'requirement',
    text: '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/saml:Assertion: A required element that MUST be returned.',
    check: async (ctx) => {
      const r = await issued(ctx);
      const a = all(one(r.rstr, NS.wst, 'RequestedSecurityToken', 'RSTR'), NS.saml, 'Assertion');
      expect(a.length === 1, `RequestedSecurityToken: expected one saml:Assertion, received ${a.length}`);
      const sip = txt(all(a[0]!, NS.saml, 'NameIdentifier')[0]);
      expect(sip.toLowerCase() === ctx.target.user.toLowerCase(), `saml:NameIdentifier: expected ${ctx.target.user}, received ${sip || 'none'}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-04', section: '3.2.4.1.3.4', level: 'MUST', kind: 'requirement',
    text: '/wst:RequestSecurityTokenResponse/wst:Lifetime/wsu:Expires: A required element that indicates the UTC time when the token expires.',
    check: async (ctx) => {
      const before = Date.now();
      const r = await issued(ctx);
      const exp = txt(one(one(r.rstr, NS.wst, 'Lifetime', 'RSTR'), NS.wsu, 'Expires', 'Lifetime'));
      const t = Date.parse(exp);
      expect(/Z$/.test(exp) && Number.isFinite(t), `Lifetime/Expires: expected a UTC xs:dateTime, received ${JSON.stringify(exp)}`);
      expect(t > before, `Lifetime/Expires: expected a time in the future, received ${exp}`);
      const created = all(r.rstr, NS.wsu, 'Created')[0];
      if (created) expect(Date.parse(txt(created)) < t, `Lifetime: expected Created before Expires, received ${txt(created)} ≥ ${exp}`);
      return `expires in ${Math.round((t - before) / 60000)} min`;
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-05', section: '3.2.4.1.3.4', level: 'MUST', kind: 'requirement',
    text: '/wst:RequestSecurityTokenResponse/wsp:AppliesTo/wsa:EndpointReference/wsa:Address: A required element that MUST be set to the URL of the HTTP URL of the server farm or service to which the ticket applies.',
    check: async (ctx) => {
      const r = await issued(ctx);
      const addr = txt(all(one(r.rstr, NS.wsp, 'AppliesTo', 'RSTR'), NS.wsa, 'Address')[0]);
      expect(addr !== '' && r.appliesTo.toLowerCase().startsWith(addr.toLowerCase()), `RSTR AppliesTo: expected a prefix of ${r.appliesTo} (farm or service), received ${JSON.stringify(addr)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-06', section: '3.2.4.1.3.4', level: 'MUST', kind: 'requirement',
    text: '/wst:RequestSecurityTokenResponse/wst:RequestedProofToken/wst:ComputedKey: This required element MUST be set to … http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1.',
    check: async (ctx) => {
      const r = await issued(ctx);
      const ck = txt(one(one(r.rstr, NS.wst, 'RequestedProofToken', 'RSTR'), NS.wst, 'ComputedKey', 'RequestedProofToken'));
      expect(ck === PSHA1, `ComputedKey: expected ${PSHA1}, received ${ck}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-07', section: '3.2.4.1.3.4', level: 'MUST', kind: 'requirement',
    text: '/wst:RequestSecurityTokenResponse/wst:Entropy/wst:BinarySecret: This required element specifies a base64 encoded sequence of cryptographically random octets representing the Web Ticket Service\'s entropy.',
    check: async (ctx) => {
      const a = await issued(ctx);
      const b = await issued(ctx);
      const ea = Buffer.from(txt(one(one(a.rstr, NS.wst, 'Entropy', 'RSTR'), NS.wst, 'BinarySecret', 'Entropy')), 'base64');
      const eb = Buffer.from(txt(one(one(b.rstr, NS.wst, 'Entropy', 'RSTR'), NS.wst, 'BinarySecret', 'Entropy')), 'base64');
      expect(ea.length >= 16, `server entropy: expected at least 128 bits, received ${ea.length * 8}`);
      expect(!ea.equals(eb), 'server entropy: expected fresh random octets per request, received the same value twice');
      expect(!ea.equals(Buffer.from(a.entropy)), 'server entropy: expected its own octets, received the client\'s entropy echoed');
      return `${ea.length * 8}-bit server entropy`;
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-08', section: '3.2.4.1.3.4', level: 'SHOULD', kind: 'requirement',
    text: 'The size of the element [server Entropy] SHOULD be the same as the KeySize specified in the WS-Policy …',
    check: async (ctx) => {
      const a = await issued(ctx, { entropy: randomBytes(32) });
      const e = Buffer.from(txt(one(one(a.rstr, NS.wst, 'Entropy', 'RSTR'), NS.wst, 'BinarySecret', 'Entropy')), 'base64');
      expect(e.length === 32, `server entropy: expected 256 bits (the client's KeySize), received ${e.length * 8}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-01', section: '3.2.4.1.3.3', level: 'MUST', kind: 'requirement',
    text: 'The key size MUST be obtained from the WS-Policy … (the proof key is the PSHA1 ComputedKey of both entropies: a request signed with it is accepted by a service of the farm)',
    check: async (ctx) => {
      const a = await issued(ctx);
      const serverEntropy = Buffer.from(txt(one(one(a.rstr, NS.wst, 'Entropy', 'RSTR'), NS.wst, 'BinarySecret', 'Entropy')), 'base64');
      const proofKey = computedKey({ requestorEntropy: a.entropy, issuerEntropy: serverEntropy, keySizeBits: a.entropy.length * 8 });
      const assertion = all(a.rstr, NS.saml, 'Assertion')[0]!;
      const assertionXml = /<(?:\w+:)?Assertion\b[\s\S]*<\/(?:\w+:)?Assertion>/.exec(a.raw.text)?.[0];
      expect(assertionXml, 'RSTR: expected the saml:Assertion text');
      const ticket: WebTicket = { assertionXml, assertionId: assertion.getAttribute('AssertionID') ?? '', proofKey, appliesTo: a.appliesTo, expires: new Date(Date.now() + 60_000), created: undefined };
      const csr = generateCsr({ sipUri: ctx.entity, keySizeBits: 1024 });
      const r = await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: csr.der }), { ticket });
      expect(r.status === 200 && /ResponseClass="Success"/.test(r.text), `GetAndPublishCert signed with PSHA1(client entropy, server entropy): expected Success, received ${describe(r)}`);
      return `PSHA1 proof key (${proofKey.length * 8} bits, computed by @ocauth/psha1) accepted`;
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-02', section: '3.2.4.1.3.3', level: 'MUST', kind: 'requirement',
    text: 'The server MUST validate that this address [AppliesTo] is part of the server farm.',
    check: async (ctx) => {
      const r = await ctx.issueRaw({ appliesTo: 'https://attacker.example.net/CertProv/CertProvisioningService.svc' });
      return refused(r.raw, 'AppliesTo outside the farm');
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-03', section: '3.2.4.1.3.3', level: 'SHOULD', kind: 'requirement',
    text: 'If any one of the above required elements is not supplied or the element syntax does not conform … the server SHOULD respond with a fault message carrying fault code wst:InvalidRequest …',
    check: async (ctx) => {
      const r = await ctx.issueRaw({ rawBody: `<RequestSecurityToken Context="${randomUUID()}" xmlns="${NS.wst}"><TokenType>${SAML11}</TokenType><RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</RequestType></RequestSecurityToken>` });
      return refused(r.raw, 'RST without AppliesTo, Entropy and KeyType', { faultcodes: /InvalidRequest/ });
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-04', section: '3.2.4.1.3.3', level: 'SHOULD', kind: 'requirement',
    text: 'If the SIP URI does not match the credentials, the server SHOULD respond with a fault message carrying fault code wst:RequestFailed as described in section 3.2.4.1.',
    check: async (ctx) => {
      const r = await ctx.issueRaw({ claimSipUri: 'sip:mallory@' + (ctx.entity.split('@')[1] ?? 'example.com') });
      return refused(r.raw, 'Claims SIP URI of another user', { faultcodes: /RequestFailed/ });
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-05', section: '3.2.4.1.3.3', level: 'MUST', kind: 'requirement',
    text: 'If this element [auth:Value] is included, the SIP URI MUST match the credentials submitted with the RST. (3.2.4.1: wst:RequestFailed 28035)',
    check: async (ctx) => {
      const r = await ctx.issueRaw({ claimSipUri: 'sip:mallory@' + (ctx.entity.split('@')[1] ?? 'example.com') });
      return refused(r.raw, 'Claims SIP URI of another user', { errorIds: [28035] });
    },
  },
  {
    id: 'OCAUTH-3.2-01', section: '3.2', level: 'MUST', kind: 'requirement',
    text: 'Clients MUST authenticate to the Web Ticket Service … (a wrong PIN gets no ticket)',
    check: async (ctx) => {
      if (ctx.target.pin === undefined) throw new SkipCheck('the target description has no PIN (--pin)');
      const r = await ctx.issueRaw({ authorization: ctx.pinAuthorization(ctx.target.pin === '000000' ? '999999' : '000000') });
      return refused(r.raw, 'wrong PIN');
    },
  },
  {
    id: 'OCAUTH-3.2-02', section: '3.2', level: 'MUST', kind: 'requirement',
    text: 'Clients MUST authenticate to the Web Ticket Service … (a wrong password on the Auth binding gets no ticket)',
    check: async (ctx) => {
      if (ctx.target.password === undefined) throw new SkipCheck('the target description has no password (--password)');
      const r = await ctx.issueRaw({ binding: 'Auth', password: ctx.target.password + 'x' });
      return refused(r.raw, 'wrong password');
    },
  },
  {
    id: 'OCAUTH-3.2-03', section: '3.2', level: 'MUST', kind: 'requirement',
    text: 'If the Web ticket fails validation, an error response MUST be returned with an HTTP extension header called X-Ms-diagnostics … wsse:InvalidSecurityToken 28032 The Web ticket is invalid.',
    check: async (ctx) => {
      const r = await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: generateCsr({ sipUri: ctx.entity, keySizeBits: 1024 }).der }), {
        transform: (s) => s.replace(/(<(?:\w+:)?NameIdentifier[^>]*>)sip:/, '$1sip:x'), // tamper the signed assertion
      });
      return refused(r, 'tampered web ticket', { errorIds: [28032] });
    },
  },
  {
    id: 'OCAUTH-3.2-04', section: '3.2', level: 'MUST', kind: 'requirement',
    text: 'wsse:InvalidSecurityToken 28033 The Web ticket has expired.',
    check: async (ctx) => {
      if (!ctx.target.embedded) throw new ManualCheck('needs a ticket that outlived its Lifetime (wait for expiry against a real pool)');
      const t = await ctx.ticket();
      // Timestamp dated after the ticket's expiry: the service judges the ticket at the message time.
      const r = await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: generateCsr({ sipUri: ctx.entity, keySizeBits: 1024 }).der }), { now: new Date(t.expires.getTime() + 3600_000) });
      return refused(r, 'message dated after the ticket expired', { errorIds: [28033, 28032] });
    },
  },
  {
    id: 'OCAUTH-3.2-05', section: '3.2', level: 'MUST', kind: 'requirement',
    text: 'The Web ticket, or SAML token, used to construct the base64-ticket MUST be a signed security token … (X-MS-WebTicket: opaque=base64-ticket)',
    check: async (ctx) => {
      const t = await ctx.ticket(ctx.urls.authBroker);
      const x = t.assertionXml;
      expect(/<(?:\w+:)?Signature\b[^>]*xmldsig/.test(x) || /xmlns(?::\w+)?="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"/.test(x), 'web ticket: expected an XML-DSig signed saml:Assertion, received no ds:Signature');
    },
  },
  { id: 'OCAUTH-3.2.1-01', section: '3.2.1', level: 'SHOULD', kind: 'requirement', text: 'The Web Ticket Service SHOULD keep the following states: …', manual: 'server-internal abstract data model' },

  // ── 3.3 Authentication Broker Service ───────────────────────────────────────────────────────────
  {
    id: 'OCAUTH-3.3.4.1-01', section: '3.3.4.1', level: 'MUST', kind: 'requirement',
    text: 'CreateAuthBrokerSession: Creates a session to be used as part of the client authentication with the SIP server using TLS-DSK. (a SessionId is returned)',
    check: async (ctx) => {
      const c = brokerClient(ctx, await ctx.ticket(ctx.urls.authBroker));
      const a = await c.createSession();
      const b = await c.createSessionV2();
      expect(a.sessionId && b.sessionId && a.sessionId !== b.sessionId, `SessionId: expected two distinct ids, received ${a.sessionId} and ${b.sessionId}`);
      await c.terminateSession(a.sessionId).catch(() => undefined);
      await c.terminateSession(b.sessionId).catch(() => undefined);
      return `HashAlgorithm ${a.hashAlgorithm}`;
    },
  },
  {
    id: 'OCAUTH-3.3.4.3-01', section: '3.3.4.3', level: 'MUST', kind: 'requirement',
    text: 'AuthBrokerAcquireCredential: Associates a specific SIPInstance with the session. This can be called once per session.',
    check: async (ctx) => {
      const c = brokerClient(ctx, await ctx.ticket(ctx.urls.authBroker));
      const { sessionId } = await c.createSessionV2();
      const lifetime = await c.acquireCredentialV2(sessionId, SIP_INSTANCE);
      expect(lifetime > 0, `AcquireCredentialV2: expected a credential lifetime > 0, received ${lifetime}`);
      const again = await c.acquireCredentialV2(sessionId, SIP_INSTANCE).then((l) => `lifetime ${l}`, (e: Error) => `refused: ${e.message.slice(0, 80)}`);
      await c.terminateSession(sessionId).catch(() => undefined);
      expect(again.startsWith('refused'), `second AcquireCredential on one session: expected a refusal, received ${again}`);
      return `credential lifetime ${lifetime} s; second call ${again.slice(0, 60)}`;
    },
  },
  {
    id: 'OCAUTH-3.3.4.2-01', section: '3.3.4.2', level: 'MUST', kind: 'requirement',
    text: 'TerminateAuthBrokerSession: Ends the client session with Authentication Broker Service.',
    check: async (ctx) => {
      const c = brokerClient(ctx, await ctx.ticket(ctx.urls.authBroker));
      const { sessionId } = await c.createSessionV2();
      await c.acquireCredentialV2(sessionId, SIP_INSTANCE);
      await c.terminateSession(sessionId);
      const after = await c.negotiateSecurityAssociationV2(sessionId, 'sip.example.test');
      expect(after.securityStatus === SecurityStatus.InvalidHandle, `NegotiateSecurityAssociationV2 after Terminate: expected SecurityStatus InvalidHandle (0x${SecurityStatus.InvalidHandle.toString(16)}), received 0x${(after.securityStatus >>> 0).toString(16)}`);
    },
  },
  {
    id: 'OCAUTH-3.3.4.4-01', section: '3.3.4.4', level: 'MUST', kind: 'requirement',
    text: 'AuthBrokerNegotiateSecurityAssociation: Provides gssapi response data for challenges issues by the SIP server. (a session of another user is an invalid handle)',
    check: async (ctx) => {
      const c = brokerClient(ctx, await ctx.ticket(ctx.urls.authBroker));
      const r = await c.negotiateSecurityAssociationV2(randomUUID(), 'sip.example.test');
      expect(r.securityStatus === SecurityStatus.InvalidHandle, `NegotiateSecurityAssociationV2 on an unknown SessionId: expected InvalidHandle, received 0x${(r.securityStatus >>> 0).toString(16)}`);
    },
  },
  { id: 'OCAUTH-3.3.2-01', section: '3.3.2', level: 'MUST', kind: 'requirement', text: 'The server keeps track of the session using a session expiration timer that automatically terminates the session after a period of inactivity.', manual: 'the inactivity period is implementation-defined (minutes); not waited for in a conformance run' },
  { id: 'OCAUTH-3.3.1-01', section: '3.3.1', level: 'SHOULD', kind: 'requirement', text: 'The Authentication Broker Service SHOULD keep the following states: …', manual: 'server-internal abstract data model' },
];

// ── Flows: ticket → certificate → auth broker session + TLS-DSK handshake ───────────────────────
export const FLOWS: Requirement[] = [
  {
    id: 'FLOW-PIN-TICKET', section: '3.2', level: 'MUST', kind: 'flow',
    text: 'Pin binding (HTTP Basic phone:PIN) → web ticket for the Certificate Provisioning Service (enforces OCAUTH-3.2-01)',
    check: async (ctx) => { const t = await ctx.ticket(); expect(t.proofKey.length >= 16, 'proof key: expected ≥128 bits'); return `ticket ${t.assertionId.slice(0, 24)}…, expires ${t.expires.toISOString()}`; },
  },
  {
    id: 'FLOW-AUTH-TICKET', section: '3.2', level: 'MUST', kind: 'flow',
    text: 'Auth binding (wsse:UsernameToken) → web ticket (enforces OCAUTH-3.2-02)',
    check: async (ctx) => { const r = await issued(ctx, { binding: 'Auth' }); expect(all(r.rstr, NS.saml, 'Assertion').length === 1, 'Auth binding: expected a saml:Assertion'); },
  },
  {
    id: 'FLOW-CERTIFICATE', section: '3.1.4.1', level: 'MUST', kind: 'flow',
    text: 'GetAndPublishCert signed with the proof key → X.509 certificate for the user (enforces OCAUTH-3.1.4.1-01)',
    check: async (ctx) => { const c = await ctx.certificate(); return new X509Certificate(Buffer.from(c.certificateDer)).subject.replace(/\n/g, ', '); },
  },
  ...([1, 2] as const).map((version): Requirement => ({
    id: `FLOW-BROKER-TLSDSK-V${version}`, section: version === 1 ? '3.3.4.4' : '3.3.4.7', level: 'MUST', kind: 'flow',
    text: `CreateAuthBrokerSession${version === 2 ? 'V2' : ''} → AcquireCredential → NegotiateSecurityAssociation legs with a SIP registrar (TLS ${version === 1 ? '1.0' : '1.2'}-DSK) → signing keys equal on both sides`,
    check: async (ctx) => {
      const peer = registrarPeer(ctx, version === 1 ? 'TLSv1' : 'TLSv1.2');
      const c = brokerClient(ctx, await ctx.ticket(ctx.urls.authBroker));
      const sessionId = version === 1 ? (await c.createSession()).sessionId : (await c.createSessionV2()).sessionId;
      const lifetime = version === 1 ? await c.acquireCredential(sessionId, SIP_INSTANCE) : await c.acquireCredentialV2(sessionId, SIP_INSTANCE);
      expect(lifetime > 0, `AcquireCredential: expected a lifetime > 0, received ${lifetime}`);
      let registrarKeys: { clientSigningKey: Uint8Array; serverSigningKey: Uint8Array } | undefined;
      const keys = await c.handshake({ sessionId, target: 'sip.ocauth.test', version, exchange: async (x) => { const r = await peer.respond(x); if (r.keys) registrarKeys = r.keys; return r.gssapiData; } });
      await c.terminateSession(sessionId).catch(() => undefined);
      expect(registrarKeys, 'registrar: expected the handshake to finish with keys, received none');
      expect(Buffer.from(keys.clientSigningKey).equals(Buffer.from(registrarKeys.clientSigningKey)) && Buffer.from(keys.serverSigningKey).equals(Buffer.from(registrarKeys.serverSigningKey)), 'TLS-DSK: expected the broker\'s signing keys to equal the registrar\'s, received different keys');
      return `keys ${keys.clientSigningKey.length * 8}-bit, equal; credential lifetime ${lifetime} s`;
    },
  })),
];

// ── Hostile requests, each tied to the requirement it enforces ──────────────────────────────────
const csr1024 = (ctx: RunContext) => generateCsr({ sipUri: ctx.entity, keySizeBits: 1024 }).der;
export const HOSTILE: Requirement[] = [
  {
    id: 'HOSTILE-WRONG-PROOF-KEY', section: '3.2', level: 'MUST', kind: 'hostile',
    text: 'GetAndPublishCert signed with a random key instead of the ticket\'s proof key → 28032, no certificate (enforces OCAUTH-3.2-03)',
    check: async (ctx) => refused(await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: csr1024(ctx) }), { proofKey: randomBytes(32) }), 'wrong proof key', { errorIds: [28032] }),
  },
  {
    id: 'HOSTILE-EXPIRED-TIMESTAMP', section: '3.2', level: 'MUST', kind: 'hostile',
    text: 'wsu:Timestamp that expired an hour ago → refused, no certificate (WS-Security; enforces OCAUTH-3.2-03)',
    check: async (ctx) => refused(await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: csr1024(ctx) }), { now: new Date(Date.now() - 2 * 3600_000), ttlSeconds: 300 }), 'expired Timestamp', { errorIds: [28032, 28033] }),
  },
  {
    id: 'HOSTILE-SIGNATURE-WRAPPING', section: '3.2', level: 'MUST', kind: 'hostile',
    text: 'A second wsu:Timestamp (with the signed one moved aside) in wsse:Security → refused (XML signature wrapping; enforces OCAUTH-3.2-03)',
    check: async (ctx) => refused(await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: csr1024(ctx) }), {
      transform: (s) => s.replace(/(<(?:\w+:)?Timestamp\b[\s\S]*?<\/(?:\w+:)?Timestamp>)/, (ts) => ts.replace(/wsu:Id="[^"]*"|u:Id="[^"]*"|Id="[^"]*"/, 'Id="evil"').replace(/<(\w+:)?Expires>[^<]*</, '<$1Expires>2099-01-01T00:00:00Z<') + ts),
    }), 'duplicate Timestamp'),
  },
  {
    id: 'HOSTILE-DOCTYPE-ENTITY-BOMB', section: '3.2.4.1.3.3', level: 'MUST', kind: 'hostile',
    text: 'An RST with a DOCTYPE declaring nested entities (billion laughs) → refused without expansion (enforces OCAUTH-3.2.4.1.3.3-03)',
    check: async (ctx) => {
      const t0 = Date.now();
      const bomb = `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><s:Envelope xmlns:s="${NS.soap}"><s:Body><RequestSecurityToken Context="&g;" xmlns="${NS.wst}"/></s:Body></s:Envelope>`;
      const r = await ctx.post(`${ctx.urls.webTicket}/Pin`, bomb, { authorization: ctx.pinAuthorization(), soapaction: '"http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue"' });
      refused(r, 'DOCTYPE with entity bomb');
      expect(r.status >= 400, `DOCTYPE: expected an HTTP error status, received ${r.status}`);
      expect(r.text.length < 100_000, `DOCTYPE: expected a short refusal, received ${r.text.length} bytes (expanded?)`);
      return `${describe(r)} in ${Date.now() - t0} ms`;
    },
  },
  {
    id: 'HOSTILE-OVERSIZED-BODY', section: '3.1.4.1', level: 'MUST', kind: 'hostile',
    text: 'A 3 MiB GetAndPublishCert body → refused (HTTP 413 or an error response), the service stays up (enforces OCAUTH-3.1.4.1-02)',
    check: async (ctx) => {
      const big = ctx.getAndPublishCertEnvelope({ csr: csr1024(ctx) }).replace('<s:Body>', `<s:Body><!--${'x'.repeat(3 * 1024 * 1024)}-->`);
      const r = await ctx.post(ctx.urls.certProv, big).catch((e: Error) => ({ status: 0, headers: new Headers(), text: e.message }));
      expect(r.status !== 200 || /ErrorInfo/.test(r.text), `oversized body: expected a refusal, received HTTP ${r.status}`);
      const again = await ctx.fetch(ctx.urls.webTicket + '?wsdl');
      await again.arrayBuffer();
      return `HTTP ${r.status}; service answers afterwards (HTTP ${again.status})`;
    },
  },
  {
    id: 'HOSTILE-MALFORMED-RST', section: '3.2.4.1.3.3', level: 'SHOULD', kind: 'hostile',
    text: 'An RST with RequestType Cancel and KeyType Bearer → wst:InvalidRequest fault, no ticket (enforces OCAUTH-3.2.4.1.3.3-03)',
    check: async (ctx) => refused((await ctx.issueRaw({ requestType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Cancel', keyType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer' })).raw, 'malformed RST', { faultcodes: /InvalidRequest/ }),
  },
  {
    id: 'HOSTILE-NOT-XML', section: '3.2.4.1.3.3', level: 'MUST', kind: 'hostile',
    text: 'A body that is not XML → a SOAP/HTTP error, never a ticket or a crash (enforces OCAUTH-3.2.4.1.3.3-03)',
    check: async (ctx) => refused(await ctx.post(`${ctx.urls.webTicket}/Pin`, '<s:Envelope><unclosed>', { authorization: ctx.pinAuthorization() }), 'malformed XML'),
  },
  {
    id: 'HOSTILE-CSR-BAD-SIGNATURE', section: '3.1.4.1.4.1', level: 'MUST', kind: 'hostile',
    text: 'A CSR whose self-signature does not verify → ErrorInfo InvalidCSR (enforces OCAUTH-3.1.4.1-02)',
    check: async (ctx) => {
      const der = Buffer.from(csr1024(ctx));
      der[der.length - 5]! ^= 0x55; // inside the signature BIT STRING
      return certProvRefuses(ctx, await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: der })), ['InvalidCSR'], 'CSR with a broken signature');
    },
  },
  {
    id: 'HOSTILE-CSR-512-BIT', section: '3.1.4.1.4.1', level: 'MUST', kind: 'hostile',
    text: 'A CSR with a 512-bit RSA key → ErrorInfo InvalidPublicKey (enforces OCAUTH-3.1.4.1-02)',
    check: async (ctx) => certProvRefuses(ctx, await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: generateCsr({ sipUri: ctx.entity, keySizeBits: 512 }).der })), ['InvalidPublicKey'], '512-bit key'),
  },
  {
    id: 'HOSTILE-CSR-NOT-DER', section: '3.1.4.1.2.3', level: 'MUST', kind: 'hostile',
    text: 'A BinarySecurityToken that is not a PKCS#10 → ErrorInfo InvalidCSR or RequestMalformed (enforces OCAUTH-3.1.4.1-02)',
    check: async (ctx) => certProvRefuses(ctx, await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: createHash('sha256').update('not a csr').digest() })), ['InvalidCSR', 'RequestMalformed'], 'garbage CSR'),
  },
  {
    id: 'HOSTILE-WRONG-ENTITY', section: '3.1.4.1.5.2', level: 'MUST', kind: 'hostile',
    text: 'GetAndPublishCert for another user\'s Entity with one\'s own ticket → ErrorInfo InvalidSipUri (enforces OCAUTH-3.1.4.1.5.2-01)',
    check: async (ctx) => certProvRefuses(ctx, await ctx.postCertProv(ctx.getAndPublishCertEnvelope({ csr: csr1024(ctx), entity: 'admin@' + (ctx.entity.split('@')[1] ?? 'example.com') })), ['InvalidSipUri'], 'another Entity'),
  },
  {
    id: 'HOSTILE-NO-TICKET', section: '3.2', level: 'MUST', kind: 'hostile',
    text: 'GetAndPublishCert without any web ticket → HTTP 401 with X-MS-WebTicketURL or a fault; no certificate (enforces OCAUTH-3.2-03)',
    check: async (ctx) => {
      const r = await ctx.post(ctx.urls.certProv, ctx.getAndPublishCertEnvelope({ csr: csr1024(ctx) }), { soapaction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' });
      return refused(r, 'no ticket') + (r.headers.get('x-ms-webticketurl') ? '; X-MS-WebTicketURL present' : '');
    },
  },
  {
    id: 'HOSTILE-BROKER-BAD-PROOF', section: '3.3', level: 'MUST', kind: 'hostile',
    text: 'CreateAuthBrokerSession with the ticket signed by a wrong proof key → refused (enforces OCAUTH-3.2-03 at the broker)',
    check: async (ctx) => {
      const t = await ctx.ticket(ctx.urls.authBroker);
      const c = new AuthBrokerClient({ url: ctx.urls.authBroker, webTicket: t.assertionXml, fetch: ctx.fetch, signEnvelope: (envelope, x) => signMessage({ envelope, proofKey: randomBytes(32), assertionId: t.assertionId, token: x.webTicket, now: x.now }) });
      const out = await c.createSessionV2().then((s) => `session ${s.sessionId}`, (e: Error) => `refused: ${e.message.slice(0, 100)}`);
      expect(out.startsWith('refused'), `broker with a wrong proof key: expected a refusal, received ${out}`);
      return out;
    },
  },
];

export const ALL_CHECKS: Requirement[] = [...REQUIREMENTS, ...FLOWS, ...HOSTILE];
void b64;
