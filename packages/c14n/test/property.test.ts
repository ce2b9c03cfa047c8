// Property tests: whole-document c14n equals libxml2's (xmllint) byte for byte, and c14n is idempotent.
// Bounded for the suite (OCAUTH_C14N_RUNS overrides); seeds are printed by fast-check on failure and
// OCAUTH_C14N_SEED replays one. Many documents go to one xmllint process (few spawns).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Element as XElement, Node as XNode } from '@xmldom/xmldom';
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

const XMLNS = 'http://www.w3.org/2000/xmlns/';
const escA = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
const escT = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');

/**
 * `el` as a standalone document: its in-scope namespace declarations (ancestors' included) on it, the
 * subtree otherwise as parsed. No xml:* inheritance (Exclusive c14n inherits none).
 */
function standalone(el: XElement, inherit: readonly string[] = []): string {
  const scope = new Map<string, string>();
  // xml:* attributes of the ancestors that the algorithm inherits (nearest wins, own attributes win).
  const inherited = new Map<string, string>();
  for (let n: XNode | null = el.parentNode; n && n.nodeType === 1; n = n.parentNode) {
    const e = n as XElement;
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes[i]!;
      if (a.prefix === 'xml' && inherit.includes(a.localName!) && !inherited.has(a.name) && !el.hasAttribute(a.name)) inherited.set(a.name, a.value);
    }
  }
  const chain: XElement[] = [];
  for (let n: XNode | null = el; n && n.nodeType === 1; n = n.parentNode) chain.unshift(n as XElement);
  for (const e of chain)
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes[i]!;
      if (a.namespaceURI === XMLNS) scope.set(a.name, a.value);
    }
  const out: string[] = [];
  const walk = (n: XNode, top: boolean): void => {
    if (n.nodeType === 1) {
      const e = n as XElement;
      out.push('<', e.tagName);
      if (top) for (const [q, v] of [...scope, ...inherited]) out.push(' ', q, '="', escA(v), '"');
      for (let i = 0; i < e.attributes.length; i++) {
        const a = e.attributes[i]!;
        if (top && a.namespaceURI === XMLNS) continue;
        out.push(' ', a.name, '="', escA(a.value), '"');
      }
      out.push('>');
      for (let c = e.firstChild; c; c = c.nextSibling) walk(c, false);
      out.push('</', e.tagName, '>');
    } else if (n.nodeType === 3 || n.nodeType === 4) out.push(escT((n as unknown as { data: string }).data));
    else if (n.nodeType === 8) out.push('<!--', (n as unknown as { data: string }).data, '-->');
    else if (n.nodeType === 7) {
      const pi = n as unknown as { target: string; data: string };
      out.push('<?', pi.target, pi.data ? ' ' + pi.data : '', '?>');
    }
  };
  walk(el, true);
  return out.join('');
}

const SUBTREE = [
  { flag: '--exc-c14n', algorithm: EXC_C14N_WITH_COMMENTS, inherit: [] as string[], what: 'no xml:* inherited' },
  { flag: '--c14n', algorithm: C14N_10_WITH_COMMENTS, inherit: ['lang', 'space', 'id', 'base'], what: 'all xml:* inherited' },
  { flag: '--c14n11', algorithm: C14N_11_WITH_COMMENTS, inherit: ['lang', 'space'], what: 'xml:lang/xml:space inherited, not xml:id' },
];

describe.skipIf(!haveXmllint())('c14n of element subtrees equals xmllint on the subtree made standalone', () => {
  for (const { flag, algorithm, inherit, what } of SUBTREE) {
    it(`${flag}: canonicalize(E) == xmllint ${flag} of E with its in-scope declarations (${what})`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(namespaceHeavyDocument(), fc.nat()), { minLength: BATCH, maxLength: BATCH }), (cases) => {
          const picked = cases.map(([d, pick]) => {
            const doc = parseXml(d.xml);
            const els = doc.getElementsByTagName('*');
            const el = els[pick % els.length]!;
            return { d, el, standalone: standalone(el, inherit) };
          });
          const theirs = xmllintC14nBatch(
            flag,
            picked.map((p) => p.standalone),
            dir,
          );
          picked.forEach((p, i) => {
            const t = theirs[i]!;
            if (typeof t !== 'string') throw new Error(`xmllint refused ${JSON.stringify(p.standalone)}: ${t.error}`);
            expect(canonicalize(p.el, { algorithm }), `subtree ${JSON.stringify(p.standalone)} of ${JSON.stringify(p.d.xml)}`).toBe(t);
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
