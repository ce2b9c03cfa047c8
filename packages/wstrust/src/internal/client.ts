// MS-OCAUTHWS 3.2 Web Ticket client: discovery (WS-MEX, 401 X-MS-WebTicketURL), IssueToken (3.2.4.1) per binding, ticket cache, signing.
import { NS } from '@ocauth/diagnostics';
import { randomBytes, randomUUID, type KeyObject, type X509Certificate } from 'node:crypto';
import { signWithCertificate } from './x509-token.js';
import {
  explainAll,
  findingForWebTicketError,
  parseMsDiagnostics,
  parseSoapFault,
  transportError,
  webTicketError,
  withTransportErrors,
  type Finding,
} from '@ocauth/diagnostics';
import { WebTicketServiceError, WsTrustError } from './errors.js';
import { webTicketBindings } from './bindings.js';
import { formatCompactWebTicketHeaderValue } from './cwt.js';
import {
  buildAddressingHeaders,
  buildEnvelope,
  buildRequestSecurityToken,
  parseCompactTicketResponse,
  parseEnvelope,
  parseRequestSecurityTokenResponseCollection,
} from './messages.js';
import { URI } from './ns.js';
import { computeProofKey } from './psha1.js';
import { insertSecurity, parseUtc, signMessage, type DigestAlgorithm, type HmacAlgorithm } from './security.js';
import { formatWebTicketHeaderValue } from './verifier.js';
import { children, descendants, escText, parseXmlDocument, type XElement } from './xml.js';

/** How the client authenticates to the Web Ticket Service (MS-OCAUTHWS 3.2). */
export type WebTicketCredentials =
  | { type: 'pin'; identity: string; pin: string }
  | { type: 'password'; username: string; password: string }
  | { type: 'bearer'; token: string }
  /** Cert binding: a UAS-issued certificate (certprov) and its key sign Timestamp and To. */
  | { type: 'certificate'; certificate: X509Certificate | string; privateKey: KeyObject | string }
  /** Integrated Windows authentication: produce the Authorization header for a challenge (undefined = first leg). */
  | { type: 'negotiate'; authorize: (challenge: string | undefined) => Promise<string> };

/** A ticket the client holds: the opaque token, its id, the proof key and where it applies. */
export interface WebTicket {
  assertionXml: string;
  assertionId: string;
  /** PSHA1(client entropy, server entropy). Never logged. */
  proofKey: Uint8Array;
  appliesTo: string;
  expires: Date;
  created: Date | undefined;
}

/**
 * A compact web ticket (TokenType user-cwt-1): a bearer token for `X-MS-WebTicket: cwt=…` or
 * `Authorization: Bearer cwt=…`. No proof key. Never logged.
 */
export interface CompactWebTicket {
  token: string;
  /** `cwt=<token>`, the X-MS-WebTicket value (prefix `Bearer ` for Authorization). */
  headerValue: string;
  appliesTo: string;
  expires: Date;
  created: Date | undefined;
}

export interface WebTicketClientOptions {
  credentials: WebTicketCredentials;
  fetch?: typeof fetch;
  clock?: () => Date;
  random?: (n: number) => Uint8Array;
  /** Renew a cached ticket this many seconds before it expires (default 60). */
  renewBeforeSeconds?: number;
  /** SIP URI claimed in the RST (wst:Claims, authclaims dialect). */
  sipUri?: string;
  keySizeBits?: number;
  computerType?: 'public' | 'private';
  digestAlgorithm?: DigestAlgorithm;
  signatureAlgorithm?: HmacAlgorithm;
  /**
   * Read the Web Ticket Service's WSDL (`<webTicketUrl>?wsdl`, once per service) and use the credentials' binding
   * only when its policy carries af:Binding (MS-OCAUTHWS 2.2.4.3; without it the client MUST NOT communicate with
   * the port), at the port's published address. Default false: the binding's address is `<webTicketUrl>` + its
   * suffix (/Pin, /Auth, /Cert, none), as real clients do.
   */
  bindingsFromMetadata?: boolean;
}

/** Where a service says its tickets come from (WS-MEX policy or 401 X-MS-WebTicketURL). */
export interface WebTicketDiscovery {
  webTicketUrl: string;
  /** true: proof (EndorsingSupportingTokens, sign with the proof key); false: bearer (SignedSupportingTokens). */
  proof: boolean;
}

/**
 * Parse a service's WSDL/MEX metadata: sp:IssuedToken/sp:Issuer/wsa10:Address under (Endorsing|Signed)SupportingTokens.
 *
 * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when the metadata is not well-formed XML (cause: the XmlParseError)
 */
export function discoverFromMetadata(xml: string): WebTicketDiscovery[] {
  const doc = parseXmlDocument(xml, 'WS-MEX metadata');
  const out: WebTicketDiscovery[] = [];
  for (const spNs of [NS.sp2005, NS.sp12]) {
    for (const it of descendants(doc, spNs, 'IssuedToken')) {
      const issuer = children(it, spNs, 'Issuer')[0];
      const addr = issuer && (children(issuer, NS.wsa10, 'Address')[0] ?? children(issuer, NS.wsa2004, 'Address')[0]);
      if (!addr) continue;
      let p: XElement | null = it.parentNode as XElement | null;
      let proof = false;
      while (p && p.nodeType === 1) {
        if (p.localName === 'EndorsingSupportingTokens') {
          proof = true;
          break;
        }
        if (p.localName === 'SignedSupportingTokens') break;
        p = p.parentNode as XElement | null;
      }
      const webTicketUrl = (addr.textContent ?? '').trim();
      if (!out.some((d) => d.webTicketUrl === webTicketUrl && d.proof === proof)) out.push({ webTicketUrl, proof });
    }
  }
  return out;
}

/**
 * 401 discovery: the X-MS-WebTicketURL header of a web service's challenge.
 *
 * @throws never
 */
export function discoverFromResponse(res: Response): string | undefined {
  const v = res.headers.get('x-ms-webticketurl');
  return v ? v.trim() : undefined;
}

const BINDING_SUFFIX: Record<WebTicketCredentials['type'], string> = { pin: '/Pin', password: '/Auth', bearer: '', negotiate: '', certificate: '/Cert' };
/** The 6.2 binding each kind of credentials uses. */
const BINDING_NAME: Record<WebTicketCredentials['type'], string> = {
  pin: 'WebTicketServicePin',
  password: 'WebTicketServiceAuth',
  bearer: 'WebTicketServiceWinNegotiate',
  negotiate: 'WebTicketServiceWinNegotiate',
  certificate: 'WebTicketServiceCert',
};

/**
 * Web Ticket client: obtains tickets (IssueToken), caches them by AppliesTo prefix, renews them
 * before expiry, and signs requests with the proof key or encodes them for X-MS-WebTicket.
 *
 * @throws {WebTicketServiceError} ERR_WSTRUST_SERVICE (methods) when the Web Ticket Service or a web service refuses (ErrorId, reason, finding)
 * @throws {InvalidResponseError} ERR_WSTRUST_INVALID_RESPONSE (methods) when an RSTR lacks what MS-OCAUTHWS 3.2.4.1.3.4 requires
 * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT (methods) when a response or the metadata is not a SOAP envelope / well-formed XML
 * @throws {WsTrustError} ERR_WSTRUST_BINDING (methods, bindingsFromMetadata) when the credentials' binding has no af:Binding
 * @throws {NtlmError} ERR_WSTRUST_NTLM (methods, negotiate credentials) when the NTLM challenge cannot be read
 * @throws {TransportError} (methods) network failures, as @ocauth/diagnostics classifies them
 */
export class WebTicketClient {
  readonly #o: WebTicketClientOptions;
  readonly #fetch: typeof fetch;
  readonly #cache: WebTicket[] = [];
  readonly #inflight = new Map<string, Promise<WebTicket>>();
  readonly #clock: () => Date;
  readonly #random: (n: number) => Uint8Array;
  readonly #endpoints = new Map<string, Promise<string>>();
  /**
   * @throws never: the options are not checked here (a missing `opts` throws a TypeError; missing `credentials`
   *   surface as a TypeError from the first request).
   */
  constructor(opts: WebTicketClientOptions) {
    this.#o = opts;
    // TLS certificate failures name their fix (withTransportErrors); a refused connection or a DNS failure is
    // a TransportError ERR_TRANSPORT naming the URL, never fetch's bare `TypeError: fetch failed`.
    const tls = withTransportErrors(opts.fetch ?? fetch, 'WebTicketClient');
    this.#fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      try {
        return await tls(input, init);
      } catch (e) {
        throw transportError(e, typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'WebTicketClient') ?? e;
      }
    }) as typeof fetch;
    this.#clock = opts.clock ?? (() => new Date());
    this.#random = opts.random ?? ((n) => new Uint8Array(randomBytes(n)));
  }

  /**
   * A cached, still-fresh ticket whose AppliesTo is a prefix of `serviceUrl` (3.2.4.1.3.4), if any.
   * @throws never (a `serviceUrl` that is not a string throws a TypeError)
   */
  cachedTicket(serviceUrl: string): WebTicket | undefined {
    const now = this.#clock().getTime();
    const renew = (this.#o.renewBeforeSeconds ?? 60) * 1000;
    for (let i = this.#cache.length - 1; i >= 0; i--) if (this.#cache[i]!.expires.getTime() <= now) this.#cache.splice(i, 1);
    return this.#cache
      .filter((t) => serviceUrl.toLowerCase().startsWith(t.appliesTo.toLowerCase()) && t.expires.getTime() - renew > now)
      .sort((a, b) => b.appliesTo.length - a.appliesTo.length)[0];
  }

  /**
   * Return a cached ticket for `serviceUrl` or request one from `webTicketUrl` (the service base URL).
   * @throws {WebTicketServiceError} (rejects) ERR_WSTRUST_SERVICE when the Web Ticket Service answers other than HTTP 200
   *   (ErrorId, reason, source and finding from X-Ms-diagnostics or the af:OCSDiagnosticsFault), or (bindingsFromMetadata)
   *   its WSDL is not served with HTTP 200.
   * @throws {WsTrustError} (rejects) ERR_WSTRUST_BINDING (bindingsFromMetadata) when the credentials' binding is absent
   *   from the WSDL or its policy has no af:Binding; ERR_WSTRUST_INVALID_RESPONSE when the Body is empty, the
   *   RSTR's Context is not the request's, or its wst:Lifetime/wsu:Expires is not a UTC xsd:dateTime.
   * @throws {InvalidResponseError} (rejects) ERR_WSTRUST_INVALID_RESPONSE when the RSTR(C) lacks what
   *   MS-OCAUTHWS 3.2.4.1.3.4 requires (`field` names the element).
   * @throws {SoapFormatError} (rejects) ERR_WSTRUST_SOAP_FORMAT when the answer or the WSDL is not well-formed XML or not a
   *   SOAP envelope.
   * @throws {Error} (rejects, certificate credentials) Node's own crypto error (e.g. ERR_OSSL_PEM_NO_START_LINE) when the
   *   certificate or private key is a PEM string it cannot read.
   * @throws {TransportError} (rejects) ERR_TRANSPORT_TLS_UNTRUSTED / ERR_TRANSPORT_TLS_HOSTNAME /
   *   ERR_TRANSPORT_TLS_EXPIRED (@ocauth/diagnostics) when TLS to a server fails; ERR_TRANSPORT for any other network
   *   failure (refused, DNS), with fetch's error as `cause`; an abort rejects with the AbortError itself.
   * @throws {NtlmError} (rejects, negotiate credentials) ERR_WSTRUST_NTLM from ntlmAuthorizer when the NTLM challenge
   *   cannot be read; any error of `credentials.authorize` propagates unchanged.
   * @throws {Psha1Error} (rejects) ERR_PSHA1_INVALID_KEY_SIZE / ERR_PSHA1_EMPTY_ENTROPY when `keySizeBits` is not a
   *   positive multiple of 8 and the service still answers with a ticket.
   */
  async getTicket(serviceUrl: string, webTicketUrl: string): Promise<WebTicket> {
    const hit = this.cachedTicket(serviceUrl);
    if (hit) return hit;
    // Concurrent callers for the same service share one IssueToken round trip.
    const k = `${webTicketUrl}\n${serviceUrl}`;
    const pending = this.#inflight.get(k);
    if (pending) return pending;
    const p = this.requestTicket(serviceUrl, webTicketUrl)
      .then((t) => {
        this.#cache.push(t);
        return t;
      })
      .finally(() => this.#inflight.delete(k));
    this.#inflight.set(k, p);
    return p;
  }

  /**
   * IssueToken round trip (no cache).
   * @throws {WebTicketServiceError} (rejects) ERR_WSTRUST_SERVICE when the Web Ticket Service answers other than HTTP 200
   *   (ErrorId, reason, source and finding from X-Ms-diagnostics or the af:OCSDiagnosticsFault), or (bindingsFromMetadata)
   *   its WSDL is not served with HTTP 200.
   * @throws {WsTrustError} (rejects) ERR_WSTRUST_BINDING (bindingsFromMetadata) when the credentials' binding is absent
   *   from the WSDL or its policy has no af:Binding; ERR_WSTRUST_INVALID_RESPONSE when the Body is empty, the
   *   RSTR's Context is not the request's, or its wst:Lifetime/wsu:Expires is not a UTC xsd:dateTime.
   * @throws {InvalidResponseError} (rejects) ERR_WSTRUST_INVALID_RESPONSE when the RSTR(C) lacks what
   *   MS-OCAUTHWS 3.2.4.1.3.4 requires (`field` names the element).
   * @throws {SoapFormatError} (rejects) ERR_WSTRUST_SOAP_FORMAT when the answer or the WSDL is not well-formed XML or not a
   *   SOAP envelope.
   * @throws {Error} (rejects, certificate credentials) Node's own crypto error (e.g. ERR_OSSL_PEM_NO_START_LINE) when the
   *   certificate or private key is a PEM string it cannot read.
   * @throws {TransportError} (rejects) ERR_TRANSPORT_TLS_UNTRUSTED / ERR_TRANSPORT_TLS_HOSTNAME /
   *   ERR_TRANSPORT_TLS_EXPIRED (@ocauth/diagnostics) when TLS to a server fails; ERR_TRANSPORT for any other network
   *   failure (refused, DNS), with fetch's error as `cause`; an abort rejects with the AbortError itself.
   * @throws {NtlmError} (rejects, negotiate credentials) ERR_WSTRUST_NTLM from ntlmAuthorizer when the NTLM challenge
   *   cannot be read; any error of `credentials.authorize` propagates unchanged.
   * @throws {Psha1Error} (rejects) ERR_PSHA1_INVALID_KEY_SIZE / ERR_PSHA1_EMPTY_ENTROPY when `keySizeBits` is not a
   *   positive multiple of 8 and the service still answers with a ticket.
   */
  async requestTicket(serviceUrl: string, webTicketUrl: string): Promise<WebTicket> {
    const keyBits = this.#o.keySizeBits ?? 256;
    const entropy = this.#random(keyBits / 8);
    const context = randomUUID();
    const rst = buildRequestSecurityToken({
      Context: context,
      TokenType: URI.tokenTypeSaml11,
      RequestType: URI.requestTypeIssue,
      AppliesTo: serviceUrl,
      Entropy: entropy,
      KeyType: URI.keyTypeSymmetric,
      ...(this.#o.sipUri ? { Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: this.#o.sipUri }] } } : {}),
    });
    const text = await this.#issueToken(webTicketUrl, rst);
    let parsed: ReturnType<typeof parseRequestSecurityTokenResponseCollection>[number];
    try {
      const env = parseEnvelope(text);
      if (!env.payload)
        throw new WsTrustError('ERR_WSTRUST_INVALID_RESPONSE', 'soap:Body: expected wst:RequestSecurityTokenResponseCollection, received an empty Body');
      parsed = parseRequestSecurityTokenResponseCollection(env.payload)[0]!;
    } finally {
      // the entropy is needed below; nothing to clear yet
    }
    if (parsed.Context !== context)
      throw new WsTrustError(
        'ERR_WSTRUST_INVALID_RESPONSE',
        `wst:RequestSecurityTokenResponse/@Context: expected ${context}, received ${JSON.stringify(parsed.Context)}`,
      );
    if (parsed.ComputedKey !== URI.computedKeyPsha1)
      throw new WsTrustError(
        'ERR_WSTRUST_INVALID_RESPONSE',
        `wst:ComputedKey: expected ${URI.computedKeyPsha1}, received ${JSON.stringify(parsed.ComputedKey)}`,
      );
    const expires = parseUtc(parsed.Lifetime.Expires);
    if (!expires)
      throw new WsTrustError(
        'ERR_WSTRUST_INVALID_RESPONSE',
        `wst:Lifetime/wsu:Expires: expected an xsd:dateTime in UTC, received ${JSON.stringify(parsed.Lifetime.Expires)}`,
      );
    const proofKey = computeProofKey(entropy, parsed.Entropy, keyBits);
    entropy.fill(0);
    return {
      assertionXml: parsed.RequestedSecurityToken,
      assertionId: parsed.AssertionId,
      proofKey,
      appliesTo: parsed.AppliesTo,
      expires,
      created: parsed.Lifetime.Created ? parseUtc(parsed.Lifetime.Created) : undefined,
    };
  }

  /**
   * IssueToken for a compact web ticket (TokenType user-cwt-1), shaped as the Lync 2013 / Skype for
   * Business desktop client asks: RequestType of WS-Trust 2005/02, no wst:Entropy, KeyType SymmetricKey
   * and a requested wst:Lifetime (default 15 minutes; the server grants at most its policy).
   * @throws {WebTicketServiceError} (rejects) ERR_WSTRUST_SERVICE when the Web Ticket Service answers other than HTTP 200
   *   (ErrorId, reason, source and finding from X-Ms-diagnostics or the af:OCSDiagnosticsFault), or (bindingsFromMetadata)
   *   its WSDL is not served with HTTP 200.
   * @throws {WsTrustError} (rejects) ERR_WSTRUST_BINDING (bindingsFromMetadata) when the credentials' binding is absent
   *   from the WSDL or its policy has no af:Binding; ERR_WSTRUST_INVALID_RESPONSE when the Body is empty, the
   *   RSTR's Context is not the request's, or its wst:Lifetime/wsu:Expires is not a UTC xsd:dateTime.
   * @throws {InvalidResponseError} (rejects) ERR_WSTRUST_INVALID_RESPONSE when the RSTR(C) does not carry exactly one compact web
   *   ticket response (`field` names the element).
   * @throws {SoapFormatError} (rejects) ERR_WSTRUST_SOAP_FORMAT when the answer or the WSDL is not well-formed XML or not a
   *   SOAP envelope.
   * @throws {Error} (rejects, certificate credentials) Node's own crypto error (e.g. ERR_OSSL_PEM_NO_START_LINE) when the
   *   certificate or private key is a PEM string it cannot read.
   * @throws {TransportError} (rejects) ERR_TRANSPORT_TLS_UNTRUSTED / ERR_TRANSPORT_TLS_HOSTNAME /
   *   ERR_TRANSPORT_TLS_EXPIRED (@ocauth/diagnostics) when TLS to a server fails; ERR_TRANSPORT for any other network
   *   failure (refused, DNS), with fetch's error as `cause`; an abort rejects with the AbortError itself.
   * @throws {NtlmError} (rejects, negotiate credentials) ERR_WSTRUST_NTLM from ntlmAuthorizer when the NTLM challenge
   *   cannot be read; any error of `credentials.authorize` propagates unchanged.
   * A `lifetimeSeconds` that is not a finite number throws a RangeError (Invalid time value) before any request.
   */
  async requestCompactTicket(serviceUrl: string, webTicketUrl: string, opts: { lifetimeSeconds?: number } = {}): Promise<CompactWebTicket> {
    const context = randomUUID();
    const now = this.#clock();
    const rst = buildRequestSecurityToken({
      Context: context,
      TokenType: URI.tokenTypeCwt,
      RequestType: URI.requestTypeIssue2005,
      AppliesTo: serviceUrl,
      Entropy: new Uint8Array(0),
      KeyType: URI.keyTypeSymmetric,
      Lifetime: { Created: now, Expires: new Date(now.getTime() + (opts.lifetimeSeconds ?? 900) * 1000) },
      ...(this.#o.sipUri ? { Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: this.#o.sipUri }] } } : {}),
    });
    const text = await this.#issueToken(webTicketUrl, rst);
    const env = parseEnvelope(text);
    if (!env.payload)
      throw new WsTrustError('ERR_WSTRUST_INVALID_RESPONSE', 'soap:Body: expected wst:RequestSecurityTokenResponseCollection, received an empty Body');
    const parsed = parseCompactTicketResponse(env.payload);
    if (parsed.Context !== context)
      throw new WsTrustError(
        'ERR_WSTRUST_INVALID_RESPONSE',
        `wst:RequestSecurityTokenResponse/@Context: expected ${context}, received ${JSON.stringify(parsed.Context)}`,
      );
    const expires = parseUtc(parsed.Lifetime.Expires);
    if (!expires)
      throw new WsTrustError(
        'ERR_WSTRUST_INVALID_RESPONSE',
        `wst:Lifetime/wsu:Expires: expected an xsd:dateTime in UTC, received ${JSON.stringify(parsed.Lifetime.Expires)}`,
      );
    return {
      token: parsed.token,
      headerValue: formatCompactWebTicketHeaderValue(parsed.token),
      appliesTo: parsed.AppliesTo,
      expires,
      created: parsed.Lifetime.Created ? parseUtc(parsed.Lifetime.Created) : undefined,
    };
  }

  /**
   * The IssueToken address of the credentials' binding: `<webTicketUrl>` + its suffix, or (bindingsFromMetadata)
   * the port the WSDL publishes for it, only when its policy carries af:Binding (MS-OCAUTHWS 2.2.4.3).
   */
  #endpoint(webTicketUrl: string): Promise<string> {
    const type = this.#o.credentials.type;
    const base = webTicketUrl.replace(/\/$/, '');
    if (!this.#o.bindingsFromMetadata) return Promise.resolve(base + BINDING_SUFFIX[type]);
    let p = this.#endpoints.get(base);
    if (!p) {
      p = (async () => {
        const res = await this.#fetch(`${base}?wsdl`, { method: 'GET' });
        const text = await res.text();
        if (res.status !== 200)
          throw new WebTicketServiceError(`${base}?wsdl: expected HTTP 200 with the Web Ticket Service WSDL, received HTTP ${res.status}`, {
            status: res.status,
          });
        const name = BINDING_NAME[type];
        const b = webTicketBindings(text).find((x) => x.name === name);
        if (!b?.usable) {
          throw new WsTrustError(
            'ERR_WSTRUST_BINDING',
            `${base}?wsdl ${name}: expected a binding whose policy carries af:Binding (MS-OCAUTHWS 2.2.4.3), received ${b ? 'a policy without it' : 'no such binding'}`,
            { field: `wsdl:binding[@name="${name}"]` },
          );
        }
        return b.address ?? base + BINDING_SUFFIX[type];
      })();
      p.catch(() => this.#endpoints.delete(base));
      this.#endpoints.set(base, p);
    }
    return p;
  }

  /** Send an RST on the credentials' binding; the response text of an HTTP 200, else WebTicketServiceError. */
  async #issueToken(webTicketUrl: string, rst: string): Promise<string> {
    const cred = this.#o.credentials;
    const endpoint = await this.#endpoint(webTicketUrl);
    const headers = buildAddressingHeaders({ action: URI.actionRstIssue, messageId: `urn:uuid:${randomUUID()}`, to: endpoint });
    if (cred.type === 'password') {
      headers.unshift(
        `<o:Security xmlns:o="${NS.wsse}"><o:UsernameToken><o:Username>${escText(cred.username)}</o:Username><o:Password Type="${URI.passwordText}">${escText(cred.password)}</o:Password></o:UsernameToken></o:Security>`,
      );
    }
    const unsigned = buildEnvelope({ headers, body: rst });
    const body =
      cred.type === 'certificate'
        ? signWithCertificate({ envelope: unsigned, certificate: cred.certificate, privateKey: cred.privateKey, now: this.#clock() })
        : unsigned;
    const h: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${URI.actionRstIssue}"` };
    if (this.#o.computerType) h['x-ms-computer-type'] = this.#o.computerType;
    if (cred.type === 'pin') h.authorization = 'Basic ' + Buffer.from(`${cred.identity}:${cred.pin}`).toString('base64');
    if (cred.type === 'bearer') h.authorization = `Bearer ${cred.token}`;
    let res: Response;
    if (cred.type === 'negotiate') {
      let challenge: string | undefined;
      for (let leg = 0; ; leg++) {
        h.authorization = await cred.authorize(challenge);
        res = await this.#fetch(endpoint, { method: 'POST', headers: h, body });
        const www = res.headers.get('www-authenticate');
        if (res.status !== 401 || !www || leg >= 3 || res.headers.has('x-ms-diagnostics')) break;
        // A bare challenge after the first leg means the credentials were refused.
        if (leg > 0 && !/(?:NTLM|Negotiate|Kerberos)\s+[A-Za-z0-9+/]/i.test(www)) break;
        challenge = www;
        await res.arrayBuffer();
      }
    } else {
      res = await this.#fetch(endpoint, { method: 'POST', headers: h, body });
    }
    const text = await res.text();
    if (res.status !== 200) throw await this.#failure(res, text);
    return text;
  }

  async #failure(res: Response, text: string): Promise<WebTicketServiceError> {
    // MS-OCAUTHWS 3.2.4.1: the ErrorId travels in the X-Ms-diagnostics header (HTTP-level failures) and/or
    // the af:OCSDiagnosticsFault detail of a SOAP fault; the fault's detail wins when both are present.
    const d = res.headers.get('x-ms-diagnostics');
    const header = d ? parseMsDiagnostics(d) : undefined;
    const diag = header?.ok ? header.value : undefined;
    let errorId = diag?.errorId;
    let reason = diag?.reason;
    let faultcode = diag?.fault;
    let via: 'ocs-diagnostics-fault' | 'x-ms-diagnostics' | undefined = diag ? 'x-ms-diagnostics' : undefined;
    if (text.trimStart().startsWith('<')) {
      // parseSoapFault never throws: anything that is not a SOAP fault leaves the header's information.
      const f = parseSoapFault(text);
      if (f.ok) {
        faultcode = f.value.faultcode || faultcode;
        if (f.value.diagnostics) {
          errorId = f.value.diagnostics.errorId;
          reason = f.value.diagnostics.reason;
          via = 'ocs-diagnostics-fault';
        } else reason ??= f.value.faultstring || undefined;
      }
    }
    let finding: Finding | undefined;
    if (errorId !== undefined) {
      const known = webTicketError(errorId);
      finding = known
        ? findingForWebTicketError(known, {
            ...(reason !== undefined ? { reason } : {}),
            ...(diag?.source !== undefined ? { source: diag.source } : {}),
            ...(faultcode !== undefined ? { fault: faultcode } : {}),
            ...(via ? { via } : {}),
          })
        : explainAll({ errorId, ...(reason !== undefined ? { reason } : {}), ...(diag?.source !== undefined ? { source: diag.source } : {}) })[0];
    }
    return new WebTicketServiceError(
      `IssueToken: expected HTTP 200 with a ticket, received HTTP ${res.status}${errorId !== undefined ? ` ErrorId ${errorId}` : ''}${reason ? ` (${reason})` : ''}`,
      {
        status: res.status,
        ...(errorId !== undefined ? { errorId } : {}),
        ...(faultcode !== undefined ? { faultcode } : {}),
        ...(reason !== undefined ? { reason } : {}),
        ...(diag?.source !== undefined ? { source: diag.source } : {}),
        ...(via ? { via } : {}),
        ...(finding ? { finding } : {}),
      },
    );
  }

  /**
   * Sign a SOAP envelope for a web service with the ticket (proof of possession, token attached).
   * @throws {SecurityError} ERR_WSTRUST_SIGN_OPTIONS when `ttlSeconds` is zero or negative or the proof key is shorter than
   *   128 bits; ERR_WSTRUST_UNSUPPORTED_ALGORITHM when the `digestAlgorithm` / `signatureAlgorithm` option is unknown.
   * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when `envelope` is not a SOAP envelope, the ticket's assertion is
   *   not well-formed XML, or the envelope has more than one wsse:Security header.
   */
  signRequest(envelope: string, ticket: WebTicket, ttlSeconds = 300): string {
    return signMessage({
      envelope,
      proofKey: ticket.proofKey,
      assertionId: ticket.assertionId,
      token: ticket.assertionXml,
      now: this.#clock(),
      ttlSeconds,
      ...(this.#o.digestAlgorithm ? { digestAlgorithm: this.#o.digestAlgorithm } : {}),
      ...(this.#o.signatureAlgorithm ? { signatureAlgorithm: this.#o.signatureAlgorithm } : {}),
    });
  }

  /**
   * Fetch a service's metadata (`GET <serviceUrl>?wsdl`, or WS-MEX GetMetadata at `<serviceUrl>/mex` when
   * that fails) and return where its tickets come from (sp:IssuedToken/sp:Issuer).
   * @throws {WebTicketServiceError} (rejects) ERR_WSTRUST_SERVICE when the WSDL yields nothing and WS-MEX GetMetadata
   *   answers other than HTTP 200.
   * @throws {SoapFormatError} (rejects) ERR_WSTRUST_SOAP_FORMAT when the metadata served with HTTP 200 is not well-formed XML.
   * @throws {TransportError} (rejects) ERR_TRANSPORT_TLS_UNTRUSTED / ERR_TRANSPORT_TLS_HOSTNAME /
   *   ERR_TRANSPORT_TLS_EXPIRED (@ocauth/diagnostics) when TLS to a server fails; ERR_TRANSPORT for any other network
   *   failure (refused, DNS), with fetch's error as `cause`; an abort rejects with the AbortError itself.
   */
  async discover(serviceUrl: string): Promise<WebTicketDiscovery[]> {
    const wsdl = await this.#fetch(`${serviceUrl}?wsdl`, { method: 'GET' });
    if (wsdl.status === 200) {
      const found = discoverFromMetadata(await wsdl.text());
      if (found.length > 0) return found;
    } else await wsdl.arrayBuffer();
    const body = buildEnvelope({
      version: '1.2',
      headers: buildAddressingHeaders({
        action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
        messageId: `urn:uuid:${randomUUID()}`,
        to: `${serviceUrl}/mex`,
      }),
      body: '',
    });
    const mex = await this.#fetch(`${serviceUrl}/mex`, { method: 'POST', headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, body });
    const text = await mex.text();
    if (mex.status !== 200)
      throw new WebTicketServiceError(`WS-MEX ${serviceUrl}/mex: expected HTTP 200 with metadata, received HTTP ${mex.status}`, { status: mex.status });
    return discoverFromMetadata(text);
  }

  /**
   * Attach the ticket as a signed supporting token (bearer use over TLS): Timestamp and token, no proof signature.
   * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when `envelope` is not a SOAP envelope, the ticket's assertion is
   *   not well-formed XML, or the envelope has more than one wsse:Security header.
   */
  attachToken(envelope: string, ticket: WebTicket, ttlSeconds = 300): string {
    const now = this.#clock();
    const ts = `<u:Timestamp xmlns:u="${NS.wsu}" u:Id="_0"><u:Created>${now.toISOString()}</u:Created><u:Expires>${new Date(now.getTime() + ttlSeconds * 1000).toISOString()}</u:Expires></u:Timestamp>`;
    return insertSecurity(envelope, ts + ticket.assertionXml);
  }

  /**
   * `X-MS-WebTicket` header value for non-web-service applications.
   * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD when the ticket's `assertionXml` is empty or not a string.
   */
  headerValue(ticket: WebTicket): string {
    return formatWebTicketHeaderValue(ticket.assertionXml);
  }

  /**
   * POST a SOAP envelope to a web service with a ticket: on a 401 carrying X-MS-WebTicketURL (or with
   * `webTicketUrl` given) obtain a ticket, sign, and send again.
   * @throws {WebTicketServiceError} (rejects) ERR_WSTRUST_SERVICE when the service's 401 carries no X-MS-WebTicketURL,
   *   and every rejection of {@link WebTicketClient.getTicket} (ERR_WSTRUST_SERVICE, ERR_WSTRUST_BINDING,
   *   ERR_WSTRUST_INVALID_RESPONSE, ERR_WSTRUST_SOAP_FORMAT, ERR_PSHA1_INVALID_KEY_SIZE …).
   * @throws {SecurityError} (rejects) ERR_WSTRUST_SIGN_OPTIONS / ERR_WSTRUST_UNSUPPORTED_ALGORITHM as
   *   {@link WebTicketClient.signRequest} (proof use).
   * @throws {SoapFormatError} (rejects) ERR_WSTRUST_SOAP_FORMAT when `envelope` is not a SOAP envelope (signRequest /
   *   attachToken).
   * @throws {TransportError} (rejects) ERR_TRANSPORT_TLS_UNTRUSTED / ERR_TRANSPORT_TLS_HOSTNAME /
   *   ERR_TRANSPORT_TLS_EXPIRED (@ocauth/diagnostics) when TLS to a server fails; ERR_TRANSPORT for any other network
   *   failure (refused, DNS), with fetch's error as `cause`; an abort rejects with the AbortError itself. Any other HTTP status of the service is returned, not thrown.
   */
  async callService(
    serviceUrl: string,
    envelope: string,
    opts: { webTicketUrl?: string; soapAction?: string /** false: bearer use (SignedSupportingTokens) */; proof?: boolean } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8', ...(opts.soapAction ? { soapaction: `"${opts.soapAction}"` } : {}) };
    let wt = opts.webTicketUrl;
    if (!wt) {
      const first = await this.#fetch(serviceUrl, { method: 'POST', headers, body: envelope });
      if (first.status !== 401) return first;
      wt = discoverFromResponse(first);
      await first.arrayBuffer();
      if (!wt) throw new WebTicketServiceError('web service: expected a 401 with X-MS-WebTicketURL, received a 401 without it', { status: 401 });
    }
    const ticket = await this.getTicket(serviceUrl, wt);
    return this.#fetch(serviceUrl, {
      method: 'POST',
      headers,
      body: opts.proof === false ? this.attachToken(envelope, ticket) : this.signRequest(envelope, ticket),
    });
  }
}
