// The one error model of @ocauth/authbroker: AuthBrokerError, its closed code union and its subclasses.
/**
 * Stable codes of every error @ocauth/authbroker throws. Messages name the field, what was expected and
 * what was received, and never contain key material.
 */
export type AuthBrokerErrorCode =
  | 'ERR_AUTHBROKER_XML'
  | 'ERR_AUTHBROKER_SOAP_FAULT'
  | 'ERR_AUTHBROKER_MESSAGE'
  | 'ERR_AUTHBROKER_ACTION'
  | 'ERR_AUTHBROKER_SESSION_UNKNOWN'
  | 'ERR_AUTHBROKER_SESSION_EXPIRED'
  | 'ERR_AUTHBROKER_SESSION_LIMIT'
  | 'ERR_AUTHBROKER_INTERNAL'
  | 'ERR_AUTHBROKER_SEQUENCE'
  | 'ERR_AUTHBROKER_CREDENTIAL'
  | 'ERR_AUTHBROKER_HASH_ALGORITHM'
  | 'ERR_AUTHBROKER_TICKET'
  | 'ERR_AUTHBROKER_HTTP'
  | 'ERR_AUTHBROKER_NEGOTIATION'
  | 'ERR_TLSDSK_STATE'
  | 'ERR_TLSDSK_INPUT'
  | 'ERR_TLSDSK_HANDSHAKE'
  | 'ERR_TLSDSK_CONFIG';

/** The options every AuthBrokerError takes: the field at fault and the underlying error. */
export interface AuthBrokerErrorOptions {
  /** The field, element or option at fault (e.g. `sessionid`, `Header/Action`). */
  field?: string;
  /** The underlying error (an XmlParseError for a parse failure, a Node TLS error …). */
  cause?: unknown;
}

/**
 * Base class of every error of @ocauth/authbroker: a stable `code`, an optional `field` and `cause`.
 * @throws never
 */
export class AuthBrokerError extends Error {
  readonly code: AuthBrokerErrorCode;
  readonly field: string | undefined;
  /** @throws never */
  constructor(code: AuthBrokerErrorCode, message: string, options: AuthBrokerErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AuthBrokerError';
    this.code = code;
    this.field = options.field;
  }
}

/**
 * Raised by the TLS-DSK engine and the registrar peer; `securityStatus` is the SSPI value reported.
 * @throws never
 */
export class TlsDskError extends AuthBrokerError {
  readonly securityStatus: number;
  /** OpenSSL / Node error code of the underlying failure, when there is one (e.g. `ERR_SSL_...`). */
  readonly tlsCode: string | undefined;
  /** @throws never */
  constructor(code: AuthBrokerErrorCode, message: string, options: AuthBrokerErrorOptions & { securityStatus: number; tlsCode?: string | undefined }) {
    super(code, message, options);
    this.name = 'TlsDskError';
    this.securityStatus = options.securityStatus;
    this.tlsCode = options.tlsCode;
  }
}

/** Short, printable description of a value received (never the whole value: it may be large or secret). */
export function describeReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 40)}… (${value.length} chars)` : value;
    return JSON.stringify(s);
  }
  return String(value);
}
