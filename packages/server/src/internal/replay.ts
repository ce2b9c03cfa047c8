// Replay and body-grafting defences (issue 16 item 3). The proof-of-possession signature of a
// holder-of-key ticket covers the wsu:Timestamp (as the spec's examples and real clients do), and SIPE
// re-sends one signed Timestamp for the life of its ticket, so the Timestamp alone cannot tell a replay.
// - Exact replays are refused: a request's key is its SignatureValue plus the digest of its Body; it is
//   recorded in the store (shared by a pool's servers) until the Timestamp expires.
// - A ticket obtains at most `certificatesPerTicket` certificates (default 1): a captured Security header
//   grafted onto an attacker's Body is refused once the ticket's certificate was issued.
// - `requireSignedBody` refuses requests whose Body is not covered by the signature (strict; SIPE and
//   the spec's examples do not sign it). When a client signs the Body, wstrust verifies its digest.
// - The Web Ticket Service's Cert binding requires the Body (the RST with the client's Entropy) signed
//   with the certificate key, so a captured Cert-binding request cannot get a ticket with the attacker's
//   Entropy; exact replays of it are refused too.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { canonicalize, EXC_C14N } from '@ocauth/c14n';
import { buildOcsDiagnosticsFault, formatMsDiagnostics, toDiagnosticsText, WEB_TICKET_ERRORS } from '@ocauth/diagnostics';
import { NS } from '@ocauth/diagnostics';
import { verifyCertificateMessage, type TicketVerifier, type VerifiedTicket } from '@ocauth/wstrust';
import type { SecurityStore } from './store/security-tables.js';
import type { WebHandler } from './node-adapter.js';

export interface ProofPolicy {
  /** Refuse requests whose soap:Body is not signed with the ticket's proof key (default false: SIPE does not sign it). */
  requireSignedBody?: boolean;
  /** Certificates one web ticket may obtain from Certificate Provisioning (default 1). */
  certificatesPerTicket?: number;
  /** Cert binding: accept a request whose Body is not signed by the certificate key (default false). */
  certBindingAcceptUnsignedBody?: boolean;
}

class ProofError extends Error {
  readonly errorId = 28032;
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ProofError';
  }
}

type Envelope = NonNullable<VerifiedTicket['envelope']>;

function signatureValueOf(env: Envelope): string {
  type El = { localName?: string; namespaceURI?: string; textContent?: string | null; childNodes: ArrayLike<El>; getElementsByTagNameNS(ns: string, n: string): ArrayLike<El> };
  const header = env.header as unknown as El | undefined;
  const sec = header ? Array.from(header.getElementsByTagNameNS(NS.wsse, 'Security')) : [];
  for (const s of sec) {
    const sig = Array.from(s.childNodes).find((c) => c.localName === 'Signature' && c.namespaceURI === NS.ds);
    const sv = sig ? sig.getElementsByTagNameNS(NS.ds, 'SignatureValue')[0] : undefined;
    if (sv) return (sv.textContent ?? '').replace(/\s+/g, '');
  }
  return '';
}

/** The replay key of a signed request: SignatureValue and the digest of its Body. */
function replayKey(env: Envelope): string {
  const body = createHash('sha256').update(canonicalize(env.body as never, { algorithm: EXC_C14N })).digest('base64');
  return 'replay|' + createHash('sha256').update(`${signatureValueOf(env)}|${body}`).digest('base64');
}

interface Claims { keys: string[] }
const requestClaims = new AsyncLocalStorage<Claims>();

export function proofGuards(store: SecurityStore, policy: ProofPolicy, clock: () => Date, skewMs: number) {
  const perTicket = policy.certificatesPerTicket ?? 1;

  const guardReplay = async (v: VerifiedTicket) => {
    if (!v.envelope || !v.timestamp) return; // not signed (broker with brokerAcceptUnsignedTickets)
    if (policy.requireSignedBody && !v.signedElements.includes(v.envelope.body))
      throw new ProofError('ERR_SERVER_BODY_UNSIGNED', 'ds:SignedInfo: expected a Reference covering soap:Body (policy requireSignedBody), received none');
    const now = clock().getTime();
    if (!(await store.claimOnce(replayKey(v.envelope), v.timestamp.expires.getTime() + skewMs, now)))
      throw new ProofError('ERR_WSTRUST_REPLAY', `request: expected a message not seen before, received a replay (same signature and Body) signed at ${v.timestamp.created.toISOString()}`);
  };

  // The store unreachable: fail closed, as a store outage (certprov answers InternalError, as for a failing user lookup).
  const storeDown = (e: unknown): never => {
    if (e instanceof ProofError) throw e;
    throw Object.assign(new Error(`replay cache unavailable: ${(e as Error)?.message ?? String(e)}`), { code: typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'ERR_SERVER_STORE_UNAVAILABLE', errorId: 28032, httpStatus: 503, responseCode: 'InternalError' });
  };

  return {
    /** Verifier for services called with a ticket: replay defence (and requireSignedBody). */
    replayGuarded(v: TicketVerifier): TicketVerifier {
      return {
        ...v,
        verify: async (input, parsed) => {
          const r = await v.verify(input, parsed);
          await guardReplay(r).catch(storeDown);
          return r;
        },
      };
    },
    /** Certificate Provisioning's verifier: replay defence and the certificate count per ticket. */
    certProvGuarded(v: TicketVerifier): TicketVerifier {
      return {
        ...v,
        verify: async (input, parsed) => {
          const r = await v.verify(input, parsed);
          await guardReplay(r).catch(storeDown);
          const now = clock().getTime();
          const until = r.notOnOrAfter.getTime() + skewMs;
          for (let i = 0; i < perTicket; i++) {
            const key = `ticketcert|${r.assertionId}|${i}`;
            if (await store.claimOnce(key, until, now).catch(storeDown)) {
              requestClaims.getStore()?.keys.push(key);
              return r;
            }
          }
          throw new ProofError('ERR_SERVER_TICKET_USED', `web ticket ${r.assertionId}: expected a ticket that has not obtained a certificate yet (policy certificatesPerTicket ${perTicket}), received one that has`);
        },
      };
    },
    /** Certificate Provisioning handler: a request that issued no certificate gives its ticket's claim back. */
    certProvHandler(h: WebHandler): WebHandler {
      return (req) => {
        const claims: Claims = { keys: [] };
        return requestClaims.run(claims, async () => {
          const res = await h(req);
          if (claims.keys.length && !(res.status === 200 && (await res.clone().text()).includes('ResponseClass="Success"'))) for (const k of claims.keys) await store.releaseClaim(k);
          return res;
        });
      };
    },
    /** Web Ticket Service: the Cert binding requires a signed Body and refuses exact replays. */
    webTicketHandler(h: WebHandler): WebHandler {
      return async (req) => {
        if (req.method !== 'POST' || !/\/cert\/?$/i.test(new URL(req.url).pathname)) return h(req);
        const text = await req.clone().text();
        let v;
        try {
          v = verifyCertificateMessage(text, { now: clock(), skewSeconds: skewMs / 1000 });
        } catch {
          return h(req); // the Web Ticket Service answers the failure itself
        }
        const refuse = (why: string) => {
          const e = WEB_TICKET_ERRORS[28012]!;
          const version = v.envelope.version;
          const host = new URL(req.url).hostname;
          const diagnostics = formatMsDiagnostics({ errorId: e.errorId, ...(/^[A-Za-z0-9\-._~]+$/.test(host) ? { source: host } : {}), reason: toDiagnosticsText(e.reason), fault: e.faultcode });
          return new Response(buildOcsDiagnosticsFault({ errorId: e.errorId, reason: e.reason, faultcode: 'wsse:FailedAuthentication', faultstring: `${e.reason} (${why})`, soapVersion: version }), {
            status: 500,
            headers: { 'content-type': version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8', 'x-ms-diagnostics': diagnostics },
          });
        };
        if (!policy.certBindingAcceptUnsignedBody && !v.signedElements.includes(v.envelope.body)) return refuse('the soap:Body is not signed by the certificate');
        const now = clock().getTime();
        if (!(await store.claimOnce(replayKey(v.envelope as Envelope), v.timestamp.expires.getTime() + skewMs, now))) return refuse('a replay of an earlier request');
        return h(req);
      };
    },
  };
}
