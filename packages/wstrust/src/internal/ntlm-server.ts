// The server side of NTLM (MS-NLMP) for Integrated Windows authentication on the Web Ticket Service's
// WinNegotiate binding (MS-OCAUTHWS 3.2.4.1, "Integrated Windows authentication"): connection-oriented
// NEGOTIATE → CHALLENGE → AUTHENTICATE over one HTTP keep-alive connection (RFC 4559 framing: the
// `NTLM` scheme, or `Negotiate` carrying raw NTLMSSP or SPNEGO), verified as NTLMv2 only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DirectoryUser, NtlmCredential } from './directory.js';
import { NtlmError } from './ntlm.js';
import { buildNegTokenResp, OID_NTLM, parseSpnego } from './spnego.js';

// MS-NLMP 2.2.2.5 NEGOTIATE flags.
export const NTLMSSP = {
  NEGOTIATE_UNICODE: 0x00000001,
  NEGOTIATE_OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  NEGOTIATE_SIGN: 0x00000010,
  NEGOTIATE_LM_KEY: 0x00000080,
  NEGOTIATE_NTLM: 0x00000200,
  NEGOTIATE_ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x00080000,
  NEGOTIATE_TARGET_INFO: 0x00800000,
  NEGOTIATE_VERSION: 0x02000000,
  NEGOTIATE_128: 0x20000000,
  NEGOTIATE_KEY_EXCH: 0x40000000,
  NEGOTIATE_56: 0x80000000,
} as const;

// MS-NLMP 2.2.2.1 AV_PAIR ids.
export const MSV_AV = { EOL: 0, NbComputerName: 1, NbDomainName: 2, DnsComputerName: 3, DnsDomainName: 4, Flags: 6, Timestamp: 7 } as const;

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
/** Largest NTLM token accepted (base64 characters of the Authorization header value). */
const MAX_TOKEN_B64 = 16 * 1024;
const MAX_NAME_BYTES = 512; // UTF-16LE bytes of a user or domain name (256 characters)

const hmacMd5 = (k: Uint8Array, ...d: Uint8Array[]) => {
  const h = createHmac('md5', k);
  for (const x of d) h.update(x);
  return h.digest();
};

/** FILETIME (100 ns ticks since 1601-01-01) of a date. */
export function toFileTime(d: Date): bigint {
  return (BigInt(d.getTime()) + 11644473600000n) * 10000n;
}

/** MS-NLMP 2.2.1.1 NEGOTIATE_MESSAGE: the fields the server reads. */
export function parseNtlmNegotiate(msg: Uint8Array): { flags: number } {
  const b = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  if (b.length < 16 || !b.subarray(0, 8).equals(SIGNATURE))
    throw new NtlmError(`NTLM NEGOTIATE_MESSAGE: expected "NTLMSSP\\0" and at least 16 bytes, received ${b.length} bytes`);
  const type = b.readUInt32LE(8);
  if (type !== 1) throw new NtlmError(`NTLM NEGOTIATE_MESSAGE: expected MessageType 1, received ${type}`);
  return { flags: b.readUInt32LE(12) };
}

/** The NTLM MessageType of a token (1, 2, 3), after checking the signature. */
export function ntlmMessageType(msg: Uint8Array): number {
  const b = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  if (b.length < 12 || !b.subarray(0, 8).equals(SIGNATURE))
    throw new NtlmError(
      `NTLM message: expected the "NTLMSSP\\0" signature and a MessageType, received ${b.length} bytes${b.length >= 8 ? ' of another format' : ''}`,
    );
  return b.readUInt32LE(8);
}

const avPair = (id: number, value: Uint8Array) => {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(id, 0);
  h.writeUInt16LE(value.length, 2);
  return Buffer.concat([h, value]);
};
const utf16 = (s: string) => Buffer.from(s, 'utf16le');

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE (with Version and a TargetInfo AV_PAIR list). */
export function buildNtlmChallenge(o: {
  flags: number;
  serverChallenge: Uint8Array;
  netbiosDomain: string;
  netbiosComputer: string;
  dnsDomain: string;
  dnsComputer: string;
  timestamp: bigint;
}): Buffer {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64LE(o.timestamp);
  const targetName = utf16(o.netbiosDomain);
  const targetInfo = Buffer.concat([
    avPair(MSV_AV.NbDomainName, utf16(o.netbiosDomain)),
    avPair(MSV_AV.NbComputerName, utf16(o.netbiosComputer)),
    avPair(MSV_AV.DnsDomainName, utf16(o.dnsDomain)),
    avPair(MSV_AV.DnsComputerName, utf16(o.dnsComputer)),
    avPair(MSV_AV.Timestamp, ts),
    avPair(MSV_AV.EOL, new Uint8Array(0)),
  ]);
  const head = Buffer.alloc(56);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(targetName.length, 12);
  head.writeUInt16LE(targetName.length, 14);
  head.writeUInt32LE(56, 16);
  head.writeUInt32LE(o.flags >>> 0, 20);
  Buffer.from(o.serverChallenge).copy(head, 24);
  head.writeUInt16LE(targetInfo.length, 40);
  head.writeUInt16LE(targetInfo.length, 42);
  head.writeUInt32LE(56 + targetName.length, 44);
  // Version (2.2.2.10): 10.0.17763, NTLMSSP_REVISION_W2K3.
  head.set([10, 0, 0x63, 0x45, 0, 0, 0, 0x0f], 48);
  return Buffer.concat([head, targetName, targetInfo]);
}

export interface NtlmAuthenticate {
  flags: number;
  lmChallengeResponse: Buffer;
  ntChallengeResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedRandomSessionKey: Buffer;
  /** Offset of the MIC field when the message is long enough to carry one (Version + MIC after the fixed header). */
  raw: Buffer;
}

/** MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE, every payload field bounds-checked against the message. */
export function parseNtlmAuthenticate(msg: Uint8Array): NtlmAuthenticate {
  const b = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  if (b.length < 64 || !b.subarray(0, 8).equals(SIGNATURE))
    throw new NtlmError(`NTLM AUTHENTICATE_MESSAGE: expected "NTLMSSP\\0" and at least 64 bytes, received ${b.length} bytes`);
  const type = b.readUInt32LE(8);
  if (type !== 3) throw new NtlmError(`NTLM AUTHENTICATE_MESSAGE: expected MessageType 3, received ${type}`);
  const names = ['LmChallengeResponse', 'NtChallengeResponse', 'DomainName', 'UserName', 'Workstation', 'EncryptedRandomSessionKey'];
  const field = (i: number): Buffer => {
    const len = b.readUInt16LE(12 + i * 8);
    const off = b.readUInt32LE(16 + i * 8);
    if (len === 0) return Buffer.alloc(0);
    if (off < 64 || off + len > b.length)
      throw new NtlmError(
        `NTLM AUTHENTICATE_MESSAGE ${names[i]}: expected ${len} bytes at an offset in 64..${b.length - len}, received offset ${off} in a ${b.length}-byte message`,
      );
    return b.subarray(off, off + len);
  };
  const flags = b.readUInt32LE(60);
  const [lm, nt, dom, user, ws, key] = [0, 1, 2, 3, 4, 5].map(field) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  if (!(flags & NTLMSSP.NEGOTIATE_UNICODE))
    throw new NtlmError('NTLM AUTHENTICATE_MESSAGE NegotiateFlags: expected NTLMSSP_NEGOTIATE_UNICODE (OEM names are not accepted), received flags without it');
  for (const [n, v] of [
    ['DomainName', dom],
    ['UserName', user],
    ['Workstation', ws],
  ] as const) {
    if (v.length % 2 || v.length > MAX_NAME_BYTES)
      throw new NtlmError(`NTLM AUTHENTICATE_MESSAGE ${n}: expected UTF-16LE of at most ${MAX_NAME_BYTES / 2} characters, received ${v.length} bytes`);
  }
  return {
    flags,
    lmChallengeResponse: lm,
    ntChallengeResponse: nt,
    domain: dom.toString('utf16le'),
    user: user.toString('utf16le'),
    workstation: ws.toString('utf16le'),
    encryptedRandomSessionKey: key,
    raw: b,
  };
}

/** AV_PAIRs of an NTLMv2 client challenge (2.2.2.7) or TargetInfo, bounds-checked; stops at MsvAvEOL. */
export function parseAvPairs(b: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let p = 0; ; ) {
    if (p + 4 > b.length) throw new NtlmError(`NTLM AV_PAIR list: expected an AV_PAIR header at offset ${p}, received ${b.length - p} bytes (no MsvAvEOL)`);
    const id = b.readUInt16LE(p),
      len = b.readUInt16LE(p + 2);
    if (p + 4 + len > b.length) throw new NtlmError(`NTLM AV_PAIR ${id}: expected ${len} bytes at offset ${p + 4}, received ${b.length - p - 4}`);
    if (id === MSV_AV.EOL) return out;
    if (!out.has(id)) out.set(id, b.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
}

/** RC4 (for EncryptedRandomSessionKey when a client negotiates KEY_EXCH; OpenSSL 3 dropped it from the default provider). */
function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = new Uint8Array(256).map((_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

/** Uppercase(User) as Windows does it: per UTF-16 unit, only 1:1 case mappings (no ß → SS). */
function upcase(s: string): string {
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += u.length === ch.length ? u : ch;
  }
  return out;
}

/** The names an AUTHENTICATE_MESSAGE's UserName/DomainName may denote in the directory, most specific first. */
export function ntlmAccountNames(user: string, domain: string): string[] {
  if (domain === '') return [user];
  const names = [`${domain}\\${user}`];
  if (user.includes('@')) names.push(user);
  else if (domain.includes('.')) names.push(`${user}@${domain}`);
  return names;
}

export type WindowsAuthResult =
  | { account: string }
  | { challenge: string }
  /** Refused: answered 401 (or `status`) with X-Ms-diagnostics `errorId` and the scheme challenges again. */
  | { failure: { errorId: number; reason: string; status?: number } }
  | null;

export interface NtlmConnection {
  /** Stable for the connection's lifetime, unique among open connections. */
  id: string | number;
  /** Register a listener run once when the connection closes (its NTLM state is dropped then). */
  onClose(listener: () => void): void;
}

export type NtlmEvent =
  | { event: 'ntlm.challenge'; connection: string | number; scheme: string; spnego: boolean }
  | { event: 'ntlm.authenticated'; connection: string | number; account: string; sipUri: string }
  | { event: 'ntlm.failed'; connection: string | number | undefined; reason: string; user?: string; domain?: string };

export interface NtlmAuthenticatorOptions {
  /** One call per AUTHENTICATE_MESSAGE: the user and NT hash for the first name that exists. */
  directory: { findNtlmCredential?(names: readonly string[]): Promise<NtlmCredential | null> };
  /** Connection the request arrived on; NTLM is connection-oriented (undefined: the request is refused). */
  connection(req: Request): NtlmConnection | undefined;
  /** MsvAvNbDomainName / TargetName (e.g. OCAUTH) and MsvAvDnsDomainName (e.g. ocauth.test). */
  netbiosDomain: string;
  dnsDomain: string;
  netbiosComputer?: string;
  dnsComputer?: string;
  clock?: () => Date;
  random?: (n: number) => Uint8Array;
  /** Accepted distance between the client's NTLMv2 timestamp and the server clock (default 300 s). */
  maxSkewSeconds?: number;
  /** A CHALLENGE is answerable for this long (default 120 s). */
  contextTtlSeconds?: number;
  /** Half-open (challenged, not yet answered) contexts across the server (default 1024); one per connection. */
  maxPendingContexts?: number;
  /** Structured events for the server log (no secrets: names and reasons only). */
  log?: (e: NtlmEvent) => void;
  /**
   * Sign-in guard (throttling, lockout): called once per AUTHENTICATE_MESSAGE that reaches the password
   * check, with the account name as sent (`DOMAIN\\user` or `user`) and the check itself, which resolves to
   * the user on a right password and null otherwise. The guard may refuse (null) without running it.
   */
  guard?: (identity: string, check: () => Promise<DirectoryUser | null>) => Promise<DirectoryUser | null>;
}

interface Pending {
  serverChallenge: Buffer;
  negotiate: Buffer;
  challenge: Buffer;
  created: number;
  spnego: boolean;
}
interface ConnState {
  pending?: Pending | undefined;
  /** Account authenticated on this connection (IIS connection-based NTLM: later requests need no header). */
  authenticated?: string | undefined;
}

export interface NtlmAuthenticator {
  (authorization: string, req: Request): Promise<WindowsAuthResult>;
  /** Half-open contexts and connections with NTLM state (for tests and metrics). */
  stats(): { pending: number; connections: number };
}

const AUTH_RE = /^(NTLM|Negotiate)[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;

/**
 * An NTLM acceptor for `createWebTicketHandler({ windowsAuthenticator })`. It keeps per-connection state
 * (one half-open context per connection, the authenticated account afterwards), bounded across the server.
 *
 * @throws never (failures are answered as `{ failure: { errorId, reason } }`)
 */
export function createNtlmAuthenticator(o: NtlmAuthenticatorOptions): NtlmAuthenticator {
  const clock = o.clock ?? (() => new Date());
  const random = o.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const skew = BigInt(o.maxSkewSeconds ?? 300) * 10_000_000n;
  const ttlMs = (o.contextTtlSeconds ?? 120) * 1000;
  const maxPending = o.maxPendingContexts ?? 1024;
  const netbiosComputer = o.netbiosComputer ?? 'OCAUTH-WEB';
  const dnsComputer = o.dnsComputer ?? `web.${o.dnsDomain}`;
  const states = new Map<string | number, ConnState>();
  let pendingCount = 0;
  const log = o.log ?? (() => {});

  const stateOf = (c: NtlmConnection): ConnState => {
    let s = states.get(c.id);
    if (!s) {
      s = {};
      states.set(c.id, s);
      c.onClose(() => {
        const st = states.get(c.id);
        if (st?.pending) pendingCount--;
        states.delete(c.id);
      });
    }
    return s;
  };
  const dropPending = (s: ConnState) => {
    if (s.pending) {
      s.pending = undefined;
      pendingCount--;
    }
  };
  const sweep = (now: number) => {
    for (const s of states.values()) if (s.pending && now - s.pending.created > ttlMs) dropPending(s);
  };
  const fail = (
    conn: string | number | undefined,
    errorId: number,
    reason: string,
    logReason: string,
    extra: { user?: string; domain?: string; status?: number } = {},
  ): WindowsAuthResult => {
    log({
      event: 'ntlm.failed',
      connection: conn,
      reason: logReason,
      ...(extra.user !== undefined ? { user: extra.user.slice(0, 100) } : {}),
      ...(extra.domain !== undefined ? { domain: extra.domain.slice(0, 100) } : {}),
    });
    return { failure: { errorId, reason, ...(extra.status ? { status: extra.status } : {}) } };
  };

  const authenticator = async (authorization: string, req: Request): Promise<WindowsAuthResult> => {
    const conn = o.connection(req);
    if (authorization.trim() === '') {
      // A request without credentials on a connection NTLM already authenticated (connection-based auth).
      const s = conn ? states.get(conn.id) : undefined;
      return s?.authenticated ? { account: s.authenticated } : null;
    }
    const m = AUTH_RE.exec(authorization);
    if (!m || m[2]!.length > MAX_TOKEN_B64 || m[2]!.length % 4)
      return fail(
        conn?.id,
        28020,
        'There is no valid security token.',
        `Authorization: expected "NTLM <base64>" or "Negotiate <base64>" of at most ${MAX_TOKEN_B64} characters`,
      );
    const scheme = m[1]!.toLowerCase() === 'ntlm' ? 'NTLM' : 'Negotiate';
    if (!conn)
      return fail(
        undefined,
        28001,
        'Internal error while processing Integrated Windows authentication or authorization.',
        'NTLM needs a persistent connection; the request carries no connection identity',
      );
    const s = stateOf(conn);
    s.authenticated = undefined; // new credentials: the connection's earlier identity no longer applies
    let token: Buffer = Buffer.from(m[2]!, 'base64');
    let spnego = false;
    try {
      if (scheme === 'Negotiate' && (token[0] === 0x60 || token[0] === 0xa1)) {
        spnego = true;
        const t = parseSpnego(token);
        if (t.kind === 'init') {
          if (!t.mechTypes.some((x) => x.equals(OID_NTLM)))
            return fail(
              conn.id,
              28020,
              'There is no valid security token.',
              'SPNEGO NegTokenInit: NTLM (1.3.6.1.4.1.311.2.2.10) not among the offered mechanisms',
            );
          if (!t.mechToken || t.mechToken.length < 12 || !t.mechToken.subarray(0, 8).equals(SIGNATURE)) {
            // Optimistic token of another mechanism: select NTLM and ask for its NEGOTIATE_MESSAGE (RFC 4178 4.2.2).
            dropPending(s);
            return { challenge: `Negotiate ${buildNegTokenResp({ negState: 1, supportedMech: true }).toString('base64')}` };
          }
          token = t.mechToken;
        } else {
          if (!t.responseToken)
            return fail(conn.id, 28020, 'There is no valid security token.', 'SPNEGO NegTokenResp: expected a responseToken, received none');
          token = t.responseToken;
        }
      }
      const type = ntlmMessageType(token);
      if (type === 1) return challenge(conn, s, scheme, spnego, token);
      if (type === 3) return await authenticate(conn, s, token);
      return fail(
        conn.id,
        28020,
        'There is no valid security token.',
        `NTLM: expected a NEGOTIATE (1) or AUTHENTICATE (3) message, received MessageType ${type}`,
      );
    } catch (e) {
      if (e instanceof NtlmError) {
        dropPending(s);
        return fail(conn.id, 28020, 'There is no valid security token.', e.message);
      }
      throw e;
    }
  };

  function challenge(conn: NtlmConnection, s: ConnState, scheme: string, spnego: boolean, token: Buffer): WindowsAuthResult {
    const neg = parseNtlmNegotiate(token);
    if (!(neg.flags & NTLMSSP.NEGOTIATE_UNICODE))
      throw new NtlmError('NTLM NEGOTIATE_MESSAGE NegotiateFlags: expected NTLMSSP_NEGOTIATE_UNICODE, received flags without it');
    if (!(neg.flags & NTLMSSP.NEGOTIATE_NTLM))
      throw new NtlmError('NTLM NEGOTIATE_MESSAGE NegotiateFlags: expected NTLMSSP_NEGOTIATE_NTLM, received flags without it');
    const now = clock();
    dropPending(s);
    if (pendingCount >= maxPending) sweep(now.getTime());
    if (pendingCount >= maxPending) {
      return fail(
        conn.id,
        28001,
        'Internal error while processing Integrated Windows authentication or authorization.',
        `NTLM: ${maxPending} half-open contexts already pending`,
        { status: 503 },
      );
    }
    const flags =
      NTLMSSP.NEGOTIATE_UNICODE |
      NTLMSSP.REQUEST_TARGET |
      NTLMSSP.NEGOTIATE_NTLM |
      NTLMSSP.NEGOTIATE_ALWAYS_SIGN |
      NTLMSSP.TARGET_TYPE_DOMAIN |
      NTLMSSP.NEGOTIATE_EXTENDED_SESSIONSECURITY |
      NTLMSSP.NEGOTIATE_TARGET_INFO |
      NTLMSSP.NEGOTIATE_VERSION |
      (neg.flags & (NTLMSSP.NEGOTIATE_128 | NTLMSSP.NEGOTIATE_56));
    const serverChallenge = Buffer.from(random(8));
    const msg = buildNtlmChallenge({
      flags,
      serverChallenge,
      netbiosDomain: o.netbiosDomain,
      netbiosComputer,
      dnsDomain: o.dnsDomain,
      dnsComputer,
      timestamp: toFileTime(now),
    });
    s.pending = { serverChallenge, negotiate: Buffer.from(token), challenge: msg, created: now.getTime(), spnego };
    pendingCount++;
    log({ event: 'ntlm.challenge', connection: conn.id, scheme, spnego });
    const out = spnego ? buildNegTokenResp({ negState: 1, supportedMech: true, responseToken: msg }) : msg;
    return { challenge: `${scheme} ${out.toString('base64')}` };
  }

  async function authenticate(conn: NtlmConnection, s: ConnState, token: Buffer): Promise<WindowsAuthResult> {
    const p = s.pending;
    dropPending(s); // one answer per CHALLENGE: a replayed or second AUTHENTICATE finds no context
    const now = clock();
    if (!p)
      return fail(
        conn.id,
        28024,
        'Authentication failed.',
        'NTLM AUTHENTICATE_MESSAGE without a CHALLENGE pending on this connection (replayed, or the handshake moved to another connection)',
      );
    if (now.getTime() - p.created > ttlMs) return fail(conn.id, 28024, 'Authentication failed.', 'NTLM AUTHENTICATE_MESSAGE after the CHALLENGE expired');
    const a = parseNtlmAuthenticate(token);
    const who = { user: a.user, domain: a.domain };
    const nt = a.ntChallengeResponse;
    // MS-NLMP 3.3.2: only NTLMv2. A 24-byte NtChallengeResponse is NTLMv1 (or NTLM2 session response); none is LM only / anonymous.
    if (nt.length === 0) return fail(conn.id, 28024, 'Authentication failed.', 'NTLM: anonymous or LM-only AUTHENTICATE_MESSAGE refused', who);
    if (nt.length === 24) return fail(conn.id, 28024, 'Authentication failed.', 'NTLM: NTLMv1 response refused (NTLMv2 required)', who);
    if (nt.length < 16 + 28 + 4) throw new NtlmError(`NTLM NtChallengeResponse: expected an NTLMv2 response of at least 48 bytes, received ${nt.length}`);
    if (a.user === '') return fail(conn.id, 28024, 'Authentication failed.', 'NTLM: empty UserName', who);
    const ntProofStr = nt.subarray(0, 16);
    const temp = nt.subarray(16);
    if (temp[0] !== 1 || temp[1] !== 1)
      throw new NtlmError(`NTLMv2_CLIENT_CHALLENGE: expected RespType 1 and HiRespType 1, received ${temp[0]} and ${temp[1]}`);
    const clientTime = temp.readBigUInt64LE(8);
    const avs = parseAvPairs(temp.subarray(28));
    const nowFt = toFileTime(now);
    const d = clientTime > nowFt ? clientTime - nowFt : nowFt - clientTime;
    if (d > skew)
      return fail(
        conn.id,
        28024,
        'Authentication failed.',
        `NTLMv2 timestamp ${Number(d / 10_000_000n)} s away from the server clock (limit ${Number(skew / 10_000_000n)} s)`,
        who,
      );

    const found: { cred: NtlmCredential | null } = { cred: null };
    let responseKeyNT = Buffer.alloc(16);
    let refusal = 'NTLM: refused by the sign-in guard (throttled or locked)';
    const check = async (): Promise<DirectoryUser | null> => {
      const cred = (found.cred = o.directory.findNtlmCredential ? await o.directory.findNtlmCredential(ntlmAccountNames(a.user, a.domain)) : null);
      // Compute the proof even for an unknown user or one without an NT hash, so the answer costs the same.
      const ntHash = cred?.ntHash && cred.ntHash.length === 16 ? cred.ntHash : Buffer.alloc(16);
      responseKeyNT = hmacMd5(ntHash, utf16(upcase(a.user) + a.domain)); // NTOWFv2
      const match = timingSafeEqual(hmacMd5(responseKeyNT, p.serverChallenge, temp), ntProofStr);
      if (!cred) refusal = 'NTLM: no such account';
      else if (!cred.ntHash)
        refusal =
          'NTLM: the account has no NT hash (its password was set before NTLM support or by a store without the credential key); set the password again';
      else if (!match) refusal = 'NTLM: NTProofStr does not match (wrong password)';
      else return cred.user;
      return null;
    };
    const identity = a.domain ? `${a.domain}\\${a.user}` : a.user;
    const signedIn = o.guard ? await o.guard(identity, check) : await check();
    const cred = found.cred;
    if (!signedIn || !cred) return fail(conn.id, 28024, 'Authentication failed.', refusal, who);

    // MS-NLMP 3.2.5.1.2: when MsvAvFlags announces a MIC, verify it over the three messages.
    const avFlags = avs.get(MSV_AV.Flags);
    if (avFlags && avFlags.length === 4 && avFlags.readUInt32LE(0) & 0x2) {
      if (a.raw.length < 88) throw new NtlmError('NTLM AUTHENTICATE_MESSAGE: MsvAvFlags announces a MIC but the message has no room for one');
      const sessionBaseKey = hmacMd5(responseKeyNT, ntProofStr);
      let exported: Buffer = sessionBaseKey; // NTLMv2: KeyExchangeKey = SessionBaseKey
      if (a.flags & NTLMSSP.NEGOTIATE_KEY_EXCH) {
        if (a.encryptedRandomSessionKey.length !== 16)
          throw new NtlmError(`NTLM EncryptedRandomSessionKey: expected 16 bytes with KEY_EXCH, received ${a.encryptedRandomSessionKey.length}`);
        exported = rc4(sessionBaseKey, a.encryptedRandomSessionKey);
      }
      const zeroed = Buffer.from(a.raw);
      zeroed.fill(0, 72, 88);
      const mic = hmacMd5(exported, p.negotiate, p.challenge, zeroed);
      if (!timingSafeEqual(mic, a.raw.subarray(72, 88))) return fail(conn.id, 28024, 'Authentication failed.', 'NTLM: MIC does not match', who);
    }
    s.authenticated = cred.user.sipUri;
    log({ event: 'ntlm.authenticated', connection: conn.id, account: a.domain ? `${a.domain}\\${a.user}` : a.user, sipUri: cred.user.sipUri });
    return { account: cred.user.sipUri };
  }

  return Object.assign(authenticator, { stats: () => ({ pending: pendingCount, connections: states.size }) });
}

export type { DirectoryUser };
