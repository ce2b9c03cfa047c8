// The shape every IAuthBroker operation (MS-OCAUTHWS 3.3.4.1–3.3.4.7) shares: a request in, response XML out.
import type { BrokerState } from '../broker-state.js';
import type { ParsedAuthBrokerRequest } from '../messages.js';
import type { AuthBrokerTicket } from '../options.js';

/** One operation: the parsed request of the ticket's user in, the response envelope out (or a BrokerFault thrown). */
export type Operation = (state: BrokerState, request: ParsedAuthBrokerRequest, ticket: AuthBrokerTicket) => Promise<string>;

/** The response headers of an answer to `request`: wsa:RelatesTo its MessageID. */
export const replyTo = (request: ParsedAuthBrokerRequest): { relatesTo?: string } => (request.messageId !== undefined ? { relatesTo: request.messageId } : {});
