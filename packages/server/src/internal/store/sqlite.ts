// SQLite via sql.js (WebAssembly, no native build). The database lives in memory and is written to its
// file after committed transactions with an atomic replace (temp file + fsync + rename + directory
// fsync); a write resolves only once a file image containing its commit is on disk, so a publish that
// returned survives a crash (even kill -9). Group commit: transactions committed while a file image is
// being written share the next one, and the fsync runs off the event loop.
// One process owns the file; use PostgreSQL to scale out.
import { existsSync, readFileSync } from 'node:fs';
import initSqlJs, { type Database } from 'sql.js';
import { atomicWriteFile, atomicWriteFileSync } from '../atomic-file.js';
import { schema, SCHEMA_VERSION, sqlStore, type Query, type SqlBackend } from './sql.js';
import { StoreError, type ServerStore } from './types.js';

let sqlJs: ReturnType<typeof initSqlJs> | undefined;

function runner(db: Database): Query {
  return async (sql, params = []) => {
    const stmt = db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
    try {
      stmt.bind(params.map((p) => (p instanceof Uint8Array ? new Uint8Array(p) : p)) as never);
      const rows: Record<string, unknown>[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject() as Record<string, unknown>);
      return rows;
    } finally {
      stmt.free();
    }
  };
}

export async function openSqliteStore(path: string): Promise<ServerStore> {
  const SQL = await (sqlJs ??= initSqlJs());
  let db: Database;
  try {
    db = existsSync(path) ? new SQL.Database(readFileSync(path)) : new SQL.Database();
    for (const s of schema('BLOB')) db.exec(s);
    const v = db.exec('SELECT MAX(version) FROM ocauth_schema')[0]?.values[0]?.[0];
    if (v === null || v === undefined) db.exec(`INSERT INTO ocauth_schema (version) VALUES (${SCHEMA_VERSION})`);
    else if (Number(v) > SCHEMA_VERSION) throw new Error(`schema version ${v} is newer than this server's ${SCHEMA_VERSION}`);
  } catch (e) {
    throw new StoreError('ERR_SERVER_STORE_OPEN', `SQLite store ${path}: expected a readable ocauth SQLite database, received ${(e as Error).message}`, { cause: e });
  }
  // The last image known to be on disk: if persisting fails, the in-memory database goes back to it,
  // so a write reported as failed is never visible afterwards.
  let lastDurable = db.export();
  atomicWriteFileSync(path, lastDurable, 0o600);
  let generation = 0;
  const q: Query = (sql, params) => runner(db)(sql, params);
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  // sql.js is synchronous and single-connection: units of work run one after the other.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(() => {
      if (closed) throw new StoreError('ERR_SERVER_STORE_CLOSED', 'SQLite store: expected an open store, received a call after close()');
      return fn();
    });
    chain = p.catch(() => undefined);
    return p;
  };
  // Group commit: callers wait for a file image taken after their COMMIT.
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (waiters.length) {
      const batch = waiters;
      waiters = [];
      try {
        const image = await serial(async () => db.export()); // between transactions, never inside one
        await atomicWriteFile(path, image, 0o600);
        lastDurable = image;
        for (const w of batch) w.resolve();
      } catch (e) {
        const err = new StoreError('ERR_SERVER_STORE_WRITE', `SQLite store ${path}: expected to persist the transaction, received ${(e as Error).message}`, { cause: e });
        // Roll the database back to the last durable image; every commit since is void (generation check).
        await serial(async () => {
          try {
            db.close();
          } catch {
            /* already closed */
          }
          db = new SQL.Database(lastDurable);
          generation++;
        }).catch(() => {});
        for (const w of batch) w.reject(err);
      }
    }
    flushing = false;
  };
  const durable = () =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ resolve, reject });
      if (!flushing) void flush();
    });
  const backend: SqlBackend = {
    kind: 'sqlite',
    read: (fn) => serial(() => fn(q)),
    write: (fn) =>
      serial(async () => {
        db.exec('BEGIN IMMEDIATE');
        const gen = generation;
        let result;
        try {
          result = await fn(q);
          db.exec('COMMIT');
        } catch (e) {
          try {
            db.exec('ROLLBACK');
          } catch {
            /* no transaction left */
          }
          throw e;
        }
        return { result, gen };
      }).then(async ({ result, gen }) => {
        await durable();
        if (gen !== generation) throw new StoreError('ERR_SERVER_STORE_WRITE', `SQLite store ${path}: expected to persist the transaction, received a failed write of the database file (rolled back)`);
        return result;
      }),
    lock: async () => {},
    close: async () => {
      if (closed) return; // idempotent
      if (flushing || waiters.length) await durable().catch(() => {});
      return serial(async () => {
        closed = true;
        db.close();
      });
    },
  };
  return sqlStore(backend);
}
