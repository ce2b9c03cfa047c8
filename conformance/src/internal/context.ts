// Shared state of one conformance run: the target, a fetch that trusts its CA, and lazily obtained
// artefacts (a PIN ticket, an issued certificate) so that checks reuse them instead of repeating
// expensive steps (RSA key generation, round trips).
import { randomBytes, randomUUID } from 'node:crypto';
import {
  buildAddressingHeaders,
  buildEnvelope,
  buildRequestSecurityToken,
  URI,
  WebTicketClient,
  type RequestSecurityToken,
  type WebTicket,
  type WebTicketCredentials,
} from '@ocauth/wstrust';
import { NS } from '@ocauth/diagnostics';
import { requestCertificate, type ProvisionedCertificate } from '@ocauth/certprov';
import { createHttpsFetch } from '@ocauth/server';
import { paths, type Target } from './target.js';

export class ManualCheck extends Error {
  readonly code = 'ERR_CONFORMANCE_MANUAL';
}
/**
 * Throw from a check that cannot be automated against this target (reported `manual` with the reason).
 * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL always, with `reason` as the message.
 */
export function manual(reason: string): never {
  throw new ManualCheck(reason);
}
/** Thrown by checks of statements that constrain only clients (reported `client-only` with the reason; not a server verdict). */
export class ClientOnly extends ManualCheck {}
/**
 * Throw from a check of a statement that constrains only clients (reported `client-only` with the reason).
 * @throws {ClientOnly} ERR_CONFORMANCE_MANUAL (a ManualCheck subclass) always, with `reason` as the message.
 */
export function clientOnly(reason: string): never {
  throw new ClientOnly(reason);
}
export class CheckFailed extends Error {
  readonly code = 'ERR_CONFORMANCE_CHECK';
}
export function expectThat(cond: unknown, message: string): asserts cond {
  if (!cond) throw new CheckFailed(message);
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export class RunContext {
  readonly fetch: typeof fetch;
  readonly paths: ReturnType<typeof paths>;
  #ticket: Promise<WebTicket> | undefined;
  #cert: Promise<ProvisionedCertificate & { rawRequest: string; rawResponse: string }> | undefined;

  /** @throws never (a `target` without a string `baseUrl` throws a TypeError) */
  constructor(readonly target: Target) {
    this.fetch = createHttpsFetch({ ca: target.ca, timeoutMs: 15_000 });
    this.paths = paths(target);
  }

  /**
   * The target's test user (SIP URI).
   * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL when the target has no user (--user).
   */
  requireUser(): string {
    if (!this.target.user) manual('no test user given (--user sip:...)');
    return this.target.user;
  }
  /**
   * Pin-binding credentials (the phone number, else the SIP URI, and the PIN).
   * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL when the target has no user (--user) or no PIN (--pin).
   */
  pinCredentials(): WebTicketCredentials {
    const user = this.requireUser();
    if (!this.target.pin) manual('no PIN given (--pin)');
    return { type: 'pin', identity: this.target.phone ?? user, pin: this.target.pin };
  }
  /**
   * Auth-binding credentials (the SIP URI and the password).
   * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL when the target has no user (--user) or no password (--password).
   */
  passwordCredentials(): WebTicketCredentials {
    const user = this.requireUser();
    if (!this.target.password) manual('no password given (--password)');
    return { type: 'password', username: user, password: this.target.password };
  }
  /**
   * Any credentials the target was given (PIN first).
   * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL when the target has no user, or neither a PIN nor a password.
   */
  anyCredentials(): WebTicketCredentials {
    return this.target.pin ? this.pinCredentials() : this.passwordCredentials();
  }
  /**
   * A WebTicketClient with these credentials over the run's fetch (which trusts the target's CA).
   * @throws never
   */
  client(credentials: WebTicketCredentials, opts: { sipUri?: string } = {}): WebTicketClient {
    return new WebTicketClient({ credentials, fetch: this.fetch, ...(opts.sipUri ? { sipUri: opts.sipUri } : {}) });
  }
  /**
   * A web ticket for the Certificate Provisioning Service (cached for the run, a rejection included).
   * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL (synchronously, on the first call) when the target has no user or no PIN/password.
   * @throws {WebTicketServiceError} (rejects) the errors of WebTicketClient.requestTicket: WebTicketServiceError ERR_WSTRUST_SERVICE
   *   (the service refused), ERR_WSTRUST_INVALID_RESPONSE / ERR_WSTRUST_SOAP_FORMAT (an unusable answer), TransportError
   *   ERR_TRANSPORT_TLS_UNTRUSTED / _HOSTNAME / _EXPIRED (the pool's TLS certificate), or Node's socket error.
   */
  ticket(): Promise<WebTicket> {
    this.#ticket ??= this.freshTicket();
    return this.#ticket;
  }
  /**
   * A new web ticket for the Certificate Provisioning Service, for each GetAndPublishCert request: a server
   * may issue one certificate per ticket (the reference server's default, `certificatesPerTicket: 1`).
   * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL (synchronously) when the target has no user or no PIN/password.
   * @throws {WebTicketServiceError} (rejects) the errors of WebTicketClient.requestTicket: WebTicketServiceError ERR_WSTRUST_SERVICE
   *   (the service refused), ERR_WSTRUST_INVALID_RESPONSE / ERR_WSTRUST_SOAP_FORMAT (an unusable answer), TransportError
   *   ERR_TRANSPORT_TLS_UNTRUSTED / _HOSTNAME / _EXPIRED (the pool's TLS certificate), or Node's socket error.
   */
  freshTicket(): Promise<WebTicket> {
    return this.client(this.anyCredentials(), { sipUri: this.requireUser() }).requestTicket(this.paths.certProv, this.paths.webTicket);
  }
  /**
   * A certificate issued by GetAndPublishCert, with the raw request/response (cached for the run, a rejection included).
   * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL (rejects) when the target has no user or no PIN/password.
   * @throws {WebTicketServiceError} (rejects) the errors of WebTicketClient.requestTicket: WebTicketServiceError ERR_WSTRUST_SERVICE
   *   (the service refused), ERR_WSTRUST_INVALID_RESPONSE / ERR_WSTRUST_SOAP_FORMAT (an unusable answer), TransportError
   *   ERR_TRANSPORT_TLS_UNTRUSTED / _HOSTNAME / _EXPIRED (the pool's TLS certificate), or Node's socket error.
   * @throws {CertificateRequestError} (rejects) the errors of @ocauth/certprov's requestCertificate: ERR_CERTPROV_HTTP (an
   *   answer other than HTTP 200), ERR_CERTPROV_TIMEOUT, ERR_CERTPROV_CERTIFICATE_MISMATCH (not the certificate asked
   *   for); GetAndPublishCertError ERR_CERTPROV_RESPONSE_ERROR (ErrorInfo) / ERR_CERTPROV_RESPONSE_MALFORMED; CsrError
   *   ERR_CERTPROV_BASE64.
   */
  certificate(): Promise<ProvisionedCertificate & { rawRequest: string; rawResponse: string }> {
    this.#cert ??= (async () => {
      const ticket = await this.freshTicket();
      let rawRequest = '';
      let rawResponse = '';
      const f = (async (u: string | URL | Request, init?: RequestInit) => {
        rawRequest = String(init?.body ?? '');
        const r = await this.fetch(u, init);
        rawResponse = await r.clone().text();
        return r;
      }) as typeof fetch;
      const got = await requestCertificate({
        url: this.paths.certProv,
        sipUri: this.requireUser(),
        ticket,
        keySizeBits: 2048,
        validity: { period: 'Months', units: 6 },
        fetch: f,
      });
      return { ...got, rawRequest, rawResponse };
    })();
    return this.#cert;
  }

  /**
   * POST a SOAP 1.1 body and read the whole answer (any HTTP status).
   * @throws never synchronously; rejects with Node's socket / TLS error (e.g. ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE)
   *   or an Error "… no answer within 15000 ms" (createHttpsFetch of @ocauth/server).
   */
  async post(url: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    const r = await this.fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body });
    return { status: r.status, headers: r.headers, text: await r.text() };
  }

  /**
   * A well-formed RST (MS-OCAUTHWS 3.2.4.1.3.3) with overrides.
   * @throws never (a `Lifetime` override holding an invalid Date throws a RangeError)
   */
  rst(over: Partial<RequestSecurityToken> = {}): { xml: string; context: string } {
    const context = over.Context ?? randomUUID();
    const xml = buildRequestSecurityToken({
      Context: context,
      TokenType: URI.tokenTypeSaml11,
      RequestType: URI.requestTypeIssue,
      AppliesTo: this.paths.certProv,
      Entropy: randomBytes(32),
      KeyType: URI.keyTypeSymmetric,
      ...over,
    });
    return { xml, context };
  }
  /**
   * Send an RST body to the Pin (or Auth) binding with the target's credentials; the answer is returned whatever its status.
   * @throws {ManualCheck} ERR_CONFORMANCE_MANUAL (rejects) when the target has no user, or no PIN (Pin binding) / password (Auth binding).
   * @throws {Error} (rejects) Node's socket / TLS error or the 15 s timeout, as {@link RunContext.post}.
   */
  async issueRaw(rstXml: string, opts: { binding?: 'Pin' | 'Auth'; pin?: string; extraHeaders?: string[]; messageId?: string } = {}): Promise<RawResponse> {
    const binding = opts.binding ?? (this.target.pin ? 'Pin' : 'Auth');
    const url = `${this.paths.webTicket}/${binding}`;
    const headers = [
      ...(opts.extraHeaders ?? []),
      ...buildAddressingHeaders({ action: URI.actionRstIssue, messageId: opts.messageId ?? `urn:uuid:${randomUUID()}`, to: url }),
    ];
    const h: Record<string, string> = { soapaction: `"${URI.actionRstIssue}"` };
    if (binding === 'Pin') {
      const c = this.pinCredentials() as { identity: string; pin: string };
      h.authorization = 'Basic ' + Buffer.from(`${c.identity}:${opts.pin ?? c.pin}`).toString('base64');
    } else {
      const c = this.passwordCredentials() as { username: string; password: string };
      headers.unshift(
        `<o:Security xmlns:o="${NS.wsse}"><o:UsernameToken><o:Username>${esc(c.username)}</o:Username><o:Password Type="${URI.passwordText}">${esc(opts.pin ?? c.password)}</o:Password></o:UsernameToken></o:Security>`,
      );
    }
    return this.post(url, buildEnvelope({ headers, body: rstXml }), h);
  }
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
