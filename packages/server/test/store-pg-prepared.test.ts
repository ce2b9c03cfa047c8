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
