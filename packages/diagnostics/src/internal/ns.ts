/** Namespaces used by the diagnostics codecs (MS-OCAUTHWS 2.2.1). */
export const NS = {
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  af: 'urn:component:Microsoft.Rtc.WebAuthentication.2010',
  tns: 'http://schemas.microsoft.com/OCS/AuthWebServices/',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wst: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/',
  wst2005: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
} as const;
