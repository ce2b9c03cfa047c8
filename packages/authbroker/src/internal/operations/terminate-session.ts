// MS-OCAUTHWS 3.3.4.2 TerminateAuthBrokerSession: end a session of the ticket's user and release its state.
import { isSession, lookupSession, release, sessionFault } from '../broker-state.js';
import { buildAuthBrokerResponse, type AuthBrokerRequestBodies } from '../messages.js';
import { replyTo, type Operation } from './operation.js';

/** MS-OCAUTHWS 3.3.4.2: an unknown, other user's or expired session is a fault; either version may be ended. */
export const terminateAuthBrokerSession: Operation = async (state, request, ticket) => {
  const body = request.body as AuthBrokerRequestBodies['TerminateAuthBrokerSession'];
  const s = await lookupSession(state, request.operation, ticket, body.sessionId, 'any');
  if (!isSession(s)) throw sessionFault(s);
  await state.store.delete(s.id);
  release(state, s.id);
  return buildAuthBrokerResponse('TerminateAuthBrokerSession', {}, replyTo(request));
};
