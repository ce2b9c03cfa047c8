// The SQL implementation shared by the SQLite (sql.js) and PostgreSQL (pg) stores: users with hashed
// PIN/password and their identities, issued certificates with revocations, broker session records.
import type { DirectoryUser } from '@ocauth/wstrust';
import { CertificateStoreError, type CertificateStore, type StoredCertificate } from '@ocauth/certprov';
import type { AuthBrokerSessionRecord, AuthBrokerSessionStore } from '@ocauth/authbroker';
import { hashSecret, verifySecret } from '../secrets.js';
import { normEntity, normSip, type SeedUser, type ServerStore, type ServerUserDirectory } from './types.js';

export type Row = Record<string, unknown>;
/** Run one statement ($1, $2 … placeholders) inside the current transaction. */
export type Query = (sql: string, params?: unknown[]) => Promise<{ rows: Row[]; count: number }>;

export interface SqlBackend {
  readonly kind: 'sqlite' | 'postgres';
  /** A read-only unit of work. */
  read<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** A transaction: committed (and made durable) when fn resolves, rolled back when it throws. */
  write<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** Serialise writers that touch the same key (a PostgreSQL advisory lock; SQLite writers are serial). */
  lock(q: Query, key: string): Promise<void>;
  close(): Promise<void>;
}

export function schema(blob: 'BLOB' | 'BYTEA'): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ocauth_users (sip_uri_norm TEXT PRIMARY KEY, sip_uri TEXT NOT NULL, enabled INTEGER NOT NULL, display_name TEXT, pin_hash TEXT, password_hash TEXT)`,
    `CREATE TABLE IF NOT EXISTS ocauth_identities (identity TEXT PRIMARY KEY, sip_uri_norm TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ocauth_certificates (serial TEXT PRIMARY KEY, entity TEXT NOT NULL, entity_norm TEXT NOT NULL, device_id TEXT NOT NULL, device_key TEXT NOT NULL, der ${blob} NOT NULL, not_before BIGINT NOT NULL, not_after BIGINT NOT NULL, revoked_at BIGINT)`,
    `CREATE INDEX IF NOT EXISTS ocauth_certificates_device ON ocauth_certificates (entity_norm, device_key)`,
    `CREATE TABLE IF NOT EXISTS ocauth_sessions (id TEXT PRIMARY KEY, sip_uri TEXT NOT NULL, last_activity BIGINT NOT NULL, record TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ocauth_sessions_user ON ocauth_sessions (sip_uri)`,
  ];
}

const toUser = (r: Row): DirectoryUser => ({ sipUri: String(r.sip_uri), enabled: Number(r.enabled) === 1, ...(r.display_name ? { displayName: String(r.display_name) } : {}) });
const toCert = (r: Row): StoredCertificate => ({
  entity: String(r.entity), deviceId: String(r.device_id), serialNumber: String(r.serial), der: new Uint8Array(r.der as Uint8Array),
  notBefore: new Date(Number(r.not_before)), notAfter: new Date(Number(r.not_after)), ...(r.revoked_at !== null && r.revoked_at !== undefined ? { revokedAt: new Date(Number(r.revoked_at)) } : {}),
});
// Compared against when the identity is unknown, so a miss costs as much as a wrong secret.
let dummyHash: Promise<string> | undefined;

class SqlUsers implements ServerUserDirectory {
  constructor(private readonly db: SqlBackend) {}
  async putUser(u: SeedUser): Promise<void> {
    const [pin, pw] = await Promise.all([u.pin === undefined ? null : hashSecret(u.pin), u.password === undefined ? null : hashSecret(u.password)]);
    const key = normSip(u.sipUri);
    const identities = [...new Set([u.sipUri, u.sipUri.replace(/^sips?:/i, ''), ...(u.phone ?? []), ...(u.accounts ?? [])].map((s) => s.toLowerCase()))];
    await this.db.write(async (q) => {
      await q(`INSERT INTO ocauth_users (sip_uri_norm, sip_uri, enabled, display_name, pin_hash, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (sip_uri_norm) DO UPDATE SET sip_uri = excluded.sip_uri, enabled = excluded.enabled, display_name = excluded.display_name, pin_hash = excluded.pin_hash, password_hash = excluded.password_hash`,
        [key, u.sipUri, u.enabled === false ? 0 : 1, u.displayName ?? null, pin, pw]);
      await q(`DELETE FROM ocauth_identities WHERE sip_uri_norm = $1`, [key]);
      for (const i of identities) await q(`INSERT INTO ocauth_identities (identity, sip_uri_norm) VALUES ($1, $2) ON CONFLICT (identity) DO UPDATE SET sip_uri_norm = excluded.sip_uri_norm`, [i, key]);
    });
  }
  async findUserBySipUri(sipUri: string): Promise<DirectoryUser | null> {
    const { rows } = await this.db.read((q) => q(`SELECT sip_uri, enabled, display_name FROM ocauth_users WHERE sip_uri_norm = $1`, [normSip(sipUri)]));
    return rows[0] ? toUser(rows[0]) : null;
  }
  async #byIdentity(identity: string): Promise<Row | undefined> {
    const { rows } = await this.db.read((q) => q(`SELECT u.sip_uri, u.enabled, u.display_name, u.pin_hash, u.password_hash FROM ocauth_identities i JOIN ocauth_users u ON u.sip_uri_norm = i.sip_uri_norm WHERE i.identity = $1`, [identity.toLowerCase()]));
    return rows[0];
  }
  async findUserByAccount(account: string): Promise<DirectoryUser | null> {
    const r = await this.#byIdentity(account);
    return r ? toUser(r) : null;
  }
  async #verify(identity: string, secret: string, column: 'pin_hash' | 'password_hash'): Promise<DirectoryUser | null> {
    const r = await this.#byIdentity(identity);
    const stored = r?.[column] as string | null | undefined;
    if (!r || !stored) {
      await verifySecret(secret, await (dummyHash ??= hashSecret('ocauth-dummy')));
      return null;
    }
    return (await verifySecret(secret, stored)) ? toUser(r) : null;
  }
  verifyPin(identity: string, pin: string) { return this.#verify(identity, pin, 'pin_hash'); }
  verifyPassword(username: string, password: string) { return this.#verify(username, password, 'password_hash'); }
}

class SqlCertificates implements CertificateStore {
  constructor(private readonly db: SqlBackend) {}
  async publish(cert: StoredCertificate, now: Date): Promise<{ revoked: string[] }> {
    const serial = cert.serialNumber.toUpperCase();
    const entity = normEntity(cert.entity);
    const device = cert.deviceId.toUpperCase();
    return this.db.write(async (q) => {
      await this.db.lock(q, `${entity}|${device}`);
      const dup = await q(`SELECT 1 AS x FROM ocauth_certificates WHERE serial = $1`, [serial]);
      if (dup.rows.length) throw new CertificateStoreError('ERR_CERTPROV_STORE_DUPLICATE_SERIAL', `serialNumber: expected a serial not yet published, received ${serial}`);
      const prev = await q(`SELECT serial FROM ocauth_certificates WHERE entity_norm = $1 AND device_key = $2 AND revoked_at IS NULL`, [entity, device]);
      if (prev.rows.length) await q(`UPDATE ocauth_certificates SET revoked_at = $3 WHERE entity_norm = $1 AND device_key = $2 AND revoked_at IS NULL`, [entity, device, now.getTime()]);
      await q(`INSERT INTO ocauth_certificates (serial, entity, entity_norm, device_id, device_key, der, not_before, not_after, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)`,
        [serial, cert.entity, entity, cert.deviceId, device, Buffer.from(cert.der), cert.notBefore.getTime(), cert.notAfter.getTime()]);
      return { revoked: prev.rows.map((r) => String(r.serial)) };
    });
  }
  async findBySerial(serialNumber: string): Promise<StoredCertificate | undefined> {
    const { rows } = await this.db.read((q) => q(`SELECT * FROM ocauth_certificates WHERE serial = $1`, [serialNumber.toUpperCase()]));
    return rows[0] ? toCert(rows[0]) : undefined;
  }
  async listForEntity(entity: string): Promise<StoredCertificate[]> {
    const { rows } = await this.db.read((q) => q(`SELECT * FROM ocauth_certificates WHERE entity_norm = $1 ORDER BY not_before, serial`, [normEntity(entity)]));
    return rows.map(toCert);
  }
  async revoke(serialNumber: string, at: Date): Promise<boolean> {
    const r = await this.db.write((q) => q(`UPDATE ocauth_certificates SET revoked_at = $2 WHERE serial = $1 AND revoked_at IS NULL`, [serialNumber.toUpperCase(), at.getTime()]));
    return r.count > 0;
  }
}

class SqlSessions implements AuthBrokerSessionStore {
  constructor(private readonly db: SqlBackend) {}
  async get(id: string): Promise<AuthBrokerSessionRecord | undefined> {
    const { rows } = await this.db.read((q) => q(`SELECT record FROM ocauth_sessions WHERE id = $1`, [id]));
    return rows[0] ? (JSON.parse(String(rows[0].record)) as AuthBrokerSessionRecord) : undefined;
  }
  async set(r: AuthBrokerSessionRecord): Promise<void> {
    await this.db.write((q) => q(`INSERT INTO ocauth_sessions (id, sip_uri, last_activity, record) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET sip_uri = excluded.sip_uri, last_activity = excluded.last_activity, record = excluded.record`,
      [r.id, r.sipUri, r.lastActivity, JSON.stringify(r)]));
  }
  async delete(id: string): Promise<void> {
    await this.db.write((q) => q(`DELETE FROM ocauth_sessions WHERE id = $1`, [id]));
  }
  async sweep(idleBefore: number): Promise<string[]> {
    const { rows } = await this.db.write((q) => q(`DELETE FROM ocauth_sessions WHERE last_activity < $1 RETURNING id`, [idleBefore]));
    return rows.map((r) => String(r.id));
  }
  async size(): Promise<number> {
    const { rows } = await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_sessions`));
    return Number(rows[0]?.n ?? 0);
  }
  async countForUser(sipUri: string): Promise<number> {
    const { rows } = await this.db.read((q) => q(`SELECT COUNT(*) AS n FROM ocauth_sessions WHERE sip_uri = $1`, [sipUri]));
    return Number(rows[0]?.n ?? 0);
  }
}

export function sqlStore(db: SqlBackend): ServerStore {
  return { kind: db.kind, users: new SqlUsers(db), certificates: new SqlCertificates(db), sessions: new SqlSessions(db), close: () => db.close() };
}
