/**
 * Minimal TLS record scanner (RFC 2246 6.2.1 / RFC 5246 6.2.1): the TLS-DSK engine uses it only to
 * know when a handshake leg is complete (the bytes themselves come from Node's TLS implementation).
 */
export const ContentType = { ChangeCipherSpec: 20, Alert: 21, Handshake: 22, ApplicationData: 23 } as const;
export const HandshakeType = {
  ClientHello: 1,
  ServerHello: 2,
  NewSessionTicket: 4,
  Certificate: 11,
  ServerKeyExchange: 12,
  CertificateRequest: 13,
  ServerHelloDone: 14,
  CertificateVerify: 15,
  ClientKeyExchange: 16,
  Finished: 20,
} as const;

export interface TlsRecord {
  contentType: number;
  version: number;
  fragment: Uint8Array;
}

export interface ScanResult {
  records: TlsRecord[];
  /** Bytes after the last complete record (a partial record). */
  trailing: number;
  /** True when a record header is not a TLS record (content type or version out of range). */
  malformed: boolean;
}

export function scanRecords(buf: Uint8Array): ScanResult {
  const records: TlsRecord[] = [];
  let off = 0;
  while (buf.length - off >= 5) {
    const type = buf[off]!;
    const major = buf[off + 1]!;
    const len = (buf[off + 3]! << 8) | buf[off + 4]!;
    if (type < 20 || type > 23 || major !== 3) return { records, trailing: buf.length - off, malformed: true };
    if (buf.length - off - 5 < len) break;
    records.push({ contentType: type, version: (major << 8) | buf[off + 2]!, fragment: buf.subarray(off + 5, off + 5 + len) });
    off += 5 + len;
  }
  return { records, trailing: buf.length - off, malformed: false };
}

/** Handshake message types found in the plaintext handshake records before any ChangeCipherSpec. */
export function plaintextHandshakeTypes(records: TlsRecord[]): number[] {
  const parts: Uint8Array[] = [];
  for (const r of records) {
    if (r.contentType === ContentType.ChangeCipherSpec) break;
    if (r.contentType === ContentType.Handshake) parts.push(r.fragment);
  }
  const hs = Buffer.concat(parts);
  const types: number[] = [];
  let off = 0;
  while (hs.length - off >= 4) {
    const len = (hs[off + 1]! << 16) | (hs[off + 2]! << 8) | hs[off + 3]!;
    if (hs.length - off - 4 < len) break;
    types.push(hs[off]!);
    off += 4 + len;
  }
  return types;
}

/**
 * The first certificate (DER) of the first plaintext Certificate handshake message (RFC 5246 7.4.2 /
 * 7.4.6: a 3-byte list length, then 3-byte length + DER per certificate, the sender's own first), before
 * any ChangeCipherSpec; undefined when there is none, it is empty, or its lengths do not add up.
 */
export function firstCertificate(records: TlsRecord[]): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  for (const r of records) {
    if (r.contentType === ContentType.ChangeCipherSpec) break;
    if (r.contentType === ContentType.Handshake) parts.push(r.fragment);
  }
  const hs = Buffer.concat(parts);
  let off = 0;
  while (hs.length - off >= 4) {
    const len = (hs[off + 1]! << 16) | (hs[off + 2]! << 8) | hs[off + 3]!;
    if (hs.length - off - 4 < len) return undefined;
    if (hs[off] === HandshakeType.Certificate) {
      const body = hs.subarray(off + 4, off + 4 + len);
      if (body.length < 6) return undefined;
      const list = (body[0]! << 16) | (body[1]! << 8) | body[2]!;
      const first = (body[3]! << 16) | (body[4]! << 8) | body[5]!;
      if (list !== body.length - 3 || first === 0 || first > list - 3) return undefined;
      return new Uint8Array(body.subarray(6, 6 + first));
    }
    off += 4 + len;
  }
  return undefined;
}

/** True when a ChangeCipherSpec record is followed by at least one (encrypted) handshake record. */
export function hasChangeCipherSpecAndFinished(records: TlsRecord[]): boolean {
  const i = records.findIndex((r) => r.contentType === ContentType.ChangeCipherSpec);
  return i >= 0 && records.slice(i + 1).some((r) => r.contentType === ContentType.Handshake);
}

/** The 32-byte random of the first ServerHello/ClientHello of a flight, if present (for cross-checks). */
export function helloRandom(buf: Uint8Array, type: 1 | 2): Uint8Array | undefined {
  const { records } = scanRecords(buf);
  const hs = Buffer.concat(records.filter((r) => r.contentType === ContentType.Handshake).map((r) => r.fragment));
  let off = 0;
  while (hs.length - off >= 4) {
    const len = (hs[off + 1]! << 16) | (hs[off + 2]! << 8) | hs[off + 3]!;
    if (hs[off] === type && len >= 34) return new Uint8Array(hs.subarray(off + 6, off + 38));
    off += 4 + len;
  }
  return undefined;
}

/** Largest TLSPlaintext fragment (RFC 2246 / RFC 5246 6.2.1: 2^14 bytes). */
export const MAX_TLS_PLAINTEXT = 16384;

export interface ReframeResult {
  bytes: Uint8Array;
  /** True once a ChangeCipherSpec left this endpoint: later handshake records are encrypted. */
  encrypted: boolean;
}

/**
 * Re-frame one flight the way Schannel writes it: consecutive plaintext handshake records of the same
 * version become as few records as the 2^14-byte limit allows (RFC 5246 6.2.1 lets handshake messages
 * share and span records). Node/OpenSSL write each handshake message in its own record, and SIPE's
 * `sipe-tls.c handshake_parse()` rejects a record holding only the body-less ServerHelloDone.
 * ChangeCipherSpec, alerts and everything after a ChangeCipherSpec (encrypted, MAC'd with the record
 * sequence number) pass unchanged; so do trailing bytes of a partial record. `encrypted` carries the
 * endpoint's state from one leg to the next.
 */
export function coalesceHandshakeRecords(buf: Uint8Array, encrypted = false): ReframeResult {
  const scan = scanRecords(buf);
  if (scan.malformed || scan.records.length < 2) {
    const ccs = scan.records.some((r) => r.contentType === ContentType.ChangeCipherSpec);
    return { bytes: buf, encrypted: encrypted || ccs };
  }
  const out: Buffer[] = [];
  let run: TlsRecord[] = [];
  const header = (type: number, version: number, len: number) => Buffer.from([type, version >> 8, version & 0xff, len >> 8, len & 0xff]);
  const flush = () => {
    if (run.length === 0) return;
    const body = Buffer.concat(run.map((r) => r.fragment));
    const version = run[0]!.version;
    for (let off = 0; off < body.length; off += MAX_TLS_PLAINTEXT) {
      const part = body.subarray(off, off + MAX_TLS_PLAINTEXT);
      out.push(header(ContentType.Handshake, version, part.length), part);
    }
    run = [];
  };
  for (const r of scan.records) {
    if (!encrypted && r.contentType === ContentType.Handshake) {
      if (run.length > 0 && run[0]!.version !== r.version) flush();
      run.push(r);
      continue;
    }
    flush();
    if (r.contentType === ContentType.ChangeCipherSpec) encrypted = true;
    out.push(header(r.contentType, r.version, r.fragment.length), Buffer.from(r.fragment));
  }
  flush();
  if (scan.trailing > 0) out.push(Buffer.from(buf.subarray(buf.length - scan.trailing)));
  return { bytes: new Uint8Array(Buffer.concat(out)), encrypted };
}
