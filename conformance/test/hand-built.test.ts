// HAND_BUILT_CHECKS against the embedded reference target (all automated ones pass) and against
// deliberately broken configurations (the failures are reported by requirement id).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAND_BUILT_CHECKS } from '../src/internal/checks/hand-built.js';
import { ALL_CHECKS } from '../src/internal/checks/index.js';
import { RunContext } from '../src/internal/context.js';
import { runRequirements } from '../src/internal/requirements.js';
import { startEmbeddedTarget, type EmbeddedTarget } from '../src/internal/embedded.js';

describe('HAND_BUILT_CHECKS against the embedded reference target', () => {
  let t: EmbeddedTarget;
  beforeAll(async () => {
    t = await startEmbeddedTarget();
  });
  afterAll(() => t.close());

  it('every check passes', async () => {
    const res = await runRequirements(new RunContext(t), HAND_BUILT_CHECKS);
    expect(res.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}: ${r.outcome} ${r.message}`)).toEqual([]);
    expect(res).toHaveLength(HAND_BUILT_CHECKS.length);
  });

  it('ids are new (no clash with the suite) and every check names its section', () => {
    const ids = new Set(ALL_CHECKS.filter((r) => !HAND_BUILT_CHECKS.includes(r)).map((r) => r.id));
    for (const r of HAND_BUILT_CHECKS) {
      expect(ids.has(r.id), `${r.id} already in ALL_CHECKS`).toBe(false);
      expect(r.check, r.id).toBeTypeOf('function');
      if (r.id.startsWith('OCAUTH-')) expect(r.id.startsWith(`OCAUTH-${r.section}-`), r.id).toBe(true);
    }
    expect(new Set(HAND_BUILT_CHECKS.map((r) => r.id)).size).toBe(HAND_BUILT_CHECKS.length);
  });
});

describe('HAND_BUILT_CHECKS against deliberately broken targets', () => {
  const cases = [
    { faults: { skipSignatureCheck: true }, expect: ['OCAUTH-2.2.4.1-01'] },
    { faults: { acceptAnyPin: true }, expect: ['HOSTILE-WRONG-PIN'] },
  ];
  for (const c of cases) {
    it(`${Object.keys(c.faults)[0]} → ${c.expect.join(', ')} fail`, async () => {
      const t = await startEmbeddedTarget({ faults: c.faults });
      try {
        const res = await runRequirements(
          new RunContext(t),
          HAND_BUILT_CHECKS.filter((r) => /^(OCAUTH-2|HOSTILE-(WRONG-PIN|NO-TICKET))/.test(r.id)),
        );
        const failed = res.filter((r) => r.outcome === 'fail').map((r) => r.id);
        for (const id of c.expect) expect(failed, `${id} should fail`).toContain(id);
      } finally {
        await t.close();
      }
    });
  }
});
