// The PKCS#10 parser certprov used before its strict DER reader (node-forge's tree), kept verbatim as the
// reference of test/csr-differential.test.ts: same outcome as parseCsr on every input, except where the test
// names the class of input on which the new reader is deliberately stricter. Only its imports were adapted.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { CsrError } from '../../src/internal/errors.js';
import {
  decodeBinaryToken,
  OID_COMMON_NAME,
  OID_ENROLLMENT_NAME_VALUE_PAIR,
  OID_EXTENDED_KEY_USAGE,
  OID_EXTENSION_REQUEST,
  OID_OIW_SHA1_WITH_RSA,
  OID_SHA1_WITH_RSA,
  OID_SHA256_WITH_RSA,
  type ParsedCsr,
} from '../../src/internal/csr.js';

const asn1 = forge.asn1;
const T = asn1.Type;
const C = asn1.Class.UNIVERSAL;
const toBin = (u: Uint8Array): string => Buffer.from(u).toString('binary');

/** RSA SPKI → KeyObject through JWK (n, e): about ten times cheaper than OpenSSL's DER decoder. */
function rsaKeyFromSpki(spki: forge.asn1.Asn1): KeyObject | undefined {
  try {
    const [alg, bits] = spki.value as forge.asn1.Asn1[];
    const algOid = asn1.derToOid((alg!.value as forge.asn1.Asn1[])[0]!.value as string);
    if (algOid !== '1.2.840.113549.1.1.1') return undefined;
    const raw = bits!.value as string | forge.asn1.Asn1[];
    const rsa = typeof raw === 'string' ? asn1.fromDer(raw.slice(1)) : raw[0]!;
    const [n, e] = rsa.value as forge.asn1.Asn1[];
    const b64u = (v: string) => Buffer.from(v.replace(/^\x00+/, ''), 'binary').toString('base64url');
    if (!n || !e || n.type !== T.INTEGER || e.type !== T.INTEGER) return undefined;
    return createPublicKey({ key: { kty: 'RSA', n: b64u(n.value as string), e: b64u(e.value as string) }, format: 'jwk' });
  } catch {
    return undefined;
  }
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

/** Header length (tag + length octets) of the DER TLV at `at` (input already parsed strictly). */
function tlvHeaderLength(der: Uint8Array, at: number): number {
  const l = der[at + 1]!;
  return l < 0x80 ? 2 : 2 + (l & 0x7f);
}
/** Total length (header + content) of the DER TLV at `at`. */
function tlvTotalLength(der: Uint8Array, at: number): number {
  const l = der[at + 1]!;
  if (l < 0x80) return 2 + l;
  let n = 0;
  for (let i = 0; i < (l & 0x7f); i++) n = n * 256 + der[at + 2 + i]!;
  return 2 + (l & 0x7f) + n;
}

/**
 * Parses a PKCS#10 request (DER, base64 or PEM) and verifies its self-signature (`signatureValid`).
 * @throws {CsrError} ERR_CERTPROV_BASE64 (text that is not base64), ERR_CERTPROV_CSR_DER (bytes that are not DER),
 * ERR_CERTPROV_CSR_STRUCTURE (DER that is not a CertificationRequest of version 0 or 2); never another exception.
 */
export function parseCsrForge(input: string | Uint8Array): ParsedCsr {
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

/** DER INTEGER contents of the PKCS#10 versions real clients send: 0 (RFC 2986) and 2 (pidgin-sipe's OpenSSL backend). */
const CSR_VERSIONS = new Set(['\x00', '\x02']);

function describeInteger(bin: string): string {
  if (bin.length === 0 || bin.length > 8) return `an INTEGER of ${bin.length} bytes`;
  const v = BigInt.asIntN(bin.length * 8, BigInt('0x' + Buffer.from(bin, 'binary').toString('hex')));
  return v.toString();
}

function parseCsrStructure(input: string | Uint8Array): ParsedCsr {
  const der = decodeBinaryToken(input, 'csr');
  let root: forge.asn1.Asn1;
  try {
    root = asn1.fromDer(toBin(der), { strict: true, parseAllBytes: true } as never);
  } catch (e) {
    throw new CsrError(
      'ERR_CERTPROV_CSR_DER',
      `csr: expected DER-encoded PKCS#10 CertificationRequest, received bytes that do not decode (${(e as Error).message})`,
    );
  }
  const bad = (what: string): never => {
    throw new CsrError('ERR_CERTPROV_CSR_STRUCTURE', `csr: expected PKCS#10 CertificationRequest, ${what}`);
  };
  // RFC 2986 4.2: CertificationRequest ::= SEQUENCE { certificationRequestInfo SEQUENCE,
  // signatureAlgorithm AlgorithmIdentifier (SEQUENCE), signature BIT STRING }. The tags outside the
  // signed CertificationRequestInfo are checked too: no other encoding of the same request passes.
  const isSeq = (n: forge.asn1.Asn1 | undefined): n is forge.asn1.Asn1 =>
    !!n && n.tagClass === C && n.type === T.SEQUENCE && n.constructed && Array.isArray(n.value);
  const top = root.value;
  if (!isSeq(root) || !Array.isArray(top) || top.length !== 3)
    return bad('top-level SEQUENCE of 3 elements (certificationRequestInfo, signatureAlgorithm, signature)');
  const [info, algId, sigBits] = top as forge.asn1.Asn1[];
  if (!isSeq(info) || (info.value as forge.asn1.Asn1[]).length < 3) return bad('CertificationRequestInfo malformed');
  if (!isSeq(algId)) return bad('signatureAlgorithm must be an AlgorithmIdentifier SEQUENCE');
  const algParts = algId.value as forge.asn1.Asn1[];
  const algParams = algParts[1];
  if (algParts.length > 2 || (algParams && !(algParams.tagClass === C && algParams.type === T.NULL && algParams.value === '')))
    return bad('signatureAlgorithm parameters must be absent or NULL');
  const [version, subject, spkiNode, attrsNode] = info.value as forge.asn1.Asn1[];
  // RFC 2986 4.1 fixes version at 0 (v1). pidgin-sipe's OpenSSL backend (sipe-cert-crypto-openssl.c,
  // X509_REQ_set_version(req, 2)) writes 2; its NSS backend writes 0. Both are accepted, nothing else
  // (README "Interoperability").
  if (!version || version.tagClass !== C || version.type !== T.INTEGER || version.constructed || !CSR_VERSIONS.has(version.value as string))
    return bad(
      `version: expected 0 (RFC 2986) or 2 (pidgin-sipe/OpenSSL), received ${version && version.type === T.INTEGER && typeof version.value === 'string' ? describeInteger(version.value) : 'a non-INTEGER'}`,
    );
  if (!subject || !Array.isArray(subject.value)) return bad('subject Name malformed');
  let cn: string | undefined;
  for (const rdn of subject.value) {
    for (const atv of (rdn.value as forge.asn1.Asn1[]) ?? []) {
      const [o, v] = atv.value as forge.asn1.Asn1[];
      if (o && v && asn1.derToOid(o.value as string) === OID_COMMON_NAME) {
        if (v.type === T.BMPSTRING) cn = v.value as string;
        else {
          try {
            cn = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(v.value as string, 'binary'));
          } catch {
            return bad('subject commonName is not valid UTF-8');
          }
        }
      }
    }
  }
  let publicKey: KeyObject;
  const spkiDer = new Uint8Array(Buffer.from(asn1.toDer(spkiNode!).getBytes(), 'binary'));
  try {
    publicKey = rsaKeyFromSpki(spkiNode!) ?? createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  } catch {
    return bad('subjectPKInfo is not a usable public key');
  }
  const nameValuePairs: Array<{ name: string; value: string }> = [];
  const attributeOids: string[] = [];
  let extendedKeyUsage: string[] | undefined;
  if (attrsNode && Array.isArray(attrsNode.value)) {
    for (const attr of attrsNode.value) {
      const [o, set] = (attr.value as forge.asn1.Asn1[]) ?? [];
      if (!o || o.type !== T.OID) return bad('attribute without OID');
      const oid = asn1.derToOid(o.value as string);
      attributeOids.push(oid);
      if (oid === OID_EXTENSION_REQUEST && set && Array.isArray(set.value)) {
        for (const exts of set.value) {
          for (const ext of Array.isArray(exts.value) ? exts.value : []) {
            const parts = Array.isArray(ext.value) ? (ext.value as forge.asn1.Asn1[]) : [];
            const id = parts[0];
            const value = parts[parts.length - 1];
            if (!id || id.type !== T.OID || !value || value.type !== T.OCTETSTRING) return bad('extensionRequest: Extension malformed');
            if (asn1.derToOid(id.value as string) !== OID_EXTENDED_KEY_USAGE) continue;
            let seq: forge.asn1.Asn1;
            try {
              seq = typeof value.value === 'string' ? asn1.fromDer(value.value) : (value.value as forge.asn1.Asn1[])[0]!;
            } catch {
              return bad('extendedKeyUsage extension does not decode');
            }
            if (!Array.isArray(seq.value)) return bad('extendedKeyUsage extension is not a SEQUENCE');
            extendedKeyUsage = (seq.value as forge.asn1.Asn1[]).map((k) => {
              if (k.type !== T.OID) return bad('extendedKeyUsage: expected KeyPurposeId OIDs');
              return asn1.derToOid(k.value as string);
            });
          }
        }
      }
      if (oid === OID_ENROLLMENT_NAME_VALUE_PAIR && set && Array.isArray(set.value)) {
        for (const pair of set.value) {
          const [n, v] = (pair.value as forge.asn1.Asn1[]) ?? [];
          if (n && v) nameValuePairs.push({ name: String(n.value), value: String(v.value) });
        }
      }
    }
  }
  const algOidNode = Array.isArray(algId?.value) ? (algId.value[0] as forge.asn1.Asn1 | undefined) : undefined;
  if (!algOidNode || algOidNode.type !== T.OID) return bad('signatureAlgorithm malformed');
  const signatureAlgorithmOid = asn1.derToOid(algOidNode.value as string);
  // node-forge decodes a BIT STRING whose bytes happen to look like DER into children; the original
  // octets stay in bitStringContents.
  const sigRaw = sigBits && ((sigBits as { bitStringContents?: string }).bitStringContents ?? sigBits.value);
  if (!sigBits || sigBits.tagClass !== C || sigBits.type !== T.BITSTRING || typeof sigRaw !== 'string' || sigRaw.charCodeAt(0) !== 0)
    return bad('signature BIT STRING malformed');
  const hash = HASH_BY_OID[signatureAlgorithmOid];
  let signatureValid = false;
  const ecdsaOid = signatureAlgorithmOid.startsWith('1.2.840.10045.4.');
  if (hash && (ecdsaOid ? publicKey.asymmetricKeyType === 'ec' : publicKey.asymmetricKeyType === 'rsa')) {
    // Verify over the bytes as received (the signed CertificationRequestInfo TLV), not a re-encoding.
    const infoDer = Buffer.from(der.subarray(tlvHeaderLength(der, 0), tlvHeaderLength(der, 0) + tlvTotalLength(der, tlvHeaderLength(der, 0))));
    signatureValid = verify(hash, infoDer, publicKey, Buffer.from(sigRaw.slice(1), 'binary'));
  }
  const keySizeBits = publicKey.asymmetricKeyDetails?.modulusLength;
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
