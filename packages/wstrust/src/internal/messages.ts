// SOAP 1.1/1.2 envelope, WS-Addressing headers, and the RST / RSTR of MS-OCAUTHWS 3.2.4.1.3.3–3.2.4.1.3.4.
import { NS } from '@ocauth/diagnostics';
import { InvalidRequestError, InvalidResponseError, SoapFormatError } from './errors.js';
import { URI } from './ns.js';
import { attr, child, children, describe, escAttr, escText, nsEq, parseXmlDocument, serialize, textOf, type XDocument, type XElement } from './xml.js';

export type SoapVersion = '1.1' | '1.2';

/** WS-Addressing 1.0 (2005/08) message information headers as the spec examples use them. */
export interface AddressingHeaders {
  action?: string;
  to?: string;
  messageId?: string;
  relatesTo?: string;
  replyTo?: string;
}

export interface ParsedEnvelope {
  doc: XDocument;
  version: SoapVersion;
  envelope: XElement;
  header: XElement | undefined;
  body: XElement;
  /** First element child of the Body, if any. */
  payload: XElement | undefined;
  addressing: AddressingHeaders & { messageIds: string[] };
}

export function soapNs(version: SoapVersion): string {
  return version === '1.2' ? NS.soap12 : NS.soap11;
}

/**
 * SOAP 1.1 (default) or 1.2 envelope around already-serialized header blocks and body content.
 *
 * @throws never
 */
export function buildEnvelope(opts: { version?: SoapVersion; headers?: readonly string[]; body: string }): string {
  const ns = soapNs(opts.version ?? '1.1');
  const h = opts.headers && opts.headers.length > 0 ? `<s:Header>${opts.headers.join('')}</s:Header>` : '';
  return `<s:Envelope xmlns:s="${ns}">${h}<s:Body>${opts.body}</s:Body></s:Envelope>`;
}

/**
 * WS-Addressing 2005/08 header blocks (`a:` prefix as WCF emits them).
 *
 * @throws never
 */
export function buildAddressingHeaders(h: AddressingHeaders, version: SoapVersion = '1.1'): string[] {
  const mu = ` s:mustUnderstand="1"`;
  const out: string[] = [];
  const a = `xmlns:a="${NS.wsa10}"`;
  if (h.action !== undefined) out.push(`<a:Action ${a}${mu}>${escText(h.action)}</a:Action>`);
  if (h.messageId !== undefined) out.push(`<a:MessageID ${a}>${escText(h.messageId)}</a:MessageID>`);
  if (h.relatesTo !== undefined) out.push(`<a:RelatesTo ${a}>${escText(h.relatesTo)}</a:RelatesTo>`);
  if (h.replyTo !== undefined) out.push(`<a:ReplyTo ${a}><a:Address>${escText(h.replyTo)}</a:Address></a:ReplyTo>`);
  if (h.to !== undefined) out.push(`<a:To ${a}${mu}>${escText(h.to)}</a:To>`);
  void version;
  return out;
}

/**
 * `To` and `Action` headers in WCF's AddressingVersion.None namespace, as the spec's 4.1 example
 * carries them (`<To s:mustUnderstand="1" xmlns="http://schemas.microsoft.com/ws/2005/05/addressing/none">`).
 */
export function buildAddressingNoneHeaders(h: { action?: string; to?: string }): string[] {
  const out: string[] = [];
  if (h.to !== undefined) out.push(`<To s:mustUnderstand="1" xmlns="${NS.wsaNone}">${escText(h.to)}</To>`);
  if (h.action !== undefined) out.push(`<Action s:mustUnderstand="1" xmlns="${NS.wsaNone}">${escText(h.action)}</Action>`);
  return out;
}

/**
 * Parse a SOAP 1.1 or 1.2 envelope (any prefixes). Repeated MessageIDs are kept (SIPE sends them).
 *
 * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when the input is not well-formed XML (cause: the XmlParseError) or not a SOAP 1.1/1.2 Envelope with one Body
 */
export function parseEnvelope(input: string | Uint8Array | XDocument): ParsedEnvelope {
  const doc = typeof input === 'string' || input instanceof Uint8Array ? parseXmlDocument(input, 'SOAP envelope') : input;
  const envelope = doc.documentElement as XElement | null;
  if (!envelope || envelope.localName !== 'Envelope' || !(envelope.namespaceURI === NS.soap11 || envelope.namespaceURI === NS.soap12)) {
    throw new SoapFormatError(`SOAP envelope: expected {${NS.soap11}}Envelope or {${NS.soap12}}Envelope, received ${describe(envelope ?? undefined)}`);
  }
  const ns = envelope.namespaceURI!;
  const version: SoapVersion = ns === NS.soap12 ? '1.2' : '1.1';
  const headers = children(envelope, ns, 'Header');
  const bodies = children(envelope, ns, 'Body');
  if (headers.length > 1) throw new SoapFormatError(`SOAP Header: expected at most one, received ${headers.length}`);
  if (bodies.length !== 1) throw new SoapFormatError(`SOAP Body: expected exactly one, received ${bodies.length}`);
  const header = headers[0];
  const body = bodies[0]!;
  const addressing: AddressingHeaders & { messageIds: string[] } = { messageIds: [] };
  if (header) {
    for (const h of children(header)) {
      if (!(nsEq(h.namespaceURI, NS.wsa10) || nsEq(h.namespaceURI, NS.wsa2004) || nsEq(h.namespaceURI, NS.wsaNone))) continue;
      const v = (h.textContent ?? '').trim();
      switch (h.localName) {
        case 'Action':
          addressing.action = v;
          break;
        case 'To':
          addressing.to = v;
          break;
        case 'MessageID':
          addressing.messageIds.push(v);
          addressing.messageId ??= v;
          break;
        case 'RelatesTo':
          addressing.relatesTo = v;
          break;
        case 'ReplyTo':
          addressing.replyTo = (textOf(child(h, h.namespaceURI!, 'Address')) ?? '').trim();
          break;
      }
    }
  }
  return { doc, version, envelope, header, body, payload: children(body)[0], addressing };
}

/**
 * wst:RequestSecurityToken as MS-OCAUTHWS 3.2.4.1.3.3 restricts it.
 *
 * ```xml
 * <xs:element name="RequestSecurityToken" type="wst:RequestSecurityTokenType"/>
 * <xs:complexType name="RequestSecurityTokenType">
 *   <xs:sequence><xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
 *   <xs:attribute name="Context" type="xs:anyURI" use="optional"/>
 *   <xs:anyAttribute namespace="##other" processContents="lax"/>
 * </xs:complexType>
 * ```
 */
export interface RequestSecurityToken {
  /** @Context: a UUID (required by 3.2.4.1.3.3). */
  Context: string;
  TokenType: string;
  /** 2005/12 Issue; the 2005/02 Issue URI real clients send is accepted and kept as received. */
  RequestType: string;
  /** wsp:AppliesTo/wsa:EndpointReference/wsa:Address. */
  AppliesTo: string;
  /**
   * wst:Entropy/wst:BinarySecret (requestor entropy). Empty (length 0) for a compact web ticket request,
   * which carries none (the ticket is bearer; no proof key is computed).
   */
  Entropy: Uint8Array;
  KeyType: string;
  /** wst:Lifetime the client asks for (wsu:Created / wsu:Expires); the server grants at most its policy. */
  Lifetime?: { Created?: Date; Expires: Date };
  /** wst:KeySize, optional. */
  KeySize?: number;
  /** wst:Claims with the authclaims dialect: auth:ClaimType Uri=.../claims/uri, auth:Value = SIP URI. */
  Claims?: { Dialect: string; ClaimTypes: { Uri: string; Value?: string }[] };
}

// A UUID (any case), also as urn:uuid: or in the braces of the .NET Guid "B" format clients may write.
const UUID_RE =
  /^(?:(?:urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64Strict(field: string, s: string, mk: (f: string, e: string, r: string) => Error): Uint8Array {
  const t = s.replace(/\s+/g, '');
  if (t.length === 0 || t.length % 4 !== 0 || !B64_RE.test(t)) throw mk(field, 'base64 octets', JSON.stringify(s.slice(0, 40)));
  return new Uint8Array(Buffer.from(t, 'base64'));
}

function b64(u: Uint8Array): string {
  return Buffer.from(u).toString('base64');
}

/**
 * Serialize an RST element (wst default namespace, the layout of the spec's 4.2.1 example).
 *
 * @throws never
 */
export function buildRequestSecurityToken(rst: RequestSecurityToken): string {
  const claims = rst.Claims
    ? `<Claims Dialect="${escAttr(rst.Claims.Dialect)}" xmlns:auth="${NS.auth}">${rst.Claims.ClaimTypes.map(
        (c) =>
          `<auth:ClaimType Uri="${escAttr(c.Uri)}" Optional="false">${c.Value !== undefined ? `<auth:Value>${escText(c.Value)}</auth:Value>` : ''}</auth:ClaimType>`,
      ).join('')}</Claims>`
    : '';
  return (
    `<RequestSecurityToken Context="${escAttr(rst.Context)}" xmlns="${NS.trust}">` +
    `<TokenType>${escText(rst.TokenType)}</TokenType>` +
    `<RequestType>${escText(rst.RequestType)}</RequestType>` +
    `<AppliesTo xmlns="${NS.wsp}"><EndpointReference xmlns="${NS.wsa10}"><Address>${escText(rst.AppliesTo)}</Address></EndpointReference></AppliesTo>` +
    claims +
    (rst.Lifetime
      ? `<Lifetime>${rst.Lifetime.Created ? `<Created xmlns="${NS.wsu}">${escText(isoSeconds(rst.Lifetime.Created))}</Created>` : ''}<Expires xmlns="${NS.wsu}">${escText(isoSeconds(rst.Lifetime.Expires))}</Expires></Lifetime>`
      : '') +
    (rst.Entropy.length > 0 ? `<Entropy><BinarySecret>${b64(rst.Entropy)}</BinarySecret></Entropy>` : '') +
    `<KeyType>${escText(rst.KeyType)}</KeyType>` +
    (rst.KeySize !== undefined ? `<KeySize>${rst.KeySize}</KeySize>` : '') +
    `</RequestSecurityToken>`
  );
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** xs:dateTime of a wsu:Created / wsu:Expires (UTC "Z" or an offset; fractional seconds allowed). */
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;

function parseLifetime(el: XElement, wst: string, F: string): { Created?: Date; Expires: Date } | undefined {
  const lt = one(el, wst, 'Lifetime', `${F}/wst:Lifetime`, false);
  if (!lt) return undefined;
  const date = (local: 'Created' | 'Expires', required: boolean): Date | undefined => {
    const list = children(lt, NS.wsu, local);
    if (list.length > 1) throw inv(`${F}/wst:Lifetime/wsu:${local}`, 'at most one element', `${list.length}`);
    if (list.length === 0) {
      if (required) throw inv(`${F}/wst:Lifetime/wsu:${local}`, 'a required element', 'none');
      return undefined;
    }
    const t = (textOf(list[0]!) ?? '').trim();
    const d = new Date(t);
    if (!DATETIME_RE.test(t) || Number.isNaN(d.getTime()))
      throw inv(`${F}/wst:Lifetime/wsu:${local}`, 'an xs:dateTime with a time zone (e.g. 2013-05-01T10:00:00Z)', JSON.stringify(t.slice(0, 40)));
    return d;
  };
  const Created = date('Created', false);
  const Expires = date('Expires', true)!;
  if (Created && Expires.getTime() <= Created.getTime())
    throw inv(`${F}/wst:Lifetime/wsu:Expires`, `a time after wsu:Created ${isoSeconds(Created)}`, isoSeconds(Expires));
  return Created ? { Created, Expires } : { Expires };
}

function inv(field: string, expected: string, received: string): InvalidRequestError {
  return new InvalidRequestError(field, expected, received);
}

function one(parent: XElement, ns: string, local: string, field: string, required: true): XElement;
function one(parent: XElement, ns: string, local: string, field: string, required: false): XElement | undefined;
function one(parent: XElement, ns: string, local: string, field: string, required: boolean): XElement | undefined {
  const list = children(parent, ns, local);
  if (list.length > 1) throw inv(field, 'exactly one element', `${list.length}`);
  if (required && list.length === 0) throw inv(field, 'a required element', 'none');
  return list[0];
}

function appliesToAddress(parent: XElement, field: string, mk: (f: string, e: string, r: string) => Error): string | undefined {
  const ats = [...children(parent, NS.wsp, 'AppliesTo'), ...children(parent, NS.wsp15, 'AppliesTo')];
  if (ats.length === 0) return undefined;
  if (ats.length > 1) throw mk(field, 'one wsp:AppliesTo', `${ats.length}`);
  const epr = children(ats[0]!, NS.wsa10, 'EndpointReference')[0] ?? children(ats[0]!, NS.wsa2004, 'EndpointReference')[0];
  if (!epr) throw mk(`${field}/wsa:EndpointReference`, 'an EndpointReference', 'none');
  const addr = children(epr, epr.namespaceURI!, 'Address')[0];
  const v = (textOf(addr) ?? '').trim();
  if (!addr || v === '') throw mk(`${field}/wsa:EndpointReference/wsa:Address`, 'an HTTP(S) URL', addr ? 'an empty Address' : 'none');
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw mk(`${field}/wsa:EndpointReference/wsa:Address`, 'an HTTP(S) URL', JSON.stringify(v));
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw mk(`${field}/wsa:EndpointReference/wsa:Address`, 'an HTTP(S) URL', JSON.stringify(v));
  return v;
}

/**
 * Find the RST inside a parsed envelope body (or accept the element itself) and validate it per 3.2.4.1.3.3.
 *
 * @throws {InvalidRequestError} ERR_WSTRUST_INVALID_REQUEST when the RST violates MS-OCAUTHWS 3.2.4.1.3.3 (`field` names the element)
 */
export function parseRequestSecurityToken(el: XElement): RequestSecurityToken {
  const F = 'wst:RequestSecurityToken';
  if (el.localName !== 'RequestSecurityToken' || !(nsEq(el.namespaceURI, NS.trust) || nsEq(el.namespaceURI, NS.wst2005))) {
    throw inv(F, `{${NS.trust}}RequestSecurityToken`, describe(el));
  }
  const wst = el.namespaceURI!;
  const Context = attr(el, 'Context');
  if (Context === undefined) throw inv(`${F}/@Context`, 'a UUID', 'no Context attribute');
  if (!UUID_RE.test(Context)) throw inv(`${F}/@Context`, 'a UUID', JSON.stringify(Context.slice(0, 60)));
  const TokenType = (textOf(one(el, wst, 'TokenType', `${F}/wst:TokenType`, true)) ?? '').trim();
  if (TokenType !== URI.tokenTypeSaml11 && TokenType !== URI.tokenTypeCwt)
    throw inv(`${F}/wst:TokenType`, `${URI.tokenTypeSaml11} or ${URI.tokenTypeCwt}`, JSON.stringify(TokenType.slice(0, 100)));
  const compact = TokenType === URI.tokenTypeCwt;
  const RequestType = (textOf(one(el, wst, 'RequestType', `${F}/wst:RequestType`, true)) ?? '').trim();
  if (RequestType !== URI.requestTypeIssue && RequestType !== URI.requestTypeIssue2005) {
    throw inv(`${F}/wst:RequestType`, URI.requestTypeIssue, JSON.stringify(RequestType.slice(0, 100)));
  }
  const AppliesTo = appliesToAddress(el, `${F}/wsp:AppliesTo`, inv);
  if (AppliesTo === undefined) throw inv(`${F}/wsp:AppliesTo`, 'a required element', 'none');
  // A SAML ticket is holder-of-key: requestor entropy is required (3.2.4.1.3.3). A compact web ticket is
  // bearer: the Lync 2013 / SfB desktop request carries no wst:Entropy (entropy that is sent is ignored).
  const ent = compact ? one(el, wst, 'Entropy', `${F}/wst:Entropy`, false) : one(el, wst, 'Entropy', `${F}/wst:Entropy`, true);
  let Entropy: Uint8Array = new Uint8Array(0);
  if (ent && !compact) {
    const bs = one(ent, wst, 'BinarySecret', `${F}/wst:Entropy/wst:BinarySecret`, true);
    Entropy = decodeBase64Strict(`${F}/wst:Entropy/wst:BinarySecret`, textOf(bs) ?? '', inv);
    if (Entropy.length < 16) throw inv(`${F}/wst:Entropy/wst:BinarySecret`, 'at least 128 bits of entropy', `${Entropy.length * 8} bits`);
    if (Entropy.length > 512) throw inv(`${F}/wst:Entropy/wst:BinarySecret`, 'at most 4096 bits of entropy', `${Entropy.length * 8} bits`);
  }
  const KeyType = (textOf(one(el, wst, 'KeyType', `${F}/wst:KeyType`, true)) ?? '').trim();
  const keyTypes: string[] = compact ? [URI.keyTypeSymmetric, URI.keyTypeSymmetric2005, URI.keyTypeBearer] : [URI.keyTypeSymmetric];
  if (!keyTypes.includes(KeyType)) throw inv(`${F}/wst:KeyType`, keyTypes.join(' or '), JSON.stringify(KeyType.slice(0, 100)));
  const rst: RequestSecurityToken = { Context, TokenType, RequestType, AppliesTo, Entropy, KeyType };
  const Lifetime = parseLifetime(el, wst, F);
  if (Lifetime) rst.Lifetime = Lifetime;
  const ks = one(el, wst, 'KeySize', `${F}/wst:KeySize`, false);
  if (ks) {
    const t = (textOf(ks) ?? '').trim();
    if (!/^\d{1,5}$/.test(t)) throw inv(`${F}/wst:KeySize`, 'an unsigned integer', JSON.stringify(t.slice(0, 20)));
    rst.KeySize = Number(t);
  }
  const claims = one(el, wst, 'Claims', `${F}/wst:Claims`, false);
  if (claims) {
    const Dialect = attr(claims, 'Dialect') ?? '';
    if (Dialect !== URI.claimsDialect) throw inv(`${F}/wst:Claims/@Dialect`, URI.claimsDialect, JSON.stringify(Dialect.slice(0, 100)));
    const ClaimTypes: { Uri: string; Value?: string }[] = [];
    for (const ct of children(claims)) {
      if (ct.localName !== 'ClaimType') throw inv(`${F}/wst:Claims`, 'auth:ClaimType children', describe(ct));
      const Uri = attr(ct, 'Uri') ?? '';
      if (Uri !== URI.claimTypeUri) throw inv(`${F}/wst:Claims/auth:ClaimType/@Uri`, URI.claimTypeUri, JSON.stringify(Uri.slice(0, 100)));
      const vals = children(ct, ct.namespaceURI!, 'Value');
      if (vals.length > 1) throw inv(`${F}/wst:Claims/auth:ClaimType/auth:Value`, 'at most one', `${vals.length}`);
      const c: { Uri: string; Value?: string } = { Uri };
      if (vals[0]) {
        const v = (textOf(vals[0]) ?? '').trim();
        if (!/^sips?:[^\s@]+@[^\s@]+$/i.test(v))
          throw inv(`${F}/wst:Claims/auth:ClaimType/auth:Value`, 'a SIP URI (sip:user@domain)', JSON.stringify(v.slice(0, 100)));
        c.Value = v;
      }
      ClaimTypes.push(c);
    }
    rst.Claims = { Dialect, ClaimTypes };
  }
  return rst;
}

/** The SIP URI claimed by an RST (auth:ClaimType/auth:Value), if any. */
export function claimedSipUri(rst: RequestSecurityToken): string | undefined {
  return rst.Claims?.ClaimTypes.find((c) => c.Value !== undefined)?.Value;
}

/**
 * wst:RequestSecurityTokenResponse as MS-OCAUTHWS 3.2.4.1.3.4 restricts it.
 *
 * ```xml
 * <xs:complexType name="RequestSecurityTokenResponseType">
 *   <xs:sequence><xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
 *   <xs:attribute name="Context" type="xs:anyURI" use="optional"/>
 * </xs:complexType>
 * <xs:element name="RequestSecurityTokenResponseCollection" type="wst:RequestSecurityTokenResponseCollectionType"/>
 * ```
 */
export interface RequestSecurityTokenResponse {
  Context: string;
  TokenType: string;
  /** The saml:Assertion, serialized; opaque to the client (3.2.4.1.3.4). */
  RequestedSecurityToken: string;
  /** AssertionID of the token (from the token itself or the references). */
  AssertionId: string;
  Lifetime: { Created?: string; Expires: string };
  RequestedAttachedReference?: string;
  RequestedUnattachedReference?: string;
  AppliesTo: string;
  /** RequestedProofToken/ComputedKey algorithm URI. */
  ComputedKey: string;
  /** Server entropy (wst:Entropy/wst:BinarySecret). */
  Entropy: Uint8Array;
}

function strXml(assertionId: string): string {
  return `<o:SecurityTokenReference xmlns:o="${NS.wsse}"><o:KeyIdentifier ValueType="${URI.samlAssertionIdValueType}">${escText(assertionId)}</o:KeyIdentifier></o:SecurityTokenReference>`;
}

export function buildRequestSecurityTokenResponse(r: RequestSecurityTokenResponse): string {
  return (
    `<RequestSecurityTokenResponse Context="${escAttr(r.Context)}">` +
    `<TokenType>${escText(r.TokenType)}</TokenType>` +
    `<RequestedSecurityToken>${r.RequestedSecurityToken}</RequestedSecurityToken>` +
    `<Lifetime>${r.Lifetime.Created !== undefined ? `<Created xmlns="${NS.wsu}">${escText(r.Lifetime.Created)}</Created>` : ''}<Expires xmlns="${NS.wsu}">${escText(r.Lifetime.Expires)}</Expires></Lifetime>` +
    (r.RequestedAttachedReference !== undefined ? `<RequestedAttachedReference>${strXml(r.RequestedAttachedReference)}</RequestedAttachedReference>` : '') +
    (r.RequestedUnattachedReference !== undefined
      ? `<RequestedUnattachedReference>${strXml(r.RequestedUnattachedReference)}</RequestedUnattachedReference>`
      : '') +
    `<AppliesTo xmlns="${NS.wsp}"><EndpointReference xmlns="${NS.wsa10}"><Address>${escText(r.AppliesTo)}</Address></EndpointReference></AppliesTo>` +
    `<RequestedProofToken><ComputedKey>${escText(r.ComputedKey)}</ComputedKey></RequestedProofToken>` +
    `<Entropy><BinarySecret>${b64(r.Entropy)}</BinarySecret></Entropy>` +
    `</RequestSecurityTokenResponse>`
  );
}

export function buildRequestSecurityTokenResponseCollection(rs: readonly RequestSecurityTokenResponse[]): string {
  return `<RequestSecurityTokenResponseCollection xmlns="${NS.trust}">${rs.map(buildRequestSecurityTokenResponse).join('')}</RequestSecurityTokenResponseCollection>`;
}

function rinv(field: string, expected: string, received: string): InvalidResponseError {
  return new InvalidResponseError(field, expected, received);
}

function strKeyId(parent: XElement | undefined): string | undefined {
  if (!parent) return undefined;
  const str = children(parent, NS.wsse, 'SecurityTokenReference')[0];
  const ki = str && children(str, NS.wsse, 'KeyIdentifier')[0];
  return ki ? (ki.textContent ?? '').trim() : undefined;
}

/** Parse one RSTR element per 3.2.4.1.3.4 (the assertion is kept as an element and serialized). */
export function parseRequestSecurityTokenResponse(el: XElement): RequestSecurityTokenResponse & { assertionElement: XElement } {
  const F = 'wst:RequestSecurityTokenResponse';
  if (el.localName !== 'RequestSecurityTokenResponse' || !nsEq(el.namespaceURI, NS.trust))
    throw rinv(F, `{${NS.trust}}RequestSecurityTokenResponse`, describe(el));
  const wst = el.namespaceURI!;
  const req = (local: string): XElement => {
    const l = children(el, wst, local);
    if (l.length !== 1) throw rinv(`${F}/wst:${local}`, 'exactly one element', `${l.length}`);
    return l[0]!;
  };
  const Context = attr(el, 'Context');
  if (Context === undefined) throw rinv(`${F}/@Context`, 'the Context of the request', 'none');
  const TokenType = (textOf(req('TokenType')) ?? '').trim();
  if (TokenType !== URI.tokenTypeSaml11) throw rinv(`${F}/wst:TokenType`, URI.tokenTypeSaml11, JSON.stringify(TokenType));
  const rstEl = req('RequestedSecurityToken');
  const assertions = children(rstEl, NS.saml, 'Assertion');
  if (assertions.length !== 1) throw rinv(`${F}/wst:RequestedSecurityToken/saml:Assertion`, 'exactly one', `${assertions.length}`);
  const assertionElement = assertions[0]!;
  const AssertionId = attr(assertionElement, 'AssertionID') ?? '';
  if (AssertionId === '') throw rinv(`${F}/wst:RequestedSecurityToken/saml:Assertion/@AssertionID`, 'an id', 'none');
  const lt = req('Lifetime');
  const created = children(lt, NS.wsu, 'Created')[0];
  const expires = children(lt, NS.wsu, 'Expires')[0];
  if (!expires) throw rinv(`${F}/wst:Lifetime/wsu:Expires`, 'a required element', 'none');
  const Lifetime: { Created?: string; Expires: string } = { Expires: (expires.textContent ?? '').trim() };
  if (created) Lifetime.Created = (created.textContent ?? '').trim();
  const AppliesTo = appliesToAddress(el, `${F}/wsp:AppliesTo`, rinv);
  if (AppliesTo === undefined) throw rinv(`${F}/wsp:AppliesTo`, 'a required element', 'none');
  const ck = children(req('RequestedProofToken'), wst, 'ComputedKey')[0];
  if (!ck) throw rinv(`${F}/wst:RequestedProofToken/wst:ComputedKey`, 'a required element', 'none');
  const ent = children(req('Entropy'), wst, 'BinarySecret')[0];
  if (!ent) throw rinv(`${F}/wst:Entropy/wst:BinarySecret`, 'a required element', 'none');
  const r: RequestSecurityTokenResponse & { assertionElement: XElement } = {
    Context,
    TokenType,
    RequestedSecurityToken: serialize(assertionElement),
    AssertionId,
    Lifetime,
    AppliesTo,
    ComputedKey: (ck.textContent ?? '').trim(),
    Entropy: decodeBase64Strict(`${F}/wst:Entropy/wst:BinarySecret`, ent.textContent ?? '', rinv),
    assertionElement,
  };
  const att = strKeyId(children(el, wst, 'RequestedAttachedReference')[0]);
  if (att !== undefined) r.RequestedAttachedReference = att;
  const un = strKeyId(children(el, wst, 'RequestedUnattachedReference')[0]);
  if (un !== undefined) r.RequestedUnattachedReference = un;
  return r;
}

/**
 * Parse an RSTR collection (or a bare RSTR) from an envelope payload.
 *
 * @throws {InvalidResponseError} ERR_WSTRUST_INVALID_RESPONSE when the RSTRC lacks what MS-OCAUTHWS 3.2.4.1.3.4 requires (`field` names the element)
 */
export function parseRequestSecurityTokenResponseCollection(el: XElement): (RequestSecurityTokenResponse & { assertionElement: XElement })[] {
  if (el.localName === 'RequestSecurityTokenResponse') return [parseRequestSecurityTokenResponse(el)];
  if (el.localName !== 'RequestSecurityTokenResponseCollection' || !nsEq(el.namespaceURI, NS.trust)) {
    throw rinv('wst:RequestSecurityTokenResponseCollection', `{${NS.trust}}RequestSecurityTokenResponseCollection`, describe(el));
  }
  const list = children(el, el.namespaceURI!, 'RequestSecurityTokenResponse');
  if (list.length === 0) throw rinv('wst:RequestSecurityTokenResponseCollection/wst:RequestSecurityTokenResponse', 'at least one', 'none');
  return list.map(parseRequestSecurityTokenResponse);
}

/** An RSTR carrying a compact web ticket (TokenType user-cwt-1): bearer, so no proof token and no entropy. */
export interface CompactTicketResponse {
  Context: string;
  TokenType: string;
  /** The compact web ticket: sent as `X-MS-WebTicket: cwt=<token>` or `Authorization: Bearer cwt=<token>`. */
  token: string;
  /** The lifetime the server granted (at most its policy, at most what was asked). */
  Lifetime: { Created: string; Expires: string };
  AppliesTo: string;
}

/**
 * `wst:RequestSecurityTokenResponseCollection` for a compact web ticket: TokenType, the token in a
 * `wsse:BinarySecurityToken` whose ValueType is the token type (text: the base64url token, the value
 * after `cwt=`), the granted wst:Lifetime and wsp:AppliesTo. No RequestedProofToken, no Entropy.
 */
export function buildCompactTicketResponseCollection(r: CompactTicketResponse): string {
  return (
    `<RequestSecurityTokenResponseCollection xmlns="${NS.trust}"><RequestSecurityTokenResponse Context="${escAttr(r.Context)}">` +
    `<TokenType>${escText(r.TokenType)}</TokenType>` +
    `<RequestedSecurityToken><o:BinarySecurityToken xmlns:o="${NS.wsse}" ValueType="${escAttr(URI.tokenTypeCwt)}">${escText(r.token)}</o:BinarySecurityToken></RequestedSecurityToken>` +
    `<Lifetime><Created xmlns="${NS.wsu}">${escText(r.Lifetime.Created)}</Created><Expires xmlns="${NS.wsu}">${escText(r.Lifetime.Expires)}</Expires></Lifetime>` +
    `<AppliesTo xmlns="${NS.wsp}"><EndpointReference xmlns="${NS.wsa10}"><Address>${escText(r.AppliesTo)}</Address></EndpointReference></AppliesTo>` +
    `</RequestSecurityTokenResponse></RequestSecurityTokenResponseCollection>`
  );
}

/**
 * Parse the RSTR(C) of a compact web ticket request (client side).
 *
 * @throws {InvalidResponseError} ERR_WSTRUST_INVALID_RESPONSE when the RSTRC does not carry one compact web ticket response
 */
export function parseCompactTicketResponse(el: XElement): CompactTicketResponse {
  let rstr = el;
  if (el.localName === 'RequestSecurityTokenResponseCollection' && nsEq(el.namespaceURI, NS.trust)) {
    const list = children(el, NS.trust, 'RequestSecurityTokenResponse');
    if (list.length !== 1) throw rinv('wst:RequestSecurityTokenResponseCollection/wst:RequestSecurityTokenResponse', 'exactly one', `${list.length}`);
    rstr = list[0]!;
  }
  const F = 'wst:RequestSecurityTokenResponse';
  if (rstr.localName !== 'RequestSecurityTokenResponse' || !nsEq(rstr.namespaceURI, NS.trust))
    throw rinv(F, `{${NS.trust}}RequestSecurityTokenResponse`, describe(rstr));
  const req = (local: string): XElement => {
    const l = children(rstr, NS.trust, local);
    if (l.length !== 1) throw rinv(`${F}/wst:${local}`, 'exactly one element', `${l.length}`);
    return l[0]!;
  };
  const Context = attr(rstr, 'Context');
  if (Context === undefined) throw rinv(`${F}/@Context`, 'the Context of the request', 'none');
  const TokenType = (textOf(req('TokenType')) ?? '').trim();
  if (TokenType !== URI.tokenTypeCwt) throw rinv(`${F}/wst:TokenType`, URI.tokenTypeCwt, JSON.stringify(TokenType.slice(0, 100)));
  const bst = children(req('RequestedSecurityToken'), NS.wsse, 'BinarySecurityToken');
  if (bst.length !== 1) throw rinv(`${F}/wst:RequestedSecurityToken/wsse:BinarySecurityToken`, 'exactly one', `${bst.length}`);
  const token = (textOf(bst[0]!) ?? '').trim();
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(token))
    throw rinv(`${F}/wst:RequestedSecurityToken/wsse:BinarySecurityToken`, 'a base64url compact web ticket', JSON.stringify(token.slice(0, 40)));
  const lt = req('Lifetime');
  const created = (textOf(children(lt, NS.wsu, 'Created')[0]) ?? '').trim();
  const expires = (textOf(children(lt, NS.wsu, 'Expires')[0]) ?? '').trim();
  if (!expires || Number.isNaN(Date.parse(expires))) throw rinv(`${F}/wst:Lifetime/wsu:Expires`, 'an xs:dateTime', JSON.stringify(expires.slice(0, 40)));
  const AppliesTo = appliesToAddress(rstr, `${F}/wsp:AppliesTo`, rinv);
  if (AppliesTo === undefined) throw rinv(`${F}/wsp:AppliesTo`, 'a required element', 'none');
  return { Context, TokenType, token, Lifetime: { Created: created, Expires: expires }, AppliesTo };
}
