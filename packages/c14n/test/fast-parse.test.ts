// parseXml's fast path (src/internal/fast-parse.ts) must build exactly the DOM xmldom builds, or step
// aside. Every case here parses the same text twice, with the fast path on and off, and compares
// everything a reader of the DOM can see (node types, names, namespaces, values, attribute order,
// owner links, namespace maps, line and column numbers, serialization) or the error raised.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLSerializer } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, EXC_C14N, parseXml, XmlParseError } from '../src/index.js';
import { fastParse } from '../src/internal/fast-parse.js';
import { parsePrepared, prepareXmlText } from '../src/internal/parse.js';
import { mutatedDocument, namespaceHeavyDocument } from './arbitraries.js';

type AnyNode = {
  nodeType: number;
  nodeName: string;
  namespaceURI: string | null;
  prefix: string | null;
  localName: string | null;
  nodeValue: string | null;
  lineNumber?: number;
  columnNumber?: number;
  parentNode: AnyNode | null;
  ownerDocument: AnyNode | null;
  firstChild: AnyNode | null;
  lastChild: AnyNode | null;
  nextSibling: AnyNode | null;
  previousSibling: AnyNode | null;
  childNodes: { length: number; item(i: number): AnyNode | null };
  attributes?: { length: number; item(i: number): AnyNode & { value: string; ownerElement: AnyNode; specified: boolean } };
  _nsMap?: Record<string, string> | null;
  data?: string;
  target?: string;
  documentElement?: AnyNode | null;
  doctype?: unknown;
};

/** Everything observable about a DOM, as lines of text. */
function dump(doc: AnyNode): string {
  const out: string[] = [];
  const where = (n: AnyNode): string => `@${n.lineNumber}:${n.columnNumber}`;
  const nsMap = (n: AnyNode): string => JSON.stringify(n._nsMap ? Object.entries(n._nsMap).sort() : null);
  const walk = (n: AnyNode, indent: string): void => {
    out.push(
      `${indent}${n.nodeType} ${JSON.stringify(n.nodeName)} ns=${JSON.stringify(n.namespaceURI)} p=${JSON.stringify(n.prefix)} l=${JSON.stringify(n.localName)} v=${JSON.stringify(n.nodeValue)} d=${JSON.stringify(n.data)} t=${JSON.stringify(n.target)} ${where(n)}${n.nodeType === 1 ? ' nsmap=' + nsMap(n) : ''}`,
    );
    if (n.ownerDocument !== (n.nodeType === 9 ? null : doc)) out.push(`${indent}  !ownerDocument`);
    if (n.attributes) {
      for (let i = 0; i < n.attributes.length; i++) {
        const a = n.attributes.item(i);
        out.push(
          `${indent}  @${JSON.stringify(a.nodeName)} ns=${JSON.stringify(a.namespaceURI)} p=${JSON.stringify(a.prefix)} l=${JSON.stringify(a.localName)} v=${JSON.stringify(a.value)} nv=${JSON.stringify(a.nodeValue)} s=${a.specified} ${where(a)}`,
        );
        if (a.ownerElement !== n || a.ownerDocument !== doc) out.push(`${indent}  !owner of attribute ${i}`);
      }
    }
    let prev: AnyNode | null = null;
    let i = 0;
    for (let c = n.firstChild; c; c = c.nextSibling, i++) {
      if (c.parentNode !== n || c.previousSibling !== prev || n.childNodes.item(i) !== c) out.push(`${indent}  !links of child ${i}`);
      walk(c, indent + '  ');
      prev = c;
    }
    if (n.lastChild !== prev || n.childNodes.length !== i) out.push(`${indent}  !child list`);
  };
  walk(doc, '');
  out.push(`documentElement=${doc.documentElement?.nodeName} doctype=${String(doc.doctype)}`);
  out.push(new XMLSerializer().serializeToString(doc as never));
  return out.join('\n');
}

/** The DOM dump, or the error: what parseXml does with `xml` with the fast path on or off. */
function outcome(xml: string | Uint8Array, fast: boolean, opts?: Parameters<typeof parseXml>[1]): string {
  try {
    const doc = fast ? parseXml(xml, opts) : parsePrepared(prepareXmlText(xml, opts ?? {}), opts ?? {}, false);
    return dump(doc as unknown as AnyNode);
  } catch (e) {
    if (!(e instanceof XmlParseError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

/** Whether the fast path itself builds a document for `xml` (line endings already LF). */
const takes = (xml: string): boolean => fastParse(xml, 256, 256) !== null;

function same(xml: string, opts?: Parameters<typeof parseXml>[1]): void {
  expect(outcome(xml, true, opts), JSON.stringify(xml)).toBe(outcome(xml, false, opts));
}

const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const ENVELOPE =
  `<?xml version="1.0" encoding="utf-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="${WSU}">\n` +
  `  <s:Header>\n    <a:Action s:mustUnderstand="1">http://tempuri.org/IService/Op</a:Action>\n` +
  `    <o:Security s:mustUnderstand="1" xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">` +
  `<u:Timestamp u:Id="_0"><u:Created>2026-11-23T08:00:00.000Z</u:Created><u:Expires>2026-11-23T08:05:00.000Z</u:Expires></u:Timestamp></o:Security>\n  </s:Header>\n` +
  `  <s:Body u:Id="_1"><Op xmlns="http://tempuri.org/"><x a="1 &amp; 2">42 &lt; 43 &#x263A; &#128512;</x><!-- note --><y xmlns=""/></Op></s:Body>\n</s:Envelope>\n`;

describe('parseXml fast path', () => {
  it('builds the SOAP envelope itself, and builds it exactly as xmldom does', () => {
    expect(takes(ENVELOPE)).toBe(true);
    same(ENVELOPE);
    const doc = parseXml(ENVELOPE);
    const ts = doc.getElementsByTagNameNS(WSU, 'Timestamp')[0]!;
    expect(canonicalize(ts, { algorithm: EXC_C14N })).toBe(
      `<u:Timestamp xmlns:u="${WSU}" u:Id="_0"><u:Created>2026-11-23T08:00:00.000Z</u:Created><u:Expires>2026-11-23T08:05:00.000Z</u:Expires></u:Timestamp>`,
    );
  });

  // Each entry: the text, and whether the fast path is expected to build it (false: it must step aside).
  const cases: [string, boolean][] = [
    ['<a/>', true],
    ['<a></a>', true],
    ['\n \t<a/>\n', true],
    ['<?xml version="1.0"?><a/>', true],
    ["<?xml version='1.1' encoding='ISO-8859-1' standalone='no' ?>\n<a/>", true],
    ['<?xml  version = "1.0"  standalone="yes"?><a/>', true],
    ['<?xml version="1.0" encoding="UTF-8" standalone="maybe"?><a/>', false],
    ['<?xml?><a/>', false],
    ['<?XML version="1.0"?><a/>', false],
    [' <?xml version="1.0"?><a/>', false],
    ['<a/><?xml version="1.0"?>', false],
    ['<?pi?><a/>', true],
    ['<?pi ?><a/>', true],
    ['<?pi   two  words  ?><a><?q x?y?></a><?r?>', true],
    ['<?pi"x"?><a/>', false],
    ['<?p:i x?><a/>', false],
    ['<?xml-stylesheet href="s"?><a/>', true],
    ['<!-- c --><a><!----><!-- - --></a><!--x-->\n', true],
    ['<a><!-- a -- b --></a>', false],
    ['<a><!-- a ---></a>', false],
    ['<a><!----->x</a>', false],
    ['<a><![CDATA[<&>]]>t<![CDATA[x]]></a>', true],
    ['<a>x<![CDATA[]]>y</a>', false],
    ['<![CDATA[x]]><a/>', false],
    ['<a>]]></a>', false], // refused (XML 1.0 §2.4), by the xmldom path's check too
    ['<a>x > y</a>', true],
    ['<a>&amp;&lt;&gt;&quot;&apos;&#65;&#x41;&#x1F600;&#0065;</a>', true],
    ['<a>&nope;</a>', false],
    ['<a>& b</a>', false],
    ['<a>&amp</a>', false],
    ['<a>&#X41;</a>', false],
    ['<a>&#x;</a>', false],
    ['<a>&#;</a>', false],
    ['<a b="&#9;&#10;&#13;\t\n x" c=\'"\' d="\'" e="&lt;&gt;&amp;"/>', true],
    ['<a b="<"/>', false],
    ['<a b="&bogus;"/>', false],
    ['<a b="1"c="2"/>', false],
    ['<a b = "1"\n\tc\n=\n\'2\'  />', true],
    ['<a b/>', false],
    ['<a b=1/>', false],
    ['<a b="1" b="2"/>', false],
    ['<a xmlns:p="urn:p" xmlns:q="urn:p" p:x="1" q:x="2"/>', false],
    ['<a xmlns:p="urn:p" xmlns:q="urn:q" p:x="1" q:x="2" x="3"/>', true],
    ['<a/ >', false],
    ['< a/>', false],
    ['<a >x</a >', true],
    ['<a>x</a\n>', true],
    ['<a>x</b>', false],
    ['<a>x</ab>', false],
    ['<ab>x</a>', false],
    ['<a><b></a>', false],
    ['<a>', false],
    ['<a/><b/>', false],
    ['<a/>x', false],
    ['x<a/>', false],
    ['', false],
    ['  ', false],
    ['<!-- only -->', false],
    ['<!DOCTYPE a><a/>', false],
    ['<a:b/>', false],
    ['<a xmlns:a="urn:a"><a:b a:c="1"/></a>', true],
    ['<a xmlns:a="urn:a"><b/><a:c/></a><!-- after -->', true],
    ['<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c/></p:b><p:d/></p:a>', true],
    ['<a xmlns="urn:d"><b xmlns=""><c/></b><d/></a>', true],
    ['<a x:y="1"/>', false],
    ['<xmlns:a/>', false],
    ['<a xml:lang="en" xml:space="preserve"/>', true],
    ['<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/>', true],
    ['<a xmlns:xml="urn:x"/>', false],
    ['<a xmlns:xmlns="urn:x"/>', false],
    ['<a xmlns:p=""/>', false],
    ['<a xmlns:p="http://www.w3.org/2000/xmlns/"/>', false],
    ['<x xmlns="http://www.w3.org/2000/xmlns/"/>', false],
    ['<a:/>', false],
    ['<:a/>', false],
    ['<a:b:c xmlns:a="urn:a"/>', false],
    ['<1a/>', false],
    ['<_a.b-c d.e="1"/>', true],
    ['<é/>', false],
    ['<aé/>', false],
    ['<a b\u0080="1"/>', false],
    ['<a>\u0080\u2028\uFFFD é \u{1F600}</a>', true],
    ['<a>line1\r\nline2\rline3</a>', true],
    ['<a\r\nb="1\r\n2"/>', true],
    ['<a>\n<b\n c="1"\n d="2">\n\n<c/>text\n</b></a>', true],
  ];
  for (const [xml, fast] of cases) {
    it(`${fast ? 'builds' : 'steps aside for'} ${JSON.stringify(xml)}${fast ? '' : ' (xmldom decides)'}`, () => {
      expect(takes(xml.replace(/\r\n?/g, '\n'))).toBe(fast);
      same(xml);
    });
  }

  it('an abandoned parse leaves no namespace binding behind for the next one', () => {
    expect(takes('<a xmlns:p="urn:p" xmlns="urn:d"><b>&bogus;</b></a>')).toBe(false);
    expect(takes('<p:x/>')).toBe(false);
    same('<p:x/>');
    const doc = parseXml('<x/>');
    expect(doc.documentElement!.namespaceURI).toBeNull();
  });

  it('finds duplicate attributes among many (hashed past eight) as among few', () => {
    const many = Array.from({ length: 20 }, (_, i) => ` a${i}="${i}" p:b${i}="${i}"`).join('');
    const ok = `<r xmlns:p="urn:p" xmlns:q="urn:q"><e${many} q:b3="x"/></r>`;
    expect(takes(ok)).toBe(true);
    same(ok);
    for (const dup of [' a7="again"', ' xmlns:z="urn:p" z:b0="x"', ' xmlns:q="urn:p" q:b5="x"', ' p:b19="again"']) {
      const bad = `<r xmlns:p="urn:p" xmlns:q="urn:q"><e${many}${dup}/></r>`;
      expect(takes(bad), dup).toBe(false);
      expect(outcome(bad, true), dup).toMatch(/^ERR_XML_PARSE: /);
      same(bad);
    }
  });

  it('steps aside at the depth and attribute bounds, so the bound errors are xmldom-positioned as before', () => {
    const deep = '<a>'.repeat(5) + '</a>'.repeat(5);
    same(deep, { maxDepth: 4 });
    same(deep, { maxDepth: 5 });
    same('<a x1="" x2="" x3=""/>', { maxAttributes: 2 });
    same('<a x1="" x2="" x3=""/>', { maxAttributes: 3 });
    expect(fastParse(deep, 4, 256)).toBeNull();
    // Called directly (parseXml checks characters first), out-of-range references still step aside.
    expect(fastParse('<a>&#x110000;</a>', 256, 256)).toBeNull();
    expect(fastParse('<a b="&#99999999999;"/>', 256, 256)).toBeNull();
    expect(fastParse(deep, 5, 256)).not.toBeNull();
  });

  it('generated namespace-heavy documents: same DOM (or same error) with and without the fast path, and it takes most ASCII ones', () => {
    let taken = 0;
    let total = 0;
    fc.assert(
      fc.property(namespaceHeavyDocument({ asciiNames: true }), (d) => {
        total++;
        if (takes(d.xml.replace(/\r\n?/g, '\n'))) taken++;
        same(d.xml);
      }),
      { numRuns: 300 },
    );
    // Empty CDATA sections are the only construct of the generator it leaves to xmldom.
    expect(taken / total).toBeGreaterThan(0.6);
    fc.assert(
      fc.property(namespaceHeavyDocument(), (d) => same(d.xml)),
      { numRuns: 150 },
    );
  });

  it('every XML text among the repository vectors (files, and XML strings inside JSON vectors): same DOM or same error', () => {
    const root = fileURLToPath(new URL('../../../vectors/', import.meta.url));
    const texts: [string, string | Uint8Array][] = [];
    const strings = (where: string, v: unknown): void => {
      if (typeof v === 'string') {
        if (v.trimStart().startsWith('<')) texts.push([where, v]);
      } else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) strings(`${where}/${k}`, x);
      }
    };
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.xml')) texts.push([path, new Uint8Array(readFileSync(path))]);
        else if (name.endsWith('.json')) strings(path, JSON.parse(readFileSync(path, 'utf8')));
      }
    };
    walk(root);
    let fast = 0;
    for (const [where, text] of texts) {
      const a = outcome(text, true, { allowDoctype: true });
      expect(a, where).toBe(outcome(text, false, { allowDoctype: true }));
      if (typeof text === 'string' && !a.startsWith('ERR_') && takes(text.replace(/\r\n?/g, '\n'))) fast++;
    }
    expect(texts.length).toBeGreaterThan(150);
    // The JSON vectors are protocol messages: most go through the fast path.
    expect(fast).toBeGreaterThan(50); // 86 on 2026-12-04
  });

  const TOKENS = [
    '<',
    '>',
    '&',
    ';',
    '"',
    "'",
    '=',
    '/',
    ':',
    '!',
    '?',
    '-',
    '[',
    ']',
    ' ',
    '\n',
    '\t',
    '\r',
    'xmlns',
    ' xmlns:a="urn:q"',
    ' xmlns=""',
    'a:',
    '&amp;',
    '&#x41;',
    '&#65;',
    ']]>',
    '<!--',
    '-->',
    '<![CDATA[',
    '<?pi x?>',
    '<?xml version="1.0"?>',
    'é',
    '<!DOCTYPE a>',
    ' p:x="1"',
    ' x="1"',
    '\uFFFD',
    '\u0080',
    '</a>',
    '<a>',
    '<b/>',
    'xml:',
  ];
  it('mutated documents (inserted, deleted and replaced markup): same DOM or same error either way', () => {
    const mutated = mutatedDocument(namespaceHeavyDocument({ asciiNames: true, maxDepth: 3 }), TOKENS, 4);
    fc.assert(
      fc.property(mutated, (s) => same(s)),
      { numRuns: 3000 },
    );
  });
});
