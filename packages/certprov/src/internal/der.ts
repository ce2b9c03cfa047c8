// A small, strict DER reader for the PKCS#10 requests of GetAndPublishCert (MS-OCAUTHWS 3.1.4.1.2.3 (3)): X.690
// definite, minimal lengths, single-byte tags, every constructed value exactly filled by its children, nothing
// after the outermost value. It replaces node-forge's tree on the per-request path (the tree cost more than the
// checks made on it); values are offsets into the caller's bytes, never copies.

/** One TLV: `tag` is the identifier octet; the contents are der[start, end). */
export interface Tlv {
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly at: number;
  /** Offset of the first content octet. */
  readonly start: number;
  /** Offset just past the last content octet. */
  readonly end: number;
  /** Children of a constructed value (empty for a primitive one). */
  readonly children: Tlv[];
}

/** The input is not strict DER (the message says where and why). */
export class DerDecodeError extends Error {
  override readonly name = 'DerDecodeError';
}

/** node-forge's nesting limit (asn1.maxDepth), kept so no deeper input passes now that forge did refuse. */
const MAX_DEPTH = 256;

function readOne(der: Uint8Array, at: number, limit: number, depth: number): Tlv {
  if (depth >= MAX_DEPTH) throw new DerDecodeError(`nesting deeper than ${MAX_DEPTH} at offset ${at}`);
  if (limit - at < 2) throw new DerDecodeError(`truncated TLV at offset ${at}`);
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerDecodeError(`multi-byte tag at offset ${at}`);
  const l0 = der[at + 1]!;
  let start = at + 2;
  let length: number;
  if (l0 < 0x80) length = l0;
  else {
    const n = l0 & 0x7f;
    if (n === 0) throw new DerDecodeError(`indefinite length at offset ${at}`);
    if (n > 4) throw new DerDecodeError(`length of ${n} octets at offset ${at}`);
    if (limit - start < n) throw new DerDecodeError(`truncated length at offset ${at}`);
    if (der[start] === 0) throw new DerDecodeError(`non-minimal length at offset ${at}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[start + i]!;
    if (length < 0x80) throw new DerDecodeError(`non-minimal length at offset ${at}`);
    start += n;
  }
  const end = start + length;
  if (end > limit) throw new DerDecodeError(`value at offset ${at} runs past its container (${length} octets, ${limit - start} available)`);
  const children: Tlv[] = [];
  if (tag & 0x20) {
    for (let p = start; p < end; ) {
      const c = readOne(der, p, end, depth + 1);
      children.push(c);
      p = c.end;
    }
  } else if ((tag & 0x1f) === 0x1e && length % 2 !== 0) {
    // BMPString: UTF-16BE code units (forge read past an odd-length one into the next value).
    throw new DerDecodeError(`BMPString of odd length at offset ${at}`);
  }
  return { tag, at, start, end, children };
}

/** Reads exactly one TLV spanning all of `der` (the whole tree is checked). @throws {DerDecodeError} */
export function readDer(der: Uint8Array): Tlv {
  const root = readOne(der, 0, der.length, 0);
  if (root.end !== der.length) throw new DerDecodeError(`${der.length - root.end} octets after the value`);
  return root;
}

/** Reads exactly one TLV spanning der[start, end). @throws {DerDecodeError} */
export function readDerIn(der: Uint8Array, start: number, end: number): Tlv {
  const t = readOne(der, start, end, 0);
  if (t.end !== end) throw new DerDecodeError(`${end - t.end} octets after the value at offset ${start}`);
  return t;
}

/**
 * Dotted form of an OBJECT IDENTIFIER's contents, or undefined when they are not a valid encoding (empty, a
 * subidentifier with a leading 0x80 octet, or a last octet with the continuation bit).
 */
export function oidText(der: Uint8Array, t: Tlv): string | undefined {
  if (t.end === t.start) return undefined;
  const arcs: string[] = [];
  let v = 0;
  let big: bigint | undefined;
  let fresh = true;
  for (let i = t.start; i < t.end; i++) {
    const b = der[i]!;
    if (fresh && b === 0x80) return undefined;
    fresh = false;
    if (big !== undefined) big = (big << 7n) | BigInt(b & 0x7f);
    else if (v >= 2 ** 45) big = (BigInt(v) << 7n) | BigInt(b & 0x7f);
    else v = v * 128 + (b & 0x7f);
    if (b & 0x80) continue;
    if (arcs.length === 0) {
      // X.690 8.19.4: the first subidentifier is 40·X + Y (X ≤ 2).
      if (big !== undefined) arcs.push('2', String(big - 80n));
      else if (v < 80) arcs.push(String(Math.floor(v / 40)), String(v % 40));
      else arcs.push('2', String(v - 80));
    } else arcs.push(big !== undefined ? String(big) : String(v));
    v = 0;
    big = undefined;
    fresh = true;
  }
  return fresh ? arcs.join('.') : undefined;
}

/** Compares the contents of `t` with `bytes`. */
export function contentsEqual(der: Uint8Array, t: Tlv, bytes: Uint8Array): boolean {
  if (t.end - t.start !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (der[t.start + i] !== bytes[i]) return false;
  return true;
}
