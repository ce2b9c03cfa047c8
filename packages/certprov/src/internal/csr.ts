// PKCS#10 certificate requests for GetAndPublishCert — MS-OCAUTHWS 3.1.4.1.2.3 (3): the
// wsse:BinarySecurityToken carries a PKCS#10 request (RFC 2986); the spec example (4.1.1) adds the
// MS-WCCE enrollment name-value pairs (validityPeriod, ValidityPeriodUnits, CertificateTemplate).
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { readDer, readDerIn, oidText, type Tlv } from './der.js';
import { CsrError } from './errors.js';

const asn1 = forge.asn1;
const T = asn1.Type;
const C = asn1.Class.UNIVERSAL;

export const OID_COMMON_NAME = '2.5.4.3';
export const OID_ENROLLMENT_NAME_VALUE_PAIR = '1.3.6.1.4.1.311.13.2.1';
export const OID_SHA1_WITH_RSA = '1.2.840.113549.1.1.5';
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
/** OIW sha1WithRSASignature (used by the spec 4.1.2 example certificate). */
export const OID_OIW_SHA1_WITH_RSA = '1.3.14.3.2.29';
export const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
export const OID_EXTENDED_KEY_USAGE = '2.5.29.37';
export const OID_KP_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const OID_KP_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const OID_ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

export type CsrHash = 'sha1' | 'sha256';
export type ValidityPeriod = 'Hours' | 'Days' | 'Months';

export interface GenerateCsrOptions {
  /** SIP URI (with or without `sip:`); becomes the subject CN. */
  sipUri: string;
  /** RSA modulus size; default 2048. */
  keySizeBits?: number;
  /** Signature hash; default sha256. */
  hash?: CsrHash;
  /** Requested validity, e.g. { period: 'Months', units: 6 }; omitted: no validity pairs. */
  validity?: { period: ValidityPeriod; units: number };
  /** CertificateTemplate name-value pair; default 'User'; null omits it. */
  certificateTemplate?: string | null;
  /** Use an existing key pair instead of generating one. */
  keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
  /** Extended key usages to request (OIDs) in a PKCS#9 extensionRequest attribute; omitted: none. */
  extendedKeyUsage?: string[];
}

export interface GeneratedCsr {
  der: Uint8Array;
  pem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface ParsedCsr {
  der: Uint8Array;
  subjectCommonName: string | undefined;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  spkiDer: Uint8Array;
  /** RSA modulus size in bits (undefined for non-RSA keys). */
  keySizeBits: number | undefined;
  signatureAlgorithmOid: string;
  signatureValid: boolean;
  /** MS-WCCE enrollment name-value pairs (OID 1.3.6.1.4.1.311.13.2.1), in order. */
  nameValuePairs: Array<{ name: string; value: string }>;
  /** Attribute OIDs present in the request. */
  attributeOids: string[];
  /**
   * Extended key usages requested through the PKCS#9 extensionRequest attribute (OIDs), or
   * undefined when the request asks for none (the CA then applies its own, clientAuth).
   */
  extendedKeyUsage: string[] | undefined;
}

// node-forge encodes/decodes BMPString (UTF-16BE) itself: values are JS strings.
function bmp(s: string): forge.asn1.Asn1 {
  return asn1.create(C, T.BMPSTRING, false, s);
}

const toBin = (u: Uint8Array): string => Buffer.from(u).toString('binary');
const fromBin = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'binary'));

/** PEM armour: base64 in 64-character lines between BEGIN/END `label` lines, ending with a newline. */
export function pemArmour(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Generates an RSA key pair (node:crypto) and a PKCS#10 request for it (MS-OCAUTHWS 3.1.4.1.2.3 (3)).
 * @throws {CsrError} ERR_CERTPROV_KEY_SIZE (keySizeBits outside 512..16384), ERR_CERTPROV_HASH (not sha1/sha256),
 * ERR_CERTPROV_SIP_URI (not user@domain), ERR_CERTPROV_VALIDITY (period or units unusable), ERR_CERTPROV_EKU
 * (an extendedKeyUsage that is not a dotted OID).
 */
export function generateCsr(opts: GenerateCsrOptions): GeneratedCsr {
  const keySizeBits = opts.keySizeBits ?? 2048;
  if (!Number.isInteger(keySizeBits) || keySizeBits < 512 || keySizeBits > 16384)
    throw new CsrError('ERR_CERTPROV_KEY_SIZE', `keySizeBits: expected an integer in 512..16384, received ${String(keySizeBits)}`);
  const hash = opts.hash ?? 'sha256';
  if (hash !== 'sha1' && hash !== 'sha256') throw new CsrError('ERR_CERTPROV_HASH', `hash: expected 'sha1' or 'sha256', received ${String(hash)}`);
  const cn = opts.sipUri.replace(/^sip:/i, '');
  if (!/^[^@\s]+@[^@\s]+$/.test(cn))
    throw new CsrError('ERR_CERTPROV_SIP_URI', `sipUri: expected user@domain (optionally prefixed by sip:), received ${JSON.stringify(opts.sipUri)}`);
  const { privateKey, publicKey } = opts.keyPair ?? generateKeyPairSync('rsa', { modulusLength: keySizeBits });
  const spki = publicKey.export({ type: 'spki', format: 'der' });

  const pairs: Array<[string, string]> = [];
  if (opts.validity) {
    const { period, units } = opts.validity;
    if (!['Hours', 'Days', 'Months'].includes(period) || !Number.isInteger(units) || units <= 0)
      throw new CsrError(
        'ERR_CERTPROV_VALIDITY',
        `validity: expected period Hours|Days|Months and a positive integer units, received ${JSON.stringify(opts.validity)}`,
      );
    pairs.push(['validityPeriod', period], ['ValidityPeriodUnits', String(units)]);
  }
  const template = opts.certificateTemplate === undefined ? 'User' : opts.certificateTemplate;
  if (template !== null) pairs.push(['CertificateTemplate', template]);

  const attributes: forge.asn1.Asn1[] = [];
  if (pairs.length > 0) {
    attributes.push(
      asn1.create(C, T.SEQUENCE, true, [
        asn1.create(C, T.OID, false, asn1.oidToDer(OID_ENROLLMENT_NAME_VALUE_PAIR).getBytes()),
        asn1.create(
          C,
          T.SET,
          true,
          pairs.map(([n, v]) => asn1.create(C, T.SEQUENCE, true, [bmp(n), bmp(v)])),
        ),
      ]),
    );
  }
  if (opts.extendedKeyUsage) {
    for (const oid of opts.extendedKeyUsage) {
      if (!/^[0-2](\.\d+)+$/.test(oid)) throw new CsrError('ERR_CERTPROV_EKU', `extendedKeyUsage: expected dotted OIDs, received ${JSON.stringify(oid)}`);
    }
    const eku = asn1.create(
      C,
      T.SEQUENCE,
      true,
      opts.extendedKeyUsage.map((oid) => asn1.create(C, T.OID, false, asn1.oidToDer(oid).getBytes())),
    );
    attributes.push(
      asn1.create(C, T.SEQUENCE, true, [
        asn1.create(C, T.OID, false, asn1.oidToDer(OID_EXTENSION_REQUEST).getBytes()),
        asn1.create(C, T.SET, true, [
          asn1.create(C, T.SEQUENCE, true, [
            asn1.create(C, T.SEQUENCE, true, [
              asn1.create(C, T.OID, false, asn1.oidToDer(OID_EXTENDED_KEY_USAGE).getBytes()),
              asn1.create(C, T.OCTETSTRING, false, asn1.toDer(eku).getBytes()),
            ]),
          ]),
        ]),
      ]),
    );
  }
  const info = asn1.create(C, T.SEQUENCE, true, [
    asn1.create(C, T.INTEGER, false, '\x00'),
    asn1.create(C, T.SEQUENCE, true, [
      asn1.create(C, T.SET, true, [
        asn1.create(C, T.SEQUENCE, true, [
          asn1.create(C, T.OID, false, asn1.oidToDer(OID_COMMON_NAME).getBytes()),
          asn1.create(C, T.UTF8, false, forge.util.encodeUtf8(cn)),
        ]),
      ]),
    ]),
    asn1.fromDer(toBin(spki)),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, attributes),
  ]);
  const infoDer = fromBin(asn1.toDer(info).getBytes());
  const signature = sign(hash, infoDer, privateKey);
  const req = asn1.create(C, T.SEQUENCE, true, [
    info,
    asn1.create(C, T.SEQUENCE, true, [
      asn1.create(C, T.OID, false, asn1.oidToDer(hash === 'sha1' ? OID_SHA1_WITH_RSA : OID_SHA256_WITH_RSA).getBytes()),
      asn1.create(C, T.NULL, false, ''),
    ]),
    asn1.create(C, T.BITSTRING, false, '\x00' + toBin(signature)),
  ]);
  const der = fromBin(asn1.toDer(req).getBytes());
  return { der, pem: pemArmour(der, 'CERTIFICATE REQUEST'), privateKey, publicKey };
}

/** Decodes base64 / PEM (any armour label, any line breaks) or returns DER bytes as-is. */
export function decodeBinaryToken(input: string | Uint8Array, field: string): Uint8Array {
  if (typeof input !== 'string') return input;
  // Plain base64 (the BinarySecurityToken of every real client) skips the armour and whitespace passes.
  const body = /[\s-]/.test(input) ? input.replace(/-----(BEGIN|END) [A-Z0-9 #]+-----/g, '').replace(/[\s]+/g, '') : input;
  if (body.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0)
    throw new CsrError(
      'ERR_CERTPROV_BASE64',
      `${field}: expected base64 (optionally PEM-armoured), received ${body.length} characters that are not valid base64`,
    );
  return new Uint8Array(Buffer.from(body, 'base64'));
}

const HASH_BY_OID: Record<string, string> = {
  [OID_SHA1_WITH_RSA]: 'sha1',
  [OID_OIW_SHA1_WITH_RSA]: 'sha1',
  [OID_SHA256_WITH_RSA]: 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  // ECDSA: verified so that an EC request is refused for its key type (InvalidPublicKey), not as a bad CSR.
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/**
 * Parses a PKCS#10 request (DER, base64 or PEM) and verifies its self-signature (`signatureValid`).
 * @throws {CsrError} ERR_CERTPROV_BASE64 (text that is not base64), ERR_CERTPROV_CSR_DER (bytes that are not DER),
 * ERR_CERTPROV_CSR_STRUCTURE (DER that is not a CertificationRequest of version 0 or 2); never another exception.
 */
export function parseCsr(input: string | Uint8Array): ParsedCsr {
  try {
    return parseCsrStructure(input);
  } catch (e) {
    if (e instanceof CsrError) throw e;
    // A DER tree of the wrong shape (a SET where a SEQUENCE belongs, a primitive where a constructed
    // value belongs, ...) that slipped past the explicit checks.
    throw new CsrError(
      'ERR_CERTPROV_CSR_STRUCTURE',
      `csr: expected PKCS#10 CertificationRequest, received a DER structure that does not fit it (${(e as Error)?.name ?? 'error'})`,
    );
  }
}

function describeInteger(der: Uint8Array, t: Tlv): string {
  const len = t.end - t.start;
  if (len === 0 || len > 8) return `an INTEGER of ${len} bytes`;
  const v = BigInt.asIntN(len * 8, BigInt('0x' + Buffer.from(der.buffer, der.byteOffset + t.start, len).toString('hex')));
  return v.toString();
}

// Identifier octets (X.690 8.1.2) the request's structure is checked against.
const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OID = 0x06;
const BOOLEAN = 0x01;
const CONTEXT_0 = 0xa0;
const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** Modulus and exponent (unsigned big-endian, leading zeros stripped) of the RSA keys parseCsr made, for rsaPublicKeyProblem. */
const rsaNumbers = new WeakMap<KeyObject, { n: Uint8Array; e: Uint8Array }>();

const stripZeros = (der: Uint8Array, t: Tlv): Uint8Array => {
  let i = t.start;
  while (i < t.end && der[i] === 0) i++;
  return der.subarray(i, t.end);
};

/** The text of a string value: a BMPString (any class, as node-forge read it) is UTF-16BE, others `decode`d. */
function bmpText(der: Uint8Array, t: Tlv): string {
  let s = '';
  for (let i = t.start; i < t.end; i += 2) s += String.fromCharCode((der[i]! << 8) | der[i + 1]!);
  return s;
}
const isBmp = (t: Tlv) => (t.tag & 0x3f) === 0x1e;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * RSA SPKI (rsaEncryption, BIT STRING without unused bits holding SEQUENCE { INTEGER n, INTEGER e }) → KeyObject
 * through JWK (n, e): about ten times cheaper than OpenSSL's DER decoder. Undefined for anything else (the caller
 * then hands the bytes to OpenSSL).
 */
function rsaKeyFromSpki(der: Uint8Array, spki: Tlv): KeyObject | undefined {
  const [alg, bits] = spki.children;
  if (spki.tag !== SEQUENCE || spki.children.length !== 2 || alg?.tag !== SEQUENCE || bits?.tag !== BIT_STRING) return undefined;
  const algOid = alg.children[0];
  if (algOid?.tag !== OID || oidText(der, algOid) !== OID_RSA_ENCRYPTION) return undefined;
  if (bits.end - bits.start < 2 || der[bits.start] !== 0) return undefined;
  let rsa: Tlv;
  try {
    rsa = readDerIn(der, bits.start + 1, bits.end);
  } catch {
    return undefined;
  }
  const [n, e] = rsa.children;
  if (rsa.tag !== SEQUENCE || rsa.children.length !== 2 || n?.tag !== INTEGER || e?.tag !== INTEGER) return undefined;
  const nBytes = stripZeros(der, n);
  const eBytes = stripZeros(der, e);
  const b64u = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');
  try {
    const key = createPublicKey({ key: { kty: 'RSA', n: b64u(nBytes), e: b64u(eBytes) }, format: 'jwk' });
    rsaNumbers.set(key, { n: nBytes, e: eBytes });
    return key;
  } catch {
    return undefined;
  }
}

/** Bit length of an unsigned big-endian number without leading zero octets. */
const bitLength = (b: Uint8Array): number => (b.length === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(b[0]!)));

/** DER INTEGER contents of the PKCS#10 versions real clients send: 0 (RFC 2986) and 2 (pidgin-sipe's OpenSSL backend). */
const isCsrVersion = (der: Uint8Array, t: Tlv) => t.end - t.start === 1 && (der[t.start] === 0 || der[t.start] === 2);

function parseCsrStructure(input: string | Uint8Array): ParsedCsr {
  const der = decodeBinaryToken(input, 'csr');
  let root: Tlv;
  try {
    root = readDer(der);
  } catch (e) {
    throw new CsrError(
      'ERR_CERTPROV_CSR_DER',
      `csr: expected DER-encoded PKCS#10 CertificationRequest, received bytes that do not decode (${(e as Error).message})`,
    );
  }
  const bad = (what: string): never => {
    throw new CsrError('ERR_CERTPROV_CSR_STRUCTURE', `csr: expected PKCS#10 CertificationRequest, ${what}`);
  };
  const oidOf = (t: Tlv | undefined, what: string): string => {
    if (t?.tag !== OID) return bad(`${what}: expected an OBJECT IDENTIFIER`);
    return oidText(der, t) ?? bad(`${what}: OBJECT IDENTIFIER malformed`);
  };
  // RFC 2986 4.2: CertificationRequest ::= SEQUENCE { certificationRequestInfo SEQUENCE,
  // signatureAlgorithm AlgorithmIdentifier (SEQUENCE), signature BIT STRING }. The tags outside the
  // signed CertificationRequestInfo are checked too: no other encoding of the same request passes.
  if (root.tag !== SEQUENCE || root.children.length !== 3)
    return bad('top-level SEQUENCE of 3 elements (certificationRequestInfo, signatureAlgorithm, signature)');
  const [info, algId, sigBits] = root.children as [Tlv, Tlv, Tlv];
  // RFC 2986 4.1: CertificationRequestInfo ::= SEQUENCE { version, subject, subjectPKInfo, attributes [0] }.
  if (info.tag !== SEQUENCE || info.children.length < 3 || info.children.length > 4) return bad('CertificationRequestInfo malformed');
  if (algId.tag !== SEQUENCE) return bad('signatureAlgorithm must be an AlgorithmIdentifier SEQUENCE');
  const algParams = algId.children[1];
  if (algId.children.length > 2 || (algParams && !(algParams.tag === NULL && algParams.end === algParams.start)))
    return bad('signatureAlgorithm parameters must be absent or NULL');
  const [version, subject, spkiNode, attrsNode] = info.children as [Tlv, Tlv, Tlv, Tlv | undefined];
  // RFC 2986 4.1 fixes version at 0 (v1). pidgin-sipe's OpenSSL backend (sipe-cert-crypto-openssl.c,
  // X509_REQ_set_version(req, 2)) writes 2; its NSS backend writes 0. Both are accepted, nothing else
  // (README "Interoperability").
  if (version.tag !== INTEGER || !isCsrVersion(der, version))
    return bad(
      `version: expected 0 (RFC 2986) or 2 (pidgin-sipe/OpenSSL), received ${(version.tag & 0x3f) === INTEGER ? describeInteger(der, version) : 'a non-INTEGER'}`,
    );
  // RFC 5280 4.1.2.4: Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }.
  if (subject.tag !== SEQUENCE) return bad('subject Name malformed');
  let cn: string | undefined;
  for (const rdn of subject.children) {
    if (rdn.tag !== SET) return bad('subject RelativeDistinguishedName malformed');
    for (const atv of rdn.children) {
      const [o, v] = atv.children;
      if (atv.tag !== SEQUENCE || atv.children.length !== 2 || !o || !v) return bad('subject AttributeTypeAndValue malformed');
      if (oidOf(o, 'subject attribute type') !== OID_COMMON_NAME) continue;
      if (v.tag & 0x20) return bad('subject commonName is not a string');
      if (isBmp(v)) cn = bmpText(der, v);
      else {
        try {
          cn = utf8.decode(der.subarray(v.start, v.end));
        } catch {
          return bad('subject commonName is not valid UTF-8');
        }
      }
    }
  }
  // The SubjectPublicKeyInfo is certified as received (its bytes, strict DER, go into the certificate).
  const spkiDer = der.subarray(spkiNode.at, spkiNode.end);
  let publicKey: KeyObject;
  try {
    publicKey = rsaKeyFromSpki(der, spkiNode) ?? createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  } catch {
    return bad('subjectPKInfo is not a usable public key');
  }
  const nameValuePairs: Array<{ name: string; value: string }> = [];
  const attributeOids: string[] = [];
  let extendedKeyUsage: string[] | undefined;
  if (attrsNode) {
    if (attrsNode.tag !== CONTEXT_0) return bad('attributes: expected [0] IMPLICIT SET OF Attribute');
    for (const attr of attrsNode.children) {
      // RFC 2986 4.1: Attribute ::= SEQUENCE { type OID, values SET OF ANY }.
      const [o, set] = attr.children;
      if (attr.tag !== SEQUENCE || o?.tag !== OID) return bad('attribute without OID');
      const oid = oidOf(o, 'attribute type');
      if (attr.children.length !== 2 || set?.tag !== SET) return bad(`attribute ${oid}: expected a SET of values`);
      attributeOids.push(oid);
      if (oid === OID_EXTENSION_REQUEST) {
        for (const exts of set.children) {
          if (exts.tag !== SEQUENCE) return bad('extensionRequest: Extensions malformed');
          for (const ext of exts.children) {
            // RFC 5280 4.1: Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }.
            const parts = ext.children;
            const id = parts[0];
            const value = parts[parts.length - 1];
            if (
              ext.tag !== SEQUENCE ||
              parts.length < 2 ||
              parts.length > 3 ||
              (parts.length === 3 && parts[1]!.tag !== BOOLEAN) ||
              id?.tag !== OID ||
              value?.tag !== OCTET_STRING
            )
              return bad('extensionRequest: Extension malformed');
            if (oidOf(id, 'extensionRequest: extnID') !== OID_EXTENDED_KEY_USAGE) continue;
            let seq: Tlv;
            try {
              seq = readDerIn(der, value.start, value.end);
            } catch {
              return bad('extendedKeyUsage extension does not decode');
            }
            if (seq.tag !== SEQUENCE) return bad('extendedKeyUsage extension is not a SEQUENCE');
            extendedKeyUsage = seq.children.map((k) => {
              if (k.tag !== OID) return bad('extendedKeyUsage: expected KeyPurposeId OIDs');
              return oidOf(k, 'extendedKeyUsage');
            });
          }
        }
      }
      if (oid === OID_ENROLLMENT_NAME_VALUE_PAIR) {
        // MS-WCCE 2.2.2.7.10: EnrollmentNameValuePair ::= SEQUENCE { name BMPString, value BMPString }; other
        // string types are read as Latin-1, as before.
        for (const pair of set.children) {
          const [n, v] = pair.children;
          if (pair.tag !== SEQUENCE || pair.children.length !== 2 || !n || !v || n.tag & 0x20 || v.tag & 0x20)
            return bad('enrollment name-value pair malformed');
          const text = (t: Tlv) => (isBmp(t) ? bmpText(der, t) : Buffer.from(der.buffer, der.byteOffset + t.start, t.end - t.start).toString('latin1'));
          nameValuePairs.push({ name: text(n), value: text(v) });
        }
      }
    }
  }
  const algOidNode = algId.children[0];
  if (algOidNode?.tag !== OID) return bad('signatureAlgorithm malformed');
  const signatureAlgorithmOid = oidOf(algOidNode, 'signatureAlgorithm');
  if (sigBits.tag !== BIT_STRING || sigBits.end === sigBits.start || der[sigBits.start] !== 0) return bad('signature BIT STRING malformed');
  const hash = HASH_BY_OID[signatureAlgorithmOid];
  let signatureValid = false;
  const ecdsaOid = signatureAlgorithmOid.startsWith('1.2.840.10045.4.');
  if (hash && (ecdsaOid ? publicKey.asymmetricKeyType === 'ec' : publicKey.asymmetricKeyType === 'rsa')) {
    // Verify over the bytes as received (the signed CertificationRequestInfo TLV), not a re-encoding.
    signatureValid = verify(hash, der.subarray(info.at, info.end), publicKey, der.subarray(sigBits.start + 1, sigBits.end));
  }
  // An RSA key parseCsr imported: the modulus's bit length, as OpenSSL reports it (asymmetricKeyDetails costs a
  // tenth of a millisecond's signature on a fresh key).
  const numbers = rsaNumbers.get(publicKey);
  const keySizeBits = numbers ? bitLength(numbers.n) : publicKey.asymmetricKeyDetails?.modulusLength;
  return {
    der,
    subjectCommonName: cn,
    publicKey,
    spkiDer,
    keySizeBits,
    signatureAlgorithmOid,
    signatureValid,
    nameValuePairs,
    attributeOids,
    extendedKeyUsage,
  };
}

/** The odd primes below 2000 (the modulus's small-factor check). */
const SMALL_PRIMES = (() => {
  const out: number[] = [];
  for (let n = 3; n < 2000; n += 2) if (out.every((p) => n % p !== 0)) out.push(n);
  return out;
})();
/**
 * SMALL_PRIMES in groups whose product stays below 2^53: one BigInt remainder per group, then each prime's
 * remainder in Number arithmetic (exact below 2^53), instead of one BigInt remainder per prime.
 */
const PRIME_GROUPS = (() => {
  const groups: Array<{ product: bigint; primes: number[] }> = [];
  let primes: number[] = [];
  let product = 1;
  for (const p of SMALL_PRIMES) {
    if (product * p > Number.MAX_SAFE_INTEGER) {
      groups.push({ product: BigInt(product), primes });
      primes = [];
      product = 1;
    }
    primes.push(p);
    product *= p;
  }
  groups.push({ product: BigInt(product), primes });
  return groups;
})();

const bigOf = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex')));

/**
 * The usual sanity checks of an RSA public key a CA is asked to certify (issue 16 item 7): public
 * exponent odd and at least 65537 (e = 1 makes "encryption" the identity; small e invites broadcast and
 * padding attacks), below the modulus, modulus odd, of the stated size and without small prime factors.
 * Returns the problem in words, or undefined when the key passes.
 */
export function rsaPublicKeyProblem(publicKey: KeyObject): string | undefined {
  if (publicKey.asymmetricKeyType !== 'rsa') return `expected an RSA key, received ${publicKey.asymmetricKeyType}`;
  // A key parseCsr made carries its numbers; another is asked for them (JWK export).
  let numbers = rsaNumbers.get(publicKey);
  if (!numbers) {
    const jwk = publicKey.export({ format: 'jwk' }) as { n?: string; e?: string };
    if (!jwk.n || !jwk.e) return 'expected an RSA modulus and public exponent, received none';
    numbers = { n: new Uint8Array(Buffer.from(jwk.n, 'base64url')), e: new Uint8Array(Buffer.from(jwk.e, 'base64url')) };
  }
  const n = bigOf(numbers.n);
  const e = bigOf(numbers.e);
  if (e < 65537n) return `public exponent: expected at least 65537, received ${e}`;
  if (e % 2n === 0n) return `public exponent: expected an odd number, received ${e}`;
  if (e >= n) return 'public exponent: expected less than the modulus, received a larger one';
  if (n % 2n === 0n) return 'modulus: expected an odd number, received an even one';
  for (const g of PRIME_GROUPS) {
    const r = Number(n % g.product);
    for (const p of g.primes) if (r % p === 0) return `modulus: expected no small prime factors, received one divisible by ${p}`;
  }
  return undefined;
}
