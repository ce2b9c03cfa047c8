// Property tests: whole-document c14n equals libxml2's (xmllint) byte for byte, and c14n is idempotent.
// Bounded for the suite (OCAUTH_C14N_RUNS overrides); seeds are printed by fast-check on failure and
// OCAUTH_C14N_SEED replays one. Many documents go to one xmllint process (few spawns).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  C14N_10,
  C14N_10_WITH_COMMENTS,
  C14N_11,
  C14N_11_WITH_COMMENTS,
  C14N_ALGORITHMS,
  canonicalize,
  canonicalizeXml,
  EXC_C14N,
  EXC_C14N_WITH_COMMENTS,
  parseXml,
} from '../src/index.js';
import { namespaceHeavyDocument } from './arbitraries.js';
import { haveXmllint, xmllintC14nBatch } from './xmllint.js';

const BATCH = 25;
const RUNS = Number(process.env.OCAUTH_C14N_RUNS ?? 4); // 4 batches of 25 = 100 documents per algorithm
const seed = process.env.OCAUTH_C14N_SEED === undefined ? undefined : Number(process.env.OCAUTH_C14N_SEED);
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, ...(seed === undefined ? {} : { seed }), verbose: 1, endOnFailure: true });

const dir = mkdtempSync(join(tmpdir(), 'ocauth-c14n-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAIRS = [
  { flag: '--c14n', withComments: C14N_10_WITH_COMMENTS, without: C14N_10 },
  { flag: '--c14n11', withComments: C14N_11_WITH_COMMENTS, without: C14N_11 },
  { flag: '--exc-c14n', withComments: EXC_C14N_WITH_COMMENTS, without: EXC_C14N },
];

describe.skipIf(!haveXmllint())('c14n equals xmllint on generated namespace-heavy documents', () => {
  for (const { flag, withComments, without } of PAIRS) {
    it(`${flag}: ours (${withComments.split('/').pop()} and without comments) == xmllint ${flag}`, () => {
      fc.assert(
        fc.property(fc.array(namespaceHeavyDocument(), { minLength: BATCH, maxLength: BATCH }), (docs) => {
          const inputs = docs.flatMap((d) => [d.xml, d.xmlWithoutComments]);
          const theirs = xmllintC14nBatch(flag, inputs, dir);
          docs.forEach((d, i) => {
            const w = theirs[2 * i]!;
            const wo = theirs[2 * i + 1]!;
            if (typeof w !== 'string') throw new Error(`xmllint ${flag} refused ${JSON.stringify(d.xml)}: ${w.error}`);
            if (typeof wo !== 'string') throw new Error(`xmllint ${flag} refused ${JSON.stringify(d.xmlWithoutComments)}: ${wo.error}`);
            expect(canonicalizeXml(d.xml, { algorithm: withComments }), `${flag} with comments on ${JSON.stringify(d.xml)}`).toBe(w);
            expect(canonicalizeXml(d.xml, { algorithm: without }), `${flag} without comments on ${JSON.stringify(d.xml)}`).toBe(wo);
          });
        }),
        params(RUNS),
      );
    });
  }
});

describe('c14n is idempotent', () => {
  it('c14n(c14n(x)) == c14n(x) for every algorithm, whole documents', () => {
    fc.assert(
      fc.property(namespaceHeavyDocument(), (d) => {
        for (const algorithm of C14N_ALGORITHMS) {
          const once = canonicalizeXml(d.xml, { algorithm });
          expect(canonicalizeXml(once, { algorithm }), `${algorithm} on ${JSON.stringify(d.xml)}`).toBe(once);
        }
      }),
      params(RUNS * BATCH),
    );
  });

  it('exclusive c14n of any element subtree is a fixed point: c14n(parse(c14n(E))) == c14n(E)', () => {
    fc.assert(
      fc.property(namespaceHeavyDocument(), fc.nat(), (d, pick) => {
        const doc = parseXml(d.xml);
        const els = doc.getElementsByTagName('*');
        const el = els[pick % els.length]!;
        for (const algorithm of [EXC_C14N, EXC_C14N_WITH_COMMENTS]) {
          const once = canonicalize(el, { algorithm });
          expect(canonicalizeXml(once, { algorithm }), `${algorithm} on element ${pick % els.length} of ${JSON.stringify(d.xml)}`).toBe(once);
        }
      }),
      params(RUNS * BATCH),
    );
  });
});
