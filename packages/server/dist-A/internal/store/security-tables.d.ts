import type { SqlBackend } from './sql.js';
/** Failure counter of one key (an account and secret kind, or a source address). */
export interface AttemptState {
    /** Failures counted in the current window. */
    failures: number;
    /** Epoch ms the current counting window started. */
    windowStart: number;
    /** Epoch ms until which the key is locked (0: not locked). */
    lockedUntil: number;
    /** How many times the key was locked recently (escalates the next lock). */
    strikes: number;
    /** Epoch ms after which the row may be forgotten. */
    expiresAt: number;
}
export interface SecurityStore {
    /** Current state of a key (undefined when none or expired). */
    getAttempts(key: string, now: number): Promise<AttemptState | undefined>;
    /** Current states of several keys in one read (keys without a live state are absent). */
    getAttemptsOf(keys: readonly string[], now: number): Promise<Map<string, AttemptState>>;
    /** Atomically replace a key's state with `fn(previous)` (null deletes it); returns the new state. */
    updateAttempts(key: string, now: number, fn: (prev: AttemptState | undefined) => AttemptState | null): Promise<AttemptState | null>;
    /** Records `key` until `expiresAt`; false when it was already recorded and not expired (a replay). */
    claimOnce(key: string, expiresAt: number, now: number): Promise<boolean>;
    /** Forget a claim (a request that claimed and then failed gives it back). */
    releaseClaim(key: string): Promise<void>;
    /** Number of live claims of keys starting with `prefix` (e.g. certificates obtained with one ticket). */
    countClaims(prefix: string, now: number): Promise<number>;
    /** Which of `keys` are live claims now (one read; nothing is recorded). */
    liveClaims(keys: readonly string[], now: number): Promise<Set<string>>;
}
/** Claim `$1` until `$2`: inserts the key, or takes over a row expired before `$3`; returns a row when won. */
export declare const CLAIM_UPSERT = "INSERT INTO ocauth_replay_cache (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE ocauth_replay_cache.expires_at < $3 RETURNING key";
export declare function securitySchema(): string[];
export declare class SqlSecurityStore implements SecurityStore {
    #private;
    private readonly db;
    constructor(db: SqlBackend);
    getAttempts(key: string, now: number): Promise<AttemptState | undefined>;
    getAttemptsOf(keys: readonly string[], now: number): Promise<Map<string, AttemptState>>;
    updateAttempts(key: string, now: number, fn: (prev: AttemptState | undefined) => AttemptState | null): Promise<AttemptState | null>;
    claimOnce(key: string, expiresAt: number, now: number): Promise<boolean>;
    releaseClaim(key: string): Promise<void>;
    liveClaims(keys: readonly string[], now: number): Promise<Set<string>>;
    countClaims(prefix: string, now: number): Promise<number>;
}
export declare class MemorySecurityStore implements SecurityStore {
    #private;
    getAttempts(key: string, now: number): Promise<{
        /** Failures counted in the current window. */
        failures: number;
        /** Epoch ms the current counting window started. */
        windowStart: number;
        /** Epoch ms until which the key is locked (0: not locked). */
        lockedUntil: number;
        /** How many times the key was locked recently (escalates the next lock). */
        strikes: number;
        /** Epoch ms after which the row may be forgotten. */
        expiresAt: number;
    } | undefined>;
    getAttemptsOf(keys: readonly string[], now: number): Promise<Map<string, AttemptState>>;
    updateAttempts(key: string, now: number, fn: (prev: AttemptState | undefined) => AttemptState | null): Promise<AttemptState | null>;
    claimOnce(key: string, expiresAt: number, now: number): Promise<boolean>;
    releaseClaim(key: string): Promise<void>;
    liveClaims(keys: readonly string[], now: number): Promise<Set<string>>;
    countClaims(prefix: string, now: number): Promise<number>;
}
//# sourceMappingURL=security-tables.d.ts.map