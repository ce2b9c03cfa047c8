// MS-OCAUTHWS 3.2.4.1 Web Ticket Service errors and the X-Ms-diagnostics header, as wstrust reads them from @ocauth/diagnostics.
import {
  WEB_TICKET_ERRORS as DIAGNOSTICS_WEB_TICKET_ERRORS,
  formatMsDiagnostics,
  parseMsDiagnostics,
  toDiagnosticsText,
  type WebTicketErrorInfo as DiagnosticsWebTicketErrorInfo,
} from '@ocauth/diagnostics';

/**
 * The fields of a Web Ticket Service error (MS-OCAUTHWS 3.2 / 3.2.4.1) this package reads. The catalog
 * itself is @ocauth/diagnostics' `WEB_TICKET_ERRORS` (whose entries also carry name, when, cause, remedy…).
 */
export interface WebTicketErrorInfo {
  errorId: number;
  faultcode: string;
  reason: string;
  httpStatus: number;
}

/**
 * The Web Ticket Service errors of MS-OCAUTHWS 3.2 / 3.2.4.1, keyed by ErrorId.
 */
export const WEB_TICKET_ERRORS: Readonly<Record<number, DiagnosticsWebTicketErrorInfo>> = DIAGNOSTICS_WEB_TICKET_ERRORS;

// X-Ms-diagnostics source (3.2.4.1): 1*(ALPHA / DIGIT / "-" / "." / "_" / "~"); an IPv6 literal host cannot be one.
const SOURCE_RE = /^[A-Za-z0-9\-._~]+$/;

/**
 * X-Ms-diagnostics header value (MS-OCAUTHWS 3.2.4.1), `28000;source="pool.example.com";reason="…";fault="…"`.
 */
export function formatMsDiagnosticsHeader(e: WebTicketErrorInfo, source: string): string {
  return formatMsDiagnostics({
    errorId: e.errorId,
    ...(SOURCE_RE.test(source) ? { source } : {}),
    reason: toDiagnosticsText(e.reason),
    fault: e.faultcode,
  });
}

/**
 * Parse an X-Ms-diagnostics value (named or positional fields); the first entry, or undefined when the
 * value is not an X-Ms-diagnostics header.
 */
export function parseMsDiagnosticsHeader(v: string): { errorId: number; source?: string; reason?: string; fault?: string } | undefined {
  const r = parseMsDiagnostics(v);
  if (!r.ok) return undefined;
  const d = r.value;
  return {
    errorId: d.errorId,
    ...(d.source !== undefined ? { source: d.source } : {}),
    ...(d.reason !== undefined ? { reason: d.reason } : {}),
    ...(d.fault !== undefined ? { fault: d.fault } : {}),
  };
}
