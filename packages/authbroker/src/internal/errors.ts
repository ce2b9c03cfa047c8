/**
 * Typed errors of @ocauth/authbroker. Every error carries a stable `code`; messages name the field,
 * what was expected and what was received, and never contain key material.
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

export class AuthBrokerError extends Error {
  readonly code: AuthBrokerErrorCode;
  constructor(code: AuthBrokerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthBrokerError';
    this.code = code;
  }
}

/** Raised by the TLS-DSK engine and the registrar peer; `securityStatus` is the SSPI value reported. */
export class TlsDskError extends AuthBrokerError {
  readonly securityStatus: number;
  /** OpenSSL / Node error code of the underlying failure, when there is one (e.g. `ERR_SSL_...`). */
  readonly tlsCode: string | undefined;
  constructor(code: AuthBrokerErrorCode, message: string, securityStatus: number, tlsCode?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TlsDskError';
    this.securityStatus = securityStatus;
    this.tlsCode = tlsCode;
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
