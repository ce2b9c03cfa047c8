// MS-OCAUTHWS 3.2: the broker requires a valid web ticket in the request's wsse:Security header.
import { BrokerFault } from './fault.js';
import type { ParsedAuthBrokerRequest } from './messages.js';
import type { AuthBrokerTicket, AuthBrokerTicketVerifier } from './options.js';

/** ErrorId 28032: the web ticket is invalid (MS-OCAUTHWS 3.2.4.1). */
const INVALID_TICKET = 28032;

/**
 * The ticket of the request, as the verifier accepts it; a missing, refused or nameless ticket is a 401
 * BrokerFault carrying the verifier's ErrorId (28032 by default) for X-Ms-diagnostics.
 */
export async function authenticate(verifier: AuthBrokerTicketVerifier, text: string, parsed: ParsedAuthBrokerRequest): Promise<AuthBrokerTicket> {
  if (!parsed.security) {
    throw new BrokerFault(
      401,
      'Client',
      'ERR_AUTHBROKER_TICKET',
      'Header/Security: expected a wsse:Security header carrying the web ticket (MS-OCAUTHWS 3.3), received none',
      { errorId: INVALID_TICKET, field: 'Header/Security' },
    );
  }
  let ticket: AuthBrokerTicket;
  try {
    ticket = await verifier.verify(text, { document: parsed.document });
  } catch (e) {
    const err = e as { message?: string; errorId?: unknown; code?: unknown };
    const errorId = typeof err.errorId === 'number' ? err.errorId : INVALID_TICKET;
    throw new BrokerFault(401, 'Client', 'ERR_AUTHBROKER_TICKET', `web ticket rejected: ${err.message ?? String(e)}`, {
      errorId,
      cause: e,
      ...(typeof err.code === 'string' ? { reportedCode: err.code } : {}),
    });
  }
  if (!ticket || typeof ticket.sipUri !== 'string' || !ticket.sipUri) {
    throw new BrokerFault(401, 'Client', 'ERR_AUTHBROKER_TICKET', 'web ticket: the verifier returned no SIP URI', { errorId: INVALID_TICKET });
  }
  return ticket;
}
