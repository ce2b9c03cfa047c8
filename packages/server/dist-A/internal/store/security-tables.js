/** Claim `$1` until `$2`: inserts the key, or takes over a row expired before `$3`; returns a row when won. */
export const CLAIM_UPSERT = `INSERT INTO ocauth_replay_cache (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE ocauth_replay_cache.expires_at < $3 RETURNING key`;
export function securitySchema() {
    return [
        `CREATE TABLE IF NOT EXISTS ocauth_auth_failures (key TEXT PRIMARY KEY, failures INTEGER NOT NULL, window_start BIGINT NOT NULL, locked_until BIGINT NOT NULL, strikes INTEGER NOT NULL, expires_at BIGINT NOT NULL)`,
        `CREATE INDEX IF NOT EXISTS ocauth_auth_failures_expiry ON ocauth_auth_failures (expires_at)`,
        `CREATE TABLE IF NOT EXISTS ocauth_replay_cache (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)`,
        `CREATE INDEX IF NOT EXISTS ocauth_replay_cache_expiry ON ocauth_replay_cache (expires_at)`,
    ];
}
const toState = (r) => ({
    failures: Number(r.failures),
    windowStart: Number(r.window_start),
    lockedUntil: Number(r.locked_until),
    strikes: Number(r.strikes),
    expiresAt: Number(r.expires_at),
});
export class SqlSecurityStore {
    db;
    #writes = 0;
    constructor(db) {
        this.db = db;
    }
    async #sweep(q, now) {
        // Expired rows are removed every 256 writes (bounded table: counters of random user names expire).
        if (++this.#writes % 256 !== 0)
            return;
        await this.#sweepNow(q, now);
    }
    async #sweepNow(q, now) {
        await q(`DELETE FROM ocauth_auth_failures WHERE expires_at < $1`, [now]);
        await q(`DELETE FROM ocauth_replay_cache WHERE expires_at < $1`, [now]);
    }
    async getAttempts(key, now) {
        const r = (await this.db.read((q) => q(`SELECT * FROM ocauth_auth_failures WHERE key = $1`, [key])))[0];
        if (!r)
            return undefined;
        const s = toState(r);
        return s.expiresAt < now ? undefined : s;
    }
    async getAttemptsOf(keys, now) {
        const out = new Map();
        const unique = [...new Set(keys)];
        if (unique.length === 0)
            return out;
        const rows = await this.db.read((q) => q(`SELECT * FROM ocauth_auth_failures WHERE key IN (${unique.map((_, i) => `$${i + 1}`).join(', ')})`, unique));
        for (const r of rows) {
            const s = toState(r);
            if (s.expiresAt >= now)
                out.set(String(r.key), s);
        }
        return out;
    }
    async updateAttempts(key, now, fn) {
        return this.db.write(async (q) => {
            await this.db.lock(q, `attempts|${key}`);
            const r = (await q(`SELECT * FROM ocauth_auth_failures WHERE key = $1`, [key]))[0];
            const prev = r ? toState(r) : undefined;
            const next = fn(prev && prev.expiresAt >= now ? prev : undefined);
            if (next === null) {
                if (r)
                    await q(`DELETE FROM ocauth_auth_failures WHERE key = $1`, [key]);
            }
            else {
                await q(`INSERT INTO ocauth_auth_failures (key, failures, window_start, locked_until, strikes, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, locked_until = excluded.locked_until, strikes = excluded.strikes, expires_at = excluded.expires_at`, [key, next.failures, next.windowStart, next.lockedUntil, next.strikes, next.expiresAt]);
            }
            await this.#sweep(q, now);
            return next;
        });
    }
    async claimOnce(key, expiresAt, now) {
        // A live claim is answered by a read, without a write transaction (the familiar-source claim of
        // every successful sign-in is usually live already).
        const r = (await this.db.read((q) => q(`SELECT expires_at FROM ocauth_replay_cache WHERE key = $1`, [key])))[0];
        if (r && Number(r.expires_at) >= now)
            return false;
        // One atomic statement (PostgreSQL: autocommitted, one round trip instead of BEGIN, lock, SELECT,
        // INSERT, COMMIT): inserts the key, or takes over an expired row; a live row — a concurrent claim
        // that won — is left as it is and nothing is returned.
        const won = await this.db.writeOne(CLAIM_UPSERT, [key, expiresAt, now]);
        if (won.length === 0)
            return false;
        if (++this.#writes % 256 === 0)
            await this.db.write((q) => this.#sweepNow(q, now));
        return true;
    }
    async releaseClaim(key) {
        await this.db.write((q) => q(`DELETE FROM ocauth_replay_cache WHERE key = $1`, [key]));
    }
    async liveClaims(keys, now) {
        if (keys.length === 0)
            return new Set();
        const rows = await this.db.read((q) => q(`SELECT key FROM ocauth_replay_cache WHERE key IN (${keys.map((_, i) => `$${i + 2}`).join(', ')}) AND expires_at >= $1`, [now, ...keys]));
        return new Set(rows.map((r) => String(r.key)));
    }
    async countClaims(prefix, now) {
        const like = prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
        return Number((await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_replay_cache WHERE key LIKE $1 ESCAPE '\\' AND expires_at >= $2`, [like, now])))[0]?.n ??
            0);
    }
}
export class MemorySecurityStore {
    #attempts = new Map();
    #claims = new Map();
    #writes = 0;
    #sweep(now) {
        if (++this.#writes % 256 !== 0)
            return;
        for (const [k, v] of this.#attempts)
            if (v.expiresAt < now)
                this.#attempts.delete(k);
        for (const [k, v] of this.#claims)
            if (v < now)
                this.#claims.delete(k);
    }
    async getAttempts(key, now) {
        const s = this.#attempts.get(key);
        return s && s.expiresAt >= now ? { ...s } : undefined;
    }
    async getAttemptsOf(keys, now) {
        const out = new Map();
        for (const k of keys) {
            const s = this.#attempts.get(k);
            if (s && s.expiresAt >= now)
                out.set(k, { ...s });
        }
        return out;
    }
    async updateAttempts(key, now, fn) {
        const prev = this.#attempts.get(key);
        const next = fn(prev && prev.expiresAt >= now ? { ...prev } : undefined);
        if (next === null)
            this.#attempts.delete(key);
        else
            this.#attempts.set(key, { ...next });
        this.#sweep(now);
        return next;
    }
    async claimOnce(key, expiresAt, now) {
        const e = this.#claims.get(key);
        if (e !== undefined && e >= now)
            return false;
        this.#claims.set(key, expiresAt);
        this.#sweep(now);
        return true;
    }
    async releaseClaim(key) {
        this.#claims.delete(key);
    }
    async liveClaims(keys, now) {
        return new Set(keys.filter((k) => (this.#claims.get(k) ?? -Infinity) >= now));
    }
    async countClaims(prefix, now) {
        let n = 0;
        for (const [k, v] of this.#claims)
            if (v >= now && k.startsWith(prefix))
                n++;
        return n;
    }
}
//# sourceMappingURL=security-tables.js.map