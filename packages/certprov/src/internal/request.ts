// GetAndPublishCert request body — MS-OCAUTHWS 3.1.4.1.2.3: DeviceId (GUID with braces), Entity (SIP
// URI without "sip:"), wst:TokenType X509v3, wst:RequestType Issue, wsse:BinarySecurityToken with the
// PKCS#10 request (EncodingType base64binary, ValueType ...#PKCS10), wstep:RequestID.
import { childElement, childElements, parseXml, type XDocument } from '@ocauth/c14n';
import { NS } from '@ocauth/diagnostics';
import { decodeBinaryToken } from './csr.js';
import { GetAndPublishCertRequestError } from './errors.js';
import { ENCODING_TYPE_BASE64, REQUEST_TYPE_ISSUE, TOKEN_TYPE_X509V3, VALUE_TYPE_PKCS10 } from './uris.js';

const GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;
/** Escapes & < " > for XML text and attribute values (shared by the request builder, handler and client). */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/>/g, '&gt;');

export interface GetAndPublishCertRequest {
  deviceId: string;
  entity: string;
  csrDer: Uint8Array;
  requestId: string;
  /** Addressing Action header of the envelope (addressing/none or WS-Addressing 2005/08), when present. */
  action?: string;
  /** SOAP version of the envelope, when the request came in one (the spec binds SOAP 1.1; 1.2 is tolerated). */
  soapVersion?: '1.1' | '1.2';
}

const ADDRESSING_NS: readonly string[] = [NS.wsaNone, NS.wsa10];
const SOAP_NS: readonly string[] = [NS.soap11, NS.soap12];

/**
 * Builds the GetAndPublishCert body element (to go in the SOAP Body), MS-OCAUTHWS 3.1.4.1.2.3.
 * @throws {GetAndPublishCertRequestError} ERR_CERTPROV_REQUEST_MALFORMED when DeviceId is not a GUID in braces
 * or Entity is not user@domain without "sip:".
 */
export function buildGetAndPublishCertRequest(r: { deviceId: string; entity: string; csr: Uint8Array; requestId: string }): string {
  if (!GUID.test(r.deviceId)) throw new GetAndPublishCertRequestError(`DeviceId: expected a GUID in braces, received ${JSON.stringify(r.deviceId)}`);
  if (/^sip:/i.test(r.entity) || !/^[^@\s]+@[^@\s]+$/.test(r.entity))
    throw new GetAndPublishCertRequestError(`Entity: expected user@domain without "sip:", received ${JSON.stringify(r.entity)}`);
  const b64 = Buffer.from(r.csr).toString('base64');
  return (
    `<GetAndPublishCert DeviceId="${esc(r.deviceId)}" Entity="${esc(r.entity)}" xmlns="${NS.tns}">` +
    `<RequestSecurityToken xmlns="${NS.wst}"><TokenType>${TOKEN_TYPE_X509V3}</TokenType><RequestType>${REQUEST_TYPE_ISSUE}</RequestType>` +
    `<BinarySecurityToken EncodingType="${ENCODING_TYPE_BASE64}" ValueType="${VALUE_TYPE_PKCS10}" xmlns="${NS.wsse}">${b64}</BinarySecurityToken>` +
    `<RequestID xmlns="${NS.wstep}">${esc(r.requestId)}</RequestID></RequestSecurityToken></GetAndPublishCert>`
  );
}

/**
 * Parses and validates a GetAndPublishCert request (MS-OCAUTHWS 3.1.4.1.2.3): a SOAP envelope whose Body
 * holds only GetAndPublishCert, or the element itself.
 * @throws {GetAndPublishCertRequestError} ERR_CERTPROV_REQUEST_MALFORMED when the XML does not parse (the
 * XmlParseError is the `cause`) or the request does not have the 3.1.4.1.2.3 shape.
 */
export function parseGetAndPublishCertRequest(xml: string): GetAndPublishCertRequest {
  let doc: ReturnType<typeof parseXml>;
  try {
    // The one safe parser: any DOCTYPE refused (no entity expansion), size/depth/attribute bounds.
    doc = parseXml(xml, { maxBytes: 1 << 20, maxDepth: 64 });
  } catch (e) {
    throw new GetAndPublishCertRequestError(`request: expected well-formed XML without DOCTYPE, received: ${(e as Error).message}`, { cause: e });
  }
  return requestOfDocument(doc);
}

/**
 * {@link parseGetAndPublishCertRequest} of a document already parsed with @ocauth/c14n `parseXml`.
 * @throws {GetAndPublishCertRequestError} ERR_CERTPROV_REQUEST_MALFORMED as parseGetAndPublishCertRequest.
 */
export function requestOfDocument(doc: XDocument): GetAndPublishCertRequest {
  // Exactly one GetAndPublishCert, and (in an envelope) as the only element of soap:Body: a second
  // copy elsewhere (Header, nested) would make what is checked and what is issued ambiguous.
  const all = doc.getElementsByTagNameNS(NS.tns, 'GetAndPublishCert');
  if (all.length !== 1) throw new GetAndPublishCertRequestError(`GetAndPublishCert: expected exactly one element, received ${all.length}`);
  const el = all[0]!;
  const top = doc.documentElement;
  if (top && SOAP_NS.includes(top.namespaceURI ?? '') && top.localName === 'Envelope') {
    const bodies = childElements(top, top.namespaceURI, 'Body');
    const inBody = bodies.length === 1 ? childElements(bodies[0]!) : [];
    if (bodies.length !== 1 || inBody.length !== 1 || inBody[0] !== el)
      throw new GetAndPublishCertRequestError(
        `soap:Body: expected exactly one Body whose only element is GetAndPublishCert, received ${bodies.length} Body element(s) with ${inBody.map((k) => k.localName).join(', ') || 'no elements'}`,
      );
  } else if (top !== el) {
    throw new GetAndPublishCertRequestError(
      `request: expected a SOAP Envelope or a GetAndPublishCert element, received ${top?.localName ?? 'nothing'} as the root`,
    );
  }
  const rsts = childElements(el, NS.wst, 'RequestSecurityToken');
  if (rsts.length !== 1) throw new GetAndPublishCertRequestError(`RequestSecurityToken: expected exactly one, received ${rsts.length}`);
  const rst = rsts[0]!;
  const tokenType = childElement(rst, NS.wst, 'TokenType')?.textContent?.trim();
  if (tokenType !== TOKEN_TYPE_X509V3)
    throw new GetAndPublishCertRequestError(`TokenType: expected ${TOKEN_TYPE_X509V3}, received ${JSON.stringify(tokenType ?? null)}`);
  const requestType = childElement(rst, NS.wst, 'RequestType')?.textContent?.trim();
  if (requestType !== REQUEST_TYPE_ISSUE)
    throw new GetAndPublishCertRequestError(`RequestType: expected ${REQUEST_TYPE_ISSUE}, received ${JSON.stringify(requestType ?? null)}`);
  const bsts = childElements(rst, NS.wsse, 'BinarySecurityToken');
  if (bsts.length !== 1) throw new GetAndPublishCertRequestError(`BinarySecurityToken: expected exactly one (the PKCS#10 request), received ${bsts.length}`);
  const bst = bsts[0]!;
  const valueType = bst.getAttribute('ValueType');
  if (valueType !== null && valueType !== VALUE_TYPE_PKCS10 && !valueType.endsWith('#PKCS10'))
    throw new GetAndPublishCertRequestError(
      `BinarySecurityToken/@ValueType: expected ${VALUE_TYPE_PKCS10}, received ${JSON.stringify(valueType.slice(0, 200))}`,
    );
  // MS-OCAUTHWS 3.1.4.1.2.3: @EncodingType MUST be "…#base64binary" (pidgin-sipe writes "#Base64Binary", the
  // WSS spelling: the fragment is compared without regard to case).
  const encodingType = bst.getAttribute('EncodingType');
  if (encodingType !== null && !encodingType.toLowerCase().endsWith('#base64binary'))
    throw new GetAndPublishCertRequestError(
      `BinarySecurityToken/@EncodingType: expected ${ENCODING_TYPE_BASE64}, received ${JSON.stringify(encodingType.slice(0, 200))}`,
    );
  let csrDer: Uint8Array;
  try {
    csrDer = decodeBinaryToken(bst.textContent ?? '', 'BinarySecurityToken');
  } catch (e) {
    throw new GetAndPublishCertRequestError((e as Error).message, { field: 'BinarySecurityToken', cause: e });
  }
  let action: string | undefined;
  let soapVersion: '1.1' | '1.2' | undefined;
  const root = doc.documentElement;
  if (root && SOAP_NS.includes(root.namespaceURI ?? '') && root.localName === 'Envelope') {
    soapVersion = root.namespaceURI === SOAP_NS[1] ? '1.2' : '1.1';
    for (const h of childElements(root, () => true, 'Header')) {
      for (const a of childElements(h, (ns) => ADDRESSING_NS.includes(ns ?? ''), 'Action')) action = (a.textContent ?? '').trim();
    }
  }
  return {
    ...(action !== undefined ? { action } : {}),
    ...(soapVersion !== undefined ? { soapVersion } : {}),
    deviceId: el.getAttribute('DeviceId') ?? '',
    entity: el.getAttribute('Entity') ?? '',
    csrDer,
    requestId: childElement(rst, NS.wstep, 'RequestID')?.textContent?.trim() ?? '',
  };
}
