// Minimal X.509 v3 issuance with node:crypto and a small DER writer (RFC 5280), for the embedded
// target's own PKI: a root CA (also loaded into @ocauth/certprov's CertificateAuthority so it issues
// the users' certificates), the HTTPS certificate for 127.0.0.1/localhost and the SIP registrar's
// certificate used for the TLS-DSK handshake. Independently checked by Node's X509Certificate/TLS.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject, X509Certificate } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const b: number[] = [];
  while (n > 0) { b.unshift(n & 0xff); n = Math.floor(n / 256); }
  return Buffer.from([0x80 | b.length, ...b]);
}
const tlv = (tag: number, ...parts: Uint8Array[]): Buffer => { const body = Buffer.concat(parts); return Buffer.concat([Buffer.from([tag]), len(body.length), body]); };
function oid(s: string): Buffer {
  const p = s.split('.').map(Number);
  const out: number[] = [40 * p[0]! + p[1]!];
  for (const v of p.slice(2)) {
    const bytes = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) bytes.unshift(0x80 | (x & 0x7f));
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}
const seq = (...p: Uint8Array[]) => tlv(0x30, ...p);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const name = (cn: string) => seq(tlv(0x31, seq(oid('2.5.4.3'), utf8(cn))));
const time = (d: Date) => {
  const iso = d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'latin1')) : tlv(0x18, Buffer.from(iso, 'latin1'));
};
const ext = (id: string, critical: boolean, value: Uint8Array) => seq(oid(id), critical ? Buffer.from([0x01, 0x01, 0xff]) : Buffer.alloc(0), tlv(0x04, value));
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

export interface IssuedPair { certificatePem: string; certificate: X509Certificate; privateKey: KeyObject; privateKeyPem: string }

export interface CertSpec {
  subjectCn: string;
  /** Issuer (omitted: self-signed root CA). */
  issuer?: { certificate: X509Certificate; privateKey: KeyObject };
  ca?: boolean;
  /** subjectAltName: DNS names and IPv4 addresses. */
  dns?: string[];
  ips?: string[];
  /** EKU OIDs (serverAuth 1.3.6.1.5.5.7.3.1, clientAuth 1.3.6.1.5.5.7.3.2). */
  eku?: string[];
  days?: number;
  keyBits?: number;
  now?: Date;
}

export function issueCertificate(s: CertSpec): IssuedPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: s.keyBits ?? 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const now = s.now ?? new Date();
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  serial[0]! |= 0x01;
  const skid = createHash('sha1').update(spki).digest();
  const issuerKey = s.issuer?.privateKey ?? privateKey;
  const issuerName = s.issuer ? Buffer.from(tlvSubjectOf(s.issuer.certificate)) : name(s.subjectCn);
  const exts: Buffer[] = [
    ext('2.5.29.19', true, seq(...(s.ca ? [Buffer.from([0x01, 0x01, 0xff])] : []))),
    ext('2.5.29.15', true, s.ca ? Buffer.from([0x03, 0x02, 0x01, 0x06]) : Buffer.from([0x03, 0x02, 0x05, 0xa0])),
    ext('2.5.29.14', false, tlv(0x04, skid)),
  ];
  if (s.issuer) exts.push(ext('2.5.29.35', false, seq(tlv(0x80, createHash('sha1').update(s.issuer.certificate.publicKey.export({ type: 'spki', format: 'der' })).digest()))));
  if (s.eku?.length) exts.push(ext('2.5.29.37', false, seq(...s.eku.map(oid))));
  const san = [...(s.dns ?? []).map((d) => tlv(0x82, Buffer.from(d, 'latin1'))), ...(s.ips ?? []).map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number))))];
  if (san.length) exts.push(ext('2.5.29.17', false, seq(...san)));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))),
    tlv(0x02, serial),
    SHA256_RSA,
    issuerName,
    seq(time(new Date(now.getTime() - 3600_000)), time(new Date(now.getTime() + (s.days ?? 30) * 86_400_000))),
    name(s.subjectCn),
    spki,
    tlv(0xa3, seq(...exts)),
  );
  const sig = sign('sha256', tbs, issuerKey);
  const der = seq(tbs, SHA256_RSA, tlv(0x03, Buffer.from([0]), sig));
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  return { certificatePem, certificate: new X509Certificate(certificatePem), privateKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The DER of a certificate's subject Name (so issued certificates chain byte-identically). */
function tlvSubjectOf(cert: X509Certificate): Uint8Array {
  const raw = cert.raw;
  let p = 0;
  const read = (): { start: number; hdr: number; len: number } => {
    const start = p;
    p++; // tag
    let l = raw[p++]!;
    if (l & 0x80) { const n = l & 0x7f; l = 0; for (let i = 0; i < n; i++) l = l * 256 + raw[p++]!; }
    return { start, hdr: p - start, len: l };
  };
  read(); // Certificate
  read(); // TBSCertificate
  const fields: { start: number; hdr: number; len: number }[] = [];
  for (let i = 0; i < 6; i++) { const f = read(); fields.push(f); p = f.start + f.hdr + f.len; }
  const versioned = raw[fields[0]!.start] === 0xa0;
  const subj = fields[versioned ? 5 : 4]!;
  return raw.subarray(subj.start, subj.start + subj.hdr + subj.len);
}
