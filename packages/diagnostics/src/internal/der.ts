/**
 * A minimal, bounded DER reader for the X.509 fields node:crypto's X509Certificate does not expose
 * (Subject Key Identifier, SubjectAltName entries, subject CN). Malformed DER → undefined, never a throw.
 */
export interface Tlv {
  tag: number;
  /** Content bytes. */
  value: Buffer;
  /** Offset just past this TLV in the parent buffer. */
  end: number;
}

export function readTlv(buf: Buffer, at: number): Tlv | undefined {
  if (at + 2 > buf.length) return undefined;
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers are not used by X.509
  let len = buf[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) return undefined;
  return { tag, value: buf.subarray(p, p + len), end: p + len };
}

export function children(buf: Buffer, max = 10_000): Tlv[] | undefined {
  const out: Tlv[] = [];
  let at = 0;
  while (at < buf.length) {
    const t = readTlv(buf, at);
    if (!t || out.length >= max) return undefined;
    out.push(t);
    at = t.end;
  }
  return out;
}

export function decodeOid(v: Buffer): string {
  if (v.length === 0) return '';
  const parts: number[] = [];
  const first = v[0]!;
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    acc = acc * 128 + (v[i]! & 0x7f);
    if (!(v[i]! & 0x80)) {
      if (parts.length === 0) {
        const a = first < 80 ? Math.floor(acc / 40) : 2;
        parts.push(a, acc - a * 40);
      } else parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

function decodeString(t: Tlv): string | undefined {
  switch (t.tag) {
    case 0x0c:
      return t.value.toString('utf8');
    case 0x13:
    case 0x16:
    case 0x14:
    case 0x1a:
      return t.value.toString('latin1');
    case 0x1e: {
      // BMPString, UTF-16BE
      const b = Buffer.from(t.value);
      if (b.length % 2) return undefined;
      b.swap16();
      return b.toString('utf16le');
    }
    default:
      return undefined;
  }
}

export interface CertFields {
  /** Extensions by OID: critical flag and extnValue contents. */
  extensions: Map<string, { critical: boolean; value: Buffer }>;
  subjectCommonNames: string[];
}

/** Extensions and subject CNs of a DER certificate; undefined when the DER is not a certificate. */
export function certFields(der: Uint8Array): CertFields | undefined {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const cert = readTlv(buf, 0);
  if (!cert || cert.tag !== 0x30) return undefined;
  const top = children(cert.value);
  const tbs = top?.[0];
  if (!tbs || tbs.tag !== 0x30) return undefined;
  const f = children(tbs.value);
  if (!f) return undefined;
  let i = 0;
  if (f[0]?.tag === 0xa0) i = 1; // version
  // serial, signature, issuer, validity, subject
  const subject = f[i + 4];
  const subjectCommonNames: string[] = [];
  if (subject?.tag === 0x30) {
    for (const rdn of children(subject.value) ?? []) {
      for (const atv of children(rdn.value) ?? []) {
        const [oid, val] = children(atv.value) ?? [];
        if (oid?.tag === 0x06 && val && decodeOid(oid.value) === '2.5.4.3') {
          const s = decodeString(val);
          if (s !== undefined) subjectCommonNames.push(s);
        }
      }
    }
  }
  const extensions = new Map<string, { critical: boolean; value: Buffer }>();
  const extWrap = f.find((t) => t.tag === 0xa3);
  if (extWrap) {
    const seq = readTlv(extWrap.value, 0);
    for (const ext of (seq && seq.tag === 0x30 ? children(seq.value) : undefined) ?? []) {
      const parts = children(ext.value) ?? [];
      const oid = parts[0];
      if (oid?.tag !== 0x06) continue;
      const critical = parts[1]?.tag === 0x01 ? parts[1].value[0] !== 0 : false;
      const oct = parts.find((p) => p.tag === 0x04);
      if (oct) extensions.set(decodeOid(oid.value), { critical, value: oct.value });
    }
  }
  return { extensions, subjectCommonNames };
}

/** Subject Key Identifier bytes (extension 2.5.29.14), or undefined. */
export function subjectKeyIdentifier(f: CertFields): Buffer | undefined {
  const e = f.extensions.get('2.5.29.14');
  if (!e) return undefined;
  const t = readTlv(e.value, 0);
  return t && t.tag === 0x04 ? t.value : undefined;
}

/**
 * The Subject Key Identifier bytes of a DER certificate (extension 2.5.29.14), or undefined when the
 * certificate has none or is not a readable certificate. Lync/Skype for Business put the DeviceId
 * there (MS-OCAUTHWS 3.1.4.1.2.4).
 *
 * @throws never: an unreadable certificate gives undefined.
 */
export function certificateSubjectKeyIdentifier(der: Uint8Array): Uint8Array | undefined {
  const f = certFields(der);
  const ski = f ? subjectKeyIdentifier(f) : undefined;
  return ski ? new Uint8Array(ski) : undefined;
}

export interface GeneralNames {
  dns: string[];
  email: string[];
  uri: string[];
  ip: string[];
}

/** SubjectAltName entries (extension 2.5.29.17). */
export function subjectAltNames(f: CertFields): GeneralNames {
  const out: GeneralNames = { dns: [], email: [], uri: [], ip: [] };
  const e = f.extensions.get('2.5.29.17');
  if (!e) return out;
  const seq = readTlv(e.value, 0);
  for (const gn of (seq && seq.tag === 0x30 ? children(seq.value) : undefined) ?? []) {
    const s = gn.value.toString('latin1');
    if (gn.tag === 0x82) out.dns.push(s);
    else if (gn.tag === 0x81) out.email.push(s);
    else if (gn.tag === 0x86) out.uri.push(s);
    else if (gn.tag === 0x87) out.ip.push(gn.value.length === 4 ? [...gn.value].join('.') : gn.value.toString('hex'));
  }
  return out;
}
