// An independent NTLMv2 client (MS-NLMP 2.2.1, 3.3.2) for tests: written from the specification without
// any code of @ocauth/wstrust, so it can judge the server's NTLM acceptor. Checked against the MS-NLMP
// 4.2.4 known answers (vectors/wstrust/ntlmv2-ms-nlmp-4.2.4.json). NT hashes come from those vectors or
// from `openssl dgst -md4 -provider legacy` (ntHashViaOpenssl).
import { createHmac } from 'node:crypto';
import { runTool } from './tools.js';

const SIG = Buffer.from('4e544c4d53535000', 'hex'); // "NTLMSSP\0"
export const F = {
  UNICODE: 0x1,
  REQUEST_TARGET: 0x4,
  SIGN: 0x10,
  NTLM: 0x200,
  ALWAYS_SIGN: 0x8000,
  ESS: 0x80000,
  TARGET_INFO: 0x800000,
  VERSION: 0x2000000,
  N128: 0x20000000,
  KEY_EXCH: 0x40000000,
  N56: 0x80000000,
} as const;
/** What SIPE 1.25 sends in its connection-oriented NEGOTIATE_MESSAGE (NEGOTIATE_FLAGS_CONN). */
export const SIPE_FLAGS = (F.UNICODE | F.NTLM | F.ALWAYS_SIGN | F.ESS | F.TARGET_INFO | F.VERSION | F.N128 | F.N56 | F.REQUEST_TARGET) >>> 0;

const md5 = (key: Buffer, ...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHmac('md5', key)).digest();
const u16 = (s: string) => Buffer.from(s, 'utf16le');

export function ntHashViaOpenssl(password: string): Buffer {
  const out = runTool('openssl', ['dgst', '-md4', '-provider', 'legacy', '-provider', 'default', '-r'], u16(password)).toString();
  return Buffer.from(out.split(' ')[0]!, 'hex');
}

export function negotiateMessage(flags = SIPE_FLAGS): Buffer {
  const b = Buffer.alloc(40);
  SIG.copy(b);
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(flags >>> 0, 12);
  b.writeUInt32LE(40, 20); // DomainNameFields offset (empty)
  b.writeUInt32LE(40, 28); // WorkstationFields offset (empty)
  b.set([5, 1, 0x28, 0x0a, 0, 0, 0, 0x0f], 32); // Version 5.1.2600 like SIPE
  return b;
}

export interface Challenge {
  flags: number;
  serverChallenge: Buffer;
  targetInfo: Buffer;
  targetName: string;
  avs: Map<number, Buffer>;
  raw: Buffer;
}

export function readChallenge(raw: Buffer): Challenge {
  if (!raw.subarray(0, 8).equals(SIG) || raw.readUInt32LE(8) !== 2) throw new Error('not a CHALLENGE_MESSAGE');
  const tnLen = raw.readUInt16LE(12),
    tnOff = raw.readUInt32LE(16);
  const tiLen = raw.readUInt16LE(40),
    tiOff = raw.readUInt32LE(44);
  const targetInfo = raw.subarray(tiOff, tiOff + tiLen);
  const avs = new Map<number, Buffer>();
  for (let p = 0; p + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(p),
      len = targetInfo.readUInt16LE(p + 2);
    if (id === 0) break;
    avs.set(id, targetInfo.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return {
    flags: raw.readUInt32LE(20),
    serverChallenge: raw.subarray(24, 32),
    targetInfo,
    targetName: raw.subarray(tnOff, tnOff + tnLen).toString('utf16le'),
    avs,
    raw,
  };
}

export interface AuthOptions {
  ntHash: Buffer;
  user: string;
  domain: string;
  workstation?: string;
  clientChallenge?: Buffer;
  /** FILETIME for the NTLMv2 blob (default: the CHALLENGE's MsvAvTimestamp). */
  time?: Buffer;
  /** Add MsvAvFlags (MIC present) and a MIC over NEGOTIATE ‖ CHALLENGE ‖ AUTHENTICATE (needs `negotiate`). */
  mic?: { negotiate: Buffer; corrupt?: boolean };
  /** Replace the NtChallengeResponse (e.g. 24 bytes for an NTLMv1-shaped response). */
  ntResponse?: Buffer;
}

/** AUTHENTICATE_MESSAGE with NTLMv2 responses (3.3.2), fields in the order SIPE writes them. */
export function authenticateMessage(ch: Challenge, o: AuthOptions): Buffer {
  const cc = o.clientChallenge ?? Buffer.from('aaaaaaaaaaaaaaaa', 'hex');
  const time = o.time ?? ch.avs.get(7) ?? Buffer.alloc(8);
  let ti = ch.targetInfo;
  if (o.mic) {
    // Insert MsvAvFlags = 0x2 before MsvAvEOL.
    const eol = ti.length - 4;
    const flags = Buffer.from([6, 0, 4, 0, 2, 0, 0, 0]);
    ti = Buffer.concat([ti.subarray(0, eol), flags, ti.subarray(eol)]);
  }
  const key = md5(o.ntHash, u16(o.user.toUpperCase() + o.domain));
  const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), time, cc, Buffer.alloc(4), ti, Buffer.alloc(4)]);
  const proof = md5(key, ch.serverChallenge, temp);
  const nt = o.ntResponse ?? Buffer.concat([proof, temp]);
  const lm = Buffer.concat([md5(key, ch.serverChallenge, cc), cc]);
  const headLen = o.mic ? 88 : 72;
  const fields = [u16(o.domain), u16(o.user), u16(o.workstation ?? 'WS'), lm, nt, Buffer.alloc(0)];
  // Header slots: Lm(12) Nt(20) Domain(28) User(36) Workstation(44) Key(52).
  const slot = [28, 36, 44, 12, 20, 52];
  const head = Buffer.alloc(headLen);
  SIG.copy(head);
  head.writeUInt32LE(3, 8);
  let off = headLen;
  fields.forEach((f, i) => {
    head.writeUInt16LE(f.length, slot[i]!);
    head.writeUInt16LE(f.length, slot[i]! + 2);
    head.writeUInt32LE(off, slot[i]! + 4);
    off += f.length;
  });
  head.writeUInt32LE((ch.flags & SIPE_FLAGS) >>> 0, 60);
  head.set([5, 1, 0x28, 0x0a, 0, 0, 0, 0x0f], 64);
  const msg = Buffer.concat([head, ...fields]);
  if (o.mic) {
    const sessionBaseKey = md5(key, proof);
    const mic = md5(sessionBaseKey, o.mic.negotiate, ch.raw, msg); // MIC field still zero here
    if (o.mic.corrupt) mic[0]! ^= 1;
    mic.copy(msg, 72);
  }
  return msg;
}

/** NTProofStr and SessionBaseKey of the MS-NLMP 4.2.4 example inputs (known-answer check of this oracle). */
export function ntlmv2KnownAnswer(v: {
  ntHashHex: string;
  user: string;
  domain: string;
  serverChallengeHex: string;
  clientChallengeHex: string;
  timeHex: string;
  targetInfoHex: string;
}) {
  const key = md5(Buffer.from(v.ntHashHex, 'hex'), u16(v.user.toUpperCase() + v.domain));
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    Buffer.from(v.timeHex, 'hex'),
    Buffer.from(v.clientChallengeHex, 'hex'),
    Buffer.alloc(4),
    Buffer.from(v.targetInfoHex, 'hex'),
    Buffer.alloc(4),
  ]);
  const proof = md5(key, Buffer.from(v.serverChallengeHex, 'hex'), temp);
  return {
    ntowfv2: key,
    ntProofStr: proof,
    sessionBaseKey: md5(key, proof),
    lmv2: Buffer.concat([
      md5(key, Buffer.from(v.serverChallengeHex, 'hex'), Buffer.from(v.clientChallengeHex, 'hex')),
      Buffer.from(v.clientChallengeHex, 'hex'),
    ]),
  };
}
