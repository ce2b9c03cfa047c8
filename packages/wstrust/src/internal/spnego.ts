// SPNEGO (RFC 4178) framing of NTLM tokens carried by the HTTP Negotiate scheme (RFC 4559): the DER
// NegTokenInit / NegTokenResp envelopes, read with bounds checks and written minimally. Only NTLM
// (1.3.6.1.4.1.311.2.2.10) is accepted as the mechanism; Kerberos is not offered.
import { NtlmError } from './ntlm.js';

const OID_SPNEGO = Buffer.from('2b0601050502', 'hex'); // 1.3.6.1.5.5.2
export const OID_NTLM: Buffer = Buffer.from('2b06010401823702020a', 'hex'); // 1.3.6.1.4.1.311.2.2.10

interface Tlv {
  tag: number;
  value: Buffer;
  /** Offset just past this TLV in the parent buffer. */
  end: number;
}

/** One DER TLV at `off` (single-byte tags, definite lengths up to 2^24), bounded by `buf`. */
function readTlv(buf: Buffer, off: number, what: string): Tlv {
  if (off + 2 > buf.length) throw new NtlmError(`SPNEGO ${what}: expected a DER tag and length at offset ${off}, received ${buf.length - off} bytes`);
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) throw new NtlmError(`SPNEGO ${what}: expected a single-byte DER tag, received 0x${tag.toString(16)}`);
  let len = buf[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3)
      throw new NtlmError(
        `SPNEGO ${what}: expected a definite DER length of at most 3 bytes, received ${n === 0 ? 'the indefinite form' : `${n} length bytes`}`,
      );
    if (p + n > buf.length) throw new NtlmError(`SPNEGO ${what}: DER length runs past the end of the token`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw new NtlmError(`SPNEGO ${what}: expected ${len} bytes of content at offset ${p}, received ${buf.length - p}`);
  return { tag, value: buf.subarray(p, p + len), end: p + len };
}

/** The [n]-tagged fields of a SEQUENCE, by context tag number. */
function fields(seq: Buffer, what: string): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let off = 0; off < seq.length; ) {
    const t = readTlv(seq, off, what);
    if ((t.tag & 0xe0) !== 0xa0) throw new NtlmError(`SPNEGO ${what}: expected context-tagged fields [0]..[4], received tag 0x${t.tag.toString(16)}`);
    const n = t.tag & 0x1f;
    if (out.has(n)) throw new NtlmError(`SPNEGO ${what}: field [${n}] appears twice`);
    out.set(n, t.value);
    off = t.end;
  }
  return out;
}

function octets(b: Buffer | undefined, what: string): Buffer | undefined {
  if (b === undefined) return undefined;
  const t = readTlv(b, 0, what);
  if (t.tag !== 0x04 || t.end !== b.length) throw new NtlmError(`SPNEGO ${what}: expected an OCTET STRING, received tag 0x${t.tag.toString(16)}`);
  return t.value;
}

export type SpnegoToken =
  | { kind: 'init'; mechTypes: Buffer[]; mechToken: Buffer | undefined }
  | { kind: 'resp'; negState: number | undefined; responseToken: Buffer | undefined; mechListMic: Buffer | undefined };

/** Parse a GSS-API InitialContextToken carrying NegTokenInit, or a bare NegTokenResp ([1]). */
export function parseSpnego(token: Uint8Array): SpnegoToken {
  const buf = Buffer.from(token.buffer, token.byteOffset, token.byteLength);
  const outer = readTlv(buf, 0, 'token');
  if (outer.end !== buf.length) throw new NtlmError(`SPNEGO token: expected one DER value, received ${buf.length - outer.end} trailing bytes`);
  if (outer.tag === 0x60) {
    // RFC 2743 3.1 InitialContextToken: [APPLICATION 0] { thisMech OID, innerContextToken }
    const oid = readTlv(outer.value, 0, 'thisMech');
    if (oid.tag !== 0x06 || !oid.value.equals(OID_SPNEGO))
      throw new NtlmError('SPNEGO token: expected the SPNEGO mechanism 1.3.6.1.5.5.2, received another OID');
    const inner = readTlv(outer.value, oid.end, 'NegotiationToken');
    if (inner.tag !== 0xa0 || inner.end !== outer.value.length)
      throw new NtlmError(`SPNEGO token: expected NegTokenInit [0], received tag 0x${inner.tag.toString(16)}`);
    const seq = readTlv(inner.value, 0, 'NegTokenInit');
    if (seq.tag !== 0x30) throw new NtlmError('SPNEGO NegTokenInit: expected a SEQUENCE');
    const f = fields(seq.value, 'NegTokenInit');
    const mechTypes: Buffer[] = [];
    const mt = f.get(0);
    if (mt) {
      const list = readTlv(mt, 0, 'mechTypes');
      if (list.tag !== 0x30) throw new NtlmError('SPNEGO mechTypes: expected a SEQUENCE OF OID');
      for (let off = 0; off < list.value.length && mechTypes.length < 16; ) {
        const o = readTlv(list.value, off, 'mechTypes');
        if (o.tag !== 0x06) throw new NtlmError('SPNEGO mechTypes: expected OIDs only');
        mechTypes.push(o.value);
        off = o.end;
      }
    }
    return { kind: 'init', mechTypes, mechToken: octets(f.get(2), 'mechToken') };
  }
  if (outer.tag === 0xa1) {
    const seq = readTlv(outer.value, 0, 'NegTokenResp');
    if (seq.tag !== 0x30) throw new NtlmError('SPNEGO NegTokenResp: expected a SEQUENCE');
    const f = fields(seq.value, 'NegTokenResp');
    let negState: number | undefined;
    const ns = f.get(0);
    if (ns) {
      const e = readTlv(ns, 0, 'negState');
      if (e.tag !== 0x0a || e.value.length !== 1) throw new NtlmError('SPNEGO negState: expected a one-byte ENUMERATED');
      negState = e.value[0]!;
    }
    return { kind: 'resp', negState, responseToken: octets(f.get(2), 'responseToken'), mechListMic: octets(f.get(3), 'mechListMIC') };
  }
  throw new NtlmError(`SPNEGO token: expected NegTokenInit (0x60) or NegTokenResp (0xa1), received tag 0x${outer.tag.toString(16)}`);
}

function der(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const len =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : n < 0x10000
          ? Buffer.from([0x82, n >> 8, n & 0xff])
          : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

/** NegTokenResp: negState 0 accept-completed, 1 accept-incomplete, 2 reject; supportedMech NTLM when selecting it. */
export function buildNegTokenResp(o: { negState: 0 | 1 | 2; supportedMech?: boolean; responseToken?: Uint8Array }): Buffer {
  const parts = [der(0xa0, der(0x0a, Buffer.from([o.negState])))];
  if (o.supportedMech) parts.push(der(0xa1, der(0x06, OID_NTLM)));
  if (o.responseToken) parts.push(der(0xa2, der(0x04, o.responseToken)));
  return der(0xa1, der(0x30, ...parts));
}

/** NegTokenInit offering NTLM with an NTLM mechToken (client side, tests). */
export function buildNegTokenInit(mechToken: Uint8Array): Buffer {
  return der(0x60, der(0x06, OID_SPNEGO), der(0xa0, der(0x30, der(0xa0, der(0x30, der(0x06, OID_NTLM))), der(0xa2, der(0x04, mechToken)))));
}
