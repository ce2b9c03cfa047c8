// WS-Security 1.1 for MS-OCAUTHWS 3.1.4.1.2 / 3.2: wsu:Timestamp, HMAC proof-of-possession signature, SecurityTokenReference, replay.
import { NS } from '@ocauth/diagnostics';
import { createHash, createHmac, createVerify, timingSafeEqual, type KeyObject } from 'node:crypto';
import { excC14n } from './c14n.js';
import { SecurityError, SoapFormatError, type SecurityErrorCode } from './errors.js';
import { parseEnvelope, type ParsedEnvelope } from './messages.js';
import { URI } from './ns.js';
import { attr, children, describe, escAttr, escText, parseXmlDocument, serialize, type XDocument, type XElement, type XNode } from './xml.js';

export type DigestAlgorithm = 'sha1' | 'sha256';
export type HmacAlgorithm = 'hmac-sha1' | 'hmac-sha256';

const DIGEST_URI: Record<DigestAlgorithm, string> = { sha1: URI.sha1, sha256: URI.sha256 };
const HMAC_URI: Record<HmacAlgorithm, string> = { 'hmac-sha1': URI.hmacSha1, 'hmac-sha256': URI.hmacSha256 };
const DIGEST_BY_URI = new Map<string, DigestAlgorithm>([
  [URI.sha1, 'sha1'],
  [URI.sha256, 'sha256'],
]);
const HMAC_BY_URI = new Map<string, 'sha1' | 'sha256'>([
  [URI.hmacSha1, 'sha1'],
  [URI.hmacSha256, 'sha256'],
]);

/** xsd:dateTime in UTC with millisecond precision, as WCF and SIPE send it. */
export function isoUtc(d: Date): string {
  return d.toISOString();
}

const DATE_RE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,9})?Z$/;
/** Parse an xsd:dateTime that MUST be UTC ("Z"); returns undefined when it is not. */
export function parseUtc(s: string): Date | undefined {
  const m = DATE_RE.exec(s.trim());
  if (!m) return undefined;
  const ms = m[7] ? Number((m[7] + '000').slice(1, 4)) : 0;
  // Strict xsd:dateTime fields (issue 16 item 9): month 1–12 and a day of that month, never rolled over
  // (Date.UTC turns 2026-13-05 into 2027-01-05 and 02-30 into 03-02).
  if (+m[2]! < 1 || +m[2]! > 12 || +m[3]! < 1 || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 59) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
  const d = new Date(t);
  if (Number.isNaN(t) || d.getUTCFullYear() !== +m[1]! || d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) return undefined;
  return d;
}

export interface SignMessageOptions {
  /** The SOAP envelope to sign; a Header and a wsse:Security header are created if missing. */
  envelope: string;
  /** The proof key (ComputedKey PSHA1 of both entropies). Never logged. */
  proofKey: Uint8Array;
  /** AssertionID of the web ticket: KeyInfo/SecurityTokenReference/KeyIdentifier (ValueType SAMLAssertionID). */
  assertionId: string;
  /** The saml:Assertion XML to place in wsse:Security (omit when the service already holds it). */
  token?: string;
  /** Clock for Created (default: now). */
  now?: Date;
  /** Timestamp lifetime in seconds (default 300). SIPE uses the ticket's whole lifetime. */
  ttlSeconds?: number;
  /** Explicit Expires (overrides ttlSeconds). */
  expires?: Date;
  /** wsu:Id of the Timestamp (default `_0`, as WCF sends). */
  timestampId?: string;
  digestAlgorithm?: DigestAlgorithm;
  signatureAlgorithm?: HmacAlgorithm;
  /**
   * Also sign the soap:Body (given a wsu:Id if it has none, default `_1`), so the signature binds this Body and a
   * captured Security header cannot be grafted onto another (servers with a strict `requireSignedBody` policy
   * require it). Default false: the spec and real clients (SIPE, Lync) sign only the Timestamp.
   */
  signBody?: boolean;
}

/**
 * Sign a SOAP message with a web ticket's proof key (WS-Security 1.1 symmetric proof of possession):
 * wsu:Timestamp in wsse:Security, ds:Signature over it (exclusive c14n, SHA-1/SHA-256 digest,
 * HMAC-SHA1/SHA256), KeyInfo = SecurityTokenReference/KeyIdentifier ValueType SAMLAssertionID.
 * MS-OCAUTHWS 3.2 "Sending the Web Ticket as Credentials to a Web Service Web Application".
 *
 * @throws {SecurityError} ERR_WSTRUST_SIGN_OPTIONS, ERR_WSTRUST_UNSUPPORTED_ALGORITHM when the options cannot produce a signature
 * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when the envelope is not a SOAP envelope
 */
export function signMessage(opts: SignMessageOptions): string {
  const now = opts.now ?? new Date();
  const expires = opts.expires ?? new Date(now.getTime() + (opts.ttlSeconds ?? 300) * 1000);
  if (!(expires.getTime() > now.getTime()))
    throw new SecurityError('ERR_WSTRUST_SIGN_OPTIONS', `expires: expected a time after Created ${isoUtc(now)}, received ${isoUtc(expires)}`);
  if (opts.proofKey.length < 16)
    throw new SecurityError('ERR_WSTRUST_SIGN_OPTIONS', `proofKey: expected at least 128 bits, received ${opts.proofKey.length * 8} bits`);
  const id = opts.timestampId ?? '_0';
  if (!/^[A-Za-z_][\w.-]*$/.test(id)) throw new SecurityError('ERR_WSTRUST_SIGN_OPTIONS', `timestampId: expected an NCName, received ${JSON.stringify(id)}`);
  const digest = opts.digestAlgorithm ?? 'sha1';
  const hmac = opts.signatureAlgorithm ?? 'hmac-sha1';
  if (!(digest in DIGEST_URI))
    throw new SecurityError('ERR_WSTRUST_UNSUPPORTED_ALGORITHM', `digestAlgorithm: expected sha1 or sha256, received ${String(digest)}`);
  if (!(hmac in HMAC_URI))
    throw new SecurityError('ERR_WSTRUST_UNSUPPORTED_ALGORITHM', `signatureAlgorithm: expected hmac-sha1 or hmac-sha256, received ${String(hmac)}`);
  // Built directly in canonical form (exclusive c14n of these subtrees is the text itself).
  const ts = `<u:Timestamp xmlns:u="${NS.wsu}" u:Id="${id}"><u:Created>${isoUtc(now)}</u:Created><u:Expires>${isoUtc(expires)}</u:Expires></u:Timestamp>`;
  const reference = (refId: string, canonical: string) => digestReference(refId, canonical, digest);
  let envelope = opts.envelope;
  let bodyReference = '';
  if (opts.signBody) {
    const env = parseEnvelope(envelope);
    if (!attr(env.body, 'Id', NS.wsu)) env.body.setAttributeNS(NS.wsu, 'u:Id', id === '_1' ? '_2' : '_1');
    envelope = serialize(env.doc as unknown as XNode);
    const body = parseEnvelope(envelope).body;
    const bodyId = attr(body, 'Id', NS.wsu)!;
    if (bodyId === id)
      throw new SecurityError('ERR_WSTRUST_SIGN_OPTIONS', `timestampId: expected an Id other than the Body's wsu:Id, received ${JSON.stringify(id)}`);
    bodyReference = reference(bodyId, excC14n(body));
  }
  const siInner =
    `<CanonicalizationMethod Algorithm="${URI.excC14n}"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="${HMAC_URI[hmac]}"></SignatureMethod>` +
    reference(id, ts) +
    bodyReference;
  const siCanonical = `<SignedInfo xmlns="${NS.ds}">${siInner}</SignedInfo>`;
  const sv = createHmac(hmac === 'hmac-sha1' ? 'sha1' : 'sha256', opts.proofKey)
    .update(siCanonical)
    .digest('base64');
  const sig =
    `<Signature xmlns="${NS.ds}"><SignedInfo>${siInner}</SignedInfo><SignatureValue>${sv}</SignatureValue>` +
    `<KeyInfo><o:SecurityTokenReference xmlns:o="${NS.wsse}"><o:KeyIdentifier ValueType="${URI.samlAssertionIdValueType}">${escText(opts.assertionId)}</o:KeyIdentifier></o:SecurityTokenReference></KeyInfo></Signature>`;
  return insertSecurity(envelope, [ts, opts.token ?? '', sig].join(''));
}

/**
 * A ds:Reference to the element with wsu:Id `id` whose exclusive canonical form is `canonical`: one
 * exc-c14n Transform, the digest of that form (serialized in canonical form, as it goes into SignedInfo).
 */
export function digestReference(id: string, canonical: string, digest: DigestAlgorithm): string {
  return (
    `<Reference URI="#${escAttr(id)}"><Transforms><Transform Algorithm="${URI.excC14n}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${DIGEST_URI[digest]}"></DigestMethod><DigestValue>${createHash(digest).update(canonical).digest('base64')}</DigestValue></Reference>`
  );
}

/** Insert header content into wsse:Security (created as the first header block if missing). */
export function insertSecurity(envelopeXml: string, content: string): string {
  const env = parseEnvelope(envelopeXml);
  const soap = env.envelope.namespaceURI!;
  const doc = env.doc;
  let header = env.header;
  if (!header) {
    header = doc.createElementNS(soap, `${env.envelope.prefix ? env.envelope.prefix + ':' : ''}Header`) as unknown as XElement;
    env.envelope.insertBefore(header as never, env.body as never);
  }
  const existing = children(header, NS.wsse, 'Security');
  const wrapper = parseXmlDocument(`<o:Security xmlns:o="${NS.wsse}" xmlns:s="${soap}" s:mustUnderstand="1">${content}</o:Security>`, 'wsse:Security content')
    .documentElement!;
  if (existing.length > 1) throw new SoapFormatError(`wsse:Security: expected at most one header to extend, received ${existing.length}`);
  if (existing[0]) {
    for (let c = wrapper.firstChild; c; c = c.nextSibling) existing[0].appendChild(doc.importNode(c as never, true));
  } else {
    header.insertBefore(doc.importNode(wrapper as never, true), header.firstChild);
  }
  return serialize(doc as unknown as XNode);
}

/** Remembers signatures seen until they expire (replay defence). */
export interface ReplayCache {
  /** Returns true when `key` was already seen (a replay); otherwise records it until `expiresAt`. */
  checkAndStore(key: string, expiresAt: number): boolean;
}

/**
 * In-memory ReplayCache with lazy expiry and a size bound.
 *
 * @throws never
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;
  /** @throws never */
  constructor(opts: { maxEntries?: number; now?: () => number } = {}) {
    this.#max = opts.maxEntries ?? 100_000;
    this.#now = opts.now ?? Date.now;
  }
  /**
   * True when `key` was seen and has not expired yet (a replay); otherwise records it until `expiresAt` (ms), evicting
   * expired entries, then the oldest, at `maxEntries`.
   * @throws never (unless the `now` option throws)
   */
  checkAndStore(key: string, expiresAt: number): boolean {
    const now = this.#now();
    const prev = this.#seen.get(key);
    if (prev !== undefined && prev > now) return true;
    if (this.#seen.size >= this.#max) {
      for (const [k, exp] of this.#seen) if (exp <= now) this.#seen.delete(k);
      if (this.#seen.size >= this.#max) {
        const oldest = this.#seen.keys().next().value;
        if (oldest !== undefined) this.#seen.delete(oldest);
      }
    }
    this.#seen.set(key, expiresAt);
    return false;
  }
}

export interface KeyReference {
  /** wsse:KeyIdentifier value (the AssertionID). */
  keyIdentifier: string;
  valueType: string | undefined;
  /** The saml:Assertion in the wsse:Security header with that AssertionID, if present. */
  token: XElement | undefined;
}

export interface VerifyMessageOptions {
  /** Returns the proof key for the referenced token; throw to reject. */
  resolveKey: (ref: KeyReference) => Uint8Array;
  now?: Date;
  /** Clock skew tolerance in seconds (default 300). */
  skewSeconds?: number;
  /**
   * Bounds of the Timestamp beyond "Created not in the future, Expires not past" (issue 16 item 9): the
   * earliest acceptable Created and the latest acceptable Expires, e.g. the ticket's issue time and
   * expiry (SIPE's Timestamp spans its ticket's lifetime), skew included by the caller.
   */
  createdNotBefore?: Date;
  expiresNotAfter?: Date;
  /** Replay defence; off by default because SIPE re-sends one Timestamp+Signature for a ticket's life. */
  replayCache?: ReplayCache;
  /** Allowed digest algorithms (default sha1, sha256). */
  digestAlgorithms?: readonly DigestAlgorithm[];
  /** Allowed HMAC algorithms (default hmac-sha1, hmac-sha256). */
  signatureAlgorithms?: readonly HmacAlgorithm[];
  /**
   * Accept RSA-SHA1/RSA-SHA256 signatures (X.509 endorsing token, Cert binding): return the public key
   * of the token the KeyInfo names, or throw. Without it only HMAC (proof key) signatures are accepted.
   */
  resolvePublicKey?: (keyInfo: XElement, security: XElement) => { key: KeyObject; reference: KeyReference };
}

export interface VerifiedMessage {
  envelope: ParsedEnvelope;
  security: XElement;
  timestamp: { id: string; created: Date; expires: Date };
  key: KeyReference;
  /** Every element covered by a verified Reference (the Timestamp first). */
  signedElements: XElement[];
}

const err = (code: SecurityErrorCode, msg: string, faultcode = 'wsse:InvalidSecurity') => new SecurityError(code, msg, { faultcode });

function idOf(el: XElement): string | undefined {
  return attr(el, 'Id', NS.wsu) ?? attr(el, 'Id') ?? attr(el, 'ID') ?? attr(el, 'AssertionID');
}

function collectIds(root: XElement, map: Map<string, XElement[]>): void {
  const id = idOf(root);
  if (id !== undefined) {
    const l = map.get(id);
    if (l) l.push(root);
    else map.set(id, [root]);
  }
  for (let c = root.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) collectIds(c as XElement, map);
}

function only(parent: XElement, ns: string, local: string, field: string): XElement {
  const l = children(parent, ns, local);
  if (l.length !== 1)
    throw err(
      l.length === 0 ? 'ERR_WSTRUST_SECURITY_ELEMENT_MISSING' : 'ERR_WSTRUST_SECURITY_ELEMENT_DUPLICATE',
      `${field}: expected exactly one, received ${l.length}`,
    );
  return l[0]!;
}

/** Strict base64: the value must be the canonical encoding of its bytes (no ignored bits or junk). */
function strictB64(field: string, text: string): Buffer {
  const t = text.replace(/[\s]+/g, '');
  const b = Buffer.from(t, 'base64');
  if (b.toString('base64') !== t)
    throw err(
      'ERR_WSTRUST_SIGNATURE_FORMAT',
      `${field}: expected canonical base64, received ${JSON.stringify(t.slice(0, 12))}${t.length > 12 ? '…' : ''} (length ${t.length})`,
    );
  return b;
}

function safeEq(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function transformsOf(ref: XElement, field: string): string[] | undefined {
  const tr = children(ref, NS.ds, 'Transforms')[0];
  const prefixes: string[] = [];
  if (!tr) return undefined;
  const list = children(tr);
  if (list.length === 0) throw err('ERR_WSTRUST_SIGNATURE_FORMAT', `${field}/ds:Transforms: expected at least one ds:Transform, received none`);
  for (const t of list) {
    const alg = attr(t, 'Algorithm') ?? '';
    if (t.localName !== 'Transform' || t.namespaceURI !== NS.ds || alg !== URI.excC14n) {
      throw err(
        'ERR_WSTRUST_UNSUPPORTED_ALGORITHM',
        `${field}/ds:Transform/@Algorithm: expected ${URI.excC14n}, received ${JSON.stringify(alg || describe(t))}`,
      );
    }
    for (const inc of children(t)) {
      if (inc.localName !== 'InclusiveNamespaces' || inc.namespaceURI !== URI.excC14n)
        throw err('ERR_WSTRUST_SIGNATURE_FORMAT', `${field}/ds:Transform: expected ec:InclusiveNamespaces, received ${describe(inc)}`);
      prefixes.push(...(attr(inc, 'PrefixList') ?? '').split(/\s+/).filter(Boolean));
    }
  }
  return prefixes;
}

/**
 * Verify a message signed with a web ticket's proof key (the inverse of signMessage), with the
 * checks a relying web service needs: one wsse:Security, one Timestamp in it, that Timestamp signed
 * (no wrapping: ids unique, references resolve to exactly one element), exclusive c14n only, known
 * digest/HMAC algorithms only, HMACOutputLength refused (truncation), Created/Expires within skew.
 *
 * @throws {SecurityError} ERR_WSTRUST_SECURITY_HEADER_MISSING, ERR_WSTRUST_SECURITY_ELEMENT_*, ERR_WSTRUST_TIMESTAMP_*, ERR_WSTRUST_SIGNATURE_*, ERR_WSTRUST_REFERENCE_MISSING, ERR_WSTRUST_DUPLICATE_ID, ERR_WSTRUST_DIGEST_MISMATCH, ERR_WSTRUST_HMAC_OUTPUT_LENGTH, ERR_WSTRUST_UNSUPPORTED_ALGORITHM, ERR_WSTRUST_KEY_REFERENCE, ERR_WSTRUST_REPLAY when the message is not signed as required
 * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when the input is not a SOAP envelope
 */
export function verifyMessage(input: string | Uint8Array | XDocument | ParsedEnvelope, opts: VerifyMessageOptions): VerifiedMessage {
  const env = typeof input === 'object' && 'envelope' in input && 'body' in input ? (input as ParsedEnvelope) : parseEnvelope(input as string);
  const now = (opts.now ?? new Date()).getTime();
  const skew = (opts.skewSeconds ?? 300) * 1000;
  const digests = new Set<DigestAlgorithm>(opts.digestAlgorithms ?? ['sha1', 'sha256']);
  const hmacs = new Set<HmacAlgorithm>(opts.signatureAlgorithms ?? ['hmac-sha1', 'hmac-sha256']);
  if (!env.header) throw err('ERR_WSTRUST_SECURITY_HEADER_MISSING', 'soap:Header/wsse:Security: expected a WS-Security header, received no soap:Header');
  const secs = children(env.header, NS.wsse, 'Security');
  if (secs.length !== 1)
    throw err(
      secs.length === 0 ? 'ERR_WSTRUST_SECURITY_HEADER_MISSING' : 'ERR_WSTRUST_SECURITY_ELEMENT_DUPLICATE',
      `soap:Header/wsse:Security: expected exactly one, received ${secs.length}`,
    );
  const security = secs[0]!;
  const tsEl = only(security, NS.wsu, 'Timestamp', 'wsse:Security/wsu:Timestamp');
  const sigEl = only(security, NS.ds, 'Signature', 'wsse:Security/ds:Signature');
  const si = only(sigEl, NS.ds, 'SignedInfo', 'ds:Signature/ds:SignedInfo');
  const svEl = only(sigEl, NS.ds, 'SignatureValue', 'ds:Signature/ds:SignatureValue');
  // SignedInfo structure.
  const c14nEl = only(si, NS.ds, 'CanonicalizationMethod', 'ds:SignedInfo/ds:CanonicalizationMethod');
  const c14nAlg = attr(c14nEl, 'Algorithm') ?? '';
  if (c14nAlg !== URI.excC14n)
    throw err('ERR_WSTRUST_UNSUPPORTED_ALGORITHM', `ds:CanonicalizationMethod/@Algorithm: expected ${URI.excC14n}, received ${JSON.stringify(c14nAlg)}`);
  const siPrefixes: string[] = [];
  for (const inc of children(c14nEl)) {
    if (inc.localName !== 'InclusiveNamespaces' || inc.namespaceURI !== URI.excC14n)
      throw err('ERR_WSTRUST_SIGNATURE_FORMAT', `ds:CanonicalizationMethod: expected ec:InclusiveNamespaces, received ${describe(inc)}`);
    siPrefixes.push(...(attr(inc, 'PrefixList') ?? '').split(/\s+/).filter(Boolean));
  }
  const smEl = only(si, NS.ds, 'SignatureMethod', 'ds:SignedInfo/ds:SignatureMethod');
  const smAlg = attr(smEl, 'Algorithm') ?? '';
  const rsaHash = opts.resolvePublicKey ? (smAlg === URI.rsaSha1 ? 'RSA-SHA1' : smAlg === URI.rsaSha256 ? 'RSA-SHA256' : undefined) : undefined;
  const hmacHash = HMAC_BY_URI.get(smAlg);
  if (!rsaHash && (!hmacHash || !hmacs.has(`hmac-${hmacHash}` as HmacAlgorithm)))
    throw err(
      'ERR_WSTRUST_UNSUPPORTED_ALGORITHM',
      `ds:SignatureMethod/@Algorithm: expected one of ${[...hmacs].map((h) => HMAC_URI[h]).join(', ')}, received ${JSON.stringify(smAlg)}`,
    );
  for (const c of children(smEl)) {
    if (c.localName === 'HMACOutputLength')
      throw err(
        'ERR_WSTRUST_HMAC_OUTPUT_LENGTH',
        `ds:SignatureMethod/ds:HMACOutputLength: expected absent (truncated HMAC is refused, CVE-2009-0217), received ${JSON.stringify((c.textContent ?? '').trim())}`,
      );
    throw err('ERR_WSTRUST_SIGNATURE_FORMAT', `ds:SignatureMethod: expected no child elements, received ${describe(c)}`);
  }
  const refs = children(si, NS.ds, 'Reference');
  if (refs.length === 0) throw err('ERR_WSTRUST_REFERENCE_MISSING', 'ds:SignedInfo/ds:Reference: expected at least one (over the Timestamp), received none');
  for (const c of children(si)) {
    if (c.namespaceURI !== NS.ds || !['CanonicalizationMethod', 'SignatureMethod', 'Reference'].includes(c.localName ?? ''))
      throw err('ERR_WSTRUST_SIGNATURE_FORMAT', `ds:SignedInfo: expected CanonicalizationMethod, SignatureMethod, Reference, received ${describe(c)}`);
  }
  // Ids across the whole envelope: a referenced id must name exactly one element.
  const ids = new Map<string, XElement[]>();
  collectIds(env.envelope, ids);
  const signedElements: XElement[] = [];
  let timestampSigned = false;
  for (const [i, ref] of refs.entries()) {
    const F = `ds:Reference[${i + 1}]`;
    const uri = attr(ref, 'URI');
    if (uri === undefined || !uri.startsWith('#') || uri.length < 2)
      throw err('ERR_WSTRUST_REFERENCE_MISSING', `${F}/@URI: expected a same-document "#id" reference, received ${JSON.stringify(uri ?? null)}`);
    const targets = ids.get(uri.slice(1)) ?? [];
    if (targets.length !== 1)
      throw err(
        targets.length === 0 ? 'ERR_WSTRUST_REFERENCE_MISSING' : 'ERR_WSTRUST_DUPLICATE_ID',
        `${F}/@URI: expected ${JSON.stringify(uri)} to name exactly one element, received ${targets.length}`,
      );
    const target = targets[0]!;
    const prefixes = transformsOf(ref, F);
    const dmEl = only(ref, NS.ds, 'DigestMethod', `${F}/ds:DigestMethod`);
    const dAlg = attr(dmEl, 'Algorithm') ?? '';
    const dName = DIGEST_BY_URI.get(dAlg);
    if (!dName || !digests.has(dName))
      throw err(
        'ERR_WSTRUST_UNSUPPORTED_ALGORITHM',
        `${F}/ds:DigestMethod/@Algorithm: expected one of ${[...digests].map((d) => DIGEST_URI[d]).join(', ')}, received ${JSON.stringify(dAlg)}`,
      );
    const dvBytes = strictB64(`${F}/ds:DigestValue`, only(ref, NS.ds, 'DigestValue', `${F}/ds:DigestValue`).textContent ?? '');
    const canonical = excC14n(target, prefixes && prefixes.length ? { inclusivePrefixes: prefixes } : {});
    const actual = createHash(dName).update(canonical).digest();
    if (!safeEq(actual, dvBytes))
      throw err(
        'ERR_WSTRUST_DIGEST_MISMATCH',
        `${F} (${uri}): expected the DigestValue to match the referenced element, received a different digest`,
        'wsse:FailedCheck',
      );
    if (target === tsEl) timestampSigned = true;
    signedElements.push(target);
  }
  if (!timestampSigned)
    throw err('ERR_WSTRUST_REFERENCE_MISSING', 'ds:SignedInfo: expected a Reference to the wsu:Timestamp of wsse:Security, received none covering it');
  signedElements.sort((a, b) => (a === tsEl ? -1 : b === tsEl ? 1 : 0));
  const ki = only(sigEl, NS.ds, 'KeyInfo', 'ds:Signature/ds:KeyInfo');
  const siCanonical = excC14n(si, siPrefixes.length ? { inclusivePrefixes: siPrefixes } : {});
  const given = strictB64('ds:SignatureValue', svEl.textContent ?? '');
  let key: KeyReference;
  if (rsaHash) {
    const pk = opts.resolvePublicKey!(ki, security);
    if (!createVerify(rsaHash).update(siCanonical).verify(pk.key, given))
      throw err(
        'ERR_WSTRUST_SIGNATURE_INVALID',
        `ds:SignatureValue: expected an ${rsaHash} signature of SignedInfo by the referenced certificate, received one that does not verify`,
        'wsse:FailedCheck',
      );
    key = pk.reference;
  } else {
    // Key reference.
    const str = only(ki, NS.wsse, 'SecurityTokenReference', 'ds:KeyInfo/wsse:SecurityTokenReference');
    const kid = children(str, NS.wsse, 'KeyIdentifier')[0];
    if (!kid)
      throw err(
        'ERR_WSTRUST_KEY_REFERENCE',
        `wsse:SecurityTokenReference: expected a wsse:KeyIdentifier (ValueType ${URI.samlAssertionIdValueType}), received ${describe(children(str)[0])}`,
      );
    const valueType = attr(kid, 'ValueType');
    if (valueType !== URI.samlAssertionIdValueType)
      throw err('ERR_WSTRUST_KEY_REFERENCE', `wsse:KeyIdentifier/@ValueType: expected ${URI.samlAssertionIdValueType}, received ${JSON.stringify(valueType)}`);
    const keyIdentifier = (kid.textContent ?? '').trim();
    const token = children(security, NS.saml, 'Assertion').find((a) => attr(a, 'AssertionID') === keyIdentifier);
    key = { keyIdentifier, valueType, token };
    const proofKey = opts.resolveKey(key);
    // Signature value.
    const mac = createHmac(hmacHash!, proofKey).update(siCanonical).digest();
    if (!safeEq(mac, given))
      throw err(
        'ERR_WSTRUST_SIGNATURE_INVALID',
        `ds:SignatureValue: expected an HMAC of SignedInfo under the proof key of ${JSON.stringify(keyIdentifier)}, received a value that does not match`,
        'wsse:FailedCheck',
      );
  }
  // Timestamp (after the signature, so the times are authentic).
  const tsId = idOf(tsEl) ?? '';
  const cEl = only(tsEl, NS.wsu, 'Created', 'wsu:Timestamp/wsu:Created');
  const eEl = only(tsEl, NS.wsu, 'Expires', 'wsu:Timestamp/wsu:Expires');
  const created = parseUtc(cEl.textContent ?? '');
  const expires = parseUtc(eEl.textContent ?? '');
  if (!created)
    throw err(
      'ERR_WSTRUST_TIMESTAMP_INVALID',
      `wsu:Timestamp/wsu:Created: expected an xsd:dateTime in UTC, received ${JSON.stringify((cEl.textContent ?? '').slice(0, 40))}`,
    );
  if (!expires)
    throw err(
      'ERR_WSTRUST_TIMESTAMP_INVALID',
      `wsu:Timestamp/wsu:Expires: expected an xsd:dateTime in UTC, received ${JSON.stringify((eEl.textContent ?? '').slice(0, 40))}`,
    );
  if (expires.getTime() <= created.getTime())
    throw err('ERR_WSTRUST_TIMESTAMP_INVALID', `wsu:Timestamp: expected Expires after Created ${isoUtc(created)}, received ${isoUtc(expires)}`);
  if (created.getTime() > now + skew)
    throw err(
      'ERR_WSTRUST_TIMESTAMP_FUTURE',
      `wsu:Timestamp/wsu:Created: expected at most ${isoUtc(new Date(now + skew))} (now + skew), received ${isoUtc(created)}`,
      'wsu:MessageExpired',
    );
  if (expires.getTime() <= now - skew)
    throw err(
      'ERR_WSTRUST_TIMESTAMP_EXPIRED',
      `wsu:Timestamp/wsu:Expires: expected after ${isoUtc(new Date(now - skew))} (now - skew), received ${isoUtc(expires)}`,
      'wsu:MessageExpired',
    );
  if (opts.createdNotBefore && created.getTime() < opts.createdNotBefore.getTime())
    throw err(
      'ERR_WSTRUST_TIMESTAMP_STALE',
      `wsu:Timestamp/wsu:Created: expected at or after ${isoUtc(opts.createdNotBefore)} (the token's issue time minus skew), received ${isoUtc(created)}`,
      'wsu:MessageExpired',
    );
  if (opts.expiresNotAfter && expires.getTime() > opts.expiresNotAfter.getTime())
    throw err(
      'ERR_WSTRUST_TIMESTAMP_INVALID',
      `wsu:Timestamp/wsu:Expires: expected at or before ${isoUtc(opts.expiresNotAfter)} (the token's expiry plus skew), received ${isoUtc(expires)}`,
      'wsu:MessageExpired',
    );
  if (opts.replayCache && opts.replayCache.checkAndStore(given.toString('base64'), expires.getTime() + skew)) {
    throw err('ERR_WSTRUST_REPLAY', `ds:SignatureValue: expected a signature not seen before, received a replay of a message signed at ${isoUtc(created)}`);
  }
  return { envelope: env, security, timestamp: { id: tsId, created, expires }, key, signedElements };
}
