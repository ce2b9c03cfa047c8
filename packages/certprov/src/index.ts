export {
  CsrError,
  decodeBinaryToken,
  generateCsr,
  parseCsr,
  OID_COMMON_NAME,
  OID_ENROLLMENT_NAME_VALUE_PAIR,
  OID_OIW_SHA1_WITH_RSA,
  OID_SHA1_WITH_RSA,
  OID_SHA256_WITH_RSA,
} from './internal/csr.js';
export type { CsrHash, GenerateCsrOptions, GeneratedCsr, ParsedCsr, ValidityPeriod } from './internal/csr.js';
export { CertificateAuthority, CertificateAuthorityError } from './internal/ca.js';
export type { CertificateAuthorityOptions, IssueOptions, IssuedCertificate, SignatureHash } from './internal/ca.js';
export { CertificateStoreError, MemoryCertificateStore, storeCertificateValidator } from './internal/store.js';
export type { CertificateStore, StoredCertificate } from './internal/store.js';
export { GetAndPublishCertError, parseGetAndPublishCertResponse, certificatesFromPkcs7, VALUE_TYPE_PKCS7, NS_AUTHWS, NS_ENROLLMENT, NS_WSSE, NS_WST } from './internal/response.js';
export type { GetAndPublishCertResponse } from './internal/response.js';
export {
  ACTION_GET_AND_PUBLISH_CERT,
  buildGetAndPublishCertRequest,
  ENCODING_TYPE_BASE64,
  GetAndPublishCertRequestError,
  parseGetAndPublishCertRequest,
  REQUEST_TYPE_ISSUE,
  TOKEN_TYPE_X509V3,
  VALUE_TYPE_PKCS10,
} from './internal/request.js';
export type { GetAndPublishCertRequest } from './internal/request.js';
export { canonicalDeviceId, createCertProvHandler, CertProvHandlerOptionsError } from './internal/handler.js';
export type { CertProvHandlerOptions, CertProvPolicy, CertProvTicketVerifier, CertProvHeaderTicketVerifier, CertProvUserDirectory } from './internal/handler.js';
export { requestCertificate, CertificateRequestError } from './internal/client.js';
export type { RequestCertificateOptions, ProvisionedCertificate } from './internal/client.js';
/** The Subject Key Identifier (DeviceId) bytes of a DER certificate; @ocauth/diagnostics reads it. */
export { certificateSubjectKeyIdentifier as subjectKeyIdentifier } from '@ocauth/diagnostics';
export { OID_EXTENSION_REQUEST, OID_EXTENDED_KEY_USAGE, OID_KP_CLIENT_AUTH, OID_KP_SERVER_AUTH, OID_ANY_EXTENDED_KEY_USAGE } from './internal/csr.js';
