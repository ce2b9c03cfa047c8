// Per-run state handed to every check: the target, a CA-pinned fetch, raw SOAP helpers and a few
// lazily obtained artefacts (a ticket per service, an issued certificate) that checks share.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseXml } from '@ocauth/c14n';
import { signMessage, WebTicketClient, type WebTicket } from '@ocauth/wstrust';
import { ACTION_GET_AND_PUBLISH_CERT, generateCsr, type GeneratedCsr } from '@ocauth/certprov';
import { httpsFetch, type FetchLike } from './https-fetch.js';
import type { Target } from './target.js';

export const PATHS = {
  webTicket: '/WebTicket/WebTicketService.svc',
  certProv: '/CertProv/CertProvisioningService.svc',
  authBroker: '/Reach/Sip.svc/AuthBroker',
} as const;

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  wst: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsp: 'http://schemas.xmlsoap.org/ws/2004/09/policy',
  wsa: 'http://www.w3.org/2005/08/addressing',
  saml: 'urn:oasis:names:tc:SAML:1.0:assertion',
  authws: 'http://schemas.microsoft.com/OCS/AuthWebServices/',
  wstep: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment',
  af: 'http://schemas.microsoft.com/2006/09/sip/AuthWebServices/Faults',
} as const;

/** Thrown by a check that cannot be decided from outside the server (reported `manual`, never passed). */
export class ManualCheck extends Error {
  readonly code = 'ERR_CONFORMANCE_MANUAL';
}
/** Thrown when a check's precondition is missing from the target description (reported `skipped`). */
export class SkipCheck extends Error {
  readonly code = 'ERR_CONFORMANCE_SKIPPED';
}
/** A requirement the target does not meet: names what was expected and what was received. */
export class CheckFailed extends Error {
  readonly code = 'ERR_CONFORMANCE_CHECK';
}
export function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new CheckFailed(message);
}

export interface RawResponse { status: number; headers: Headers; text: string }

// DOM types of @xmldom/xmldom, structurally (the parser is @ocauth/c14n's).
export interface El { localName: string | null; namespaceURI: string | null; textContent: string | null; getAttribute(n: string): string | null; getElementsByTagNameNS(ns: string, l: string): ArrayLike<El>; childNodes: ArrayLike<{ nodeType: number }> }
export function dom(xml: string): El {
  return parseXml(xml) as unknown as El;
}
/** Elements by namespace and local name; wst matches with and without the trailing slash (2.2.1 vs the 4.x examples). */
export const all = (d: El, ns: string, local: string): El[] =>
  ns === NS.wst ? [...Array.from(d.getElementsByTagNameNS(ns, local)), ...Array.from(d.getElementsByTagNameNS(ns + '/', local))] : Array.from(d.getElementsByTagNameNS(ns, local));
export function one(d: El, ns: string, local: string, what: string): El {
  const e = all(d, ns, local);
  expect(e.length === 1, `${what}: expected exactly one {${ns}}${local}, received ${e.length}`);
  return e[0]!;
}
export const txt = (e: El | undefined) => (e?.textContent ?? '').trim();

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface RstOptions {
  context?: string;
  appliesTo?: string;
  entropy?: Uint8Array;
  tokenType?: string;
  requestType?: string;
  keyType?: string;
  claimSipUri?: string;
  /** Replace the whole RequestSecurityToken element. */
  rawBody?: string;
}

/** An IssueToken RST written here (not by @ocauth/wstrust), as in the 4.2 example plus Claims. */
export function buildRst(o: RstOptions & { appliesTo: string; entropy: Uint8Array; context: string }): string {
  const claims = o.claimSipUri
    ? `<Claims Dialect="urn:component:Microsoft.Rtc.WebAuthentication.2010:authclaims" xmlns:auth="http://schemas.xmlsoap.org/ws/2006/12/authorization"><auth:ClaimType Uri="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/uri" Optional="false"><auth:Value>${esc(o.claimSipUri)}</auth:Value></auth:ClaimType></Claims>`
    : '';
  return (
    `<RequestSecurityToken Context="${esc(o.context)}" xmlns="${NS.wst}">` +
    `<TokenType>${o.tokenType ?? 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1'}</TokenType>` +
    `<RequestType>${o.requestType ?? 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue'}</RequestType>` +
    `<AppliesTo xmlns="${NS.wsp}"><EndpointReference xmlns="${NS.wsa}"><Address>${esc(o.appliesTo)}</Address></EndpointReference></AppliesTo>` +
    claims +
    `<Entropy><BinarySecret>${Buffer.from(o.entropy).toString('base64')}</BinarySecret></Entropy>` +
    `<KeyType>${o.keyType ?? 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey'}</KeyType>` +
    `</RequestSecurityToken>`
  );
}

export class RunContext {
  readonly fetch: FetchLike;
  readonly urls: { webTicket: string; certProv: string; authBroker: string; farm: string };
  #tickets = new Map<string, Promise<WebTicket>>();
  #cert: Promise<{ certificateDer: Uint8Array; entity: string; deviceId: string; csr: GeneratedCsr; raw: RawResponse }> | undefined;

  constructor(readonly target: Target, opts: { fetch?: FetchLike } = {}) {
    const base = target.url.replace(/\/+$/, '');
    this.fetch = opts.fetch ?? httpsFetch(target.trust ? { ca: target.trust } : {});
    this.urls = { webTicket: base + PATHS.webTicket, certProv: base + PATHS.certProv, authBroker: base + PATHS.authBroker, farm: base + '/' };
  }

  get entity(): string {
    return this.target.user.replace(/^sip:/i, '');
  }

  async post(url: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    const r = await this.fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body });
    return { status: r.status, headers: r.headers, text: await r.text() };
  }

  /** Credentials for the Pin binding (HTTP Basic identity:PIN, as Lync phones send). */
  pinAuthorization(pin = this.target.pin, identity = this.target.phone ?? this.target.user): string {
    if (pin === undefined) throw new SkipCheck('the target description has no PIN (--pin)');
    return 'Basic ' + Buffer.from(`${identity}:${pin}`).toString('base64');
  }

  /** One raw IssueToken over the Pin binding (or Auth with a UsernameToken when `binding` is 'Auth'). */
  async issueRaw(o: RstOptions & { binding?: 'Pin' | 'Auth'; authorization?: string; username?: string; password?: string } = {}): Promise<{ raw: RawResponse; entropy: Uint8Array; context: string; appliesTo: string }> {
    const entropy = o.entropy ?? randomBytes(32);
    const context = o.context ?? randomUUID();
    const appliesTo = o.appliesTo ?? this.urls.certProv;
    const binding = o.binding ?? 'Pin';
    const body = o.rawBody ?? buildRst({ ...o, appliesTo, entropy, context });
    const url = `${this.urls.webTicket}/${binding}`;
    let security = '';
    const headers: Record<string, string> = { soapaction: '"http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue"' };
    if (binding === 'Auth') {
      const pw = o.password ?? this.target.password;
      if (pw === undefined) throw new SkipCheck('the target description has no password (--password)');
      security = `<o:Security s:mustUnderstand="1" xmlns:o="${NS.wsse}"><o:UsernameToken><o:Username>${esc(o.username ?? this.target.user)}</o:Username><o:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${esc(pw)}</o:Password></o:UsernameToken></o:Security>`;
    } else {
      headers.authorization = o.authorization ?? this.pinAuthorization();
    }
    const envelope =
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.wsa}"><s:Header>` +
      `<a:Action s:mustUnderstand="1">http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue</a:Action><a:MessageID>urn:uuid:${randomUUID()}</a:MessageID><a:To s:mustUnderstand="1">${esc(url)}</a:To>${security}` +
      `</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
    return { raw: await this.post(url, envelope, headers), entropy, context, appliesTo };
  }

  /** A web ticket for `appliesTo` from @ocauth/wstrust's client (Pin binding, else Auth), cached per service. */
  ticket(appliesTo: string = this.urls.certProv): Promise<WebTicket> {
    let p = this.#tickets.get(appliesTo);
    if (!p) {
      const t = this.target;
      const credentials = t.pin !== undefined
        ? { type: 'pin' as const, identity: t.phone ?? t.user, pin: t.pin }
        : t.password !== undefined ? { type: 'password' as const, username: t.user, password: t.password } : undefined;
      if (!credentials) return Promise.reject(new SkipCheck('the target description has neither --pin nor --password'));
      const client = new WebTicketClient({ credentials, fetch: this.fetch, sipUri: t.user });
      p = client.getTicket(appliesTo, this.urls.webTicket);
      this.#tickets.set(appliesTo, p);
      p.catch(() => this.#tickets.delete(appliesTo));
    }
    return p;
  }

  /** A GetAndPublishCert envelope (4.1.1 shape), unsigned. */
  getAndPublishCertEnvelope(o: { entity?: string; deviceId?: string; csr: Uint8Array; requestId?: string }): string {
    const ADDR = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';
    // Written here rather than by @ocauth/certprov's builder, which refuses the hostile values the checks send.
    const body =
      `<GetAndPublishCert DeviceId="${esc(o.deviceId ?? `{${randomUUID().toUpperCase()}}`)}" Entity="${esc(o.entity ?? this.entity)}" xmlns="${NS.authws}">` +
      `<RequestSecurityToken xmlns="${NS.wst}/"><TokenType>http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3</TokenType><RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</RequestType>` +
      `<BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" ValueType="http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10" xmlns="${NS.wsse}">${Buffer.from(o.csr).toString('base64')}</BinarySecurityToken>` +
      `<RequestID xmlns="${NS.wstep}">${esc(o.requestId ?? randomUUID())}</RequestID></RequestSecurityToken></GetAndPublishCert>`;
    return (
      `<s:Envelope xmlns:s="${NS.soap}"><s:Header>` +
      `<To s:mustUnderstand="1" xmlns="${ADDR}">${esc(this.urls.certProv)}</To><Action s:mustUnderstand="1" xmlns="${ADDR}">${ACTION_GET_AND_PUBLISH_CERT}</Action>` +
      `</s:Header><s:Body>${body}</s:Body></s:Envelope>`
    );
  }

  /** Sign with the ticket's proof key (or `proofKey`) and POST to the Certificate Provisioning Service. */
  async postCertProv(envelope: string, o: { ticket?: WebTicket; proofKey?: Uint8Array; now?: Date; ttlSeconds?: number; transform?: (signed: string) => string } = {}): Promise<RawResponse> {
    const t = o.ticket ?? (await this.ticket(this.urls.certProv));
    let signed = signMessage({ envelope, proofKey: o.proofKey ?? t.proofKey, assertionId: t.assertionId, token: t.assertionXml, ...(o.now ? { now: o.now } : {}), ...(o.ttlSeconds ? { ttlSeconds: o.ttlSeconds } : {}) });
    if (o.transform) signed = o.transform(signed);
    return this.post(this.urls.certProv, signed, { soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` });
  }

  /** The certificate issued to the test user (one GetAndPublishCert, shared by the checks that inspect it). */
  certificate(): Promise<{ certificateDer: Uint8Array; entity: string; deviceId: string; csr: GeneratedCsr; raw: RawResponse }> {
    this.#cert ??= (async () => {
      const csr = generateCsr({ sipUri: this.entity, keySizeBits: 2048, validity: { period: 'Months', units: 6 } });
      const deviceId = `{${randomUUID().toUpperCase()}}`;
      const raw = await this.postCertProv(this.getAndPublishCertEnvelope({ csr: csr.der, deviceId }));
      expect(raw.status === 200, `GetAndPublishCert: expected HTTP 200, received ${describe(raw)}`);
      const d = dom(raw.text);
      const bst = all(d, NS.wst, 'RequestedSecurityToken').flatMap((r) => all(r, NS.wsse, 'BinarySecurityToken'));
      expect(bst.length === 1, `GetAndPublishCert: expected one RequestedSecurityToken/BinarySecurityToken, received ${bst.length} (${describe(raw)})`);
      return { certificateDer: new Uint8Array(Buffer.from(txt(bst[0]), 'base64')), entity: this.entity, deviceId, csr, raw };
    })();
    this.#cert.catch(() => (this.#cert = undefined));
    return this.#cert;
  }
}

/** A short, secret-free description of a response for failure messages. */
export function describe(r: RawResponse): string {
  const diag = r.headers.get('x-ms-diagnostics');
  const fault = /<(?:\w+:)?faultcode[^>]*>([^<]*)</.exec(r.text)?.[1] ?? /<(?:\w+:)?Value[^>]*>([^<]*)</.exec(r.text)?.[1];
  const code = /<(?:\w+:)?ResponseCode[^>]*>([^<]*)</.exec(r.text)?.[1];
  return `HTTP ${r.status}${diag ? `, X-Ms-diagnostics ${diag.slice(0, 160)}` : ''}${fault ? `, faultcode ${fault}` : ''}${code ? `, ResponseCode ${code}` : ''}, ${r.text.length} body bytes`;
}

/** ErrorId from X-Ms-diagnostics or an af:OCSDiagnosticsFault detail. */
export function errorIdOf(r: RawResponse): number | undefined {
  const h = r.headers.get('x-ms-diagnostics');
  const m = h ? /^\s*(\d+)/.exec(h) : null;
  if (m) return Number(m[1]);
  const d = /<(?:\w+:)?ErrorId[^>]*>\s*(\d+)\s*</.exec(r.text) ?? /ErrorId="(\d+)"/.exec(r.text);
  return d ? Number(d[1]) : undefined;
}
