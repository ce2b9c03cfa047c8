// MS-OCAUTHWS 3.2 authenticate: the web ticket of a GetAndPublishCert request (SOAP Security header, or a header ticket); failures answered 401 (2.2.4.1).
import { buildOcsDiagnosticsFault, formatMsDiagnostics, toDiagnosticsText, webTicketDiagnostics, webTicketError } from '@ocauth/diagnostics';
import type { SoapRequest } from '@ocauth/wstrust';
import type { HandlerConfig } from '../handler-options.js';
import { Refusal } from './respond.js';

/** The header ticket of a request: X-MS-WebTicket, else an Authorization `Bearer cwt=…` value. */
function headerTicketOf(req: Request): string | undefined {
  const x = req.headers.get('x-ms-webticket');
  if (x !== null && x.trim() !== '') return x;
  const a = req.headers.get('authorization');
  return a !== null && /^\s*bearer\s+cwt\s*=/i.test(a) ? a : undefined;
}

/**
 * The authenticated user's SIP URI, from the ticket verifier (web ticket + proof of possession; `onProven` goes to
 * the verifier, see TicketVerifier.verify), or the
 * HTTP 401 answer when the ticket fails. A verifier that could not reach its state (e.g. the server's
 * replay cache in the store) is refused with its ResponseCode (DataStoreUnavailable / InternalError).
 */
export async function authenticate(req: Request, soap: SoapRequest, c: HandlerConfig, onProven?: () => void): Promise<{ sipUri: string } | Response> {
  const o = c.options;
  try {
    const header = o.headerTicketVerifier ? headerTicketOf(req) : undefined;
    return header !== undefined
      ? await o.headerTicketVerifier!.verifyHeader(header)
      : await o.ticketVerifier.verify(soap.text, { document: soap.document, ...(onProven ? { onProven } : {}) });
  } catch (e) {
    const rc = (e as { responseCode?: unknown })?.responseCode;
    if (rc === 'DataStoreUnavailable' || rc === 'InternalError') {
      o.onError?.(e);
      throw new Refusal(rc, `web ticket: could not be checked (${(e as Error).message}); nothing was issued`, { cause: e });
    }
    return ticketRejected(e, c);
  }
}

/**
 * Authentication failures are the ticket verifier's (28032 invalid / 28033 expired / 28034 other server's
 * proof ticket): HTTP 401 with X-Ms-diagnostics, and the Web Ticket Service to ask (X-MS-WebTicketURL).
 */
export function ticketRejected(e: unknown, c: HandlerConfig): Response {
  const id = (e as { errorId?: number }).errorId;
  const errorId = typeof id === 'number' && webTicketError(id) ? id : 28032;
  const status = (e as { httpStatus?: number }).httpStatus ?? 401;
  const headers: Record<string, string> = {
    'x-ms-diagnostics': formatMsDiagnostics(
      webTicketDiagnostics(errorId, {
        ...(c.options.serverFqdn ? { source: c.options.serverFqdn } : {}),
        reason: toDiagnosticsText((e as Error)?.message ?? 'invalid web ticket', 200),
      }),
    ),
  };
  if (c.options.webTicketUrl) headers['x-ms-webticketurl'] = c.options.webTicketUrl;
  // MS-OCAUTHWS 3.2: "If the Web ticket fails validation, OCSDiagnosticsFaultType ... SHOULD be returned"
  // (2.2.4.1), with the faultcode of the 3.2 table (wsse:InvalidSecurityToken for 28032–28034).
  headers['content-type'] = 'text/xml; charset=utf-8';
  return new Response(buildOcsDiagnosticsFault({ errorId, envelope: true }), { status, headers });
}
