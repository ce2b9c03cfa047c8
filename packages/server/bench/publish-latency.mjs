// Measurement aid (not a bench row): latency of one store publication (publishClaiming with two claims), back to
// back and with idle time or a PIN KDF between publications, as in a flow.
// node packages/server/bench/publish-latency.mjs [sqlite|postgres] [N]   env: SLEEP=ms, KDF=1 (one scrypt between)
// (postgres: OCAUTH_TEST_PG_URL). Shows how much a durable write slows after the machine idles (issue 20 notes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, scrypt } from 'node:crypto';
import { openStore } from '../dist/index.js';

const kind = process.argv[2] ?? 'sqlite';
const N = Number(process.argv[3] ?? 600);
const dir = mkdtempSync(join(tmpdir(), 'ocauth-publish-latency-'));
const store = await openStore(kind === 'postgres' ? { kind: 'postgres', url: process.env.OCAUTH_TEST_PG_URL } : { kind: 'sqlite' }, dir);
const t = [];
try {
  for (let i = 0; i < N; i++) {
    const now = new Date();
    const cert = {
      serialNumber: randomBytes(16).toString('hex'),
      entity: `sip:u${i % 64}@latency.test`,
      deviceId: randomBytes(20).toString('hex'),
      der: randomBytes(1100),
      notBefore: now,
      notAfter: new Date(now.getTime() + 864e5),
    };
    const t0 = performance.now();
    await store.certificates.publishClaiming(cert, now, [
      { keys: [randomBytes(40).toString('base64')], expiresAt: now.getTime() + 6e5 },
      { keys: [`ticketcert|${randomBytes(8).toString('hex')}|0`], expiresAt: now.getTime() + 6e5 },
    ]);
    t.push(performance.now() - t0);
    if (process.env.SLEEP) await new Promise((r) => setTimeout(r, Number(process.env.SLEEP)));
    if (process.env.KDF) await new Promise((r) => scrypt('123456', 'salt', 32, { N: 4096, r: 8, p: 1 }, r));
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
t.sort((a, b) => a - b);
const between = process.env.KDF ? ' (one scrypt between)' : process.env.SLEEP ? ` (${process.env.SLEEP} ms idle between)` : ' (back to back)';
console.log(
  `${kind} publishClaiming${between}: p50 ${t[N >> 1].toFixed(3)} ms, p90 ${t[Math.floor(N * 0.9)].toFixed(3)} ms, mean ${(t.reduce((a, b) => a + b) / N).toFixed(3)} ms`,
);
