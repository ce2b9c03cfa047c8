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
import { sharedLookups } from './store/sql.js';
export const THROTTLE_DEFAULTS = {
    maxPinFailures: 10,
    maxPasswordFailures: 10,
    failureWindowSeconds: 900,
    lockoutSeconds: 900,
    maxSourceFailures: 20,
    sourceBlockSeconds: 900,
    blockedDelayMs: 1000,
    familiarSourceDays: 30,
};
const sourceStore = new AsyncLocalStorage();
/** Run `fn` with `source` as the sign-in source address seen by the throttled directory. */
export function withSignInSource(source, fn) {
    return sourceStore.run(source, fn);
}
const DAY = 86_400_000;
/** Failure bookkeeping: returns the state after one more failure (locking at `max`). */
function afterFailure(prev, now, max, windowMs, lockMs, remember) {
    const fresh = !prev || prev.windowStart + windowMs <= now;
    const strikes = prev && prev.lockedUntil + DAY > now ? prev.strikes : 0;
    let s = fresh
        ? { failures: 1, windowStart: now, lockedUntil: prev?.lockedUntil ?? 0, strikes, expiresAt: 0 }
        : { ...prev, failures: prev.failures + 1, strikes };
    if (s.failures >= max)
        s = { failures: 0, windowStart: now, lockedUntil: now + lockMs(s.strikes), strikes: s.strikes + 1, expiresAt: 0 };
    s.expiresAt = Math.max(s.windowStart + windowMs, s.lockedUntil) + (s.strikes > 0 ? remember : 0);
    return s;
}
/** Control characters (C0, DEL, C1) never belong in a PIN, password or user name (issue 16 item 7: a PIN followed by NUL bytes). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * The directory as the Web Ticket Service sees it: credentials with control characters always fail, and
 * unless `policy` is false, sign-in attempts are throttled.
 */
export function throttledDirectory(d, store, policy, clock) {
    const p = { ...THROTTLE_DEFAULTS, ...(policy || {}) };
    const windowMs = p.failureWindowSeconds * 1000;
    const canonical = async (identity) => {
        const id = identity.trim().toLowerCase().slice(0, 256);
        let u = null;
        try {
            u = (await d.findUserByAccount?.(identity)) ?? (/^sip:[^@\s]+@[^@\s]+$/i.test(identity) ? await d.findUserBySipUri(identity) : null);
        }
        catch {
            u = null;
        }
        // Every spelling of one user (phone, SIP URI, DOMAIN\user, UPN) shares one counter; unknown names count too.
        return u ? `user:${u.sipUri.toLowerCase()}` : `name:${id}`;
    };
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const verify = async (kind, identity, secret, check) => {
        // The secret is still hashed (same work), but a credential with control characters never succeeds.
        const malformed = CONTROL.test(secret) || CONTROL.test(identity);
        const inner = async (i, s) => {
            const u = await check(i, s);
            return malformed ? null : u;
        };
        if (policy === false)
            return inner(identity, secret);
        const now = clock().getTime();
        const source = `src:${sourceStore.getStore() ?? ''}`;
        // The account's name first (a lookup the secret check below reuses: sharedLookups), then both
        // counters in one read.
        const account = `${kind}:${await canonical(identity)}`;
        // The counters and whether this source signed in to the account before, read together (two reads in
        // flight at once: one round trip of wall time on PostgreSQL); a familiar source that is live already
        // is not claimed again after a success.
        const familiarKey = `familiar|${account}|${source}|`;
        const [counters, familiar] = await Promise.all([
            store.getAttemptsOf([source, account], now),
            p.familiarSourceDays > 0 ? store.liveClaims([familiarKey], now).then((live) => live.has(familiarKey)) : false,
        ]);
        const src = counters.get(source);
        if (src && src.lockedUntil > now) {
            await sleep(Math.min(p.blockedDelayMs, src.lockedUntil - now));
            return null;
        }
        let key = account;
        const state = counters.get(account);
        if (state && state.lockedUntil > now && familiar) {
            key = `${account}|${source}`; // the account's owner, where it signed in before: its own counter
        }
        // Locked is decided before the secret is checked and failures are counted after it: concurrent
        // guesses racing the lock can exceed the limit by their concurrency (bounded by the connection
        // limits); counting in flight instead would lock out an owner's concurrent legitimate sign-ins.
        const max = kind === 'pin' ? p.maxPinFailures : p.maxPasswordFailures;
        const current = key === account ? state : await store.getAttempts(key, now);
        const locked = !!current && current.lockedUntil > now;
        const user = await inner(identity, secret); // always the same work, locked or not
        if (locked)
            return null;
        if (user) {
            if (current)
                await store.updateAttempts(key, now, () => null);
            if (p.familiarSourceDays > 0 && !familiar)
                await store.claimOnce(familiarKey, now + p.familiarSourceDays * DAY, now);
            return user;
        }
        await store.updateAttempts(key, now, (prev) => prev && prev.lockedUntil > now ? prev : afterFailure(prev, now, max, windowMs, () => p.lockoutSeconds * 1000, 0));
        await store.updateAttempts(source, now, (prev) => afterFailure(prev, now, p.maxSourceFailures, windowMs, (strikes) => Math.min(86_400_000, p.sourceBlockSeconds * 1000 * 2 ** Math.min(strikes, 20)), DAY));
        return null;
    };
    // Every other member of the directory (lookups, provisioning, whatever a later version adds) passes through.
    const verifyPin = (identity, pin) => sharedLookups(() => verify('pin', identity, pin, (i, s) => d.verifyPin(i, s)));
    // Alternatives (base64-decoded UsernameToken candidates of the Lync desktop client) pass through; the
    // attempt counts once, whichever candidate matches.
    const verifyPassword = (username, password, alternatives) => sharedLookups(() => verify('password', username, password, (i, s) => (alternatives === undefined ? d.verifyPassword(i, s) : d.verifyPassword(i, s, alternatives))));
    const proxy = new Proxy(d, {
        get(target, prop) {
            if (prop === 'verifyPin')
                return verifyPin;
            if (prop === 'verifyPassword')
                return verifyPassword;
            const v = Reflect.get(target, prop, target);
            return typeof v === 'function' ? v.bind(target) : v;
        },
    });
    // Sign-ins whose secret the directory does not check itself (NTLM: the NTProofStr is checked against the
    // NT hash in the authenticator) are counted as password attempts of the same account through this guard.
    guards.set(proxy, (identity, check) => verify('password', identity, '', () => check()));
    return proxy;
}
const guards = new WeakMap();
/** The password-attempt guard of a throttled directory (undefined for a directory that is not throttled). */
export function signInGuard(d) {
    return guards.get(d);
}
//# sourceMappingURL=throttle.js.map