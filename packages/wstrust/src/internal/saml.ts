// SAML 1.1 holder-of-key web ticket (MS-OCAUTHWS 3.2.4.1.3.4): signed assertion, proof key wrap (kw-aes256), parse and verify.
import { NS } from '@ocauth/diagnostics';
import { createCipheriv, createDecipheriv, createHash, sign, verify, type KeyObject, type X509Certificate } from 'node:crypto';
import { excC14n, excC14nWithout } from './c14n.js';
import { AssertionError, type AssertionErrorCode } from './errors.js';
export { AssertionError } from './errors.js';
import { URI } from './ns.js';
import { attr, children, describe, escAttr, escText, parseXmlDocument, type XElement } from './xml.js';
import { isoUtc, parseUtc } from './security.js';

/**
 * The web ticket: a SAML 1.1 assertion (MS-OCAUTHWS 4.2.2, [SAMLCore] 1.1).
 *
 * ```xml
 * <element name="Assertion" type="saml:AssertionType"/>
 * <complexType name="AssertionType"><sequence>
 *   <element ref="saml:Conditions" minOccurs="0"/><element ref="saml:Advice" minOccurs="0"/>
 *   <choice maxOccurs="unbounded"><element ref="saml:Statement"/>…<element ref="saml:AuthenticationStatement"/>…</choice>
 *   <element ref="ds:Signature" minOccurs="0"/></sequence>
 *   <attribute name="MajorVersion" type="integer" use="required"/><attribute name="MinorVersion" type="integer" use="required"/>
 *   <attribute name="AssertionID" type="saml:IDType" use="required"/><attribute name="Issuer" type="string" use="required"/>
 *   <attribute name="IssueInstant" type="dateTime" use="required"/>
 * </complexType>
 * ```
 */
export interface WebTicketAssertion {
  AssertionID: string;
  Issuer: string;
  IssueInstant: Date;
  NotBefore: Date;
  NotOnOrAfter: Date;
  Audience: string;
  /** saml:NameIdentifier (Format .../claims/uri): the user's SIP URI. */
  SipUri: string;
  AuthenticationMethod: string;
  AuthenticationInstant: Date;
  /** Holder-of-key: the proof key wrapped (kw-aes256) for the server pool, named by KeyName. */
  ProofKey?: { KeyName: string; CipherValue: Uint8Array };
}

/** RFC 3394 §2.2.3.1 default initial value. */
const KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

/**
 * AES key wrap (RFC 3394, xmlenc kw-aes256).
 *
 * @throws {AssertionError} ERR_WSTRUST_KEY_WRAP when the key-encryption key is not 256 bits
 */
export function wrapKey(kek: Uint8Array, key: Uint8Array): Uint8Array {
  if (kek.length !== 32) throw new AssertionError('ERR_WSTRUST_KEY_WRAP', `key-encryption key: expected 256 bits, received ${kek.length * 8} bits`);
  const c = createCipheriv('id-aes256-wrap', kek, KW_IV);
  return new Uint8Array(Buffer.concat([c.update(key), c.final()]));
}

export function unwrapKey(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  try {
    const d = createDecipheriv('id-aes256-wrap', kek, KW_IV);
    return new Uint8Array(Buffer.concat([d.update(wrapped), d.final()]));
  } catch {
    throw new AssertionError(
      'ERR_WSTRUST_KEY_UNWRAP',
      'EncryptedKey/CipherValue: expected a key wrapped under this pool key (RFC 3394 integrity check), received one that does not unwrap',
    );
  }
}

/**
 * KeyName of a pool key-encryption key: first 8 bytes of SHA-256, hex (a non-secret identifier).
 *
 * @throws never
 */
export function keyNameOf(kek: Uint8Array): string {
  return createHash('sha256').update(kek).digest().subarray(0, 8).toString('hex');
}

// Per-certificate values the issuer and the verifier need on every ticket: X509Certificate's `publicKey` getter
// builds a new KeyObject on each access, and the thumbprint is a SHA-1 of the DER; both are fixed for a certificate.
const thumbprints = new WeakMap<X509Certificate, string>();
const publicKeys = new WeakMap<X509Certificate, KeyObject>();

export function certificateThumbprintSha1(cert: X509Certificate): string {
  let t = thumbprints.get(cert);
  if (t === undefined) thumbprints.set(cert, (t = createHash('sha1').update(cert.raw).digest('base64')));
  return t;
}

function publicKeyOf(cert: X509Certificate): KeyObject {
  let k = publicKeys.get(cert);
  if (k === undefined) publicKeys.set(cert, (k = cert.publicKey));
  return k;
}

// XML 1.0 Char (§2.2): a value outside it cannot be in a well-formed document, so the assertion is then built
// through the parser (which refuses it, as it always did) rather than emitted canonical.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Above this the parse path runs (its size bound refuses what is too large, as before). */
const MAX_DIRECT_CHARS = 1024 * 1024;

/**
 * Build and sign (RSA, enveloped, exclusive c14n; MS-OCAUTHWS 4.2.2 layout) a web ticket.
 *
 * The digest is taken over the exclusive c14n of the unsigned assertion. The server writes that canonical form
 * itself next to the 4.2.2 layout it sends: the same elements and escaped values (escText/escAttr are Canonical
 * XML's escapes), with the namespace declaration first and the attributes in code-point order (Exclusive XML
 * Canonicalization §3 / C14N 1.0 §2.2), which is what canonicalizing the parse of the sent text gives (held to
 * @ocauth/c14n and xmlsec1 by test/assertion-canonical.test.ts).
 *
 * @throws {AssertionError} ERR_WSTRUST_KEY_WRAP when the pool key is not 256 bits
 * @throws {SoapFormatError} when a value holds a character XML does not allow (the assertion would not be well-formed)
 */
export function buildSignedAssertion(
  a: WebTicketAssertion,
  signer: { privateKey: KeyObject; certificate: X509Certificate; signatureAlgorithm?: 'rsa-sha1' | 'rsa-sha256' },
): string {
  const conf = a.ProofKey
    ? `<saml:SubjectConfirmation><saml:ConfirmationMethod>${URI.holderOfKey}</saml:ConfirmationMethod><KeyInfo xmlns="${NS.ds}"><e:EncryptedKey xmlns:e="${NS.xenc}"><e:EncryptionMethod Algorithm="${URI.kwAes256}"></e:EncryptionMethod><KeyInfo><KeyName>${escText(a.ProofKey.KeyName)}</KeyName></KeyInfo><e:CipherData><e:CipherValue>${Buffer.from(a.ProofKey.CipherValue).toString('base64')}</e:CipherValue></e:CipherData></e:EncryptedKey></KeyInfo></saml:SubjectConfirmation>`
    : `<saml:SubjectConfirmation><saml:ConfirmationMethod>${URI.bearer}</saml:ConfirmationMethod></saml:SubjectConfirmation>`;
  const id = escAttr(a.AssertionID);
  const issuer = escAttr(a.Issuer);
  const issueInstant = isoUtc(a.IssueInstant);
  const authMethod = escAttr(a.AuthenticationMethod);
  const authInstant = isoUtc(a.AuthenticationInstant);
  const conditions = `<saml:Conditions NotBefore="${isoUtc(a.NotBefore)}" NotOnOrAfter="${isoUtc(a.NotOnOrAfter)}"><saml:AudienceRestrictionCondition><saml:Audience>${escText(a.Audience)}</saml:Audience></saml:AudienceRestrictionCondition></saml:Conditions>`;
  const subject = `<saml:Subject><saml:NameIdentifier Format="${URI.claimTypeUri}">${escText(a.SipUri)}</saml:NameIdentifier>${conf}</saml:Subject></saml:AuthenticationStatement>`;
  // The 4.2.2 layout (what is sent; pinned byte for byte by the vectors).
  const body =
    `<saml:Assertion MajorVersion="1" MinorVersion="1" AssertionID="${id}" Issuer="${issuer}" IssueInstant="${issueInstant}" xmlns:saml="${NS.saml}">` +
    conditions +
    `<saml:AuthenticationStatement AuthenticationMethod="${authMethod}" AuthenticationInstant="${authInstant}">${subject}`;
  // Its exclusive c14n: xmlns:saml first, then AssertionID < IssueInstant < Issuer < MajorVersion < MinorVersion, and
  // AuthenticationInstant < AuthenticationMethod; every other element is already written in canonical form.
  let canonical =
    `<saml:Assertion xmlns:saml="${NS.saml}" AssertionID="${id}" IssueInstant="${issueInstant}" Issuer="${issuer}" MajorVersion="1" MinorVersion="1">` +
    conditions +
    `<saml:AuthenticationStatement AuthenticationInstant="${authInstant}" AuthenticationMethod="${authMethod}">${subject}</saml:Assertion>`;
  if (canonical.length > MAX_DIRECT_CHARS || NOT_XML_CHAR.test(canonical)) {
    canonical = excC14n(parseXmlDocument(`${body}</saml:Assertion>`, 'saml:Assertion').documentElement!);
  }
  const sha1 = signer.signatureAlgorithm === 'rsa-sha1';
  const siInner =
    `<CanonicalizationMethod Algorithm="${URI.excC14n}"></CanonicalizationMethod><SignatureMethod Algorithm="${sha1 ? URI.rsaSha1 : URI.rsaSha256}"></SignatureMethod>` +
    `<Reference URI="#${id}"><Transforms><Transform Algorithm="${URI.envelopedSignature}"></Transform><Transform Algorithm="${URI.excC14n}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${URI.sha256}"></DigestMethod><DigestValue>${createHash('sha256').update(canonical).digest('base64')}</DigestValue></Reference>`;
  // SignedInfo is written canonical (its default namespace declared on it, as in the enveloped Signature).
  const sv = sign(sha1 ? 'sha1' : 'sha256', Buffer.from(`<SignedInfo xmlns="${NS.ds}">${siInner}</SignedInfo>`), signer.privateKey).toString('base64');
  return (
    `${body}<Signature xmlns="${NS.ds}"><SignedInfo>${siInner}</SignedInfo><SignatureValue>${sv}</SignatureValue>` +
    `<KeyInfo><o:SecurityTokenReference xmlns:o="${NS.wsse}"><o:KeyIdentifier ValueType="${URI.thumbprintSha1ValueType}">${certificateThumbprintSha1(signer.certificate)}</o:KeyIdentifier></o:SecurityTokenReference></KeyInfo></Signature></saml:Assertion>`
  );
}

const fail = (code: AssertionErrorCode, m: string) => new AssertionError(code, m);

function one(p: XElement, ns: string, local: string, field: string): XElement {
  const l = children(p, ns, local);
  if (l.length !== 1) throw fail('ERR_WSTRUST_ASSERTION_FORMAT', `${field}: expected exactly one, received ${l.length}`);
  return l[0]!;
}

function date(el: XElement, name: string, field: string): Date {
  const v = attr(el, name);
  const d = v === undefined ? undefined : parseUtc(v);
  if (!d) throw fail('ERR_WSTRUST_ASSERTION_FORMAT', `${field}/@${name}: expected an xsd:dateTime in UTC, received ${JSON.stringify(v ?? null)}`);
  return d;
}

/**
 * Read the fields of a web ticket (no signature check; see verifyAssertionSignature).
 *
 * @throws {AssertionError} ERR_WSTRUST_ASSERTION_FORMAT when the element is not a SAML 1.1 web ticket as MS-OCAUTHWS 3.2.4.1.3.4 describes it
 */
export function parseAssertion(el: XElement): WebTicketAssertion {
  const F = 'saml:Assertion';
  if (el.localName !== 'Assertion' || el.namespaceURI !== NS.saml)
    throw fail('ERR_WSTRUST_ASSERTION_FORMAT', `${F}: expected {${NS.saml}}Assertion, received ${describe(el)}`);
  if (attr(el, 'MajorVersion') !== '1' || attr(el, 'MinorVersion') !== '1')
    throw fail(
      'ERR_WSTRUST_ASSERTION_FORMAT',
      `${F}/@MajorVersion,@MinorVersion: expected 1.1, received ${attr(el, 'MajorVersion')}.${attr(el, 'MinorVersion')}`,
    );
  const AssertionID = attr(el, 'AssertionID') ?? '';
  if (!/^[A-Za-z_][\w.-]*$/.test(AssertionID))
    throw fail('ERR_WSTRUST_ASSERTION_FORMAT', `${F}/@AssertionID: expected an NCName, received ${JSON.stringify(AssertionID.slice(0, 80))}`);
  const cond = one(el, NS.saml, 'Conditions', `${F}/saml:Conditions`);
  const arc = one(cond, NS.saml, 'AudienceRestrictionCondition', `${F}/saml:Conditions/saml:AudienceRestrictionCondition`);
  const st = one(el, NS.saml, 'AuthenticationStatement', `${F}/saml:AuthenticationStatement`);
  const subj = one(st, NS.saml, 'Subject', `${F}/saml:AuthenticationStatement/saml:Subject`);
  const nid = one(subj, NS.saml, 'NameIdentifier', `${F}//saml:NameIdentifier`);
  const sc = one(subj, NS.saml, 'SubjectConfirmation', `${F}//saml:SubjectConfirmation`);
  const cm = (one(sc, NS.saml, 'ConfirmationMethod', `${F}//saml:ConfirmationMethod`).textContent ?? '').trim();
  const a: WebTicketAssertion = {
    AssertionID,
    Issuer: attr(el, 'Issuer') ?? '',
    IssueInstant: date(el, 'IssueInstant', F),
    NotBefore: date(cond, 'NotBefore', `${F}/saml:Conditions`),
    NotOnOrAfter: date(cond, 'NotOnOrAfter', `${F}/saml:Conditions`),
    Audience: (one(arc, NS.saml, 'Audience', `${F}//saml:Audience`).textContent ?? '').trim(),
    SipUri: (nid.textContent ?? '').trim(),
    AuthenticationMethod: attr(st, 'AuthenticationMethod') ?? '',
    AuthenticationInstant: date(st, 'AuthenticationInstant', `${F}/saml:AuthenticationStatement`),
  };
  if (cm === URI.holderOfKey) {
    const ki = one(sc, NS.ds, 'KeyInfo', `${F}//saml:SubjectConfirmation/ds:KeyInfo`);
    const ek = one(ki, NS.xenc, 'EncryptedKey', `${F}//ds:KeyInfo/xenc:EncryptedKey`);
    const alg = attr(one(ek, NS.xenc, 'EncryptionMethod', `${F}//xenc:EncryptionMethod`), 'Algorithm');
    if (alg !== URI.kwAes256)
      throw fail('ERR_WSTRUST_ASSERTION_FORMAT', `${F}//xenc:EncryptionMethod/@Algorithm: expected ${URI.kwAes256}, received ${JSON.stringify(alg ?? null)}`);
    const kn = (one(one(ek, NS.ds, 'KeyInfo', `${F}//xenc:EncryptedKey/ds:KeyInfo`), NS.ds, 'KeyName', `${F}//ds:KeyName`).textContent ?? '').trim();
    const cv = (one(one(ek, NS.xenc, 'CipherData', `${F}//xenc:CipherData`), NS.xenc, 'CipherValue', `${F}//xenc:CipherValue`).textContent ?? '').replace(
      /\s+/g,
      '',
    );
    a.ProofKey = { KeyName: kn, CipherValue: new Uint8Array(Buffer.from(cv, 'base64')) };
  } else if (cm !== URI.bearer) {
    throw fail(
      'ERR_WSTRUST_ASSERTION_FORMAT',
      `${F}//saml:ConfirmationMethod: expected ${URI.holderOfKey} or ${URI.bearer}, received ${JSON.stringify(cm.slice(0, 80))}`,
    );
  }
  return a;
}

/**
 * Verify the enveloped RSA signature of an assertion against trusted issuer certificates: exactly
 * one ds:Signature as the assertion's last child, one Reference to the assertion's own AssertionID,
 * transforms exactly enveloped-signature + exclusive c14n, RSA-SHA1/SHA256, SHA-1/SHA-256 digest.
 */
/**
 * Memory of RSA signature checks that passed: SignatureMethod, SignatureValue and canonical SignedInfo (whose
 * DigestValue was just checked against the assertion) → the certificate that verified them. RSA verification is a
 * pure function of those and the key, so a remembered success is the answer the check would give again; failures
 * are never remembered. Owned by one verifier (one list of trusted certificates).
 */
export interface VerifiedSignatureMemo {
  get(key: string): X509Certificate | undefined;
  set(key: string, cert: X509Certificate): void;
}

export function verifyAssertionSignature(el: XElement, issuers: readonly X509Certificate[], memo?: VerifiedSignatureMemo): X509Certificate {
  const F = 'saml:Assertion/ds:Signature';
  const sig = one(el, NS.ds, 'Signature', F);
  const si = one(sig, NS.ds, 'SignedInfo', `${F}/ds:SignedInfo`);
  if (attr(one(si, NS.ds, 'CanonicalizationMethod', `${F}//ds:CanonicalizationMethod`), 'Algorithm') !== URI.excC14n)
    throw fail('ERR_WSTRUST_UNSUPPORTED_ALGORITHM', `${F}//ds:CanonicalizationMethod: expected ${URI.excC14n}`);
  const sm = attr(one(si, NS.ds, 'SignatureMethod', `${F}//ds:SignatureMethod`), 'Algorithm');
  const rsaAlg = sm === URI.rsaSha256 ? 'sha256' : sm === URI.rsaSha1 ? 'sha1' : undefined;
  if (!rsaAlg)
    throw fail(
      'ERR_WSTRUST_UNSUPPORTED_ALGORITHM',
      `${F}//ds:SignatureMethod/@Algorithm: expected ${URI.rsaSha256} or ${URI.rsaSha1}, received ${JSON.stringify(sm ?? null)}`,
    );
  const refs = children(si, NS.ds, 'Reference');
  if (refs.length !== 1) throw fail('ERR_WSTRUST_ASSERTION_SIGNATURE', `${F}//ds:Reference: expected exactly one, received ${refs.length}`);
  const ref = refs[0]!;
  const id = attr(el, 'AssertionID');
  if (attr(ref, 'URI') !== `#${id}`)
    throw fail('ERR_WSTRUST_ASSERTION_SIGNATURE', `${F}//ds:Reference/@URI: expected "#${id}", received ${JSON.stringify(attr(ref, 'URI') ?? null)}`);
  const tr = children(one(ref, NS.ds, 'Transforms', `${F}//ds:Transforms`)).map((t) => attr(t, 'Algorithm'));
  if (tr.length !== 2 || tr[0] !== URI.envelopedSignature || tr[1] !== URI.excC14n)
    throw fail('ERR_WSTRUST_UNSUPPORTED_ALGORITHM', `${F}//ds:Transforms: expected enveloped-signature then exclusive c14n, received ${JSON.stringify(tr)}`);
  const dm = attr(one(ref, NS.ds, 'DigestMethod', `${F}//ds:DigestMethod`), 'Algorithm');
  const dAlg = dm === URI.sha256 ? 'sha256' : dm === URI.sha1 ? 'sha1' : undefined;
  if (!dAlg)
    throw fail('ERR_WSTRUST_UNSUPPORTED_ALGORITHM', `${F}//ds:DigestMethod/@Algorithm: expected sha256 or sha1, received ${JSON.stringify(dm ?? null)}`);
  const dv = Buffer.from((one(ref, NS.ds, 'DigestValue', `${F}//ds:DigestValue`).textContent ?? '').replace(/\s+/g, ''), 'base64');
  if (!createHash(dAlg).update(excC14nWithout(el, sig)).digest().equals(dv))
    throw fail(
      'ERR_WSTRUST_ASSERTION_SIGNATURE',
      `${F}//ds:DigestValue: expected the digest of the assertion, received a different value (the assertion was altered)`,
    );
  const sv = Buffer.from((one(sig, NS.ds, 'SignatureValue', `${F}/ds:SignatureValue`).textContent ?? '').replace(/\s+/g, ''), 'base64');
  const siText = excC14n(si);
  const memoKey = memo ? `${rsaAlg}\n${sv.toString('base64')}\n${siText}` : '';
  const known = memo?.get(memoKey);
  if (known) return known;
  const siC = Buffer.from(siText);
  for (const cert of issuers) {
    // One-shot RSA PKCS#1 v1.5 verify with the certificate's KeyObject (cached: the getter builds a new one each time).
    if (verify(rsaAlg, siC, publicKeyOf(cert), sv)) {
      memo?.set(memoKey, cert);
      return cert;
    }
  }
  throw fail(
    'ERR_WSTRUST_ASSERTION_SIGNATURE',
    `${F}/ds:SignatureValue: expected a signature by a trusted Web Ticket Service certificate, received one that no trusted certificate verifies`,
  );
}
