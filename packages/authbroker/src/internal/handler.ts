// MS-OCAUTHWS 3.3 Authentication Broker Service as a web-standard handler: read → authenticate (3.2) → operation (3.3.4.n).
import type { AuthBrokerOperation } from './actions.js';
import { authenticate } from './authenticate.js';
import { createBrokerState, release, sweep } from './broker-state.js';
import { faultResponse } from './fault.js';
import { authBrokerAcquireCredential, authBrokerAcquireCredentialV2 } from './operations/acquire-credential.js';
import { createAuthBrokerSession, createAuthBrokerSessionV2 } from './operations/create-session.js';
import { authBrokerNegotiateSecurityAssociation, authBrokerNegotiateSecurityAssociationV2 } from './operations/negotiate-security-association.js';
import type { Operation } from './operations/operation.js';
import { terminateAuthBrokerSession } from './operations/terminate-session.js';
import type { AuthBrokerHandler, AuthBrokerHandlerOptions } from './options.js';
import { checkSoapAction, readBrokerRequest } from './read-request.js';

/** MS-OCAUTHWS 3.3.4: the seven operations of IAuthBroker, by the wsa:Action's operation name. */
const OPERATIONS: Readonly<Record<AuthBrokerOperation, Operation>> = {
  CreateAuthBrokerSession: createAuthBrokerSession, // 3.3.4.1
  TerminateAuthBrokerSession: terminateAuthBrokerSession, // 3.3.4.2
  AuthBrokerAcquireCredential: authBrokerAcquireCredential, // 3.3.4.3
  AuthBrokerNegotiateSecurityAssociation: authBrokerNegotiateSecurityAssociation, // 3.3.4.4
  CreateAuthBrokerSessionV2: createAuthBrokerSessionV2, // 3.3.4.5
  AuthBrokerAcquireCredentialV2: authBrokerAcquireCredentialV2, // 3.3.4.6
  AuthBrokerNegotiateSecurityAssociationV2: authBrokerNegotiateSecurityAssociationV2, // 3.3.4.7
};

/**
 * The Authentication Broker Service (MS-OCAUTHWS 3.3) as a web-standard handler: Request → Response.
 * Every refusal is answered (SOAP fault, 401 with X-Ms-diagnostics, 405, 413, 503), never thrown.
 * @throws {AuthBrokerError} ERR_AUTHBROKER_TICKET when `ticketVerifier` is missing, ERR_AUTHBROKER_CREDENTIAL when `credentialSource` is missing.
 */
export function createAuthBrokerHandler(options: AuthBrokerHandlerOptions): AuthBrokerHandler {
  const state = createBrokerState(options);
  const handler = async (request: Request): Promise<Response> => {
    let relatesTo: string | undefined;
    try {
      const read = await readBrokerRequest(request, state.maxBodyBytes);
      const { text, parsed } = read;
      relatesTo = parsed.messageId;
      checkSoapAction(read);
      const ticket = await authenticate(options.ticketVerifier, text, parsed);
      const xml = await OPERATIONS[parsed.operation](state, parsed, ticket);
      return new Response(xml, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
    } catch (e) {
      return faultResponse(e, relatesTo, options);
    }
  };
  // MS-OCAUTHWS 3.3.2: idle sessions are also swept in the background (the timer never keeps the process alive).
  const interval = options.sweepIntervalSeconds ?? 60;
  let timer: NodeJS.Timeout | undefined;
  if (interval > 0) {
    timer = setInterval(() => void sweep(state).catch(() => undefined), interval * 1000);
    timer.unref();
  }
  const close = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    for (const id of [...state.live.keys()]) release(state, id);
  };
  return Object.assign(handler, { sweep: () => sweep(state), sessionCount: () => state.store.size(), close });
}
