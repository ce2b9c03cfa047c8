// An ephemeral server (no dataDir) cleans up after itself; a given dataDir is kept for the next start.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServer } from '@ocauth/server';

it('without dataDir: a temporary directory, removed by close()', async () => {
  const s = await startServer({ logger: false });
  expect(existsSync(join(s.dataDir, 'demo-user.json'))).toBe(true);
  await s.close();
  expect(existsSync(s.dataDir)).toBe(false);
});

it('with dataDir: the PKI and store stay for the next start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocauth-keep-'));
  try {
    const a = await startServer({ dataDir: dir, logger: false });
    const ca = a.caCertificatePem;
    await a.close();
    expect(existsSync(dir)).toBe(true);
    const b = await startServer({ dataDir: dir, logger: false });
    expect(b.caCertificatePem).toBe(ca);
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
