// GetAndPublishCertResponse builder and parser — MS-OCAUTHWS 3.1.4.1.2.2 (the element), 3.1.4.1.2.4 (its RSTR),
// 3.1.4.1.3.2/3.1.4.1.3.3 (its types).
//
// <xs:complexType name="GetAndPublishCertResponseType">
//   <xs:sequence>
//     <xs:element ref="wst:RequestSecurityTokenResponse" minOccurs="0" maxOccurs="1" />
//     <xs:element name="ErrorInfo" type="tns:GetAndPublishCertErrorInfoType" minOccurs="0" maxOccurs="1" />
//   </xs:sequence>
//   <xs:attribute name="DeviceId" type="xs:string" use="required" />
//   <xs:attribute name="Entity" type="xs:anyURI" use="required" />
//   <xs:attribute name="ResponseClass" type="tns:ResponseClassType" use="required" />
// </xs:complexType>
import { childElements, parseXml, type XDocument } from '@ocauth/c14n';
import { NS } from '@ocauth/diagnostics';
import forge from 'node-forge';
import { decodeBinaryToken } from './csr.js';
import { GetAndPublishCertError } from './errors.js';
import { ENCODING_TYPE_BASE64, TOKEN_TYPE_X509V3, VALUE_TYPE_PKCS10, VALUE_TYPE_PKCS7 } from './uris.js';
import { esc } from './request.js';

export interface GetAndPublishCertResponse {
  responseClass: string;
  deviceId: string;
  entity: string;
  dispositionMessage: string | undefined;
  requestId: string | undefined;
  /** Issued certificate (DER). */
  certificateDer: Uint8Array;
  /** Echoed PKCS#10 request (DER), when present. */
  csrDer: Uint8Array | undefined;
  /**
   * Certificates of a PKCS#7 (certs-only SignedData) BinarySecurityToken in the RSTR, when the server
   * sends the chain (MS-WSTEP style): DER, in the order of the SignedData.
   */
  chainDer: Uint8Array[];
}

/** DER TLV with a definite length. */
function derTlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}
// RFC 2315 degenerate SignedData ("certs-only"): ContentInfo { signedData, [0] SignedData { version 1,
// digestAlgorithms {}, contentInfo { data }, certificates [0] IMPLICIT the DERs as given, signerInfos {} } }.
// Encoded directly: the certificates keep their exact bytes (parsing and re-encoding each one through
// node-forge cost ~1 ms per response); openssl pkcs7 -print_certs reads it in the handler tests.
const OID_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');
const SIGNED_DATA_HEAD = Buffer.from('020101' + '3100' + '300b06092a864886f70d010701', 'hex');
/** A PKCS#7 certs-only SignedData holding `ders` (the chain token of a Success response). */
function pkcs7CertsOnly(ders: readonly Uint8Array[]): Uint8Array {
  const signedData = derTlv(0x30, Buffer.concat([SIGNED_DATA_HEAD, derTlv(0xa0, Buffer.concat(ders)), Buffer.from('3100', 'hex')]));
  return new Uint8Array(derTlv(0x30, Buffer.concat([OID_SIGNED_DATA, derTlv(0xa0, signedData)])));
}

/**
 * DER certificates inside a PKCS#7 SignedData (certs-only or not).
 * @throws {GetAndPublishCertError} ERR_CERTPROV_RESPONSE_MALFORMED when the bytes are not a SignedData.
 */
export function certificatesFromPkcs7(der: Uint8Array): Uint8Array[] {
  try {
    const root = forge.asn1.fromDer(Buffer.from(der).toString('binary'));
    const msg = forge.pkcs7.messageFromAsn1(root) as unknown as { rawCapture?: { certificates?: { value?: forge.asn1.Asn1[] } } };
    const certs = msg.rawCapture?.certificates?.value ?? [];
    return certs.map((c) => new Uint8Array(Buffer.from(forge.asn1.toDer(c).getBytes(), 'binary')));
  } catch (e) {
    throw new GetAndPublishCertError(
      'ERR_CERTPROV_RESPONSE_MALFORMED',
      `PKCS#7 BinarySecurityToken: expected a SignedData with certificates, received bytes that do not decode (${(e as Error).message})`,
      { field: 'BinarySecurityToken', cause: e },
    );
  }
}

/** What a Success GetAndPublishCertResponse carries (MS-OCAUTHWS 3.1.4.1.2.4, the 4.1.2 example's layout). */
export interface GetAndPublishCertSuccess {
  deviceId: string;
  entity: string;
  requestId: string;
  /** The PKCS#10 request, echoed. */
  csrDer: Uint8Array;
  /** The issued certificate. */
  certificateDer: Uint8Array;
  /** The certificates of the PKCS#7 chain token (issued certificate first), when the chain is sent. */
  chainDer?: readonly Uint8Array[];
}

/** Builds a Success GetAndPublishCertResponse element (to go in the SOAP Body), the 4.1.2 example's shape. */
export function buildGetAndPublishCertResponse(r: GetAndPublishCertSuccess): string {
  const b64 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.length).toString('base64'); // a view, not a copy
  const token = (valueType: string, der: Uint8Array) =>
    `<BinarySecurityToken EncodingType="${ENCODING_TYPE_BASE64}" ValueType="${valueType}" xmlns="${NS.wsse}">${b64(der)}</BinarySecurityToken>`;
  return (
    `<GetAndPublishCertResponse ResponseClass="Success" DeviceId="${esc(r.deviceId)}" Entity="${esc(r.entity)}" xmlns="${NS.tns}">` +
    `<RequestSecurityTokenResponse xmlns="${NS.wst}"><TokenType>${TOKEN_TYPE_X509V3}</TokenType>` +
    `<DispositionMessage xml:lang="en-US" xmlns="${NS.wstep}">Issued</DispositionMessage>` +
    token(VALUE_TYPE_PKCS10, r.csrDer) +
    `<RequestedSecurityToken>${token(TOKEN_TYPE_X509V3, r.certificateDer)}</RequestedSecurityToken>` +
    (r.chainDer ? token(VALUE_TYPE_PKCS7, pkcs7CertsOnly(r.chainDer)) : '') +
    `<RequestID xmlns="${NS.wstep}">${esc(r.requestId)}</RequestID></RequestSecurityTokenResponse></GetAndPublishCertResponse>`
  );
}

/**
 * Parses a GetAndPublishCertResponse (whole SOAP envelope or the element itself).
 * @throws {GetAndPublishCertError} ERR_CERTPROV_RESPONSE_ERROR when the response carries ErrorInfo or is not
 * a Success (`responseCode` holds the spec's ResponseCode); ERR_CERTPROV_RESPONSE_MALFORMED when the XML does
 * not parse (the XmlParseError is the `cause`) or a required element is missing.
 * @throws {CsrError} ERR_CERTPROV_BASE64 when a BinarySecurityToken is not base64.
 */
export function parseGetAndPublishCertResponse(xml: string): GetAndPublishCertResponse {
  let doc: XDocument;
  try {
    doc = parseXml(xml, { maxBytes: 4 << 20, maxDepth: 64 });
  } catch (e) {
    throw new GetAndPublishCertError(
      'ERR_CERTPROV_RESPONSE_MALFORMED',
      `response: expected well-formed XML without DOCTYPE, received: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const el = doc.getElementsByTagNameNS(NS.tns, 'GetAndPublishCertResponse')[0];
  if (!el) throw new GetAndPublishCertError('ERR_CERTPROV_RESPONSE_MALFORMED', 'response: expected a GetAndPublishCertResponse element, received none');
  const responseClass = el.getAttribute('ResponseClass') ?? '';
  const deviceId = el.getAttribute('DeviceId') ?? '';
  const entity = el.getAttribute('Entity') ?? '';
  const info = childElements(el, NS.tns, 'ErrorInfo')[0];
  if (info || responseClass !== 'Success') {
    const code = info?.getAttribute('ResponseCode') ?? undefined;
    const desc = info ? (childElements(info, NS.tns, 'Description')[0]?.textContent ?? '') : '';
    throw new GetAndPublishCertError(
      'ERR_CERTPROV_RESPONSE_ERROR',
      `GetAndPublishCert: expected ResponseClass Success, received ${responseClass || '(none)'} with ResponseCode ${code ?? '(none)'}${desc ? `: ${desc}` : ''}`,
      { field: 'ErrorInfo', ...(code !== undefined ? { responseCode: code } : {}) },
    );
  }
  const rstr = childElements(el, NS.wst, 'RequestSecurityTokenResponse')[0];
  if (!rstr)
    throw new GetAndPublishCertError('ERR_CERTPROV_RESPONSE_MALFORMED', 'RequestSecurityTokenResponse: expected one in a Success response, received none');
  const rst = childElements(rstr, NS.wst, 'RequestedSecurityToken')[0];
  const bst = rst && childElements(rst, NS.wsse, 'BinarySecurityToken')[0];
  if (!bst)
    throw new GetAndPublishCertError(
      'ERR_CERTPROV_RESPONSE_MALFORMED',
      'RequestedSecurityToken/BinarySecurityToken: expected the issued certificate, received none',
    );
  const tokens = childElements(rstr, NS.wsse, 'BinarySecurityToken');
  const echoed =
    tokens.find((t) => (t.getAttribute('ValueType') ?? '').endsWith('#PKCS10')) ?? tokens.find((t) => !(t.getAttribute('ValueType') ?? '').endsWith('#PKCS7'));
  const chainDer = tokens
    .filter((t) => (t.getAttribute('ValueType') ?? '').endsWith('#PKCS7'))
    .flatMap((t) => certificatesFromPkcs7(decodeBinaryToken(t.textContent ?? '', 'RequestSecurityTokenResponse/BinarySecurityToken (PKCS7)')));
  return {
    responseClass,
    deviceId,
    entity,
    dispositionMessage: childElements(rstr, NS.wstep, 'DispositionMessage')[0]?.textContent ?? undefined,
    requestId: childElements(rstr, NS.wstep, 'RequestID')[0]?.textContent?.trim() ?? undefined,
    certificateDer: decodeBinaryToken(bst.textContent ?? '', 'RequestedSecurityToken/BinarySecurityToken'),
    csrDer: echoed ? decodeBinaryToken(echoed.textContent ?? '', 'RequestSecurityTokenResponse/BinarySecurityToken') : undefined,
    chainDer,
  };
}
