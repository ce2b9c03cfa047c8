// MS-OCAUTHWS 3.2 web ticket verification at a web service: issuer signature, lifetime (28033), audience, proof key (28034), proof of possession.
import { formatWebTicketHeader, parseWebTicketHeader, webTicketTokenText } from '@ocauth/diagnostics';
import { NS } from '@ocauth/diagnostics';
import { X509Certificate } from 'node:crypto';
import { compactTicketOfHeader, openCompactWebTicket } from './cwt.js';
import { TicketError, WsTrustError } from './errors.js';
import { parseEnvelope, type ParsedEnvelope } from './messages.js';
import { URI } from './ns.js';
import { parseAssertion, unwrapKey, verifyAssertionSignature, type VerifiedSignatureMemo, type WebTicketAssertion } from './saml.js';
import { isoUtc, verifyMessage, type ReplayCache } from './security.js';
import { children, parseXmlDocument, xmlCauseOf, type XDocument, type XElement } from './xml.js';

/** A pool key-encryption key: every server of the pool holds it so any of them can recover proof keys. */
export interface PoolKey {
  keyName: string;
  key: Uint8Array;
}

export interface TicketVerifierOptions {
  /** Certificates of the Web Ticket Service(s) whose signatures are trusted (PEM, DER or X509Certificate). */
  issuerCertificates?: readonly (X509Certificate | string | Uint8Array)[];
  /** Single-certificate form of issuerCertificates. */
  issuerCertificate?: X509Certificate | string | Uint8Array;
  /** Keys to unwrap holder-of-key proof keys; a ticket wrapped for another key is 28034. */
  poolKeys?: readonly PoolKey[];
  /** Single-key form of poolKeys (the key this server's Web Ticket Service wraps proof keys under). */
  proofKeyDecryptionKey?: PoolKey;
  clock?: () => Date;
  /** Clock skew tolerance in seconds (default 300). */
  skewSeconds?: number;
  /** Accepted audiences: a ticket's Audience must be a prefix of (or equal to) one of these URLs. */
  audience?: string | readonly string[];
  /** Refuse bearer tickets (no holder-of-key confirmation). Default false. */
  requireProof?: boolean;
  /**
   * Whether a holder-of-key ticket must come with a proof-of-possession signature (default true:
   * EndorsingSupportingTokens). Set false for services whose policy takes the ticket as a signed
   * supporting token over TLS (SignedSupportingTokens, e.g. the Authentication Broker, spec 4.3.1):
   * an unsigned ticket is then accepted, but a signature that is present must still verify.
   */
  requireProofOfPossession?: boolean;
  replayCache?: ReplayCache;
  /**
   * Compact web tickets (`cwt=…` in X-MS-WebTicket or `Authorization: Bearer`) in verifyToken: accepted
   * (default) when poolKeys are configured, since the CWT key is derived from the pool key.
   */
  compactTickets?: boolean;
  /** Longest CWT lifetime (exp − iat) accepted, in seconds (default 28 800, the private-computer ticket lifetime). */
  compactTicketMaxLifetimeSeconds?: number;
  /**
   * How many tickets whose issuer signature verified are remembered (default 1024; 0 turns it off). A client
   * reuses its ticket for hours: a remembered ticket skips the issuer's RSA verification only (keyed by the exact
   * canonical SignedInfo, whose digest is still checked against the assertion, and SignatureValue); every other
   * check runs on every request. An entry is forgotten when its ticket expires (NotOnOrAfter + skew), the oldest
   * first when full.
   */
  verifiedTicketCacheSize?: number;
}

// A type alias (not an interface) so that it is assignable to index-signature types such as
// @ocauth/authbroker's AuthBrokerTicket: the verifier can be handed to createAuthBrokerHandler as is.
export type VerifiedTicket = {
  sipUri: string;
  assertionId: string;
  issuer: string;
  audience: string;
  notBefore: Date;
  notOnOrAfter: Date;
  authenticationMethod: string;
  /** Present for holder-of-key tickets (the message was signed with it). */
  proofKey: Uint8Array | undefined;
  /** The signed wsu:Timestamp, when the message carried a proof-of-possession signature. */
  timestamp: { created: Date; expires: Date } | undefined;
  /** Elements covered by the proof-of-possession signature. */
  signedElements: XElement[];
  envelope: ParsedEnvelope | undefined;
  /** `cwt` for a compact web ticket (bearer: no proof key; `assertionId` is `cwt-<id hex>`), else `saml`. */
  kind?: 'saml' | 'cwt';
};

export interface TicketVerifier {
  /**
   * Verify a SOAP request carrying a web ticket (MS-OCAUTHWS 3.2, web service web applications).
   * A caller that has already parsed `envelope` (with @ocauth/c14n `parseXml`) may pass that Document as
   * `parsed.document` so the request is not parsed twice; it must be the parse of `envelope`.
   * A verifier whose last checks wait on a store (a replay cache, a count of certificates per ticket) calls
   * `parsed.onProven` once, after the ticket and its proof-of-possession signature verified and before it waits:
   * the caller may start work that needs a request those checks have not refused yet, and must act on it only
   * once verify resolves. This verifier's own checks do not wait and never call it.
   */
  verify(envelope: string | Uint8Array | XDocument | ParsedEnvelope, parsed?: { document?: XDocument; onProven?: () => void }): Promise<VerifiedTicket>;
  /**
   * Verify a bare ticket: an assertion XML, an X-MS-WebTicket header value (`opaque=…` SAML or `cwt=…`
   * compact ticket) or an Authorization value `Bearer cwt=…` (non-web-service applications).
   */
  verifyToken(tokenOrHeader: string): Promise<VerifiedTicket>;
}

function toCert(c: X509Certificate | string | Uint8Array): X509Certificate {
  return c instanceof X509Certificate ? c : new X509Certificate(typeof c === 'string' ? c : Buffer.from(c));
}

/**
 * Decode `X-MS-WebTicket: opaque=<base64>[;ext=val]` (MS-OCAUTHWS 3.2) with @ocauth/diagnostics' codec.
 *
 * @throws {TicketError} ERR_WSTRUST_TICKET_INVALID when the value is not an opaque= ticket header
 */
export function parseWebTicketHeaderValue(value: string): string {
  const r = parseWebTicketHeader(value);
  if (!r.ok || r.value.kind !== 'opaque') {
    throw new TicketError(
      'ERR_WSTRUST_TICKET_INVALID',
      `X-MS-WebTicket: expected "opaque=<base64 SAML token>", received ${JSON.stringify(value.slice(0, 40))}${r.ok ? '' : ` (${r.error.message})`}`,
    );
  }
  return webTicketTokenText(r.value);
}

/** Encode a ticket for the X-MS-WebTicket header (@ocauth/diagnostics' codec). */
export function formatWebTicketHeaderValue(assertionXml: string): string {
  return formatWebTicketHeader(assertionXml);
}

/**
 * The verifier a relying service uses: trusted issuer signature, lifetime (28033), audience,
 * proof key unwrap (28034 when wrapped for another pool), then the proof-of-possession signature.
 *
 * @throws {WsTrustError} ERR_WSTRUST_VERIFIER_OPTIONS when no issuer certificate is given or verifiedTicketCacheSize is not a whole number ≥ 0
 * @throws {TicketError} ERR_WSTRUST_TICKET_INVALID, ERR_WSTRUST_TICKET_EXPIRED, ERR_WSTRUST_TICKET_OTHER_SERVER (rejections of `verify` / `verifyToken`: 28032, 28033, 28034)
 */
export function createTicketVerifier(opts: TicketVerifierOptions): TicketVerifier {
  const issuers = [...(opts.issuerCertificates ?? []), ...(opts.issuerCertificate !== undefined ? [opts.issuerCertificate] : [])].map(toCert);
  const poolKeys = [...(opts.poolKeys ?? []), ...(opts.proofKeyDecryptionKey ? [opts.proofKeyDecryptionKey] : [])];
  if (issuers.length === 0) throw new WsTrustError('ERR_WSTRUST_VERIFIER_OPTIONS', 'issuerCertificates: expected at least one certificate, received none');
  const skew = (opts.skewSeconds ?? 300) * 1000;
  const clock = opts.clock ?? (() => new Date());
  const audiences = opts.audience === undefined ? undefined : typeof opts.audience === 'string' ? [opts.audience] : opts.audience;
  const invalid = (m: string, cause?: unknown) => new TicketError('ERR_WSTRUST_TICKET_INVALID', m, cause);

  const cacheSize = opts.verifiedTicketCacheSize ?? 1024;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0)
    throw new WsTrustError('ERR_WSTRUST_VERIFIER_OPTIONS', `verifiedTicketCacheSize: expected a whole number ≥ 0, received ${String(cacheSize)}`);
  const memo = verifiedSignatureMemo(cacheSize, clock);

  function checkAssertion(el: XElement, now: Date): WebTicketAssertion {
    let a: WebTicketAssertion;
    try {
      // The memo learns an entry's expiry from the ticket just parsed (set runs before parseAssertion: `pending`).
      verifyAssertionSignature(el, issuers, memo);
      a = parseAssertion(el);
      memo?.commit(a.NotOnOrAfter.getTime() + skew);
    } catch (e) {
      memo?.commit(undefined);
      throw invalid(`web ticket: ${(e as Error).message}`, e);
    }
    if (now.getTime() + skew < a.NotBefore.getTime())
      throw invalid(`saml:Conditions/@NotBefore: expected at most ${isoUtc(new Date(now.getTime() + skew))}, received ${isoUtc(a.NotBefore)}`);
    if (now.getTime() - skew >= a.NotOnOrAfter.getTime())
      throw new TicketError(
        'ERR_WSTRUST_TICKET_EXPIRED',
        `saml:Conditions/@NotOnOrAfter: expected after ${isoUtc(new Date(now.getTime() - skew))}, received ${isoUtc(a.NotOnOrAfter)} (the web ticket has expired)`,
      );
    if (audiences && !audiences.some((u) => u === a.Audience || u.startsWith(a.Audience))) {
      throw invalid(`saml:Audience: expected a prefix of ${audiences.join(' or ')}, received ${JSON.stringify(a.Audience)}`);
    }
    if (!/^sips?:[^\s@]+@[^\s@]+$/i.test(a.SipUri)) throw invalid(`saml:NameIdentifier: expected a SIP URI, received ${JSON.stringify(a.SipUri.slice(0, 80))}`);
    return a;
  }

  function proofKeyOf(a: WebTicketAssertion): Uint8Array | undefined {
    if (!a.ProofKey) return undefined;
    const pk = poolKeys.find((k) => k.keyName === a.ProofKey!.KeyName);
    if (!pk)
      throw new TicketError(
        'ERR_WSTRUST_TICKET_OTHER_SERVER',
        `xenc:EncryptedKey/ds:KeyName: expected a key of this server (${poolKeys.map((k) => k.keyName).join(', ') || 'none configured'}), received ${JSON.stringify(a.ProofKey.KeyName)}: proof web tickets are only valid at the same web server where they were requested`,
      );
    try {
      return unwrapKey(pk.key, a.ProofKey.CipherValue);
    } catch (e) {
      throw invalid('xenc:EncryptedKey/xenc:CipherValue: expected a proof key wrapped under this pool key, received one that does not unwrap', e);
    }
  }

  const result = (a: WebTicketAssertion, proofKey: Uint8Array | undefined, extra: Partial<VerifiedTicket> = {}): VerifiedTicket => ({
    sipUri: a.SipUri,
    assertionId: a.AssertionID,
    issuer: a.Issuer,
    audience: a.Audience,
    notBefore: a.NotBefore,
    notOnOrAfter: a.NotOnOrAfter,
    authenticationMethod: a.AuthenticationMethod,
    proofKey,
    timestamp: undefined,
    signedElements: [],
    envelope: undefined,
    kind: 'saml',
    ...extra,
  });

  return {
    async verify(input, parsed) {
      const now = clock();
      let env: ParsedEnvelope;
      try {
        const doc = parsed?.document;
        const source = doc && typeof doc === 'object' && doc.nodeType === 9 && (typeof input === 'string' || input instanceof Uint8Array) ? doc : input;
        env = typeof source === 'object' && 'envelope' in source && 'body' in source ? (source as ParsedEnvelope) : parseEnvelope(source as string);
      } catch (e) {
        throw invalid(`request: ${(e as Error).message}`, xmlCauseOf(e));
      }
      const sec = env.header ? children(env.header, NS.wsse, 'Security') : [];
      if (sec.length !== 1) throw invalid(`soap:Header/wsse:Security: expected exactly one carrying the web ticket, received ${sec.length}`);
      const tokens = children(sec[0]!, NS.saml, 'Assertion');
      if (tokens.length !== 1) throw invalid(`wsse:Security/saml:Assertion: expected exactly one web ticket, received ${tokens.length}`);
      const a = checkAssertion(tokens[0]!, now);
      const proofKey = proofKeyOf(a);
      const hasSignature = children(sec[0]!, NS.ds, 'Signature').length > 0;
      if (!proofKey) {
        if (opts.requireProof) throw invalid('saml:SubjectConfirmation: expected a holder-of-key (proof) web ticket, received a bearer ticket');
        return result(a, undefined, { envelope: env });
      }
      if (!hasSignature && opts.requireProofOfPossession === false) return result(a, proofKey, { envelope: env });
      if (!hasSignature) throw invalid('wsse:Security/ds:Signature: expected a proof-of-possession signature for a holder-of-key web ticket, received none');
      try {
        const v = verifyMessage(env, {
          now,
          skewSeconds: skew / 1000,
          ...(opts.replayCache ? { replayCache: opts.replayCache } : {}),
          // MS-OCAUTHWS 3.2 / issue 16 item 9: the Timestamp lies within the ticket's lifetime (plus skew).
          createdNotBefore: new Date(a.NotBefore.getTime() - skew),
          expiresNotAfter: new Date(a.NotOnOrAfter.getTime() + skew),
          resolveKey: (ref) => {
            if (ref.keyIdentifier !== a.AssertionID)
              throw invalid(
                `wsse:KeyIdentifier: expected the AssertionID of the web ticket ${JSON.stringify(a.AssertionID)}, received ${JSON.stringify(ref.keyIdentifier.slice(0, 80))}`,
              );
            return proofKey;
          },
        });
        return result(a, proofKey, {
          envelope: env,
          timestamp: { created: v.timestamp.created, expires: v.timestamp.expires },
          signedElements: v.signedElements,
        });
      } catch (e) {
        if (e instanceof TicketError) throw e;
        throw invalid(`proof of possession: ${(e as Error).message}`, e);
      }
    },
    async verifyToken(tokenOrHeader) {
      const now = clock();
      const cwt = typeof tokenOrHeader === 'string' ? compactTicketOfHeader(tokenOrHeader) : undefined;
      if (cwt !== undefined) {
        if (opts.compactTickets === false || poolKeys.length === 0)
          throw invalid('cwt: expected a SAML web ticket (opaque=…), received a compact web ticket, which this service does not accept');
        const c = openCompactWebTicket(cwt, poolKeys);
        // The same lifetime, audience and subject rules as a SAML ticket's (checkAssertion).
        if (now.getTime() + skew < c.issuedAt.getTime())
          throw invalid(`cwt iat: expected at most ${isoUtc(new Date(now.getTime() + skew))}, received ${isoUtc(c.issuedAt)}`);
        if (now.getTime() - skew >= c.expiresAt.getTime())
          throw new TicketError(
            'ERR_WSTRUST_TICKET_EXPIRED',
            `cwt exp: expected after ${isoUtc(new Date(now.getTime() - skew))}, received ${isoUtc(c.expiresAt)} (the web ticket has expired)`,
          );
        const maxLife = opts.compactTicketMaxLifetimeSeconds ?? 28_800;
        if (c.expiresAt.getTime() - c.issuedAt.getTime() > maxLife * 1000)
          throw invalid(`cwt lifetime: expected at most ${maxLife} s, received ${(c.expiresAt.getTime() - c.issuedAt.getTime()) / 1000} s`);
        if (audiences && !audiences.some((u) => u === c.audience || u.startsWith(c.audience)))
          throw invalid(`cwt audience: expected a prefix of ${audiences.join(' or ')}, received ${JSON.stringify(c.audience)}`);
        if (!/^sips?:[^\s@]+@[^\s@]+$/i.test(c.sipUri)) throw invalid(`cwt SIP URI: expected a SIP URI, received ${JSON.stringify(c.sipUri.slice(0, 80))}`);
        return {
          sipUri: c.sipUri,
          assertionId: `cwt-${Buffer.from(c.id).toString('hex')}`,
          issuer: URI.tokenTypeCwt,
          audience: c.audience,
          notBefore: c.issuedAt,
          notOnOrAfter: c.expiresAt,
          authenticationMethod: URI.authMethodUnspecified,
          proofKey: undefined,
          timestamp: undefined,
          signedElements: [],
          envelope: undefined,
          kind: 'cwt',
        };
      }
      const xml = tokenOrHeader.trimStart().startsWith('<') ? tokenOrHeader : parseWebTicketHeaderValue(tokenOrHeader);
      let el: XElement;
      try {
        el = parseXmlDocument(xml, 'web ticket').documentElement!;
      } catch (e) {
        throw invalid(`web ticket: ${(e as Error).message}`, xmlCauseOf(e));
      }
      const a = checkAssertion(el, now);
      return result(a, undefined);
    },
  };
}

/**
 * The verifier's memory of issuer signatures that verified (VerifiedSignatureMemo), bounded to `size` entries,
 * each dropped once the clock passes its ticket's NotOnOrAfter + skew. An entry is kept only when the whole
 * assertion then parses (`commit` with its expiry); a ticket that does not parse leaves nothing behind.
 */
function verifiedSignatureMemo(size: number, clock: () => Date): (VerifiedSignatureMemo & { commit(expiresAt: number | undefined): void }) | undefined {
  if (!(size > 0)) return undefined;
  const entries = new Map<string, { cert: X509Certificate; expiresAt: number }>();
  let pending: { key: string; cert: X509Certificate } | undefined;
  return {
    get(key) {
      pending = undefined;
      const e = entries.get(key);
      if (!e) return undefined;
      if (clock().getTime() >= e.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      return e.cert;
    },
    set(key, cert) {
      pending = { key, cert };
    },
    commit(expiresAt) {
      const p = pending;
      pending = undefined;
      if (!p || expiresAt === undefined || clock().getTime() >= expiresAt) return;
      if (entries.size >= size) {
        const now = clock().getTime();
        for (const [k, e] of entries) if (now >= e.expiresAt) entries.delete(k);
        while (entries.size >= size) entries.delete(entries.keys().next().value!);
      }
      entries.set(p.key, { cert: p.cert, expiresAt });
    },
  };
}
