// MS-OCAUTHWS 3.3.4.4 AuthBrokerNegotiateSecurityAssociation and 3.3.4.7 …V2: one TLS-DSK leg of a security association.
import { isSession, liveOf, lookupSession, type BrokerState, type LiveSession } from '../broker-state.js';
import { HASH_ALGORITHM_IDS, HASH_DIGEST_BYTES, type HashAlgorithmName } from '../hash-algorithm.js';
import { buildAuthBrokerResponse, type AuthBrokerRequestBodies, type NegotiateSaResponseV2 } from '../messages.js';
import type { AuthBrokerTicket } from '../options.js';
import { SecurityStatus } from '../security-status.js';
import type { AuthBrokerSessionRecord } from '../session-store.js';
import { TlsDskClient } from '../tls-dsk-client.js';
import { obtainCredential } from './acquire-credential.js';
import { replyTo, type Operation } from './operation.js';

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** MS-OCAUTHWS 3.3.4.4: a V1 leg; NegotiateSaResponse has no HashAlgorithm. */
export const authBrokerNegotiateSecurityAssociation: Operation = async (state, request, ticket) => {
  const body = request.body as AuthBrokerRequestBodies['AuthBrokerNegotiateSecurityAssociation'];
  const { hashAlgorithm: _v2Only, ...v1 } = await negotiate(state, request.operation, ticket, body, 1);
  return buildAuthBrokerResponse('AuthBrokerNegotiateSecurityAssociation', v1, replyTo(request));
};

/** MS-OCAUTHWS 3.3.4.7: a V2 leg; NegotiateSaResponseV2 carries the finalized HashAlgorithm (ALG_ID). */
export const authBrokerNegotiateSecurityAssociationV2: Operation = async (state, request, ticket) => {
  const body = request.body as AuthBrokerRequestBodies['AuthBrokerNegotiateSecurityAssociationV2'];
  return buildAuthBrokerResponse('AuthBrokerNegotiateSecurityAssociationV2', await negotiate(state, request.operation, ticket, body, 2), replyTo(request));
};

/** The answer of a leg; refusals are SecurityStatus values, never faults (3.3.4.4.3.3). */
interface Answer {
  status: number;
  outString?: string;
  keys?: { clientSigningKey: string; serverSigningKey: string };
}

async function negotiate(
  state: BrokerState,
  operation: string,
  ticket: AuthBrokerTicket,
  body: AuthBrokerRequestBodies['AuthBrokerNegotiateSecurityAssociation'],
  version: 1 | 2,
): Promise<NegotiateSaResponseV2> {
  const s = await lookupSession(state, operation, ticket, body.sessionId, version);
  if (!isSession(s)) return response({ status: s.status }, version, undefined);
  const hash = s.hashAlgorithm ?? undefined;
  return response(await leg(state, s, ticket, body), version, hash);
}

/** The steps of one leg: a credential, a target, the input token, the security association, the TLS step. */
async function leg(
  state: BrokerState,
  s: AuthBrokerSessionRecord,
  ticket: AuthBrokerTicket,
  body: AuthBrokerRequestBodies['AuthBrokerNegotiateSecurityAssociation'],
): Promise<Answer> {
  const refusal = checkCredentialState(state, s);
  if (refusal !== undefined) return { status: refusal };
  const live = liveOf(state, s.id);
  // A record without in-process state (another node created it, or a restart): locate the credential again.
  live.credential ??= await obtainCredential(state, s, ticket);
  if (!live.credential) return { status: SecurityStatus.NoCredentials };
  const target = typeof body.target === 'string' ? body.target.trim() : '';
  if (!target) return { status: SecurityStatus.TargetUnknown };
  const input = decodeInput(body.input, state.maxInputBytes);
  if (typeof input === 'number') return { status: input };
  const sa = securityAssociation(state, s, live, target, input);
  if (typeof sa === 'number') return { status: sa };
  return runStep(live, target, sa, input);
}

/** MS-OCAUTHWS 3.3.4.4: a leg needs AuthBrokerAcquireCredential first, and an unexpired credential. */
function checkCredentialState(state: BrokerState, s: AuthBrokerSessionRecord): number | undefined {
  if (!s.credentialRequested) return SecurityStatus.CredentialsNeeded;
  if (s.credentialNotAfter === null) return SecurityStatus.NoCredentials;
  if (s.credentialNotAfter <= state.now()) return SecurityStatus.CertExpired;
  return undefined;
}

/** MS-OCAUTHWS 3.3.4.4.2.1 input: absent for client_hello, else base64 gssapi-data within the size limit. */
function decodeInput(input: string | null | undefined, maxInputBytes: number): Buffer | undefined | number {
  if (input === undefined || input === null || input === '') return undefined;
  const compact = input.replace(/\s+/g, '');
  if (compact.length > Math.ceil(maxInputBytes / 3) * 4) return SecurityStatus.BufferNotEnough;
  if (!B64.test(compact) || compact.length % 4 !== 0) return SecurityStatus.InvalidToken;
  return Buffer.from(compact, 'base64');
}

/** The SA of the target: client_hello (no input) (re)starts it, a later leg must find it. */
function securityAssociation(
  state: BrokerState,
  s: AuthBrokerSessionRecord,
  live: LiveSession,
  target: string,
  input: Buffer | undefined,
): TlsDskClient | number {
  const sa = live.securityAssociations.get(target);
  if (input !== undefined) return sa ?? SecurityStatus.OutOfSequence;
  sa?.destroy();
  if (!sa && live.securityAssociations.size >= state.maxTargetsPerSession) return SecurityStatus.OutOfMemory;
  live.securityAssociations.delete(target);
  const trust = state.options.registrarTrust;
  let fresh: TlsDskClient;
  try {
    fresh = new TlsDskClient({
      credential: live.credential!,
      protocol: s.protocol,
      target,
      ...(trust?.trustedCertificates ? { trustedCertificates: trust.trustedCertificates } : {}),
      verifyServer: trust?.verifyServer ?? true,
      ...(state.options.ciphers ? { ciphers: state.options.ciphers } : {}),
    });
  } catch {
    // The credential source handed over a certificate/key pair OpenSSL refuses (e.g. a key that does not match the certificate).
    return SecurityStatus.UnknownCredentials;
  }
  live.securityAssociations.set(target, fresh);
  return fresh;
}

/** Run the TLS step; on OK the SA ends and the signing keys leave once, then are wiped here. */
async function runStep(live: LiveSession, target: string, sa: TlsDskClient, input: Buffer | undefined): Promise<Answer> {
  const step = await sa.step(input);
  const outString = step.output.length ? Buffer.from(step.output).toString('base64') : '';
  if (step.status === SecurityStatus.OK && step.keys) {
    const keys = {
      clientSigningKey: Buffer.from(step.keys.clientSigningKey).toString('base64'),
      serverSigningKey: Buffer.from(step.keys.serverSigningKey).toString('base64'),
    };
    step.keys.clientSigningKey.fill(0);
    step.keys.serverSigningKey.fill(0);
    live.securityAssociations.delete(target);
    return { status: SecurityStatus.OK, outString, keys };
  }
  if (sa.state === 'failed') live.securityAssociations.delete(target);
  return { status: step.status, outString };
}

/** NegotiateSaResponse(V2) (3.3.4.4.3.1, 3.3.4.7.3.1); MaxSignature (3.3.4.4.3.2) is 0 unless the keys are present. */
function response(answer: Answer, version: 1 | 2, hash: HashAlgorithmName | undefined): NegotiateSaResponseV2 {
  return {
    outString: answer.outString ?? null,
    securityStatus: answer.status,
    maxSignature: answer.keys ? HASH_DIGEST_BYTES[hash ?? 'SHA1'] : 0,
    ...(version === 2 ? { hashAlgorithm: hash ? HASH_ALGORITHM_IDS[hash] : 0 } : {}),
    clientSigningKey: answer.keys?.clientSigningKey ?? null,
    serverSigningKey: answer.keys?.serverSigningKey ?? null,
  };
}
