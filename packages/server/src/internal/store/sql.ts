// The SQL implementation shared by the SQLite (better-sqlite3) and PostgreSQL (pg) stores: users with hashed
// PIN/password and their identities, issued certificates with revocations, broker session records.
// Every write is one transaction; publish (store + revoke the device's previous certificates) is atomic.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ntHash, type DirectoryUser, type NtlmCredential, type PasswordCandidate } from '@ocauth/wstrust';
import { CertificateStoreError, type StoredCertificate } from '@ocauth/certprov';
import type { AuthBrokerSessionRecord, AuthBrokerSessionStore } from '@ocauth/authbroker';
import { hashSecret, openSecret, sealSecret, verifySecret } from '../secrets.js';
import {
  checkSeed,
  identitiesOf,
  MAX_PASSWORD_CANDIDATES,
  normEntity,
  normSip,
  StoreError,
  type ServerStore,
  type ServerUserDirectory,
  type UserSeed,
} from './types.js';
import { CLAIM_UPSERT, SqlSecurityStore } from './security-tables.js';
import { ServerError } from '../errors.js';

export type Row = Record<string, unknown>;
/** One statement with $1, $2 … placeholders, inside the current unit of work. */
export type Query = (sql: string, params?: unknown[]) => Promise<Row[]>;

export interface SqlBackend {
  readonly kind: 'sqlite' | 'postgres';
  read<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** A transaction: committed (and durable) when fn resolves, rolled back when it throws. */
  write<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** One statement, atomic and durable on its own (PostgreSQL: autocommitted, one round trip). */
  writeOne(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Serialise writers touching the same key within a transaction (PostgreSQL advisory lock; SQLite writers are serial). */
  lock(q: Query, key: string): Promise<void>;
  /**
   * The whole publication with the request's claims as one atomic call when the backend has it (PostgreSQL: one
   * server-side function, one round trip instead of six): each claim group won by its first key not live, then
   * the lock, duplicate check, revocation of the device's live certificates and insert; the serials revoked.
   * Throws ClaimLostError when a group has no free key and CertificateStoreError ERR_CERTPROV_STORE_DUPLICATE_SERIAL
   * for a serial already published; either way nothing is committed.
   */
  publishCertificate?(row: CertificateRow, now: number, claims: readonly ClaimGroup[]): Promise<string[]>;
  close(): Promise<void>;
}

/** A certificate row as stored (normalised keys beside the names as issued). */
export interface CertificateRow {
  serial: string;
  entity: string;
  entityNorm: string;
  deviceId: string;
  deviceNorm: string;
  der: Uint8Array;
  notBefore: number;
  notAfter: number;
  revokedAt: number | null;
}

/** Schema version 1 (migrations append statements; `ocauth_schema` records the applied version). */
export function schema(blob: 'BLOB' | 'BYTEA'): string[] {
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

const toUser = (r: Row): DirectoryUser => ({
  sipUri: String(r.sip_uri),
  enabled: Number(r.enabled) === 1,
  ...(r.display_name ? { displayName: String(r.display_name) } : {}),
  ...(r.account ? { account: String(r.account) } : {}),
  ...(r.upn ? { upn: String(r.upn) } : {}),
});
const USER_COLUMNS = `u.sip_uri, u.sip_uri_norm, u.enabled, u.display_name, u.pin_hash, u.password_hash, a.account, a.upn, a.nt_hash_sealed`;
const USER_JOIN = `ocauth_users u LEFT JOIN ocauth_user_accounts a ON a.sip_uri_norm = u.sip_uri_norm`;
const toCert = (r: Row): StoredCertificate => ({
  entity: String(r.entity),
  deviceId: String(r.device_id),
  serialNumber: String(r.serial),
  der: new Uint8Array(r.der as Uint8Array),
  notBefore: new Date(Number(r.not_before)),
  notAfter: new Date(Number(r.not_after)),
  ...(r.revoked_at !== null && r.revoked_at !== undefined ? { revokedAt: new Date(Number(r.revoked_at)) } : {}),
});
let dummyHash: Promise<string> | undefined;

const lookupMemo = new AsyncLocalStorage<Map<string, Promise<(Row & { identity: string })[]>>>();
/**
 * Run `fn` (one sign-in attempt) with directory lookups shared: the same names looked up twice within it are
 * read from the store once (the throttle canonicalises the account, then the directory checks its secret).
 */
export function sharedLookups<T>(fn: () => Promise<T>): Promise<T> {
  return lookupMemo.run(new Map(), fn);
}

class SqlUsers implements ServerUserDirectory {
  #credentialKey: Uint8Array | undefined;
  constructor(private readonly db: SqlBackend) {}
  useCredentialKey(key: Uint8Array): void {
    if (key.length !== 32) throw new StoreError('ERR_SERVER_STORE_CONFIG', `credential key: expected 32 bytes, received ${key.length}`);
    this.#credentialKey = new Uint8Array(key);
  }
  async upsertUser(u: UserSeed): Promise<void> {
    checkSeed(u);
    const [pin, pw] = await Promise.all([u.pin === undefined ? null : hashSecret(u.pin), u.password === undefined ? null : hashSecret(u.password)]);
    const key = normSip(u.sipUri);
    // The NT hash exists only sealed; it is made when the password is set (and only with a credential key).
    const nt = u.password !== undefined && this.#credentialKey ? sealSecret(this.#credentialKey, ntHash(u.password), key) : null;
    await this.db.write(async (q) => {
      await q(
        `INSERT INTO ocauth_users (sip_uri_norm, sip_uri, enabled, display_name, pin_hash, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sip_uri_norm) DO UPDATE SET sip_uri = excluded.sip_uri, enabled = excluded.enabled, display_name = excluded.display_name, pin_hash = excluded.pin_hash, password_hash = excluded.password_hash`,
        [key, u.sipUri, u.enabled === false ? 0 : 1, u.displayName ?? null, pin, pw],
      );
      await q(
        `INSERT INTO ocauth_user_accounts (sip_uri_norm, account, upn, nt_hash_sealed) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sip_uri_norm) DO UPDATE SET account = excluded.account, upn = excluded.upn, nt_hash_sealed = excluded.nt_hash_sealed`,
        [key, u.account ?? null, u.upn ?? null, nt],
      );
      await q(`DELETE FROM ocauth_identities WHERE sip_uri_norm = $1`, [key]);
      for (const i of identitiesOf(u))
        await q(
          `INSERT INTO ocauth_identities (identity, sip_uri_norm) VALUES ($1, $2) ON CONFLICT (identity) DO UPDATE SET sip_uri_norm = excluded.sip_uri_norm`,
          [i, key],
        );
    });
  }
  async setEnabled(sipUri: string, enabled: boolean): Promise<boolean> {
    return this.db.write(
      async (q) => (await q(`UPDATE ocauth_users SET enabled = $1 WHERE sip_uri_norm = $2 RETURNING sip_uri`, [enabled ? 1 : 0, normSip(sipUri)])).length > 0,
    );
  }
  async findUserBySipUri(sipUri: string): Promise<DirectoryUser | null> {
    const rows = await this.db.read((q) => q(`SELECT ${USER_COLUMNS} FROM ${USER_JOIN} WHERE u.sip_uri_norm = $1`, [normSip(sipUri)]));
    return rows[0] ? toUser(rows[0]) : null;
  }
  /** Rows for several names in one query, in the order of `names` (misses skipped). */
  async #byIdentities(names: readonly string[]): Promise<(Row & { identity: string })[]> {
    const keys = [...new Set(names.map((n) => n.toLowerCase()))];
    if (keys.length === 0) return [];
    // Within one sign-in attempt (sharedLookups), the throttle's lookup of the account and the secret
    // check that follows it read the user's row once.
    const memo = lookupMemo.getStore();
    if (!memo) return this.#queryIdentities(keys);
    const k = keys.join('\n');
    let p = memo.get(k);
    if (!p) memo.set(k, (p = this.#queryIdentities(keys)));
    return p;
  }
  async #queryIdentities(keys: string[]): Promise<(Row & { identity: string })[]> {
    const rows = await this.db.read((q) =>
      q(
        `SELECT i.identity, ${USER_COLUMNS} FROM ocauth_identities i JOIN ocauth_users u ON u.sip_uri_norm = i.sip_uri_norm LEFT JOIN ocauth_user_accounts a ON a.sip_uri_norm = u.sip_uri_norm WHERE i.identity IN (${keys.map((_, k) => `$${k + 1}`).join(', ')})`,
        keys,
      ),
    );
    return keys.flatMap((k) => rows.filter((r) => r.identity === k)) as (Row & { identity: string })[];
  }
  async #byIdentity(identity: string): Promise<Row | undefined> {
    return (await this.#byIdentities([identity]))[0];
  }
  async findUserByAccount(account: string): Promise<DirectoryUser | null> {
    const r = await this.#byIdentity(account);
    return r ? toUser(r) : null;
  }
  async findNtlmCredential(names: readonly string[]): Promise<NtlmCredential | null> {
    const r = (await this.#byIdentities(names.slice(0, 4)))[0];
    if (!r) return null;
    const nt = this.#credentialKey ? openSecret(this.#credentialKey, r.nt_hash_sealed as string | null, String(r.sip_uri_norm)) : null;
    return { user: toUser(r), ntHash: nt };
  }
  async #check(row: Row | undefined, secret: string, column: 'pin_hash' | 'password_hash'): Promise<boolean> {
    const stored = row?.[column] as string | null | undefined;
    if (!row || !stored) {
      await verifySecret(secret, await (dummyHash ??= hashSecret('ocauth-dummy'))); // a miss costs as much as a wrong secret
      return false;
    }
    return verifySecret(secret, stored);
  }
  async verifyPin(identity: string, pin: string): Promise<DirectoryUser | null> {
    const r = await this.#byIdentity(identity);
    return (await this.#check(r, pin, 'pin_hash')) ? toUser(r!) : null;
  }
  async verifyPassword(username: string, password: string, alternatives: readonly PasswordCandidate[] = []): Promise<DirectoryUser | null> {
    // One attempt, every reading checked in order (no early exit: the time does not tell which reading named a user).
    const readings = [{ username, password }, ...alternatives].slice(0, MAX_PASSWORD_CANDIDATES);
    const rows = await this.#byIdentities(readings.map((c) => c.username));
    let found: DirectoryUser | null = null;
    for (const c of readings) {
      const r = rows.find((x) => x.identity === c.username.toLowerCase());
      if ((await this.#check(r, c.password, 'password_hash')) && !found) found = toUser(r!);
    }
    return found;
  }
}

/** One claim a publication records: the first of `keys` not live now is recorded until `expiresAt`. */
export interface ClaimGroup {
  keys: readonly string[];
  expiresAt: number;
}

/** A claim group had no free key when its publication committed (a concurrent request won it): nothing was published. */
export class ClaimLostError extends ServerError {
  declare readonly code: 'ERR_SERVER_CLAIM_LOST';
  /** @throws never */
  constructor(readonly group: ClaimGroup) {
    super('ERR_SERVER_CLAIM_LOST', `claim: expected one of ${group.keys.length} key(s) free, received all live (a concurrent request claimed first)`);
    this.name = 'ClaimLostError';
  }
}

/** Within a transaction: win the group's first free key (CLAIM_UPSERT: inserts, or takes over an expired row). */
async function claimIn(q: Query, g: ClaimGroup, now: number): Promise<boolean> {
  for (const key of g.keys) if ((await q(CLAIM_UPSERT, [key, g.expiresAt, now])).length > 0) return true;
  return false;
}

class SqlCertificates {
  constructor(private readonly db: SqlBackend) {}
  // MS-OCAUTHWS 3.1.4.1: the certificate is published before the response is sent; a new certificate
  // for the same user and DeviceId supersedes the previous one — one transaction, durable on return.
  async publish(cert: StoredCertificate, now: Date): Promise<{ revoked: string[] }> {
    return this.#publish(cert, now, []);
  }
  /**
   * Publish and record the request's claims (replay key, the ticket's certificate slot) in ONE transaction:
   * one durable commit per certificate instead of three (issue 20 item 4). Each group is won by its first
   * alternative that is not live (the same atomic upsert as claimOnce); a group with none free throws
   * ClaimLostError and nothing is committed — neither the claims nor the certificate.
   */
  async publishClaiming(cert: StoredCertificate, now: Date, claims: readonly ClaimGroup[]): Promise<{ revoked: string[] }> {
    return this.#publish(cert, now, claims);
  }
  async #publish(cert: StoredCertificate, now: Date, claims: readonly ClaimGroup[]): Promise<{ revoked: string[] }> {
    const serial = cert.serialNumber.toUpperCase();
    const entity = normEntity(cert.entity);
    const device = cert.deviceId.toUpperCase();
    try {
      const row: CertificateRow = {
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
      if (this.db.publishCertificate) return { revoked: await this.db.publishCertificate(row, now.getTime(), claims) };
      return await this.db.write(async (q) => {
        for (const g of claims) if (!(await claimIn(q, g, now.getTime()))) throw new ClaimLostError(g);
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
        await q(
          `INSERT INTO ocauth_certificates (serial, entity, entity_norm, device_id, device_norm, der, not_before, not_after, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [row.serial, row.entity, row.entityNorm, row.deviceId, row.deviceNorm, row.der, row.notBefore, row.notAfter, row.revokedAt],
        );
        return { revoked: prev.map((r) => String(r.serial)) };
      });
    } catch (e) {
      if (e instanceof CertificateStoreError || e instanceof ClaimLostError) throw e;
      throw new CertificateStoreError(
        'ERR_CERTPROV_STORE_UNAVAILABLE',
        `certificate store (${this.db.kind}): expected to commit the publication, received ${(e as Error).message}`,
      );
    }
  }
  async findBySerial(serialNumber: string): Promise<StoredCertificate | undefined> {
    const rows = await this.db.read((q) => q(`SELECT * FROM ocauth_certificates WHERE serial = $1`, [serialNumber.toUpperCase()]));
    return rows[0] ? toCert(rows[0]) : undefined;
  }
  async listForEntity(entity: string): Promise<StoredCertificate[]> {
    return (await this.db.read((q) => q(`SELECT * FROM ocauth_certificates WHERE entity_norm = $1 ORDER BY not_before, serial`, [normEntity(entity)]))).map(
      toCert,
    );
  }
  async revoke(serialNumber: string, at: Date): Promise<boolean> {
    return this.db.write(
      async (q) =>
        (
          await q(`UPDATE ocauth_certificates SET revoked_at = $1 WHERE serial = $2 AND revoked_at IS NULL RETURNING serial`, [
            at.getTime(),
            serialNumber.toUpperCase(),
          ])
        ).length > 0,
    );
  }
  async count(): Promise<number> {
    return Number((await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_certificates`)))[0]?.n ?? 0);
  }
}

class SqlSessions implements AuthBrokerSessionStore {
  constructor(private readonly db: SqlBackend) {}
  async get(id: string): Promise<AuthBrokerSessionRecord | undefined> {
    const rows = await this.db.read((q) => q(`SELECT record FROM ocauth_sessions WHERE id = $1`, [id]));
    return rows[0] ? (JSON.parse(String(rows[0].record)) as AuthBrokerSessionRecord) : undefined;
  }
  async set(r: AuthBrokerSessionRecord): Promise<void> {
    await this.db.write((q) =>
      q(
        `INSERT INTO ocauth_sessions (id, sip_uri, last_activity, record) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET sip_uri = excluded.sip_uri, last_activity = excluded.last_activity, record = excluded.record`,
        [r.id, r.sipUri, r.lastActivity, JSON.stringify(r)],
      ),
    );
  }
  async delete(id: string): Promise<void> {
    await this.db.write((q) => q(`DELETE FROM ocauth_sessions WHERE id = $1`, [id]));
  }
  async sweep(idleBefore: number): Promise<string[]> {
    return this.db.write(async (q) => (await q(`DELETE FROM ocauth_sessions WHERE last_activity < $1 RETURNING id`, [idleBefore])).map((r) => String(r.id)));
  }
  async size(): Promise<number> {
    return Number((await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_sessions`)))[0]?.n ?? 0);
  }
  async countForUser(sipUri: string): Promise<number> {
    return Number((await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_sessions WHERE sip_uri = $1`, [sipUri])))[0]?.n ?? 0);
  }
}

export function sqlStore(db: SqlBackend): ServerStore {
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
