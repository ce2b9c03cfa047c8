// SQLite via better-sqlite3 (the real SQLite library, built natively). The database file is opened in
// WAL mode with synchronous=FULL: each transaction appends its pages to the write-ahead log and fsyncs it
// at COMMIT, so a write resolves only once its commit is durable (a publish that returned survives
// kill -9 and power loss), and its cost does not grow with the database (no whole-file rewrite).
// better-sqlite3 is synchronous and this store uses one connection: units of work run one after the
// other (a write's callback may await, so they are chained). One process owns the file; use PostgreSQL
// to scale out.
import Database from 'better-sqlite3';
import { schema, SCHEMA_VERSION, sqlStore } from './sql.js';
import { StoreError } from './types.js';
import { securitySchema } from './security-tables.js';
/** `$1 … $n` placeholders (shared with PostgreSQL) to SQLite's positional `?`, parameters reordered to match. */
function compile(db, cache, sql) {
    let c = cache.get(sql);
    if (!c) {
        const order = [];
        const text = sql.replace(/\$(\d+)/g, (_m, n) => {
            order.push(Number(n) - 1);
            return '?';
        });
        c = { stmt: db.prepare(text), order };
        if (cache.size > 256)
            cache.clear();
        cache.set(sql, c);
    }
    return c;
}
const bindable = (p) => p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : typeof p === 'boolean' ? (p ? 1 : 0) : p;
export async function openSqliteStore(path) {
    let db;
    try {
        db = new Database(path);
        try {
            db.pragma('journal_mode = WAL');
            db.pragma('synchronous = FULL'); // per-transaction durability: the WAL is fsynced at every COMMIT
            db.pragma('busy_timeout = 5000');
            db.pragma('foreign_keys = ON');
            db.transaction(() => {
                for (const s of schema('BLOB'))
                    db.exec(s);
                for (const s of securitySchema())
                    db.exec(s);
                const v = db.prepare('SELECT MAX(version) AS v FROM ocauth_schema').get().v;
                if (v === null || v === undefined)
                    db.prepare('INSERT INTO ocauth_schema (version) VALUES (?)').run(SCHEMA_VERSION);
                else if (Number(v) > SCHEMA_VERSION)
                    throw new Error(`schema version ${v} is newer than this server's ${SCHEMA_VERSION}`);
            }).immediate();
        }
        catch (e) {
            db.close();
            throw e;
        }
    }
    catch (e) {
        throw new StoreError('ERR_SERVER_STORE_OPEN', `SQLite store ${path}: expected a readable ocauth SQLite database, received ${e.message}`, {
            cause: e,
        });
    }
    const cache = new Map();
    const q = async (sql, params = []) => {
        const { stmt, order } = compile(db, cache, sql);
        const args = order.map((i) => bindable(params[i]));
        if (stmt.reader)
            return stmt.all(...args);
        stmt.run(...args);
        return [];
    };
    let chain = Promise.resolve();
    let closed = false;
    const serial = (fn) => {
        const p = chain.then(() => {
            if (closed)
                throw new StoreError('ERR_SERVER_STORE_CLOSED', 'SQLite store: expected an open store, received a call after close()');
            return fn();
        });
        chain = p.catch(() => undefined);
        return p;
    };
    const backend = {
        kind: 'sqlite',
        read: (fn) => serial(() => fn(q)),
        write: (fn) => serial(async () => {
            db.exec('BEGIN IMMEDIATE');
            try {
                const result = await fn(q);
                db.exec('COMMIT'); // durable on return (WAL fsync, synchronous=FULL)
                return result;
            }
            catch (e) {
                if (db.inTransaction) {
                    try {
                        db.exec('ROLLBACK');
                    }
                    catch {
                        /* no transaction left */
                    }
                }
                if (e instanceof StoreError || e?.name === 'CertificateStoreError')
                    throw e;
                if (e?.code?.startsWith('SQLITE_'))
                    throw new StoreError('ERR_SERVER_STORE_WRITE', `SQLite store ${path}: expected to commit the transaction, received ${e.message}`, {
                        cause: e,
                    });
                throw e;
            }
        }),
        // SQLite: a statement outside BEGIN is its own transaction; through write() it keeps the same error model.
        writeOne: (sql, params) => backend.write((q) => q(sql, params)),
        lock: async () => { },
        close: async () => {
            if (closed)
                return; // idempotent
            return serial(async () => {
                closed = true;
                try {
                    db.pragma('wal_checkpoint(TRUNCATE)');
                }
                catch {
                    /* the WAL stays; SQLite replays it on the next open */
                }
                db.close();
            });
        },
    };
    return sqlStore(backend);
}
//# sourceMappingURL=sqlite.js.map