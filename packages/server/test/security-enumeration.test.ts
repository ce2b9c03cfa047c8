// Issue 16 item 11: with --store memory an unknown user was answered in 2.4 ms and a wrong secret in
// 10–14 ms, so response times told which accounts exist. Every path must do the same work (a dummy
// scrypt for unknown users) on every store. Statistical test over HTTPS: interleaved rounds of "unknown
// user" and "known user, wrong PIN/password"; the median of the per-round ratios must lie in 0.6–1.67 (old memory store: medians 12.7 vs 67.2 ms for PINs, 30.7 vs 71.4 ms for passwords).
import { Agent } from 'node:https';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpsFetch, startServer, type RunningServer, type StoreConfig } from '@ocauth/server';
import { signIn } from './support/attack.js';
import { pgUrlOrSkip } from './support/pg.js';

const pgUrl = pgUrlOrSkip();
const stores: [string, StoreConfig | undefined][] = [
  ['memory', { kind: 'memory' }],
  ['sqlite', { kind: 'sqlite' }],
  ['postgres', pgUrl ? { kind: 'postgres', url: pgUrl } : undefined],
];
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const running: RunningServer[] = [];
afterAll(async () => {
  for (const s of running) await s.close();
});

for (const [name, store] of stores) {
  describe.skipIf(!store)(`enumeration by timing: ${name} store`, () => {
    it('unknown user and wrong secret take the same time (PIN and password)', { timeout: 60_000 }, async () => {
      const tag = Math.random().toString(36).slice(2, 8);
      const srv = await startServer({
        store: store!,
        logger: false,
        demoUser: false,
        policy: { signInThrottle: { maxSourceFailures: 100_000 } },
        users: [{ sipUri: `sip:en${tag}@ocauth.test`, pin: '192837', password: 'right-password', phones: [`+1999${tag}`] }],
      });
      running.push(srv);
      const f = createHttpsFetch({ ca: srv.caCertificatePem, agent: new Agent({ ca: srv.caCertificatePem, keepAlive: true, maxSockets: 1 }) }); // no handshake in the timings
      const time = async (cred: Parameters<typeof signIn>[2]) => {
        const t0 = process.hrtime.bigint();
        const a = await signIn(srv, f, cred);
        expect(a.ok).toBe(false);
        return Number(process.hrtime.bigint() - t0) / 1e6;
      };
      const unknownPin: number[] = [],
        wrongPin: number[] = [],
        unknownPw: number[] = [],
        wrongPw: number[] = [];
      for (let i = 0; i < 3; i++) await time({ type: 'pin', identity: `+1000${i}`, pin: '1' }); // warm-up
      for (let i = 0; i < 20; i++) {
        unknownPin.push(await time({ type: 'pin', identity: `+1888${tag}${i}`, pin: '111111' }));
        wrongPin.push(await time({ type: 'pin', identity: `+1999${tag}`, pin: String(200000 + i) }));
        unknownPw.push(await time({ type: 'password', username: `nobody${tag}${i}@ocauth.test`, password: 'x' }));
        wrongPw.push(await time({ type: 'password', username: `en${tag}@ocauth.test`, password: `wrong-${i}` }));
      }
      const [u, w, up, wp] = [median(unknownPin), median(wrongPin), median(unknownPw), median(wrongPw)];
      // Each round's two requests run back to back under the same machine load: the median of their
      // ratios is robust to load bursts that move whole medians (other test files share the cores).
      const ratioPin = median(unknownPin.map((x, i) => x / wrongPin[i]!));
      const ratioPw = median(unknownPw.map((x, i) => x / wrongPw[i]!));
      console.log(
        `${name}: median ms — PIN unknown ${u.toFixed(1)} / wrong ${w.toFixed(1)} (pairwise ratio ${ratioPin.toFixed(2)}); password unknown ${up.toFixed(1)} / wrong ${wp.toFixed(1)} (${ratioPw.toFixed(2)})`,
      );
      for (const r of [ratioPin, ratioPw]) {
        expect(r).toBeGreaterThan(0.6);
        expect(r).toBeLessThan(1 / 0.6);
      }
    });
  });
}
