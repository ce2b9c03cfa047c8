// Replays the public c14n interop corpora (vectors/c14n/corpora.json: libxml2 test/c14n, xmlsec
// merlin-c14n-three, Apache Santuario c14n/in + inExcl) through @ocauth/c14n, one assertion message
// per tcId, and proves the libxml2 oracle (c14n-driver.c) against the same expected octets.
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, test } from 'vitest';
import * as c14n from '../src/index.js';
import { libxml2Oracle, oracleSkipReason } from './oracle/libxml2.js';
import { loadManifest, oracleCase, vectorBytes, vectorPath, type CorpusCase } from './oracle/manifest.js';
import { oracleMode } from './oracle/libxml2.js';
import { documentOrderIndexes, domNodeSet, selectNodes, subtreeNodes } from './oracle/node-set.js';

const manifest = loadManifest();
const cases = manifest.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, corpus: g.corpus })));
const label = (c: CorpusCase) => `tcId ${c.tcId} (${c.comment})`;

/** Pinned departures, counted so the list cannot grow silently (see each case's `pin.reason`). */
const EXPECTED_PINS = { 'namespace-subset': 55, implementation: 1 };

describe('c14n corpora manifest', () => {
  test('structure: unique tcIds, files present, counts', () => {
    expect(manifest.numberOfTests).toBe(cases.length);
    expect(new Set(cases.map((c) => c.tcId)).size).toBe(cases.length);
    for (const c of cases) {
      expect(vectorBytes(c.input).length, `${label(c)} input`).toBeGreaterThan(0);
      if (c.result === 'valid') expect(c.expected, `${label(c)} expected`).toBeTruthy();
      else expect(c.expectedError, `${label(c)} expectedError`).toMatch(/^ERR_/);
      if (c.flags.includes('DTD')) expect(c.derivedInput, `${label(c)} DTD twin`).toBeTruthy();
      if (c.pin) expect(c.pin.reason.length, `${label(c)} pin reason`).toBeGreaterThan(20);
    }
    const per = Object.fromEntries(manifest.testGroups.map((g) => [g.corpus, g.tests.length]));
    expect(per).toEqual({ libxml2: 73, 'xmlsec-merlin-c14n-three': 28, santuario: 17, 'santuario-interop': 45 });
    const pins: Record<string, number> = {};
    for (const c of cases) if (c.pin) pins[c.pin.kind] = (pins[c.pin.kind] ?? 0) + 1;
    expect(pins, 'pinned cases by kind').toEqual(EXPECTED_PINS);
  });
});

// ------------------------------------------------------------------------ the oracle itself
const oracle = libxml2Oracle();
describe.skipIf(!oracle)(`libxml2 oracle (c14n-driver.c) against the corpora${oracle ? '' : ` — ${oracleSkipReason()}`}`, () => {
  for (const input of ['original', 'derived'] as const) {
    test(`libxml2 ${oracle?.version} reproduces every expected output from the ${input} inputs`, () => {
      const subject = input === 'original' ? cases : cases.filter((c) => c.derivedInput);
      const results = oracle!.run(subject.map((c) => oracleCase(c, input)));
      subject.forEach((c, i) => {
        const r = results[i]!;
        if (c.result === 'invalid') {
          expect(r.ok, `${label(c)}: libxml2 must refuse it`).toBe(false);
          return;
        }
        expect(r.ok ? '' : r.error, `${label(c)}: libxml2 error`).toBe('');
        if (r.ok) expect(r.output.toString('utf8'), label(c)).toBe(vectorBytes(c.expected!).toString('utf8'));
      });
    });
  }

  // Apex cases too: libxml2 sees an apex as subtreeExpression(apex), we as the element's subtree.
  test('our XPath node sets (xpath package over xmldom) select exactly the nodes libxml2 selects', () => {
    const subject = cases.filter((c) => c.nodeSet || c.apex);
    const described = oracle!.describe(subject.map((c) => oracleCase(c, 'derived')));
    subject.forEach((c, i) => {
      const d = described[i]!;
      if ('error' in d) throw new Error(`${label(c)}: ${d.error}`);
      const doc = new DOMParser().parseFromString(vectorBytes(c.derivedInput ?? c.input).toString('utf8'), 'text/xml');
      const ours = c.apex
        ? new Set(subtreeNodes(selectNodes(doc, c.apex.xpath, c.apex.namespaces)[0]))
        : domNodeSet(doc, c.derivedNodeSetXPath ?? c.nodeSet!.xpath, c.nodeSet!.namespaces);
      expect(documentOrderIndexes(doc, ours).join(' '), label(c)).toBe(d.selected.join(' '));
      // A pin that blames the namespace axis must be one libxml2 sees as a partial namespace subset.
      if (c.pin?.kind === 'namespace-subset') expect(d.namespacesFull, `${label(c)}: pin reason`).toBe(false);
    });
  });
});

// ------------------------------------------------------------------------ replay through @ocauth/c14n
type Api = {
  parseXml(x: Uint8Array): unknown;
  canonicalize(n: unknown, o: { algorithm: string; inclusiveNamespaces?: readonly string[]; nodeSet?: ReadonlySet<unknown> }): string;
};
const api = c14n as unknown as Partial<Api>;
const landed = typeof api.canonicalize === 'function' && typeof api.parseXml === 'function';

function replay(c: CorpusCase): string {
  const { parseXml, canonicalize } = api as Api;
  const doc = parseXml(vectorBytes(c.derivedInput ?? c.input)) as { documentElement: unknown };
  const opts: { algorithm: string; inclusiveNamespaces?: readonly string[]; nodeSet?: ReadonlySet<unknown> } = { algorithm: c.algorithm };
  if (c.inclusiveNamespaces) opts.inclusiveNamespaces = c.inclusiveNamespaces;
  if (c.apex) {
    const [apex] = selectNodes(doc, c.apex.xpath, c.apex.namespaces);
    if (!apex) throw new Error(`${label(c)}: apex ${c.apex.xpath} selects nothing`);
    return canonicalize(apex, opts);
  }
  if (c.nodeSet) opts.nodeSet = domNodeSet(doc, c.derivedNodeSetXPath ?? c.nodeSet.xpath, c.nodeSet.namespaces);
  return canonicalize(doc, opts);
}

describe.skipIf(!landed)('corpora replayed through canonicalize()', () => {
  test('parseXml refuses every DOCTYPE input of the corpora (the DTD-free twins are replayed instead)', () => {
    for (const c of cases.filter((x) => x.flags.includes('DTD'))) {
      let code: unknown;
      try {
        (api as Api).parseXml(vectorBytes(c.input));
      } catch (e) {
        code = (e as { code?: unknown }).code;
      }
      expect(code, label(c)).toBe('ERR_XML_DOCTYPE');
    }
  });

  for (const group of manifest.testGroups) {
    describe(group.corpus, () => {
      for (const c of group.tests.filter((t) => !t.pin)) {
        test(`tcId ${c.tcId}: ${c.comment}`, () => {
          if (c.result === 'invalid') {
            let code: unknown = 'no error';
            try {
              replay(c);
            } catch (e) {
              code = (e as { code?: unknown }).code;
            }
            expect(code, label(c)).toBe(c.expectedError);
            return;
          }
          expect(replay(c), label(c)).toBe(vectorBytes(c.expected!).toString('utf8'));
        });
      }
      const nsPinned = group.tests.filter((t) => t.pin?.kind === 'namespace-subset');
      if (nsPinned.length && oracle) {
        // The pin says the only difference is namespace-node selection. Check exactly that: libxml2
        // over the same DOM nodes, each selected element with its whole namespace axis (what a DOM
        // node set means), must give our octets — so each pinned case still tests something.
        test(`${nsPinned.length} namespace-subset pins: ours == libxml2 over the same nodes with whole namespace axes`, () => {
          const { parseXml } = api as Api;
          const results = oracle.run(
            nsPinned.map((c) => {
              const doc = parseXml(vectorBytes(c.derivedInput ?? c.input));
              const set = domNodeSet(doc, c.derivedNodeSetXPath ?? c.nodeSet!.xpath, c.nodeSet!.namespaces);
              const { mode, withComments } = oracleMode(c.algorithm);
              return {
                mode,
                withComments,
                file: vectorPath(c.derivedInput ?? c.input),
                indexes: documentOrderIndexes(doc, set),
                ...(c.inclusiveNamespaces ? { inclusiveNamespaces: c.inclusiveNamespaces } : {}),
              };
            }),
          );
          nsPinned.forEach((c, i) => {
            const r = results[i]!;
            expect(r.ok ? r.output.toString('utf8') : r.error, `${label(c)} (libxml2 with whole namespace axes)`).toBe(replay(c));
          });
        });
      }
      const pinned = group.tests.filter((t) => t.pin);
      if (pinned.length) {
        test(`${pinned.length} pinned cases: namespace-subset pins still depart`, () => {
          for (const c of pinned) {
            let out: string | undefined;
            try {
              out = replay(c);
            } catch {
              out = undefined;
            }
            const passes = out === vectorBytes(c.expected!).toString('utf8');
            // An implementation pin that passes is good news for the implementer, not a failure of
            // this suite; a namespace-subset pin that passes means the pin's reason is wrong.
            if (c.pin!.kind === 'namespace-subset') expect(passes, `${label(c)} passes now: its pin reason is wrong`).toBe(false);
            else if (passes) console.warn(`${label(c)} passes now: remove its pin (${c.pin!.reason})`);
          }
        });
      }
    });
  }
});
if (!landed) console.warn('corpora replay not run: @ocauth/c14n does not export canonicalize/parseXml yet');
