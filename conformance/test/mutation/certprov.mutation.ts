// The test StrykerJS runs for `pnpm mutation` (stryker.config.mjs): the conformance suite against the
// embedded reference target, restricted to the checks that exercise the Certificate Provisioning Service
// (MS-OCAUTHWS 3.1 and the 4.1 example, plus the flows and hostile cases that call GetAndPublishCert).
// A mutant of the CertProv request pipeline (handler.ts and get-and-publish-cert/*, stryker.config.mjs) is killed when any of these checks fails.
// Not part of `pnpm test` (its own vitest config: conformance/vitest.mutation.config.ts).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ALL_CHECKS, runConformance, startEmbeddedTarget, type EmbeddedTarget } from '../../src/index.js';

export const CERTPROV_CHECKS = ALL_CHECKS.filter((c) => /^3\.1(\.|$)|^4\.1$/.test(c.section) || /CERT|HOSTILE-11/.test(c.id));

let t: EmbeddedTarget;
beforeAll(async () => {
  t = await startEmbeddedTarget();
});
afterAll(() => t.close());

it('every CertProv MUST check passes against the embedded target', async () => {
  expect(CERTPROV_CHECKS.length).toBeGreaterThan(30);
  const rep = await runConformance(t, { checks: CERTPROV_CHECKS, strict: true });
  const bad = rep.results
    .filter((r) => r.outcome === 'fail' || (r.outcome === 'manual' && r.level === 'MUST'))
    .map((r) => `${r.id}: ${r.outcome} ${r.message ?? ''}`);
  expect(bad, bad.join('\n')).toEqual([]);
});
