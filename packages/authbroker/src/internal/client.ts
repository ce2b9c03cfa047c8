// MS-OCAUTHWS 3.3 Authentication Broker client: the seven operations over HTTP(S) and a whole TLS-DSK handshake.
import { randomUUID as nodeRandomUUID } from 'node:crypto';
import { explainAll, findingForWebTicketError, parseMsDiagnostics, webTicketError, withTransportErrors, type Finding } from '@ocauth/diagnostics';
import { AuthBrokerError, describeReceived } from './errors.js';
import { HASH_ALGORITHMS, hashAlgorithmFromId, type HashAlgorithmName } from './hash-algorithm.js';
import {
  AuthBrokerSoapFault,
  buildAuthBrokerRequest,
  parseAuthBrokerResponse,
  type AuthBrokerRequestBodies,
  type AuthBrokerResponseBodies,
} from './messages.js';
import { actionOf, type AuthBrokerOperation } from './actions.js';
import { formatSecurityStatus, SecurityStatus } from './security-status.js';

/** A web ticket as XML, or an object carrying it (a WebTicket from @ocauth/wstrust). */
export type WebTicketInput = string | { readonly assertionXml: string };

const ticketXml = (t: unknown): string => {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && typeof (t as { assertionXml?: unknown }).assertionXml === 'string') return (t as { assertionXml: string }).assertionXml;
  throw new AuthBrokerError(
    'ERR_AUTHBROKER_TICKET',
    `webTicket: expected the saml:Assertion XML string or a WebTicket (with assertionXml), received ${describeReceived(t)}`,
  );
};

export interface AuthBrokerClientOptions {
  /** The broker's URL, e.g. https://pool.contoso.com/Reach/Sip.svc/AuthBroker (sent as wsa:To). */
  url: string;
  /**
   * The web ticket: the saml:Assertion XML as issued by the Web Ticket Service, a WebTicket from
   * @ocauth/wstrust (its `assertionXml` is used), or a function returning either.
   */
  webTicket: WebTicketInput | (() => WebTicketInput | Promise<WebTicketInput>);
  fetch?: typeof fetch;
  clock?: () => Date;
  randomUUID?: () => string;
  /** Lifetime of the wsu:Timestamp (seconds, default 300 as in the spec examples). */
  timestampSeconds?: number;
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
  /** Abort a call that takes longer than this (ms, default 30 000; 0 = no limit). */
  timeoutMs?: number;
  /**
   * Proof of possession for holder-of-key tickets (MS-OCAUTHWS 3.2, web service web applications):
   * given the request envelope without wsse:Security, return it signed — wsu:Timestamp, the ticket
   * and an HMAC signature with the ticket's proof key. With @ocauth/wstrust:
   * `(envelope) => signMessage({ envelope, proofKey, assertionId, token: webTicket })`.
   * Without it the ticket travels as in the spec examples (4.3.1 …): Timestamp and ticket, unsigned.
   */
  signEnvelope?: (envelope: string, context: { webTicket: string; now: Date }) => string | Promise<string>;
}

/** A negotiation leg's answer with the keys decoded. */
export interface NegotiateSaResult {
  securityStatus: number;
  /** gssapi-data to send to the SIP server (base64), '' when none. */
  outString: string;
  maxSignature: number;
  clientSigningKey?: Uint8Array;
  serverSigningKey?: Uint8Array;
  /** V2 only: the finalized hash algorithm (ALG_ID) and its name when known. */
  hashAlgorithmId?: number;
  hashAlgorithm?: HashAlgorithmName;
}

/** Transport of gssapi-data to the SIP server: send the broker's token, return the server's answer ('' or null when it sent none). */
export type GssapiExchange = (gssapiData: string) => Promise<string | null>;

/**
 * Client of the Authentication Broker Service (MS-OCAUTHWS 3.3): all seven operations, plus
 * `handshake()`, which drives a whole TLS-DSK negotiation between the broker and a SIP server.
 * @throws {AuthBrokerError} from the constructor: ERR_AUTHBROKER_HTTP (`url` not http(s)), ERR_AUTHBROKER_TICKET (`webTicket`
 *   neither XML nor a WebTicket). Every operation rejects with ERR_AUTHBROKER_HTTP (transport failure, timeout, not a SOAP
 *   answer, not HTTP 200), ERR_AUTHBROKER_XML / ERR_AUTHBROKER_ACTION / ERR_AUTHBROKER_MESSAGE (the answer is not the
 *   operation's response, or RelatesTo differs), ERR_AUTHBROKER_TICKET (a `webTicket` function returned neither);
 *   `handshake()` also with ERR_AUTHBROKER_NEGOTIATION (a status other than ContinueNeeded/OK, or no gssapi-data).
 * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a fault (with its HTTP status,
 *   X-Ms-diagnostics ErrorId and finding).
 */
export class AuthBrokerClient {
  private readonly fetch: typeof fetch;
  /**
   * @throws {AuthBrokerError} ERR_AUTHBROKER_HTTP when `options` is missing or `url` is not an http(s) URL,
   *   ERR_AUTHBROKER_TICKET when `webTicket` (not a function) is neither an XML string nor an object with `assertionXml`.
   */
  constructor(private readonly options: AuthBrokerClientOptions) {
    if (!options || typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
      throw new AuthBrokerError('ERR_AUTHBROKER_HTTP', `url: expected an http(s) URL, received ${describeReceived(options?.url)}`);
    }
    this.fetch = withTransportErrors(options.fetch ?? globalThis.fetch, 'AuthBrokerClient');
    if (typeof options.webTicket !== 'function') ticketXml(options.webTicket);
  }

  /**
   * Send one operation and return its parsed response body.
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_TICKET when the `webTicket` function returns neither XML nor a WebTicket;
   *   ERR_AUTHBROKER_MESSAGE when a `body` field has the wrong type, the answer's envelope or body is not as the schema says,
   *   or its RelatesTo differs from the request's MessageID; ERR_AUTHBROKER_HTTP when the request fails (the `cause` is
   *   the fetch error, or a TransportError ERR_TRANSPORT_TLS_UNTRUSTED / _HOSTNAME / _EXPIRED for TLS trouble), no answer
   *   comes within `timeoutMs`, the answer is not SOAP XML, or its status is not 200; ERR_AUTHBROKER_XML when the answer
   *   is not well-formed; ERR_AUTHBROKER_ACTION when it is not `operation`'s response. Errors thrown by the `webTicket`,
   *   `signEnvelope`, `clock` or `randomUUID` options propagate unchanged.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault (with the HTTP status,
   *   X-Ms-diagnostics ErrorId and finding, X-MS-WebTicketURL and X-OCAuth-Error of the answer).
   */
  async call<O extends AuthBrokerOperation>(operation: O, body: AuthBrokerRequestBodies[O]): Promise<AuthBrokerResponseBodies[O]> {
    const now = this.options.clock?.() ?? new Date();
    const messageId = `urn:uuid:${(this.options.randomUUID ?? nodeRandomUUID)()}`;
    const ticket = ticketXml(typeof this.options.webTicket === 'function' ? await this.options.webTicket() : this.options.webTicket);
    const sign = this.options.signEnvelope;
    const xml = sign
      ? await sign(buildAuthBrokerRequest(operation, body, { messageId, to: this.options.url }), { webTicket: ticket, now })
      : buildAuthBrokerRequest(operation, body, {
          messageId,
          to: this.options.url,
          timestamp: { created: now.toISOString(), expires: new Date(now.getTime() + (this.options.timestampSeconds ?? 300) * 1000).toISOString() },
          webTicket: ticket,
        });
    const timeout = this.options.timeoutMs ?? 30_000;
    // One deadline for the request and its body. A plain AbortController with a timer cleared when the
    // body has been read costs far less per call than AbortSignal.timeout (a transferable signal kept
    // alive by a FinalizationRegistry until the 30 s timer fires), and leaves no timer behind.
    const ac = timeout > 0 ? new AbortController() : undefined;
    const timer = ac ? setTimeout(() => ac.abort(new DOMException(`no answer within ${timeout} ms`, 'TimeoutError')), timeout) : undefined;
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${actionOf(operation, 'request')}"`, ...this.options.headers },
        body: xml,
        ...(ac ? { signal: ac.signal } : {}),
      });
      text = await res.text();
    } catch (e) {
      const why = (e as Error)?.name === 'TimeoutError' || ac?.signal.aborted ? `no answer within ${timeout} ms` : (e as Error).message;
      throw new AuthBrokerError('ERR_AUTHBROKER_HTTP', `${operation}: request to ${this.options.url} failed: ${why}`, { cause: e });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    const ctype = res.headers.get('content-type') ?? '';
    if (!/xml/i.test(ctype) || !text.trimStart().startsWith('<')) {
      throw new AuthBrokerError(
        'ERR_AUTHBROKER_HTTP',
        `${operation}: expected a SOAP response, received HTTP ${res.status} ${ctype || 'without content type'}`,
      );
    }
    try {
      const parsed = parseAuthBrokerResponse(text, operation);
      if (res.status !== 200) throw new AuthBrokerError('ERR_AUTHBROKER_HTTP', `${operation}: expected HTTP 200 for a response, received ${res.status}`);
      if (parsed.relatesTo !== undefined && parsed.relatesTo !== messageId) {
        throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `RelatesTo: expected ${messageId}, received ${describeReceived(parsed.relatesTo)}`);
      }
      return parsed.body;
    } catch (e) {
      if (e instanceof AuthBrokerSoapFault) throw withHttpAnswer(e, res);
      throw e;
    }
  }

  /**
   * CreateAuthBrokerSession (3.3.4.1): the session id and the hash algorithm the server chose.
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_HTTP, ERR_AUTHBROKER_XML, ERR_AUTHBROKER_ACTION, ERR_AUTHBROKER_MESSAGE,
   *   ERR_AUTHBROKER_TICKET as {@link AuthBrokerClient.call}; also ERR_AUTHBROKER_MESSAGE when the
   *   answer carries no SessionId.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault.
   */
  async createSession(supportedHashAlgorithms: readonly string[] = HASH_ALGORITHMS): Promise<{ sessionId: string; hashAlgorithm: string }> {
    const r = await this.call('CreateAuthBrokerSession', { supportedHashAlgorithms: [...supportedHashAlgorithms] });
    if (!r.sessionId) throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', 'CreateAuthBrokerSessionResult/SessionId: expected a session id, received none');
    return { sessionId: r.sessionId, hashAlgorithm: r.hashAlgorithm ?? '' };
  }

  /**
   * CreateAuthBrokerSessionV2 (3.3.4.5).
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_HTTP, ERR_AUTHBROKER_XML, ERR_AUTHBROKER_ACTION, ERR_AUTHBROKER_MESSAGE,
   *   ERR_AUTHBROKER_TICKET as {@link AuthBrokerClient.call}; also ERR_AUTHBROKER_MESSAGE when the
   *   answer carries no SessionId.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault.
   */
  async createSessionV2(): Promise<{ sessionId: string }> {
    const r = await this.call('CreateAuthBrokerSessionV2', {});
    if (!r.sessionId) throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', 'CreateAuthBrokerSessionV2Response/SessionId: expected a session id, received none');
    return { sessionId: r.sessionId };
  }

  /**
   * TerminateAuthBrokerSession (3.3.4.2).
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_HTTP, ERR_AUTHBROKER_XML, ERR_AUTHBROKER_ACTION, ERR_AUTHBROKER_MESSAGE,
   *   ERR_AUTHBROKER_TICKET as {@link AuthBrokerClient.call}.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault.
   */
  async terminateSession(sessionId: string): Promise<void> {
    await this.call('TerminateAuthBrokerSession', { sessionId });
  }

  /**
   * AuthBrokerAcquireCredential (3.3.4.3): remaining certificate lifetime in seconds (0: none).
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_HTTP, ERR_AUTHBROKER_XML, ERR_AUTHBROKER_ACTION, ERR_AUTHBROKER_MESSAGE,
   *   ERR_AUTHBROKER_TICKET as {@link AuthBrokerClient.call}.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault.
   */
  async acquireCredential(sessionId: string, sipInstance: string): Promise<number> {
    return (await this.call('AuthBrokerAcquireCredential', { sessionId, sipInstance })).result ?? 0;
  }

  /**
   * AuthBrokerAcquireCredentialV2 (3.3.4.6).
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_HTTP, ERR_AUTHBROKER_XML, ERR_AUTHBROKER_ACTION, ERR_AUTHBROKER_MESSAGE,
   *   ERR_AUTHBROKER_TICKET as {@link AuthBrokerClient.call}.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault.
   */
  async acquireCredentialV2(sessionId: string, sipInstance: string, supportedHashAlgorithms: readonly string[] = HASH_ALGORITHMS): Promise<number> {
    return (await this.call('AuthBrokerAcquireCredentialV2', { sessionId, sipInstance, supportedHashAlgorithms: [...supportedHashAlgorithms] })).result ?? 0;
  }

  /**
   * AuthBrokerNegotiateSecurityAssociation (3.3.4.4); omit `input` for the first leg.
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_HTTP, ERR_AUTHBROKER_XML, ERR_AUTHBROKER_ACTION, ERR_AUTHBROKER_MESSAGE,
   *   ERR_AUTHBROKER_TICKET as {@link AuthBrokerClient.call}; also ERR_AUTHBROKER_MESSAGE when the
   *   answer carries no SecurityStatus.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault.
   */
  async negotiateSecurityAssociation(sessionId: string, target: string, input?: string): Promise<NegotiateSaResult> {
    return decode(await this.call('AuthBrokerNegotiateSecurityAssociation', { sessionId, target, ...(input ? { input } : {}) }));
  }

  /**
   * AuthBrokerNegotiateSecurityAssociationV2 (3.3.4.7).
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_HTTP, ERR_AUTHBROKER_XML, ERR_AUTHBROKER_ACTION, ERR_AUTHBROKER_MESSAGE,
   *   ERR_AUTHBROKER_TICKET as {@link AuthBrokerClient.call}; also ERR_AUTHBROKER_MESSAGE when the
   *   answer carries no SecurityStatus.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault.
   */
  async negotiateSecurityAssociationV2(sessionId: string, target: string, input?: string): Promise<NegotiateSaResult> {
    return decode(await this.call('AuthBrokerNegotiateSecurityAssociationV2', { sessionId, target, ...(input ? { input } : {}) }));
  }

  /**
   * Drive a TLS-DSK negotiation ([MS-SIPAE] 3.2.5) between the broker and a SIP server: ask the
   * broker for the client_hello, hand each token to `exchange` (which talks to the SIP server) and
   * feed the server's answers back, until the broker returns OK with the signing keys.
   * @throws {AuthBrokerError} (rejects) ERR_AUTHBROKER_NEGOTIATION naming the SecurityStatus when the broker returns a
   *   status other than ContinueNeeded/OK (or OK without both signing keys) or `maxLegs` (default 8) legs do not finish,
   *   and when `exchange` returns no gssapi-data for a ContinueNeeded leg; each leg also rejects with
   *   ERR_AUTHBROKER_HTTP, ERR_AUTHBROKER_XML, ERR_AUTHBROKER_ACTION, ERR_AUTHBROKER_MESSAGE,
   *   ERR_AUTHBROKER_TICKET as {@link AuthBrokerClient.call}, ERR_AUTHBROKER_MESSAGE without a SecurityStatus. Errors thrown by
   *   `exchange` propagate unchanged.
   * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the broker answers a SOAP fault.
   */
  async handshake(params: {
    sessionId: string;
    target: string;
    version?: 1 | 2;
    exchange: GssapiExchange;
    maxLegs?: number;
  }): Promise<NegotiateSaResult & { clientSigningKey: Uint8Array; serverSigningKey: Uint8Array }> {
    const negotiate = (input?: string) =>
      params.version === 2
        ? this.negotiateSecurityAssociationV2(params.sessionId, params.target, input)
        : this.negotiateSecurityAssociation(params.sessionId, params.target, input);
    let r = await negotiate();
    for (let leg = 1; leg <= (params.maxLegs ?? 8); leg++) {
      if (r.securityStatus === SecurityStatus.OK && r.clientSigningKey && r.serverSigningKey) {
        if (r.outString) await params.exchange(r.outString);
        return r as NegotiateSaResult & { clientSigningKey: Uint8Array; serverSigningKey: Uint8Array };
      }
      if (r.securityStatus !== SecurityStatus.ContinueNeeded) break;
      const answer = await params.exchange(r.outString);
      if (!answer)
        throw new AuthBrokerError('ERR_AUTHBROKER_NEGOTIATION', `TLS-DSK with ${params.target}: the SIP server sent no gssapi-data after leg ${leg}`);
      r = await negotiate(answer);
    }
    throw new AuthBrokerError('ERR_AUTHBROKER_NEGOTIATION', `TLS-DSK with ${params.target} failed: SecurityStatus ${formatSecurityStatus(r.securityStatus)}`);
  }
}

/** The fault with what the HTTP answer around it says (status, X-Ms-diagnostics, X-MS-WebTicketURL, X-OCAuth-Error). */
function withHttpAnswer(e: AuthBrokerSoapFault, res: Response): AuthBrokerSoapFault {
  const diagnostics = res.headers.get('x-ms-diagnostics') ?? undefined;
  const d = diagnostics !== undefined ? parseMsDiagnostics(diagnostics) : undefined;
  let found: { errorId: number; reason: string | undefined; finding: Finding | undefined } | undefined;
  if (d?.ok) {
    const known = webTicketError(d.value.errorId);
    const extra = { ...(d.value.reason !== undefined ? { reason: d.value.reason } : {}), ...(d.value.source !== undefined ? { source: d.value.source } : {}) };
    const finding = known ? findingForWebTicketError(known, { ...extra, via: 'x-ms-diagnostics' }) : explainAll({ errorId: d.value.errorId, ...extra })[0];
    found = { errorId: d.value.errorId, reason: d.value.reason, finding };
  }
  return new AuthBrokerSoapFault(
    {
      faultCode: e.faultCode,
      faultString: e.faultString,
      detail: e.detail,
      httpStatus: res.status,
      diagnostics,
      ...found,
      webTicketUrl: res.headers.get('x-ms-webticketurl') ?? undefined,
      errorCode: res.headers.get('x-ocauth-error') ?? undefined,
    },
    { cause: e.cause },
  );
}

function decode(r: AuthBrokerResponseBodies['AuthBrokerNegotiateSecurityAssociationV2']): NegotiateSaResult {
  // A missing SecurityStatus must not read as 0 (OK).
  if (r.securityStatus === undefined)
    throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', 'NegotiateSaResponse/SecurityStatus: expected an xs:int status, received none');
  const out: NegotiateSaResult = { securityStatus: r.securityStatus, outString: r.outString ?? '', maxSignature: r.maxSignature ?? 0 };
  if (r.clientSigningKey) out.clientSigningKey = new Uint8Array(Buffer.from(r.clientSigningKey, 'base64'));
  if (r.serverSigningKey) out.serverSigningKey = new Uint8Array(Buffer.from(r.serverSigningKey, 'base64'));
  if (r.hashAlgorithm !== undefined) {
    out.hashAlgorithmId = r.hashAlgorithm;
    const name = hashAlgorithmFromId(r.hashAlgorithm);
    if (name) out.hashAlgorithm = name;
  }
  return out;
}
