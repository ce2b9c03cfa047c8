// PostgreSQL via pg: the scale-out store. Several server processes share it: every write is a real
// transaction, publications for one user device are serialised by an advisory lock, and the schema is
// migrated on start under an advisory lock so servers starting together create it once.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { CertificateStoreError } from '@ocauth/certprov';
import { ClaimLostError, schema, SCHEMA_VERSION, sqlStore, type CertificateRow, type ClaimGroup, type Query, type SqlBackend } from './sql.js';
import { StoreError, type ServerStore } from './types.js';
import { securitySchema } from './security-tables.js';

// MS-OCAUTHWS 3.1.4.1: publish = store the certificate and revoke the device's previous ones, atomically.
// One server-side function, called as one autocommitted statement: the same steps as the SQLite path
// (advisory lock on the user's device, duplicate-serial check, revocation, insert) in one round trip
// instead of six (BEGIN, lock, two SELECTs, INSERT, COMMIT). Each statement of a (volatile) PL/pgSQL
// function takes a fresh snapshot, so after the lock the UPDATE sees a publication committed meanwhile
// for the same device, exactly as the transaction it replaces did. The lock key is the one the
// transaction used (hashtext('<entity>|<device>')), so servers of both versions sharing a database
// serialise against each other.
const PUBLISH_FUNCTION = `CREATE OR REPLACE FUNCTION ocauth_publish_certificate_v1(p_serial TEXT, p_entity TEXT, p_entity_norm TEXT, p_device_id TEXT, p_device_norm TEXT, p_der BYTEA, p_not_before BIGINT, p_not_after BIGINT, p_revoked_at BIGINT, p_now BIGINT)
RETURNS TABLE (revoked_serial TEXT) LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(p_entity_norm || '|' || p_device_norm));
  IF EXISTS (SELECT 1 FROM ocauth_certificates c WHERE c.serial = p_serial) THEN
    RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = 'ocauth_certificates: duplicate serial';
  END IF;
  RETURN QUERY UPDATE ocauth_certificates c SET revoked_at = p_now WHERE c.entity_norm = p_entity_norm AND c.device_norm = p_device_norm AND c.revoked_at IS NULL RETURNING c.serial;
  INSERT INTO ocauth_certificates (serial, entity, entity_norm, device_id, device_norm, der, not_before, not_after, revoked_at)
    VALUES (p_serial, p_entity, p_entity_norm, p_device_id, p_device_norm, p_der, p_not_before, p_not_after, p_revoked_at);
END
$fn$`;

// Issue 20: a publication that records the request's claims (replay key, one of the ticket's certificate
// slots) is one autocommitted call too: each group is won by its first key not live (the CLAIM_UPSERT of
// security-tables, inlined), then the publication above. A group with no free key raises SQLSTATE OCCL1
// with the group's index as DETAIL and, the statement being its own transaction, nothing is committed:
// neither the claims won before it nor the certificate. One round trip instead of five (BEGIN, two
// claims, the publication, COMMIT) and no pooled connection held across them.
const PUBLISH_CLAIMING_FUNCTION = `CREATE OR REPLACE FUNCTION ocauth_publish_claiming_v1(p_serial TEXT, p_entity TEXT, p_entity_norm TEXT, p_device_id TEXT, p_device_norm TEXT, p_der BYTEA, p_not_before BIGINT, p_not_after BIGINT, p_revoked_at BIGINT, p_now BIGINT, p_keys TEXT[], p_groups INT[], p_expires BIGINT[])
RETURNS TABLE (revoked_serial TEXT) LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  n INT := coalesce(array_length(p_keys, 1), 0);
  i INT := 1;
  g INT;
  won BOOLEAN;
BEGIN
  WHILE i <= n LOOP
    g := p_groups[i];
    won := false;
    WHILE i <= n AND p_groups[i] = g LOOP
      IF NOT won THEN
        INSERT INTO ocauth_replay_cache AS r (key, expires_at) VALUES (p_keys[i], p_expires[i])
          ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE r.expires_at < p_now;
        won := FOUND;
      END IF;
      i := i + 1;
    END LOOP;
    IF NOT won THEN
      RAISE EXCEPTION USING ERRCODE = 'OCCL1', MESSAGE = 'ocauth claim lost', DETAIL = g::text;
    END IF;
  END LOOP;
  RETURN QUERY SELECT f.revoked_serial FROM ocauth_publish_certificate_v1(p_serial, p_entity, p_entity_norm, p_device_id, p_device_norm, p_der, p_not_before, p_not_after, p_revoked_at, p_now) f;
END
$fn$`;

export async function openPostgresStore(url: string, o: { poolSize?: number; preparedStatements?: boolean } = {}): Promise<ServerStore> {
  const pool = new pg.Pool({ connectionString: url, max: o.poolSize ?? 10 });
  pool.on('error', () => {
    /* an idle client was lost: the next query reconnects */
  });
  // Issue 20: the store's statements are named prepared statements, parsed and planned once per pooled
  // connection instead of at every call (a key lookup: 0.22 → 0.08 ms per round trip on loopback, and the
  // planning happens in the PostgreSQL backend, on the same cores). Only DML is named (DDL cannot be
  // prepared); the set is bounded by the code's statements (IN lists of a bounded length), capped anyway.
  // A schema change made by another server (a column added to a table read with SELECT *) makes
  // PostgreSQL refuse a cached statement for good ("cached plan must not change result type", 0A000): the
  // statement gets a new name (prepared afresh on every connection) and runs again; inside a transaction,
  // which the error aborted, the whole transaction runs again.
  // Behind a pooler in transaction mode (PgBouncer without max_prepared_statements) a statement prepared on one
  // server connection is missing on the next ("prepared statement … does not exist", 26000) or already there
  // (42P05): the store then stops naming statements, for good, and runs the statement (or its transaction)
  // again unnamed. `preparedStatements: false` starts that way.
  let named = o.preparedStatements !== false;
  const names = new Map<string, string>();
  let generation = 0;
  const nameOf = (sql: string): string | undefined => {
    if (!named) return undefined;
    let n = names.get(sql);
    if (n === undefined && names.size < 512 && /^\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql)) {
      n = `ocauth_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}_${generation}`;
      names.set(sql, n);
    }
    return n;
  };
  const STALE_PLAN = '0A000';
  const POOLER = new Set(['26000', '42P05']);
  const codeOf = (e: unknown) => (e as { code?: string })?.code;
  // Errors after which the same statement runs again (it cannot have changed anything: PostgreSQL refused it).
  const isStalePlan = (e: unknown) => codeOf(e) === STALE_PLAN || POOLER.has(codeOf(e) ?? '');
  const renew = (sql: string) => {
    generation++;
    names.delete(sql);
  };
  const exec = async (c: pg.PoolClient | pg.Pool, sql: string, params: unknown[]) => {
    const name = nameOf(sql);
    try {
      return (await (name === undefined ? c.query(sql, params) : c.query({ name, text: sql, values: params }))).rows as Record<string, unknown>[];
    } catch (e) {
      if (name !== undefined && codeOf(e) === STALE_PLAN) renew(sql);
      if (name !== undefined && POOLER.has(codeOf(e) ?? '')) named = false;
      throw e;
    }
  };
  const run =
    (c: pg.PoolClient | pg.Pool): Query =>
    async (sql, params = []) => {
      try {
        return await exec(c, sql, params);
      } catch (e) {
        if (c !== pool || !isStalePlan(e)) throw e;
        return exec(c, sql, params); // autocommitted: nothing to undo, run it again under its new name
      }
    };
  const tx = async <T>(fn: (q: Query) => Promise<T>): Promise<T> => {
    try {
      return await txOnce(fn);
    } catch (e) {
      if (!isStalePlan(e)) throw e;
      return txOnce(fn); // rolled back; the stale statement has its new name now
    }
  };
  const txOnce = async <T>(fn: (q: Query) => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      try {
        const r = await fn(run(c));
        await c.query('COMMIT');
        return r;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      }
    } finally {
      c.release();
    }
  };
  try {
    await tx(async (q) => {
      await q('SELECT pg_advisory_xact_lock(7268531)');
      for (const s of schema('BYTEA')) await q(s);
      for (const s of securitySchema()) await q(s);
      await q(PUBLISH_FUNCTION);
      await q(PUBLISH_CLAIMING_FUNCTION);
      const v = (await q('SELECT MAX(version) AS v FROM ocauth_schema'))[0]?.v;
      if (v === null || v === undefined) await q('INSERT INTO ocauth_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
      else if (Number(v) > SCHEMA_VERSION) throw new Error(`schema version ${v} is newer than this server's ${SCHEMA_VERSION}`);
    });
  } catch (e) {
    await pool.end().catch(() => {});
    throw new StoreError(
      'ERR_SERVER_STORE_OPEN',
      `PostgreSQL store: expected a reachable database with a compatible schema, received ${(e as Error).message}`,
      { cause: e },
    );
  }
  /**
   * One call of ocauth_publish_claiming_v1: the certificate's columns, then the claims flattened into keys, group
   * indexes and expiries (empty arrays for a publication without claims); the serials revoked.
   */
  const publishCertificate = async (r: CertificateRow, now: number, claims: readonly ClaimGroup[]): Promise<string[]> => {
    const der = Buffer.from(r.der.buffer, r.der.byteOffset, r.der.byteLength);
    const keys = claims.flatMap((g) => g.keys);
    const groups = claims.flatMap((g, gi) => g.keys.map(() => gi));
    const expires = claims.flatMap((g) => g.keys.map(() => g.expiresAt));
    try {
      const rows = await run(pool)(
        'SELECT revoked_serial FROM ocauth_publish_claiming_v1($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12::int[], $13::bigint[])',
        [r.serial, r.entity, r.entityNorm, r.deviceId, r.deviceNorm, der, r.notBefore, r.notAfter, r.revokedAt, now, keys, groups, expires],
      );
      return rows.map((x) => String(x.revoked_serial));
    } catch (e) {
      const err = e as { code?: string; detail?: string };
      // OCCL1: a claim group had no free key (the function raised; nothing was committed).
      const lost = err?.code === 'OCCL1' ? claims[Number(err.detail)] : undefined;
      if (lost) throw new ClaimLostError(lost);
      // 23505: the function's duplicate check, or the primary key when two publications of one serial raced.
      if (err?.code === '23505')
        throw new CertificateStoreError('ERR_CERTPROV_STORE_DUPLICATE_SERIAL', `serialNumber: expected a serial not yet published, received ${r.serial}`);
      throw e;
    }
  };
  let closed: Promise<void> | undefined;
  const backend: SqlBackend = {
    kind: 'postgres',
    read: (fn) => fn(run(pool)),
    write: tx,
    writeOne: (sql, params) => run(pool)(sql, params),
    publishCertificate,
    lock: async (q, key) => {
      await q('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
    },
    close: () => (closed ??= pool.end()),
  };
  return sqlStore(backend);
}
