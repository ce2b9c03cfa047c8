// The SQL implementation shared by the SQLite (better-sqlite3) and PostgreSQL (pg) stores: users with hashed
// PIN/password and their identities, issued certificates with revocations, broker session records.
// Every write is one transaction; publish (store + revoke the device's previous certificates) is atomic.
import type { DirectoryUser } from '@ocauth/wstrust';
import { CertificateStoreError, type StoredCertificate } from '@ocauth/certprov';
import type { AuthBrokerSessionRecord, AuthBrokerSessionStore } from '@ocauth/authbroker';
import { hashSecret, verifySecret } from '../secrets.js';
import { SqlSecurityStore } from './security-tables.js';
import { checkSeed, identitiesOf, normEntity, normSip, StoreError, type ServerStore, type ServerUserDirectory, type UserSeed } from './types.js';

export type Row = Record<string, unknown>;
/** One statement with $1, $2 … placeholders, inside the current unit of work. */
export type Query = (sql: string, params?: unknown[]) => Promise<Row[]>;

export interface SqlBackend {
  readonly kind: 'sqlite' | 'postgres';
  read<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** A transaction: committed (and durable) when fn resolves, rolled back when it throws. */
  write<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** Serialise writers touching the same key within a transaction (PostgreSQL advisory lock; SQLite writers are serial). */
  lock(q: Query, key: string): Promise<void>;
  close(): Promise<void>;
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
  ];
}
export const SCHEMA_VERSION = 1;

const toUser = (r: Row): DirectoryUser => ({ sipUri: String(r.sip_uri), enabled: Number(r.enabled) === 1, ...(r.display_name ? { displayName: String(r.display_name) } : {}) });
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

class SqlUsers implements ServerUserDirectory {
  constructor(private readonly db: SqlBackend) {}
  async upsertUser(u: UserSeed): Promise<void> {
    checkSeed(u);
    const [pin, pw] = await Promise.all([u.pin === undefined ? null : hashSecret(u.pin), u.password === undefined ? null : hashSecret(u.password)]);
    const key = normSip(u.sipUri);
    await this.db.write(async (q) => {
      await q(
        `INSERT INTO ocauth_users (sip_uri_norm, sip_uri, enabled, display_name, pin_hash, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sip_uri_norm) DO UPDATE SET sip_uri = excluded.sip_uri, enabled = excluded.enabled, display_name = excluded.display_name, pin_hash = excluded.pin_hash, password_hash = excluded.password_hash`,
        [key, u.sipUri, u.enabled === false ? 0 : 1, u.displayName ?? null, pin, pw],
      );
      await q(`DELETE FROM ocauth_identities WHERE sip_uri_norm = $1`, [key]);
      for (const i of identitiesOf(u)) await q(`INSERT INTO ocauth_identities (identity, sip_uri_norm) VALUES ($1, $2) ON CONFLICT (identity) DO UPDATE SET sip_uri_norm = excluded.sip_uri_norm`, [i, key]);
    });
  }
  async setEnabled(sipUri: string, enabled: boolean): Promise<boolean> {
    return this.db.write(async (q) => (await q(`UPDATE ocauth_users SET enabled = $1 WHERE sip_uri_norm = $2 RETURNING sip_uri`, [enabled ? 1 : 0, normSip(sipUri)])).length > 0);
  }
  async findUserBySipUri(sipUri: string): Promise<DirectoryUser | null> {
    const rows = await this.db.read((q) => q(`SELECT sip_uri, enabled, display_name FROM ocauth_users WHERE sip_uri_norm = $1`, [normSip(sipUri)]));
    return rows[0] ? toUser(rows[0]) : null;
  }
  #byIdentity(identity: string): Promise<Row | undefined> {
    return this.db
      .read((q) => q(`SELECT u.sip_uri, u.enabled, u.display_name, u.pin_hash, u.password_hash FROM ocauth_identities i JOIN ocauth_users u ON u.sip_uri_norm = i.sip_uri_norm WHERE i.identity = $1`, [identity.toLowerCase()]))
      .then((r) => r[0]);
  }
  async findUserByAccount(account: string): Promise<DirectoryUser | null> {
    const r = await this.#byIdentity(account);
    return r ? toUser(r) : null;
  }
  async #verify(identity: string, secret: string, column: 'pin_hash' | 'password_hash'): Promise<DirectoryUser | null> {
    const r = await this.#byIdentity(identity);
    const stored = r?.[column] as string | null | undefined;
    if (!r || !stored) {
      await verifySecret(secret, await (dummyHash ??= hashSecret('ocauth-dummy'))); // a miss costs as much as a wrong secret
      return null;
    }
    return (await verifySecret(secret, stored)) ? toUser(r) : null;
  }
  verifyPin(identity: string, pin: string) {
    return this.#verify(identity, pin, 'pin_hash');
  }
  verifyPassword(username: string, password: string) {
    return this.#verify(username, password, 'password_hash');
  }
}

class SqlCertificates {
  constructor(private readonly db: SqlBackend) {}
  // MS-OCAUTHWS 3.1.4.1: the certificate is published before the response is sent; a new certificate
  // for the same user and DeviceId supersedes the previous one — one transaction, durable on return.
  async publish(cert: StoredCertificate, now: Date): Promise<{ revoked: string[] }> {
    const serial = cert.serialNumber.toUpperCase();
    const entity = normEntity(cert.entity);
    const device = cert.deviceId.toUpperCase();
    try {
      return await this.db.write(async (q) => {
        await this.db.lock(q, `${entity}|${device}`);
        if ((await q(`SELECT 1 FROM ocauth_certificates WHERE serial = $1`, [serial])).length)
          throw new CertificateStoreError('ERR_CERTPROV_STORE_DUPLICATE_SERIAL', `serialNumber: expected a serial not yet published, received ${serial}`);
        const prev = await q(`SELECT serial FROM ocauth_certificates WHERE entity_norm = $1 AND device_norm = $2 AND revoked_at IS NULL`, [entity, device]);
        if (prev.length) await q(`UPDATE ocauth_certificates SET revoked_at = $1 WHERE entity_norm = $2 AND device_norm = $3 AND revoked_at IS NULL`, [now.getTime(), entity, device]);
        await q(`INSERT INTO ocauth_certificates (serial, entity, entity_norm, device_id, device_norm, der, not_before, not_after, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
          serial, cert.entity, entity, cert.deviceId, device, cert.der, cert.notBefore.getTime(), cert.notAfter.getTime(), cert.revokedAt ? cert.revokedAt.getTime() : null,
        ]);
        return { revoked: prev.map((r) => String(r.serial)) };
      });
    } catch (e) {
      if (e instanceof CertificateStoreError) throw e;
      throw new CertificateStoreError('ERR_CERTPROV_STORE_UNAVAILABLE', `certificate store (${this.db.kind}): expected to commit the publication, received ${(e as Error).message}`);
    }
  }
  async findBySerial(serialNumber: string): Promise<StoredCertificate | undefined> {
    const rows = await this.db.read((q) => q(`SELECT * FROM ocauth_certificates WHERE serial = $1`, [serialNumber.toUpperCase()]));
    return rows[0] ? toCert(rows[0]) : undefined;
  }
  async listForEntity(entity: string): Promise<StoredCertificate[]> {
    return (await this.db.read((q) => q(`SELECT * FROM ocauth_certificates WHERE entity_norm = $1 ORDER BY not_before, serial`, [normEntity(entity)]))).map(toCert);
  }
  async revoke(serialNumber: string, at: Date): Promise<boolean> {
    return this.db.write(async (q) => (await q(`UPDATE ocauth_certificates SET revoked_at = $1 WHERE serial = $2 AND revoked_at IS NULL RETURNING serial`, [at.getTime(), serialNumber.toUpperCase()])).length > 0);
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
      q(`INSERT INTO ocauth_sessions (id, sip_uri, last_activity, record) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET sip_uri = excluded.sip_uri, last_activity = excluded.last_activity, record = excluded.record`, [
        r.id, r.sipUri, r.lastActivity, JSON.stringify(r),
      ]),
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
  return { kind: db.kind, users: new SqlUsers(db), certificates: new SqlCertificates(db), sessions: new SqlSessions(db), security: new SqlSecurityStore(db), close: () => db.close() };
}

export { StoreError };
