// The conformance suite against the embedded reference target (every automated check passes) and
// against deliberately broken configurations (the failures are reported by requirement id).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS, REQUIREMENTS, runChecks, startEmbeddedTarget, toJUnit, formatTable, type EmbeddedTarget, type Report } from '../src/runner/index.js';

describe('ocauth conformance against the embedded reference target', () => {
  let t: EmbeddedTarget;
  let rep: Report;
  beforeAll(async () => {
    t = await startEmbeddedTarget();
    rep = await runChecks(t, ALL_CHECKS);
  });
  afterAll(() => t.close());

  it('every automated check passes; the rest are manual with a reason', () => {
    const bad = rep.results.filter((r) => r.status !== 'pass' && r.status !== 'manual');
    expect(bad.map((r) => `${r.id}: ${r.status} ${r.message}`)).toEqual([]);
    for (const r of rep.results.filter((x) => x.status === 'manual')) expect(r.message, r.id).toMatch(/\w{8,}/);
    expect(rep.exitCode).toBe(0);
    expect(rep.summary.pass).toBeGreaterThanOrEqual(50);
  });

  it('requirement ids are unique and every requirement quotes its section', () => {
    const ids = ALL_CHECKS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of REQUIREMENTS) {
      expect(r.id, r.id).toMatch(/^OCAUTH-\d+(\.\d+)*-\d\d$/);
      expect(r.id.startsWith(`OCAUTH-${r.section}-`), r.id).toBe(true);
      expect(r.check !== undefined || r.manual !== undefined, r.id).toBe(true);
    }
  });

  it('reports carry no secrets of the target (PIN, password) and render as table and JUnit', () => {
    const all = JSON.stringify(rep) + formatTable(rep) + toJUnit(rep);
    expect(all).not.toContain(t.pin!);
    expect(all).not.toContain(t.password!);
    expect(toJUnit(rep)).toMatch(/<testsuite name="ocauth conformance [^"]*" tests="\d+" failures="0"/);
    expect(formatTable(rep)).toMatch(/MUST failures 0/);
  });
});

describe('ocauth conformance against deliberately broken targets', () => {
  const cases: [string, Parameters<typeof startEmbeddedTarget>[0], string[]][] = [
    ['certificate service skips ticket signature checks', { faults: { skipSignatureCheck: true } }, ['OCAUTH-3.2-03', 'OCAUTH-2.2.4.1-01', 'HOSTILE-WRONG-PROOF-KEY']],
    ['timestamps and ticket expiry not checked', { faults: { skipTimestampCheck: true } }, ['OCAUTH-3.2-04', 'HOSTILE-EXPIRED-TIMESTAMP']],
    ['any PIN accepted', { faults: { acceptAnyPin: true } }, ['OCAUTH-3.2-01']],
  ];
  for (const [name, opts, expected] of cases) {
    it(`${name}: fails ${expected.join(', ')}`, async () => {
      const t = await startEmbeddedTarget(opts);
      try {
        const rep = await runChecks(t, ALL_CHECKS, { only: /^(OCAUTH-2\.2\.4\.1|OCAUTH-3\.2-0|HOSTILE-(WRONG|EXPIRED|SIGNATURE))/ });
        const failed = rep.results.filter((r) => r.status === 'fail').map((r) => r.id);
        for (const id of expected) expect(failed, `${id} should fail`).toContain(id);
        expect(rep.exitCode).toBe(1);
        expect(rep.summary.mustFailures).toBeGreaterThanOrEqual(expected.length);
      } finally {
        await t.close();
      }
    });
  }
});
