// GetAndPublishCert request body — MS-OCAUTHWS 3.1.4.1.2.3: DeviceId (GUID with braces), Entity (SIP
// URI without "sip:"), wst:TokenType X509v3, wst:RequestType Issue, wsse:BinarySecurityToken with the
// PKCS#10 request (EncodingType base64binary, ValueType ...#PKCS10), wstep:RequestID.
import type { Element } from '@xmldom/xmldom';
import { parseXml } from '@ocauth/c14n';
import { decodeBinaryToken } from './csr.js';
import { GetAndPublishCertRequestError } from './errors.js';
import {
  ENCODING_TYPE_BASE64, NS_ADDRESSING, NS_ADDRESSING_NONE, NS_AUTHWS, NS_ENROLLMENT, NS_SOAP11, NS_SOAP12, NS_WSSE, NS_WST, REQUEST_TYPE_ISSUE,
  TOKEN_TYPE_X509V3, VALUE_TYPE_PKCS10,
} from './namespaces.js';

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

const ADDRESSING_NS = [NS_ADDRESSING_NONE, NS_ADDRESSING];
const SOAP_NS = [NS_SOAP11, NS_SOAP12];

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
    `<GetAndPublishCert DeviceId="${esc(r.deviceId)}" Entity="${esc(r.entity)}" xmlns="${NS_AUTHWS}">` +
    `<RequestSecurityToken xmlns="${NS_WST}"><TokenType>${TOKEN_TYPE_X509V3}</TokenType><RequestType>${REQUEST_TYPE_ISSUE}</RequestType>` +
    `<BinarySecurityToken EncodingType="${ENCODING_TYPE_BASE64}" ValueType="${VALUE_TYPE_PKCS10}" xmlns="${NS_WSSE}">${b64}</BinarySecurityToken>` +
    `<RequestID xmlns="${NS_ENROLLMENT}">${esc(r.requestId)}</RequestID></RequestSecurityToken></GetAndPublishCert>`
  );
}

const child = (e: Element, ns: string, local: string): Element | undefined => kids(e, ns, local)[0];
const kids = (e: Element, ns: string, local: string): Element[] => {
  const out: Element[] = [];
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local) out.push(n as Element);
  return out;
};

type XmlDocument = ReturnType<typeof parseXml>;

/**
 * Parses and validates a GetAndPublishCert request (MS-OCAUTHWS 3.1.4.1.2.3): a SOAP envelope whose Body
 * holds only GetAndPublishCert, or the element itself.
 * @throws {GetAndPublishCertRequestError} ERR_CERTPROV_REQUEST_MALFORMED when the XML does not parse (the
 * XmlParseError is the `cause`) or the request does not have the 3.1.4.1.2.3 shape.
 */
export function parseGetAndPublishCertRequest(xml: string): GetAndPublishCertRequest {
  let doc;
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
export function requestOfDocument(doc: XmlDocument): GetAndPublishCertRequest {
  // Exactly one GetAndPublishCert, and (in an envelope) as the only element of soap:Body: a second
  // copy elsewhere (Header, nested) would make what is checked and what is issued ambiguous.
  const all = doc.getElementsByTagNameNS(NS_AUTHWS, 'GetAndPublishCert');
  if (all.length !== 1) throw new GetAndPublishCertRequestError(`GetAndPublishCert: expected exactly one element, received ${all.length}`);
  const el = all[0]!;
  const top = doc.documentElement;
  if (top && SOAP_NS.includes(top.namespaceURI ?? '') && top.localName === 'Envelope') {
    const elementsOf = (e: Element) => { const out: Element[] = []; for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element); return out; };
    const bodies = elementsOf(top).filter((k) => k.localName === 'Body' && k.namespaceURI === top.namespaceURI);
    const inBody = bodies.length === 1 ? elementsOf(bodies[0]!) : [];
    if (bodies.length !== 1 || inBody.length !== 1 || inBody[0] !== el)
      throw new GetAndPublishCertRequestError(`soap:Body: expected exactly one Body whose only element is GetAndPublishCert, received ${bodies.length} Body element(s) with ${inBody.map((k) => k.localName).join(', ') || 'no elements'}`);
  } else if (top !== el) {
    throw new GetAndPublishCertRequestError(`request: expected a SOAP Envelope or a GetAndPublishCert element, received ${top?.localName ?? 'nothing'} as the root`);
  }
  const rsts = kids(el, NS_WST, 'RequestSecurityToken');
  if (rsts.length !== 1) throw new GetAndPublishCertRequestError(`RequestSecurityToken: expected exactly one, received ${rsts.length}`);
  const rst = rsts[0]!;
  const tokenType = child(rst, NS_WST, 'TokenType')?.textContent?.trim();
  if (tokenType !== TOKEN_TYPE_X509V3) throw new GetAndPublishCertRequestError(`TokenType: expected ${TOKEN_TYPE_X509V3}, received ${JSON.stringify(tokenType ?? null)}`);
  const requestType = child(rst, NS_WST, 'RequestType')?.textContent?.trim();
  if (requestType !== REQUEST_TYPE_ISSUE) throw new GetAndPublishCertRequestError(`RequestType: expected ${REQUEST_TYPE_ISSUE}, received ${JSON.stringify(requestType ?? null)}`);
  const bsts = kids(rst, NS_WSSE, 'BinarySecurityToken');
  if (bsts.length !== 1) throw new GetAndPublishCertRequestError(`BinarySecurityToken: expected exactly one (the PKCS#10 request), received ${bsts.length}`);
  const bst = bsts[0]!;
  const valueType = bst.getAttribute('ValueType');
  if (valueType !== null && valueType !== VALUE_TYPE_PKCS10 && !valueType.endsWith('#PKCS10'))
    throw new GetAndPublishCertRequestError(`BinarySecurityToken/@ValueType: expected ${VALUE_TYPE_PKCS10}, received ${JSON.stringify(valueType.slice(0, 200))}`);
  // MS-OCAUTHWS 3.1.4.1.2.3: @EncodingType MUST be "…#base64binary" (pidgin-sipe writes "#Base64Binary", the
  // WSS spelling: the fragment is compared without regard to case).
  const encodingType = bst.getAttribute('EncodingType');
  if (encodingType !== null && !encodingType.toLowerCase().endsWith('#base64binary'))
    throw new GetAndPublishCertRequestError(`BinarySecurityToken/@EncodingType: expected ${ENCODING_TYPE_BASE64}, received ${JSON.stringify(encodingType.slice(0, 200))}`);
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
    for (let h = root.firstChild; h; h = h.nextSibling) {
      if (h.nodeType !== 1 || (h as Element).localName !== 'Header') continue;
      for (let a = h.firstChild; a; a = a.nextSibling) {
        if (a.nodeType === 1 && (a as Element).localName === 'Action' && ADDRESSING_NS.includes((a as Element).namespaceURI ?? '')) action = (a.textContent ?? '').trim();
      }
    }
  }
  return {
    ...(action !== undefined ? { action } : {}),
    ...(soapVersion !== undefined ? { soapVersion } : {}),
    deviceId: el.getAttribute('DeviceId') ?? '',
    entity: el.getAttribute('Entity') ?? '',
    csrDer,
    requestId: child(rst, NS_ENROLLMENT, 'RequestID')?.textContent?.trim() ?? '',
  };
}
