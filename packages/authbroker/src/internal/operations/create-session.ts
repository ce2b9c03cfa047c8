// MS-OCAUTHWS 3.3.4.1 CreateAuthBrokerSession and 3.3.4.5 CreateAuthBrokerSessionV2: a new session of the ticket's user.
import { sweep, type BrokerState } from '../broker-state.js';
import { BrokerFault } from '../fault.js';
import { negotiateHashAlgorithm, type HashAlgorithmName } from '../hash-algorithm.js';
import { buildAuthBrokerResponse, type AuthBrokerRequestBodies } from '../messages.js';
import type { AuthBrokerSessionRecord } from '../session-store.js';
import { replyTo, type Operation } from './operation.js';

/** MS-OCAUTHWS 3.3.4.1: a V1 (TLS 1.0) session; the hash algorithm is chosen now from the client's list. */
export const createAuthBrokerSession: Operation = async (state, request, ticket) => {
  const body = request.body as AuthBrokerRequestBodies['CreateAuthBrokerSession'];
  const hash = chooseHashAlgorithm(body.supportedHashAlgorithms, state.hashPreferenceV1);
  const s = await createSession(state, ticket.sipUri, 1, hash);
  return buildAuthBrokerResponse('CreateAuthBrokerSession', { hashAlgorithm: hash, sessionId: s.id }, replyTo(request));
};

/** MS-OCAUTHWS 3.3.4.5: a V2 (TLS 1.2) session; the hash algorithm is chosen by AuthBrokerAcquireCredentialV2. */
export const createAuthBrokerSessionV2: Operation = async (state, request, ticket) => {
  const s = await createSession(state, ticket.sipUri, 2, null);
  return buildAuthBrokerResponse('CreateAuthBrokerSessionV2', { sessionId: s.id }, replyTo(request));
};

/** MS-OCAUTHWS 3.3.4.1 / 3.3.4.6 SupportedHashAlgorithms: the first of the server's preferences the client lists. */
export function chooseHashAlgorithm(supported: readonly string[] | null | undefined, preference: readonly HashAlgorithmName[]): HashAlgorithmName {
  try {
    return negotiateHashAlgorithm(supported, preference);
  } catch (e) {
    throw new BrokerFault(400, 'Client', 'ERR_AUTHBROKER_HASH_ALGORITHM', (e as Error).message, { field: 'supportedHashAlgorithms', cause: e });
  }
}

/** A session record owned by the SIP URI, within the broker's and the user's session limits. */
async function createSession(state: BrokerState, sipUri: string, version: 1 | 2, hash: HashAlgorithmName | null): Promise<AuthBrokerSessionRecord> {
  await sweep(state);
  if ((await state.store.size()) >= state.maxSessions) {
    throw new BrokerFault(503, 'Server', 'ERR_AUTHBROKER_SESSION_LIMIT', `the broker holds its maximum of ${state.maxSessions} sessions; retry later`);
  }
  if (state.store.countForUser && (await state.store.countForUser(sipUri)) >= state.maxSessionsPerUser) {
    throw new BrokerFault(
      400,
      'Client',
      'ERR_AUTHBROKER_SESSION_LIMIT',
      `${sipUri} already holds ${state.maxSessionsPerUser} sessions (the per-user maximum); terminate one or let it expire`,
    );
  }
  const t = state.now();
  const s: AuthBrokerSessionRecord = {
    id: state.uuid(),
    sipUri,
    version,
    protocol: version === 2 ? 'TLSv1.2' : 'TLSv1',
    hashAlgorithm: hash,
    createdAt: t,
    lastActivity: t,
    credentialRequested: false,
    sipInstance: null,
    credentialNotAfter: null,
  };
  await state.store.set(s);
  return s;
}
