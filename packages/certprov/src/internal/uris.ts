// The URIs of GetAndPublishCert messages — MS-OCAUTHWS 3.1.4.1.2.3 and the 4.1 examples (namespaces: @ocauth/diagnostics NS, 2.2.1).
export const TOKEN_TYPE_X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
export const REQUEST_TYPE_ISSUE = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue';
export const ENCODING_TYPE_BASE64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary';
export const VALUE_TYPE_PKCS10 = 'http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10';
export const VALUE_TYPE_PKCS7 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#PKCS7';
/** The SOAPAction (and addressing Action) of a GetAndPublishCert request (MS-OCAUTHWS 4.1.1). */
export const ACTION_GET_AND_PUBLISH_CERT = 'http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert';
/** The addressing Action of a GetAndPublishCertResponse (MS-OCAUTHWS 4.1.2). */
export const ACTION_GET_AND_PUBLISH_CERT_RESPONSE = 'http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCertResponse';
