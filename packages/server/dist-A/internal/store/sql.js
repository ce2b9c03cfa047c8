// The SQL implementation shared by the SQLite (better-sqlite3) and PostgreSQL (pg) stores: users with hashed
// PIN/password and their identities, issued certificates with revocations, broker session records.
// Every write is one transaction; publish (store + revoke the device's previous certificates) is atomic.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ntHash } from '@ocauth/wstrust';
import { CertificateStoreError } from '@ocauth/certprov';
import { hashSecret, openSecret, sealSecret, verifySecret } from '../secrets.js';
import { checkSeed, identitiesOf, MAX_PASSWORD_CANDIDATES, normEntity, normSip, StoreError, } from './types.js';
import { CLAIM_UPSERT, SqlSecurityStore } from './security-tables.js';
import { ServerError } from '../errors.js';
/** Schema version 1 (migrations append statements; `ocauth_schema` records the applied version). */
export function schema(blob) {
    return [
        `CREATE TABLE IF NOT EXISTS ocauth_users (sip_uri_norm TEXT PRIMARY KEY, sip_uri TEXT NOT NULL, enabled INTEGER NOT NULL, display_name TEXT, pin_hash TEXT, password_hash TEXT)`,
        `CREATE TABLE IF NOT EXISTS ocauth_identities (identity TEXT PRIMARY KEY, sip_uri_norm TEXT NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS ocauth_certificates (serial TEXT PRIMARY KEY, entity TEXT NOT NULL, entity_norm TEXT NOT NULL, device_id TEXT NOT NULL, device_norm TEXT NOT NULL, der ${blob} NOT NULL, not_before BIGINT NOT NULL, not_after BIGINT NOT NULL, revoked_at BIGINT)`,
        `CREATE INDEX IF NOT EXISTS ocauth_certificates_device ON ocauth_certificates (entity_norm, device_norm)`,
        `CREATE TABLE IF NOT EXISTS ocauth_sessions (id TEXT PRIMARY KEY, sip_uri TEXT NOT NULL, last_activity BIGINT NOT NULL, record TEXT NOT NULL)`,
        `CREATE INDEX IF NOT EXISTS ocauth_sessions_user ON ocauth_sessions (sip_uri)`,
        `CREATE TABLE IF NOT EXISTS ocauth_schema (version INTEGER NOT NULL)`,
        // Added without a version bump (a new table; servers that predate it ignore it): the user's Windows
        // account name and UPN as given, and the NT hash sealed under the credential key (NTLM).
        `CREATE TABLE IF NOT EXISTS ocauth_user_accounts (sip_uri_norm TEXT PRIMARY KEY, account TEXT, upn TEXT, nt_hash_sealed TEXT)`,
    ];
}
export const SCHEMA_VERSION = 1;
const toUser = (r) => ({
    sipUri: String(r.sip_uri),
    enabled: Number(r.enabled) === 1,
    ...(r.display_name ? { displayName: String(r.display_name) } : {}),
    ...(r.account ? { account: String(r.account) } : {}),
    ...(r.upn ? { upn: String(r.upn) } : {}),
});
const USER_COLUMNS = `u.sip_uri, u.sip_uri_norm, u.enabled, u.display_name, u.pin_hash, u.password_hash, a.account, a.upn, a.nt_hash_sealed`;
const USER_JOIN = `ocauth_users u LEFT JOIN ocauth_user_accounts a ON a.sip_uri_norm = u.sip_uri_norm`;
const toCert = (r) => ({
    entity: String(r.entity),
    deviceId: String(r.device_id),
    serialNumber: String(r.serial),
    der: new Uint8Array(r.der),
    notBefore: new Date(Number(r.not_before)),
    notAfter: new Date(Number(r.not_after)),
    ...(r.revoked_at !== null && r.revoked_at !== undefined ? { revokedAt: new Date(Number(r.revoked_at)) } : {}),
});
let dummyHash;
const lookupMemo = new AsyncLocalStorage();
/**
 * Run `fn` (one sign-in attempt) with directory lookups shared: the same names looked up twice within it are
 * read from the store once (the throttle canonicalises the account, then the directory checks its secret).
 */
export function sharedLookups(fn) {
    return lookupMemo.run(new Map(), fn);
}
class SqlUsers {
    db;
    #credentialKey;
    constructor(db) {
        this.db = db;
    }
    useCredentialKey(key) {
        if (key.length !== 32)
            throw new StoreError('ERR_SERVER_STORE_CONFIG', `credential key: expected 32 bytes, received ${key.length}`);
        this.#credentialKey = new Uint8Array(key);
    }
    async upsertUser(u) {
        checkSeed(u);
        const [pin, pw] = await Promise.all([u.pin === undefined ? null : hashSecret(u.pin), u.password === undefined ? null : hashSecret(u.password)]);
        const key = normSip(u.sipUri);
        // The NT hash exists only sealed; it is made when the password is set (and only with a credential key).
        const nt = u.password !== undefined && this.#credentialKey ? sealSecret(this.#credentialKey, ntHash(u.password), key) : null;
        await this.db.write(async (q) => {
            await q(`INSERT INTO ocauth_users (sip_uri_norm, sip_uri, enabled, display_name, pin_hash, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sip_uri_norm) DO UPDATE SET sip_uri = excluded.sip_uri, enabled = excluded.enabled, display_name = excluded.display_name, pin_hash = excluded.pin_hash, password_hash = excluded.password_hash`, [key, u.sipUri, u.enabled === false ? 0 : 1, u.displayName ?? null, pin, pw]);
            await q(`INSERT INTO ocauth_user_accounts (sip_uri_norm, account, upn, nt_hash_sealed) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sip_uri_norm) DO UPDATE SET account = excluded.account, upn = excluded.upn, nt_hash_sealed = excluded.nt_hash_sealed`, [key, u.account ?? null, u.upn ?? null, nt]);
            await q(`DELETE FROM ocauth_identities WHERE sip_uri_norm = $1`, [key]);
            for (const i of identitiesOf(u))
                await q(`INSERT INTO ocauth_identities (identity, sip_uri_norm) VALUES ($1, $2) ON CONFLICT (identity) DO UPDATE SET sip_uri_norm = excluded.sip_uri_norm`, [i, key]);
        });
    }
    async setEnabled(sipUri, enabled) {
        return this.db.write(async (q) => (await q(`UPDATE ocauth_users SET enabled = $1 WHERE sip_uri_norm = $2 RETURNING sip_uri`, [enabled ? 1 : 0, normSip(sipUri)])).length > 0);
    }
    async findUserBySipUri(sipUri) {
        const rows = await this.db.read((q) => q(`SELECT ${USER_COLUMNS} FROM ${USER_JOIN} WHERE u.sip_uri_norm = $1`, [normSip(sipUri)]));
        return rows[0] ? toUser(rows[0]) : null;
    }
    /** Rows for several names in one query, in the order of `names` (misses skipped). */
    async #byIdentities(names) {
        const keys = [...new Set(names.map((n) => n.toLowerCase()))];
        if (keys.length === 0)
            return [];
        // Within one sign-in attempt (sharedLookups), the throttle's lookup of the account and the secret
        // check that follows it read the user's row once.
        const memo = lookupMemo.getStore();
        if (!memo)
            return this.#queryIdentities(keys);
        const k = keys.join('\n');
        let p = memo.get(k);
        if (!p)
            memo.set(k, (p = this.#queryIdentities(keys)));
        return p;
    }
    async #queryIdentities(keys) {
        const rows = await this.db.read((q) => q(`SELECT i.identity, ${USER_COLUMNS} FROM ocauth_identities i JOIN ocauth_users u ON u.sip_uri_norm = i.sip_uri_norm LEFT JOIN ocauth_user_accounts a ON a.sip_uri_norm = u.sip_uri_norm WHERE i.identity IN (${keys.map((_, k) => `$${k + 1}`).join(', ')})`, keys));
        return keys.flatMap((k) => rows.filter((r) => r.identity === k));
    }
    async #byIdentity(identity) {
        return (await this.#byIdentities([identity]))[0];
    }
    async findUserByAccount(account) {
        const r = await this.#byIdentity(account);
        return r ? toUser(r) : null;
    }
    async findNtlmCredential(names) {
        const r = (await this.#byIdentities(names.slice(0, 4)))[0];
        if (!r)
            return null;
        const nt = this.#credentialKey ? openSecret(this.#credentialKey, r.nt_hash_sealed, String(r.sip_uri_norm)) : null;
        return { user: toUser(r), ntHash: nt };
    }
    async #check(row, secret, column) {
        const stored = row?.[column];
        if (!row || !stored) {
            await verifySecret(secret, await (dummyHash ??= hashSecret('ocauth-dummy'))); // a miss costs as much as a wrong secret
            return false;
        }
        return verifySecret(secret, stored);
    }
    async verifyPin(identity, pin) {
        const r = await this.#byIdentity(identity);
        return (await this.#check(r, pin, 'pin_hash')) ? toUser(r) : null;
    }
    async verifyPassword(username, password, alternatives = []) {
        // One attempt, every reading checked in order (no early exit: the time does not tell which reading named a user).
        const readings = [{ username, password }, ...alternatives].slice(0, MAX_PASSWORD_CANDIDATES);
        const rows = await this.#byIdentities(readings.map((c) => c.username));
        let found = null;
        for (const c of readings) {
            const r = rows.find((x) => x.identity === c.username.toLowerCase());
            if ((await this.#check(r, c.password, 'password_hash')) && !found)
                found = toUser(r);
        }
        return found;
    }
}
/** A claim group had no free key when its publication committed (a concurrent request won it): nothing was published. */
export class ClaimLostError extends ServerError {
    group;
    /** @throws never */
    constructor(group) {
        super('ERR_SERVER_CLAIM_LOST', `claim: expected one of ${group.keys.length} key(s) free, received all live (a concurrent request claimed first)`);
        this.group = group;
        this.name = 'ClaimLostError';
    }
}
/** Within a transaction: win the group's first free key (CLAIM_UPSERT: inserts, or takes over an expired row). */
async function claimIn(q, g, now) {
    for (const key of g.keys)
        if ((await q(CLAIM_UPSERT, [key, g.expiresAt, now])).length > 0)
            return true;
    return false;
}
class SqlCertificates {
    db;
    constructor(db) {
        this.db = db;
    }
    // MS-OCAUTHWS 3.1.4.1: the certificate is published before the response is sent; a new certificate
    // for the same user and DeviceId supersedes the previous one — one transaction, durable on return.
    async publish(cert, now) {
        return this.#publish(cert, now, []);
    }
    /**
     * Publish and record the request's claims (replay key, the ticket's certificate slot) in ONE transaction:
     * one durable commit per certificate instead of three (issue 20 item 4). Each group is won by its first
     * alternative that is not live (the same atomic upsert as claimOnce); a group with none free throws
     * ClaimLostError and nothing is committed — neither the claims nor the certificate.
     */
    async publishClaiming(cert, now, claims) {
        return this.#publish(cert, now, claims);
    }
    async #publish(cert, now, claims) {
        const serial = cert.serialNumber.toUpperCase();
        const entity = normEntity(cert.entity);
        const device = cert.deviceId.toUpperCase();
        try {
            const row = {
                serial,
                entity: cert.entity,
                entityNorm: entity,
                deviceId: cert.deviceId,
                deviceNorm: device,
                der: cert.der,
                notBefore: cert.notBefore.getTime(),
                notAfter: cert.notAfter.getTime(),
                revokedAt: cert.revokedAt ? cert.revokedAt.getTime() : null,
            };
            if (this.db.publishCertificate && claims.length === 0)
                return { revoked: await this.db.publishCertificate(row, now.getTime()) };
            if (this.db.publishClaiming)
                return { revoked: await this.db.publishClaiming(row, now.getTime(), claims) };
            return await this.db.write(async (q) => {
                for (const g of claims)
                    if (!(await claimIn(q, g, now.getTime())))
                        throw new ClaimLostError(g);
                if (this.db.publishCertificate)
                    return { revoked: await this.db.publishCertificate(row, now.getTime(), q) };
                await this.db.lock(q, `${entity}|${device}`);
                if ((await q(`SELECT 1 FROM ocauth_certificates WHERE serial = $1`, [serial])).length)
                    throw new CertificateStoreError('ERR_CERTPROV_STORE_DUPLICATE_SERIAL', `serialNumber: expected a serial not yet published, received ${serial}`);
                const prev = await q(`SELECT serial FROM ocauth_certificates WHERE entity_norm = $1 AND device_norm = $2 AND revoked_at IS NULL`, [entity, device]);
                if (prev.length)
                    await q(`UPDATE ocauth_certificates SET revoked_at = $1 WHERE entity_norm = $2 AND device_norm = $3 AND revoked_at IS NULL`, [
                        now.getTime(),
                        entity,
                        device,
                    ]);
                await q(`INSERT INTO ocauth_certificates (serial, entity, entity_norm, device_id, device_norm, der, not_before, not_after, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
                    serial,
                    cert.entity,
                    entity,
                    cert.deviceId,
                    device,
                    cert.der,
                    cert.notBefore.getTime(),
                    cert.notAfter.getTime(),
                    cert.revokedAt ? cert.revokedAt.getTime() : null,
                ]);
                return { revoked: prev.map((r) => String(r.serial)) };
            });
        }
        catch (e) {
            if (e instanceof CertificateStoreError || e instanceof ClaimLostError)
                throw e;
            throw new CertificateStoreError('ERR_CERTPROV_STORE_UNAVAILABLE', `certificate store (${this.db.kind}): expected to commit the publication, received ${e.message}`);
        }
    }
    async findBySerial(serialNumber) {
        const rows = await this.db.read((q) => q(`SELECT * FROM ocauth_certificates WHERE serial = $1`, [serialNumber.toUpperCase()]));
        return rows[0] ? toCert(rows[0]) : undefined;
    }
    async listForEntity(entity) {
        return (await this.db.read((q) => q(`SELECT * FROM ocauth_certificates WHERE entity_norm = $1 ORDER BY not_before, serial`, [normEntity(entity)]))).map(toCert);
    }
    async revoke(serialNumber, at) {
        return this.db.write(async (q) => (await q(`UPDATE ocauth_certificates SET revoked_at = $1 WHERE serial = $2 AND revoked_at IS NULL RETURNING serial`, [
            at.getTime(),
            serialNumber.toUpperCase(),
        ])).length > 0);
    }
    async count() {
        return Number((await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_certificates`)))[0]?.n ?? 0);
    }
}
class SqlSessions {
    db;
    constructor(db) {
        this.db = db;
    }
    async get(id) {
        const rows = await this.db.read((q) => q(`SELECT record FROM ocauth_sessions WHERE id = $1`, [id]));
        return rows[0] ? JSON.parse(String(rows[0].record)) : undefined;
    }
    async set(r) {
        await this.db.write((q) => q(`INSERT INTO ocauth_sessions (id, sip_uri, last_activity, record) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET sip_uri = excluded.sip_uri, last_activity = excluded.last_activity, record = excluded.record`, [r.id, r.sipUri, r.lastActivity, JSON.stringify(r)]));
    }
    async delete(id) {
        await this.db.write((q) => q(`DELETE FROM ocauth_sessions WHERE id = $1`, [id]));
    }
    async sweep(idleBefore) {
        return this.db.write(async (q) => (await q(`DELETE FROM ocauth_sessions WHERE last_activity < $1 RETURNING id`, [idleBefore])).map((r) => String(r.id)));
    }
    async size() {
        return Number((await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_sessions`)))[0]?.n ?? 0);
    }
    async countForUser(sipUri) {
        return Number((await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_sessions WHERE sip_uri = $1`, [sipUri])))[0]?.n ?? 0);
    }
}
export function sqlStore(db) {
    return {
        kind: db.kind,
        users: new SqlUsers(db),
        certificates: new SqlCertificates(db),
        sessions: new SqlSessions(db),
        security: new SqlSecurityStore(db),
        close: () => db.close(),
    };
}
export { StoreError };
//# sourceMappingURL=sql.js.map