// Compact web tickets (CWT): what the Web Ticket Service issues for
// `TokenType urn:component:Microsoft.Rtc.WebAuthentication.2010:user-cwt-1` (the Lync 2013 / Skype for
// Business desktop, mobile and UCWA-style clients; MS-OCAUTHWS does not describe the token, whose
// real-pool format is opaque and undocumented). ocauth's own format, version 1:
//
//   token   = base64url-nopad( version || kid || nonce || ciphertext || tag )
//   version = 0x01                                   (1 byte)
//   kid     = HKDF-SHA256(poolKey, salt, "ocauth-cwt-v1 kid", 4)          (4 bytes)
//   nonce   = 96 random bits                         (12 bytes)
//   ciphertext || tag = AES-256-GCM(key, nonce, claims, aad = version || kid)   (tag 16 bytes)
//   key     = HKDF-SHA256(poolKey, salt, "ocauth-cwt-v1 aes-256-gcm", 32), salt = "ocauth compact web ticket"
//   claims  = iat(u32 BE, Unix seconds) || exp(u32 BE) || jti(16 bytes)
//             || len(u8) || SIP URI (UTF-8) || len(u8) || audience (UTF-8, the farm prefix the ticket applies to)
//
// Every server of a pool derives the same key from the pool key, so any of them verifies; the SIP URI
// and audience are encrypted (the token is opaque to clients and proxies) and everything is
// authenticated. Sent as `X-MS-WebTicket: cwt=<token>` or `Authorization: Bearer cwt=<token>`.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { parseWebTicketHeader } from '@ocauth/diagnostics';
import { TicketError, WsTrustError } from './errors.js';
import type { PoolKey } from './verifier.js';

export const CWT_VERSION = 1;
const SALT = Buffer.from('ocauth compact web ticket', 'utf8');
const HEADER = 1 + 4 + 12;
const TAG = 16;
/** Longest token text accepted before decoding (two 255-byte fields and the fixed parts, base64url). */
export const CWT_MAX_LENGTH = Math.ceil(((HEADER + 8 + 16 + 2 + 255 + 255 + TAG) * 4) / 3);

/** What a compact web ticket binds. */
export interface CompactWebTicketClaims {
  sipUri: string;
  /** The farm prefix (or service URL) the ticket applies to; services accept it like a SAML Audience. */
  audience: string;
  issuedAt: Date;
  expiresAt: Date;
  /** 16 bytes, unique per ticket. */
  id: Uint8Array;
}

interface DerivedCwtKey {
  kid: Buffer;
  key: Buffer;
}

const derivedCache = new WeakMap<Uint8Array, DerivedCwtKey>();

/** The CWT key and key id derived from a pool key (HKDF-SHA256, RFC 5869). */
export function deriveCompactTicketKey(poolKey: PoolKey): { kid: Uint8Array; key: Uint8Array } {
  let d = derivedCache.get(poolKey.key);
  if (!d) {
    if (poolKey.key.length !== 32) throw new WsTrustError('ERR_WSTRUST_CWT_KEY', `poolKey.key: expected 256 bits, received ${poolKey.key.length * 8} bits`);
    d = {
      kid: Buffer.from(hkdfSync('sha256', poolKey.key, SALT, 'ocauth-cwt-v1 kid', 4)),
      key: Buffer.from(hkdfSync('sha256', poolKey.key, SALT, 'ocauth-cwt-v1 aes-256-gcm', 32)),
    };
    derivedCache.set(poolKey.key, d);
  }
  return { kid: new Uint8Array(d.kid), key: new Uint8Array(d.key) };
}

function field(name: string, s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length === 0 || b.length > 255) throw new WsTrustError('ERR_WSTRUST_CWT_CLAIMS', `${name}: expected 1..255 UTF-8 bytes, received ${b.length}`);
  return b;
}

function seconds(name: string, d: Date): number {
  const t = d.getTime();
  if (!Number.isFinite(t) || t < 0 || t / 1000 > 0xffffffff)
    throw new WsTrustError('ERR_WSTRUST_CWT_CLAIMS', `${name}: expected a date between 1970 and 2106, received ${String(d)}`);
  return Math.floor(t / 1000);
}

/**
 * Mint a compact web ticket (the text after `cwt=`). `nonce` is for known-answer tests only.
 *
 * @throws {WsTrustError} ERR_WSTRUST_CWT_CLAIMS when expiresAt is not after issuedAt, id is not 16 bytes or nonce not 12
 * @throws {WsTrustError} ERR_WSTRUST_CWT_KEY when the pool key is not 256 bits
 */
export function mintCompactWebTicket(claims: CompactWebTicketClaims, poolKey: PoolKey, opts: { nonce?: Uint8Array } = {}): string {
  const { kid, key } = deriveCompactTicketKey(poolKey);
  const iat = seconds('issuedAt', claims.issuedAt);
  const exp = seconds('expiresAt', claims.expiresAt);
  if (exp <= iat)
    throw new WsTrustError(
      'ERR_WSTRUST_CWT_CLAIMS',
      `expiresAt: expected after issuedAt (${claims.issuedAt.toISOString()}), received ${claims.expiresAt.toISOString()}`,
    );
  if (claims.id.length !== 16) throw new WsTrustError('ERR_WSTRUST_CWT_CLAIMS', `id: expected 16 bytes, received ${claims.id.length}`);
  const sip = field('sipUri', claims.sipUri);
  const aud = field('audience', claims.audience);
  const nonce = opts.nonce ?? randomBytes(12);
  if (nonce.length !== 12) throw new WsTrustError('ERR_WSTRUST_CWT_CLAIMS', `nonce: expected 12 bytes, received ${nonce.length}`);
  const times = Buffer.alloc(8);
  times.writeUInt32BE(iat, 0);
  times.writeUInt32BE(exp, 4);
  const plain = Buffer.concat([times, claims.id, Buffer.from([sip.length]), sip, Buffer.from([aud.length]), aud]);
  const aad = Buffer.concat([Buffer.from([CWT_VERSION]), kid]);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([aad, nonce, ct, c.getAuthTag()]).toString('base64url');
}

const invalid = (m: string, cause?: unknown) => new TicketError('ERR_WSTRUST_TICKET_INVALID', m, cause);

/**
 * Decrypt and authenticate a compact web ticket under one of the pool keys. Only the token's integrity
 * and structure are checked here; lifetime and audience are the verifier's. Throws TicketError:
 * 28032 (malformed, unknown version, tampered) or 28034 (minted under another pool's key).
 *
 * @throws {TicketError} ERR_WSTRUST_TICKET_INVALID when the token is malformed, altered or of another version (28032)
 * @throws {TicketError} ERR_WSTRUST_TICKET_OTHER_SERVER when no pool key matches its key id (28034)
 * @throws {WsTrustError} ERR_WSTRUST_CWT_KEY when a pool key is not 256 bits
 */
export function openCompactWebTicket(token: string, poolKeys: readonly PoolKey[]): CompactWebTicketClaims {
  if (typeof token !== 'string' || token.length === 0) throw invalid('cwt: expected a compact web ticket, received an empty value');
  if (token.length > CWT_MAX_LENGTH) throw invalid(`cwt: expected at most ${CWT_MAX_LENGTH} characters, received ${token.length}`);
  const bad = /[^A-Za-z0-9_-]/.exec(token);
  if (bad) throw invalid(`cwt: expected base64url characters (A-Z a-z 0-9 - _, no padding), received ${JSON.stringify(bad[0])} at position ${bad.index}`);
  if (token.length % 4 === 1) throw invalid(`cwt: expected a base64url length that is a whole number of bytes, received ${token.length} characters`);
  const raw = Buffer.from(token, 'base64url');
  // Non-canonical trailing bits would let two strings name one token.
  if (raw.toString('base64url') !== token) throw invalid('cwt: expected canonical base64url (unused trailing bits zero)');
  if (raw.length < HEADER + 8 + 16 + 2 + 2 + TAG) throw invalid(`cwt: expected at least ${HEADER + 8 + 16 + 4 + TAG} bytes, received ${raw.length}`);
  if (raw[0] !== CWT_VERSION) throw invalid(`cwt version: expected ${CWT_VERSION}, received ${raw[0]}`);
  const kid = raw.subarray(1, 5);
  const match = poolKeys.find((k) => Buffer.from(deriveCompactTicketKey(k).kid).equals(kid));
  if (!match)
    throw new TicketError(
      'ERR_WSTRUST_TICKET_OTHER_SERVER',
      `cwt key id: expected a key of this pool, received ${kid.toString('hex')}: the ticket was issued by another pool`,
    );
  const { key } = deriveCompactTicketKey(match);
  const nonce = raw.subarray(5, HEADER);
  const ct = raw.subarray(HEADER, raw.length - TAG);
  const tag = raw.subarray(raw.length - TAG);
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(raw.subarray(0, 5));
    d.setAuthTag(tag);
    plain = Buffer.concat([d.update(ct), d.final()]);
  } catch (e) {
    throw invalid('cwt: expected a ticket authenticated under this pool key, received one whose AES-GCM tag does not verify (altered or forged)', e);
  }
  // The plaintext is authenticated, so a malformed one means a minting bug or a compromised key; it is still refused cleanly.
  let o = 24;
  const take = (name: string): string => {
    const n = plain[o];
    if (n === undefined || n === 0 || o + 1 + n > plain.length) throw invalid(`cwt ${name}: expected a length-prefixed field inside the ticket`);
    const b = plain.subarray(o + 1, o + 1 + n);
    o += 1 + n;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch (e) {
      throw invalid(`cwt ${name}: expected UTF-8`, e);
    }
  };
  if (plain.length < 28) throw invalid('cwt: expected the fixed claims (iat, exp, id)');
  const iat = plain.readUInt32BE(0);
  const exp = plain.readUInt32BE(4);
  const id = new Uint8Array(plain.subarray(8, 24));
  const sipUri = take('SIP URI');
  const audience = take('audience');
  if (o !== plain.length) throw invalid(`cwt: expected no bytes after the audience, received ${plain.length - o}`);
  if (exp <= iat) throw invalid('cwt: expected exp after iat');
  return { sipUri, audience, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000), id };
}

/** `cwt=<token>`: the X-MS-WebTicket value (and, after `Bearer `, the Authorization value). */
export function formatCompactWebTicketHeaderValue(token: string): string {
  return `cwt=${token}`;
}

/**
 * The token of a compact-ticket header value: `cwt=<token>` (X-MS-WebTicket) or `Bearer cwt=<token>`
 * (Authorization, as UCWA-style clients send the `access_token` "cwt=…"). Undefined when the value is
 * not a compact ticket (e.g. `opaque=…`); the token itself is checked by openCompactWebTicket.
 *
 * @throws never
 */
export function compactTicketOfHeader(value: string): string | undefined {
  // One X-MS-WebTicket codec: @ocauth/diagnostics' parser reads the header form (cwt=, Bearer cwt=).
  const h = parseWebTicketHeader(value);
  return h.ok && h.value.kind === 'cwt' ? h.value.compact : undefined;
}
