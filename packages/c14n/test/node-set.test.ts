// Document-subset canonicalization (canonicalize with nodeSet): enveloped signatures, omitted
// ancestors, xml:* inheritance per algorithm, comments and attributes outside the set.
import { describe, expect, it } from 'vitest';
import type { Node } from '@xmldom/xmldom';
import { C14N_10, C14N_11, C14N_11_WITH_COMMENTS, canonicalize, EXC_C14N, EXC_C14N_WITH_COMMENTS, parseXml, withoutSubtree } from '../src/index.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';

function allNodes(root: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node): void => {
    out.push(n);
    const attrs = (n as unknown as { attributes?: { length: number; [i: number]: Node } }).attributes;
    if (attrs) for (let i = 0; i < attrs.length; i++) out.push(attrs[i]!);
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(root);
  return out;
}

describe('node sets', () => {
  const xml =
    '<r xmlns="http://d" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="r"><!--c--><a>1</a>' +
    '<ds:Signature><ds:SignedInfo><ds:Reference URI=""/></ds:SignedInfo><ds:SignatureValue>x</ds:SignatureValue></ds:Signature><b/></r>';

  it('enveloped-signature: withoutSubtree(Signature) equals c14n of the document with the Signature removed', () => {
    const doc = parseXml(xml);
    const sig = doc.getElementsByTagNameNS(DS, 'Signature')[0]!;
    for (const algorithm of [C14N_10, C14N_11, EXC_C14N, EXC_C14N_WITH_COMMENTS]) {
      const subset = canonicalize(doc, { algorithm, nodeSet: withoutSubtree(sig) });
      const removed = parseXml(xml);
      const s2 = removed.getElementsByTagNameNS(DS, 'Signature')[0]!;
      s2.parentNode!.removeChild(s2);
      expect(subset, algorithm).toBe(canonicalize(removed, { algorithm }));
    }
    expect(canonicalize(doc, { algorithm: EXC_C14N, nodeSet: withoutSubtree(sig) })).toBe('<r xmlns="http://d" Id="r"><a>1</a><b></b></r>');
    // The same predicate works on an element subtree input.
    expect(canonicalize(doc.documentElement!, { algorithm: C14N_10, nodeSet: withoutSubtree(sig) })).toBe(
      '<r xmlns="http://d" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="r"><a>1</a><b></b></r>',
    );
  });

  it('a Set of nodes: attributes and text not in the set are not rendered; omitted elements pass their content through', () => {
    const doc = parseXml('<r xmlns:p="http://p" x="1" y="2"><p:o z="3"><p:i w="4">t</p:i></p:o></r>');
    const r = doc.documentElement!;
    const o = r.firstChild as unknown as Node;
    const i = o.firstChild as unknown as Node;
    const set = new Set<Node>([r, r.getAttributeNode('y')!, i, (i as unknown as { getAttributeNode(n: string): Node }).getAttributeNode('w'), i.firstChild!]);
    // Inclusive: p:i is rendered with the p namespace (output ancestor r did render it: in scope, same value).
    expect(canonicalize(doc, { algorithm: C14N_10, nodeSet: set })).toBe('<r xmlns:p="http://p" y="2"><p:i w="4">t</p:i></r>');
    // Exclusive: r does not utilize p, so p:i declares it.
    expect(canonicalize(doc, { algorithm: EXC_C14N, nodeSet: set })).toBe('<r y="2"><p:i xmlns:p="http://p" w="4">t</p:i></r>');
  });

  it('xmlns="" is emitted when the nearest rendered ancestor has a non-empty default, across omitted elements', () => {
    const doc = parseXml('<r xmlns="http://d"><o xmlns=""><i/></o></r>');
    const r = doc.documentElement!;
    const o = r.firstChild!;
    const i = o.firstChild!;
    for (const algorithm of [C14N_10, C14N_11, EXC_C14N]) {
      expect(canonicalize(doc, { algorithm, nodeSet: new Set<Node>([r, i]) }), algorithm).toBe('<r xmlns="http://d"><i xmlns=""></i></r>');
      expect(canonicalize(doc, { algorithm, nodeSet: new Set<Node>([i]) }), algorithm).toBe('<i></i>');
    }
  });

  it('orphan elements inherit xml:* from omitted ancestors: C14N 1.0 all, 1.1 lang/space + base fix-up (no xml:id), Exclusive none', () => {
    const doc = parseXml('<r xml:lang="en" xml:id="i1" xml:base="http://b.test/a/"><o xml:space="preserve" xml:base="c/"><e xml:base="d"/></o></r>');
    const e = doc.getElementsByTagName('e')[0]!;
    const set = (n: Node): boolean => n === e || (n.nodeType === 2 && (n as unknown as { ownerElement: Node }).ownerElement === e);
    expect(canonicalize(doc, { algorithm: C14N_10, nodeSet: set })).toBe('<e xml:base="d" xml:id="i1" xml:lang="en" xml:space="preserve"></e>');
    expect(canonicalize(doc, { algorithm: C14N_11, nodeSet: set })).toBe('<e xml:base="http://b.test/a/c/d" xml:lang="en" xml:space="preserve"></e>');
    expect(canonicalize(doc, { algorithm: EXC_C14N, nodeSet: set })).toBe('<e xml:base="d"></e>');
  });

  it('xml:base fix-up stops at the nearest rendered ancestor', () => {
    const doc = parseXml('<r xml:base="http://b.test/a/"><o xml:base="c/"><e xml:base="d"/></o></r>');
    const r = doc.documentElement!;
    const e = doc.getElementsByTagName('e')[0]!;
    const set = new Set<Node>([r, r.attributes[0]!, e, e.attributes[0]!]);
    expect(canonicalize(doc, { algorithm: C14N_11, nodeSet: set })).toBe('<r xml:base="http://b.test/a/"><e xml:base="c/d"></e></r>');
  });

  it('comments are rendered only if in the set and only by #WithComments algorithms', () => {
    const doc = parseXml('<!--pre--><r><!--in--><a/></r>');
    const all = allNodes(doc).filter((n) => n.nodeType !== 9);
    const noInner = all.filter((n) => !(n.nodeType === 8 && (n as unknown as { data: string }).data === 'in'));
    expect(canonicalize(doc, { algorithm: C14N_11_WITH_COMMENTS, nodeSet: new Set(all) })).toBe('<!--pre-->\n<r><!--in--><a></a></r>');
    expect(canonicalize(doc, { algorithm: C14N_11_WITH_COMMENTS, nodeSet: new Set(noInner) })).toBe('<!--pre-->\n<r><a></a></r>');
    expect(canonicalize(doc, { algorithm: C14N_11, nodeSet: new Set(all) })).toBe('<r><a></a></r>');
  });

  it('a full node set gives the same bytes as no node set (every algorithm)', () => {
    const doc = parseXml(xml);
    const set = new Set(allNodes(doc));
    for (const algorithm of [C14N_10, C14N_11, C14N_11_WITH_COMMENTS, EXC_C14N, EXC_C14N_WITH_COMMENTS]) {
      expect(canonicalize(doc, { algorithm, nodeSet: set }), algorithm).toBe(canonicalize(doc, { algorithm }));
      expect(canonicalize(doc, { algorithm, nodeSet: () => true }), algorithm).toBe(canonicalize(doc, { algorithm }));
    }
  });
});
