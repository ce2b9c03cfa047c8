// What the checks share: namespaces, raw DOM reads of answers (xmldom, not ocauth's parsers), request builders
// for hostile variants, and the judges of refusals (MS-OCAUTHWS 3.1.4.1 ErrorInfo, 3.2 authentication failures).
import { randomUUID, X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { signMessage, URI, type WebTicket } from '@ocauth/wstrust';
import { ACTION_GET_AND_PUBLISH_CERT, buildGetAndPublishCertRequest, generateCsr } from '@ocauth/certprov';
import { AuthBrokerClient, parseAuthBrokerRequest, parseAuthBrokerResponse } from '@ocauth/authbroker';
import { CheckFailed, clientOnly, expectThat, manual, type RawResponse, type RunContext } from '../context.js';
import { hasOpenSsl } from '../openssl-registrar.js';
import type { Requirement } from '../requirements.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

export const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const NS_WST = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/'; // GetAndPublishCert (4.1 example)
export const NS_WST13 = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512'; // IssueToken (4.2 example)
export const NS_WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const NS_WSTEP = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment';
export const NS_AUTHWS = 'http://schemas.microsoft.com/OCS/AuthWebServices/';
export const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
export const B64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary';
export const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';

export const els = (doc: Document | Element, ns: string, local: string): Element[] => Array.from(doc.getElementsByTagNameNS(ns, local));
export const one = (doc: Document | Element, ns: string, local: string, what: string): Element => {
  const e = els(doc, ns, local)[0];
  expectThat(e, `${what}: expected {${ns}}${local}, received none`);
  return e;
};
export const text = (e: Element) => (e.textContent ?? '').trim();
/** Answers are judged with DOM reads of the suite's own (xmldom), not with ocauth's parsers. */
export const dom = (xml: string, what = 'response'): Document => {
  try {
    return new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(xml, 'text/xml') as unknown as Document;
  } catch (e) {
    throw new CheckFailed(`${what}: expected well-formed XML, received ${xml.length} bytes that do not parse (${(e as Error).message.slice(0, 120)})`);
  }
};
const checksDir = dirname(fileURLToPath(import.meta.url));
/** A file of vectors/spec (the spec's examples and documents), next to the package or in the repository. */
export function specFile(name: string, kind: string): string {
  for (const d of [join(checksDir, '../../../../vectors/spec'), join(checksDir, '../../../vectors/spec'), join(process.cwd(), 'vectors/spec')])
    if (existsSync(join(d, name))) return readFileSync(join(d, name), 'utf8');
  throw new CheckFailed(`${kind} ${name}: expected it in vectors/spec next to the package, found none (a broken installation, not a verdict on the target)`);
}
export const NS_WSP = 'http://schemas.xmlsoap.org/ws/2004/09/policy';
export const NS_WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
/** GetAndPublishCertResponseCodeType (MS-OCAUTHWS 3.1.4.1.4.1), as the spec enumerates it. */
export const RESPONSE_CODES = [
  'NoError',
  'InternalError',
  'InvalidPublicKey',
  'InvalidValidityPeriod',
  'InvalidEKU',
  'InvalidSipUri',
  'InvalidCSR',
  'DataStoreUnavailable',
  'InvalidDeviceId',
  'RequestMalformed',
  'AccountDisabled',
  'UserImproperlyProvisioned',
];

/** fault code(s) of a SOAP 1.1/1.2 fault, as written (prefix:local). */
export function faultCodes(xml: string): string[] {
  return [...xml.matchAll(/<(?:[\w-]+:)?(?:faultcode|Value)\b[^>]*>\s*([^<\s]+)\s*</g)].map((m) => m[1]!);
}
/** ErrorId of X-Ms-diagnostics (3.2.4.1 ABNF: ErrorId = 1*DIGIT first), else of af:ErrorId in a fault's detail. */
export function errorIdOf(r: RawResponse): number | undefined {
  const m = /^\s*(\d+)\s*(?:;|$)/.exec(r.headers.get('x-ms-diagnostics') ?? '');
  if (m) return Number(m[1]);
  const d = /<(?:[\w-]+:)?ErrorId>\s*(\d+)\s*</.exec(r.text);
  return d ? Number(d[1]) : undefined;
}
/** The first RSTR of an IssueToken response (3.2.4.1.3.4), read here. */
export interface RstrFields {
  Context: string | undefined;
  TokenType: string;
  AppliesTo: string;
  ComputedKey: string;
  Entropy: Buffer;
  Lifetime: { Expires: string };
  KeySize?: number;
}
export function firstRstr(r: RawResponse): RstrFields {
  const d = dom(r.text);
  const rstr = one(d, NS_WST13, 'RequestSecurityTokenResponse', 'IssueToken response');
  const kid = (p: Element | undefined, ns: string, local: string) => (p ? els(p, ns, local)[0] : undefined);
  const t = (e: Element | undefined) => (e ? text(e) : '');
  const applies = kid(rstr, NS_WSP, 'AppliesTo');
  const address = applies ? (Array.from(applies.getElementsByTagNameNS('*', 'Address'))[0] as Element | undefined) : undefined;
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
export async function policyKeySize(ctx: RunContext): Promise<{ bits: number; from: string }> {
  const r = await ctx.fetch(`${ctx.paths.webTicket}?wsdl`);
  const wsdl = await r.text();
  expectThat(r.status === 200, `GET ?wsdl: expected 200, received ${r.status}`);
  const sizes = [...wsdl.matchAll(/<(?:[\w-]+:)?KeySize>\s*(\d+)\s*</g)].map((m) => Number(m[1]));
  if (sizes.length) return { bits: Math.min(...sizes), from: `wst:KeySize ${[...new Set(sizes)].join(',')}` };
  const suite = /<(?:[\w-]+:)?(Basic(256|192|128)\w*)\s*\/?>/.exec(wsdl);
  expectThat(suite, 'WS-Policy: expected wst:KeySize or an sp:AlgorithmSuite to take the key size from, received neither');
  return { bits: Number(suite[2]), from: `sp:AlgorithmSuite ${suite[1]}` };
}
export const issued = (r: RawResponse) => r.text.includes(X509V3) && /DispositionMessage[^>]*>\s*Issued/.test(r.text);
export function show(r: RawResponse): string {
  return `HTTP ${r.status}${r.headers.get('x-ms-diagnostics') ? ` X-Ms-diagnostics: ${r.headers.get('x-ms-diagnostics')}` : ''}; faultcode ${faultCodes(r.text).join(',') || 'none'}; body ${r.text.length} bytes`;
}

// ---- CertProv request construction (for hostile variants) ----
export async function certProvEnvelope(
  ctx: RunContext,
  o: { entity?: string; csrDer?: Uint8Array; deviceId?: string; requestBody?: (b: string) => string } = {},
): Promise<{ unsigned: string; deviceId: string }> {
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
export async function csrFor(entity: string, bits = 2048) {
  const k = `${entity}/${bits}`;
  let c = csrCache.get(k);
  if (!c) csrCache.set(k, (c = generateCsr({ sipUri: entity, keySizeBits: bits })));
  return c;
}
export async function signed(ctx: RunContext, unsigned: string, o: { now?: Date; proofKey?: Uint8Array; ttlSeconds?: number } = {}): Promise<string> {
  const t = await ctx.freshTicket();
  return signMessage({
    envelope: unsigned,
    proofKey: o.proofKey ?? t.proofKey,
    assertionId: t.assertionId,
    token: t.assertionXml,
    now: o.now ?? new Date(),
    ...(o.ttlSeconds ? { ttlSeconds: o.ttlSeconds } : {}),
  });
}
export const postCertProv = (ctx: RunContext, xml: string) => ctx.post(ctx.paths.certProv, xml, { soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` });

/** Certificates of a DER PKCS#7 certs-only SignedData, read by `openssl pkcs7` (no ocauth code). */
export function pkcs7Certificates(der: Buffer): X509Certificate[] {
  if (!hasOpenSsl()) manual('reading the PKCS#7 chain needs the openssl binary on the PATH');
  const r = spawnSync('openssl', ['pkcs7', '-inform', 'DER', '-print_certs'], { input: der, encoding: 'latin1' });
  expectThat(
    r.status === 0,
    `PKCS#7 chain: expected a certs-only SignedData openssl can read, received ${der.length} bytes it refuses (${(r.stderr ?? '').slice(0, 120)})`,
  );
  return (r.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
}
/** A GetAndPublishCertResponse read here (3.1.4.1.2.4): issued certificate, echoed CSR, the PKCS#7 chain if any. */
export interface CertProvAnswer {
  deviceId: string;
  entity: string;
  certificate: X509Certificate | undefined;
  csrEcho: Buffer | undefined;
  chain: () => X509Certificate[];
}
export function certProvAnswer(xml: string): CertProvAnswer {
  const d = dom(xml);
  const resp = one(d, NS_AUTHWS, 'GetAndPublishCertResponse', 'GetAndPublishCertResponse');
  const tokens = els(resp, NS_WSSE, 'BinarySecurityToken');
  const rst = els(resp, NS_WST, 'RequestedSecurityToken')[0];
  const leaf = rst ? els(rst, NS_WSSE, 'BinarySecurityToken')[0] : undefined;
  const p7 = tokens.filter((t) => (t.getAttribute('ValueType') ?? '').endsWith('#PKCS7'));
  return {
    deviceId: resp.getAttribute('DeviceId') ?? '',
    entity: resp.getAttribute('Entity') ?? '',
    certificate: leaf ? new X509Certificate(Buffer.from(text(leaf), 'base64')) : undefined,
    csrEcho: tokens.filter((t) => (t.getAttribute('ValueType') ?? '').endsWith('#PKCS10')).map((t) => Buffer.from(text(t), 'base64'))[0],
    chain: () => p7.flatMap((t) => pkcs7Certificates(Buffer.from(text(t), 'base64'))),
  };
}
export const certProvAnswerCert = (pem: string) => new X509Certificate(pem);
export const issuedBy = (leaf: X509Certificate, ca: X509Certificate) => {
  try {
    return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
  } catch {
    return false;
  }
};
/** The chain from `leaf` up to a self-signed root through `pool`, each signature verified (Node's X509Certificate); undefined if it breaks. */
export function chainUp(leaf: X509Certificate, pool: X509Certificate[]): X509Certificate[] | undefined {
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
export function expectAuthRefused(r: RawResponse, what: string) {
  expectThat(!issued(r), `${what}: expected no certificate, received one (${show(r)})`);
  const id = errorIdOf(r);
  const wsse = faultCodes(r.text).some((c) => /InvalidSecurity|FailedAuthentication|InvalidSecurityToken|MessageExpired/.test(c));
  expectThat(
    r.status === 401 || r.status === 403 || (id !== undefined && id >= 28000 && id <= 28035) || wsse,
    `${what}: expected an authentication failure (401, ErrorId 28032/28033 or a WS-Security fault), received ${show(r)}`,
  );
}
/**
 * A GetAndPublishCert that must be answered with ErrorInfo (3.1.4.1: MUST use ErrorInfo; no RSTR), with
 * the ResponseCode whose 3.1.4.1.4.1 meaning fits the refusal (`expected`).
 */
export function expectErrorInfo(r: RawResponse, what: string, expected?: readonly string[]): string {
  expectThat(!issued(r), `${what}: expected no certificate, received one`);
  let info: Element | undefined;
  let resp: Element | undefined;
  try {
    const d = dom(r.text);
    resp = els(d, NS_AUTHWS, 'GetAndPublishCertResponse')[0];
    info = resp && els(resp, NS_AUTHWS, 'ErrorInfo')[0];
  } catch {
    /* not XML: reported below */
  }
  const code = info?.getAttribute('ResponseCode');
  expectThat(
    resp && info && code,
    `${what}: expected GetAndPublishCertResponse/ErrorInfo with @ResponseCode (MS-OCAUTHWS 3.1.4.1, 3.1.4.1.3.3), received ${show(r)}`,
  );
  expectThat(
    RESPONSE_CODES.includes(code) && code !== 'NoError',
    `${what}: ErrorInfo/@ResponseCode: expected a GetAndPublishCertResponseCodeType failure value (3.1.4.1.4.1), received ${code}`,
  );
  expectThat(
    els(resp, NS_WST, 'RequestSecurityTokenResponse').length === 0,
    `${what}: an error response MUST NOT contain wst:RequestSecurityTokenResponse (3.1.4.1.2.4)`,
  );
  if (expected) expectThat(expected.includes(code), `${what}: ErrorInfo/@ResponseCode: expected ${expected.join(' or ')} (3.1.4.1.4.1), received ${code}`);
  return code;
}

const here = dirname(fileURLToPath(import.meta.url));
export function specExample(name: string): string {
  for (const d of [join(here, '../../../../vectors/spec'), join(here, '../../../vectors/spec'), join(process.cwd(), 'vectors/spec')])
    if (existsSync(join(d, name))) return readFileSync(join(d, name), 'utf8');
  throw new CheckFailed(
    `spec example ${name}: expected it in vectors/spec next to the package, found none (a broken installation, not a verdict on the target)`,
  );
}

/** One live Authentication Broker session (create, acquire, TLS-DSK negotiation when a registrar is at hand, terminate), parsed, per run. */
const transcripts = new WeakMap<RunContext, Promise<{ operation: string; response: object }[]>>();
export function brokerTranscript(ctx: RunContext): Promise<{ operation: string; response: object }[]> {
  let p = transcripts.get(ctx);
  if (!p) {
    p = (async () => {
      const out: { operation: string; response: object }[] = [];
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const f = (async (u: string | URL | Request, init?: RequestInit) => {
        const r = await ctx.fetch(u, init);
        const operation = parseAuthBrokerRequest(String(init?.body ?? '')).operation;
        const text = await r.clone().text();
        try {
          out.push({ operation, response: parseAuthBrokerResponse(text, operation as never).body as object });
        } catch {
          /* a fault: not a response shape */
        }
        return r;
      }) as typeof fetch;
      const c = signedBrokerClient(ctx, t, { fetch: f });
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
export async function stillUp(ctx: RunContext): Promise<void> {
  const r = await ctx.issueRaw(ctx.rst().xml);
  expectThat(
    r.status === 200 && r.text.includes('RequestedSecurityToken'),
    `afterwards: expected the Web Ticket Service to still issue tickets, received ${show(r)}`,
  );
}

/** RSTs that break one rule of MS-OCAUTHWS 3.2.4.1.3.3 each. */
export const RST_VIOLATIONS: Record<string, (ctx: RunContext) => string> = {
  'no @Context': (ctx) => ctx.rst().xml.replace(/\sContext="[^"]*"/, ''),
  '@Context not a UUID': (ctx) => ctx.rst({ Context: 'not a uuid <>' }).xml,
  'TokenType not SAMLV1.1': (ctx) => ctx.rst({ TokenType: 'urn:example:bogus' }).xml,
  'RequestType not Issue': (ctx) => ctx.rst({ RequestType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Cancel' }).xml,
  'no wsp:AppliesTo': (ctx) => ctx.rst().xml.replace(/<([\w:]*)AppliesTo\b[\s\S]*?<\/\1AppliesTo>/, ''),
  'no wst:Entropy': (ctx) => ctx.rst().xml.replace(/<([\w:]*)Entropy\b[\s\S]*?<\/\1Entropy>/, ''),
  'KeyType not SymmetricKey': (ctx) => ctx.rst({ KeyType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer' }).xml,
  'Claims Dialect not authclaims': (ctx) =>
    ctx.rst({ Claims: { Dialect: 'urn:example:other-dialect', ClaimTypes: [{ Uri: URI.claimTypeUri, Value: ctx.requireUser() }] } }).xml,
  'ClaimType Uri not .../claims/uri': (ctx) =>
    ctx.rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: 'http://example.invalid/claims/other', Value: ctx.requireUser() }] } }).xml,
};
/** A requirement on one RST field: the service issues no ticket for an RST that breaks it. */
export function rstField(n: string, violation: string, text: string): Requirement {
  return {
    id: `OCAUTH-3.2.4.1.3.3-${n}`,
    section: '3.2.4.1.3.3',
    level: 'MUST',
    text,
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
/** A statement that constrains only clients: reported `client-only`, with `where` (how ocauth's own client keeps it). */
export const clientSide = (id: string, section: string, level: 'MUST' | 'SHOULD', text: string, where: string): Requirement => ({
  id,
  section,
  level,
  text,
  clientOnly: where,
  async check() {
    clientOnly(`constrains clients, not observable at a server; ${where}`);
  },
});
/** An Authentication Broker client carrying ticket `t`, every request signed with its proof key (MS-OCAUTHWS 3.2). */
export function signedBrokerClient(ctx: RunContext, t: WebTicket, o: { fetch?: typeof fetch; clock?: () => Date } = {}): AuthBrokerClient {
  return new AuthBrokerClient({
    url: ctx.paths.authBroker,
    webTicket: t.assertionXml,
    fetch: o.fetch ?? ctx.fetch,
    ...(o.clock ? { clock: o.clock } : {}),
    signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }),
  });
}
/** A fresh session with the Authentication Broker (ticket for the broker, proof-key signed requests). */
export async function brokerClient(ctx: RunContext) {
  const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
  return signedBrokerClient(ctx, t);
}
export async function brokerHandshake(ctx: RunContext, version: 1 | 2) {
  if (!ctx.target.registrar)
    manual(
      "the TLS-DSK leg needs a SIP registrar peer the runner controls (openssl s_server on the embedded target; a pool's registrar is not reachable over HTTPS)",
    );
  const c = await brokerClient(ctx);
  const sessionId = version === 1 ? (await c.createSession()).sessionId : (await c.createSessionV2()).sessionId;
  const life = version === 1 ? await c.acquireCredential(sessionId, SIP_INSTANCE) : await c.acquireCredentialV2(sessionId, SIP_INSTANCE, ['SHA1', 'SHA256']);
  expectThat(life > 0, `AcquireCredential${version === 2 ? 'V2' : ''}: expected a positive lifetime, received ${life}`);
  const peer = ctx.target.registrar(version === 1 ? 'TLSv1' : 'TLSv1.2');
  let last: Awaited<ReturnType<typeof peer.respond>> | undefined;
  let legs = 0;
  const keys = await c.handshake({
    sessionId,
    target: 'sip.contoso.test',
    version,
    exchange: async (tok) => {
      legs++;
      return (last = await peer.respond(tok)).gssapiData;
    },
  });
  expectThat(last?.done && last.keys, 'registrar: expected the handshake to complete');
  // The registrar is openssl s_server: its exported key block ([MS-SIPAE] 3.2.5.1) judges the broker's keys.
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  expectThat(
    hex(keys.clientSigningKey) === hex(last.keys.clientSigningKey),
    `TLS-DSK ClientSigningKey: expected bytes 64–95 of the "client EAP encryption" key block the registrar exported (${hex(last.keys.clientSigningKey).slice(0, 16)}…), received ${hex(keys.clientSigningKey).slice(0, 16)}…`,
  );
  expectThat(
    hex(keys.serverSigningKey) === hex(last.keys.serverSigningKey),
    `TLS-DSK ServerSigningKey: expected bytes 96–127 of the key block the registrar exported (${hex(last.keys.serverSigningKey).slice(0, 16)}…), received ${hex(keys.serverSigningKey).slice(0, 16)}…`,
  );
  await c.terminateSession(sessionId);
  return { keys, last, legs, life };
}
