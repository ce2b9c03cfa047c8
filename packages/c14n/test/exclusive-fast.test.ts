// The exclusive c14n fast path (whole document or subtree, no node set) against the general walker
// (forced by an all-inclusive node set), plus the output buffer's edge cases: widening from Latin-1 to
// UTF-16 mid-piece, reuse of the scratch buffer after large outputs and after errors.
import type { Element as XElement, Node as XNode } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { C14nError, canonicalize, EXC_C14N, EXC_C14N_WITH_COMMENTS, parseXml } from '../src/index.js';
import { namespaceHeavyDocument } from './arbitraries.js';

const ALL = (): boolean => true;
const seed = process.env.OCAUTH_C14N_SEED === undefined ? undefined : Number(process.env.OCAUTH_C14N_SEED);

function elements(doc: XNode): XElement[] {
  const out: XElement[] = [];
  const visit = (n: XNode): void => {
    if (n.nodeType === 1) out.push(n as XElement);
    for (let c = n.firstChild; c; c = c.nextSibling) visit(c);
  };
  visit(doc);
  return out;
}

describe('exclusive c14n fast path equals the general walker', () => {
  it('on generated namespace-heavy documents, every subtree, with and without comments and PrefixLists', () => {
    fc.assert(
      fc.property(
        namespaceHeavyDocument(),
        fc.constantFrom(EXC_C14N, EXC_C14N_WITH_COMMENTS),
        fc.constantFrom(undefined, [], ['#default'], ['a', 'b'], ['#default', 'c', 'd', 'zz']),
        ({ xml }, algorithm, incl) => {
          const doc = parseXml(xml);
          const opts = incl === undefined ? { algorithm } : { algorithm, inclusiveNamespaces: incl };
          expect(canonicalize(doc as unknown as XNode, opts)).toBe(canonicalize(doc as unknown as XNode, { ...opts, nodeSet: ALL }));
          for (const el of elements(doc as unknown as XNode)) {
            expect(canonicalize(el, opts)).toBe(canonicalize(el, { ...opts, nodeSet: ALL }));
          }
        },
      ),
      { numRuns: 150, ...(seed === undefined ? {} : { seed }) },
    );
  });
});

describe('exclusive c14n output buffer', () => {
  it('widens to UTF-16 in the middle of names, attribute values and text, keeping what came before', () => {
    const xml =
      '<r xmlns="urn:%C3%A9" a="é&amp;\u20ac&quot;&#9;" b="x\u{1F600}y">caf\u00e9 &lt; \u2028 &#xD; \u{10000}<\u00e9l\u4e2d q="\u00ff\u0100"/>' +
      '<!-- \u20ac --></r>';
    const doc = parseXml(xml);
    expect(canonicalize(doc as unknown as XNode, { algorithm: EXC_C14N_WITH_COMMENTS })).toBe(
      '<r xmlns="urn:%C3%A9" a="é&amp;\u20ac&quot;&#x9;" b="x\u{1F600}y">caf\u00e9 &lt; \u2028 &#xD; \u{10000}<\u00e9l\u4e2d q="\u00ff\u0100"></\u00e9l\u4e2d>' +
        '<!-- \u20ac --></r>',
    );
    // The general walker agrees.
    expect(canonicalize(doc as unknown as XNode, { algorithm: EXC_C14N_WITH_COMMENTS })).toBe(
      canonicalize(doc as unknown as XNode, { algorithm: EXC_C14N_WITH_COMMENTS, nodeSet: ALL }),
    );
  });

  it('widens in the byte buffer too (outputs past the small-output string mode), in every kind of piece', () => {
    const filler = '<f a="1">plain latin-1 text é</f>'.repeat(400); // > 4096 chars before the first wide one
    for (const wide of [
      '<\u4e2d:x xmlns:\u4e2d="urn:wide">t</\u4e2d:x>', // element name
      '<x a="v\u20ac&amp;&quot;&#9;"/>', // attribute value, with escapes after the wide character
      '<x>text \u{1F600} &lt; &#xD; more</x>', // text, supplementary plane
      null, // namespace URI (an IRI: parseXml refuses it as libxml2 does, so the element is built below)
      '<x \u0101b="1"/>', // attribute name
    ]) {
      const doc = parseXml(`<r>${filler}${wide ?? '<x/>'}${filler}</r>`);
      if (wide === null) {
        // A DOM built by other means may hold any namespace name; c14n still has to write it.
        const x = doc.getElementsByTagName('x')[0]!;
        const iri = doc.createElementNS('urn:\u00e9\u0101', 'x');
        iri.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns', 'urn:\u00e9\u0101');
        x.parentNode!.replaceChild(iri, x);
      }
      const fast = canonicalize(doc, { algorithm: EXC_C14N_WITH_COMMENTS });
      expect(fast.length).toBeGreaterThan(8192);
      expect(fast).toBe(canonicalize(doc, { algorithm: EXC_C14N_WITH_COMMENTS, nodeSet: ALL }));
    }
  });

  it('copies long pieces natively only when they need no escaping and are Latin-1', () => {
    const long = 'QUJD'.repeat(40); // 160 chars of base64
    const filler = '<f a="1">x</f>'.repeat(400);
    for (const piece of [
      `<t>${long}</t>`, // native
      `<t>${long}\u00e9\u00ff</t>`, // native, Latin-1 above 0x7F
      `<t>${long}&amp;</t>`, // escape at the end of a long text
      `<t>${long}&#xD;</t>`, // CR at the end
      `<t>${long}\u0101</t>`, // wide character at the end: widens
      `<t a="${long}&quot;"/>`, // long attribute value with a quote
      `<t a="${long}&#9;&#10;"/>`, // TAB and LF in a long attribute value
      `<t a="${long}\u4e2d"/>`, // wide character in a long attribute value
      `<t xmlns:p="urn:${long}" p:a="1"/>`, // long namespace URI
    ]) {
      const doc = parseXml(`<r>${filler}${piece}${filler}</r>`);
      expect(canonicalize(doc, { algorithm: EXC_C14N })).toBe(canonicalize(doc, { algorithm: EXC_C14N, nodeSet: ALL }));
    }
  });

  it('is reused cleanly: after a multi-megabyte output, after a wide output and after an error', () => {
    const big = `<r>${'<i a="1">text &amp; more</i>'.repeat(200_000)}</r>`;
    const bigOut = canonicalize(parseXml(big, { maxBytes: 64 << 20 }), { algorithm: EXC_C14N });
    expect(bigOut).toBe(big);
    expect(canonicalize(parseXml('<a>\u4e2d</a>'), { algorithm: EXC_C14N })).toBe('<a>\u4e2d</a>');
    expect(canonicalize(parseXml('<b>x</b>'), { algorithm: EXC_C14N })).toBe('<b>x</b>');
    const bad = parseXml('<p:a xmlns:p="urn:p"><p:b xmlns:p="relative/uri">long text before the error</p:b></p:a>');
    expect(() => canonicalize(bad, { algorithm: EXC_C14N })).toThrow(C14nError);
    expect(canonicalize(parseXml('<c/>'), { algorithm: EXC_C14N })).toBe('<c></c>');
  });
});
