// SQLite via sql.js (WebAssembly, no native build): the database lives in memory and is persisted to
// its file after every committed transaction with an atomic replace (temp file + fsync + rename), so
// a crash (even kill -9) loses no acknowledged write. One process owns the file (use PostgreSQL to
// scale out).
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import initSqlJs, { type Database } from 'sql.js';
import { writeFileAtomic } from '../atomic-file.js';
import { schema, sqlStore, type Query, type SqlBackend } from './sql-store.js';
import { ServerStoreError, type ServerStore } from './types.js';

let sqlJs: ReturnType<typeof initSqlJs> | undefined;

function runner(db: Database): Query {
  return async (sql, params = []) => {
    const stmt = db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
    try {
      stmt.bind(params.map((p) => (p instanceof Uint8Array ? new Uint8Array(p) : p)) as never);
      const rows: Record<string, unknown>[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject() as Record<string, unknown>);
      return { rows, count: db.getRowsModified() };
    } finally {
      stmt.free();
    }
  };
}

/**
 * One process owns the file: a second process writing its own in-memory copy would overwrite the
 * first one's transactions. `<file>.lock` holds the owner's pid; a lock whose process is gone (crash,
 * kill -9) is taken over.
 */
function acquireLock(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => { try { unlinkSync(lock); } catch { /* already gone */ } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      let alive = Number.isInteger(pid) && pid > 0;
      if (alive) {
        try { process.kill(pid, 0); } catch (k) { alive = (k as NodeJS.ErrnoException).code === 'EPERM'; }
      }
      if (alive) throw new ServerStoreError('ERR_SERVER_STORE_LOCKED', `SQLite store ${path}: expected no other process using it, received a lock held by pid ${pid} (use PostgreSQL for several servers)`);
      try { unlinkSync(lock); } catch { /* raced with another taker */ }
    }
  }
  throw new ServerStoreError('ERR_SERVER_STORE_LOCKED', `SQLite store ${path}: expected to take the lock ${lock}, received a concurrent taker`);
}

export async function openSqliteStore(path: string): Promise<ServerStore> {
  const SQL = await (sqlJs ??= initSqlJs());
  const release = acquireLock(path);
  let db: Database;
  try {
    db = existsSync(path) ? new SQL.Database(readFileSync(path)) : new SQL.Database();
    db.exec('PRAGMA foreign_keys = ON');
    for (const s of schema('BLOB')) db.exec(s);
  } catch (e) {
    release();
    throw new ServerStoreError('ERR_SERVER_STORE_OPEN', `SQLite store ${path}: expected a readable SQLite database, received ${(e as Error).message}`, { cause: e });
  }
  const persist = () => writeFileAtomic(path, db.export(), 0o600);
  try {
    persist();
  } catch (e) {
    db.close();
    release();
    throw new ServerStoreError('ERR_SERVER_STORE_WRITE', `SQLite store ${path}: expected a writable location, received ${(e as Error).message}`, { cause: e });
  }
  const q = runner(db);
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(() => {
      if (closed) throw new ServerStoreError('ERR_SERVER_STORE_CLOSED', 'SQLite store: expected an open store, received a call after close()');
      return fn();
    });
    chain = p.catch(() => undefined);
    return p;
  };
  const backend: SqlBackend = {
    kind: 'sqlite',
    read: (fn) => serial(() => fn(q)),
    write: (fn) => serial(async () => {
      db.exec('BEGIN IMMEDIATE');
      let result;
      try {
        result = await fn(q);
        db.exec('COMMIT');
      } catch (e) {
        try { db.exec('ROLLBACK'); } catch { /* no transaction left */ }
        throw e;
      }
      try {
        persist();
      } catch (e) {
        throw new ServerStoreError('ERR_SERVER_STORE_WRITE', `SQLite store ${path}: expected to persist the transaction, received ${(e as Error).message}`, { cause: e });
      }
      return result;
    }),
    lock: async () => {},
    close: () => serial(async () => { if (closed) return; closed = true; db.close(); release(); }),
  };
  return sqlStore(backend);
}
