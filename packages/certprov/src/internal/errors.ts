// The error model of @ocauth/certprov: one base class (CertProvError), a closed code union, one subclass per concern.
import { getAndPublishCertResponseCode, type GetAndPublishCertResponseCode, type GetAndPublishCertResponseCodeInfo } from '@ocauth/diagnostics';

/** Every `code` a {@link CertProvError} carries. */
export type CertProvErrorCode =
  // PKCS#10 requests (CsrError)
  | 'ERR_CERTPROV_BASE64'
  | 'ERR_CERTPROV_CSR_DER'
  | 'ERR_CERTPROV_CSR_STRUCTURE'
  | 'ERR_CERTPROV_KEY_SIZE'
  | 'ERR_CERTPROV_HASH'
  | 'ERR_CERTPROV_SIP_URI'
  | 'ERR_CERTPROV_VALIDITY'
  | 'ERR_CERTPROV_EKU'
  // certification authority (CertificateAuthorityError)
  | 'ERR_CERTPROV_CA_KEY_MISMATCH'
  | 'ERR_CERTPROV_CA_CHAIN'
  | 'ERR_CERTPROV_CA_OPTIONS'
  // certificate store (CertificateStoreError)
  | 'ERR_CERTPROV_STORE_UNAVAILABLE'
  | 'ERR_CERTPROV_STORE_DUPLICATE_SERIAL'
  // GetAndPublishCert messages (GetAndPublishCertRequestError, GetAndPublishCertError)
  | 'ERR_CERTPROV_REQUEST_MALFORMED'
  | 'ERR_CERTPROV_RESPONSE_MALFORMED'
  | 'ERR_CERTPROV_RESPONSE_ERROR'
  // handler configuration (CertProvHandlerOptionsError)
  | 'ERR_CERTPROV_HANDLER_OPTIONS'
  // the client exchange (CertificateRequestError)
  | 'ERR_CERTPROV_HTTP'
  | 'ERR_CERTPROV_CERTIFICATE_MISMATCH'
  | 'ERR_CERTPROV_OPTIONS'
  | 'ERR_CERTPROV_TIMEOUT'
  | 'ERR_CERTPROV_ABORTED';

/** What every {@link CertProvError} may carry besides code and message. */
export interface CertProvErrorOptions {
  /** The field, element or option at fault (e.g. `DeviceId`, `keySizeBits`). */
  field?: string;
  /** The underlying error (an `XmlParseError` for XML that does not parse). */
  cause?: unknown;
}

/**
 * Base class of every error @ocauth/certprov throws: a stable `code`, a message naming the field, what
 * was expected and what was received, and optionally the `field` and the `cause`.
 */
export class CertProvError extends Error {
  readonly code: CertProvErrorCode;
  /** The field, element or option at fault, when one is. */
  declare readonly field?: string;
  /** @throws never */
  constructor(code: CertProvErrorCode, message: string, options: CertProvErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'CertProvError';
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
  }
}

/** An unusable certificate request or CSR option (`generateCsr`, `parseCsr`). */
export class CsrError extends CertProvError {
  declare readonly code:
    | 'ERR_CERTPROV_BASE64'
    | 'ERR_CERTPROV_CSR_DER'
    | 'ERR_CERTPROV_CSR_STRUCTURE'
    | 'ERR_CERTPROV_KEY_SIZE'
    | 'ERR_CERTPROV_HASH'
    | 'ERR_CERTPROV_SIP_URI'
    | 'ERR_CERTPROV_VALIDITY'
    | 'ERR_CERTPROV_EKU';
  /** @throws never */
  constructor(code: CsrError['code'], message: string, options?: CertProvErrorOptions) {
    super(code, message, options);
    this.name = 'CsrError';
  }
}

/** A CA that cannot be created or loaded, or a certificate it cannot issue (`CertificateAuthority`). */
export class CertificateAuthorityError extends CertProvError {
  declare readonly code: 'ERR_CERTPROV_CA_KEY_MISMATCH' | 'ERR_CERTPROV_CA_CHAIN' | 'ERR_CERTPROV_CA_OPTIONS' | 'ERR_CERTPROV_VALIDITY';
  /** @throws never */
  constructor(code: CertificateAuthorityError['code'], message: string, options?: CertProvErrorOptions) {
    super(code, message, options);
    this.name = 'CertificateAuthorityError';
  }
}

/** A publication the certificate store refused (`CertificateStore.publish`). */
export class CertificateStoreError extends CertProvError {
  declare readonly code: 'ERR_CERTPROV_STORE_UNAVAILABLE' | 'ERR_CERTPROV_STORE_DUPLICATE_SERIAL';
  /** @throws never */
  constructor(code: CertificateStoreError['code'], message: string, options?: CertProvErrorOptions) {
    super(code, message, options);
    this.name = 'CertificateStoreError';
  }
}

/** A GetAndPublishCert request that cannot be built or does not have the 3.1.4.1.2.3 shape. */
export class GetAndPublishCertRequestError extends CertProvError {
  declare readonly code: 'ERR_CERTPROV_REQUEST_MALFORMED';
  /** @throws never */
  constructor(message: string, options?: CertProvErrorOptions) {
    super('ERR_CERTPROV_REQUEST_MALFORMED', message, options);
    this.name = 'GetAndPublishCertRequestError';
  }
}

/**
 * A GetAndPublishCertResponse that is malformed (`ERR_CERTPROV_RESPONSE_MALFORMED`) or reports a failure
 * (`ERR_CERTPROV_RESPONSE_ERROR`, with the spec's ResponseCode in `responseCode`).
 */
export class GetAndPublishCertError extends CertProvError {
  declare readonly code: 'ERR_CERTPROV_RESPONSE_MALFORMED' | 'ERR_CERTPROV_RESPONSE_ERROR';
  /**
   * The ErrorInfo/@ResponseCode the server sent, a GetAndPublishCertResponseCodeType value (MS-OCAUTHWS
   * 3.1.4.1.4.1), kept as sent when it is outside the enumeration; undefined when there was no ErrorInfo.
   * This is the spec's enumeration, distinct from `code` (ocauth's own).
   */
  readonly responseCode: GetAndPublishCertResponseCode | (string & {}) | undefined;
  /** The @ocauth/diagnostics catalog entry of `responseCode` (spec description, likely cause, remedy), when known. */
  readonly responseCodeInfo: GetAndPublishCertResponseCodeInfo | undefined;
  /** @throws never */
  constructor(code: GetAndPublishCertError['code'], message: string, options: CertProvErrorOptions & { responseCode?: string } = {}) {
    super(code, message, options);
    this.name = 'GetAndPublishCertError';
    this.responseCode = options.responseCode;
    this.responseCodeInfo = options.responseCode === undefined ? undefined : getAndPublishCertResponseCode(options.responseCode);
  }
}

/** A handler configuration that cannot work (thrown by `createCertProvHandler`, never per request). */
export class CertProvHandlerOptionsError extends CertProvError {
  declare readonly code: 'ERR_CERTPROV_HANDLER_OPTIONS';
  /** @throws never */
  constructor(message: string, options?: CertProvErrorOptions) {
    super('ERR_CERTPROV_HANDLER_OPTIONS', message, options);
    this.name = 'CertProvHandlerOptionsError';
  }
}

/**
 * Failure of `requestCertificate` outside ErrorInfo: bad options, HTTP errors (with the X-Ms-diagnostics
 * ErrorId when the server sent one), a deadline or abort, and a certificate that does not match the request.
 */
export class CertificateRequestError extends CertProvError {
  declare readonly code: 'ERR_CERTPROV_HTTP' | 'ERR_CERTPROV_CERTIFICATE_MISMATCH' | 'ERR_CERTPROV_OPTIONS' | 'ERR_CERTPROV_TIMEOUT' | 'ERR_CERTPROV_ABORTED';
  /** HTTP status of the answer (`ERR_CERTPROV_HTTP`). */
  readonly httpStatus: number | undefined;
  /** X-Ms-diagnostics ErrorId of the answer (28032 invalid ticket, 28033 expired, 28034 other pool's ticket…). */
  readonly errorId: number | undefined;
  /** X-Ms-diagnostics reason of the answer. */
  readonly reason: string | undefined;
  /** @throws never */
  constructor(
    code: CertificateRequestError['code'],
    message: string,
    options: CertProvErrorOptions & { httpStatus?: number; errorId?: number; reason?: string } = {},
  ) {
    super(code, message, options);
    this.name = 'CertificateRequestError';
    this.httpStatus = options.httpStatus;
    this.errorId = options.errorId;
    this.reason = options.reason;
  }
}
