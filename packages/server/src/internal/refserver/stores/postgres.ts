// PostgreSQL via pg: the scale-out store. Several server processes share it (each transaction is a
// real database transaction; publishing for one user device is serialised by an advisory lock).
import pg from 'pg';
import { schema, sqlStore, type Query, type SqlBackend } from './sql-store.js';
import { ServerStoreError, type ServerStore } from './types.js';

export async function openPostgresStore(url: string, o: { poolSize?: number } = {}): Promise<ServerStore> {
  const pool = new pg.Pool({ connectionString: url, max: o.poolSize ?? 10 });
  pool.on('error', () => { /* idle client lost: the next query reconnects */ });
  const run = (c: pg.PoolClient | pg.Pool): Query => async (sql, params = []) => {
    const r = await c.query(sql, params);
    return { rows: r.rows as Record<string, unknown>[], count: r.rowCount ?? 0 };
  };
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
      await q('SELECT pg_advisory_xact_lock(7268531)'); // servers starting together create the schema once
      for (const s of schema('BYTEA')) await q(s);
    });
  } catch (e) {
    await pool.end().catch(() => {});
    throw new ServerStoreError('ERR_SERVER_STORE_OPEN', `PostgreSQL store: expected a reachable database, received ${(e as Error).message}`, { cause: e });
  }
  const backend: SqlBackend = {
    kind: 'postgres',
    read: (fn) => fn(run(pool)),
    write: tx,
    lock: async (q, key) => { await q('SELECT pg_advisory_xact_lock(hashtext($1))', [key]); },
    close: () => pool.end(),
  };
  return sqlStore(backend);
}
