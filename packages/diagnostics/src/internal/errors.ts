/**
 * Typed errors of @ocauth/diagnostics.
 *
 * Which functions throw and which return results:
 * - `format*` / `build*` functions (we produce the bytes) THROW `DiagnosticsError` when a field cannot be
 *   represented (e.g. a reason containing a DQUOTE for X-Ms-diagnostics): a caller bug, reported early.
 * - `parse*` functions (the input is untrusted) NEVER throw: they return a result object
 *   (`{ ok: true, value, issues }` or `{ ok: false, error, issues }`) whose issues name what was wrong.
 * - `explain` and the certificate checks never throw: they return `Finding`s.
 */
export type DiagnosticsErrorCode =
  | 'ERR_DIAGNOSTICS_FIELD'
  | 'ERR_DIAGNOSTICS_HEADER'
  | 'ERR_DIAGNOSTICS_XML'
  | 'ERR_DIAGNOSTICS_XML_DOCTYPE'
  | 'ERR_DIAGNOSTICS_XML_LIMIT'
  | 'ERR_DIAGNOSTICS_FAULT'
  | 'ERR_DIAGNOSTICS_ERROR_INFO'
  | 'ERR_DIAGNOSTICS_INPUT'
  // TransportError (a DiagnosticsError): a request of an MS-OCAUTHWS client could not be sent or answered
  | 'ERR_TRANSPORT_TLS_UNTRUSTED'
  | 'ERR_TRANSPORT_TLS_HOSTNAME'
  | 'ERR_TRANSPORT_TLS_EXPIRED'
  | 'ERR_TRANSPORT';

/**
 * The one error class of @ocauth/diagnostics: a stable `code` from the closed {@link DiagnosticsErrorCode}
 * union, a message naming the field, what was expected and what was received, the `field` it is about
 * and the underlying error as `cause`.
 */
export class DiagnosticsError extends Error {
  readonly code: DiagnosticsErrorCode;
  /** The field (header parameter, element, option) the error is about. */
  readonly field: string | undefined;
  /**
   * @throws never
   */
  constructor(code: DiagnosticsErrorCode, message: string, options: { field?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'DiagnosticsError';
    this.code = code;
    this.field = options.field;
  }
}

/** A problem found while parsing untrusted input. `severity: 'error'` makes the parse fail. */
export interface ParseIssue {
  code: DiagnosticsErrorCode;
  severity: 'error' | 'warning';
  message: string;
  /** Character offset in the input where the problem was seen, when meaningful. */
  offset?: number;
  /** The underlying error (an @ocauth/c14n XmlParseError for XML refusals). */
  cause?: unknown;
}

export type ParseResult<T> = { ok: true; value: T; issues: ParseIssue[] } | { ok: false; error: ParseIssue; issues: ParseIssue[] };

/** Describe a received value for an error message without echoing huge or control-laden input. */
export function describeReceived(v: unknown, max = 60): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v !== 'string') return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v).slice(0, max)}`;
  if (v.length === 0) return 'an empty string';
  const shown = JSON.stringify(v.length > max ? `${v.slice(0, max)}` : v);
  return v.length > max ? `${shown}… (${v.length} characters)` : shown;
}
