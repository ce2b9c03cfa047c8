// Shared state of one conformance run: the target, a fetch that trusts its CA, and lazily obtained
// artefacts (a PIN ticket, an issued certificate) so that checks reuse them instead of repeating
// expensive steps (RSA key generation, round trips).
import { randomBytes, randomUUID } from 'node:crypto';
import {
  buildAddressingHeaders, buildEnvelope, buildRequestSecurityToken, URI, WebTicketClient, type RequestSecurityToken, type WebTicket,
  type WebTicketCredentials,
} from '@ocauth/wstrust';
import { NS } from '@ocauth/diagnostics';
import { requestCertificate, type ProvisionedCertificate } from '@ocauth/certprov';
import { createHttpsFetch } from '@ocauth/server';
import { paths, type Target } from './target.js';

export class ManualCheck extends Error {
  readonly code = 'ERR_CONFORMANCE_MANUAL';
}
/** Throw from a check that cannot be automated against this target (reported `manual` with the reason). */
export function manual(reason: string): never {
  throw new ManualCheck(reason);
}
/** Thrown by checks of statements that constrain only clients (reported `client-only` with the reason; not a server verdict). */
export class ClientOnly extends ManualCheck {}
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

  constructor(readonly target: Target) {
    this.fetch = createHttpsFetch({ ca: target.ca, timeoutMs: 15_000 });
    this.paths = paths(target);
  }

  requireUser(): string {
    if (!this.target.user) manual('no test user given (--user sip:...)');
    return this.target.user;
  }
  pinCredentials(): WebTicketCredentials {
    const user = this.requireUser();
    if (!this.target.pin) manual('no PIN given (--pin)');
    return { type: 'pin', identity: this.target.phone ?? user, pin: this.target.pin };
  }
  passwordCredentials(): WebTicketCredentials {
    const user = this.requireUser();
    if (!this.target.password) manual('no password given (--password)');
    return { type: 'password', username: user, password: this.target.password };
  }
  /** Any credentials the target was given (PIN first). */
  anyCredentials(): WebTicketCredentials {
    return this.target.pin ? this.pinCredentials() : this.passwordCredentials();
  }
  client(credentials: WebTicketCredentials, opts: { sipUri?: string } = {}): WebTicketClient {
    return new WebTicketClient({ credentials, fetch: this.fetch, ...(opts.sipUri ? { sipUri: opts.sipUri } : {}) });
  }
  /** A web ticket for the Certificate Provisioning Service (cached for the run). */
  ticket(): Promise<WebTicket> {
    this.#ticket ??= this.freshTicket();
    return this.#ticket;
  }
  /**
   * A new web ticket for the Certificate Provisioning Service, for each GetAndPublishCert request: a server
   * may issue one certificate per ticket (the reference server's default, `certificatesPerTicket: 1`).
   */
  freshTicket(): Promise<WebTicket> {
    return this.client(this.anyCredentials(), { sipUri: this.requireUser() }).requestTicket(this.paths.certProv, this.paths.webTicket);
  }
  /** A certificate issued by GetAndPublishCert, with the raw request/response (cached for the run). */
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
      const got = await requestCertificate({ url: this.paths.certProv, sipUri: this.requireUser(), ticket, keySizeBits: 2048, validity: { period: 'Months', units: 6 }, fetch: f });
      return { ...got, rawRequest, rawResponse };
    })();
    return this.#cert;
  }

  async post(url: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    const r = await this.fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body });
    return { status: r.status, headers: r.headers, text: await r.text() };
  }

  /** A well-formed RST (MS-OCAUTHWS 3.2.4.1.3.3) with overrides. */
  rst(over: Partial<RequestSecurityToken> = {}): { xml: string; context: string } {
    const context = over.Context ?? randomUUID();
    const xml = buildRequestSecurityToken({
      Context: context, TokenType: URI.tokenTypeSaml11, RequestType: URI.requestTypeIssue, AppliesTo: this.paths.certProv, Entropy: randomBytes(32), KeyType: URI.keyTypeSymmetric,
      ...over,
    });
    return { xml, context };
  }
  /** Send an RST body to the Pin (or Auth) binding with the target's credentials. */
  async issueRaw(rstXml: string, opts: { binding?: 'Pin' | 'Auth'; pin?: string; extraHeaders?: string[]; messageId?: string } = {}): Promise<RawResponse> {
    const binding = opts.binding ?? (this.target.pin ? 'Pin' : 'Auth');
    const url = `${this.paths.webTicket}/${binding}`;
    const headers = [...(opts.extraHeaders ?? []), ...buildAddressingHeaders({ action: URI.actionRstIssue, messageId: opts.messageId ?? `urn:uuid:${randomUUID()}`, to: url })];
    const h: Record<string, string> = { soapaction: `"${URI.actionRstIssue}"` };
    if (binding === 'Pin') {
      const c = this.pinCredentials() as { identity: string; pin: string };
      h.authorization = 'Basic ' + Buffer.from(`${c.identity}:${opts.pin ?? c.pin}`).toString('base64');
    } else {
      const c = this.passwordCredentials() as { username: string; password: string };
      headers.unshift(`<o:Security xmlns:o="${NS.wsse}"><o:UsernameToken><o:Username>${esc(c.username)}</o:Username><o:Password Type="${URI.passwordText}">${esc(opts.pin ?? c.password)}</o:Password></o:UsernameToken></o:Security>`);
    }
    return this.post(url, buildEnvelope({ headers, body: rstXml }), h);
  }
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
