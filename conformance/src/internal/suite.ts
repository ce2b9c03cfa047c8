// The conformance suite: requirements of MS-OCAUTHWS 3.1 (Certificate Provisioning), 3.2 (Web Ticket)
// and 3.3 (Authentication Broker), the section 4 examples, the end-to-end flows and hostile requests.
// Every check takes the target through RunContext, so the same suite runs against a real pool.
import { generateKeyPairSync, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { parseRequestSecurityToken, signMessage, URI, WebTicketClient } from '@ocauth/wstrust';
import {
  ACTION_GET_AND_PUBLISH_CERT, buildGetAndPublishCertRequest, generateCsr, parseGetAndPublishCertRequest, parseGetAndPublishCertResponse,
  requestCertificate, subjectKeyIdentifier,
} from '@ocauth/certprov';
import { AuthBrokerClient, parseAuthBrokerRequest, parseAuthBrokerResponse, SecurityStatus } from '@ocauth/authbroker';
import { isGetAndPublishCertResponseCode, parseMsDiagnostics } from '@ocauth/diagnostics';
import { SIP_FLOWS } from './sip-leg.js';
import { CheckFailed, clientOnly, expectThat, manual, type RawResponse, type RunContext } from './context.js';
import type { Requirement } from './requirements.js';
import { EXTRA_CHECKS } from './extra-checks.js';
import { hasOpenSsl } from './openssl-registrar.js';
import { createHttpsFetch } from '@ocauth/server';
import { WEB_TICKET_ERROR_CHECKS } from './checks/web-ticket-errors.js';
import { SERVICE_DESCRIPTION_CHECKS } from './checks/service-descriptions.js';
import { BROKER_CHECKS } from './checks/broker.js';
import { EXAMPLE_REPLAY_CHECKS } from './checks/examples.js';
import { REAL_CLIENT_CHECKS } from './real-client-checks.js';

const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS_WST = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/'; // GetAndPublishCert (4.1 example)
const NS_WST13 = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512'; // IssueToken (4.2 example)
const NS_WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const NS_WSTEP = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment';
const NS_AUTHWS = 'http://schemas.microsoft.com/OCS/AuthWebServices/';
const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const B64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary';
const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';

const els = (doc: Document | Element, ns: string, local: string): Element[] => Array.from(doc.getElementsByTagNameNS(ns, local));
const one = (doc: Document | Element, ns: string, local: string, what: string): Element => {
  const e = els(doc, ns, local)[0];
  expectThat(e, `${what}: expected {${ns}}${local}, received none`);
  return e;
};
const text = (e: Element) => (e.textContent ?? '').trim();
/** Answers are judged with DOM reads of the suite's own (xmldom), not with ocauth's parsers. */
const dom = (xml: string): Document => {
  try {
    return new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml') as unknown as Document;
  } catch (e) {
    throw new CheckFailed(`response: expected well-formed XML, received ${xml.length} bytes that do not parse (${(e as Error).message.slice(0, 120)})`);
  }
};
const NS_WSP = 'http://schemas.xmlsoap.org/ws/2004/09/policy';
const NS_WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
/** GetAndPublishCertResponseCodeType (MS-OCAUTHWS 3.1.4.1.4.1), as the spec enumerates it. */
const RESPONSE_CODES = ['NoError', 'InternalError', 'InvalidPublicKey', 'InvalidValidityPeriod', 'InvalidEKU', 'InvalidSipUri', 'InvalidCSR', 'DataStoreUnavailable', 'InvalidDeviceId', 'RequestMalformed', 'AccountDisabled', 'UserImproperlyProvisioned'];

/** fault code(s) of a SOAP 1.1/1.2 fault, as written (prefix:local). */
function faultCodes(xml: string): string[] {
  return [...xml.matchAll(/<(?:[\w-]+:)?(?:faultcode|Value)\b[^>]*>\s*([^<\s]+)\s*</g)].map((m) => m[1]!);
}
/** ErrorId of X-Ms-diagnostics (3.2.4.1 ABNF: ErrorId = 1*DIGIT first), else of af:ErrorId in a fault's detail. */
function errorIdOf(r: RawResponse): number | undefined {
  const m = /^\s*(\d+)\s*(?:;|$)/.exec(r.headers.get('x-ms-diagnostics') ?? '');
  if (m) return Number(m[1]);
  const d = /<(?:[\w-]+:)?ErrorId>\s*(\d+)\s*</.exec(r.text);
  return d ? Number(d[1]) : undefined;
}
/** The first RSTR of an IssueToken response (3.2.4.1.3.4), read here. */
function firstRstr(r: RawResponse) {
  const d = dom(r.text);
  const rstr = one(d, NS_WST13, 'RequestSecurityTokenResponse', 'IssueToken response');
  const kid = (p: Element | undefined, ns: string, local: string) => (p ? els(p, ns, local)[0] : undefined);
  const t = (e: Element | undefined) => (e ? text(e) : '');
  const applies = kid(rstr, NS_WSP, 'AppliesTo');
  const address = applies ? Array.from(applies.getElementsByTagNameNS('*', 'Address'))[0] as Element | undefined : undefined;
  const keySize = kid(rstr, NS_WST13, 'KeySize');
  return {
    Context: rstr.getAttribute('Context') ?? undefined,
    TokenType: t(kid(rstr, NS_WST13, 'TokenType')),
    AppliesTo: t(address),
    ComputedKey: t(kid(kid(rstr, NS_WST13, 'RequestedProofToken'), NS_WST13, 'ComputedKey')),
    Entropy: Buffer.from(t(kid(kid(rstr, NS_WST13, 'Entropy'), NS_WST13, 'BinarySecret')), 'base64'),
    Lifetime: { Expires: t(kid(kid(rstr, NS_WST13, 'Lifetime'), NS_WSU, 'Expires')) },
    ...(keySize ? { KeySize: Number(t(keySize)) } : {}),
  };
}
/**
 * The key size of the Web Ticket Service's WS-Policy: wst:KeySize if the metadata names one, else the
 * default of its sp:AlgorithmSuite (WS-SecurityPolicy 1.2 6.1: Basic256* 256 bits, Basic192* 192, Basic128* 128).
 */
async function policyKeySize(ctx: RunContext): Promise<{ bits: number; from: string }> {
  const r = await ctx.fetch(`${ctx.paths.webTicket}?wsdl`);
  const wsdl = await r.text();
  expectThat(r.status === 200, `GET ?wsdl: expected 200, received ${r.status}`);
  const sizes = [...wsdl.matchAll(/<(?:[\w-]+:)?KeySize>\s*(\d+)\s*</g)].map((m) => Number(m[1]));
  if (sizes.length) return { bits: Math.min(...sizes), from: `wst:KeySize ${[...new Set(sizes)].join(',')}` };
  const suite = /<(?:[\w-]+:)?(Basic(256|192|128)\w*)\s*\/?>/.exec(wsdl);
  expectThat(suite, 'WS-Policy: expected wst:KeySize or an sp:AlgorithmSuite to take the key size from, received neither');
  return { bits: Number(suite[2]), from: `sp:AlgorithmSuite ${suite[1]}` };
}
const issued = (r: RawResponse) => r.text.includes(X509V3) && /DispositionMessage[^>]*>\s*Issued/.test(r.text);
function show(r: RawResponse): string {
  return `HTTP ${r.status}${r.headers.get('x-ms-diagnostics') ? ` X-Ms-diagnostics: ${r.headers.get('x-ms-diagnostics')}` : ''}; faultcode ${faultCodes(r.text).join(',') || 'none'}; body ${r.text.length} bytes`;
}

// ---- CertProv request construction (for hostile variants) ----
async function certProvEnvelope(ctx: RunContext, o: { entity?: string; csrDer?: Uint8Array; deviceId?: string; requestBody?: (b: string) => string } = {}): Promise<{ unsigned: string; deviceId: string }> {
  const user = ctx.requireUser().replace(/^sip:/i, '');
  const deviceId = o.deviceId ?? `{${randomUUID().toUpperCase()}}`;
  const csrDer = o.csrDer ?? (await csrFor(user)).der;
  let body = buildGetAndPublishCertRequest({ deviceId, entity: o.entity ?? user, csr: csrDer, requestId: randomUUID() });
  if (o.requestBody) body = o.requestBody(body);
  const ADDR = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';
  const unsigned = `<s:Envelope xmlns:s="${NS_SOAP}"><s:Header><To s:mustUnderstand="1" xmlns="${ADDR}">${ctx.paths.certProv}</To><Action s:mustUnderstand="1" xmlns="${ADDR}">${ACTION_GET_AND_PUBLISH_CERT}</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
  return { unsigned, deviceId };
}
const csrCache = new Map<string, ReturnType<typeof generateCsr>>();
async function csrFor(entity: string, bits = 2048) {
  const k = `${entity}/${bits}`;
  let c = csrCache.get(k);
  if (!c) csrCache.set(k, (c = generateCsr({ sipUri: entity, keySizeBits: bits })));
  return c;
}
async function signed(ctx: RunContext, unsigned: string, o: { now?: Date; proofKey?: Uint8Array; ttlSeconds?: number } = {}): Promise<string> {
  const t = await ctx.freshTicket();
  return signMessage({ envelope: unsigned, proofKey: o.proofKey ?? t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: o.now ?? new Date(), ...(o.ttlSeconds ? { ttlSeconds: o.ttlSeconds } : {}) });
}
const postCertProv = (ctx: RunContext, xml: string) => ctx.post(ctx.paths.certProv, xml, { soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` });

/** Certificates of a DER PKCS#7 certs-only SignedData, read by `openssl pkcs7` (no ocauth code). */
function pkcs7Certificates(der: Buffer): X509Certificate[] {
  if (!hasOpenSsl()) manual('reading the PKCS#7 chain needs the openssl binary on the PATH');
  const r = spawnSync('openssl', ['pkcs7', '-inform', 'DER', '-print_certs'], { input: der, encoding: 'latin1' });
  expectThat(r.status === 0, `PKCS#7 chain: expected a certs-only SignedData openssl can read, received ${der.length} bytes it refuses (${(r.stderr ?? '').slice(0, 120)})`);
  return (r.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
}
/** A GetAndPublishCertResponse read here (3.1.4.1.2.4): issued certificate, echoed CSR, the PKCS#7 chain if any. */
function certProvAnswer(xml: string) {
  const d = dom(xml);
  const resp = one(d, NS_AUTHWS, 'GetAndPublishCertResponse', 'GetAndPublishCertResponse');
  const tokens = els(resp, NS_WSSE, 'BinarySecurityToken');
  const rst = els(resp, NS_WST, 'RequestedSecurityToken')[0];
  const leaf = rst ? els(rst, NS_WSSE, 'BinarySecurityToken')[0] : undefined;
  const p7 = tokens.filter((t) => (t.getAttribute('ValueType') ?? '').endsWith('#PKCS7'));
  return {
    deviceId: resp.getAttribute('DeviceId') ?? '', entity: resp.getAttribute('Entity') ?? '',
    certificate: leaf ? new X509Certificate(Buffer.from(text(leaf), 'base64')) : undefined,
    csrEcho: tokens.filter((t) => (t.getAttribute('ValueType') ?? '').endsWith('#PKCS10')).map((t) => Buffer.from(text(t), 'base64'))[0],
    chain: () => p7.flatMap((t) => pkcs7Certificates(Buffer.from(text(t), 'base64'))),
  };
}
const certProvAnswerCert = (pem: string) => new X509Certificate(pem);
const issuedBy = (leaf: X509Certificate, ca: X509Certificate) => { try { return leaf.checkIssued(ca) && leaf.verify(ca.publicKey); } catch { return false; } };
/** The chain from `leaf` up to a self-signed root through `pool`, each signature verified (Node's X509Certificate); undefined if it breaks. */
function chainUp(leaf: X509Certificate, pool: X509Certificate[]): X509Certificate[] | undefined {
  const out = [leaf];
  for (let cur = leaf; out.length < 8; ) {
    if (cur !== leaf && issuedBy(cur, cur)) return out;
    const next = pool.find((c) => c !== cur && issuedBy(cur, c));
    if (!next) return undefined;
    out.push(next);
    if (!next.ca) return undefined;
    cur = next;
  }
  return undefined;
}

/** A GetAndPublishCert that must be refused at the authentication step (no certificate; 401/28032-28034 or a wsse fault). */
function expectAuthRefused(r: RawResponse, what: string) {
  expectThat(!issued(r), `${what}: expected no certificate, received one (${show(r)})`);
  const id = errorIdOf(r);
  const wsse = faultCodes(r.text).some((c) => /InvalidSecurity|FailedAuthentication|InvalidSecurityToken|MessageExpired/.test(c));
  expectThat(r.status === 401 || r.status === 403 || (id !== undefined && id >= 28000 && id <= 28035) || wsse, `${what}: expected an authentication failure (401, ErrorId 28032/28033 or a WS-Security fault), received ${show(r)}`);
}
/**
 * A GetAndPublishCert that must be answered with ErrorInfo (3.1.4.1: MUST use ErrorInfo; no RSTR), with
 * the ResponseCode whose 3.1.4.1.4.1 meaning fits the refusal (`expected`).
 */
function expectErrorInfo(r: RawResponse, what: string, expected?: readonly string[]): string {
  expectThat(!issued(r), `${what}: expected no certificate, received one`);
  let info: Element | undefined;
  let resp: Element | undefined;
  try {
    const d = dom(r.text);
    resp = els(d, NS_AUTHWS, 'GetAndPublishCertResponse')[0];
    info = resp && els(resp, NS_AUTHWS, 'ErrorInfo')[0];
  } catch { /* not XML: reported below */ }
  const code = info?.getAttribute('ResponseCode');
  expectThat(resp && info && code, `${what}: expected GetAndPublishCertResponse/ErrorInfo with @ResponseCode (MS-OCAUTHWS 3.1.4.1, 3.1.4.1.3.3), received ${show(r)}`);
  expectThat(RESPONSE_CODES.includes(code) && code !== 'NoError', `${what}: ErrorInfo/@ResponseCode: expected a GetAndPublishCertResponseCodeType failure value (3.1.4.1.4.1), received ${code}`);
  expectThat(els(resp, NS_WST, 'RequestSecurityTokenResponse').length === 0, `${what}: an error response MUST NOT contain wst:RequestSecurityTokenResponse (3.1.4.1.2.4)`);
  if (expected) expectThat(expected.includes(code), `${what}: ErrorInfo/@ResponseCode: expected ${expected.join(' or ')} (3.1.4.1.4.1), received ${code}`);
  return code;
}

const here = dirname(fileURLToPath(import.meta.url));
function specExample(name: string): string {
  for (const d of [join(here, '../../../vectors/spec'), join(here, '../../vectors/spec'), join(process.cwd(), 'vectors/spec')]) if (existsSync(join(d, name))) return readFileSync(join(d, name), 'utf8');
  throw new CheckFailed(`spec example ${name}: expected it in vectors/spec next to the package, found none (a broken installation, not a verdict on the target)`);
}

/** One live Authentication Broker session (create, acquire, TLS-DSK negotiation when a registrar is at hand, terminate), parsed, per run. */
const transcripts = new WeakMap<RunContext, Promise<{ operation: string; response: object }[]>>();
function brokerTranscript(ctx: RunContext): Promise<{ operation: string; response: object }[]> {
  let p = transcripts.get(ctx);
  if (!p) {
    p = (async () => {
      const out: { operation: string; response: object }[] = [];
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const f = (async (u: string | URL | Request, init?: RequestInit) => {
        const r = await ctx.fetch(u, init);
        const operation = parseAuthBrokerRequest(String(init?.body ?? '')).operation;
        const text = await r.clone().text();
        try { out.push({ operation, response: parseAuthBrokerResponse(text, operation as never).body as object }); } catch { /* a fault: not a response shape */ }
        return r;
      }) as typeof fetch;
      const c = new AuthBrokerClient({ url: ctx.paths.authBroker, webTicket: t.assertionXml, fetch: f, signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }) });
      const { sessionId } = await c.createSession();
      await c.acquireCredential(sessionId, SIP_INSTANCE);
      if (ctx.target.registrar) {
        const peer = ctx.target.registrar('TLSv1');
        await c.handshake({ sessionId, target: 'sip.contoso.test', version: 1, exchange: async (tok) => (await peer.respond(tok)).gssapiData });
      }
      await c.terminateSession(sessionId);
      return out;
    })();
    transcripts.set(ctx, p);
  }
  return p;
}

/** The service still answers: a fresh IssueToken round trip (not a cached ticket). */
async function stillUp(ctx: RunContext): Promise<void> {
  const r = await ctx.issueRaw(ctx.rst().xml);
  expectThat(r.status === 200 && r.text.includes('RequestedSecurityToken'), `afterwards: expected the Web Ticket Service to still issue tickets, received ${show(r)}`);
}

/** RSTs that break one rule of MS-OCAUTHWS 3.2.4.1.3.3 each. */
const RST_VIOLATIONS: Record<string, (ctx: RunContext) => string> = {
  'no @Context': (ctx) => ctx.rst().xml.replace(/\sContext="[^"]*"/, ''),
  '@Context not a UUID': (ctx) => ctx.rst({ Context: 'not a uuid <>' }).xml,
  'TokenType not SAMLV1.1': (ctx) => ctx.rst({ TokenType: 'urn:example:bogus' }).xml,
  'RequestType not Issue': (ctx) => ctx.rst({ RequestType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Cancel' }).xml,
  'no wsp:AppliesTo': (ctx) => ctx.rst().xml.replace(/<([\w:]*)AppliesTo\b[\s\S]*?<\/\1AppliesTo>/, ''),
  'no wst:Entropy': (ctx) => ctx.rst().xml.replace(/<([\w:]*)Entropy\b[\s\S]*?<\/\1Entropy>/, ''),
  'KeyType not SymmetricKey': (ctx) => ctx.rst({ KeyType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer' }).xml,
  'Claims Dialect not authclaims': (ctx) => ctx.rst({ Claims: { Dialect: 'urn:example:other-dialect', ClaimTypes: [{ Uri: URI.claimTypeUri, Value: ctx.requireUser() }] } }).xml,
  'ClaimType Uri not .../claims/uri': (ctx) => ctx.rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: 'http://example.invalid/claims/other', Value: ctx.requireUser() }] } }).xml,
};
/** A requirement on one RST field: the service issues no ticket for an RST that breaks it. */
function rstField(n: string, violation: string, text: string): Requirement {
  return {
    id: `OCAUTH-3.2.4.1.3.3-${n}`, section: '3.2.4.1.3.3', level: 'MUST', text,
    async check(ctx) {
      const ok = await ctx.issueRaw(ctx.rst().xml);
      expectThat(ok.status === 200, `a conforming RST: expected a ticket, received ${show(ok)}`);
      const r = await ctx.issueRaw(RST_VIOLATIONS[violation]!(ctx));
      expectThat(!r.text.includes('RequestedSecurityToken') && r.status !== 200, `RST with ${violation}: expected a fault and no ticket, received ${show(r)}`);
      const codes = faultCodes(r.text);
      return `${violation}: ${codes.join(',') || `HTTP ${r.status}`}`;
    },
  };
}
/** Ids of the statements that constrain only clients (reported `client-only`). */
export const CLIENT_ONLY_IDS = new Set<string>();
const clientSide = (id: string, section: string, level: 'MUST' | 'SHOULD', text: string, where: string): Requirement => (CLIENT_ONLY_IDS.add(id), {
  id, section, level, text,
  async check() { clientOnly(`constrains clients, not observable at a server; ${where}`); },
});
/** A fresh session with the Authentication Broker (ticket for the broker, proof-key signed requests). */
async function brokerClient(ctx: RunContext) {
  const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
  return new AuthBrokerClient({ url: ctx.paths.authBroker, webTicket: t.assertionXml, fetch: ctx.fetch, signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }) });
}
async function brokerHandshake(ctx: RunContext, version: 1 | 2) {
  if (!ctx.target.registrar) manual('the TLS-DSK leg needs a SIP registrar peer the runner controls (openssl s_server on the embedded target; a pool\'s registrar is not reachable over HTTPS)');
  const c = await brokerClient(ctx);
  const sessionId = version === 1 ? (await c.createSession()).sessionId : (await c.createSessionV2()).sessionId;
  const life = version === 1 ? await c.acquireCredential(sessionId, SIP_INSTANCE) : await c.acquireCredentialV2(sessionId, SIP_INSTANCE, ['SHA1', 'SHA256']);
  expectThat(life > 0, `AcquireCredential${version === 2 ? 'V2' : ''}: expected a positive lifetime, received ${life}`);
  const peer = ctx.target.registrar(version === 1 ? 'TLSv1' : 'TLSv1.2');
  let last: Awaited<ReturnType<typeof peer.respond>> | undefined;
  let legs = 0;
  const keys = await c.handshake({ sessionId, target: 'sip.contoso.test', version, exchange: async (tok) => { legs++; return (last = await peer.respond(tok)).gssapiData; } });
  expectThat(last?.done && last.keys, 'registrar: expected the handshake to complete');
  // The registrar is openssl s_server: its exported key block ([MS-SIPAE] 3.2.5.1) judges the broker's keys.
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  expectThat(hex(keys.clientSigningKey) === hex(last.keys.clientSigningKey), `TLS-DSK ClientSigningKey: expected bytes 64–95 of the "client EAP encryption" key block the registrar exported (${hex(last.keys.clientSigningKey).slice(0, 16)}…), received ${hex(keys.clientSigningKey).slice(0, 16)}…`);
  expectThat(hex(keys.serverSigningKey) === hex(last.keys.serverSigningKey), `TLS-DSK ServerSigningKey: expected bytes 96–127 of the key block the registrar exported (${hex(last.keys.serverSigningKey).slice(0, 16)}…), received ${hex(keys.serverSigningKey).slice(0, 16)}…`);
  await c.terminateSession(sessionId);
  return { keys, last, legs, life };
}

export const REQUIREMENTS: Requirement[] = [
  // ------------------------------------------------------------ 3.2 Web Ticket Service
  {
    id: 'OCAUTH-3.2.4.1-01', section: '3.2.4.1', level: 'MUST',
    text: 'Clients MUST authenticate to the Web Ticket Service using one of the following authentication protocols',
    async check(ctx) {
      const t = await ctx.ticket();
      expectThat(t.assertionXml.includes('Assertion'), 'expected a saml:Assertion for valid credentials');
      const bad = await ctx.issueRaw(ctx.rst().xml, { pin: ctx.target.pin ? '0000000000' : 'wrong-password-x' });
      expectThat(bad.status !== 200 && !bad.text.includes('RequestedSecurityToken'), `wrong credentials: expected no ticket, received ${show(bad)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-01', section: '3.2.4.1.3.4', level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/@Context: A required attribute that MUST be set to the value from the corresponding request.',
    async check(ctx) {
      const { xml, context } = ctx.rst();
      const r = await ctx.issueRaw(xml);
      expectThat(r.status === 200, `RST: expected 200, received ${show(r)}`);
      const rstr = firstRstr(r);
      expectThat(rstr.Context === context, `@Context: expected ${context}, received ${rstr.Context}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-02', section: '3.2.4.1.3.4', level: 'MUST',
    text: '/wst:RequestSecuritytokenResponse/wst:TokenType: A required element that MUST be set to "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1".',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      expectThat(rstr.TokenType === URI.tokenTypeSaml11, `wst:TokenType: expected ${URI.tokenTypeSaml11}, received ${rstr.TokenType}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-03', section: '3.2.4.1.3.4', level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/saml:Assertion: A required element that MUST be returned.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const doc = dom(r.text);
      const rst = one(doc, NS_WST13, 'RequestedSecurityToken', 'wst:RequestedSecurityToken');
      one(rst, 'urn:oasis:names:tc:SAML:1.0:assertion', 'Assertion', 'wst:RequestedSecurityToken/saml:Assertion');
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-04', section: '3.2.4.1.3.4', level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wsp:AppliesTo/wsa:EndpointReference/wsa:Address: A required element that MUST be set to the URL of the HTTP URL of the server farm or service to which the ticket applies.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      expectThat(/^https?:\/\//.test(rstr.AppliesTo) && ctx.paths.certProv.toLowerCase().startsWith(rstr.AppliesTo.toLowerCase().replace(/\/$/, '')), `AppliesTo: expected a prefix of ${ctx.paths.certProv}, received ${rstr.AppliesTo}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-05', section: '3.2.4.1.3.4', level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wst:RequestedProofToken/wst:ComputedKey: This required element MUST be set to the element specified in the ComputedKeyAlgorithm element of the metadata',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      expectThat(rstr.ComputedKey === URI.computedKeyPsha1, `wst:ComputedKey: expected ${URI.computedKeyPsha1}, received ${rstr.ComputedKey}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-06', section: '3.2.4.1.3.4', level: 'SHOULD',
    text: "/wst:RequestSecurityTokenResponse/wst:Entropy/wst:BinarySecret: ... The size of the element SHOULD be the same as the KeySize specified in the WS-Policy",
    async check(ctx) {
      const key = await policyKeySize(ctx);
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      expectThat(rstr.Entropy.length * 8 === key.bits, `server entropy: expected ${key.bits} bits (the key size of ${key.from}), received ${rstr.Entropy.length * 8}`);
      return `server entropy ${rstr.Entropy.length * 8} bits = ${key.from}`;
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-07', section: '3.2.4.1.3.4', level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wst:Lifetime/wsu:Expires: A required element that indicates the UTC time when the token expires.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      const exp = Date.parse(rstr.Lifetime.Expires);
      expectThat(/Z$/.test(rstr.Lifetime.Expires) && exp > Date.now(), `wsu:Expires: expected a future UTC time, received ${rstr.Lifetime.Expires}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-01', section: '3.2.4.1.3.3', level: 'MUST',
    text: 'The server MUST validate that this address is part of the server farm.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst({ AppliesTo: 'https://evil.example.invalid/CertProv/CertProvisioningService.svc' }).xml);
      expectThat(r.status !== 200 && !r.text.includes('RequestedSecurityToken'), `AppliesTo outside the farm: expected a fault, received ${show(r)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-02', section: '3.2.4.1.3.3', level: 'SHOULD',
    text: 'If any one of the above required elements is not supplied or the element syntax does not conform to the syntax requirement specified in this section, the server SHOULD respond with a fault message carrying fault code wst:InvalidRequest',
    async check(ctx) {
      const bad: string[] = [];
      for (const [name, make] of Object.entries(RST_VIOLATIONS)) {
        const xml = make(ctx);
        const r = await ctx.issueRaw(xml);
        if (!faultCodes(r.text).some((c) => /InvalidRequest$/.test(c))) bad.push(`${name}: ${show(r)}`);
      }
      expectThat(bad.length === 0, `expected wst:InvalidRequest for: ${bad.join('; ')}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-03', section: '3.2.4.1.3.3', level: 'MUST',
    text: 'If this element is included, the SIP URI MUST match the credentials submitted with the RST.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:mallory@contoso.invalid' }] } }).xml);
      expectThat(!r.text.includes('RequestedSecurityToken'), `claims for another SIP URI: expected no ticket, received ${show(r)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-04', section: '3.2.4.1.3.3', level: 'SHOULD',
    text: 'If the SIP URI does not match the credentials, the server SHOULD respond with a fault message carrying fault code wst:RequestFailed',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:mallory@contoso.invalid' }] } }).xml);
      expectThat(faultCodes(r.text).some((c) => /RequestFailed$/.test(c)), `expected wst:RequestFailed, received ${show(r)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-05', section: '3.2.4.1.3.3', level: 'SHOULD',
    text: 'If the element is not included, the server SHOULD use the credentials submitted with the RST to determine the SIP URI.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      expectThat(r.status === 200, `RST without Claims: expected a ticket, received ${show(r)}`);
      const user = ctx.requireUser().replace(/^sip:/i, '').toLowerCase();
      expectThat(r.text.toLowerCase().includes(user), `ticket: expected it to name ${user}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-06', section: '3.2.4.1.3.3', level: 'SHOULD',
    text: 'The key size MUST be obtained from the WS-Policy ... for the Web Ticket Service and SHOULD NOT be less than 128 bits.',
    async check(ctx) {
      // The 6.2 WSDL carries no wst:KeySize: the key size is its algorithm suite's (Basic256: 256 bits).
      const key = await policyKeySize(ctx);
      expectThat(key.bits >= 128, `WS-Policy key size: expected >= 128 bits, received ${key.bits} (${key.from})`);
      // The key the service computes is as strong as its own contribution: its entropy must be the key size.
      const rstr = firstRstr(await ctx.issueRaw(ctx.rst().xml));
      expectThat(rstr.Entropy.length * 8 >= key.bits, `server entropy: expected the ${key.bits}-bit key size (${key.from}), received ${rstr.Entropy.length * 8} bits`);
      return `${key.from}; server entropy ${rstr.Entropy.length * 8} bits`;
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-01', section: '3.2', level: 'MUST',
    text: 'The Web ticket, or SAML token, used to construct the base64-ticket MUST be a signed security token, as specified in [WS-Trust1.3].',
    async check(ctx) {
      const t = await ctx.ticket();
      const doc = dom(t.assertionXml);
      const sig = one(doc, 'http://www.w3.org/2000/09/xmldsig#', 'Signature', 'saml:Assertion/ds:Signature');
      one(sig, 'http://www.w3.org/2000/09/xmldsig#', 'SignatureValue', 'ds:SignatureValue');
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-02', section: '3.2', level: 'SHOULD',
    text: 'If the Web ticket fails validation, OCSDiagnosticsFaultType, as described in section 2.2.4.1, SHOULD be returned. ... 28032 The Web ticket is invalid.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const r = await postCertProv(ctx, await signed(ctx, unsigned, { proofKey: randomBytes(32) }));
      expectAuthRefused(r, 'wrong proof key');
      expectThat(errorIdOf(r) === 28032, `expected ErrorId 28032, received ${errorIdOf(r)} (${show(r)})`);
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-03', section: '3.2', level: 'SHOULD',
    text: 'wsse:InvalidSecurityToken 28033 The Web ticket has expired.',
    async check(ctx) {
      const clk = ctx.target.clock;
      if (!clk) manual('needs a ticket that outlived its Lifetime and a fresh request around it: the pool\'s clock cannot be moved and waiting for expiry does not fit a run');
      const t = await ctx.client(ctx.anyCredentials(), { sipUri: ctx.requireUser() }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
      const notOnOrAfter = Date.parse(/NotOnOrAfter="([^"]+)"/.exec(t.assertionXml)?.[1] ?? '');
      expectThat(Number.isFinite(notOnOrAfter), 'ticket: expected saml:Conditions/@NotOnOrAfter');
      // Move the server's clock an hour past the ticket's end (beyond any clock skew); the request's
      // Timestamp is fresh on that clock, so only the ticket has expired.
      const moved = notOnOrAfter - clk.now().getTime() + 3600_000;
      clk.advance(moved);
      try {
        const { unsigned } = await certProvEnvelope(ctx);
        const r = await postCertProv(ctx, signMessage({ envelope: unsigned, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: clk.now() }));
        expectAuthRefused(r, 'expired web ticket');
        expectThat(errorIdOf(r) === 28033, `expired web ticket: expected ErrorId 28033, received ${errorIdOf(r)} (${show(r)})`);
        return 'ErrorId 28033';
      } finally {
        clk.advance(-moved);
      }
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-04', section: '3.2', level: 'MUST',
    text: 'After the client receives a Web ticket from the Web Ticket Service, the client MUST attach the Web ticket, as it would a SAML token, to its requests to a participating Web service.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const r = await postCertProv(ctx, unsigned);
      expectAuthRefused(r, 'GetAndPublishCert without a web ticket');
      const url = r.headers.get('x-ms-webticketurl');
      return url ? `401 names X-MS-WebTicketURL ${url}` : undefined;
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-05', section: '3.2', level: 'MUST',
    text: 'If the Web ticket fails validation, an error response MUST be returned with an HTTP extension header called X-Ms-diagnostics',
    async check(ctx) {
      // Autodiscover's User resource is a non-Web-service application taking X-MS-WebTicket (1.3.1, 1.5):
      // a genuine ticket with its subject altered (its signature no longer verifies) must be refused with X-Ms-diagnostics.
      const t = await ctx.ticket();
      const forged = t.assertionXml.replace(/(NameIdentifier[^>]*>)[^<]+/, '$1sip:mallory@contoso.invalid');
      const r = await ctx.fetch(`${ctx.paths.autodiscover}/user`, { headers: { 'x-ms-webticket': `opaque=${Buffer.from(forged).toString('base64')}`, accept: 'application/vnd.microsoft.rtc.autodiscover+xml' } });
      const body = await r.text();
      const raw = { status: r.status, headers: r.headers, text: body };
      expectThat(r.status === 401 || r.status === 403, `Autodiscover …/root/user with an invalid X-MS-WebTicket: expected a refusal, received ${show(raw)}`);
      const diag = r.headers.get('x-ms-diagnostics');
      expectThat(diag && /^\s*\d+\s*(;|$)/.test(diag), `refused X-MS-WebTicket: expected an X-Ms-diagnostics header (ErrorId;source;reason), received ${diag === null ? 'none' : JSON.stringify(diag)}`);
      return `X-Ms-diagnostics: ${diag}`;
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-06', section: '3.2', level: 'SHOULD',
    text: 'wsse:InvalidSecurityToken 28034 Proof Web tickets are only valid at the same Web server where they were requested.',
    async check(ctx) {
      if (!ctx.target.otherWebServer) manual('needs a proof ticket from another Web server of the pool; give none for a real pool');
      const { webTicketUrl } = await ctx.target.otherWebServer();
      const t = await ctx.client(ctx.anyCredentials(), { sipUri: ctx.requireUser() }).requestTicket(ctx.paths.certProv, webTicketUrl);
      const { unsigned } = await certProvEnvelope(ctx);
      const r = await postCertProv(ctx, signMessage({ envelope: unsigned, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: new Date() }));
      expectAuthRefused(r, 'proof ticket of another Web server');
      expectThat(errorIdOf(r) === 28034, `expected ErrorId 28034, received ${errorIdOf(r)} (${show(r)})`);
    },
  },
  // ------------------------------------------------------------ 3.1 Certificate Provisioning
  {
    id: 'OCAUTH-3.1.1-01', section: '3.1.1', level: 'MUST',
    text: 'Trusted Certificate Authorities: ... This list MUST have sufficient data that the certificates (2) in the chain can be located.',
    async check(ctx) {
      const c = await ctx.certificate();
      const resp = certProvAnswer(c.rawResponse);
      const leaf = resp.certificate;
      expectThat(leaf, 'GetAndPublishCertResponse: expected the issued certificate');
      const aia = leaf.infoAccess ?? '';
      const inResponse = resp.chain();
      const declared = (ctx.target.issuerCertificates ?? []).map((p) => new X509Certificate(p));
      const verifies = (x: X509Certificate) => issuedBy(leaf, x);
      if (inResponse.some(verifies)) return `issuer in the response's PKCS#7 chain (${inResponse.length} certificates)`;
      if (/CA Issuers - URI:/.test(aia)) return `issuer located by AIA caIssuers (${/CA Issuers - URI:(\S+)/.exec(aia)?.[1]})`;
      if (declared.some(verifies)) return 'issuer located in the declared issuer CA list (--issuer-ca) and its signature verifies';
      // The reference server promises its chain in the response; a pool's clients may get it out of band.
      if (!declared.length && ctx.target.embedded) throw new CheckFailed(`issued certificate: its issuer ${leaf.issuer.replace(/\n/g, ',')} is neither in the response's PKCS#7 chain nor named by AIA caIssuers`);
      if (!declared.length) manual(`issuer ${leaf.issuer.replace(/\n/g, ',')} is neither in the response nor named by AIA; give --issuer-ca FILE to check it`);
      throw new CheckFailed(`issued certificate: its issuer ${leaf.issuer.replace(/\n/g, ',')} is not in the response, not named by AIA caIssuers, and no declared issuer CA verifies its signature`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1-01', section: '3.1.4.1', level: 'MUST',
    text: 'If an error occurs during processing, an error response MUST be sent using the ErrorInfo element in GetAndPublishCertResponse',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/DeviceId="[^"]*"/, 'DeviceId="not-a-guid"') });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'DeviceId not a GUID', ['InvalidDeviceId'])}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1-02', section: '3.1.4.1', level: 'SHOULD',
    text: 'SOAP faults SHOULD NOT be used for error reporting.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: Buffer.from('not a certification request') });
      const r = await postCertProv(ctx, await signed(ctx, unsigned));
      expectThat(!/<(?:[\w-]+:)?Fault\b/.test(r.text), `bad CSR: expected ErrorInfo, received a SOAP fault (${show(r)})`);
      expectErrorInfo(r, 'bad CSR', ['InvalidCSR']);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-01', section: '3.1.4.1.2.3', level: 'MUST',
    text: '/wst:RequestedSecurityToken/wst:RequestType MUST be "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue".',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace('200512/Issue', '200512/Renew') });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'RequestType Renew', ['RequestMalformed']);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-02', section: '3.1.4.1.2.3', level: 'MUST',
    text: '/wst:RequestedSecurityToken/wst:TokenType MUST be "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3".',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/<TokenType>[^<]*<\/TokenType>/, '<TokenType>urn:example:bogus</TokenType>') });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'TokenType bogus', ['RequestMalformed']);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-03', section: '3.1.4.1.2.3', level: 'MUST',
    text: '/wst:RequestedSecurityToken/wsse:BinarySecurityToken MUST contain a PKCS#10 Certification Signing Request (CSR) ... encoded with base64 encoding',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const good = await csrFor(user);
      const der = Buffer.from(good.der);
      der[der.length - 5]! ^= 0xff; // break the CSR's self-signature
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: der });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'CSR with a bad signature', ['InvalidCSR']);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-04', section: '3.1.4.1.2.3', level: 'MUST',
    text: '/wst:RequestedSecurityToken/wsBinarySecurityToken/@EncodingType MUST be "...#base64binary". The .../@ValueType attribute MUST be "http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10".',
    async check(ctx) {
      // The MUST constrains the request: a conforming one (ours) is accepted; a non-conforming one is noted, not failed.
      const c = await ctx.certificate();
      const req = parseGetAndPublishCertRequest(c.rawRequest);
      expectThat(req.csrDer.length > 0 && /EncodingType="[^"]*#base64binary"/.test(c.rawRequest) && c.rawRequest.includes('AuthWebServices.xsd#PKCS10'), 'conforming request: expected it to be accepted');
      // What a server can do about the MUST: not take a token of another ValueType for a PKCS#10.
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace('AuthWebServices.xsd#PKCS10', 'AuthWebServices.xsd#PKCS7') });
      const code = expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'BinarySecurityToken/@ValueType #PKCS7', ['RequestMalformed', 'InvalidCSR']);
      const hex = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/(EncodingType="[^"]*#)base64binary"/i, '$1HexBinary"') });
      expectThat(/#HexBinary"/.test(hex.unsigned), 'request: expected to set EncodingType …#HexBinary');
      const code2 = expectErrorInfo(await postCertProv(ctx, await signed(ctx, hex.unsigned)), 'BinarySecurityToken/@EncodingType #HexBinary', ['RequestMalformed', 'InvalidCSR']);
      return `ValueType #PKCS7 refused: ${code}; EncodingType #HexBinary refused: ${code2}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-05', section: '3.1.4.1.2.3', level: 'SHOULD',
    text: 'The server SHOULD be able to process ValidityPeriod and ValidityPeriodUnits, as specified in [MS-WCCE] section 3.1.1.4.3.1.1.',
    async check(ctx) {
      // 14 days: unlike 6 months or 4320 hours, no server's default; an ignored request shows.
      const got = await requestCertificate({ url: ctx.paths.certProv, sipUri: ctx.requireUser(), ticket: await ctx.freshTicket(), keySizeBits: 1024, validity: { period: 'Days', units: 14 }, fetch: ctx.fetch });
      const x = certProvAnswerCert(got.certificatePem);
      const hours = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 3600_000;
      expectThat(hours > 0 && hours <= 14 * 24 + 1, `requested 14 Days: expected a validity of at most 336 h, received ${hours.toFixed(0)} h`);
      return `validity ${hours.toFixed(0)} h for 14 Days requested`;
    },
  },
  ...([
    ['01', 'MUST', '/wst:RequestSecurityTokenResponse/wstep:DispositionMessage MUST be "Issued".', (d: Document) => { const e = one(d, NS_WSTEP, 'DispositionMessage', 'wstep:DispositionMessage'); expectThat(text(e) === 'Issued', `DispositionMessage: expected Issued, received ${text(e)}`); }],
    ['02', 'MUST', '/wst:RequestSecurityTokenResponse /wstep:DispositionMessage/@lang attribute MUST be "en-US".', (d: Document) => { const e = one(d, NS_WSTEP, 'DispositionMessage', 'wstep:DispositionMessage'); const l = e.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang') || e.getAttribute('lang'); expectThat(l === 'en-US', `DispositionMessage/@lang: expected en-US, received ${l}`); }],
    ['03', 'MUST', '/wst:RequestSecurityTokenResponse/wst:TokenType MUST be "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3".', (d: Document) => { const r = one(d, NS_WST, 'RequestSecurityTokenResponse', 'wst:RSTR'); const t = els(r, NS_WST, 'TokenType')[0]; expectThat(t && text(t) === X509V3, `wst:TokenType: expected ${X509V3}, received ${t ? text(t) : 'none'}`); }],
    ['04', 'MUST', '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken MUST contain BinarySecurityToken, which MUST contain the X.509 v3 certificate (2) using base64 encoding.', (d: Document) => { const r = one(d, NS_WST, 'RequestedSecurityToken', 'wst:RequestedSecurityToken'); const b = one(r, NS_WSSE, 'BinarySecurityToken', 'RequestedSecurityToken/wsse:BinarySecurityToken'); const x = new X509Certificate(Buffer.from(text(b), 'base64')); expectThat(x.subject.length > 0, 'certificate parses'); }],
    ['07', 'MUST', '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/wsse:BinarySecurityToken/@ValueType MUST be "...x509-token-profile-1.0#X509v3".', (d: Document) => { const b = one(one(d, NS_WST, 'RequestedSecurityToken', 'RST'), NS_WSSE, 'BinarySecurityToken', 'BST'); expectThat(b.getAttribute('ValueType') === X509V3, `@ValueType: expected ${X509V3}, received ${b.getAttribute('ValueType')}`); }],
    ['08', 'MUST', '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/wsse:BinarySecurityToken/@EncodingType MUST be "...wssecurity-secext-1.0.xsd#base64binary".', (d: Document) => { const b = one(one(d, NS_WST, 'RequestedSecurityToken', 'RST'), NS_WSSE, 'BinarySecurityToken', 'BST'); expectThat(b.getAttribute('EncodingType') === B64, `@EncodingType: expected ${B64}, received ${b.getAttribute('EncodingType')}`); }],
  ] as const).map(([n, level, t, f]): Requirement => ({
    id: `OCAUTH-3.1.4.1.2.4-${n}`, section: '3.1.4.1.2.4', level, text: t,
    async check(ctx) { const c = await ctx.certificate(); f(dom(c.rawResponse)); },
  })),
  {
    id: 'OCAUTH-3.1.4.1.2.4-05', section: '3.1.4.1.2.4', level: 'MUST',
    text: 'The Common Name of the Subject ... in the returned certificate (2) MUST have the same value as the Entity attribute in the client request.',
    async check(ctx) {
      const c = await ctx.certificate();
      const entity = ctx.requireUser().replace(/^sip:/i, '');
      const cn = /(?:^|\n)CN=([^\n]*)/.exec(c.certificate.subject)?.[1];
      expectThat(cn?.toLowerCase() === entity.toLowerCase(), `subject CN: expected ${entity}, received ${cn}`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.4-06', section: '3.1.4.1.2.4', level: 'SHOULD',
    text: 'SubjectKeyIdentifier ... in the returned certificate (2) SHOULD contain the value of the DeviceId attribute in the client request.',
    async check(ctx) {
      const c = await ctx.certificate();
      const ski = subjectKeyIdentifier(c.certificateDer);
      expectThat(ski && Buffer.from(ski).toString('latin1') === c.deviceId, `SKI: expected the ASCII of DeviceId ${c.deviceId}, received ${ski ? Buffer.from(ski).toString('hex') : 'none'}`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.4-09', section: '3.1.4.1.2.4', level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wsse:BinarySecurityToken MUST contain the BinarySecurityToken that came as part of the incoming request.',
    async check(ctx) {
      const c = await ctx.certificate();
      const resp = parseGetAndPublishCertResponse(c.rawResponse);
      const req = parseGetAndPublishCertRequest(c.rawRequest);
      expectThat(resp.csrDer && Buffer.from(resp.csrDer).equals(Buffer.from(req.csrDer)), 'RSTR/wsse:BinarySecurityToken: expected the request\'s PKCS#10 echoed byte for byte');
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.5.2-01', section: '3.1.4.1.5.2', level: 'MUST',
    text: 'Entity ... MUST be same as the Session Initiation Protocol (SIP) Uniform Resource Identifier (URI) for the authenticated user ... without the "sip:" prefix.',
    async check(ctx) {
      const c = await ctx.certificate();
      const resp = parseGetAndPublishCertResponse(c.rawResponse);
      const entity = ctx.requireUser().replace(/^sip:/i, '');
      expectThat(resp.entity.toLowerCase() === entity.toLowerCase(), `response @Entity: expected ${entity}, received ${resp.entity}`);
      const other = ctx.target.otherUser?.replace(/^sip:/i, '');
      if (!other) manual('the Entity of another provisioned user (Target.otherUser) is needed to see the server hold Entity to the ticket\'s SIP URI');
      const { unsigned } = await certProvEnvelope(ctx, { entity: other, csrDer: (await csrFor(other)).der });
      return `another provisioned user's Entity: ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), `Entity ${other}`, ['InvalidSipUri'])}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.5.1-01', section: '3.1.4.1.5.1', level: 'MUST',
    text: 'DeviceId MUST be convertible to a GUID.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/DeviceId="[^"]*"/, 'DeviceId="not-a-guid"') });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'DeviceId not a GUID', ['InvalidDeviceId']);
    },
  },
  // ------------------------------------------------------------ 3.3 Authentication Broker
  {
    id: 'OCAUTH-3.3.4-01', section: '3.3.4', level: 'MUST',
    text: 'CreateAuthBrokerSession ... Creates a session to be used as part of the client authentication with the SIP server using TLS-DSK. ... AuthBrokerAcquireCredential ... Associates a specific SIPInstance with the session.',
    async check(ctx) {
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = new AuthBrokerClient({ url: ctx.paths.authBroker, webTicket: t.assertionXml, fetch: ctx.fetch, signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }) });
      const { sessionId } = await c.createSession();
      const life = await c.acquireCredential(sessionId, SIP_INSTANCE);
      expectThat(life > 0, `AuthBrokerAcquireCredential: expected a positive credential lifetime, received ${life}`);
      await c.terminateSession(sessionId);
      const after = await c.negotiateSecurityAssociation(sessionId, 'sip.contoso.test');
      expectThat(after.securityStatus === SecurityStatus.InvalidHandle, `after TerminateAuthBrokerSession: expected SEC_E_INVALID_HANDLE, received ${after.securityStatus}`);
    },
  },
  {
    id: 'OCAUTH-3.3.4-02', section: '3.3.4', level: 'MUST',
    text: 'After the client receives a Web ticket from the Web Ticket Service, the client MUST attach the Web ticket, as it would a SAML token, to its requests to a participating Web service. [editorial: the Authentication Broker is one]',
    async check(ctx) {
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = new AuthBrokerClient({ url: ctx.paths.authBroker, webTicket: t.assertionXml, fetch: ctx.fetch, signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: randomBytes(32), assertionId: t.assertionId, token: webTicket, now }) });
      const e = await c.createSession().then(() => undefined, (x: unknown) => x as { httpStatus?: number; message: string });
      expectThat(e, 'CreateAuthBrokerSession signed with a wrong proof key: expected a refusal, received a session');
      expectThat(e.httpStatus === 401 || /28032|Invalid/i.test(e.message), `expected 401 / 28032, received ${e.httpStatus} ${e.message}`);
    },
  },
];


// ------------------------------------------------------------ the rest of sections 2–3
REQUIREMENTS.push(
  clientSide('OCAUTH-2.2.4-01', '2.2.4', 'MUST', 'af:BindingType WS-Policy assertion that the protocol client can communicate with the associated port. The absence of this assertion means that the client MUST NOT communicate with the associated WSDL port.', 'the @ocauth/wstrust client binds to the Pin/Auth/Cert/WinNegotiate ports it is configured for'),
  {
    id: 'OCAUTH-3.1.1-02', section: '3.1.1', level: 'SHOULD',
    text: 'The server SHOULD keep the following states: Certificate Issuer: A proxy, with which the server can communicate with a CA, used for generating X.509 v3 certificates (2). Trusted Certificate Authorities: A list of CAs whose certificate chains are required to be trusted by the protocol clients in order for them to create Transport Layer Security (TLS) connections with the server.',
    async check(ctx) {
      const c = await ctx.certificate();
      expectThat(c.certificate.issuer !== c.certificate.subject, 'issued certificate: expected it to be issued by a CA, received a self-signed one');
      await stillUp(ctx); // a fresh TLS connection, validated against the trust given for the pool
      return `issuer ${c.certificate.issuer.replace(/\n/g, ',')}; TLS validated against ${ctx.target.ca ? 'the given CA bundle' : 'the system store'}`;
    },
  },
  {
    id: 'OCAUTH-3.1.3-01', section: '3.1.3', level: 'SHOULD',
    text: 'The CA that would be used for generating X.509 v3 certificates (2) SHOULD be initialized with at least one public key/private key pair, used for signing the certificates (2).',
    async check(ctx) {
      const c = await ctx.certificate();
      const issuers = [...certProvAnswer(c.rawResponse).chain(), ...(ctx.target.issuerCertificates ?? []).map((p) => new X509Certificate(p))];
      const by = issuers.find((x) => issuedBy(c.certificate, x));
      if (!by) manual('the issuing CA certificate is neither in the response nor given to the runner (--issuer-ca FILE)');
      return `signature verifies with ${by.subject.replace(/\n/g, ',')}`;
    },
  },
  {
    id: 'OCAUTH-3.1.3-02', section: '3.1.3', level: 'SHOULD',
    text: 'The certificate (2) issuer proxy SHOULD be constructed and initialized, so that it can communicate with the CA.',
    async check(ctx) {
      const c = await ctx.certificate();
      expectThat(c.dispositionMessage === 'Issued', `GetAndPublishCert: expected Issued, received ${c.dispositionMessage}`);
      return 'a certificate was issued through it';
    },
  },
  {
    id: 'OCAUTH-3.1.3-03', section: '3.1.3', level: 'SHOULD',
    text: 'The Trusted Certificate Authorities list SHOULD be initialized.',
    async check(ctx) {
      // The list the server keeps is what it hands out with certificates (the PKCS#7 chain): a client
      // trusting only that list can open a TLS connection to the server.
      const chain = certProvAnswer((await ctx.certificate()).rawResponse).chain();
      if (chain.length === 0) manual('GetAndPublishCertResponse carries no CA chain: the server\'s trusted CA list is not observable');
      const f = createHttpsFetch({ ca: chain.map((x) => x.toString()).join('\n') });
      const r = await f(`${ctx.paths.webTicket}?wsdl`).then((x) => x.arrayBuffer().then(() => x.status), (e: Error) => e);
      expectThat(typeof r === 'number', `TLS to the pool trusting only the CAs of the GetAndPublishCert chain: expected it to validate, received ${(r as Error).message}`);
      return `the pool's TLS chain validates against the ${chain.length} CA certificate(s) the server sends`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1-03', section: '3.1.4.1', level: 'MUST',
    text: 'GetAndPublishCert generates a X.509 v3 certificate (2) using the PKCS#10 certification request in the request, and then stores the certificate (2) in an implementation-specific manner, so that it can be used to verify client certificates (2) supplied during authentication.',
    async check(ctx) {
      const c = await ctx.certificate();
      expectThat(c.certificate.checkPrivateKey(c.privateKey), 'issued certificate: expected the public key of the request\'s PKCS#10');
      const t = await new WebTicketClient({ credentials: { type: 'certificate', certificate: c.certificatePem, privateKey: c.privateKey }, fetch: ctx.fetch }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
      expectThat(t.assertionId, 'Cert binding: expected a ticket for the stored certificate');
      return 'the issued certificate authenticates at the Cert binding';
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.2-01', section: '3.1.4.1.2.2', level: 'MUST',
    text: 'ErrorInfo: This element contains information about the error that occurred. It MUST be an instance of the GetAndPublishCertErrorInfoType, as defined in section 3.1.4.1.3.3.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: Buffer.from('not a certification request') });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'bad CSR', ['InvalidCSR'])}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.3.3-01', section: '3.1.4.1.3.3', level: 'MUST',
    text: 'tns:ResponseCode: It MUST be an instance of a GetAndPublishCertResponseCodeType, as defined in section 3.1.4.1.4.1, and contains a code that describes the failure.',
    async check(ctx) {
      // Each refusal with the code whose 3.1.4.1.4.1 meaning fits it: membership of the enumeration is not enough.
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const cases: [string, Parameters<typeof certProvEnvelope>[1], string[]][] = [
        ['RequestType Renew', { requestBody: (b) => b.replace('200512/Issue', '200512/Renew') }, ['RequestMalformed']],
        ['not a PKCS#10', { csrDer: Buffer.from('not a certification request') }, ['InvalidCSR']],
        ['DeviceId not a GUID', { requestBody: (b) => b.replace(/DeviceId="[^"]*"/, 'DeviceId="not-a-guid"') }, ['InvalidDeviceId']],
        ['512-bit key', { csrDer: generateCsr({ sipUri: user, keyPair: generateKeyPairSync('rsa', { modulusLength: 512 }), keySizeBits: 512 } as never).der }, ['InvalidPublicKey']],
      ];
      const got: string[] = [];
      for (const [what, o, codes] of cases) {
        const { unsigned } = await certProvEnvelope(ctx, o);
        got.push(`${what}: ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), what, codes)}`);
      }
      return got.join('; ');
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.3.2-01', section: '3.1.4.1.3.2', level: 'MUST',
    text: 'DeviceId: ... This attribute contains the same value as the one contained in the DeviceId attribute of the client request. Entity: ... This attribute contains the same value as the one contained in Entity attribute of the client request.',
    async check(ctx) {
      const c = await ctx.certificate();
      const req = parseGetAndPublishCertRequest(c.rawRequest);
      const rsp = parseGetAndPublishCertResponse(c.rawResponse);
      expectThat(rsp.deviceId === req.deviceId && rsp.entity === req.entity, `response DeviceId/Entity: expected ${req.deviceId} ${req.entity}, received ${rsp.deviceId} ${rsp.entity}`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-06', section: '3.1.4.1.2.3', level: 'MUST',
    text: 'For this protocol, this element MUST be a child of the GetAndPublishCert element',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => { const rst = /<RequestSecurityToken\b[\s\S]*<\/RequestSecurityToken>/.exec(b)![0]; return b.replace(rst, '') + rst; } });
      const r = await postCertProv(ctx, await signed(ctx, unsigned));
      expectThat(!issued(r), `wst:RequestSecurityToken outside GetAndPublishCert: expected no certificate, received one (${show(r)})`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-07', section: '3.1.4.1.2.3', level: 'SHOULD',
    text: 'Any optional element or attribute not mentioned in this section SHOULD be ignored.',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const csr = await csrFor(user, 1024);
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: csr.der, requestBody: (b) => b.replace('<RequestType>', '<KeySize>1024</KeySize><Extra xmlns="urn:example:ignored" note="x">ignored</Extra><RequestType>').replace('<TokenType>', '<TokenType xmlns:q="urn:example:ignored" q:hint="1">') });
      const r = await postCertProv(ctx, await signed(ctx, unsigned));
      expectThat(issued(r), `unknown optional element/attribute: expected them ignored and a certificate issued, received ${show(r)}`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.4-10', section: '3.1.4.1.2.4', level: 'MUST',
    text: 'In case of an error, this element MUST NOT be present in the GetAndPublishCertResponse.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/DeviceId="[^"]*"/, 'DeviceId="not-a-guid"') });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'DeviceId not a GUID', ['InvalidDeviceId']); // asserts no wst:RequestSecurityTokenResponse
    },
  },
  clientSide('OCAUTH-3.1.4.1.2.4-11', '3.1.4.1.2.4', 'SHOULD', 'Any element or attribute not mentioned in this section SHOULD be ignored.', 'the @ocauth/certprov response parser ignores them (its tests)'),
  clientSide('OCAUTH-3.1.4.1.5.1-02', '3.1.4.1.5.1', 'MUST', 'It MUST be unique for each device being used by the same user.', 'the runner uses a fresh GUID per request'),
  {
    id: 'OCAUTH-3.1.4.1.5.1-03', section: '3.1.4.1.5.1', level: 'MUST',
    text: 'DeviceId and the aforementioned identifier MUST be equal or it MUST be possible for the DeviceId to be generated using the identifier using a deterministic mathematical transformation. This transformation MUST be known to the certificate (2) verification engine.',
    async check(ctx) {
      const c = await ctx.certificate();
      const ski = subjectKeyIdentifier(c.certificateDer);
      if (!ski || Buffer.from(ski).toString('latin1') !== c.deviceId) manual('the certificate does not carry DeviceId as its SKI; the transformation is private to the pool');
      return 'DeviceId travels as the SKI of the issued certificate (ASCII), known to the verifier';
    },
  },
  {
    id: 'OCAUTH-3.2.1-01', section: '3.2.1', level: 'SHOULD',
    text: 'Fully Qualified Domain Name of the Web Server Farm: This fully qualified domain name (FQDN) is used to verify the address in the wst:RequestSecurityToken/wsp:AppliesTo/wsa10:EndpointReference/wsa10:Address element of the RST.',
    async check(ctx) {
      const farm = new URL(ctx.target.baseUrl);
      const inFarm = await ctx.issueRaw(ctx.rst({ AppliesTo: `${farm.origin}/Reach/Sip.svc/AuthBroker` }).xml);
      expectThat(inFarm.status === 200, `AppliesTo on the farm FQDN: expected a ticket, received ${show(inFarm)}`);
      const other = await ctx.issueRaw(ctx.rst({ AppliesTo: `${farm.protocol}//farm.example.invalid${farm.port ? `:${farm.port}` : ''}/CertProv/CertProvisioningService.svc` }).xml);
      expectThat(other.status !== 200, `AppliesTo on another FQDN (same port and path): expected a fault, received ${show(other)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-02', section: '3.2.4.1', level: 'MUST',
    text: 'If Integrated Windows authentication fails, the errors defined in section 3.2.4.1 are returned. ... If validation of OAuth2 token fails, the errors defined in section 3.2.4.1 are returned.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml, { pin: ctx.target.pin ? '0000000000' : 'wrong-password-x' });
      const id = errorIdOf(r);
      expectThat(id !== undefined && id >= 28000 && id <= 28035, `failed authentication: expected an ErrorId of 3.2.4.1 (28000–28035) in X-Ms-diagnostics or the fault, received ${show(r)}`);
      return `ErrorId ${id}`;
    },
  },
  rstField('07', '@Context not a UUID', '/wst:RequestSecurityToken/@Context: A required attribute that MUST be set to a universally unique identifier (UUID).'),
  rstField('08', 'TokenType not SAMLV1.1', '/wst:RequestSecuritytoken/wst:TokenType: A required element that MUST be set to "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1".'),
  rstField('09', 'RequestType not Issue', '/wst:RequestSecurityToken/wst:RequestType: A required element that MUST be set to "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue".'),
  rstField('10', 'no wsp:AppliesTo', '/wst:RequestSecurityToken/wsp:AppliesTo/wsa:EndpointReference/wsa:Address: A required element that MUST be set to the HTTP URL of the service for which the token is being requested.'),
  rstField('11', 'KeyType not SymmetricKey', '/wst:RequestSecuritytoken/wst:KeyType: A required element that MUST be set to "http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey".'),
  rstField('12', 'Claims Dialect not authclaims', '/wst:RequestSecuritytoken/wst:Claims: An optional element representing a specific claim. Its Dialect attribute MUST be set to "urn:component:Microsoft.Rtc.WebAuthentication.2010:authclaims".'),
  rstField('13', 'ClaimType Uri not .../claims/uri', '/wst:RequestSecuritytoken/wst:Claims/auth:ClaimType: ... If this element is present, its Uri attribute MUST be set to "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/uri".'),
  rstField('14', 'no wst:Entropy', '/wst:RequestSecurityToken/wst:Entropy/wst:BinarySecret: This required element specifies a base64 encoded sequence of cryptographically random octets representing the requestor\'s entropy.'),
  clientSide('OCAUTH-3.2.4.1.3.3-15', '3.2.4.1.3.3', 'SHOULD', 'The entropy size SHOULD be the same size as the key size.', 'the runner sends 256-bit entropy for the 256-bit default key'),
  clientSide('OCAUTH-3.2.4.1.3.4-09', '3.2.4.1.3.4', 'SHOULD', 'This element and its contents SHOULD be treated as an opaque XML token by the User Agent.', 'the @ocauth/wstrust client keeps the assertion as received'),
  {
    id: 'OCAUTH-3.2.4.1.3.4-08', section: '3.2.4.1.3.4', level: 'SHOULD',
    text: 'Clients SHOULD perform a prefix match on this URL to determine which services the ticket applies to.',
    async check(ctx) {
      const t = await ctx.ticket();
      if (!ctx.paths.authBroker.toLowerCase().startsWith(t.appliesTo.toLowerCase().replace(/\/?$/, '/'))) manual(`the ticket applies to ${t.appliesTo} only; no second service to reuse it at`);
      // The prefix rule, seen from the server side: a ticket whose AppliesTo prefixes the broker's URL is accepted there.
      const c = new AuthBrokerClient({ url: ctx.paths.authBroker, webTicket: t.assertionXml, fetch: ctx.fetch, signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }) });
      const { sessionId } = await c.createSession();
      await c.terminateSession(sessionId);
      return `ticket for ${t.appliesTo} accepted by the Authentication Broker`;
    },
  },
  clientSide('OCAUTH-3.2-CLIENT-01', '3.2', 'MUST', 'After the client receives a Web ticket from the Web Ticket Service, the client MUST send the Web ticket in an HTTP header extension in its request to participating non-Web services.', 'formatWebTicketHeader in @ocauth/diagnostics / WebTicketClient.headerValue'),
  {
    id: 'OCAUTH-3.3.1-01', section: '3.3.1', level: 'SHOULD',
    text: 'The Authentication Broker Service SHOULD keep the following states: ... The session identifier of the user. ... A certificate store that can be used to save and retrieve certificates. ... The store of the challenge that is associated with the first AuthBrokerNegotiateSecurityAssociation ... that is used to generate the response for subsequent calls.',
    async check(ctx) {
      const { legs } = await brokerHandshake(ctx, 1);
      expectThat(legs >= 2, `TLS-DSK: expected a multi-leg negotiation over one session, received ${legs} leg(s)`);
      return `${legs} AuthBrokerNegotiateSecurityAssociation calls on one session`;
    },
  },
  {
    id: 'OCAUTH-3.3.2-01', section: '3.3.2', level: 'SHOULD',
    text: 'The server keeps track of the session using a session expiration timer that automatically terminates the session after a period of inactivity.',
    async check(ctx) {
      const clk = ctx.target.clock;
      const idle = ctx.target.brokerIdleSeconds;
      if (!clk || !idle) manual('the inactivity period is implementation-defined (minutes) and the pool\'s clock cannot be moved; waiting for it does not fit a conformance run');
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = new AuthBrokerClient({ url: ctx.paths.authBroker, webTicket: t.assertionXml, fetch: ctx.fetch, clock: () => clk.now(), signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }) });
      const { sessionId } = await c.createSession();
      await c.acquireCredential(sessionId, SIP_INSTANCE);
      const half = (idle * 1000) / 2 + 1000;
      const moved = [0];
      try {
        clk.advance(half); moved[0]! += half;
        const during = await c.negotiateSecurityAssociation(sessionId, 'sip.contoso.test');
        expectThat(during.securityStatus !== SecurityStatus.ContextExpired && during.securityStatus !== SecurityStatus.InvalidHandle, `after ${half / 1000} s of inactivity (< ${idle} s): expected the session alive, received status ${during.securityStatus}`);
        clk.advance(idle * 1000 + 1000); moved[0]! += idle * 1000 + 1000;
        const after = await c.negotiateSecurityAssociation(sessionId, 'sip.contoso.test');
        expectThat(after.securityStatus === SecurityStatus.ContextExpired || after.securityStatus === SecurityStatus.InvalidHandle, `after ${idle + 1} s of inactivity: expected the session terminated (SEC_E_CONTEXT_EXPIRED / SEC_E_INVALID_HANDLE), received status ${after.securityStatus}`);
        return `session alive after ${half / 1000} s idle, terminated after ${idle + 1} s (inactivity period ${idle} s)`;
      } finally {
        clk.advance(-moved[0]!);
      }
    },
  },
  {
    id: 'OCAUTH-3.3.4.2-01', section: '3.3.4.2', level: 'MUST',
    text: 'TerminateAuthBrokerSession ... Ends the client session with Authentication Broker Service.',
    async check(ctx) {
      const c = await brokerClient(ctx);
      const { sessionId } = await c.createSession();
      await c.acquireCredential(sessionId, SIP_INSTANCE);
      await c.terminateSession(sessionId);
      const after = await c.negotiateSecurityAssociation(sessionId, 'sip.contoso.test');
      expectThat(after.securityStatus === SecurityStatus.InvalidHandle, `after TerminateAuthBrokerSession: expected SEC_E_INVALID_HANDLE, received ${after.securityStatus}`);
    },
  },
  {
    id: 'OCAUTH-3.3.4.3-01', section: '3.3.4.3', level: 'MUST',
    text: 'AuthBrokerAcquireCredentialResult: The remaining lifetime, in seconds, of the certificate on the server on the server. The value will be zero if the certificate has expired or if obtaining the certificate failed.',
    async check(ctx) {
      if (!ctx.target.registrar) {
        const c = await brokerClient(ctx);
        const { sessionId } = await c.createSession();
        const life = await c.acquireCredential(sessionId, SIP_INSTANCE);
        await c.terminateSession(sessionId);
        expectThat(life > 0 && life <= 10 * 366 * 86400, `AuthBrokerAcquireCredentialResult: expected a remaining lifetime in seconds (> 0), received ${life}`);
        manual(`AuthBrokerAcquireCredentialResult ${life}: its unit is judged against the certificate the broker presents in TLS-DSK, which needs a registrar peer`);
      }
      // The certificate the broker authenticates with, as the registrar (openssl) saw it in the handshake.
      const t0 = Date.now();
      const { life, last } = await brokerHandshake(ctx, 1);
      const cert = last.clientCertificate;
      expectThat(cert, 'registrar: expected the broker to present the user\'s certificate');
      const remaining = (Date.parse(cert.validTo) - t0) / 1000;
      expectThat(Math.abs(life - remaining) <= 300, `AuthBrokerAcquireCredentialResult: expected the certificate's remaining lifetime in seconds (~${remaining.toFixed(0)} s to ${cert.validTo}), received ${life}`);
      return `${life} s; the certificate presented in TLS-DSK expires in ${remaining.toFixed(0)} s`;
    },
  },
  {
    id: 'OCAUTH-3.3.4.4-01', section: '3.3.4.4', level: 'MUST',
    text: 'AuthBrokerNegotiateSecurityAssociation ... Provides gssapi response data for challenges issues by the SIP server and client and server authentication keys once the handshake is complete.',
    async check(ctx) {
      const { keys } = await brokerHandshake(ctx, 1);
      return `TLS 1.0, ${keys.hashAlgorithm ?? 'SHA1'} signing keys equal to the registrar's`;
    },
  },
  {
    id: 'OCAUTH-3.3.4.5-01', section: '3.3.4.5', level: 'SHOULD',
    text: 'CreateAuthBrokerSessionV2 ... Creates a session to be used as part of the client authentication with the SIP server using TLS-DSK. Supports TLS 1.2.',
    async check(ctx) {
      const { keys, last } = await brokerHandshake(ctx, 2);
      expectThat(last.keys?.protocol === 'TLSv1.2', `V2: expected a TLS 1.2 handshake, received ${last.keys?.protocol}`);
      return `TLS 1.2, ${keys.hashAlgorithm} signing keys`;
    },
  },
);
// The additional checks (extra-checks.ts) and those of checks/, each into its group.
REQUIREMENTS.push(...EXTRA_CHECKS.filter((r) => (r.category ?? 'requirement') === 'requirement'), ...WEB_TICKET_ERROR_CHECKS, ...SERVICE_DESCRIPTION_CHECKS, ...BROKER_CHECKS);
REQUIREMENTS.sort((a, b) => {
  const k = (r: Requirement) => r.section.split('.').map((x) => x.padStart(3, '0')).join('.');
  return k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
});

// ------------------------------------------------------------ Section 4 examples
export const EXAMPLES: Requirement[] = [
  {
    id: 'EX-4.2-01', section: '4.2', level: 'MUST', category: 'example', enforces: ['OCAUTH-3.2.4.1.3.4-01', 'OCAUTH-3.2.4.1.3.4-02'],
    text: '4.2.1 IssueToken request: the example RST is accepted (credentials and AppliesTo of the target substituted); the response has the shape of 4.2.2',
    async check(ctx) {
      const req = specExample('4.2-issue-token-request.xml');
      const exRsp = firstRstr({ status: 200, headers: new Headers(), text: specExample('4.2-issue-token-response.xml') });
      const body = /<(\w+:)?RequestSecurityToken\b[\s\S]*<\/\1?RequestSecurityToken>/.exec(req)?.[0];
      expectThat(body, '4.2.1: expected a wst:RequestSecurityToken in the example');
      const exRst = parseRequestSecurityToken(dom(body).documentElement as never);
      const context = randomUUID();
      const entropy = randomBytes(Math.max(16, exRst.Entropy.length));
      let rst = body.replace(exRst.Context, context).replace(/(<(?:\w+:)?Address>)[^<]*/, `$1${ctx.paths.certProv}`).replace(Buffer.from(exRst.Entropy).toString('base64'), entropy.toString('base64'));
      rst = rst.replace(/(<(?:\w+:)?Value>)[^<]*(<\/(?:\w+:)?Value>)/, `$1${ctx.requireUser()}$2`);
      const r = await ctx.issueRaw(rst);
      expectThat(r.status === 200, `example RST: expected 200, received ${show(r)}`);
      const got = firstRstr(r);
      expectThat(got.Context === context && got.TokenType === exRsp.TokenType && got.ComputedKey === exRsp.ComputedKey, `response shape differs from 4.2.2 (Context/TokenType/ComputedKey): ${got.TokenType} ${got.ComputedKey}`);
    },
  },
  {
    id: 'EX-4.1-01', section: '4.1', level: 'MUST', category: 'example', enforces: ['OCAUTH-3.1.4.1.2.3-01', 'OCAUTH-3.1.4.1.2.4-01'],
    text: '4.1 GetAndPublishCert: the example request and response parse; a request of the example\'s shape (MS-WCCE name-value pairs in the CSR) is answered with a response of the example\'s shape',
    async check(ctx) {
      const exReq = parseGetAndPublishCertRequest(specExample('4.1-get-and-publish-cert-request.xml'));
      const exRsp = parseGetAndPublishCertResponse(specExample('4.1-get-and-publish-cert-response.xml'));
      expectThat(exRsp.dispositionMessage === 'Issued' && exReq.deviceId === exRsp.deviceId, 'example 4.1: DispositionMessage Issued and DeviceId echoed');
      const c = await ctx.certificate(); // our request carries validityPeriod=Months / ValidityPeriodUnits=6 like the example CSR
      const got = parseGetAndPublishCertResponse(c.rawResponse);
      expectThat(got.responseClass === exRsp.responseClass && got.dispositionMessage === exRsp.dispositionMessage && got.deviceId === c.deviceId, `response: expected ResponseClass ${exRsp.responseClass}, Issued, DeviceId echoed; received ${got.responseClass} ${got.dispositionMessage} ${got.deviceId}`);
    },
  },
  ...(['4.3-create-auth-broker-session', '4.4-terminate-auth-broker-session', '4.5-auth-broker-acquire-credential', '4.6-auth-broker-negotiate-security-association'] as const).map((n): Requirement => ({
    id: `EX-${n.slice(0, 3)}-01`, section: n.slice(0, 3), level: 'MUST', category: 'example', enforces: ['OCAUTH-3.3.4-01'],
    text: `${n.slice(0, 3)} example: request and response parse with the Authentication Broker parsers; the target accepts a request of the same operation and answers with a response carrying the same fields as the example's`,
    async check(ctx) {
      const req = parseAuthBrokerRequest(specExample(`${n}-request.xml`));
      const exRsp = parseAuthBrokerResponse(specExample(`${n}-response.xml`), req.operation as never);
      const fields = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined).map(([k]) => k).sort().join(',');
      const live = (await brokerTranscript(ctx)).filter((x) => x.operation === req.operation);
      if (live.length === 0) manual(`${req.operation}: not exchanged with this target (the final TLS-DSK leg needs the SIP registrar)`);
      const want = fields(exRsp.body as object);
      expectThat(live.some((x) => fields(x.response) === want), `${req.operation} response fields: expected {${want}} as in the example, received ${live.map((x) => `{${fields(x.response)}}`).join(' ')}`);
      return `${req.operation}: {${want}}`;
    },
  })),
];

// ------------------------------------------------------------ Flows
export const FLOWS: Requirement[] = [
  {
    id: 'FLOW-01-TICKET', section: '3.2.4.1', level: 'MUST', category: 'flow', enforces: ['OCAUTH-3.2.4.1-01'],
    text: 'Web ticket through every binding the service metadata offers and the runner has credentials for: Pin, Auth (UsernameToken); Cert is FLOW-04; WinNegotiate skipped without Windows credentials',
    async check(ctx) {
      const r = await ctx.fetch(`${ctx.paths.webTicket}?wsdl`);
      const wsdl = await r.text();
      const offered = new Set([...wsdl.matchAll(/<[\w:]*address\b[^>]*location="([^"]+)"/g)].map((m) => (/\/(Pin|Auth|Cert|Anon|WinNegotiate)$/i.exec(m[1]!)?.[1] ?? 'WinNegotiate')));
      expectThat(r.status === 200 && offered.size > 0, `GET ?wsdl: expected the Web Ticket Service metadata with its ports, received HTTP ${r.status}`);
      const done: string[] = [];
      const skipped: string[] = [];
      if (offered.has('Pin')) {
        if (ctx.target.pin) { await ctx.client(ctx.pinCredentials(), { sipUri: ctx.requireUser() }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket); done.push('Pin'); } else skipped.push('Pin (no --pin)');
      }
      if (offered.has('Auth')) {
        if (ctx.target.password) { await ctx.client(ctx.passwordCredentials()).requestTicket(ctx.paths.certProv, ctx.paths.webTicket); done.push('Auth'); } else skipped.push('Auth (no --password)');
      }
      if (offered.has('WinNegotiate')) skipped.push('WinNegotiate (no Windows credentials)');
      if (offered.has('Cert')) skipped.push('Cert (see FLOW-04-CERT-BINDING)');
      expectThat(done.length > 0, `no binding exercised: the service offers ${[...offered].join(', ')}; give --pin and/or --password`);
      return `offered ${[...offered].join(', ')}; ticket via ${done.join(', ')}; skipped ${skipped.join(', ') || 'none'}`;
    },
  },
  {
    id: 'FLOW-02-CERT', section: '3.1.4.1', level: 'MUST', category: 'flow', enforces: ['OCAUTH-3.1.4.1.2.4-05'],
    text: 'ticket → GetAndPublishCert → certificate for the user, matching the private key, chaining to the issuer',
    async check(ctx) {
      const c = await ctx.certificate();
      expectThat(c.certificate.checkPrivateKey(c.privateKey), 'issued certificate: expected it to carry the CSR\'s public key');
      const entity = ctx.requireUser().replace(/^sip:/i, '').toLowerCase();
      expectThat(/(?:^|\n)CN=([^\n]*)/.exec(c.certificate.subject)?.[1]?.toLowerCase() === entity, `issued certificate: expected CN=${entity}, received ${c.certificate.subject.replace(/\n/g, ',')}`);
      // The chain: from the leaf up to a self-signed root, through the certificates the response carries
      // (and --issuer-ca for a pool that sends none), every signature verified by Node's X509Certificate.
      const pool = [...certProvAnswer(c.rawResponse).chain(), ...(ctx.target.issuerCertificates ?? []).map((p) => new X509Certificate(p))];
      expectThat(pool.length > 0 || !ctx.target.embedded, 'GetAndPublishCertResponse: expected the issuing CA\'s chain (PKCS#7) from the reference server, received none');
      if (pool.length === 0) manual('the response carries no CA chain and no --issuer-ca was given: the chain cannot be checked');
      const chain = chainUp(c.certificate, pool);
      expectThat(chain, `issued certificate: expected a chain to a self-signed root through the ${pool.length} CA certificate(s) at hand, found none (issuer ${c.certificate.issuer.replace(/\n/g, ',')})`);
      return `chain: ${chain.map((x) => /CN=([^\n]*)/.exec(x.subject)?.[1] ?? x.subject).join(' → ')}`;
    },
  },
  {
    id: 'FLOW-03-BROKER', section: '3.3.4', level: 'MUST', category: 'flow', enforces: ['OCAUTH-3.3.4-01'],
    text: 'ticket → CreateAuthBrokerSession → AuthBrokerAcquireCredential → AuthBrokerNegotiateSecurityAssociation (TLS-DSK with a registrar peer): both sides derive the same signing keys',
    async check(ctx) {
      if (!ctx.target.registrar) manual('the TLS-DSK leg needs the pool\'s SIP registrar (not reachable over HTTPS); run against the embedded target');
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = new AuthBrokerClient({ url: ctx.paths.authBroker, webTicket: t.assertionXml, fetch: ctx.fetch, signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }) });
      const { sessionId } = await c.createSession();
      await c.acquireCredential(sessionId, SIP_INSTANCE);
      const peer = ctx.target.registrar('TLSv1');
      let last: Awaited<ReturnType<typeof peer.respond>> | undefined;
      const keys = await c.handshake({ sessionId, target: 'sip.contoso.test', version: 1, exchange: async (tok) => (last = await peer.respond(tok)).gssapiData });
      expectThat(last?.done && last.keys, 'registrar: expected the handshake to complete');
      expectThat(Buffer.from(keys.clientSigningKey).equals(Buffer.from(last.keys.clientSigningKey)) && Buffer.from(keys.serverSigningKey).equals(Buffer.from(last.keys.serverSigningKey)), 'TLS-DSK: client and registrar signing keys differ');
      await c.terminateSession(sessionId);
      return `client certificate ${last.clientCertificate?.subject.replace(/\n/g, ',')}`;
    },
  },
  {
    id: 'FLOW-04-CERT-BINDING', section: '3.2.4.1', level: 'MUST', category: 'flow', enforces: ['OCAUTH-3.2.4.1-01'],
    text: 'ticket via the Cert binding (OCS-signed certificate authentication) with the certificate issued by GetAndPublishCert',
    async check(ctx) {
      const c = await ctx.certificate();
      const t = await new WebTicketClient({ credentials: { type: 'certificate', certificate: c.certificatePem, privateKey: c.privateKey }, fetch: ctx.fetch }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
      expectThat(t.assertionXml.toLowerCase().includes(ctx.requireUser().replace(/^sip:/i, '').toLowerCase()), 'Cert binding ticket: expected it to name the certificate\'s user');
    },
  },
];

// Interoperability with real clients (DESIGN.md field notes): what they send must keep working.
FLOWS.push(
  {
    id: 'FLOW-INTEROP-SIPE', section: '3.2.4.1.3.3', level: 'SHOULD', category: 'flow', enforces: ['OCAUTH-3.2.4.1.3.3-09'],
    text: 'A SIPE-shaped RST is accepted: RequestType of the 2005/02 namespace inside the 2005/12 RST, 32-byte entropy, and the same wsa:MessageID on two requests',
    async check(ctx) {
      const messageId = `urn:uuid:${randomUUID()}`;
      for (const n of [1, 2]) {
        const r = await ctx.issueRaw(ctx.rst({ RequestType: URI.requestTypeIssue2005, Entropy: randomBytes(32) }).xml, { messageId });
        expectThat(r.status === 200 && r.text.includes('RequestedSecurityToken'), `SIPE-shaped RST #${n}: expected a ticket, received ${show(r)}`);
      }
    },
  },
  {
    id: 'FLOW-INTEROP-LYNC2013', section: '3.1.4.1.2.3', level: 'SHOULD', category: 'flow', enforces: ['OCAUTH-3.1.4.1.2.3-05'],
    text: 'A Lync 2013-shaped GetAndPublishCert is served: 2048-bit key, ValidityPeriod=Hours, ValidityPeriodUnits=4320 in the CSR; the validity is at most what was asked',
    async check(ctx) {
      const got = await requestCertificate({ url: ctx.paths.certProv, sipUri: ctx.requireUser(), ticket: await ctx.freshTicket(), keySizeBits: 2048, validity: { period: 'Hours', units: 4320 }, fetch: ctx.fetch });
      const hours = (Date.parse(got.certificate.validTo) - Date.parse(got.certificate.validFrom)) / 3600_000;
      expectThat(hours > 0 && hours <= 4320 + 1, `validity: expected at most 4320 h, received ${hours.toFixed(1)} h`);
      return `validity ${hours.toFixed(0)} h`;
    },
  },
);

// ------------------------------------------------------------ Hostile requests
export const HOSTILE: Requirement[] = [
  {
    id: 'HOSTILE-01-WRONG-PROOF-KEY', section: '3.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'GetAndPublishCert signed with a proof key other than the ticket\'s is refused (no certificate)',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      expectAuthRefused(await postCertProv(ctx, await signed(ctx, unsigned, { proofKey: randomBytes(32) })), 'wrong proof key');
    },
  },
  {
    id: 'HOSTILE-02-EXPIRED-TIMESTAMP', section: '3.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'GetAndPublishCert whose wsu:Timestamp expired an hour ago is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      expectAuthRefused(await postCertProv(ctx, await signed(ctx, unsigned, { now: new Date(Date.now() - 3 * 3600_000), ttlSeconds: 300 })), 'expired Timestamp');
    },
  },
  {
    id: 'HOSTILE-03-FUTURE-TIMESTAMP', section: '3.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'GetAndPublishCert whose wsu:Timestamp is created an hour in the future is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      expectAuthRefused(await postCertProv(ctx, await signed(ctx, unsigned, { now: new Date(Date.now() + 3 * 3600_000), ttlSeconds: 300 })), 'future Timestamp');
    },
  },
  {
    id: 'HOSTILE-04-TRUNCATED-HMAC', section: '3.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'GetAndPublishCert whose HMAC SignatureValue is truncated to 80 bits is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const full = await signed(ctx, unsigned);
      // The message signature (HMAC over the Timestamp), not the ticket's own RSA signature.
      const hmacSig = [...full.matchAll(/<(\w+:)?Signature\b[\s\S]*?<\/\1?Signature>/g)].map((m) => m[0]).find((x) => /hmac-sha/.test(x));
      expectThat(hmacSig, 'request: expected an HMAC ds:Signature made with the proof key');
      const truncated = hmacSig.replace(/(<(?:\w+:)?SignatureValue>)([^<]+)/, (_m, a: string, v: string) => a + Buffer.from(v, 'base64').subarray(0, 10).toString('base64'));
      expectAuthRefused(await postCertProv(ctx, full.replace(hmacSig, truncated)), 'truncated HMAC');
      // CVE-2009-0217 itself: ds:HMACOutputLength in SignedInfo asks the verifier to compare only that many
      // bits. 0 bits with an empty value, and 40 bits of a random value: a verifier honouring it accepts both.
      const withLength = (bits: number, value: string) => hmacSig
        .replace(/(<(\w+:)?SignatureMethod\b[^>]*?)(\/>|>\s*<\/(?:\w+:)?SignatureMethod>)/, (_m, open: string, p: string | undefined) => `${open}><${p ?? ''}HMACOutputLength>${bits}</${p ?? ''}HMACOutputLength></${p ?? ''}SignatureMethod>`)
        .replace(/(<(?:\w+:)?SignatureValue>)[^<]*/, `$1${value}`);
      expectThat(withLength(0, '') !== hmacSig && /HMACOutputLength>0</.test(withLength(0, '')), 'request: expected to insert ds:HMACOutputLength into ds:SignatureMethod');
      expectAuthRefused(await postCertProv(ctx, full.replace(hmacSig, withLength(0, ''))), 'HMACOutputLength 0');
      expectAuthRefused(await postCertProv(ctx, full.replace(hmacSig, withLength(40, randomBytes(5).toString('base64')))), 'HMACOutputLength 40');
    },
  },
  {
    id: 'HOSTILE-05-WRAPPING-DUP-TIMESTAMP', section: '3.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'Signature wrapping: an old signed Timestamp moved into a wrapper element and a fresh unsigned Timestamp with the same Id is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const s = await signed(ctx, unsigned, { now: new Date(Date.now() - 3 * 3600_000) });
      const ts = /<(\w+:)?Timestamp\b[\s\S]*?<\/\1?Timestamp>/.exec(s)![0];
      const now = new Date();
      const fresh = ts.replace(/(<(?:\w+:)?Created>)[^<]*/, `$1${now.toISOString().replace(/\.\d+Z$/, 'Z')}`).replace(/(<(?:\w+:)?Expires>)[^<]*/, `$1${new Date(now.getTime() + 300_000).toISOString().replace(/\.\d+Z$/, 'Z')}`);
      const wrapped = s.replace(ts, `${fresh}<Wrapper xmlns="urn:example:wrap">${ts}</Wrapper>`);
      expectAuthRefused(await postCertProv(ctx, wrapped), 'wrapped Timestamp');
      const dup = s.replace(ts, `${fresh}${ts}`);
      expectAuthRefused(await postCertProv(ctx, dup), 'duplicate Timestamp');
    },
  },
  {
    id: 'HOSTILE-06-WRAPPING-MOVED-ASSERTION', section: '3.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2-TICKET-01'],
    text: 'Signature wrapping of the ticket: the signed assertion moved into a wrapper and a forged assertion (other user) put in its place is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const s = await signed(ctx, unsigned);
      const a = /<(\w+:)?Assertion\b[\s\S]*?<\/\1?Assertion>/.exec(s)![0];
      const forged = a.replace(/(NameIdentifier[^>]*>)[^<]+/, '$1sip:mallory@contoso.invalid').replace(/<(\w+:)?Signature\b[\s\S]*?<\/\1?Signature>/, '');
      expectAuthRefused(await postCertProv(ctx, s.replace(a, `${forged}<Wrapper xmlns="urn:example:wrap">${a}</Wrapper>`)), 'moved assertion');
    },
  },
  {
    id: 'HOSTILE-07-DOCTYPE', section: '2.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2.4.1.3.3-02'],
    text: 'An RST carrying a DOCTYPE with an entity bomb (billion laughs) is refused promptly and the service stays up',
    async check(ctx) {
      const ents = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
      const bomb = `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY l0 "lol">${ents}]>` + `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><x>&l10;</x></s:Body></s:Envelope>`;
      const t0 = performance.now();
      const r = await ctx.post(`${ctx.paths.webTicket}/${ctx.target.pin ? 'Pin' : 'Auth'}`, bomb, { soapaction: `"${URI.actionRstIssue}"` });
      expectThat(r.status >= 400 && !r.text.includes('lollol'), `DOCTYPE: expected a 4xx/5xx fault without expansion, received ${show(r)}`);
      const r2 = await postCertProv(ctx, bomb);
      expectThat(!issued(r2) && (r2.status >= 400 || /ResponseCode/.test(r2.text)), `CertProv DOCTYPE: expected a refusal, received ${show(r2)}`);
      expectThat(performance.now() - t0 < 5000, 'DOCTYPE: expected a prompt refusal');
      await stillUp(ctx);
    },
  },
  {
    id: 'HOSTILE-08-OVERSIZED', section: '2.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2.4.1.3.3-02'],
    text: 'A 6 MiB request body is refused (413 or a fault) and the service stays up',
    async check(ctx) {
      const big = `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><x>${'A'.repeat(6 << 20)}</x></s:Body></s:Envelope>`;
      const r = await ctx.post(ctx.paths.certProv, big, { soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` }).catch((e: Error) => ({ status: 413, headers: new Headers(), text: `connection closed: ${e.message}` }));
      expectThat(r.status >= 400 && !issued(r), `oversized body: expected a refusal, received ${show(r)}`);
      await stillUp(ctx);
    },
  },
  {
    id: 'HOSTILE-09-MALFORMED-RST', section: '3.2.4.1.3.3', level: 'SHOULD', category: 'hostile', enforces: ['OCAUTH-3.2.4.1.3.3-02'],
    text: 'A malformed RST (unclosed element) is answered with a fault (wst:InvalidRequest or a SOAP Client fault), not a crash',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml.replace(/<\/(\w+:)?RequestSecurityToken>$/, '<unclosed>'));
      expectThat(r.status >= 400 && r.status < 500 || faultCodes(r.text).length > 0, `malformed RST: expected a client fault, received ${show(r)}`);
      expectThat(r.status !== 500 || faultCodes(r.text).some((c) => /InvalidRequest|Client|Sender/.test(c)), `malformed RST: expected a client-side fault code, received ${show(r)}`);
    },
  },
  {
    id: 'HOSTILE-10-TINY-KEY', section: '3.1.4.1', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.1.4.1-01'],
    text: 'A CSR with a 512-bit RSA key gets ErrorInfo, no certificate',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const kp = generateKeyPairSync('rsa', { modulusLength: 512 });
      const csr = generateCsr({ sipUri: user, keyPair: kp, keySizeBits: 512 } as never);
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: csr.der });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), '512-bit key', ['InvalidPublicKey'])}`;
    },
  },
  {
    id: 'HOSTILE-11-CSR-WRONG-ENTITY', section: '3.1.4.1.5.2', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.1.4.1.5.2-01'],
    text: 'A request whose Entity and CSR name another user than the ticket\'s gets ErrorInfo, no certificate',
    async check(ctx) {
      // A user the pool knows: a refusal that comes from the user lookup would prove nothing about the binding.
      const other = ctx.target.otherUser;
      if (!other) manual('needs a second provisioned user of the pool (Target.otherUser): an unknown Entity is refused by the user lookup, not by the binding to the ticket');
      const entity = other.replace(/^sip:/i, '');
      const { unsigned } = await certProvEnvelope(ctx, { entity, csrDer: (await csrFor(entity)).der });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), `Entity of another provisioned user (${entity})`, ['InvalidSipUri'])}`;
    },
  },
];

HOSTILE.push({
  id: 'HOSTILE-12-OTHER-AUDIENCE', section: '3.2.4.1.3.4', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2.4.1.3.4-04', 'OCAUTH-3.2-TICKET-02'],
  text: 'A genuine ticket (right signer, right proof-key key) issued for another farm\'s service is refused: it does not apply to this server',
  async check(ctx) {
    if (!ctx.target.otherFarm) manual('needs a second farm sharing the ticket-signing certificate; embedded target only');
    const other = await ctx.target.otherFarm();
    const t = await ctx.client(ctx.anyCredentials(), { sipUri: ctx.requireUser() }).requestTicket(other.certProvUrl, other.webTicketUrl);
    const { unsigned } = await certProvEnvelope(ctx);
    const r = await postCertProv(ctx, signMessage({ envelope: unsigned, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: new Date() }));
    expectAuthRefused(r, `ticket for ${other.certProvUrl}`);
    return `ErrorId ${errorIdOf(r)}`;
  },
});

HOSTILE.push(
  {
    id: 'HOSTILE-13-WRONG-PASSWORD', section: '3.2.4.1', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.2.4.1-01'],
    text: 'The Auth binding (wsse:UsernameToken) refuses a wrong password for a known user: no ticket',
    async check(ctx) {
      if (!ctx.target.password) manual('no password given (--password)');
      const r = await ctx.issueRaw(ctx.rst().xml, { binding: 'Auth', pin: `${ctx.target.password}-wrong` });
      expectThat(r.status !== 200 && !r.text.includes('RequestedSecurityToken'), `wrong password: expected no ticket, received ${show(r)}`);
      return `ErrorId ${errorIdOf(r) ?? '-'}`;
    },
  },
  {
    id: 'HOSTILE-14-SUPERSEDED-CERTIFICATE', section: '3.1.4.1', level: 'MUST', category: 'hostile', enforces: ['OCAUTH-3.1.4.1-03', 'OCAUTH-3.1.4.1.5.1-02'],
    text: 'A certificate superseded by a new GetAndPublishCert for the same DeviceId no longer authenticates at the Cert binding; the new one does',
    async check(ctx) {
      const deviceId = `{${randomUUID().toUpperCase()}}`;
      const ask = async () => requestCertificate({ url: ctx.paths.certProv, sipUri: ctx.requireUser(), ticket: await ctx.freshTicket(), deviceId, keySizeBits: 1024, fetch: ctx.fetch });
      const first = await ask();
      const second = await ask();
      const certTicket = (c: typeof first) => new WebTicketClient({ credentials: { type: 'certificate', certificate: c.certificatePem, privateKey: c.privateKey }, fetch: ctx.fetch }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
      await certTicket(second);
      const old = await certTicket(first).then(() => undefined, (e: unknown) => e as Error);
      expectThat(old, 'superseded certificate: expected the Cert binding to refuse it, received a ticket');
      return `refused: ${old.message.slice(0, 120)}`;
    },
  },
);

FLOWS.push(...EXTRA_CHECKS.filter((r) => r.category === 'flow'));
HOSTILE.push(...EXTRA_CHECKS.filter((r) => r.category === 'hostile'));
// Real-client flows (pidgin-sipe metadata walk, Lync 2013 / SfB compact web ticket): ./real-client-checks.ts.
FLOWS.push(...REAL_CLIENT_CHECKS);

EXAMPLES.push(...EXAMPLE_REPLAY_CHECKS);

export const ALL_CHECKS: Requirement[] = [...REQUIREMENTS, ...EXAMPLES, ...FLOWS, ...SIP_FLOWS, ...HOSTILE];
