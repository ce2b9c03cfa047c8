// Checks whose requests are written here byte by byte (the 4.1.1 GetAndPublishCert envelope with hostile
// values that @ocauth/certprov's builder refuses, a raw IssueToken): HTTPS transport (MS-OCAUTHWS 2.1), the
// ErrorId/Reason of OCSDiagnosticsFault (2.2.4.1), a PSHA1 proof key computed here from a raw RSTR
// (3.2.4.1.3.4), and hostile requests (CSR with a broken signature, a token that is not a PKCS#10, no web
// ticket, malformed XML, wrong PIN). Ids are unnumbered so they cannot collide with the numbered ones.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parseXml } from '@ocauth/c14n';
import { computedKey } from '@ocauth/psha1';
import { ACTION_GET_AND_PUBLISH_CERT, generateCsr } from '@ocauth/certprov';
import { signMessage, type WebTicket } from '@ocauth/wstrust';
import { esc, expectThat, type RawResponse, type RunContext } from '../context.js';
import type { Requirement } from '../requirements.js';

const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  wst: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/', // GetAndPublishCert (2.2.1, 4.1 example)
  wst13: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512', // IssueToken (4.2 example)
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wstep: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment',
  authws: 'http://schemas.microsoft.com/OCS/AuthWebServices/',
  saml: 'urn:oasis:names:tc:SAML:1.0:assertion',
  addrNone: 'http://schemas.microsoft.com/ws/2005/05/addressing/none',
} as const;
const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const B64BIN = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary';

interface El {
  localName: string | null;
  namespaceURI: string | null;
  textContent: string | null;
  getAttribute(n: string): string | null;
  getElementsByTagNameNS(ns: string, l: string): ArrayLike<El>;
  childNodes: ArrayLike<unknown>;
}
const dom = (xml: string) => parseXml(xml) as unknown as El;
/** Elements by namespace and local name; wst with and without the trailing slash (2.2.1 vs the 4.2 example). */
const all = (d: El, ns: string, local: string): El[] =>
  ns === NS.wst || ns === NS.wst13
    ? [...Array.from(d.getElementsByTagNameNS(NS.wst, local)), ...Array.from(d.getElementsByTagNameNS(NS.wst13, local))]
    : Array.from(d.getElementsByTagNameNS(ns, local));
function one(d: El, ns: string, local: string, what: string): El {
  const e = all(d, ns, local);
  expectThat(e.length === 1, `${what}: expected exactly one {${ns}}${local}, received ${e.length}`);
  return e[0]!;
}
const txt = (e: El | undefined) => (e?.textContent ?? '').trim();
const entityOf = (ctx: RunContext) => ctx.requireUser().replace(/^sip:/i, '');

function show(r: RawResponse): string {
  const diag = r.headers.get('x-ms-diagnostics');
  const fault = /<(?:\w+:)?faultcode[^>]*>([^<]*)</.exec(r.text)?.[1];
  const code = /ResponseCode="([^"]*)"/.exec(r.text)?.[1];
  return `HTTP ${r.status}${diag ? `, X-Ms-diagnostics ${diag.slice(0, 160)}` : ''}${fault ? `, faultcode ${fault}` : ''}${code ? `, ResponseCode ${code}` : ''}, ${r.text.length} body bytes`;
}
function errorIdOf(r: RawResponse): number | undefined {
  const m = /^\s*(\d+)/.exec(r.headers.get('x-ms-diagnostics') ?? '');
  if (m) return Number(m[1]);
  const d = /<(?:\w+:)?ErrorId[^>]*>\s*(\d+)\s*</.exec(r.text);
  return d ? Number(d[1]) : undefined;
}
/** A refusal: no ticket or certificate in the answer. */
function refused(r: RawResponse, what: string): string {
  expectThat(
    r.status !== 200 || !/Assertion|X509v3/.test(r.text) || /ErrorInfo/.test(r.text),
    `${what}: expected a refusal, received ${show(r)} carrying a token`,
  );
  return show(r);
}

/** The GetAndPublishCert envelope of 4.1.1, written here so hostile values can be sent (certprov's builder refuses them). */
function certProvEnvelope(ctx: RunContext, o: { csr: Uint8Array; entity?: string; deviceId?: string }): string {
  const body =
    `<GetAndPublishCert DeviceId="${esc(o.deviceId ?? `{${randomUUID().toUpperCase()}}`)}" Entity="${esc(o.entity ?? entityOf(ctx))}" xmlns="${NS.authws}">` +
    `<RequestSecurityToken xmlns="${NS.wst}"><TokenType>${X509V3}</TokenType><RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</RequestType>` +
    `<BinarySecurityToken EncodingType="${B64BIN}" ValueType="http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10" xmlns="${NS.wsse}">${Buffer.from(o.csr).toString('base64')}</BinarySecurityToken>` +
    `<RequestID xmlns="${NS.wstep}">${randomUUID()}</RequestID></RequestSecurityToken></GetAndPublishCert>`;
  return (
    `<s:Envelope xmlns:s="${NS.soap}"><s:Header><To s:mustUnderstand="1" xmlns="${NS.addrNone}">${esc(ctx.paths.certProv)}</To>` +
    `<Action s:mustUnderstand="1" xmlns="${NS.addrNone}">${ACTION_GET_AND_PUBLISH_CERT}</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}
async function postCertProv(ctx: RunContext, envelope: string, o: { ticket?: WebTicket; proofKey?: Uint8Array } = {}): Promise<RawResponse> {
  const t = o.ticket ?? (await ctx.freshTicket());
  const signed = signMessage({ envelope, proofKey: o.proofKey ?? t.proofKey, assertionId: t.assertionId, token: t.assertionXml });
  return ctx.post(ctx.paths.certProv, signed, { soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` });
}
/** A GetAndPublishCert error: HTTP 200, ResponseClass Error, ErrorInfo/@ResponseCode among `codes`, no RSTR (3.1.4.1, 3.1.4.1.2.4). */
function expectResponseCode(r: RawResponse, codes: string[], what: string): string {
  expectThat(r.status === 200, `${what}: expected HTTP 200 with GetAndPublishCertResponse/ErrorInfo (3.1.4.1), received ${show(r)}`);
  const d = dom(r.text);
  const resp = one(d, NS.authws, 'GetAndPublishCertResponse', what);
  expectThat(resp.getAttribute('ResponseClass') === 'Error', `${what}: expected ResponseClass="Error", received ${resp.getAttribute('ResponseClass')}`);
  expectThat(
    all(d, NS.wst, 'RequestSecurityTokenResponse').length === 0,
    `${what}: expected no wst:RequestSecurityTokenResponse in an error response (3.1.4.1.2.4), received one`,
  );
  const code = all(d, NS.authws, 'ErrorInfo')[0]?.getAttribute('ResponseCode') ?? undefined;
  expectThat(code !== undefined && codes.includes(code), `${what}: expected ErrorInfo/@ResponseCode ${codes.join(' or ')}, received ${code ?? 'none'}`);
  return `ResponseCode ${code}`;
}

export const HAND_BUILT_CHECKS: readonly Requirement[] = [
  {
    id: 'OCAUTH-2.1-01',
    section: '2.1',
    level: 'MUST',
    text: 'It transmits those messages using HTTPS, as specified in [RFC2818].',
    async check(ctx) {
      expectThat(ctx.target.baseUrl.startsWith('https://'), `target URL: expected https://, received ${ctx.target.baseUrl.split(':')[0]}:`);
      const r = await ctx.fetch(`${ctx.paths.webTicket}?wsdl`);
      await r.arrayBuffer();
      return `TLS to ${new URL(ctx.target.baseUrl).host} verified against the configured trust; ?wsdl HTTP ${r.status}`;
    },
  },
  {
    id: 'OCAUTH-2.2.4.1-01',
    section: '2.2.4.1',
    level: 'MUST',
    text: '<xs:element name="ErrorId" type="xs:positiveInteger" minOccurs="1" maxOccurs="1" /> <xs:element name="Reason" type="xs:string" minOccurs="1" maxOccurs="1" /> [editorial: a refused web ticket carries a positive ErrorId and a non-empty Reason]',
    async check(ctx) {
      const r = await postCertProv(ctx, certProvEnvelope(ctx, { csr: generateCsr({ sipUri: entityOf(ctx), keySizeBits: 1024 }).der }), {
        proofKey: randomBytes(32),
      });
      const id = errorIdOf(r);
      expectThat(id !== undefined && id > 0, `refused web ticket: expected a positive ErrorId (X-Ms-diagnostics or af:ErrorId), received ${show(r)}`);
      const h = r.headers.get('x-ms-diagnostics');
      const reason = h ? (/reason="([^"]*)"/.exec(h)?.[1] ?? h.split(';')[2]) : /<(?:\w+:)?Reason[^>]*>([^<]*)</.exec(r.text)?.[1];
      expectThat(reason !== undefined && reason.trim() !== '', `refused web ticket: expected a Reason, received none (${show(r)})`);
      return `ErrorId ${id}`;
    },
  },
  {
    id: 'FLOW-PSHA1-PROOF-KEY',
    section: '3.2.4.1.3.4',
    level: 'MUST',
    category: 'flow',
    enforces: ['OCAUTH-3.2.4.1.3.4-06', 'OCAUTH-3.2.4.1.3.4-07'],
    text: 'raw IssueToken → proof key computed here as PSHA1(client entropy, server Entropy/BinarySecret) (@ocauth/psha1, not the client library) → GetAndPublishCert signed with it is issued',
    async check(ctx) {
      const entropy = randomBytes(32);
      const r = await ctx.issueRaw(ctx.rst({ Entropy: entropy }).xml);
      expectThat(r.status === 200, `IssueToken: expected HTTP 200, received ${show(r)}`);
      const rstr = one(dom(r.text), NS.wst13, 'RequestSecurityTokenResponse', 'IssueToken response');
      const serverEntropy = Buffer.from(txt(one(one(rstr, NS.wst13, 'Entropy', 'RSTR'), NS.wst13, 'BinarySecret', 'Entropy')), 'base64');
      const proofKey = computedKey({ requestorEntropy: entropy, issuerEntropy: serverEntropy, keySizeBits: 256 });
      const assertion = all(rstr, NS.saml, 'Assertion')[0];
      const assertionXml = /<(?:[\w-]+:)?Assertion\b[\s\S]*<\/(?:[\w-]+:)?Assertion>/.exec(r.text)?.[0];
      expectThat(assertion && assertionXml, 'RSTR: expected a saml:Assertion');
      const ticket: WebTicket = {
        assertionXml,
        assertionId: assertion.getAttribute('AssertionID') ?? '',
        proofKey,
        appliesTo: ctx.paths.certProv,
        expires: new Date(Date.now() + 60_000),
        created: undefined,
      };
      const res = await postCertProv(ctx, certProvEnvelope(ctx, { csr: generateCsr({ sipUri: entityOf(ctx), keySizeBits: 1024 }).der }), { ticket });
      expectThat(
        res.status === 200 && /ResponseClass="Success"/.test(res.text),
        `GetAndPublishCert signed with PSHA1(client entropy, server entropy): expected Success, received ${show(res)}`,
      );
      return `${serverEntropy.length * 8}-bit server entropy; PSHA1 proof key accepted`;
    },
  },
  {
    id: 'HOSTILE-CSR-BAD-SIGNATURE',
    section: '3.1.4.1.4.1',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1-01'],
    text: 'a CSR whose self-signature does not verify → ErrorInfo InvalidCSR, no certificate',
    async check(ctx) {
      const der = Buffer.from(generateCsr({ sipUri: entityOf(ctx), keySizeBits: 1024 }).der);
      der[der.length - 5]! ^= 0x55; // inside the signature BIT STRING
      return expectResponseCode(await postCertProv(ctx, certProvEnvelope(ctx, { csr: der })), ['InvalidCSR'], 'CSR with a broken signature');
    },
  },
  {
    id: 'HOSTILE-CSR-NOT-PKCS10',
    section: '3.1.4.1.2.3',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1-01', 'OCAUTH-3.1.4.1.2.3-03'],
    text: 'a BinarySecurityToken that is not a PKCS#10 (32 random-looking bytes) → ErrorInfo InvalidCSR or RequestMalformed',
    async check(ctx) {
      return expectResponseCode(
        await postCertProv(ctx, certProvEnvelope(ctx, { csr: createHash('sha256').update('not a csr').digest() })),
        ['InvalidCSR', 'RequestMalformed'],
        'garbage CSR',
      );
    },
  },
  {
    id: 'HOSTILE-NO-TICKET',
    section: '3.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'GetAndPublishCert without any web ticket → refused (401 with X-MS-WebTicketURL or a fault), no certificate',
    async check(ctx) {
      const r = await ctx.post(ctx.paths.certProv, certProvEnvelope(ctx, { csr: generateCsr({ sipUri: entityOf(ctx), keySizeBits: 1024 }).der }), {
        soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"`,
      });
      return refused(r, 'no web ticket') + (r.headers.get('x-ms-webticketurl') ? '; X-MS-WebTicketURL present' : '');
    },
  },
  {
    id: 'HOSTILE-NOT-XML',
    section: '3.2.4.1.3.3',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2.4.1.3.3-02'],
    text: 'an IssueToken body that is not well-formed XML → an HTTP/SOAP error, never a ticket or a dropped connection',
    async check(ctx) {
      const c = ctx.pinCredentials() as { identity: string; pin: string };
      const r = await ctx.post(`${ctx.paths.webTicket}/Pin`, '<s:Envelope><unclosed>', {
        authorization: 'Basic ' + Buffer.from(`${c.identity}:${c.pin}`).toString('base64'),
      });
      expectThat(r.status >= 400, `malformed XML: expected an HTTP error status, received ${r.status}`);
      return refused(r, 'malformed XML');
    },
  },
  {
    id: 'HOSTILE-WRONG-PIN',
    section: '3.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2.4.1-01'],
    text: 'IssueToken on the Pin binding with a wrong PIN → no ticket',
    async check(ctx) {
      const c = ctx.pinCredentials() as { pin: string };
      return refused(await ctx.issueRaw(ctx.rst().xml, { binding: 'Pin', pin: c.pin === '000000' ? '999999' : '000000' }), 'wrong PIN');
    },
  },
];
