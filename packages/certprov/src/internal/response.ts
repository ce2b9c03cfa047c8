// GetAndPublishCertResponse parsing — MS-OCAUTHWS 3.1.4.1.2.4 and 3.1.4.1.3.2/3.1.4.1.3.3.
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
import type { Element } from '@xmldom/xmldom';
import { parseXml } from '@ocauth/c14n';
import forge from 'node-forge';
import { getAndPublishCertResponseCode, type GetAndPublishCertResponseCode, type GetAndPublishCertResponseCodeInfo } from '@ocauth/diagnostics';
import { decodeBinaryToken } from './csr.js';

export const NS_AUTHWS = 'http://schemas.microsoft.com/OCS/AuthWebServices/';
export const NS_WST = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/';
export const NS_WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const NS_ENROLLMENT = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment';

export class GetAndPublishCertError extends Error {
  readonly code: string;
  /**
   * GetAndPublishCertResponseCodeType value (3.1.4.1.4.1) when the server sent ErrorInfo (kept as sent
   * when it is outside the enumeration).
   */
  readonly responseCode: GetAndPublishCertResponseCode | (string & {}) | undefined;
  /** The @ocauth/diagnostics catalog entry of `responseCode` (spec description, likely cause, remedy), when known. */
  readonly responseCodeInfo: GetAndPublishCertResponseCodeInfo | undefined;
  constructor(code: string, message: string, responseCode?: string) {
    super(message);
    this.name = 'GetAndPublishCertError';
    this.code = code;
    this.responseCode = responseCode;
    this.responseCodeInfo = responseCode === undefined ? undefined : getAndPublishCertResponseCode(responseCode);
  }
}

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

export const VALUE_TYPE_PKCS7 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#PKCS7';

/** DER certificates inside a PKCS#7 SignedData (certs-only or not). Throws GetAndPublishCertError when malformed. */
export function certificatesFromPkcs7(der: Uint8Array): Uint8Array[] {
  try {
    const root = forge.asn1.fromDer(Buffer.from(der).toString('binary'));
    const msg = forge.pkcs7.messageFromAsn1(root) as unknown as { rawCapture?: { certificates?: { value?: forge.asn1.Asn1[] } } };
    const certs = msg.rawCapture?.certificates?.value ?? [];
    return certs.map((c) => new Uint8Array(Buffer.from(forge.asn1.toDer(c).getBytes(), 'binary')));
  } catch (e) {
    throw new GetAndPublishCertError('ERR_CERTPROV_RESPONSE_MALFORMED', `PKCS#7 BinarySecurityToken: expected a SignedData with certificates, received bytes that do not decode (${(e as Error).message})`);
  }
}

const kids = (e: Element, ns: string, local: string): Element[] => {
  const out: Element[] = [];
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local) out.push(n as Element);
  return out;
};

/** Parses a GetAndPublishCertResponse (whole SOAP envelope or the element itself). ErrorInfo → GetAndPublishCertError. */
export function parseGetAndPublishCertResponse(xml: string): GetAndPublishCertResponse {
  let doc: ReturnType<typeof parseXml>;
  try {
    doc = parseXml(xml, { maxBytes: 4 << 20, maxDepth: 64 });
  } catch (e) {
    throw new GetAndPublishCertError('ERR_CERTPROV_RESPONSE_MALFORMED', `response: expected well-formed XML without DOCTYPE, received: ${(e as Error).message}`);
  }
  const el = doc.getElementsByTagNameNS(NS_AUTHWS, 'GetAndPublishCertResponse')[0];
  if (!el) throw new GetAndPublishCertError('ERR_CERTPROV_RESPONSE_MALFORMED', 'response: expected a GetAndPublishCertResponse element, received none');
  const responseClass = el.getAttribute('ResponseClass') ?? '';
  const deviceId = el.getAttribute('DeviceId') ?? '';
  const entity = el.getAttribute('Entity') ?? '';
  const info = kids(el, NS_AUTHWS, 'ErrorInfo')[0];
  if (info || responseClass !== 'Success') {
    const code = info?.getAttribute('ResponseCode') ?? undefined;
    const desc = info ? kids(info, NS_AUTHWS, 'Description')[0]?.textContent ?? '' : '';
    throw new GetAndPublishCertError('ERR_CERTPROV_RESPONSE_ERROR', `GetAndPublishCert: expected ResponseClass Success, received ${responseClass || '(none)'} with ResponseCode ${code ?? '(none)'}${desc ? `: ${desc}` : ''}`, code);
  }
  const rstr = kids(el, NS_WST, 'RequestSecurityTokenResponse')[0];
  if (!rstr) throw new GetAndPublishCertError('ERR_CERTPROV_RESPONSE_MALFORMED', 'RequestSecurityTokenResponse: expected one in a Success response, received none');
  const rst = kids(rstr, NS_WST, 'RequestedSecurityToken')[0];
  const bst = rst && kids(rst, NS_WSSE, 'BinarySecurityToken')[0];
  if (!bst) throw new GetAndPublishCertError('ERR_CERTPROV_RESPONSE_MALFORMED', 'RequestedSecurityToken/BinarySecurityToken: expected the issued certificate, received none');
  const tokens = kids(rstr, NS_WSSE, 'BinarySecurityToken');
  const echoed = tokens.find((t) => (t.getAttribute('ValueType') ?? '').endsWith('#PKCS10')) ?? tokens.find((t) => !(t.getAttribute('ValueType') ?? '').endsWith('#PKCS7'));
  const chainDer = tokens
    .filter((t) => (t.getAttribute('ValueType') ?? '').endsWith('#PKCS7'))
    .flatMap((t) => certificatesFromPkcs7(decodeBinaryToken(t.textContent ?? '', 'RequestSecurityTokenResponse/BinarySecurityToken (PKCS7)')));
  return {
    responseClass,
    deviceId,
    entity,
    dispositionMessage: kids(rstr, NS_ENROLLMENT, 'DispositionMessage')[0]?.textContent ?? undefined,
    requestId: kids(rstr, NS_ENROLLMENT, 'RequestID')[0]?.textContent?.trim() ?? undefined,
    certificateDer: decodeBinaryToken(bst.textContent ?? '', 'RequestedSecurityToken/BinarySecurityToken'),
    csrDer: echoed ? decodeBinaryToken(echoed.textContent ?? '', 'RequestSecurityTokenResponse/BinarySecurityToken') : undefined,
    chainDer,
  };
}
