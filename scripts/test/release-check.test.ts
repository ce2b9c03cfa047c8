// CI runs `pnpm release:check`'s script: pack every package, install the tarballs with npm into a fresh
// app, compile a consumer with tsc 5.5/5.9/current (skipLibCheck false), run the README examples, the CLIs
// and the vectors' Python replay. Its own checks print `ok`/`FAIL` lines; this test asserts on them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(`${repo}packages/server/dist/cli.js`) && existsSync(`${repo}conformance/dist/cli.js`);

describe.runIf(built || process.env.CI === 'true')('release:check', () => {
  it('the packed packages install, type-check without skipLibCheck, and their CLIs, examples and vectors work', () => {
    const r = spawnSync(process.execPath, [`${repo}scripts/release-check.mjs`], { cwd: repo, encoding: 'utf8', timeout: 560_000, maxBuffer: 64 << 20 });
    const out = `${r.stdout}\n${r.stderr}`;
    const failed = out.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(failed, out.slice(-4000)).toEqual([]);
    expect(r.status, out.slice(-4000)).toBe(0);
    // the checks that matter actually ran (a script that skipped them would print no FAIL either)
    for (const must of [
      /^ok {3}tsc 5\.5\.\d+ \(5\.5\), skipLibCheck false/m,
      /^ok {3}tsc 5\.9\.\d+/m,
      /^ok {3}tsc \d+\.\d+\.\d+ \(current\)/m,
      /^ok {3}npm install$/m,
      /^ok {3}ocauth vectors \(shipped data\)/m,
      /^ok {3}ocauth conformance \(embedded\): every EX-4\.1–4\.6 check passes/m,
      /^ok {3}@ocauth\/conformance: ships the 12 MS-OCAUTHWS section 4 examples/m,
      /^ok {3}@ocauth\/certprov: LICENSE in the tarball/m,
      /^release:check: all checks passed/m,
    ])
      expect(out).toMatch(must);
    // every package README's example is type-checked and run (server: the first flow + issueServerCertificate)
    expect(out).toMatch(/^ok {3}README examples type-check against the packed types$/m);
    expect(out.match(/^ok {3}@ocauth\/\S+ README example \S+ runs$/gm)?.length ?? 0).toBeGreaterThanOrEqual(9); // 8 packages, server has two
    // the repository README's first flow ends with a registered SIP session (TLS-DSK through the broker, issue 18 item 6)
    expect(out).toMatch(/^ok {3}README\.md \(repository\) README example root-1\.mts prints "registered sip:demo@"$/m);
    expect(out).toMatch(/^ok {3}@ocauth\/server README example server-1\.mts prints "registered sip:demo@"$/m);
  });
});
