import { randomUUID as nodeRandomUUID, X509Certificate } from 'node:crypto';
import type { Document } from '@xmldom/xmldom';
import { AuthBrokerError, describeReceived } from './errors.js';
import {
  HASH_ALGORITHM_IDS,
  HASH_DIGEST_BYTES,
  negotiateHashAlgorithm,
  type HashAlgorithmName,
} from './hash-algorithm.js';
import {
  buildAuthBrokerResponse,
  buildSoapFault,
  parseAuthBrokerRequest,
  type AuthBrokerRequestBodies,
  type NegotiateSaResponseV2,
  type ParsedAuthBrokerRequest,
} from './messages.js';
import { actionOf, type AuthBrokerOperation } from './operations.js';
import { buildOcsDiagnosticsFault, formatMsDiagnostics, toDiagnosticsText, webTicketError } from '@ocauth/diagnostics';
import { SecurityStatus } from './security-status.js';
import { MemoryAuthBrokerSessionStore, type AuthBrokerSessionRecord, type AuthBrokerSessionStore } from './session-store.js';
import { TlsDskClient } from './tls-dsk-client.js';
import type { TlsDskCredential } from './tls-dsk-common.js';

/** What a ticket verifier (e.g. @ocauth/wstrust createTicketVerifier) returns for a valid web ticket. */
export interface AuthBrokerTicket {
  sipUri: string;
  assertionId?: string;
  notOnOrAfter?: Date | string | number;
  [key: string]: unknown;
}

/**
 * Authenticates a request by the web ticket in its wsse:Security header (MS-OCAUTHWS 3.3: "The
 * service requires a valid Web Ticket"). Throws for a missing, invalid or expired ticket; an error
 * may carry `errorId` (28000–28035) and `code`, which the handler reports.
 */
export interface AuthBrokerTicketVerifier {
  /**
   * `parsed.document` is the handler's own parse of `envelope` (@ocauth/c14n `parseXml`): a verifier that
   * reads DOMs (@ocauth/wstrust createTicketVerifier does) can use it instead of parsing the request again.
   */
  verify(envelope: string, parsed?: { document: Document }): Promise<AuthBrokerTicket>;
}

export interface CredentialRequest {
  sipUri: string;
  sipInstance: string;
  sessionId: string;
  ticket: AuthBrokerTicket;
}

/** A certificate (2) and key for the user; `notAfter` defaults to the certificate's validTo. */
export type AcquiredCredential = TlsDskCredential & { notAfter?: Date };

/**
 * Where AuthBrokerAcquireCredential gets the user's certificate (MS-OCAUTHWS 3.3: "acquire a new
 * certificate from the Certificate Provisioning Service … or locate a previously obtained
 * certificate"). Return null (or throw) when none can be obtained: the operation then returns 0.
 */
export interface CredentialSource {
  acquire(request: CredentialRequest): Promise<AcquiredCredential | null>;
}

export interface AuthBrokerHandlerOptions {
  ticketVerifier: AuthBrokerTicketVerifier;
  credentialSource: CredentialSource;
  sessionStore?: AuthBrokerSessionStore;
  /** Injected clock (default: system time). */
  clock?: () => Date;
  /** Session ids (default: crypto.randomUUID). */
  randomUUID?: () => string;
  /** Session expiration timer: inactivity, in seconds (MS-OCAUTHWS 3.3.2). Default 600. */
  sessionIdleSeconds?: number;
  /**
   * How often idle sessions are swept in the background (seconds, default 60; 0 = only on
   * requests). The timer is unref'd; `close()` stops it and releases every session.
   */
  sweepIntervalSeconds?: number;
  /** Server preference for V1 (TLS 1.0) sessions; default SHA1, SHA256, SHA384, SHA512 (4.3.2 picks SHA1). */
  hashAlgorithmsV1?: HashAlgorithmName[];
  /** Server preference for V2 (TLS 1.2) sessions; default SHA256, SHA384, SHA512, SHA1. */
  hashAlgorithmsV2?: HashAlgorithmName[];
  /** Trust for the SIP servers' certificates (the broker plays the TLS client towards them). */
  registrarTrust?: { trustedCertificates?: ReadonlyArray<string | Uint8Array>; verifyServer?: boolean };
  /** Included as X-MS-WebTicketURL in 401 answers, so clients know where to get a ticket. */
  webTicketUrl?: string;
  /** FQDN of this server, the `source` of X-Ms-diagnostics (MS-OCAUTHWS 3.2.4.1: the FQDN of the server that generated the error). */
  serverFqdn?: string;
  /** Limits (defaults: 1 MiB body, 64 KiB gssapi-data, 10 000 sessions, 8 targets per session). */
  maxBodyBytes?: number;
  maxInputBytes?: number;
  maxSessions?: number;
  /** Sessions one user may hold at once (default 32; needs a store with countForUser). */
  maxSessionsPerUser?: number;
  maxTargetsPerSession?: number;
  /** OpenSSL cipher string for the TLS-DSK client (default 'DEFAULT:@SECLEVEL=0'). */
  ciphers?: string;
}

export type AuthBrokerHandler = ((request: Request) => Promise<Response>) & {
  /** Drop sessions idle past the expiration timer now (also done lazily on every request). */
  sweep(): Promise<number>;
  /** Number of live sessions. */
  sessionCount(): Promise<number>;
  /** Stop the background sweep and release the in-process state of every session. */
  close(): void;
};

class Fault extends Error {
  constructor(
    readonly status: number,
    readonly faultCode: 'Client' | 'Server',
    readonly code: string,
    message: string,
    readonly errorId?: number,
  ) {
    super(message);
  }
}

const XML = 'text/xml; charset=utf-8';
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The Authentication Broker Service (MS-OCAUTHWS 3.3) as a web-standard handler: Request → Response.
 */
export function createAuthBrokerHandler(options: AuthBrokerHandlerOptions): AuthBrokerHandler {
  if (!options?.ticketVerifier || typeof options.ticketVerifier.verify !== 'function') {
    throw new AuthBrokerError('ERR_AUTHBROKER_TICKET', 'ticketVerifier: expected an object with verify(envelope), received none');
  }
  if (!options.credentialSource || typeof options.credentialSource.acquire !== 'function') {
    throw new AuthBrokerError('ERR_AUTHBROKER_CREDENTIAL', 'credentialSource: expected an object with acquire(request), received none');
  }
  const store = options.sessionStore ?? new MemoryAuthBrokerSessionStore();
  const now = () => (options.clock ? options.clock().getTime() : Date.now());
  const uuid = options.randomUUID ?? nodeRandomUUID;
  const idleMs = (options.sessionIdleSeconds ?? 600) * 1000;
  const prefV1 = options.hashAlgorithmsV1 ?? ['SHA1', 'SHA256', 'SHA384', 'SHA512'];
  const prefV2 = options.hashAlgorithmsV2 ?? ['SHA256', 'SHA384', 'SHA512', 'SHA1'];
  const maxBody = options.maxBodyBytes ?? 1 << 20;
  const maxInput = options.maxInputBytes ?? 64 * 1024;
  const maxSessions = options.maxSessions ?? 10_000;
  const maxTargets = options.maxTargetsPerSession ?? 8;
  const maxPerUser = options.maxSessionsPerUser ?? 32;

  /** In-process state of a session: its credential (with the private key) and live SAs per target. */
  interface Live {
    credential: (TlsDskCredential & { notAfter: Date }) | undefined;
    securityAssociations: Map<string, TlsDskClient>;
  }
  const live = new Map<string, Live>();
  const liveOf = (id: string): Live => {
    let l = live.get(id);
    if (!l) live.set(id, (l = { credential: undefined, securityAssociations: new Map() }));
    return l;
  };
  const release = (id: string) => {
    const l = live.get(id);
    if (!l) return;
    for (const sa of l.securityAssociations.values()) sa.destroy();
    live.delete(id);
  };

  async function sweep(): Promise<number> {
    const gone = await store.sweep(now() - idleMs);
    gone.forEach(release);
    // Live state whose record another node (or the store) removed.
    if (live.size > gone.length) for (const id of [...live.keys()]) if (!(await store.get(id))) release(id);
    return gone.length;
  }

  /** Session lookup shared by every operation but Create: unknown, expired, other user's, wrong version. */
  async function session(req: ParsedAuthBrokerRequest, ticket: AuthBrokerTicket, id: string | null | undefined, version: 1 | 2 | 'any'): Promise<AuthBrokerSessionRecord | { status: number; why: string }> {
    const field = req.operation === 'TerminateAuthBrokerSession' ? 'sessionID' : 'sessionid';
    if (id === undefined || id === null || id === '') return { status: SecurityStatus.InvalidHandle, why: `${field}: expected the SessionId returned by CreateAuthBrokerSession${version === 2 ? 'V2' : ''}, received none` };
    const s = await store.get(id);
    if (!s || s.sipUri !== ticket.sipUri) return { status: SecurityStatus.InvalidHandle, why: `${field}: expected a live session of this user, received unknown session id ${describeReceived(id)}` };
    if (now() - s.lastActivity > idleMs) {
      await store.delete(s.id);
      release(s.id);
      return { status: SecurityStatus.ContextExpired, why: `${field}: session ${describeReceived(id)} expired after ${idleMs / 1000} s of inactivity (MS-OCAUTHWS 3.3.2); create a new session` };
    }
    if (version !== 'any' && s.version !== version) {
      return { status: SecurityStatus.OutOfSequence, why: `${req.operation}: session ${describeReceived(id)} was created by CreateAuthBrokerSession${s.version === 2 ? 'V2' : ''}; use the ${s.version === 2 ? 'V2' : 'V1'} operations with it` };
    }
    s.lastActivity = now();
    await store.set(s);
    return s;
  }

  async function createSession(ticket: AuthBrokerTicket, version: 1 | 2, hash: HashAlgorithmName | null): Promise<AuthBrokerSessionRecord> {
    await sweep();
    if ((await store.size()) >= maxSessions) throw new Fault(503, 'Server', 'ERR_AUTHBROKER_SESSION_LIMIT', `the broker holds its maximum of ${maxSessions} sessions; retry later`);
    if (store.countForUser && (await store.countForUser(ticket.sipUri)) >= maxPerUser) {
      throw new Fault(400, 'Client', 'ERR_AUTHBROKER_SESSION_LIMIT', `${ticket.sipUri} already holds ${maxPerUser} sessions (the per-user maximum); terminate one or let it expire`);
    }
    const t = now();
    const s: AuthBrokerSessionRecord = {
      id: uuid(),
      sipUri: ticket.sipUri,
      version,
      protocol: version === 2 ? 'TLSv1.2' : 'TLSv1',
      hashAlgorithm: hash,
      createdAt: t,
      lastActivity: t,
      credentialRequested: false,
      sipInstance: null,
      credentialNotAfter: null,
    };
    await store.set(s);
    return s;
  }

  async function acquire(req: ParsedAuthBrokerRequest, ticket: AuthBrokerTicket, body: AuthBrokerRequestBodies['AuthBrokerAcquireCredentialV2'], version: 1 | 2): Promise<number> {
    const s = await session(req, ticket, body.sessionId, version);
    if (!('id' in s)) throw new Fault(400, 'Client', s.status === SecurityStatus.ContextExpired ? 'ERR_AUTHBROKER_SESSION_EXPIRED' : s.status === SecurityStatus.OutOfSequence ? 'ERR_AUTHBROKER_SEQUENCE' : 'ERR_AUTHBROKER_SESSION_UNKNOWN', s.why);
    if (s.credentialRequested) {
      throw new Fault(400, 'Client', 'ERR_AUTHBROKER_SEQUENCE', `${req.operation}: can be called once per session (MS-OCAUTHWS 3.3.4); session ${describeReceived(s.id)} already has its credential request; create a new session`);
    }
    if (typeof body.sipInstance !== 'string' || body.sipInstance.trim() === '') {
      throw new Fault(400, 'Client', 'ERR_AUTHBROKER_MESSAGE', `${req.operation}.sipInstance: expected the endpoint's SIPInstance (MS-SIPRE 4.2), received ${describeReceived(body.sipInstance)}`);
    }
    if (version === 2) {
      try {
        s.hashAlgorithm = negotiateHashAlgorithm(body.supportedHashAlgorithms, prefV2);
      } catch (e) {
        throw new Fault(400, 'Client', 'ERR_AUTHBROKER_HASH_ALGORITHM', (e as Error).message);
      }
    }
    s.credentialRequested = true;
    s.sipInstance = body.sipInstance;
    await store.set(s);
    const cred = await obtain(s, ticket);
    if (!cred) return 0;
    s.credentialNotAfter = cred.notAfter.getTime();
    await store.set(s);
    liveOf(s.id).credential = cred;
    return Math.floor((cred.notAfter.getTime() - now()) / 1000);
  }

  /** The credential from the source, with its notAfter; undefined when none or expired (→ 0). */
  async function obtain(s: AuthBrokerSessionRecord, ticket: AuthBrokerTicket): Promise<(TlsDskCredential & { notAfter: Date }) | undefined> {
    let cred: AcquiredCredential | null = null;
    try {
      cred = await options.credentialSource.acquire({ sipUri: s.sipUri, sipInstance: s.sipInstance ?? '', sessionId: s.id, ticket });
    } catch {
      cred = null; // "zero … if obtaining the certificate failed" (3.3.4.3.2.2)
    }
    if (!cred) return undefined;
    let notAfter = cred.notAfter;
    if (!notAfter) {
      try {
        notAfter = new Date(new X509Certificate(typeof cred.certificate === 'string' ? cred.certificate : Buffer.from(cred.certificate)).validTo);
      } catch {
        return undefined;
      }
    }
    if (!(Math.floor((notAfter.getTime() - now()) / 1000) > 0)) return undefined;
    return { ...cred, notAfter };
  }

  async function negotiate(req: ParsedAuthBrokerRequest, ticket: AuthBrokerTicket, body: AuthBrokerRequestBodies['AuthBrokerNegotiateSecurityAssociation'], version: 1 | 2): Promise<NegotiateSaResponseV2> {
    const answer = (status: number, extra: Partial<NegotiateSaResponseV2> = {}, hash?: HashAlgorithmName): NegotiateSaResponseV2 => ({
      outString: extra.outString ?? null,
      securityStatus: status,
      maxSignature: extra.maxSignature ?? 0,
      ...(version === 2 ? { hashAlgorithm: hash ? HASH_ALGORITHM_IDS[hash] : 0 } : {}),
      clientSigningKey: extra.clientSigningKey ?? null,
      serverSigningKey: extra.serverSigningKey ?? null,
    });
    const s = await session(req, ticket, body.sessionId, version);
    if (!('id' in s)) return answer(s.status);
    const hash = s.hashAlgorithm ?? undefined;
    if (!s.credentialRequested) return answer(SecurityStatus.CredentialsNeeded, {}, hash);
    if (s.credentialNotAfter === null) return answer(SecurityStatus.NoCredentials, {}, hash);
    if (s.credentialNotAfter <= now()) return answer(SecurityStatus.CertExpired, {}, hash);
    const l = liveOf(s.id);
    // A record without in-process state (another node created it, or a restart): locate the credential again.
    l.credential ??= await obtain(s, ticket);
    const credential = l.credential;
    if (!credential) return answer(SecurityStatus.NoCredentials, {}, hash);
    const target = typeof body.target === 'string' ? body.target.trim() : '';
    if (!target) return answer(SecurityStatus.TargetUnknown, {}, hash);
    let input: Buffer | undefined;
    if (body.input !== undefined && body.input !== null && body.input !== '') {
      const compact = body.input.replace(/\s+/g, '');
      if (compact.length > Math.ceil(maxInput / 3) * 4) return answer(SecurityStatus.BufferNotEnough, {}, hash);
      if (!B64.test(compact) || compact.length % 4 !== 0) return answer(SecurityStatus.InvalidToken, {}, hash);
      input = Buffer.from(compact, 'base64');
    }
    let sa = l.securityAssociations.get(target);
    if (input === undefined) {
      // client_hello: (re)start the security association for this target.
      sa?.destroy();
      if (!sa && l.securityAssociations.size >= maxTargets) return answer(SecurityStatus.OutOfMemory, {}, hash);
      l.securityAssociations.delete(target);
      try {
        sa = new TlsDskClient({
          credential,
          protocol: s.protocol,
          target,
          ...(options.registrarTrust?.trustedCertificates ? { trustedCertificates: options.registrarTrust.trustedCertificates } : {}),
          verifyServer: options.registrarTrust?.verifyServer ?? true,
          ...(options.ciphers ? { ciphers: options.ciphers } : {}),
        });
      } catch {
        // The credential source handed over a certificate/key pair OpenSSL refuses (e.g. a key that
        // does not match the certificate).
        return answer(SecurityStatus.UnknownCredentials, {}, hash);
      }
      l.securityAssociations.set(target, sa);
    } else if (!sa) {
      return answer(SecurityStatus.OutOfSequence, {}, hash);
    }
    const step = await sa.step(input);
    const out = step.output.length ? Buffer.from(step.output).toString('base64') : '';
    if (step.status === SecurityStatus.OK && step.keys) {
      const result = answer(SecurityStatus.OK, {
        outString: out,
        maxSignature: HASH_DIGEST_BYTES[hash ?? 'SHA1'],
        clientSigningKey: Buffer.from(step.keys.clientSigningKey).toString('base64'),
        serverSigningKey: Buffer.from(step.keys.serverSigningKey).toString('base64'),
      }, hash);
      step.keys.clientSigningKey.fill(0);
      step.keys.serverSigningKey.fill(0);
      l.securityAssociations.delete(target);
      return result;
    }
    if (sa.state === 'failed') l.securityAssociations.delete(target);
    return answer(step.status, { outString: out }, hash);
  }

  async function dispatch(req: ParsedAuthBrokerRequest, ticket: AuthBrokerTicket): Promise<string> {
    const relatesTo = req.messageId;
    const h = relatesTo !== undefined ? { relatesTo } : {};
    switch (req.operation) {
      case 'CreateAuthBrokerSession': {
        const body = req.body as AuthBrokerRequestBodies['CreateAuthBrokerSession'];
        let hash: HashAlgorithmName;
        try {
          hash = negotiateHashAlgorithm(body.supportedHashAlgorithms, prefV1);
        } catch (e) {
          throw new Fault(400, 'Client', 'ERR_AUTHBROKER_HASH_ALGORITHM', (e as Error).message);
        }
        const s = await createSession(ticket, 1, hash);
        return buildAuthBrokerResponse('CreateAuthBrokerSession', { hashAlgorithm: hash, sessionId: s.id }, h);
      }
      case 'CreateAuthBrokerSessionV2': {
        const s = await createSession(ticket, 2, null);
        return buildAuthBrokerResponse('CreateAuthBrokerSessionV2', { sessionId: s.id }, h);
      }
      case 'TerminateAuthBrokerSession': {
        const body = req.body as AuthBrokerRequestBodies['TerminateAuthBrokerSession'];
        const s = await session(req, ticket, body.sessionId, 'any');
        if (!('id' in s)) throw new Fault(400, 'Client', s.status === SecurityStatus.ContextExpired ? 'ERR_AUTHBROKER_SESSION_EXPIRED' : 'ERR_AUTHBROKER_SESSION_UNKNOWN', s.why);
        await store.delete(s.id);
        release(s.id);
        return buildAuthBrokerResponse('TerminateAuthBrokerSession', {}, h);
      }
      case 'AuthBrokerAcquireCredential':
        return buildAuthBrokerResponse('AuthBrokerAcquireCredential', { result: await acquire(req, ticket, req.body as AuthBrokerRequestBodies['AuthBrokerAcquireCredential'], 1) }, h);
      case 'AuthBrokerAcquireCredentialV2':
        return buildAuthBrokerResponse('AuthBrokerAcquireCredentialV2', { result: await acquire(req, ticket, req.body as AuthBrokerRequestBodies['AuthBrokerAcquireCredentialV2'], 2) }, h);
      case 'AuthBrokerNegotiateSecurityAssociation': {
        const { hashAlgorithm: _v2only, ...v1 } = await negotiate(req, ticket, req.body as AuthBrokerRequestBodies['AuthBrokerNegotiateSecurityAssociation'], 1);
        return buildAuthBrokerResponse('AuthBrokerNegotiateSecurityAssociation', v1, h);
      }
      case 'AuthBrokerNegotiateSecurityAssociationV2':
        return buildAuthBrokerResponse('AuthBrokerNegotiateSecurityAssociationV2', await negotiate(req, ticket, req.body as AuthBrokerRequestBodies['AuthBrokerNegotiateSecurityAssociationV2'], 2), h);
    }
  }

  const handler = async (request: Request): Promise<Response> => {
    let relatesTo: string | undefined;
    try {
      if (request.method !== 'POST') throw new Fault(405, 'Client', 'ERR_AUTHBROKER_HTTP', `HTTP method: expected POST, received ${request.method}`);
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > maxBody) throw new Fault(413, 'Client', 'ERR_AUTHBROKER_HTTP', `body: expected at most ${maxBody} bytes, received ${declared}`);
      const bytes = new Uint8Array(await request.arrayBuffer());
      if (bytes.byteLength > maxBody) throw new Fault(413, 'Client', 'ERR_AUTHBROKER_HTTP', `body: expected at most ${maxBody} bytes, received ${bytes.byteLength}`);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new Fault(400, 'Client', 'ERR_AUTHBROKER_XML', 'body: expected UTF-8 XML, received bytes that are not UTF-8');
      }
      let req: ParsedAuthBrokerRequest;
      try {
        req = parseAuthBrokerRequest(text);
      } catch (e) {
        if (e instanceof AuthBrokerError) throw new Fault(400, 'Client', e.code, e.message);
        throw e;
      }
      relatesTo = req.messageId;
      const soapAction = request.headers.get('soapaction');
      if (soapAction !== null && soapAction.replace(/^"|"$/g, '') !== '' && soapAction.replace(/^"|"$/g, '') !== actionOf(req.operation, 'request')) {
        throw new Fault(400, 'Client', 'ERR_AUTHBROKER_ACTION', `SOAPAction: expected "${actionOf(req.operation, 'request')}" (the wsa:Action), received ${describeReceived(soapAction)}`);
      }
      if (!req.security) throw new Fault(401, 'Client', 'ERR_AUTHBROKER_TICKET', 'Header/Security: expected a wsse:Security header carrying the web ticket (MS-OCAUTHWS 3.3), received none', 28032);
      let ticket: AuthBrokerTicket;
      try {
        ticket = await options.ticketVerifier.verify(text, { document: req.document });
      } catch (e) {
        const err = e as { message?: string; errorId?: unknown; code?: unknown };
        const errorId = typeof err.errorId === 'number' ? err.errorId : 28032;
        throw new Fault(401, 'Client', typeof err.code === 'string' ? err.code : 'ERR_AUTHBROKER_TICKET', `web ticket rejected: ${err.message ?? String(e)}`, errorId);
      }
      if (!ticket || typeof ticket.sipUri !== 'string' || !ticket.sipUri) throw new Fault(401, 'Client', 'ERR_AUTHBROKER_TICKET', 'web ticket: the verifier returned no SIP URI', 28032);
      const xml = await dispatch(req, ticket);
      return new Response(xml, { status: 200, headers: { 'content-type': XML } });
    } catch (e) {
      const f = e instanceof Fault ? e : new Fault(500, 'Server', 'ERR_AUTHBROKER_INTERNAL', 'the Authentication Broker could not process the request (internal error)');
      const headers: Record<string, string> = { 'content-type': XML };
      if (f.errorId !== undefined) {
        // MS-OCAUTHWS 3.2.4.1 X-Ms-diagnostics, formatted by @ocauth/diagnostics (reason reduced to the header's character set).
        const fault = webTicketError(f.errorId)?.faultcode;
        headers['x-ms-diagnostics'] = formatMsDiagnostics({ errorId: f.errorId, source: options.serverFqdn ?? 'localhost', reason: toDiagnosticsText(f.message, 300), ...(fault ? { fault } : {}) });
        if (f.status === 401 && options.webTicketUrl) headers['x-ms-webticketurl'] = options.webTicketUrl;
      }
      headers['x-ocauth-error'] = f.code;
      // MS-OCAUTHWS 3.2: a web ticket that fails validation is answered with the SOAP fault of the 3.2 table
      // (wsse:InvalidSecurityToken for 28032–28034) whose detail is OCSDiagnosticsFaultType (2.2.4.1).
      const ticketFault = f.errorId !== undefined && webTicketError(f.errorId)
        ? buildOcsDiagnosticsFault({ errorId: f.errorId, faultstring: toDiagnosticsText(f.message, 300) })
        : undefined;
      const body = ticketFault
        ? `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://www.w3.org/2005/08/addressing/soap/fault</a:Action>${relatesTo !== undefined ? `<a:RelatesTo>${escapeText(relatesTo)}</a:RelatesTo>` : ''}</s:Header><s:Body>${ticketFault}</s:Body></s:Envelope>`
        : buildSoapFault({ code: f.faultCode, reason: f.message, ...(relatesTo !== undefined ? { relatesTo } : {}) });
      // SOAP 1.1 faults travel with HTTP 500 unless the failure is HTTP-level (401, 405, 413, 503).
      return new Response(body, { status: f.status === 400 ? 500 : f.status, headers });
    }
  };
  const interval = options.sweepIntervalSeconds ?? 60;
  let timer: NodeJS.Timeout | undefined;
  if (interval > 0) {
    timer = setInterval(() => void sweep().catch(() => undefined), interval * 1000);
    timer.unref();
  }
  const close = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    for (const id of [...live.keys()]) release(id);
  };
  return Object.assign(handler, { sweep, sessionCount: () => store.size(), close });
}


const escapeText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
