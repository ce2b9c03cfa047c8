// URIs with protocol meaning in MS-OCAUTHWS 3.2.4.1.3.3–3.2.4.1.3.4 (namespaces are @ocauth/diagnostics' NS, MS-OCAUTHWS 2.2.1).
/** URIs with protocol meaning (MS-OCAUTHWS 3.2.4.1.3.3–3.2.4.1.3.4). */
export const URI = {
  tokenTypeSaml11: 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1',
  /** Compact web ticket (Lync 2013 / Skype for Business desktop, mobile, UCWA); not in MS-OCAUTHWS. */
  tokenTypeCwt: 'urn:component:Microsoft.Rtc.WebAuthentication.2010:user-cwt-1',
  /** WS-Trust 2005/02 SymmetricKey, sent by some clients next to the 2005/02 RequestType. */
  keyTypeSymmetric2005: 'http://schemas.xmlsoap.org/ws/2005/02/trust/SymmetricKey',
  requestTypeIssue: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue',
  /** What SIPE and the spec's own 4.2 example send inside a 2005/12 RST. */
  requestTypeIssue2005: 'http://schemas.xmlsoap.org/ws/2005/02/trust/Issue',
  keyTypeSymmetric: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey',
  keyTypeBearer: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer',
  computedKeyPsha1: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1',
  binarySecretNonce: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Nonce',
  claimsDialect: 'urn:component:Microsoft.Rtc.WebAuthentication.2010:authclaims',
  claimTypeUri: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/uri',
  actionRstIssue: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue',
  actionRstrcIssueFinal: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal',
  addressingAnonymous: 'http://www.w3.org/2005/08/addressing/anonymous',
  addressingNone: 'http://www.w3.org/2005/08/addressing/none',
  samlAssertionIdValueType: 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID',
  thumbprintSha1ValueType: 'http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1',
  base64Binary: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary',
  x509v3: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3',
  passwordText: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText',
  holderOfKey: 'urn:oasis:names:tc:SAML:1.0:cm:holder-of-key',
  bearer: 'urn:oasis:names:tc:SAML:1.0:cm:bearer',
  authMethodUnspecified: 'urn:oasis:names:tc:SAML:1.0:am:unspecified',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  envelopedSignature: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  hmacSha1: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  hmacSha256: 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  kwAes256: 'http://www.w3.org/2001/04/xmlenc#kw-aes256',
} as const;
