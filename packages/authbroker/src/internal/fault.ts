// MS-OCAUTHWS 3.2 / 2.2.4.1: how the broker answers a refused request (SOAP fault, X-Ms-diagnostics).
import { buildOcsDiagnosticsFault, buildSoapFault, formatMsDiagnostics, toDiagnosticsText, webTicketError } from '@ocauth/diagnostics';
import { AuthBrokerError, type AuthBrokerErrorCode, type AuthBrokerErrorOptions } from './errors.js';
import { buildAuthBrokerFaultEnvelope } from './messages.js';
import type { AuthBrokerHandlerOptions } from './options.js';

/** A refusal of the handler: HTTP status, SOAP faultcode and, for a web-ticket problem, its ErrorId (3.2). */
export class BrokerFault extends AuthBrokerError {
  readonly status: number;
  readonly faultCode: 'Client' | 'Server';
  readonly errorId: number | undefined;
  /** The code reported in X-OCAuth-Error: `code`, or the ticket verifier's own code. */
  readonly reportedCode: string;
  constructor(
    status: number,
    faultCode: 'Client' | 'Server',
    code: AuthBrokerErrorCode,
    message: string,
    options: AuthBrokerErrorOptions & { errorId?: number; reportedCode?: string } = {},
  ) {
    super(code, message, options);
    this.name = 'BrokerFault';
    this.status = status;
    this.faultCode = faultCode;
    this.errorId = options.errorId;
    this.reportedCode = options.reportedCode ?? code;
  }
}

const XML = 'text/xml; charset=utf-8';

/** The answer to a refused request; anything but a BrokerFault is an internal error whose text stays inside. */
export function faultResponse(e: unknown, relatesTo: string | undefined, options: AuthBrokerHandlerOptions): Response {
  const f =
    e instanceof BrokerFault
      ? e
      : new BrokerFault(500, 'Server', 'ERR_AUTHBROKER_INTERNAL', 'the Authentication Broker could not process the request (internal error)');
  const headers: Record<string, string> = { 'content-type': XML };
  const ticketError = f.errorId !== undefined ? webTicketError(f.errorId) : undefined;
  if (f.errorId !== undefined) {
    // MS-OCAUTHWS 3.2.4.1 X-Ms-diagnostics, formatted by @ocauth/diagnostics (reason reduced to the header's character set).
    const fault = ticketError?.faultcode;
    headers['x-ms-diagnostics'] = formatMsDiagnostics({
      errorId: f.errorId,
      source: options.serverFqdn ?? 'localhost',
      reason: toDiagnosticsText(f.message, 300),
      ...(fault ? { fault } : {}),
    });
    if (f.status === 401 && options.webTicketUrl) headers['x-ms-webticketurl'] = options.webTicketUrl;
  }
  headers['x-ocauth-error'] = f.reportedCode;
  // MS-OCAUTHWS 3.2: a web ticket that fails validation is answered with the SOAP fault of the 3.2 table
  // (wsse:InvalidSecurityToken for 28032–28034) whose detail is OCSDiagnosticsFaultType (2.2.4.1).
  const fault =
    ticketError && f.errorId !== undefined
      ? buildOcsDiagnosticsFault({ errorId: f.errorId, faultstring: toDiagnosticsText(f.message, 300) })
      : buildSoapFault({ faultcode: `s:${f.faultCode}`, faultstring: xmlCharacters(f.message) });
  const body = buildAuthBrokerFaultEnvelope(fault, relatesTo);
  // SOAP 1.1 faults travel with HTTP 500 unless the failure is HTTP-level (401, 405, 413, 503).
  return new Response(body, { status: f.status === 400 ? 500 : f.status, headers });
}

/** The message with every character XML 1.0 cannot carry replaced by '?' (a fault must always be writable). */
const xmlCharacters = (text: string): string => text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '?');
