// Issue 20: the PostgreSQL store runs its statements as named prepared statements (parsed and planned
// once per connection). A schema change made by another server while this one runs (a column added to a
// table read with SELECT *) invalidates those plans; PostgreSQL then refuses the cached statement
// ("cached plan must not change result type", 0A000) and the store must retry it, not fail the request.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from '@ocauth/server';
import { pgUrlOrSkip } from './support/pg.js';

const pgUrl = pgUrlOrSkip();

describe.skipIf(!pgUrl)('PostgreSQL store: named prepared statements', () => {
  it('preparedStatements: false names no statement', async () => {
    const store = await openStore({ kind: 'postgres', url: pgUrl!, preparedStatements: false }, mkdtempSync(join(tmpdir(), 'ocauth-prep-')));
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const real = proto.query;
    let named = 0;
    proto.query = function (this: unknown, ...a: unknown[]) {
      if (typeof a[0] === 'object' && (a[0] as { name?: string })?.name) named++;
      return real.apply(this, a);
    };
    try {
      const now = Date.now();
      expect(await store.security.claimOnce(`test|unnamed|${randomBytes(6).toString('hex')}`, now + 60_000, now)).toBe(true);
      expect(named).toBe(0);
    } finally {
      proto.query = real;
      await store.close();
    }
  });

  it('a server connection that lost its prepared statements (a pooler in transaction mode): the store goes on unnamed', async () => {
    const store = await openStore({ kind: 'postgres', url: pgUrl!, poolSize: 1 }, mkdtempSync(join(tmpdir(), 'ocauth-prep-')));
    // What PgBouncer in transaction mode does: the next transaction runs on a server connection that never saw
    // the statement. Simulated on the one pooled connection by DEALLOCATE ALL before the next named statement
    // (node-postgres still believes it is prepared, so it sends Bind without Parse: 26000).
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const real = proto.query;
    let drop = false;
    let named = 0;
    proto.query = function (this: unknown, ...a: unknown[]) {
      const c = a[0] as { name?: string } | string;
      if (typeof c === 'object' && c?.name) {
        named++;
        if (drop) {
          drop = false;
          real.call(this, 'DEALLOCATE ALL', () => {});
        }
      }
      return real.apply(this, a);
    };
    try {
      const now = Date.now();
      const key = `test|prep|${randomBytes(6).toString('hex')}`;
      expect(await store.security.claimOnce(key, now + 60_000, now)).toBe(true); // named statements prepared
      expect(named).toBeGreaterThan(0);
      drop = true;
      expect(await store.security.claimOnce(key, now + 60_000, now)).toBe(false); // a read (autocommitted), then none
      const before = named;
      await store.security.updateAttempts(`k|${key}`, now, () => ({ failures: 1, windowStart: now, lockedUntil: 0, strikes: 0, expiresAt: now + 60_000 }));
      expect((await store.security.getAttempts(`k|${key}`, now))?.failures).toBe(1);
      expect(named).toBe(before); // unnamed from then on
    } finally {
      proto.query = real;
      await store.close();
    }
  });

  it('a column added by another server while statements are cached: reads and writes still succeed', async () => {
    // A schema of its own (search_path), so the ALTER touches no table other test files use.
    const schemaName = `ocauth_prep_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schemaName}`);
    const url = new URL(pgUrl!);
    url.searchParams.set('options', `-c search_path=${schemaName}`);
    const store = await openStore({ kind: 'postgres', url: url.toString(), poolSize: 1 }, mkdtempSync(join(tmpdir(), 'ocauth-prep-')));
    try {
      const now = Date.now();
      const bump = () =>
        store.security.updateAttempts('k', now, (prev) => ({
          failures: (prev?.failures ?? 0) + 1,
          windowStart: now,
          lockedUntil: 0,
          strikes: 0,
          expiresAt: now + 60_000,
        }));
      await bump();
      expect((await store.security.getAttempts('k', now))?.failures).toBe(1); // SELECT * prepared on the one connection
      await admin.query(`ALTER TABLE ${schemaName}.ocauth_auth_failures ADD COLUMN note TEXT`);
      await bump();
      expect((await store.security.getAttempts('k', now))?.failures).toBe(2);
      expect([...(await store.security.getAttemptsOf(['k', 'other'], now)).keys()]).toEqual(['k']);
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA ${schemaName} CASCADE`);
      await admin.end();
    }
  });
});
