// The user directory the Web Ticket Service authenticates against (PIN, password, NTLM credentials, certificates; MS-OCAUTHWS 3.2.4.1).
import { timingSafeEqual, type X509Certificate } from 'node:crypto';
import { md4 } from './ntlm.js';

/** A user of the UAS database as the Web Ticket Service needs it (MS-OCAUTHWS 3.2.4.1). */
export interface DirectoryUser {
  sipUri: string;
  /** A disabled user is refused (28000 "User is not SIP enabled" / 28014). */
  enabled: boolean;
  displayName?: string;
  /** Windows account name, `DOMAIN\\user` (names the user like the SIP URI and the UPN do). */
  account?: string;
  /** User principal name, `user@domain`. */
  upn?: string;
}

/** What NTLM needs of a user: the user and its NT hash (MD4 of the UTF-16LE password), null when none is stored. */
export interface NtlmCredential {
  user: DirectoryUser;
  ntHash: Uint8Array | null;
}

/** One reading of a wsse:UsernameToken's Username and Password. */
export interface PasswordCandidate {
  username: string;
  password: string;
}

/**
 * Optional notifications of a sign-in in progress. The Web Ticket Service prepares the ticket of the user an
 * identity names while that user's secret is being checked (a memory-hard KDF on the thread pool), so the answer
 * leaves as soon as the check passes; what it prepared is discarded unless the check returns that same user.
 */
export interface SignInHooks {
  /**
   * Called at most once, with the user the identity names, after the secret check has started and only when
   * nothing but that check can still refuse the sign-in. Never a verdict: the check's result decides. Must not throw.
   */
  onCandidate?(user: DirectoryUser): void;
}

/**
 * What the Web Ticket Service asks of the user store. Implemented by @ocauth/server
 * (SQLite / PostgreSQL); tests use MemoryUserDirectory. All calls are async.
 */
export interface UserDirectory {
  findUserBySipUri(sipUri: string): Promise<DirectoryUser | null>;
  /**
   * Pin binding: phone number / extension (or SIP URI) + PIN. null when they do not match. A directory may call
   * `hooks.onCandidate` with the user `identity` names once the PIN check is under way and before its verdict (see
   * {@link SignInHooks}); the returned user alone says whether the PIN matched.
   */
  verifyPin(identity: string, pin: string, hooks?: SignInHooks): Promise<DirectoryUser | null>;
  /**
   * Auth binding (wsse:UsernameToken) and HTTP Basic: user name (`DOMAIN\\user`, UPN, SIP URI) + password.
   * `alternatives` are further readings of the same credentials (the base64-decoded form the Lync desktop
   * client sends): ONE sign-in attempt, tried in order after the first, every reading checked (no early exit
   * on a miss, so the time does not say which reading named a user); the first that matches wins.
   */
  verifyPassword(username: string, password: string, alternatives?: readonly PasswordCandidate[]): Promise<DirectoryUser | null>;
  /** Integrated Windows authentication: the authenticated account (DOMAIN\\user, UPN or SIP URI) to its user. */
  findUserByAccount?(account: string): Promise<DirectoryUser | null>;
  /** NTLM: the first of `names` (most specific first) that names a user, with its NT hash. One call per AUTHENTICATE. */
  findNtlmCredential?(names: readonly string[]): Promise<NtlmCredential | null>;
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The base64 reading of a UsernameToken field, or undefined: only when the text is canonical base64
 * (RFC 4648 alphabet and padding, re-encodes to the same text, non-empty) of valid UTF-8 without
 * control characters. The Lync 2013 / Skype for Business desktop client sends base64(user) and
 * base64(password) in wsse:Username / wsse:Password (PasswordText).
 */
export function decodeBase64Text(text: string): string | undefined {
  if (text.length === 0 || !B64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.toString('base64') !== text) return undefined;
  let s: string;
  try {
    s = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(s) ? undefined : s;
}

/**
 * The readings of a UsernameToken, in the order the server tries them: as sent (plain text) first, then,
 * when the user name and/or the password is canonical base64 of UTF-8, the decoded form (each field
 * decoded where it decodes). At most two readings: one attempt for throttling, never two.
 */
export function usernameTokenCandidates(username: string, password: string): PasswordCandidate[] {
  const plain = { username, password };
  const du = decodeBase64Text(username),
    dp = decodeBase64Text(password);
  if (du === undefined && dp === undefined) return [plain];
  return [plain, { username: du ?? username, password: dp ?? password }];
}

/**
 * NT hash (MS-NLMP 3.3.1 NTOWFv1): MD4 of the UTF-16LE password. Password-equivalent: store it encrypted.
 *
 * @throws never
 */
export function ntHash(password: string): Uint8Array {
  return md4(Buffer.from(password, 'utf16le'));
}

/** Cert binding: map a client certificate issued by the UAS (certprov) to a user, or null. */
export interface ClientCertificateValidator {
  validate(cert: X509Certificate): Promise<{ sipUri: string } | null>;
}

interface MemoryEntry {
  user: DirectoryUser;
  pins: string[];
  accounts: string[];
  password?: string;
  ntHash?: Uint8Array;
}

/**
 * In-memory UserDirectory for tests and examples (constant-time secret comparison).
 *
 * @throws never
 */
export class MemoryUserDirectory implements UserDirectory {
  readonly #users: MemoryEntry[] = [];
  /**
   * Add a user with its PIN, phone numbers, password and extra account names (all matched case-insensitively).
   * @throws never (a `user` without a string `sipUri` throws a TypeError)
   */
  add(user: DirectoryUser, secrets: { pin?: string; phone?: string[]; password?: string; accounts?: string[] } = {}): this {
    const bare = user.sipUri.replace(/^sip:/i, '');
    const names = [
      user.sipUri,
      bare,
      ...(user.account ? [user.account] : []),
      ...(user.upn ? [user.upn] : []),
      ...(secrets.accounts ?? []),
      ...(secrets.phone ?? []),
    ];
    const entry: MemoryEntry = { user, pins: [], accounts: names };
    if (secrets.pin !== undefined) entry.pins.push(secrets.pin);
    if (secrets.password !== undefined) {
      entry.password = secrets.password;
      entry.ntHash = ntHash(secrets.password);
    }
    this.#users.push(entry);
    return this;
  }
  #find(name: string): MemoryEntry | undefined {
    const k = name.toLowerCase();
    return this.#users.find((u) => u.accounts.some((a) => a.toLowerCase() === k));
  }
  /**
   * The user whose SIP URI is `sipUri` (case-insensitive), or null.
   * @throws never (non-string arguments reject with a TypeError)
   */
  async findUserBySipUri(sipUri: string): Promise<DirectoryUser | null> {
    return this.#users.find((u) => u.user.sipUri.toLowerCase() === sipUri.toLowerCase())?.user ?? null;
  }
  /**
   * The user known by `account` (SIP URI with or without `sip:`, account, UPN, phone), or null.
   * @throws never (non-string arguments reject with a TypeError)
   */
  async findUserByAccount(account: string): Promise<DirectoryUser | null> {
    return this.#find(account)?.user ?? null;
  }
  /**
   * The first user known by one of `names`, with the NT hash of its password (null without one), or null.
   * @throws never (non-string arguments reject with a TypeError)
   */
  async findNtlmCredential(names: readonly string[]): Promise<NtlmCredential | null> {
    for (const n of names) {
      const e = this.#find(n);
      if (e) return { user: e.user, ntHash: e.ntHash ?? null };
    }
    return null;
  }
  /**
   * The user when `pin` is one of its PINs (constant-time comparison), else null.
   * @throws never (non-string arguments reject with a TypeError)
   */
  async verifyPin(identity: string, pin: string): Promise<DirectoryUser | null> {
    const e = this.#find(identity);
    return e && e.pins.some((p) => eq(p, pin)) ? e.user : null;
  }
  /**
   * The user when `password` (or the first alternative) is its password (constant-time comparison), else null.
   * @throws never (non-string arguments reject with a TypeError)
   */
  async verifyPassword(username: string, password: string, alternatives: readonly PasswordCandidate[] = []): Promise<DirectoryUser | null> {
    let found: DirectoryUser | null = null;
    for (const c of [{ username, password }, ...alternatives.slice(0, 1)]) {
      const e = this.#find(c.username);
      const ok = eq(e?.password ?? '\u0000', c.password) && e?.password !== undefined;
      if (ok && !found) found = e!.user;
    }
    return found;
  }
}

function eq(a: string, b: string): boolean {
  const x = Buffer.from(a),
    y = Buffer.from(b);
  const n = Math.max(x.length, y.length, 1);
  const px = Buffer.alloc(n),
    py = Buffer.alloc(n);
  x.copy(px);
  y.copy(py);
  return timingSafeEqual(px, py) && x.length === y.length;
}
