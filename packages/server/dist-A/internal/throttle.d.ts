import type { DirectoryUser } from '@ocauth/wstrust';
import type { SecurityStore } from './store/security-tables.js';
import type { ServerUserDirectory } from './store/types.js';
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
export declare const THROTTLE_DEFAULTS: Required<SignInThrottlePolicy>;
/** Run `fn` with `source` as the sign-in source address seen by the throttled directory. */
export declare function withSignInSource<T>(source: string, fn: () => T): T;
/**
 * The directory as the Web Ticket Service sees it: credentials with control characters always fail, and
 * unless `policy` is false, sign-in attempts are throttled.
 */
export declare function throttledDirectory(d: ServerUserDirectory, store: SecurityStore, policy: SignInThrottlePolicy | false, clock: () => Date): ServerUserDirectory;
type SignInGuard = (identity: string, check: () => Promise<DirectoryUser | null>) => Promise<DirectoryUser | null>;
/** The password-attempt guard of a throttled directory (undefined for a directory that is not throttled). */
export declare function signInGuard(d: ServerUserDirectory): SignInGuard | undefined;
export {};
//# sourceMappingURL=throttle.d.ts.map