// @ocauth/certprov — the Certificate Provisioning Service of MS-OCAUTHWS 3.1 (GetAndPublishCert): client, handler, CA, store.
export {
  CertProvError,
  CsrError,
  CertificateAuthorityError,
  CertificateStoreError,
  GetAndPublishCertRequestError,
  GetAndPublishCertError,
  CertProvHandlerOptionsError,
  CertificateRequestError,
} from './internal/errors.js';
export type { CertProvErrorCode, CertProvErrorOptions } from './internal/errors.js';
export { requestCertificate } from './internal/client.js';
export type { RequestCertificateOptions, ProvisionedCertificate } from './internal/client.js';
export { createCertProvHandler } from './internal/handler.js';
export { canonicalDeviceId } from './internal/get-and-publish-cert/device-id.js';
export type {
  CertProvHandlerOptions,
  CertProvTestFaults,
  CertProvPolicy,
  CertProvTicketVerifier,
  CertProvHeaderTicketVerifier,
  CertProvUserDirectory,
} from './internal/handler-options.js';
export { CertificateAuthority } from './internal/ca.js';
export type { CertificateAuthorityOptions, IssueOptions, IssuedCertificate, SignatureHash } from './internal/ca.js';
export { MemoryCertificateStore, storeCertificateValidator } from './internal/store.js';
export type { CertificateStore, StoredCertificate } from './internal/store.js';
export { generateCsr, parseCsr } from './internal/csr.js';
export type { CsrHash, GenerateCsrOptions, GeneratedCsr, ParsedCsr, ValidityPeriod } from './internal/csr.js';
export { ACTION_GET_AND_PUBLISH_CERT } from './internal/uris.js';
export { buildGetAndPublishCertRequest, parseGetAndPublishCertRequest } from './internal/request.js';
export type { GetAndPublishCertRequest } from './internal/request.js';
export { parseGetAndPublishCertResponse } from './internal/response.js';
export type { GetAndPublishCertResponse } from './internal/response.js';
