import { createPrivateKey, randomBytes, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { formatMsDiagnosticsHeader, WEB_TICKET_ERRORS, type WebTicketErrorInfo } from './catalog.js';
import { usernameTokenCandidates, type ClientCertificateValidator, type DirectoryUser, type UserDirectory } from './directory.js';
import type { WindowsAuthResult } from './ntlm-server.js';
import { verifyCertificateMessage } from './x509-token.js';
import { SecurityError } from './errors.js';
import { InvalidRequestError, WsTrustError } from './errors.js';
import { buildFaultEnvelope, buildWsdl, mexResponse } from './metadata.js';
import { mintCompactWebTicket } from './cwt.js';
import { buildAddressingHeaders, buildCompactTicketResponseCollection, buildEnvelope, buildRequestSecurityTokenResponseCollection, claimedSipUri, parseEnvelope, parseRequestSecurityToken, type ParsedEnvelope, type RequestSecurityToken } from './messages.js';
import { NS, URI } from './ns.js';
import { computeProofKey } from './psha1.js';
import { buildSignedAssertion, wrapKey } from './saml.js';
import { isoUtc } from './security.js';
import { children, type XDocument, type XElement } from './xml.js';
import { readSoapRequest, SoapRequestError } from './soap-request.js';
import type { PoolKey } from './verifier.js';

export type WebTicketBinding = 'WinNegotiate' | 'Auth' | 'Pin' | 'Cert' | 'Anon';

export interface WebTicketHandlerOptions {
  /** Public URL of the service, e.g. https://pool0.example.com/WebTicket/WebTicketService.svc (Issuer, binding base). */
  serviceUrl: string;
  /**
   * Address published in the WSDL / WS-MEX ports when clients reach the service through another URL
   * (reverse proxy, `externalUrl`); default serviceUrl. Routing still follows serviceUrl's path.
   */
  publishedUrl?: string;
  /** Server FQDN for X-Ms-diagnostics `source` (default: host of serviceUrl). */
  fqdn?: string;
  /** RSA key and certificate that sign tickets (services trust this certificate). */
  signingKey: KeyObject | string;
  certificate: X509Certificate | string;
  signatureAlgorithm?: 'rsa-sha1' | 'rsa-sha256';
  /** Pool key the proof keys are wrapped under (kw-aes256), shared by every server of the pool. */
  poolKey: PoolKey;
  /** URL prefixes of the server farm (3.2.1); AppliesTo must start with one; the ticket applies to it. */
  farm: readonly string[];
  userDirectory: UserDirectory;
  /** Cert binding (X.509 endorsing token): maps a UAS-issued client certificate to a user. Without it /Cert is 404. */
  certificateValidator?: ClientCertificateValidator;
  /**
   * Integrated Windows authentication (Negotiate/NTLM) on the WinNegotiate binding (e.g. `createNtlmAuthenticator`):
   * return the account, a challenge (`Scheme <token>`), a failure (401 + X-Ms-diagnostics) or null. Called with
   * '' for a request without credentials, so connection-based schemes can accept an authenticated connection.
   * Without it (and without oauthValidator) the WinNegotiate binding is not served.
   */
  windowsAuthenticator?: (authorization: string, req: Request) => Promise<WindowsAuthResult>;
  /** OAuth2 bearer on the WinNegotiate binding: validate and map to a user's SIP URI, or null. */
  oauthValidator?: (token: string) => Promise<{ sipUri: string } | null>;
  /** Ticket lifetime by computer type (defaults: public 15 min, private 8 h). */
  lifetimes?: { publicSeconds?: number; privateSeconds?: number };
  /** Which lifetime applies to a request (default: public unless `X-MS-Computer-Type: private`). */
  computerType?: (req: Request) => 'public' | 'private';
  keySizeBits?: number;
  clock?: () => Date;
  random?: (n: number) => Uint8Array;
  uuid?: () => string;
}

/** Clock skew tolerated on a requested wst:Lifetime. */
const LIFETIME_SKEW_MS = 300_000;

class HandlerFailure extends Error {
  constructor(readonly response: Response) {
    super('handled');
  }
}

/**
 * The Web Ticket Service (MS-OCAUTHWS 3.2): IssueToken on the WinNegotiate, Auth, Pin and Cert bindings,
 * WSDL (`?wsdl`, 6.2 with the five policies) and WS-MEX (`/mex`). Web-standard Request → Response.
 */
export function createWebTicketHandler(opts: WebTicketHandlerOptions): (req: Request) => Promise<Response> {
  const base = new URL(opts.serviceUrl);
  const basePath = base.pathname.replace(/\/$/, '');
  const fqdn = opts.fqdn ?? base.hostname;
  const privateKey = typeof opts.signingKey === 'string' ? createPrivateKey(opts.signingKey) : opts.signingKey;
  const certificate = typeof opts.certificate === 'string' ? new X509Certificate(opts.certificate) : opts.certificate;
  if (privateKey.asymmetricKeyType !== 'rsa') throw new WsTrustError('ERR_WSTRUST_HANDLER_OPTIONS', `signingKey: expected an RSA private key, received ${privateKey.asymmetricKeyType}`);
  if (opts.poolKey.key.length !== 32) throw new WsTrustError('ERR_WSTRUST_HANDLER_OPTIONS', `poolKey.key: expected 256 bits, received ${opts.poolKey.key.length * 8} bits`);
  if (opts.farm.length === 0) throw new WsTrustError('ERR_WSTRUST_HANDLER_OPTIONS', 'farm: expected at least one URL prefix, received none');
  const clock = opts.clock ?? (() => new Date());
  const random = opts.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const uuid = opts.uuid ?? randomUUID;
  const keyBits = opts.keySizeBits ?? 256;
  const lifetimes = { public: opts.lifetimes?.publicSeconds ?? 900, private: opts.lifetimes?.privateSeconds ?? 28800 };
  const computerType = opts.computerType ?? ((req: Request) => (req.headers.get('x-ms-computer-type')?.toLowerCase() === 'private' ? 'private' : 'public'));
  const bindings: Record<string, WebTicketBinding> = { ...(opts.windowsAuthenticator || opts.oauthValidator ? { '': 'WinNegotiate' as const } : {}), '/auth': 'Auth', '/pin': 'Pin', ...(opts.certificateValidator ? { '/cert': 'Cert' as const } : {}) };
  // Advertised = usable: the metadata names only the bindings this handler can complete. WinNegotiate
  // only with a windowsAuthenticator (without one it can only answer 401), Cert only with a validator,
  // Anon never (not served: 404).
  const advertised: WebTicketBinding[] = [...(opts.windowsAuthenticator ? ['WinNegotiate' as const] : []), ...(opts.certificateValidator ? ['Cert' as const] : []), 'Pin', 'Auth'];
  const publishedUrl = opts.publishedUrl ?? opts.serviceUrl;

  const xml = (status: number, body: string, headers: Record<string, string> = {}) =>
    new Response(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8', ...headers } });
  const diagHeader = (e: WebTicketErrorInfo) => ({ 'x-ms-diagnostics': formatMsDiagnosticsHeader(e, fqdn) });
  const httpError = (id: number, status?: number, extra: Record<string, string> = {}) => {
    const e = WEB_TICKET_ERRORS[id]!;
    return new HandlerFailure(new Response(null, { status: status ?? e.httpStatus, headers: { ...diagHeader(e), ...extra } }));
  };
  const soapFault = (faultcode: string, message: string, id?: number, version: '1.1' | '1.2' = '1.1') => {
    const e = id === undefined ? undefined : WEB_TICKET_ERRORS[id];
    const ct: Record<string, string> = version === '1.2' ? { 'content-type': 'application/soap+xml; charset=utf-8' } : {};
    const hs: Record<string, string> = { ...(e ? diagHeader(e) : {}), ...ct };
    return new HandlerFailure(xml(500, buildFaultEnvelope(faultcode, message, e, version), hs));
  };

  async function authenticate(binding: WebTicketBinding, req: Request, env: ParsedEnvelope): Promise<DirectoryUser> {
    const authz = req.headers.get('authorization') ?? '';
    if (binding === 'WinNegotiate') {
      const scheme = authz.split(' ')[0]?.toLowerCase() ?? '';
      if (scheme === 'bearer' && opts.oauthValidator) {
        const r = await opts.oauthValidator(authz.slice(7).trim()).catch(() => null);
        const u = r && (await opts.userDirectory.findUserBySipUri(r.sipUri));
        if (!u) throw httpError(28024, 401, { 'www-authenticate': 'Bearer' });
        if (!u.enabled) throw httpError(28000);
        return u;
      }
      // One WWW-Authenticate header line per scheme, as IIS sends them: SIPE matches a scheme by the prefix
      // of each header value, so the comma-joined form ("Negotiate, NTLM") is never used.
      const schemes = [...(opts.windowsAuthenticator ? ['Negotiate', 'NTLM'] : []), ...(opts.oauthValidator ? ['Bearer'] : [])];
      const unauthorized = (extra: [string, string][] = [], challenge?: string, status = 401) => {
        const h = new Headers(extra);
        for (const c of challenge ? [challenge] : schemes) h.append('www-authenticate', c);
        return new HandlerFailure(new Response(null, { status, headers: h }));
      };
      const isIwa = scheme === 'negotiate' || scheme === 'ntlm';
      if (!opts.windowsAuthenticator || (!isIwa && authz.trim() !== '')) throw unauthorized();
      let r: WindowsAuthResult;
      try {
        r = await opts.windowsAuthenticator(isIwa ? authz : '', req);
      } catch {
        throw httpError(28001);
      }
      if (!r) throw unauthorized();
      if ('challenge' in r) throw unauthorized([], r.challenge);
      if ('failure' in r) {
        // MS-OCAUTHWS 3.2.4.1: the failure is reported in X-Ms-diagnostics; the schemes are offered again.
        const info = WEB_TICKET_ERRORS[r.failure.errorId];
        const diag: Record<string, string> = info ? diagHeader({ ...info, reason: r.failure.reason }) : {};
        throw unauthorized([...Object.entries(diag), ...(r.failure.status === 503 ? [['retry-after', '5'] as [string, string]] : [])], undefined, r.failure.status ?? 401);
      }
      const u = opts.userDirectory.findUserByAccount ? await opts.userDirectory.findUserByAccount(r.account) : null;
      if (!u || !u.enabled) throw httpError(28000); // authenticated but not SIP enabled
      return u;
    }
    if (binding === 'Pin') {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authz);
      const creds = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
      // The PIN is the part after the LAST colon: a PIN is digits, while the identity may itself contain
      // colons (sip:alice@contoso.com, tel:+1555...), which RFC 7617's first-colon split would cut.
      const i = creds.lastIndexOf(':');
      if (!m || i < 0) throw new HandlerFailure(new Response(null, { status: 401, headers: { 'www-authenticate': `Basic realm="${fqdn}"` } }));
      const u = await opts.userDirectory.verifyPin(creds.slice(0, i), creds.slice(i + 1));
      if (!u) throw httpError(28024, 401, { 'www-authenticate': `Basic realm="${fqdn}"` });
      if (!u.enabled) throw httpError(28000);
      return u;
    }
    if (binding === 'Cert') {
      const now = clock();
      let cert;
      try {
        cert = verifyCertificateMessage(env, { now }).certificate;
      } catch (e) {
        const id = e instanceof SecurityError && e.errorId === 28013 ? 28013 : e instanceof SecurityError && e.code === 'ERR_WSTRUST_SECURITY_HEADER_MISSING' ? 28013 : 28012;
        throw soapFault('wsse:FailedAuthentication', WEB_TICKET_ERRORS[id]!.reason, id, env.version);
      }
      if (now.getTime() < Date.parse(cert.validFrom) || now.getTime() > Date.parse(cert.validTo)) throw soapFault('wsse:FailedAuthentication', WEB_TICKET_ERRORS[28011]!.reason, 28011, env.version);
      let r: { sipUri: string } | null;
      try {
        r = await opts.certificateValidator!.validate(cert);
      } catch {
        throw soapFault('wsse:FailedAuthentication', WEB_TICKET_ERRORS[28015]!.reason, 28015, env.version);
      }
      if (!r) throw soapFault('wsse:FailedAuthentication', WEB_TICKET_ERRORS[28012]!.reason, 28012, env.version);
      const u = await opts.userDirectory.findUserBySipUri(r.sipUri);
      if (!u || !u.enabled) throw soapFault('wsse:FailedAuthentication', WEB_TICKET_ERRORS[28014]!.reason, 28014, env.version);
      return u;
    }
    // Auth binding: wsse:UsernameToken (SignedSupportingTokens over TLS).
    const sec = env.header ? children(env.header, NS.wsse, 'Security') : [];
    const ut = sec.length === 1 ? children(sec[0]!, NS.wsse, 'UsernameToken') : [];
    if (ut.length !== 1) throw soapFault('wsse:InvalidSecurity', 'wsse:Security/wsse:UsernameToken: expected exactly one, received ' + ut.length, 28020, env.version);
    const name = (children(ut[0]!, NS.wsse, 'Username')[0]?.textContent ?? '').trim();
    const pw = children(ut[0]!, NS.wsse, 'Password')[0];
    const type = pw?.getAttribute('Type');
    if (!pw || (type && type !== URI.passwordText)) throw soapFault('wsse:UnsupportedSecurityToken', `wsse:Password/@Type: expected ${URI.passwordText}, received ${JSON.stringify(type ?? 'none')}`, 28021, env.version);
    // The Lync 2013 / SfB desktop client sends base64(user) and base64(password): the text as sent is tried
    // first, then its base64 reading (only canonical base64 of UTF-8): one directory call, one attempt.
    const [first, ...alternatives] = usernameTokenCandidates(name, pw.textContent ?? '');
    const u = await opts.userDirectory.verifyPassword(first!.username, first!.password, alternatives);
    if (!u) {
      // What a real pool answers (Lync Server 2013 / SfB Server): HTTP 500, faultcode a:FailedAuthentication
      // with a bound to the WS-Security namespace, "No valid security token.", ErrorId 28020.
      const info = { ...WEB_TICKET_ERRORS[28020]!, faultcode: 'a:FailedAuthentication', reason: 'No valid security token.' };
      throw new HandlerFailure(xml(500, buildFaultEnvelope(info.faultcode, info.reason, info, env.version), { ...diagHeader({ ...info, faultcode: 'wsse:FailedAuthentication' }), ...(env.version === '1.2' ? { 'content-type': 'application/soap+xml; charset=utf-8' } : {}) }));
    }
    if (!u.enabled) throw soapFault('wsse:FailedAuthentication', 'The user was not found when queried in the database.', 28014, env.version);
    return u;
  }

  function issue(rst: RequestSecurityToken, user: DirectoryUser, appliesTo: string, lifetimeSeconds: number): string {
    const now = clock();
    const expires = new Date(now.getTime() + lifetimeSeconds * 1000);
    if (rst.TokenType === URI.tokenTypeCwt) {
      // Compact web ticket (Lync 2013 / SfB user-cwt-1): bearer, bound to the user, the farm prefix, the
      // granted lifetime and a unique id, AES-256-GCM under a key derived from the pool key (cwt.ts).
      // Whole seconds: the token carries Unix seconds, and the RSTR's Lifetime must say what it carries.
      const iat = new Date(Math.floor(now.getTime() / 1000) * 1000);
      const exp = new Date(iat.getTime() + lifetimeSeconds * 1000);
      const token = mintCompactWebTicket({ sipUri: user.sipUri, audience: appliesTo, issuedAt: iat, expiresAt: exp, id: random(16) }, opts.poolKey, { nonce: random(12) });
      return buildCompactTicketResponseCollection({ Context: rst.Context, TokenType: URI.tokenTypeCwt, token, Lifetime: { Created: isoUtc(iat), Expires: isoUtc(exp) }, AppliesTo: appliesTo });
    }
    const serverEntropy = random(keyBits / 8);
    const proofKey = computeProofKey(rst.Entropy, serverEntropy, keyBits);
    const assertionId = `SamlSecurityToken-${uuid()}`;
    const assertion = buildSignedAssertion(
      {
        AssertionID: assertionId, Issuer: publishedUrl, IssueInstant: now, NotBefore: now, NotOnOrAfter: expires, Audience: appliesTo,
        SipUri: user.sipUri, AuthenticationMethod: URI.authMethodUnspecified, AuthenticationInstant: now,
        ProofKey: { KeyName: opts.poolKey.keyName, CipherValue: wrapKey(opts.poolKey.key, proofKey) },
      },
      { privateKey, certificate, ...(opts.signatureAlgorithm ? { signatureAlgorithm: opts.signatureAlgorithm } : {}) },
    );
    proofKey.fill(0);
    return buildRequestSecurityTokenResponseCollection([
      {
        Context: rst.Context, TokenType: URI.tokenTypeSaml11, RequestedSecurityToken: assertion, AssertionId: assertionId,
        Lifetime: { Created: isoUtc(now), Expires: isoUtc(expires) }, RequestedAttachedReference: assertionId, RequestedUnattachedReference: assertionId,
        AppliesTo: appliesTo, ComputedKey: URI.computedKeyPsha1, Entropy: serverEntropy,
      },
    ]);
  }

  return async (req: Request): Promise<Response> => {
    try {
      const url = new URL(req.url);
      let rel = url.pathname.replace(/\/$/, '');
      if (!rel.toLowerCase().startsWith(basePath.toLowerCase())) return new Response(null, { status: 404 });
      rel = rel.slice(basePath.length).toLowerCase();
      if (req.method === 'GET' && (url.searchParams.has('wsdl') || url.search.toLowerCase() === '?wsdl' || rel === '/mex')) {
        return xml(200, buildWsdl(publishedUrl, advertised));
      }
      if (req.method === 'POST' && rel === '/mex') {
        const env = await readEnvelope(req);
        return xml(200, mexResponse(publishedUrl, env.addressing.messageId, advertised));
      }
      const binding = bindings[rel];
      if (!binding) return new Response(null, { status: 404 });
      if (req.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
      const env = await readEnvelope(req);
      // wsa:Action, when present, must name IssueToken (3.2.4.1; the 2005/02 form is what older clients send).
      const action = env.addressing.action;
      if (action !== undefined && action !== URI.actionRstIssue && action !== 'http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue') {
        throw soapFault('s:Client', `wsa:Action: expected ${URI.actionRstIssue}, received ${JSON.stringify(action.slice(0, 120))}`, undefined, env.version);
      }
      const user = await authenticate(binding, req, env);
      let rst: RequestSecurityToken;
      try {
        if (!env.payload) throw new InvalidRequestError('soap:Body', 'wst:RequestSecurityToken', 'an empty Body');
        rst = parseRequestSecurityToken(env.payload as XElement);
      } catch (e) {
        if (e instanceof InvalidRequestError) throw soapFault('wst:InvalidRequest', e.message, undefined, env.version);
        throw e;
      }
      // 3.2.1 / 3.2.4.1.3.3: AppliesTo MUST be part of the server farm.
      const prefix = opts.farm.find((p) => rst.AppliesTo.toLowerCase().startsWith(p.toLowerCase()));
      if (!prefix) throw soapFault('wst:InvalidRequest', `wst:RequestSecurityToken/wsp:AppliesTo: expected a URL under ${opts.farm.join(' or ')}, received ${JSON.stringify(rst.AppliesTo)}`, undefined, env.version);
      const claimed = claimedSipUri(rst);
      // Wording of a real pool's faultstring (the detail's Reason is the spec's, 3.2.4.1).
      if (claimed !== undefined && claimed.toLowerCase() !== user.sipUri.toLowerCase()) throw soapFault('wst:RequestFailed', 'The SIP URI in the claim type requirements of the web ticket request does not match the SIP URI associated with the presented credentials.', 28035, env.version);
      if (rst.TokenType !== URI.tokenTypeCwt && rst.KeySize !== undefined && rst.KeySize !== keyBits) throw soapFault('wst:InvalidRequest', `wst:KeySize: expected ${keyBits}, received ${rst.KeySize}`, undefined, env.version);
      // A requested wst:Lifetime is honoured within policy: the ticket lives until the requested Expires,
      // never longer than the policy lifetime for this computer type (3.2.4.1; 15 minutes public).
      let lifetimeSeconds = lifetimes[computerType(req)];
      if (rst.Lifetime) {
        // The client's intent is a duration (Created → Expires, in whole seconds of its own clock); a request
        // whose Expires is already past (beyond 5 minutes of clock skew) is stale.
        const nowMs = clock().getTime();
        if (rst.Lifetime.Expires.getTime() <= nowMs - LIFETIME_SKEW_MS) throw soapFault('wst:InvalidRequest', `wst:RequestSecurityToken/wst:Lifetime/wsu:Expires: expected a time after now (${isoUtc(clock())}), received ${isoUtc(rst.Lifetime.Expires)}`, undefined, env.version);
        const asked = Math.round((rst.Lifetime.Expires.getTime() - (rst.Lifetime.Created?.getTime() ?? nowMs)) / 1000);
        if (asked < 1) throw soapFault('wst:InvalidRequest', `wst:RequestSecurityToken/wst:Lifetime/wsu:Expires: expected a lifetime of at least one second, received ${isoUtc(rst.Lifetime.Expires)}`, undefined, env.version);
        lifetimeSeconds = Math.min(lifetimeSeconds, asked);
      }
      const rstrc = issue(rst, user, prefix, lifetimeSeconds);
      const headers = buildAddressingHeaders({ action: URI.actionRstrcIssueFinal, ...(env.addressing.messageId ? { relatesTo: env.addressing.messageId } : {}) });
      return xml(200, buildEnvelope({ version: env.version, headers, body: rstrc }), env.version === '1.2' ? { 'content-type': 'application/soap+xml; charset=utf-8' } : {});
    } catch (e) {
      if (e instanceof HandlerFailure) return e.response;
      const info = WEB_TICKET_ERRORS[28027]!;
      return xml(500, buildFaultEnvelope(info.faultcode, 'Internal error', info), diagHeader(info));
    }
  };
}

/** Largest IssueToken / MEX request accepted (bytes). */
const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * The request as a SOAP envelope (readSoapRequest: streamed with a cap, strict UTF-8, DOCTYPE refused). Too large
 * is 413 and a Content-Type contradicting the envelope's version 415, without a body; anything else unreadable is
 * a SOAP 1.1 s:Client fault (HTTP 500), as before.
 */
async function readEnvelope(req: Request): Promise<ParsedEnvelope> {
  try {
    const soap = await readSoapRequest(req, { maxBytes: MAX_REQUEST_BYTES, maxDepth: 65 });
    return parseEnvelope(soap.document as unknown as XDocument);
  } catch (e) {
    if (e instanceof SoapRequestError && (e.code === 'ERR_SOAP_TOO_LARGE' || e.code === 'ERR_SOAP_VERSION' || e.code === 'ERR_SOAP_METHOD')) {
      throw new HandlerFailure(new Response(null, { status: e.status, ...(e.code === 'ERR_SOAP_METHOD' ? { headers: { allow: 'POST' } } : {}) }));
    }
    const message = e instanceof SoapRequestError && e.code === 'ERR_SOAP_XML' ? `SOAP envelope: ${(e.cause as Error).message}` : (e as Error).message;
    throw new HandlerFailure(new Response(buildFaultEnvelope('s:Client', message), { status: 500, headers: { 'content-type': 'text/xml; charset=utf-8' } }));
  }
}
