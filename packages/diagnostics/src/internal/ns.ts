// MS-OCAUTHWS 2.2.1 (Namespaces): the one namespace table of ocauth, plus the other namespaces the packages use.
/**
 * XML namespace names, keyed by prefix. Keys are the prefixes of MS-OCAUTHWS 2.2.1 where the table has
 * one; where a prefix of the table names something else than the packages mean by the same word, the key
 * says which:
 * - `soap11` / `soap12` are the SOAP 1.1 / 1.2 **envelope** namespaces; the table's `soap` and `soap12`
 *   prefixes (WSDL SOAP bindings) are `soapWsdl` / `soap12Wsdl`.
 * - `wst` is the table's value, WITH a trailing slash (GetAndPublishCert, 3.1.4.1); `trust` is
 *   WS-Trust 1.3 as published and as the spec's RST/RSTR examples use it (4.2, 4.3), WITHOUT; `wst2005` is
 *   the 2005/02 WS-Trust namespace (RequestType sent by SIPE inside a 2005/12 RST).
 * - `sp12` is the table's `sp` (WS-SecurityPolicy 1.2, 2007/02); `sp2005` the 2005/07 policy the Web
 *   Ticket Service WSDL (6.2) declares.
 * - `wsa10` (2005/08, the table's), `wsa2004` (2004/08 submission) and `wsaNone` (WCF's
 *   AddressingVersion.None, the namespace of To/Action in the 4.1 example).
 */
export const NS = {
  // MS-OCAUTHWS 2.2.1, in the table's order
  xs: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xml: 'http://www.w3.org/XML/1998/namespace',
  wst: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/',
  tns: 'http://schemas.microsoft.com/OCS/AuthWebServices/',
  soapWsdl: 'http://schemas.xmlsoap.org/wsdl/soap/',
  wsdl: 'http://schemas.xmlsoap.org/wsdl/',
  wstep: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment',
  auth: 'http://schemas.xmlsoap.org/ws/2006/12/authorization',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsp: 'http://schemas.xmlsoap.org/ws/2004/09/policy',
  saml: 'urn:oasis:names:tc:SAML:1.0:assertion',
  af: 'urn:component:Microsoft.Rtc.WebAuthentication.2010',
  http: 'http://schemas.microsoft.com/ws/06/2004/policy/http',
  wsaw: 'http://www.w3.org/2006/05/addressing/wsdl',
  sp12: 'http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702',
  wsa10: 'http://www.w3.org/2005/08/addressing',
  wsx: 'http://schemas.xmlsoap.org/ws/2004/09/mex',
  soap12Wsdl: 'http://schemas.xmlsoap.org/wsdl/soap12/',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsap: 'http://schemas.xmlsoap.org/ws/2004/08/addressing/policy',
  msc: 'http://schemas.microsoft.com/ws/2005/12/wsdl/contract',
  wsam: 'http://www.w3.org/2007/05/addressing/metadata',
  soapenc: 'http://schemas.xmlsoap.org/soap/encoding/',
  // SOAP envelopes (MS-OCAUTHWS 2.1: SOAP 1.1; 1.2 accepted from some clients)
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  // WS-Addressing and WS-Trust variants real clients send
  wsa2004: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsaNone: 'http://schemas.microsoft.com/ws/2005/05/addressing/none',
  trust: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  wst2005: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
  // WS-Security, XML Signature and Encryption, policy
  wsse11: 'http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  sp2005: 'http://schemas.xmlsoap.org/ws/2005/07/securitypolicy',
  wsp15: 'http://www.w3.org/ns/ws-policy',
  xmlns: 'http://www.w3.org/2000/xmlns/',
  // Authentication Broker (MS-OCAUTHWS 6.3: WCF data contracts)
  tempuri: 'http://tempuri.org/',
  datacontract: 'http://schemas.datacontract.org/2004/07/Microsoft.Rtc.Internal.WebRelay.Sip',
  arrays: 'http://schemas.microsoft.com/2003/10/Serialization/Arrays',
} as const;

/** A prefix of {@link NS}. */
export type NamespacePrefix = keyof typeof NS;
