// The replay cache's claims (SecurityStore.claimOnce) on every store: a key is won once while it lives,
// an expired claim can be taken again, a released one too, and concurrent claims of one key — from two
// store instances where the backend is shared (PostgreSQL: two pools, as two server processes) — have
// exactly one winner. The SQL stores answer a live claim with a read and take a free one with a single
// INSERT … ON CONFLICT … WHERE expired … RETURNING statement (issue 20 item 4).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type ServerStore, type StoreConfig } from '@ocauth/server';
import { pgUrlOrSkip } from './support/pg.js';

const pgUrl = pgUrlOrSkip();
const kinds: [string, () => StoreConfig | undefined][] = [
  ['memory', () => ({ kind: 'memory' })],
  ['sqlite', () => ({ kind: 'sqlite' })],
  ['postgres', () => (pgUrl ? { kind: 'postgres', url: pgUrl } : undefined)],
];

for (const [name, config] of kinds) {
  describe.skipIf(!config())(`SecurityStore claims: ${name}`, () => {
    const stores: ServerStore[] = [];
    const open = async () => {
      const s = await openStore(config()!, mkdtempSync(join(tmpdir(), 'ocauth-claims-')));
      stores.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of stores) await s.close().catch(() => {});
    });
    const k = () => `test|${randomBytes(8).toString('hex')}|`; // distinct keys per run (PostgreSQL is shared)

    it('a live claim is won once; an expired one is taken again; a released one is free', async () => {
      const s = await open();
      const key = k();
      expect(await s.security.claimOnce(key, 2_000, 1_000)).toBe(true);
      expect(await s.security.claimOnce(key, 3_000, 1_500)).toBe(false);
      expect(await s.security.claimOnce(key, 3_000, 2_000)).toBe(false); // expires at 2 000: still live at 2 000
      expect(await s.security.countClaims(key, 2_000)).toBe(1);
      expect(await s.security.claimOnce(key, 5_000, 2_001)).toBe(true); // expired: taken, with the new expiry
      expect(await s.security.claimOnce(key, 9_000, 4_999)).toBe(false);
      await s.security.releaseClaim(key);
      expect(await s.security.claimOnce(key, 9_000, 5_000)).toBe(true);
    });

    it('concurrent claims of one key (two store instances where the backend is shared) have exactly one winner', async () => {
      const s1 = await open();
      const s2 = name === 'postgres' ? await open() : s1;
      for (let round = 0; round < 5; round++) {
        const key = k();
        const won = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? s2 : s1).security.claimOnce(key, Date.now() + 60_000, Date.now())));
        expect(won.filter(Boolean)).toHaveLength(1);
      }
    });
  });
}
