// MS-OCAUTHWS 3.3.4.3 AuthBrokerAcquireCredential and 3.3.4.6 AuthBrokerAcquireCredentialV2: the session's certificate.
import { X509Certificate } from 'node:crypto';
import { isSession, liveOf, lookupSession, sessionFault, type BrokerState, type DatedCredential } from '../broker-state.js';
import { describeReceived } from '../errors.js';
import { BrokerFault } from '../fault.js';
import { buildAuthBrokerResponse, type AuthBrokerRequestBodies } from '../messages.js';
import type { AcquiredCredential, AuthBrokerTicket } from '../options.js';
import type { AuthBrokerSessionRecord } from '../session-store.js';
import { chooseHashAlgorithm } from './create-session.js';
import { replyTo, type Operation } from './operation.js';

/** MS-OCAUTHWS 3.3.4.3: associates the SIPInstance with a V1 session; the result is the credential lifetime in seconds. */
export const authBrokerAcquireCredential: Operation = async (state, request, ticket) => {
  const body = request.body as AuthBrokerRequestBodies['AuthBrokerAcquireCredential'];
  const result = await acquireCredential(state, request.operation, ticket, body, 1);
  return buildAuthBrokerResponse('AuthBrokerAcquireCredential', { result }, replyTo(request));
};

/** MS-OCAUTHWS 3.3.4.6: as 3.3.4.3 for a V2 session, which also finalizes the hash algorithm. */
export const authBrokerAcquireCredentialV2: Operation = async (state, request, ticket) => {
  const body = request.body as AuthBrokerRequestBodies['AuthBrokerAcquireCredentialV2'];
  const result = await acquireCredential(state, request.operation, ticket, body, 2);
  return buildAuthBrokerResponse('AuthBrokerAcquireCredentialV2', { result }, replyTo(request));
};

async function acquireCredential(
  state: BrokerState,
  operation: string,
  ticket: AuthBrokerTicket,
  body: AuthBrokerRequestBodies['AuthBrokerAcquireCredentialV2'],
  version: 1 | 2,
): Promise<number> {
  const s = await lookupSession(state, operation, ticket, body.sessionId, version);
  if (!isSession(s)) throw sessionFault(s);
  checkOncePerSession(operation, s);
  const sipInstance = checkSipInstance(operation, body.sipInstance);
  if (version === 2) s.hashAlgorithm = chooseHashAlgorithm(body.supportedHashAlgorithms, state.hashPreferenceV2);
  s.credentialRequested = true;
  s.sipInstance = sipInstance;
  await state.store.set(s);
  const credential = await obtainCredential(state, s, ticket);
  if (!credential) return 0;
  s.credentialNotAfter = credential.notAfter.getTime();
  await state.store.set(s);
  liveOf(state, s.id).credential = credential;
  return lifetimeSeconds(state, credential.notAfter);
}

/** MS-OCAUTHWS 3.3.4: AuthBrokerAcquireCredential can be called once per session. */
function checkOncePerSession(operation: string, s: AuthBrokerSessionRecord): void {
  if (s.credentialRequested) {
    throw new BrokerFault(
      400,
      'Client',
      'ERR_AUTHBROKER_SEQUENCE',
      `${operation}: can be called once per session (MS-OCAUTHWS 3.3.4); session ${describeReceived(s.id)} already has its credential request; create a new session`,
    );
  }
}

/** MS-OCAUTHWS 3.3.4.3.2.1 sipInstance: the endpoint's SIPInstance (MS-SIPRE 4.2). */
function checkSipInstance(operation: string, sipInstance: string | null | undefined): string {
  if (typeof sipInstance !== 'string' || sipInstance.trim() === '') {
    throw new BrokerFault(
      400,
      'Client',
      'ERR_AUTHBROKER_MESSAGE',
      `${operation}.sipInstance: expected the endpoint's SIPInstance (MS-SIPRE 4.2), received ${describeReceived(sipInstance)}`,
      { field: 'sipInstance' },
    );
  }
  return sipInstance;
}

/** Seconds the credential remains valid, counted down from now. */
const lifetimeSeconds = (state: BrokerState, notAfter: Date): number => Math.floor((notAfter.getTime() - state.now()) / 1000);

/**
 * MS-OCAUTHWS 3.3.4.3.2.2: "zero … if obtaining the certificate failed". The credential from the source
 * with its notAfter; undefined when the source has none, refuses (a disabled account, a store failure) or
 * the certificate is unreadable or expired.
 */
export async function obtainCredential(state: BrokerState, s: AuthBrokerSessionRecord, ticket: AuthBrokerTicket): Promise<DatedCredential | undefined> {
  let credential: AcquiredCredential | null;
  try {
    credential = await state.options.credentialSource.acquire({ sipUri: s.sipUri, sipInstance: s.sipInstance ?? '', sessionId: s.id, ticket });
  } catch {
    credential = null;
  }
  if (!credential) return undefined;
  const notAfter = credential.notAfter ?? certificateNotAfter(credential.certificate);
  if (!notAfter || !(lifetimeSeconds(state, notAfter) > 0)) return undefined;
  return { ...credential, notAfter };
}

/**
 * notAfter of PEM certificates already read: Node's X509Certificate parse costs ~130 µs, and a credential
 * source typically hands the same certificate to every session of a user until it is renewed. Bounded;
 * a pure function of the text, so a hit can never be stale.
 */
const notAfterByPem = new Map<string, number>();
const NOT_AFTER_CACHE_ENTRIES = 256;

function certificateNotAfter(certificate: string | Uint8Array): Date | undefined {
  if (typeof certificate === 'string') {
    const known = notAfterByPem.get(certificate);
    if (known !== undefined) return new Date(known);
  }
  let notAfter: Date;
  try {
    notAfter = new Date(new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate)).validTo);
  } catch {
    return undefined;
  }
  if (typeof certificate === 'string' && !Number.isNaN(notAfter.getTime())) {
    if (notAfterByPem.size >= NOT_AFTER_CACHE_ENTRIES) notAfterByPem.delete(notAfterByPem.keys().next().value as string);
    notAfterByPem.set(certificate, notAfter.getTime());
  }
  return notAfter;
}
