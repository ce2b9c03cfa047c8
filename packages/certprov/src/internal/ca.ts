// The certification authority of the Certificate Provisioning Service — MS-OCAUTHWS 3.1.3 (a CA initialized with
// a key pair) issuing the X.509 v3 certificate of 3.1.4.1.2.4; shape follows the 4.1.2 example: subject CN = Entity,
// SAN rfc822Name, EKU clientAuth, SKI = ASCII DeviceId, AKI = issuer key id.
import {
  createHash,
  generateKeyPairSync,
  randomBytes as nodeRandomBytes,
  randomFillSync,
  sign,
  X509Certificate,
  type KeyObject,
  createPrivateKey,
} from 'node:crypto';
import forge from 'node-forge';
import { CertificateAuthorityError } from './errors.js';

const asn1 = forge.asn1;
const T = asn1.Type;
const U = asn1.Class.UNIVERSAL;
const CTX = asn1.Class.CONTEXT_SPECIFIC;

export type SignatureHash = 'sha1' | 'sha256';

const SIG_OID: Record<SignatureHash, string> = { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11' };
const toBin = (u: Uint8Array): string => Buffer.from(u).toString('binary');
const fromBin = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'binary'));
const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());

function pem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

function name(cn: string): forge.asn1.Asn1 {
  return asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.SET, true, [asn1.create(U, T.SEQUENCE, true, [oid('2.5.4.3'), asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(cn))])]),
  ]);
}

function time(d: Date): forge.asn1.Asn1 {
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return d.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

function ext(id: string, critical: boolean, value: forge.asn1.Asn1 | Uint8Array): forge.asn1.Asn1 {
  const bytes = value instanceof Uint8Array ? toBin(value) : asn1.toDer(value).getBytes();
  const parts = [oid(id)];
  if (critical) parts.push(asn1.create(U, T.BOOLEAN, false, '\xff'));
  parts.push(asn1.create(U, T.OCTETSTRING, false, bytes));
  return asn1.create(U, T.SEQUENCE, true, parts);
}

function bitString(bits: number[]): forge.asn1.Asn1 {
  // KeyUsage: named bit list, DER trims trailing zero bits.
  let v = 0;
  for (const b of bits) v |= 0x80 >> b;
  let unused = 0;
  while (unused < 8 && !(v & (1 << unused))) unused++;
  return asn1.create(U, T.BITSTRING, false, String.fromCharCode(unused, v));
}

// Minimal DER writer for the hot issuance path (node-forge's ASN.1 objects cost more than the RSA signature).
/** DER length octets of `n` (X.690 8.1.3, definite form, minimal). */
function lenOctets(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}
/** One TLV holding `parts` (one allocation: header and contents written in place). */
function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  let length = 0;
  for (const p of parts) length += p.length;
  const lo = lenOctets(length);
  const out = Buffer.allocUnsafe(1 + lo + length);
  out[0] = tag;
  if (lo === 1) out[1] = length;
  else {
    out[1] = 0x80 | (lo - 1);
    for (let i = lo - 1, v = length; i >= 1; i--, v = Math.floor(v / 256)) out[1 + i] = v & 0xff;
  }
  let at = 1 + lo;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
const derOf = (a: forge.asn1.Asn1): Buffer => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
function utcOrGen(d: Date): Buffer {
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(asn1.dateToUtcTime(d), 'latin1')) : tlv(0x18, Buffer.from(asn1.dateToGeneralizedTime(d), 'latin1'));
}
const oidDerCache = new Map<string, Buffer>();
/** OBJECT IDENTIFIER TLV of `id` (encoded once by node-forge, then reused: issue() names the same few OIDs each time). */
function oidDer(id: string): Buffer {
  let d = oidDerCache.get(id);
  if (!d) oidDerCache.set(id, (d = derOf(oid(id))));
  return d;
}
const CRITICAL = Buffer.from([0x01, 0x01, 0xff]);
const NOT_CRITICAL = Buffer.alloc(0);
function extDer(id: string, critical: boolean, value: Uint8Array): Buffer {
  return tlv(0x30, oidDer(id), critical ? CRITICAL : NOT_CRITICAL, tlv(0x04, value));
}

const CN_OID_DER = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);
/** Name ::= SEQUENCE { SET { SEQUENCE { commonName, UTF8String cn } } } — the bytes name(cn) encodes, without node-forge. */
function nameDer(cn: string): Buffer {
  // node-forge's encodeUtf8 threw URIError on a lone surrogate; Buffer would silently write U+FFFD instead.
  if (/\p{Cs}/u.test(cn)) throw new URIError('URI malformed');
  return tlv(0x30, tlv(0x31, tlv(0x30, CN_OID_DER, tlv(0x0c, Buffer.from(cn, 'utf8')))));
}

// Internal (not exported): it carries node-forge ASN.1 nodes, and no third-party type may reach the public .d.ts.
interface TbsInput {
  serial: Uint8Array;
  issuerCn: string;
  /** Issuer Name DER (byte-identical to the issuer's subject); overrides issuerCn. */
  issuerNameDer?: Uint8Array;
  subjectCn: string;
  notBefore: Date;
  notAfter: Date;
  spkiDer: Uint8Array;
  extensions: forge.asn1.Asn1[];
  hash: SignatureHash;
}

function signCertificate(t: TbsInput, key: KeyObject): Uint8Array {
  const algId = asn1.create(U, T.SEQUENCE, true, [oid(SIG_OID[t.hash]), asn1.create(U, T.NULL, false, '')]);
  const tbs = asn1.create(U, T.SEQUENCE, true, [
    asn1.create(CTX, 0, true, [asn1.create(U, T.INTEGER, false, '\x02')]),
    asn1.create(U, T.INTEGER, false, toBin(t.serial)),
    algId,
    t.issuerNameDer ? asn1.fromDer(toBin(t.issuerNameDer)) : name(t.issuerCn),
    asn1.create(U, T.SEQUENCE, true, [time(t.notBefore), time(t.notAfter)]),
    name(t.subjectCn),
    asn1.fromDer(toBin(t.spkiDer)),
    asn1.create(CTX, 3, true, [asn1.create(U, T.SEQUENCE, true, t.extensions)]),
  ]);
  const tbsDer = fromBin(asn1.toDer(tbs).getBytes());
  const sig = sign(t.hash, tbsDer, key);
  const cert = asn1.create(U, T.SEQUENCE, true, [
    tbs,
    asn1.create(U, T.SEQUENCE, true, [oid(SIG_OID[t.hash]), asn1.create(U, T.NULL, false, '')]),
    asn1.create(U, T.BITSTRING, false, '\x00' + toBin(sig)),
  ]);
  return fromBin(asn1.toDer(cert).getBytes());
}

export interface CertificateAuthorityOptions {
  /** Issuer CN; default "Communications Server" (as in MS-OCAUTHWS 4.1.2). */
  commonName?: string;
  keySizeBits?: number;
  hash?: SignatureHash;
  /** CA validity in days; default 3650. */
  validityDays?: number;
  clock?: () => Date;
  randomBytes?: (n: number) => Uint8Array;
  /** Use this key pair for a new CA instead of generating one. */
  keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
  /**
   * create(): make an issuing (subordinate) CA signed by this CA instead of a self-signed root
   * (basicConstraints CA, pathLenConstraint 0; validity capped at the issuer's).
   */
  issuer?: CertificateAuthority;
  /**
   * load(): the certificates above this CA, issuer first, up to the root (PEM, DER or X509Certificate).
   * The first must have issued this CA's certificate and each the one before it.
   */
  chain?: ReadonlyArray<X509Certificate | string | Uint8Array>;
}

export interface IssueOptions {
  /** Subject public key (SPKI DER or KeyObject). */
  publicKey: KeyObject | Uint8Array;
  /** SIP URI without `sip:` (the GetAndPublishCert Entity). */
  entity: string;
  /** DeviceId GUID with braces; becomes the SKI as ASCII. */
  deviceId: string;
  validityHours: number;
  hash?: SignatureHash;
  notBefore?: Date;
}

export interface IssuedCertificate {
  der: Uint8Array;
  pem: string;
  x509: X509Certificate;
  /** Serial number, upper-case hex as X509Certificate reports it. */
  serialNumber: string;
}

/**
 * A certification authority that issues user certificates, signing with node:crypto. Made by `create` or `load`.
 * @throws {CertificateAuthorityError} ERR_CERTPROV_CA_KEY_MISMATCH, ERR_CERTPROV_CA_CHAIN, ERR_CERTPROV_CA_OPTIONS
 * from `create`/`load`, ERR_CERTPROV_VALIDITY from `issue` (see each).
 */
export class CertificateAuthority {
  readonly certificate: X509Certificate;
  readonly certificateDer: Uint8Array;
  readonly commonName: string;
  readonly #key: KeyObject;
  readonly #keyId: Uint8Array;
  readonly #hash: SignatureHash;
  readonly #clock: () => Date;
  readonly #random: (n: number) => Uint8Array;
  readonly #issuerName: Buffer;
  readonly #aki: Buffer;
  readonly #algIds: Record<SignatureHash, Buffer>;
  readonly #parents: X509Certificate[];

  private constructor(certDer: Uint8Array, key: KeyObject, opts: CertificateAuthorityOptions) {
    this.certificateDer = certDer;
    this.certificate = new X509Certificate(Buffer.from(certDer));
    if (!this.certificate.checkPrivateKey(key))
      throw new CertificateAuthorityError('ERR_CERTPROV_CA_KEY_MISMATCH', 'privateKey: expected the key of the CA certificate, received a different key');
    this.commonName = /CN=([^\n]*)/.exec(this.certificate.subject)?.[1] ?? '';
    this.#key = key;
    this.#parents = opts.issuer
      ? opts.issuer.chain
      : (opts.chain ?? []).map((c) => (c instanceof X509Certificate ? c : new X509Certificate(typeof c === 'string' ? c : Buffer.from(c))));
    let child = this.certificate;
    for (const [i, parent] of this.#parents.entries()) {
      if (!child.checkIssued(parent) || !child.verify(parent.publicKey))
        throw new CertificateAuthorityError(
          'ERR_CERTPROV_CA_CHAIN',
          `chain[${i}]: expected the issuer of ${child.subject.replace(/\n/g, ', ')}, received ${parent.subject.replace(/\n/g, ', ')}`,
        );
      child = parent;
    }
    this.#keyId = new Uint8Array(
      createHash('sha1')
        .update(this.certificate.publicKey.export({ type: 'spki', format: 'der' }))
        .digest(),
    );
    this.#hash = opts.hash ?? 'sha256';
    this.#clock = opts.clock ?? (() => new Date());
    this.#random = opts.randomBytes ?? pooledRandomBytes;
    // Issuer Name exactly as it appears in the CA certificate's subject (byte-identical chaining).
    const caTbs = asn1.fromDer(toBin(certDer)).value as forge.asn1.Asn1[];
    const tbsFields = caTbs[0]!.value as forge.asn1.Asn1[];
    this.#issuerName = derOf(tbsFields[0]!.tagClass === CTX ? tbsFields[5]! : tbsFields[4]!);
    this.#aki = extDer('2.5.29.35', false, tlv(0x30, tlv(0x80, this.#keyId)));
    this.#algIds = {
      sha1: derOf(asn1.create(U, T.SEQUENCE, true, [oid(SIG_OID.sha1), asn1.create(U, T.NULL, false, '')])),
      sha256: derOf(asn1.create(U, T.SEQUENCE, true, [oid(SIG_OID.sha256), asn1.create(U, T.NULL, false, '')])),
    };
  }

  /**
   * Creates a CA (RSA, default 2048 bits): a self-signed root, or with `issuer` an issuing CA under
   * that CA (e.g. a root kept offline and an issuing CA for the Certificate Provisioning Service).
   * @throws {CertificateAuthorityError} ERR_CERTPROV_CA_OPTIONS when `issuer` is not a CertificateAuthority, is
   * given with `chain`, or has the same commonName; ERR_CERTPROV_CA_KEY_MISMATCH when `keyPair` is not a pair.
   */
  static create(opts: CertificateAuthorityOptions = {}): CertificateAuthority {
    const { privateKey, publicKey } = opts.keyPair ?? generateKeyPairSync('rsa', { modulusLength: opts.keySizeBits ?? 2048 });
    const now = (opts.clock ?? (() => new Date()))();
    const cn = opts.commonName ?? 'Communications Server';
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const keyId = new Uint8Array(createHash('sha1').update(spki).digest());
    const random = opts.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n)));
    const parent = opts.issuer;
    if (parent !== undefined && !(parent instanceof CertificateAuthority))
      throw new CertificateAuthorityError('ERR_CERTPROV_CA_OPTIONS', `issuer: expected a CertificateAuthority, received ${typeof parent}`);
    if (parent && opts.chain)
      throw new CertificateAuthorityError(
        'ERR_CERTPROV_CA_OPTIONS',
        'issuer and chain: expected one of them, received both (create() takes issuer, load() takes chain)',
      );
    let notAfter = new Date(now.getTime() + (opts.validityDays ?? 3650) * 86_400_000);
    if (parent) {
      const cap = new Date(parent.certificate.validTo);
      if (notAfter > cap) notAfter = cap;
      if (parent.commonName === cn)
        throw new CertificateAuthorityError('ERR_CERTPROV_CA_OPTIONS', `commonName: expected a name other than the issuer's (${cn}), received the same`);
    }
    const der = signCertificate(
      {
        serial: serial(random),
        issuerCn: cn,
        ...(parent ? { issuerNameDer: parent.#issuerName } : {}),
        subjectCn: cn,
        notBefore: new Date(now.getTime() - 60_000),
        notAfter,
        spkiDer: spki,
        hash: opts.hash ?? 'sha256',
        extensions: [
          // basicConstraints cA (a subordinate may issue only end-entity certificates: pathLen 0)
          ext(
            '2.5.29.19',
            true,
            asn1.create(U, T.SEQUENCE, true, [asn1.create(U, T.BOOLEAN, false, '\xff'), ...(parent ? [asn1.create(U, T.INTEGER, false, '\x00')] : [])]),
          ),
          ext('2.5.29.15', true, bitString([5, 6])),
          ext('2.5.29.14', false, asn1.create(U, T.OCTETSTRING, false, toBin(keyId))),
          ...(parent ? [asn1.fromDer(toBin(parent.#aki))] : []),
        ],
      },
      parent ? parent.#key : privateKey,
    );
    return new CertificateAuthority(der, privateKey, opts);
  }

  /**
   * Loads a CA from its certificate and private key (PEM or DER).
   * @throws {CertificateAuthorityError} ERR_CERTPROV_CA_KEY_MISMATCH when the key is not the certificate's;
   * ERR_CERTPROV_CA_CHAIN when a `chain` certificate did not issue the one before it. A certificate or key that
   * does not parse throws node:crypto's error.
   */
  static load(certificate: string | Uint8Array, privateKey: string | KeyObject, opts: CertificateAuthorityOptions = {}): CertificateAuthority {
    const x = new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate));
    const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
    return new CertificateAuthority(new Uint8Array(x.raw), key, opts);
  }

  get certificatePem(): string {
    return pem(this.certificateDer, 'CERTIFICATE');
  }

  /** This CA's certificate followed by the certificates above it, up to the root. */
  get chain(): X509Certificate[] {
    return [this.certificate, ...this.#parents];
  }

  /** The last certificate of `chain`: the trust anchor relying parties configure. */
  get root(): X509Certificate {
    return this.#parents.at(-1) ?? this.certificate;
  }

  /**
   * Issues a user certificate (MS-OCAUTHWS 3.1.4.1.2.4, the 4.1.2 example's shape).
   * @throws {CertificateAuthorityError} ERR_CERTPROV_VALIDITY when validityHours is not a positive number.
   */
  issue(o: IssueOptions): IssuedCertificate {
    if (!Number.isFinite(o.validityHours) || o.validityHours <= 0)
      throw new CertificateAuthorityError('ERR_CERTPROV_VALIDITY', `validityHours: expected a positive number, received ${String(o.validityHours)}`);
    const spki = o.publicKey instanceof Uint8Array ? o.publicKey : new Uint8Array(o.publicKey.export({ type: 'spki', format: 'der' }));
    const notBefore = o.notBefore ?? this.#clock();
    const notAfter = new Date(notBefore.getTime() + o.validityHours * 3_600_000);
    const hash = o.hash ?? this.#hash;
    const serialBytes = serial(this.#random);
    const algId = this.#algIds[hash];
    const tbs = tlv(
      0x30,
      V3,
      tlv(0x02, serialBytes),
      algId,
      this.#issuerName,
      tlv(0x30, utcOrGen(notBefore), utcOrGen(notAfter)),
      nameDer(o.entity),
      spki,
      tlv(
        0xa3,
        tlv(
          0x30,
          EKU_CLIENT_AUTH, // EKU clientAuth
          KU_USER, // KeyUsage digitalSignature, keyEncipherment (critical)
          extDer('2.5.29.14', false, tlv(0x04, Buffer.from(o.deviceId, 'utf8'))), // SKI = ASCII DeviceId (4.1.2 example)
          this.#aki, // AKI keyIdentifier
          extDer('2.5.29.17', false, tlv(0x30, tlv(0x81, Buffer.from(o.entity, 'utf8')))), // SAN rfc822Name
        ),
      ),
    );
    const der = new Uint8Array(tlv(0x30, tbs, algId, tlv(0x03, Buffer.from([0]), sign(hash, tbs, this.#key))));
    // x509 and pem are computed on first use (parsing costs as much as a third of the signature).
    let x509: X509Certificate | undefined;
    let pemText: string | undefined;
    return {
      der,
      serialNumber: Buffer.from(serialBytes).toString('hex').toUpperCase(),
      get x509() {
        return (x509 ??= new X509Certificate(der));
      },
      get pem() {
        return (pemText ??= pem(der, 'CERTIFICATE'));
      },
    };
  }
}

const V3 = Buffer.from([0xa0, 0x03, 0x02, 0x01, 0x02]);
const EKU_CLIENT_AUTH = extDer('2.5.29.37', false, tlv(0x30, derOf(oid('1.3.6.1.5.5.7.3.2'))));
const KU_USER = extDer('2.5.29.15', true, derOf(bitString([0, 2])));

// CSPRNG output drawn in blocks (one randomFillSync per 256 serials instead of one randomBytes call each);
// every byte is handed out once.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function pooledRandomBytes(n: number): Uint8Array {
  if (n > pool.length) return new Uint8Array(nodeRandomBytes(n));
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = new Uint8Array(pool.subarray(poolAt, poolAt + n));
  pool.fill(0, poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** 16 random bytes, positive (high bit clear) and non-zero leading byte: a unique 127-bit serial. */
function serial(random: (n: number) => Uint8Array): Uint8Array {
  const b = new Uint8Array(random(16));
  b[0] = (b[0]! & 0x7f) | 0x40;
  return b;
}
