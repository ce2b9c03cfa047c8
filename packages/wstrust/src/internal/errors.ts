import { findingForWebTicketError, webTicketError, type Finding } from '@ocauth/diagnostics';

/** Base class of every error thrown by @ocauth/wstrust; `code` is stable. */
export class WsTrustError extends Error {
  readonly code: string;
  /** MS-OCAUTHWS 3.2.4.1 ErrorId when the failure maps to one. */
  readonly errorId: number | undefined;
  /** SOAP faultcode (qualified, e.g. `wst:InvalidRequest`) when the failure maps to one. */
  readonly faultcode: string | undefined;
  constructor(code: string, message: string, opts: { errorId?: number; faultcode?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.errorId = opts.errorId;
    this.faultcode = opts.faultcode;
  }
}

/** Malformed XML or SOAP framing. */
export class SoapFormatError extends WsTrustError {
  constructor(message: string, cause?: unknown) {
    super('ERR_WSTRUST_SOAP_FORMAT', message, { faultcode: 's:Client', cause });
  }
}

/** An RST that violates MS-OCAUTHWS 3.2.4.1.3.3: fault wst:InvalidRequest (WS-Trust 1.3 §3). */
export class InvalidRequestError extends WsTrustError {
  readonly field: string;
  constructor(field: string, expected: string, received: string) {
    super('ERR_WSTRUST_INVALID_REQUEST', `${field}: expected ${expected}, received ${received}`, { faultcode: 'wst:InvalidRequest' });
    this.field = field;
  }
}

/** An RSTR that does not carry what MS-OCAUTHWS 3.2.4.1.3.4 requires. */
export class InvalidResponseError extends WsTrustError {
  constructor(field: string, expected: string, received: string) {
    super('ERR_WSTRUST_INVALID_RESPONSE', `${field}: expected ${expected}, received ${received}`);
  }
}

/** WS-Security signature / timestamp failure (faultcode wsse:InvalidSecurity or wsse:FailedCheck). */
export class SecurityError extends WsTrustError {
  constructor(code: string, message: string, opts: { errorId?: number; faultcode?: string } = {}) {
    super(code, message, { faultcode: opts.faultcode ?? 'wsse:InvalidSecurity', ...(opts.errorId === undefined ? {} : { errorId: opts.errorId }) });
  }
}

/** A presented web ticket failed validation (MS-OCAUTHWS 3.2: 28032 invalid, 28033 expired, 28034 other server). */
export class TicketError extends WsTrustError {
  constructor(code: 'ERR_WSTRUST_TICKET_INVALID' | 'ERR_WSTRUST_TICKET_EXPIRED' | 'ERR_WSTRUST_TICKET_OTHER_SERVER', message: string, cause?: unknown) {
    const errorId = code === 'ERR_WSTRUST_TICKET_EXPIRED' ? 28033 : code === 'ERR_WSTRUST_TICKET_OTHER_SERVER' ? 28034 : 28032;
    super(code, message, { errorId, faultcode: 'wsse:InvalidSecurityToken', cause });
  }

  /** @ocauth/diagnostics' explanation of this ErrorId (cause and remedy, for a server's log or an administrator). */
  get finding(): Finding | undefined {
    const e = this.errorId === undefined ? undefined : webTicketError(this.errorId);
    return e ? findingForWebTicketError(e, { via: 'web ticket verification' }) : undefined;
  }
}

/**
 * The Web Ticket Service refused a request (client side); carries the ErrorId, reason and source the server
 * sent (X-Ms-diagnostics header or af:OCSDiagnosticsFault detail, parsed by @ocauth/diagnostics) and the
 * administrator-facing `finding` of @ocauth/diagnostics `explain` for it.
 */
export class WebTicketServiceError extends WsTrustError {
  readonly status: number;
  readonly reason: string | undefined;
  /** X-Ms-diagnostics `source` (FQDN of the server that reported the error), when sent. */
  readonly source: string | undefined;
  /** Where the ErrorId came from: the SOAP fault detail (preferred) or the X-Ms-diagnostics header. */
  readonly via: 'ocs-diagnostics-fault' | 'x-ms-diagnostics' | undefined;
  /** What the ErrorId means and what to do about it (@ocauth/diagnostics catalog), when an ErrorId was sent. */
  readonly finding: Finding | undefined;
  constructor(message: string, opts: { status: number; errorId?: number; faultcode?: string; reason?: string; source?: string; via?: 'ocs-diagnostics-fault' | 'x-ms-diagnostics'; finding?: Finding }) {
    super('ERR_WSTRUST_SERVICE', message, { ...(opts.errorId === undefined ? {} : { errorId: opts.errorId }), ...(opts.faultcode === undefined ? {} : { faultcode: opts.faultcode }) });
    this.status = opts.status;
    this.reason = opts.reason;
    this.source = opts.source;
    this.via = opts.via;
    this.finding = opts.finding;
  }
}
