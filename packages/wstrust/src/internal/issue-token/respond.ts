// MS-OCAUTHWS 3.2.4.1 answers of the Web Ticket Service: the RSTRC envelope, SOAP faults and HTTP refusals with X-Ms-diagnostics.
import { formatMsDiagnosticsHeader, WEB_TICKET_ERRORS, type WebTicketErrorInfo } from '../catalog.js';
import { buildFaultEnvelope } from '../metadata.js';
import { buildAddressingHeaders, buildEnvelope, type ParsedEnvelope, type SoapVersion } from '../messages.js';
import { URI } from '../ns.js';

/** A step refused the request: `response` is the answer. Thrown by the steps, answered by the pipeline. */
export class Refusal extends Error {
  constructor(readonly response: Response) {
    super('refused');
  }
}

const SOAP12 = 'application/soap+xml; charset=utf-8';

/** A text/xml response (SOAP 1.1 content type unless `headers` overrides it). */
export function xmlResponse(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8', ...headers } });
}

/** X-Ms-diagnostics header (3.2.4.1) naming the ErrorId, reason and this server's FQDN. */
export function diagnosticsHeader(e: WebTicketErrorInfo, fqdn: string): Record<string, string> {
  return { 'x-ms-diagnostics': formatMsDiagnosticsHeader(e, fqdn) };
}

/** A bare HTTP refusal carrying ErrorId `id` in X-Ms-diagnostics (status: the catalog's unless given). */
export function httpRefusal(fqdn: string, id: number, status?: number, extra: Record<string, string> = {}): Refusal {
  const e = WEB_TICKET_ERRORS[id]!;
  return new Refusal(new Response(null, { status: status ?? e.httpStatus, headers: { ...diagnosticsHeader(e, fqdn), ...extra } }));
}

/** A SOAP fault (HTTP 500) in the request's SOAP version, with af:OCSDiagnosticsFault and X-Ms-diagnostics when `id` is given. */
export function soapFault(fqdn: string, faultcode: string, message: string, id?: number, version: SoapVersion = '1.1'): Refusal {
  const e = id === undefined ? undefined : WEB_TICKET_ERRORS[id];
  const hs: Record<string, string> = { ...(e ? diagnosticsHeader(e, fqdn) : {}), ...(version === '1.2' ? { 'content-type': SOAP12 } : {}) };
  return new Refusal(xmlResponse(500, buildFaultEnvelope(faultcode, message, e, version), hs));
}

/** MS-OCAUTHWS 3.2.4.1.3.4: the RSTRC in the request's SOAP version, wsa:RelatesTo the request's MessageID. */
export function issueResponse(env: ParsedEnvelope, rstrc: string): Response {
  const headers = buildAddressingHeaders({ action: URI.actionRstrcIssueFinal, ...(env.addressing.messageId ? { relatesTo: env.addressing.messageId } : {}) });
  return xmlResponse(200, buildEnvelope({ version: env.version, headers, body: rstrc }), env.version === '1.2' ? { 'content-type': SOAP12 } : {});
}

/** The answer to a failure no step anticipated: 28027 internal error, nothing of the cause disclosed. */
export function internalError(fqdn: string): Response {
  const info = WEB_TICKET_ERRORS[28027]!;
  return xmlResponse(500, buildFaultEnvelope(info.faultcode, 'Internal error', info), diagnosticsHeader(info, fqdn));
}
