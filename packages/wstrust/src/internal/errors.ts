// The one error model of @ocauth/wstrust: WsTrustError with a closed WsTrustErrorCode union, and its subclasses.
import { findingForWebTicketError, webTicketError, type Finding } from '@ocauth/diagnostics';

/** WS-Security failures (signature, timestamp, references, replay), raised as {@link SecurityError}. */
export type SecurityErrorCode =
  | 'ERR_WSTRUST_CERTIFICATE_INVALID'
  | 'ERR_WSTRUST_DIGEST_MISMATCH'
  | 'ERR_WSTRUST_DUPLICATE_ID'
  | 'ERR_WSTRUST_HMAC_OUTPUT_LENGTH'
  | 'ERR_WSTRUST_KEY_REFERENCE'
  | 'ERR_WSTRUST_REFERENCE_MISSING'
  | 'ERR_WSTRUST_REPLAY'
  | 'ERR_WSTRUST_SECURITY_ELEMENT_DUPLICATE'
  | 'ERR_WSTRUST_SECURITY_ELEMENT_MISSING'
  | 'ERR_WSTRUST_SECURITY_HEADER_MISSING'
  | 'ERR_WSTRUST_SIGN_OPTIONS'
  | 'ERR_WSTRUST_SIGNATURE_FORMAT'
  | 'ERR_WSTRUST_SIGNATURE_INVALID'
  | 'ERR_WSTRUST_TIMESTAMP_EXPIRED'
  | 'ERR_WSTRUST_TIMESTAMP_FUTURE'
  | 'ERR_WSTRUST_TIMESTAMP_INVALID'
  | 'ERR_WSTRUST_TIMESTAMP_STALE'
  | 'ERR_WSTRUST_UNSUPPORTED_ALGORITHM';

/** SAML 1.1 assertion failures, raised as {@link AssertionError}. */
export type AssertionErrorCode =
  | 'ERR_WSTRUST_ASSERTION_FORMAT'
  | 'ERR_WSTRUST_ASSERTION_SIGNATURE'
  | 'ERR_WSTRUST_KEY_UNWRAP'
  | 'ERR_WSTRUST_KEY_WRAP'
  | 'ERR_WSTRUST_UNSUPPORTED_ALGORITHM';

/** A presented web ticket refused (MS-OCAUTHWS 3.2: 28032 invalid, 28033 expired, 28034 other server), raised as {@link TicketError}. */
export type TicketErrorCode = 'ERR_WSTRUST_TICKET_INVALID' | 'ERR_WSTRUST_TICKET_EXPIRED' | 'ERR_WSTRUST_TICKET_OTHER_SERVER';

/** A request that is not a readable SOAP message, raised as `SoapRequestError` (each code with its HTTP status). */
export type SoapRequestErrorCode = 'ERR_SOAP_METHOD' | 'ERR_SOAP_TOO_LARGE' | 'ERR_SOAP_ENCODING' | 'ERR_SOAP_XML' | 'ERR_SOAP_ENVELOPE' | 'ERR_SOAP_VERSION';

/** Every code an error of @ocauth/wstrust carries. */
export type WsTrustErrorCode =
  | SecurityErrorCode
  | AssertionErrorCode
  | TicketErrorCode
  | SoapRequestErrorCode
  | 'ERR_WSTRUST_SOAP_FORMAT'
  | 'ERR_WSTRUST_INVALID_REQUEST'
  | 'ERR_WSTRUST_INVALID_RESPONSE'
  | 'ERR_WSTRUST_SERVICE'
  | 'ERR_WSTRUST_NTLM'
  | 'ERR_WSTRUST_CWT_CLAIMS'
  | 'ERR_WSTRUST_CWT_KEY'
  | 'ERR_WSTRUST_HANDLER_OPTIONS'
  | 'ERR_WSTRUST_VERIFIER_OPTIONS'
  | 'ERR_WSTRUST_BINDING';

/** Options of {@link WsTrustError}. */
export interface WsTrustErrorOptions {
  /** The message field (XPath-like name) the error is about. */
  field?: string;
  /** The underlying error (an XmlParseError for every parse failure). */
  cause?: unknown;
  /** MS-OCAUTHWS 3.2.4.1 ErrorId when the failure maps to one. */
  errorId?: number;
  /** SOAP faultcode (qualified, e.g. `wst:InvalidRequest`) when the failure maps to one. */
  faultcode?: string;
}

/**
 * Base class of every error thrown by @ocauth/wstrust; `code` is stable, the fields are read-only.
 *
 * @throws never (constructing an error does not throw)
 */
export class WsTrustError extends Error {
  readonly code: WsTrustErrorCode;
  /** The message field the error is about, when one is. */
  readonly field: string | undefined;
  /** MS-OCAUTHWS 3.2.4.1 ErrorId when the failure maps to one. */
  readonly errorId: number | undefined;
  /** SOAP faultcode (qualified, e.g. `wst:InvalidRequest`) when the failure maps to one. */
  readonly faultcode: string | undefined;
  /** @throws never */
  constructor(code: WsTrustErrorCode, message: string, options: WsTrustErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
    this.errorId = options.errorId;
    this.faultcode = options.faultcode;
  }
}

/**
 * Malformed XML or SOAP framing (faultcode s:Client); an XML failure keeps its XmlParseError as `cause`.
 *
 * @throws never
 */
export class SoapFormatError extends WsTrustError {
  declare readonly code: 'ERR_WSTRUST_SOAP_FORMAT';
  /** @throws never */
  constructor(message: string, cause?: unknown) {
    super('ERR_WSTRUST_SOAP_FORMAT', message, { faultcode: 's:Client', cause });
  }
}

/**
 * An RST that violates MS-OCAUTHWS 3.2.4.1.3.3: fault wst:InvalidRequest (WS-Trust 1.3 §3).
 *
 * @throws never
 */
export class InvalidRequestError extends WsTrustError {
  declare readonly code: 'ERR_WSTRUST_INVALID_REQUEST';
  declare readonly field: string;
  /** @throws never */
  constructor(field: string, expected: string, received: string) {
    super('ERR_WSTRUST_INVALID_REQUEST', `${field}: expected ${expected}, received ${received}`, { field, faultcode: 'wst:InvalidRequest' });
  }
}

/**
 * An RSTR that does not carry what MS-OCAUTHWS 3.2.4.1.3.4 requires.
 *
 * @throws never
 */
export class InvalidResponseError extends WsTrustError {
  declare readonly code: 'ERR_WSTRUST_INVALID_RESPONSE';
  declare readonly field: string;
  /** @throws never */
  constructor(field: string, expected: string, received: string, cause?: unknown) {
    super('ERR_WSTRUST_INVALID_RESPONSE', `${field}: expected ${expected}, received ${received}`, { field, ...(cause === undefined ? {} : { cause }) });
  }
}

/**
 * WS-Security signature / timestamp failure (faultcode wsse:InvalidSecurity or wsse:FailedCheck).
 *
 * @throws never
 */
export class SecurityError extends WsTrustError {
  declare readonly code: SecurityErrorCode;
  /** @throws never */
  constructor(code: SecurityErrorCode, message: string, options: { errorId?: number; faultcode?: string; field?: string } = {}) {
    super(code, message, { ...options, faultcode: options.faultcode ?? 'wsse:InvalidSecurity' });
  }
}

/**
 * A SAML 1.1 assertion that is malformed or not signed by a trusted certificate (faultcode wsse:InvalidSecurityToken).
 *
 * @throws never
 */
export class AssertionError extends WsTrustError {
  declare readonly code: AssertionErrorCode;
  /** @throws never */
  constructor(code: AssertionErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, faultcode: 'wsse:InvalidSecurityToken' });
  }
}

/**
 * A presented web ticket failed validation (MS-OCAUTHWS 3.2: 28032 invalid, 28033 expired, 28034 other server).
 *
 * @throws never
 */
export class TicketError extends WsTrustError {
  declare readonly code: TicketErrorCode;
  declare readonly errorId: 28032 | 28033 | 28034;
  /** @throws never */
  constructor(code: TicketErrorCode, message: string, cause?: unknown) {
    const errorId = code === 'ERR_WSTRUST_TICKET_EXPIRED' ? 28033 : code === 'ERR_WSTRUST_TICKET_OTHER_SERVER' ? 28034 : 28032;
    super(code, message, { errorId, faultcode: 'wsse:InvalidSecurityToken', cause });
  }

  /** @ocauth/diagnostics' explanation of this ErrorId (cause and remedy, for a server's log or an administrator). */
  get finding(): Finding | undefined {
    const e = webTicketError(this.errorId);
    return e ? Object.freeze(findingForWebTicketError(e, { via: 'web ticket verification' })) : undefined;
  }
}

/**
 * An NTLM message that cannot be read or built (MS-NLMP 2.2.1).
 *
 * @throws never
 */
export class NtlmError extends WsTrustError {
  declare readonly code: 'ERR_WSTRUST_NTLM';
  /** @throws never */
  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super('ERR_WSTRUST_NTLM', message, options);
  }
}

/**
 * The Web Ticket Service refused a request (client side); carries the ErrorId, reason and source the server
 * sent (X-Ms-diagnostics header or af:OCSDiagnosticsFault detail, parsed by @ocauth/diagnostics) and the
 * administrator-facing `finding` of @ocauth/diagnostics `explain` for it (frozen).
 *
 * @throws never
 */
export class WebTicketServiceError extends WsTrustError {
  declare readonly code: 'ERR_WSTRUST_SERVICE';
  readonly status: number;
  readonly reason: string | undefined;
  /** X-Ms-diagnostics `source` (FQDN of the server that reported the error), when sent. */
  readonly source: string | undefined;
  /** Where the ErrorId came from: the SOAP fault detail (preferred) or the X-Ms-diagnostics header. */
  readonly via: 'ocs-diagnostics-fault' | 'x-ms-diagnostics' | undefined;
  /** What the ErrorId means and what to do about it (@ocauth/diagnostics catalog), when an ErrorId was sent. */
  readonly finding: Readonly<Finding> | undefined;
  /** @throws never */
  constructor(
    message: string,
    opts: {
      status: number;
      errorId?: number;
      faultcode?: string;
      reason?: string;
      source?: string;
      via?: 'ocs-diagnostics-fault' | 'x-ms-diagnostics';
      finding?: Finding;
      cause?: unknown;
    },
  ) {
    super('ERR_WSTRUST_SERVICE', message, {
      ...(opts.errorId === undefined ? {} : { errorId: opts.errorId }),
      ...(opts.faultcode === undefined ? {} : { faultcode: opts.faultcode }),
      ...(opts.cause === undefined ? {} : { cause: opts.cause }),
    });
    this.status = opts.status;
    this.reason = opts.reason;
    this.source = opts.source;
    this.via = opts.via;
    this.finding = opts.finding === undefined ? undefined : Object.freeze({ ...opts.finding });
  }
}
