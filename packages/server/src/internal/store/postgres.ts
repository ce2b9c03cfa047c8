// PostgreSQL via pg: the scale-out store. Several server processes share it: every write is a real
// transaction, publications for one user device are serialised by an advisory lock, and the schema is
// migrated on start under an advisory lock so servers starting together create it once.
import pg from 'pg';
import { schema, SCHEMA_VERSION, sqlStore, type Query, type SqlBackend } from './sql.js';
import { StoreError, type ServerStore } from './types.js';
import { securitySchema } from './security-tables.js';

export async function openPostgresStore(url: string, o: { poolSize?: number } = {}): Promise<ServerStore> {
  const pool = new pg.Pool({ connectionString: url, max: o.poolSize ?? 10 });
  pool.on('error', () => {
    /* an idle client was lost: the next query reconnects */
  });
  const run =
    (c: pg.PoolClient | pg.Pool): Query =>
    async (sql, params = []) =>
      (await c.query(sql, params)).rows as Record<string, unknown>[];
  const tx = async <T>(fn: (q: Query) => Promise<T>): Promise<T> => {
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
      const v = (await q('SELECT MAX(version) AS v FROM ocauth_schema'))[0]?.v;
      if (v === null || v === undefined) await q('INSERT INTO ocauth_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
      else if (Number(v) > SCHEMA_VERSION) throw new Error(`schema version ${v} is newer than this server's ${SCHEMA_VERSION}`);
    });
  } catch (e) {
    await pool.end().catch(() => {});
    throw new StoreError('ERR_SERVER_STORE_OPEN', `PostgreSQL store: expected a reachable database with a compatible schema, received ${(e as Error).message}`, { cause: e });
  }
  let closed: Promise<void> | undefined;
  const backend: SqlBackend = {
    kind: 'postgres',
    read: (fn) => fn(run(pool)),
    write: tx,
    lock: async (q, key) => {
      await q('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
    },
    close: () => (closed ??= pool.end()),
  };
  return sqlStore(backend);
}
