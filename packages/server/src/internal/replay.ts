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
import type { StoredCertificate } from '@ocauth/certprov';
import { buildOcsDiagnosticsFault, formatMsDiagnostics, toDiagnosticsText, WEB_TICKET_ERRORS } from '@ocauth/diagnostics';
import { NS } from '@ocauth/diagnostics';
import { parseEnvelope, readSoapRequest, verifyCertificateMessage, type TicketVerifier, type VerifiedTicket } from '@ocauth/wstrust';
import type { SecurityStore } from './store/security-tables.js';
import { ClaimLostError, type ClaimGroup } from './store/sql.js';
import type { ServerStore } from './store/types.js';
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
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProofError';
  }
}

type Envelope = NonNullable<VerifiedTicket['envelope']>;

/**
 * The SIP URI an unverified request's ticket names (the text of its saml:NameIdentifier elements, when they agree),
 * to start reading that user while the ticket is verified; undefined when there is none to read ahead.
 */
export function unverifiedSubject(doc: unknown): string | undefined {
  try {
    const assertion = unverifiedTicket(doc)?.assertion;
    if (!assertion?.getElementsByTagNameNS) return undefined;
    const names = new Set(Array.from(assertion.getElementsByTagNameNS(NS.saml, 'NameIdentifier'), (n) => (n.textContent ?? '').trim()));
    return names.size === 1 ? [...names][0] : undefined;
  } catch {
    return undefined;
  }
}

type UnverifiedEl = {
  localName?: string;
  namespaceURI?: string;
  textContent?: string | null;
  childNodes: ArrayLike<UnverifiedEl>;
  getAttribute?(n: string): string | null;
  getElementsByTagNameNS?(ns: string, n: string): ArrayLike<UnverifiedEl>;
};
/**
 * A request document's envelope and the one saml:Assertion in its one wsse:Security header, before anything is
 * verified; found once per document (the claims read-ahead and the user prefetch both ask). Throws what
 * parseEnvelope throws.
 */
function unverifiedTicket(doc: unknown): { env: Envelope; assertion: UnverifiedEl | undefined } {
  const known = unverifiedTickets.get(doc as object);
  if (known) return known;
  const env = parseEnvelope(doc as Parameters<typeof parseEnvelope>[0]);
  const kids = (e: UnverifiedEl | undefined, ns: string, name: string) =>
    e ? Array.from(e.childNodes).filter((c) => c.localName === name && c.namespaceURI === ns) : [];
  const sec = kids(env.header as unknown as UnverifiedEl | undefined, NS.wsse, 'Security');
  const assertions = sec.length === 1 ? kids(sec[0], NS.saml, 'Assertion') : [];
  const found = { env, assertion: assertions.length === 1 ? assertions[0] : undefined };
  unverifiedTickets.set(doc as object, found);
  return found;
}
const unverifiedTickets = new WeakMap<object, { env: Envelope; assertion: UnverifiedEl | undefined }>();

function signatureValueOf(env: Envelope): string {
  type El = {
    localName?: string;
    namespaceURI?: string;
    textContent?: string | null;
    childNodes: ArrayLike<El>;
    getElementsByTagNameNS(ns: string, n: string): ArrayLike<El>;
  };
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
  const known = replayKeys.get(env.body as object);
  if (known !== undefined) return known;
  const key = computeReplayKey(env);
  replayKeys.set(env.body as object, key);
  return key;
}
/** Replay keys by Body node: the read-ahead and the verified ticket's claim digest one Body once. */
const replayKeys = new WeakMap<object, string>();
function computeReplayKey(env: Envelope): string {
  const body = createHash('sha256')
    .update(canonicalize(env.body as never, { algorithm: EXC_C14N }))
    .digest('base64');
  return (
    'replay|' +
    createHash('sha256')
      .update(`${signatureValueOf(env)}|${body}`)
      .digest('base64')
  );
}

/**
 * What one Certificate Provisioning request claims. The ticket verifier only checks (one read) and names the
 * claims; the publication records them in the same transaction as the certificate (one durable commit per
 * flow, issue 20 item 4), so a request that issues nothing holds no ticket claim and nothing is given back.
 */
/** The Web Ticket Service's own request cap (wstrust handler MAX_REQUEST_BYTES). */
const CERT_REQUEST_MAX_BYTES = 1024 * 1024;

interface PendingClaims {
  /** Claim groups the publication records (replay key; the ticket's free certificate slots). */
  groups: ClaimGroup[];
  /** The request's replay claim (recorded after the response when no publication committed it). */
  replay: ClaimGroup | undefined;
  /** The publication committed the groups. */
  committed: boolean;
  /** The ticket the groups belong to (to word the refusal when a concurrent request won a claim). */
  ticket?: VerifiedTicket;
}
const requestClaims = new AsyncLocalStorage<PendingClaims>();

export function proofGuards(store: SecurityStore, policy: ProofPolicy, clock: () => Date, skewMs: number) {
  const perTicket = policy.certificatesPerTicket ?? 1;
  /** certificateStore() wrapped the store Certificate Provisioning publishes to: claims can be deferred to it. */
  let deferring = false;

  const replayRefusal = (v: VerifiedTicket) =>
    new ProofError(
      'ERR_WSTRUST_REPLAY',
      `request: expected a message not seen before, received a replay (same signature and Body) signed at ${v.timestamp!.created.toISOString()}`,
    );
  const ticketRefusal = (v: VerifiedTicket) =>
    new ProofError(
      'ERR_SERVER_TICKET_USED',
      `web ticket ${v.assertionId}: expected a ticket that has not obtained a certificate yet (policy certificatesPerTicket ${perTicket}), received one that has`,
    );
  /** The replay claim of a signed request (undefined: not signed, broker with brokerAcceptUnsignedTickets); requireSignedBody. */
  const replayClaim = (v: VerifiedTicket): ClaimGroup | undefined => {
    if (!v.envelope || !v.timestamp) return undefined;
    if (policy.requireSignedBody && !v.signedElements.includes(v.envelope.body))
      throw new ProofError('ERR_SERVER_BODY_UNSIGNED', 'ds:SignedInfo: expected a Reference covering soap:Body (policy requireSignedBody), received none');
    return { keys: [replayKey(v.envelope)], expiresAt: v.timestamp.expires.getTime() + skewMs };
  };

  const guardReplay = async (v: VerifiedTicket) => {
    const c = replayClaim(v);
    if (c && !(await store.claimOnce(c.keys[0]!, c.expiresAt, clock().getTime()))) throw replayRefusal(v);
  };

  // The store unreachable: fail closed, as a store outage (certprov answers InternalError, as for a failing user lookup).
  const storeDown = (e: unknown): never => {
    if (e instanceof ProofError) throw e;
    throw Object.assign(new Error(`replay cache unavailable: ${(e as Error)?.message ?? String(e)}`), {
      code: typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'ERR_SERVER_STORE_UNAVAILABLE',
      errorId: 28032,
      httpStatus: 503,
      responseCode: 'InternalError',
    });
  };

  /** Record the groups one after the other (a store without publishClaiming: memory); the keys won, or ClaimLostError. */
  const claimAll = async (groups: readonly ClaimGroup[], now: number): Promise<string[]> => {
    const won: string[] = [];
    try {
      for (const g of groups) {
        let key: string | undefined;
        for (const k of g.keys)
          if (await store.claimOnce(k, g.expiresAt, now)) {
            key = k;
            break;
          }
        if (key === undefined) throw new ClaimLostError(g);
        won.push(key);
      }
      return won;
    } catch (e) {
      for (const k of won) await store.releaseClaim(k).catch(() => {});
      throw e;
    }
  };

  /**
   * Issue 20: CertProv's claims read starts before the ticket is verified, so that its round trip overlaps the
   * signature checks. The keys come from the unverified envelope (the assertion's AssertionID, the
   * SignatureValue and the Body's digest); the answer is used only when the verified ticket yields exactly these
   * keys (else the read is made again), and never for a request that fails verification. A read reveals
   * nothing before verification: no answer depends on it until the ticket has verified.
   */
  const readAhead = (
    input: Parameters<TicketVerifier['verify']>[0],
    parsed: Parameters<TicketVerifier['verify']>[1],
    now: number,
  ): { keys: string[]; live: Promise<Set<string>> } | undefined => {
    const doc = parsed?.document;
    if (!doc || !(typeof input === 'string' || input instanceof Uint8Array)) return undefined;
    try {
      const { env, assertion } = unverifiedTicket(doc);
      const id = assertion?.getAttribute?.('AssertionID') ?? undefined;
      if (id === undefined) return undefined;
      const keys = [replayKey(env), ...Array.from({ length: perTicket }, (_, i) => `ticketcert|${id}|${i}`)];
      const live = store.liveClaims(keys, now);
      live.catch(() => {}); // used (and its failure answered) only once the ticket verified
      return { keys, live };
    } catch {
      return undefined; // what does not parse is refused by the verifier
    }
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
    /**
     * Certificate Provisioning's verifier: replay defence and the certificate count per ticket. Within
     * certProvHandler it checks both with one read and leaves the claims to the publication (certificateStore);
     * a concurrent request that claims first makes the publication fail (ClaimLostError: nothing is published).
     */
    certProvGuarded(v: TicketVerifier): TicketVerifier {
      return {
        ...v,
        verify: async (input, parsed) => {
          const pending = deferring ? requestClaims.getStore() : undefined;
          const now = clock().getTime();
          const ahead = pending ? readAhead(input, parsed, now) : undefined;
          const r = await v.verify(input, parsed);
          try {
            parsed?.onProven?.(); // the caller's own checks may run while the claims are read
          } catch {
            /* a hook never decides a request */
          }
          const until = r.notOnOrAfter.getTime() + skewMs;
          const slots = Array.from({ length: perTicket }, (_, i) => `ticketcert|${r.assertionId}|${i}`);
          if (pending) {
            const replay = replayClaim(r);
            const keys = [...(replay ? replay.keys : []), ...slots];
            const read = ahead && ahead.keys.length === keys.length && ahead.keys.every((k, i) => k === keys[i]) ? ahead.live : store.liveClaims(keys, now);
            const live = await read.catch(storeDown);
            if (replay && live.has(replay.keys[0]!)) throw replayRefusal(r);
            pending.replay = replay;
            const free = slots.filter((k) => !live.has(k));
            if (free.length === 0) throw ticketRefusal(r);
            pending.groups = [...(replay ? [replay] : []), { keys: free, expiresAt: until }];
            pending.ticket = r;
            return r;
          }
          // Outside certProvHandler: claimed at once (never given back).
          await guardReplay(r).catch(storeDown);
          for (const key of slots) if (await store.claimOnce(key, until, now).catch(storeDown)) return r;
          throw ticketRefusal(r);
        },
      };
    },
    /**
     * The store Certificate Provisioning publishes to: a publication records the request's pending claims in
     * the same transaction (publishClaiming, SQL stores) or just before it (given back if it fails).
     */
    certificateStore<C extends ServerStore['certificates']>(c: C): C {
      deferring = true;
      const publish = async (cert: StoredCertificate, now: Date): Promise<{ revoked: string[] }> => {
        const pending = requestClaims.getStore();
        const groups = pending?.groups ?? [];
        if (!pending || groups.length === 0) return c.publish(cert, now);
        pending.groups = []; // recorded once, by the first publication
        let out: { revoked: string[] };
        try {
          if (c.publishClaiming) out = await c.publishClaiming(cert, now, groups);
          else {
            const won = await claimAll(groups, now.getTime());
            try {
              out = await c.publish(cert, now);
            } catch (e) {
              for (const k of won) await store.releaseClaim(k).catch(() => {});
              throw e;
            }
          }
        } catch (e) {
          // A concurrent request committed first: this one is what the verifier would have refused had it
          // come a moment later (a replay, or a ticket that has its certificate), so it is refused the same
          // way (errorId 28032: certprov answers 401), not as a store outage. Nothing was published.
          if (e instanceof ClaimLostError && pending.ticket) throw e.group === pending.replay ? replayRefusal(pending.ticket) : ticketRefusal(pending.ticket);
          throw e;
        }
        pending.committed = true;
        return out;
      };
      return new Proxy(c, {
        get(target, prop) {
          if (prop === 'publish') return publish;
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
    /**
     * Certificate Provisioning handler: runs each request with its pending claims. A request whose claims no
     * publication committed (it issued no certificate) still records its replay key: an exact replay of a
     * refused request stays refused, and its ticket stays usable.
     */
    certProvHandler(h: WebHandler): WebHandler {
      if (!deferring)
        throw new Error('proofGuards: certificateStore() must wrap the store the Certificate Provisioning handler publishes to before certProvHandler()');
      return (req) => {
        const pending: PendingClaims = { groups: [], replay: undefined, committed: false };
        return requestClaims.run(pending, async () => {
          const res = await h(req);
          if (pending.replay && !pending.committed) await store.claimOnce(pending.replay.keys[0]!, pending.replay.expiresAt, clock().getTime()).catch(() => {});
          return res;
        });
      };
    },
    /** Web Ticket Service: the Cert binding requires a signed Body and refuses exact replays. */
    webTicketHandler(h: WebHandler): WebHandler {
      return async (req) => {
        if (req.method !== 'POST' || !/\/cert\/?$/i.test(new URL(req.url).pathname)) return h(req);
        let v: ReturnType<typeof verifyCertificateMessage>;
        try {
          // The repository's one SOAP reader (size cap, strict UTF-8, DOCTYPE refused); the handler reads its own copy.
          const soap = await readSoapRequest(req.clone(), { maxBytes: CERT_REQUEST_MAX_BYTES, maxDepth: 65 });
          v = verifyCertificateMessage(parseEnvelope(soap.document as unknown as Parameters<typeof parseEnvelope>[0]), {
            now: clock(),
            skewSeconds: skewMs / 1000,
          });
        } catch {
          return h(req); // the Web Ticket Service answers the failure itself
        }
        const refuse = (why: string) => {
          const e = WEB_TICKET_ERRORS[28012]!;
          const version = v.envelope.version;
          const host = new URL(req.url).hostname;
          const diagnostics = formatMsDiagnostics({
            errorId: e.errorId,
            ...(/^[A-Za-z0-9\-._~]+$/.test(host) ? { source: host } : {}),
            reason: toDiagnosticsText(e.reason),
            fault: e.faultcode,
          });
          return new Response(
            buildOcsDiagnosticsFault({
              errorId: e.errorId,
              reason: e.reason,
              faultcode: 'wsse:FailedAuthentication',
              faultstring: `${e.reason} (${why})`,
              soapVersion: version,
            }),
            {
              status: 500,
              headers: {
                'content-type': version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8',
                'x-ms-diagnostics': diagnostics,
              },
            },
          );
        };
        if (!policy.certBindingAcceptUnsignedBody && !v.signedElements.includes(v.envelope.body))
          return refuse('the soap:Body is not signed by the certificate');
        const now = clock().getTime();
        if (!(await store.claimOnce(replayKey(v.envelope as Envelope), v.timestamp.expires.getTime() + skewMs, now)))
          return refuse('a replay of an earlier request');
        return h(req);
      };
    },
  };
}
