// MS-NLMP NTLMv2 client (NEGOTIATE / CHALLENGE / AUTHENTICATE, NTOWFv2) for the WinNegotiate binding.
import { createHmac, randomBytes } from 'node:crypto';
import { NtlmError } from './errors.js';
export { NtlmError } from './errors.js';

/**
 * MD4 (RFC 1320). OpenSSL 3's default provider no longer offers MD4 (`createHash('md4')` throws
 * ERR_OSSL_EVP_UNSUPPORTED on Node 20), and NTLM's NT hash needs it, so it is implemented here.
 */
export function md4(input: Uint8Array): Uint8Array {
  const len = input.length;
  const padLen = ((len + 8) >> 6) * 64 + 64;
  const buf = new Uint8Array(padLen);
  buf.set(input);
  buf[len] = 0x80;
  const dv = new DataView(buf.buffer);
  dv.setUint32(padLen - 8, (len * 8) >>> 0, true);
  dv.setUint32(padLen - 4, Math.floor((len * 8) / 2 ** 32), true);
  let a = 0x67452301,
    b = 0xefcdab89,
    c = 0x98badcfe,
    d = 0x10325476;
  const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
  const X = new Uint32Array(16);
  for (let off = 0; off < padLen; off += 64) {
    for (let i = 0; i < 16; i++) X[i] = dv.getUint32(off + i * 4, true);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const F = (x: number, y: number, z: number) => (x & y) | (~x & z);
    const G = (x: number, y: number, z: number) => (x & y) | (x & z) | (y & z);
    const H = (x: number, y: number, z: number) => x ^ y ^ z;
    const r1 = [3, 7, 11, 19],
      r2 = [3, 5, 9, 13],
      r3 = [3, 9, 11, 15];
    for (let i = 0; i < 16; i++) {
      const t = (a + F(b, c, d) + X[i]!) | 0;
      [a, b, c, d] = [d, rotl(t, r1[i % 4]!), b, c];
    }
    for (let i = 0; i < 16; i++) {
      const k = (i % 4) * 4 + (i >> 2);
      const t = (a + G(b, c, d) + X[k]! + 0x5a827999) | 0;
      [a, b, c, d] = [d, rotl(t, r2[i % 4]!), b, c];
    }
    const order = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
    for (let i = 0; i < 16; i++) {
      const t = (a + H(b, c, d) + X[order[i]!]! + 0x6ed9eba1) | 0;
      [a, b, c, d] = [d, rotl(t, r3[i % 4]!), b, c];
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = new Uint8Array(16);
  const ov = new DataView(out.buffer);
  [a, b, c, d].forEach((v, i) => {
    ov.setUint32(i * 4, v >>> 0, true);
  });
  return out;
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le');
const hmacMd5 = (k: Uint8Array, ...d: Uint8Array[]) => {
  const h = createHmac('md5', k);
  for (const x of d) h.update(x);
  return new Uint8Array(h.digest());
};

/** MS-NLMP 3.3.2 NTOWFv2. */
export function ntowfv2(password: string, user: string, domain: string): Uint8Array {
  return hmacMd5(md4(utf16(password)), utf16(user.toUpperCase() + domain));
}

const SIG = Buffer.from('NTLMSSP\0', 'latin1');
// UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | TARGET_INFO | 128 | 56
const FLAGS = 0x00000001 | 0x00000004 | 0x00000200 | 0x00008000 | 0x00080000 | 0x00800000 | 0x20000000 | 0x80000000;

/** MS-NLMP 2.2.1.1 NEGOTIATE_MESSAGE (no domain/workstation supplied). */
export function ntlmNegotiateMessage(): Uint8Array {
  const b = Buffer.alloc(32);
  SIG.copy(b, 0);
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(FLAGS >>> 0, 12);
  return b;
}

export interface NtlmChallenge {
  flags: number;
  serverChallenge: Uint8Array;
  targetInfo: Uint8Array;
  /** MsvAvTimestamp (FILETIME) when the server sent one. */
  timestamp: Uint8Array | undefined;
}

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE. */
export function parseNtlmChallenge(msg: Uint8Array): NtlmChallenge {
  const b = Buffer.from(msg);
  if (b.length < 32 || !b.subarray(0, 8).equals(SIG) || b.readUInt32LE(8) !== 2)
    throw new NtlmError(`NTLM CHALLENGE_MESSAGE: expected "NTLMSSP\\0" type 2, received ${b.length} bytes of another message`);
  const flags = b.readUInt32LE(20);
  const serverChallenge = new Uint8Array(b.subarray(24, 32));
  let targetInfo = new Uint8Array(0);
  if (b.length >= 48) {
    const len = b.readUInt16LE(40),
      off = b.readUInt32LE(44);
    if (off + len > b.length)
      throw new NtlmError(`NTLM CHALLENGE_MESSAGE TargetInfo: expected ${len} bytes at offset ${off}, received a ${b.length}-byte message`);
    targetInfo = new Uint8Array(b.subarray(off, off + len));
  }
  let timestamp: Uint8Array | undefined;
  for (let p = 0; p + 4 <= targetInfo.length; ) {
    const id = targetInfo[p]! | (targetInfo[p + 1]! << 8);
    const l = targetInfo[p + 2]! | (targetInfo[p + 3]! << 8);
    if (id === 0) break;
    if (id === 7 && l === 8) timestamp = targetInfo.subarray(p + 4, p + 12);
    p += 4 + l;
  }
  return { flags, serverChallenge, targetInfo, timestamp };
}

/** FILETIME (100 ns since 1601-01-01) little-endian. */
export function fileTime(d: Date): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(d.getTime()) + 11644473600000n) * 10000n);
  return b;
}

/** MS-NLMP 3.3.2 NTLMv2 responses. */
export function ntlmv2Responses(
  key: Uint8Array,
  serverChallenge: Uint8Array,
  clientChallenge: Uint8Array,
  time: Uint8Array,
  targetInfo: Uint8Array,
): { ntChallengeResponse: Buffer; lmChallengeResponse: Buffer; sessionBaseKey: Uint8Array } {
  const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), time, clientChallenge, Buffer.alloc(4), targetInfo, Buffer.alloc(4)]);
  const ntProofStr = hmacMd5(key, serverChallenge, temp);
  return {
    ntChallengeResponse: Buffer.concat([ntProofStr, temp]),
    lmChallengeResponse: Buffer.concat([hmacMd5(key, serverChallenge, clientChallenge), clientChallenge]),
    sessionBaseKey: hmacMd5(key, ntProofStr),
  };
}

/** MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE with NTLMv2 responses. */
export function ntlmAuthenticateMessage(
  ch: NtlmChallenge,
  cred: { username: string; password: string; domain: string; workstation?: string },
  clientChallenge: Uint8Array,
  now: Date,
): Uint8Array {
  const key = ntowfv2(cred.password, cred.username, cred.domain);
  const time = ch.timestamp ?? fileTime(now);
  const r = ntlmv2Responses(key, ch.serverChallenge, clientChallenge, time, ch.targetInfo);
  const lm = ch.timestamp ? Buffer.alloc(24) : r.lmChallengeResponse; // MS-NLMP 3.1.5.1.2: zeros when MsvAvTimestamp is present
  const fields = [lm, r.ntChallengeResponse, utf16(cred.domain), utf16(cred.username), utf16(cred.workstation ?? ''), Buffer.alloc(0)];
  const head = Buffer.alloc(64);
  SIG.copy(head, 0);
  head.writeUInt32LE(3, 8);
  let off = 64;
  fields.forEach((f, i) => {
    head.writeUInt16LE(f.length, 12 + i * 8);
    head.writeUInt16LE(f.length, 14 + i * 8);
    head.writeUInt32LE(off, 16 + i * 8);
    off += f.length;
  });
  head.writeUInt32LE((FLAGS & (ch.flags | 0x00000001)) >>> 0, 60);
  return Buffer.concat([head, ...fields]);
}

/**
 * An `authorize` function for WebTicketClient's `negotiate` credentials speaking NTLMv2 (raw NTLMSSP
 * in the HTTP Negotiate or NTLM scheme, RFC 4559). Kerberos is not offered.
 *
 * @throws {NtlmError} ERR_WSTRUST_NTLM (rejection of the returned function) when the challenge is not an NTLM CHALLENGE_MESSAGE
 */
export function ntlmAuthorizer(cred: {
  username: string;
  password: string;
  domain: string;
  workstation?: string;
  scheme?: 'NTLM' | 'Negotiate';
  random?: (n: number) => Uint8Array;
  clock?: () => Date;
}) {
  const scheme = cred.scheme ?? 'Negotiate';
  return async (challenge: string | undefined): Promise<string> => {
    if (challenge === undefined) return `${scheme} ${Buffer.from(ntlmNegotiateMessage()).toString('base64')}`;
    const m = /(?:^|,)\s*(?:NTLM|Negotiate)\s+([A-Za-z0-9+/]+=*)/i.exec(challenge);
    if (!m)
      throw new NtlmError(
        `WWW-Authenticate: expected an NTLM CHALLENGE_MESSAGE ("NTLM <base64>" or "Negotiate <base64>"), received ${JSON.stringify(challenge.slice(0, 60))}`,
      );
    const ch = parseNtlmChallenge(Buffer.from(m[1]!, 'base64'));
    const cc = (cred.random ?? ((n) => new Uint8Array(randomBytes(n))))(8);
    return `${scheme} ${Buffer.from(ntlmAuthenticateMessage(ch, cred, cc, (cred.clock ?? (() => new Date()))())).toString('base64')}`;
  };
}
