// MS-OCAUTHWS 3.3.1 Abstract Data Model and 3.3.2 Timers: the broker's sessions, their in-process state and expiry.
import { randomUUID as nodeRandomUUID } from 'node:crypto';
import { AuthBrokerError, describeReceived } from './errors.js';
import type { HashAlgorithmName } from './hash-algorithm.js';
import { BrokerFault } from './fault.js';
import type { AuthBrokerHandlerOptions, AuthBrokerTicket } from './options.js';
import { SecurityStatus } from './security-status.js';
import { MemoryAuthBrokerSessionStore, type AuthBrokerSessionRecord, type AuthBrokerSessionStore } from './session-store.js';
import type { TlsDskClient } from './tls-dsk-client.js';
import type { TlsDskCredential } from './tls-dsk-common.js';

/** A credential with its end of validity (the certificate's, or the source's). */
export type DatedCredential = TlsDskCredential & { notAfter: Date };

/** In-process state of a session: its credential (with the private key) and live SAs per target. */
export interface LiveSession {
  credential: DatedCredential | undefined;
  securityAssociations: Map<string, TlsDskClient>;
}

/** Everything the operations share: options, the session store, the live state, clock and limits. */
export interface BrokerState {
  readonly options: AuthBrokerHandlerOptions;
  readonly store: AuthBrokerSessionStore;
  readonly live: Map<string, LiveSession>;
  readonly now: () => number;
  readonly uuid: () => string;
  readonly idleMs: number;
  readonly hashPreferenceV1: readonly HashAlgorithmName[];
  readonly hashPreferenceV2: readonly HashAlgorithmName[];
  readonly maxBodyBytes: number;
  readonly maxInputBytes: number;
  readonly maxSessions: number;
  readonly maxSessionsPerUser: number;
  readonly maxTargetsPerSession: number;
}

/**
 * The broker's state from the handler options (defaults as documented on AuthBrokerHandlerOptions).
 * @throws {AuthBrokerError} ERR_AUTHBROKER_TICKET without a ticketVerifier, ERR_AUTHBROKER_CREDENTIAL without a credentialSource.
 */
export function createBrokerState(options: AuthBrokerHandlerOptions): BrokerState {
  if (!options?.ticketVerifier || typeof options.ticketVerifier.verify !== 'function') {
    throw new AuthBrokerError('ERR_AUTHBROKER_TICKET', 'ticketVerifier: expected an object with verify(envelope), received none', { field: 'ticketVerifier' });
  }
  if (!options.credentialSource || typeof options.credentialSource.acquire !== 'function') {
    throw new AuthBrokerError('ERR_AUTHBROKER_CREDENTIAL', 'credentialSource: expected an object with acquire(request), received none', {
      field: 'credentialSource',
    });
  }
  const clock = options.clock;
  return {
    options,
    store: options.sessionStore ?? new MemoryAuthBrokerSessionStore(),
    live: new Map(),
    now: clock ? () => clock().getTime() : Date.now,
    uuid: options.randomUUID ?? nodeRandomUUID,
    idleMs: (options.sessionIdleSeconds ?? 600) * 1000,
    hashPreferenceV1: options.hashAlgorithmsV1 ?? ['SHA1', 'SHA256', 'SHA384', 'SHA512'],
    hashPreferenceV2: options.hashAlgorithmsV2 ?? ['SHA256', 'SHA384', 'SHA512', 'SHA1'],
    maxBodyBytes: options.maxBodyBytes ?? 1 << 20,
    maxInputBytes: options.maxInputBytes ?? 64 * 1024,
    maxSessions: options.maxSessions ?? 10_000,
    maxSessionsPerUser: options.maxSessionsPerUser ?? 32,
    maxTargetsPerSession: options.maxTargetsPerSession ?? 8,
  };
}

/** The in-process state of a session, created on first use. */
export function liveOf(state: BrokerState, id: string): LiveSession {
  let l = state.live.get(id);
  if (!l) state.live.set(id, (l = { credential: undefined, securityAssociations: new Map() }));
  return l;
}

/** Destroy a session's security associations and forget its credential. */
export function release(state: BrokerState, id: string): void {
  const l = state.live.get(id);
  if (!l) return;
  for (const sa of l.securityAssociations.values()) sa.destroy();
  state.live.delete(id);
}

/** MS-OCAUTHWS 3.3.2: the session expiration timer ends sessions idle past `sessionIdleSeconds`. */
export async function sweep(state: BrokerState): Promise<number> {
  const gone = await state.store.sweep(state.now() - state.idleMs);
  for (const id of gone) release(state, id);
  // Live state whose record another node (or the store) removed.
  if (state.live.size > gone.length) for (const id of [...state.live.keys()]) if (!(await state.store.get(id))) release(state, id);
  return gone.length;
}

/** Why a session id does not name a usable session, as the SecurityStatus the Negotiate operations answer. */
export interface SessionRefusal {
  status: number;
  why: string;
}

/**
 * The session a request names (every operation but Create): unknown or another user's (InvalidHandle),
 * idle past the timer of 3.3.2 (ContextExpired, and the session ends), or of the other version (OutOfSequence).
 * A found session's inactivity timer restarts.
 */
export async function lookupSession(
  state: BrokerState,
  operation: string,
  ticket: AuthBrokerTicket,
  id: string | null | undefined,
  version: 1 | 2 | 'any',
): Promise<AuthBrokerSessionRecord | SessionRefusal> {
  const field = operation === 'TerminateAuthBrokerSession' ? 'sessionID' : 'sessionid';
  if (id === undefined || id === null || id === '')
    return {
      status: SecurityStatus.InvalidHandle,
      why: `${field}: expected the SessionId returned by CreateAuthBrokerSession${version === 2 ? 'V2' : ''}, received none`,
    };
  const s = await state.store.get(id);
  if (!s || s.sipUri !== ticket.sipUri)
    return { status: SecurityStatus.InvalidHandle, why: `${field}: expected a live session of this user, received unknown session id ${describeReceived(id)}` };
  if (state.now() - s.lastActivity > state.idleMs) {
    await state.store.delete(s.id);
    release(state, s.id);
    return {
      status: SecurityStatus.ContextExpired,
      why: `${field}: session ${describeReceived(id)} expired after ${state.idleMs / 1000} s of inactivity (MS-OCAUTHWS 3.3.2); create a new session`,
    };
  }
  if (version !== 'any' && s.version !== version) {
    return {
      status: SecurityStatus.OutOfSequence,
      why: `${operation}: session ${describeReceived(id)} was created by CreateAuthBrokerSession${s.version === 2 ? 'V2' : ''}; use the ${s.version === 2 ? 'V2' : 'V1'} operations with it`,
    };
  }
  s.lastActivity = state.now();
  await state.store.set(s);
  return s;
}

export const isSession = (s: AuthBrokerSessionRecord | SessionRefusal): s is AuthBrokerSessionRecord => 'id' in s;

/** The fault of an operation that answers a session refusal with a SOAP fault (Terminate, AcquireCredential). */
export function sessionFault(refusal: SessionRefusal): BrokerFault {
  const code =
    refusal.status === SecurityStatus.ContextExpired
      ? 'ERR_AUTHBROKER_SESSION_EXPIRED'
      : refusal.status === SecurityStatus.OutOfSequence
        ? 'ERR_AUTHBROKER_SEQUENCE'
        : 'ERR_AUTHBROKER_SESSION_UNKNOWN';
  return new BrokerFault(400, 'Client', code, refusal.why, { field: 'sessionid' });
}
