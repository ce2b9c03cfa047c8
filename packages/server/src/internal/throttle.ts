// Sign-in throttling (issue 16 item 1): a wrapper around the server's user directory (verifyPin /
// verifyPassword) that counts failures per account — PIN and password separately — with lockout windows,
// and per source address, in the store (every server of a pool on one PostgreSQL shares the counts).
// Lync's equivalents are CsPinPolicy -MaximumLogonAttempts and the AD account lockout policy.
//
// Answers keep one shape: a locked account or a blocked source gets exactly the null (wrong secret)
// that a wrong guess gets, so the Web Ticket Service answers the same fault; a locked account's secret is
// still hashed (the same work and time as an open one), a blocked source's is not (it waits instead).
// A blocked source's attempts are not counted against the account, so one address cannot keep a victim
// locked: it gets `maxSourceFailures` guesses per window and is then blocked for a doubling time. A
// source that signed in to an account before ("familiar") keeps its own counter while the account is
// locked by others, so the owner of an attacked account still signs in from where it usually does.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DirectoryUser, SignInHooks } from '@ocauth/wstrust';
import type { AttemptState, SecurityStore } from './store/security-tables.js';
import type { ServerUserDirectory } from './store/types.js';
import { sharedLookups } from './store/sql.js';

export interface SignInThrottlePolicy {
  /** Wrong PINs per account within `failureWindowSeconds` before the account's PIN sign-in locks (default 10). */
  maxPinFailures?: number;
  /** Wrong passwords per account within the window before its password sign-in locks (default 10). */
  maxPasswordFailures?: number;
  /** Counting window of failures (default 900 s). */
  failureWindowSeconds?: number;
  /** How long a locked account stays locked (default 900 s; the right secret is refused meanwhile). */
  lockoutSeconds?: number;
  /** Failures from one source address within the window before it is blocked (default 20). */
  maxSourceFailures?: number;
  /** First block of a source (default 900 s); each further block within a day doubles, up to 86 400 s. */
  sourceBlockSeconds?: number;
  /** A blocked source's attempt is answered after this delay (default 1000 ms), without hashing the secret. */
  blockedDelayMs?: number;
  /** Familiar sources (a success for the account within this many days) keep signing in during a lockout (default 30; 0 disables). */
  familiarSourceDays?: number;
}

export const THROTTLE_DEFAULTS: Required<SignInThrottlePolicy> = {
  maxPinFailures: 10,
  maxPasswordFailures: 10,
  failureWindowSeconds: 900,
  lockoutSeconds: 900,
  maxSourceFailures: 20,
  sourceBlockSeconds: 900,
  blockedDelayMs: 1000,
  familiarSourceDays: 30,
};

const sourceStore = new AsyncLocalStorage<string>();

/** Run `fn` with `source` as the sign-in source address seen by the throttled directory. */
export function withSignInSource<T>(source: string, fn: () => T): T {
  return sourceStore.run(source, fn);
}

const DAY = 86_400_000;

/** Failure bookkeeping: returns the state after one more failure (locking at `max`). */
function afterFailure(
  prev: AttemptState | undefined,
  now: number,
  max: number,
  windowMs: number,
  lockMs: (strikes: number) => number,
  remember: number,
): AttemptState {
  const fresh = !prev || prev.windowStart + windowMs <= now;
  const strikes = prev && prev.lockedUntil + DAY > now ? prev.strikes : 0;
  let s: AttemptState = fresh
    ? { failures: 1, windowStart: now, lockedUntil: prev?.lockedUntil ?? 0, strikes, expiresAt: 0 }
    : { ...prev, failures: prev.failures + 1, strikes };
  if (s.failures >= max) s = { failures: 0, windowStart: now, lockedUntil: now + lockMs(s.strikes), strikes: s.strikes + 1, expiresAt: 0 };
  s.expiresAt = Math.max(s.windowStart + windowMs, s.lockedUntil) + (s.strikes > 0 ? remember : 0);
  return s;
}

/** Control characters (C0, DEL, C1) never belong in a PIN, password or user name (issue 16 item 7: a PIN followed by NUL bytes). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The directory as the Web Ticket Service sees it: credentials with control characters always fail, and
 * unless `policy` is false, sign-in attempts are throttled.
 */
export function throttledDirectory(d: ServerUserDirectory, store: SecurityStore, policy: SignInThrottlePolicy | false, clock: () => Date): ServerUserDirectory {
  const p = { ...THROTTLE_DEFAULTS, ...(policy || {}) };
  const windowMs = p.failureWindowSeconds * 1000;
  const canonical = async (identity: string): Promise<{ key: string; user: DirectoryUser | null }> => {
    const id = identity.trim().toLowerCase().slice(0, 256);
    let u: DirectoryUser | null = null;
    try {
      u = (await d.findUserByAccount?.(identity)) ?? (/^sip:[^@\s]+@[^@\s]+$/i.test(identity) ? await d.findUserBySipUri(identity) : null);
    } catch {
      u = null;
    }
    // Every spelling of one user (phone, SIP URI, DOMAIN\user, UPN) shares one counter; unknown names count too.
    return { key: u ? `user:${u.sipUri.toLowerCase()}` : `name:${id}`, user: u };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const verify = async (
    kind: 'pin' | 'password',
    identity: string,
    secret: string,
    check: (i: string, s: string) => Promise<DirectoryUser | null>,
    hooks?: SignInHooks,
  ): Promise<DirectoryUser | null> => {
    // The secret is still hashed (same work), but a credential with control characters never succeeds.
    const malformed = CONTROL.test(secret) || CONTROL.test(identity);
    const inner = async (i: string, s: string) => {
      const u = await check(i, s);
      return malformed ? null : u;
    };
    if (policy === false) return inner(identity, secret);
    const now = clock().getTime();
    const source = `src:${sourceStore.getStore() ?? ''}`;
    // Issue 20: the store's round trips overlap the KDF. The account's name (a lookup the secret check
    // reuses: sharedLookups) and the source's counter are read together; unless the source is blocked
    // (answered after a delay, without hashing), the secret check starts at once and the account's counter
    // and the familiar-source mark are read while it runs. Whether the account is locked changes nothing in
    // the work done (the secret is hashed either way), only the answer.
    const [{ key: name, user: named }, sourceCounters] = await Promise.all([canonical(identity), store.getAttemptsOf([source], now)]);
    const src = sourceCounters.get(source);
    if (src && src.lockedUntil > now) {
      await sleep(Math.min(p.blockedDelayMs, src.lockedUntil - now));
      return null;
    }
    const account = `${kind}:${name}`;
    const checking = inner(identity, secret); // always the same work, locked or not
    checking.catch(() => {}); // awaited below; a read failing first must not leave its rejection unhandled
    // A familiar source that is live already is not claimed again after a success.
    const familiarKey = `familiar|${account}|${source}|`;
    const [counters, familiar] = await Promise.all([
      store.getAttemptsOf([account], now),
      p.familiarSourceDays > 0 ? store.liveClaims([familiarKey], now).then((live) => live.has(familiarKey)) : false,
    ]);
    let key = account;
    const state = counters.get(account);
    if (state && state.lockedUntil > now && familiar) {
      key = `${account}|${source}`; // the account's owner, where it signed in before: its own counter
    }
    // Locked is decided as the secret is checked and failures are counted after it: concurrent
    // guesses racing the lock can exceed the limit by their concurrency (bounded by the connection
    // limits); counting in flight instead would lock out an owner's concurrent legitimate sign-ins.
    const max = kind === 'pin' ? p.maxPinFailures : p.maxPasswordFailures;
    const current = key === account ? state : await store.getAttempts(key, now);
    const locked = !!current && current.lockedUntil > now;
    // Only the secret check can still refuse: the caller may prepare the named user's answer meanwhile.
    if (named?.enabled && !locked && !malformed) {
      try {
        hooks?.onCandidate?.(named);
      } catch {
        /* a hook never decides a sign-in */
      }
    }
    const user = await checking;
    if (locked) return null;
    if (user) {
      if (current) await store.updateAttempts(key, now, () => null);
      if (p.familiarSourceDays > 0 && !familiar) await store.claimOnce(familiarKey, now + p.familiarSourceDays * DAY, now);
      return user;
    }
    await store.updateAttempts(key, now, (prev) =>
      prev && prev.lockedUntil > now ? prev : afterFailure(prev, now, max, windowMs, () => p.lockoutSeconds * 1000, 0),
    );
    await store.updateAttempts(source, now, (prev) =>
      afterFailure(prev, now, p.maxSourceFailures, windowMs, (strikes) => Math.min(86_400_000, p.sourceBlockSeconds * 1000 * 2 ** Math.min(strikes, 20)), DAY),
    );
    return null;
  };

  // Every other member of the directory (lookups, provisioning, whatever a later version adds) passes through.
  const verifyPin: ServerUserDirectory['verifyPin'] = (identity, pin, hooks) =>
    sharedLookups(() => verify('pin', identity, pin, (i, s) => d.verifyPin(i, s), hooks));
  // Alternatives (base64-decoded UsernameToken candidates of the Lync desktop client) pass through; the
  // attempt counts once, whichever candidate matches.
  const verifyPassword: ServerUserDirectory['verifyPassword'] = (username, password, alternatives) =>
    sharedLookups(() =>
      verify('password', username, password, (i, s) => (alternatives === undefined ? d.verifyPassword(i, s) : d.verifyPassword(i, s, alternatives))),
    );
  const proxy = new Proxy(d, {
    get(target, prop) {
      if (prop === 'verifyPin') return verifyPin;
      if (prop === 'verifyPassword') return verifyPassword;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  // Sign-ins whose secret the directory does not check itself (NTLM: the NTProofStr is checked against the
  // NT hash in the authenticator) are counted as password attempts of the same account through this guard.
  guards.set(proxy, (identity, check) => verify('password', identity, '', () => check()));
  return proxy;
}

type SignInGuard = (identity: string, check: () => Promise<DirectoryUser | null>) => Promise<DirectoryUser | null>;
const guards = new WeakMap<object, SignInGuard>();

/** The password-attempt guard of a throttled directory (undefined for a directory that is not throttled). */
export function signInGuard(d: ServerUserDirectory): SignInGuard | undefined {
  return guards.get(d);
}
