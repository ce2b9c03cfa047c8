// The @throws docs check (scripts/check-throws.mjs) against a fixture package whose exports are
// documented or not, by hand: it must name exactly the undocumented ones, with file:line, and fail.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('check-throws', () => {
  it('names every export without a valid @throws tag, and only those, and exits 1', () => {
    const r = spawnSync(process.execPath, ['scripts/check-throws.mjs', 'scripts/test/fixtures/throws-pkg'], { cwd: root, encoding: 'utf8' });
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('scripts/'));
    const named = lines.map((l) => l.split(': ')[0]);
    const at = 'scripts/test/fixtures/throws-pkg/src/';
    expect(named).toEqual([
      `${at}index.ts:16  function badNoTag()`,
      `${at}index.ts:21  function badNoCode()`,
      `${at}index.ts:26  function badArrow()`,
      `${at}index.ts:48  constructor new BadClass()`,
      `${at}index.ts:49  method BadClass.badMethod()`,
      `${at}index.ts:55  constructor new BadImplicit() (implicit`,
      `${at}inner.ts:3  function badInner()`,
    ]);
    expect(lines[1]).toMatch(/names no ERR_ code/);
    expect(r.stdout).toMatch(/check-throws: 7 exported functions/);
    expect(r.status).toBe(1);
  });
  it('passes on the packages whose owners tagged them', () => {
    const r = spawnSync(process.execPath, ['scripts/check-throws.mjs', 'packages/psha1', 'packages/c14n'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toMatch(/every exported function/);
    expect(r.status).toBe(0);
  });
});
