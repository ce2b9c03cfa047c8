// Issue 16 item 8: the SQLite store's write cost must not grow with the database. The old driver
// (sql.js) exported and atomically rewrote the whole file on every commit, so a publish on a database
// holding 100 000 certificates (~100 MB) took seconds; better-sqlite3 in WAL mode appends one
// transaction to the log and fsyncs it. The database is filled with 100 000 certificate rows of
// realistic size in one bulk transaction (the store's own publish path fsyncs each commit, ~4 ms here,
// which would make 100 000 of them a 6-minute test: see bench/ and the server README for the figures).
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, type ServerStore } from '@ocauth/server';

const der = new Uint8Array(randomBytes(1000)); // a 2048-bit user certificate is ~1 KB of DER
const cert = (i: number) => ({
  entity: `user${i % 997}@contoso.test`,
  deviceId: `{${randomUUID().toUpperCase()}}`,
  serialNumber: randomBytes(10).toString('hex').toUpperCase(),
  der,
  notBefore: new Date(1_700_000_000_000),
  notAfter: new Date(1_800_000_000_000),
});

async function timeWrites(s: ServerStore, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await s.certificates.publish(cert(i), new Date(1_750_000_000_000));
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

describe('SQLite store at scale (issue 16 item 8)', () => {
  it('mean publish latency of 1,000 writes on an empty database and on one holding 100,000 certificates is flat', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-sqlite-scale-'));
    const file = join(dir, 'ocauth.sqlite');
    let s = await openStore({ kind: 'sqlite' }, dir);
    const first = await timeWrites(s, 1000);
    await s.close();

    // 100 000 certificates, ~100 MB, inserted with SQLite itself (an independent writer of the same file).
    const db = new Database(file);
    const ins = db.prepare(
      'INSERT INTO ocauth_certificates (serial, entity, entity_norm, device_id, device_norm, der, not_before, not_after, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)',
    );
    const buf = Buffer.from(der);
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) {
        const c = cert(i);
        ins.run(c.serialNumber, c.entity, c.entity, c.deviceId, c.deviceId, buf, 1_700_000_000_000, 1_800_000_000_000);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(statSync(file).size).toBeGreaterThan(100_000_000);

    s = await openStore({ kind: 'sqlite' }, dir);
    try {
      expect(await s.certificates.count()).toBe(101_000);
      const last = await timeWrites(s, 1000);
      // eslint-disable-next-line no-console
      console.log(`SQLite publish mean latency: first 1,000 writes ${first.toFixed(2)} ms, 1,000 writes after 100,000 certificates ${last.toFixed(2)} ms`);
      // Flat: within a factor 2 (plus 2 ms of fsync noise on a shared machine). The whole-file rewrite was >100x.
      expect(last).toBeLessThan(first * 2 + 2);
      expect(await s.certificates.count()).toBe(102_000);
    } finally {
      await s.close();
    }
  });
});
