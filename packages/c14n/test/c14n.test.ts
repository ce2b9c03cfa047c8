// Correctness points of Canonical XML 1.0 / 1.1 and Exclusive C14N 1.0, one test each, with the
// expected bytes written out and cross-checked against libxml2 (xmllint) where xmllint can express the case.
import { describe, expect, it } from 'vitest';
import {
  C14N_10,
  C14N_10_WITH_COMMENTS,
  C14N_11,
  C14N_11_WITH_COMMENTS,
  C14nError,
  canonicalize,
  canonicalizeXml,
  EXC_C14N,
  EXC_C14N_WITH_COMMENTS,
  parseXml,
} from '../src/index.js';
import { haveXmllint, XMLLINT_FLAG, xmllintC14n } from './xmllint.js';

const WITH = [C14N_10_WITH_COMMENTS, C14N_11_WITH_COMMENTS, EXC_C14N_WITH_COMMENTS] as const;

/** Our output must be `expected`, and so must xmllint's (whole-document, comments kept). */
function agree(xml: string, algorithm: string, expected: string): void {
  expect(canonicalizeXml(xml, { algorithm }), `${algorithm} ours`).toBe(expected);
  if ((haveXmllint() && algorithm.endsWith('#WithComments')) || (haveXmllint() && !/<!--/.test(xml))) {
    expect(xmllintC14n(XMLLINT_FLAG[algorithm]!, xml), `${algorithm} xmllint`).toBe(expected);
  }
}

function c14nError(fn: () => unknown): C14nError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(C14nError);
    return e as C14nError;
  }
  throw new Error('expected a C14nError');
}

const firstElement = (doc: ReturnType<typeof parseXml>, tag: string) => doc.getElementsByTagName(tag)[0]!;

describe('whole documents', () => {
  it('xmlns="" undeclares a rendered default namespace (inclusive and exclusive), and is dropped when nothing to undo', () => {
    const xml = '<a xmlns="http://d"><b xmlns=""><c xmlns=""/></b><d xmlns=""/></a>';
    agree(xml, C14N_10, '<a xmlns="http://d"><b xmlns=""><c></c></b><d xmlns=""></d></a>');
    agree(xml, C14N_11, '<a xmlns="http://d"><b xmlns=""><c></c></b><d xmlns=""></d></a>');
    agree(xml, EXC_C14N, '<a xmlns="http://d"><b xmlns=""><c></c></b><d xmlns=""></d></a>');
    agree('<a xmlns=""><b/></a>', C14N_10, '<a><b></b></a>');
    agree('<a xmlns=""><b/></a>', EXC_C14N, '<a><b></b></a>');
  });

  it('keeps comment text byte for byte with #WithComments and drops comments without', () => {
    const xml = '<!--pre--><a><!-- x & < > "y" \t --><b/></a><!--post-->';
    for (const alg of WITH) agree(xml, alg, '<!--pre-->\n<a><!-- x & < > "y" \t --><b></b></a>\n<!--post-->');
    for (const alg of [C14N_10, C14N_11, EXC_C14N]) expect(canonicalizeXml(xml, { algorithm: alg })).toBe('<a><b></b></a>');
  });

  it('renders processing instructions as PIs (target, one space, data), inside and outside the document element', () => {
    const xml = '<?xml version="1.0"?>\n<?first   a  b ?>\n<a><?p?><?q x?></a>\n<?last?>';
    for (const alg of WITH) agree(xml, alg, '<?first a  b ?>\n<a><?p?><?q x?></a>\n<?last?>');
  });

  it('orders attributes by namespace URI then local name, in code point (not UTF-16) order', () => {
    // U+F900 (one UTF-16 unit, 0xF900) sorts before U+10000 (surrogates 0xD800 0xDC00) by code point.
    const xml = '<r xmlns:b="http://b" xmlns:a="http://a" \u{10000}="1" \uF900="2" z="3" b:a="4" a:z="5" a:a="6"/>';
    const expected = '<r xmlns:a="http://a" xmlns:b="http://b" z="3" \uF900="2" \u{10000}="1" a:a="6" a:z="5" b:a="4"></r>';
    for (const alg of [C14N_10, C14N_11]) agree(xml, alg, expected);
    agree(xml, EXC_C14N, expected);
  });

  it('orders namespace declarations by prefix, default first', () => {
    const xml =
      '<r xmlns:zz="http://z" xmlns:a="http://a" xmlns="http://d" xmlns:\uF900="http://f" xmlns:\u{10000}="http://s"><zz:x a:y="1" \uF900:q="2" \u{10000}:p="3"/></r>';
    agree(
      xml,
      C14N_10,
      '<r xmlns="http://d" xmlns:a="http://a" xmlns:zz="http://z" xmlns:\uF900="http://f" xmlns:\u{10000}="http://s"><zz:x a:y="1" \uF900:q="2" \u{10000}:p="3"></zz:x></r>',
    );
    agree(
      xml,
      EXC_C14N,
      '<r xmlns="http://d"><zz:x xmlns:a="http://a" xmlns:zz="http://z" xmlns:\uF900="http://f" xmlns:\u{10000}="http://s" a:y="1" \uF900:q="2" \u{10000}:p="3"></zz:x></r>',
    );
  });

  it('separates nodes outside the document element with #xA and drops the XML declaration and DOCTYPE', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n\n<!--a-->  <?b?>\n<r/>\n<!--c-->\n\n<?d e?>\n';
    for (const alg of WITH) agree(xml, alg, '<!--a-->\n<?b?>\n<r></r>\n<!--c-->\n<?d e?>');
    expect(canonicalize(parseXml('<!DOCTYPE r [<!ELEMENT r ANY>]><!--x--><r/>', { allowDoctype: true }) as never, { algorithm: C14N_10_WITH_COMMENTS })).toBe(
      '<!--x-->\n<r></r>',
    );
  });

  it('fails on relative namespace URIs with ERR_C14N_RELATIVE_NAMESPACE (libxml2 fails too)', () => {
    for (const xml of ['<a xmlns="rel/x"/>', '<a xmlns:p="../p"><p:b/></a>', '<a><b xmlns:q="q"/></a>']) {
      for (const algorithm of [C14N_10, C14N_11, EXC_C14N]) {
        const e = c14nError(() => canonicalizeXml(xml, { algorithm }));
        expect(e.code).toBe('ERR_C14N_RELATIVE_NAMESPACE');
        expect(e.message).toMatch(/expected an absolute namespace URI, received the relative URI "/);
        if (haveXmllint()) expect(() => xmllintC14n(XMLLINT_FLAG[algorithm]!, xml)).toThrow(/Relative namespace/);
      }
    }
    expect(canonicalizeXml('<a xmlns="urn:x" xmlns:h="http://h/"/>', { algorithm: C14N_10 })).toBe('<a xmlns="urn:x" xmlns:h="http://h/"></a>');
  });

  it('escapes & (and < ") in namespace URIs as in attribute values; libxml2 writes a raw & (pinned departure)', () => {
    // parseXml refuses < and " in a namespace name (not a URI reference), as libxml2 does; a DOM built
    // by other means may hold them, and c14n escapes them as in attribute values.
    expect(() => parseXml('<a xmlns:p="http://x/?a=1&amp;b=&quot;2&quot;&lt;"><p:b/></a>')).toThrow(/URI reference/);
    const doc = parseXml('<a><b/></a>');
    const uri = 'http://x/?a=1&b="2"<';
    const a = doc.documentElement!;
    a.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:p', uri);
    a.replaceChild(doc.createElementNS(uri, 'p:b'), a.firstChild!);
    const ours = '<a xmlns:p="http://x/?a=1&amp;b=&quot;2&quot;&lt;"><p:b></p:b></a>';
    expect(canonicalize(doc, { algorithm: C14N_10 })).toBe(ours);
    expect(canonicalize(doc, { algorithm: EXC_C14N })).toBe('<a><p:b xmlns:p="http://x/?a=1&amp;b=&quot;2&quot;&lt;"></p:b></a>');
    if (haveXmllint()) {
      // C14N 1.0 §2.3: a namespace node is rendered like an attribute, its value escaped. libxml2 does not
      // (and refuses < and " in a namespace URI at parse time).
      const amp = '<a xmlns:p="http://x/?a=1&amp;b=2"><p:b/></a>';
      expect(canonicalizeXml(amp, { algorithm: C14N_10 })).toBe('<a xmlns:p="http://x/?a=1&amp;b=2"><p:b></p:b></a>');
      expect(xmllintC14n('--c14n', amp)).toBe('<a xmlns:p="http://x/?a=1&b=2"><p:b></p:b></a>');
    }
  });

  it('never renders xmlns:xml, and renders xml:* attributes as ordinary attributes', () => {
    const xml = '<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"><b xml:space="preserve"/></a>';
    for (const alg of [C14N_10, C14N_11, EXC_C14N]) agree(xml, alg, '<a xml:lang="en"><b xml:space="preserve"></b></a>');
  });

  it('treats attributes whose names start with xmlns (but are not xmlns or xmlns:*) as ordinary attributes', () => {
    const xml = '<a xmlnsx="1" xmlns-b="2" xmlns_="3" b="4" xmlns="http://d"/>';
    for (const alg of [C14N_10, C14N_11, EXC_C14N]) agree(xml, alg, '<a xmlns="http://d" b="4" xmlns-b="2" xmlns_="3" xmlnsx="1"></a>');
  });

  it('escapes text (& < > CR) and attribute values (& < " TAB LF CR), normalizes attribute whitespace, expands CDATA', () => {
    const xml = '<a x="&#9;&#10;&#13; &lt;&amp;&quot;&gt;\t\n" y=\'"\'>&#13;&amp;&lt;&gt;"\'<![CDATA[<&>]]></a>';
    for (const alg of [C14N_10, C14N_11, EXC_C14N])
      agree(xml, alg, '<a x="&#x9;&#xA;&#xD; &lt;&amp;&quot;>  " y="&quot;">&#xD;&amp;&lt;&gt;"\'&lt;&amp;&gt;</a>');
  });

  it('keeps exclusive c14n declarations where they are visibly utilized, re-declaring under siblings', () => {
    const xml = '<s:E xmlns:s="http://s" xmlns:u="http://u" xmlns:unused="http://n"><s:H><u:T u:Id="1"/></s:H><s:B u:Id="2"/></s:E>';
    agree(xml, EXC_C14N, '<s:E xmlns:s="http://s"><s:H><u:T xmlns:u="http://u" u:Id="1"></u:T></s:H><s:B xmlns:u="http://u" u:Id="2"></s:B></s:E>');
    agree(xml, C14N_10, '<s:E xmlns:s="http://s" xmlns:u="http://u" xmlns:unused="http://n"><s:H><u:T u:Id="1"></u:T></s:H><s:B u:Id="2"></s:B></s:E>');
  });
});

describe('element subtrees', () => {
  const xml =
    '<r xmlns="http://d" xmlns:a="http://a" xmlns:n="http://n" xml:lang="en" xml:space="preserve" xml:id="r1" xml:base="http://e.org/x/">' +
    '<m xml:base="y/z/" xml:lang="fr"><a:t xml:base="../w" a:k="v"><n:c/></a:t></m></r>';
  const doc = parseXml(xml);
  const t = firstElement(doc, 'a:t');

  it('C14N 1.0: renders every in-scope namespace and inherits every xml:* attribute of the ancestors', () => {
    expect(canonicalize(t, { algorithm: C14N_10 })).toBe(
      '<a:t xmlns="http://d" xmlns:a="http://a" xmlns:n="http://n" a:k="v" xml:base="../w" xml:id="r1" xml:lang="fr" xml:space="preserve"><n:c></n:c></a:t>',
    );
  });

  it('C14N 1.1: inherits xml:lang and xml:space, not xml:id, and fixes up xml:base against the omitted ancestors', () => {
    expect(canonicalize(t, { algorithm: C14N_11 })).toBe(
      '<a:t xmlns="http://d" xmlns:a="http://a" xmlns:n="http://n" a:k="v" xml:base="http://e.org/x/y/w" xml:lang="fr" xml:space="preserve"><n:c></n:c></a:t>',
    );
  });

  it('Exclusive: renders only visibly utilized namespaces and inherits no xml:* attribute', () => {
    expect(canonicalize(t, { algorithm: EXC_C14N })).toBe('<a:t xmlns:a="http://a" a:k="v" xml:base="../w"><n:c xmlns:n="http://n"></n:c></a:t>');
  });

  it('Exclusive InclusiveNamespaces PrefixList renders listed prefixes in scope, #default included', () => {
    expect(canonicalize(t, { algorithm: EXC_C14N, inclusiveNamespaces: ['n', '#default', 'absent'] })).toBe(
      '<a:t xmlns="http://d" xmlns:a="http://a" xmlns:n="http://n" a:k="v" xml:base="../w"><n:c></n:c></a:t>',
    );
    expect(canonicalize(t, { algorithm: EXC_C14N, inclusiveNamespaces: ' n\t#default ' })).toBe(
      canonicalize(t, { algorithm: EXC_C14N, inclusiveNamespaces: ['n', '#default'] }),
    );
  });

  it('#default in the PrefixList emits xmlns="" where the default namespace is undeclared under a rendered one', () => {
    const d = parseXml('<r xmlns="http://d"><p:a xmlns:p="http://p"><p:b xmlns=""/></p:a></r>');
    const r = d.documentElement!;
    expect(canonicalize(r, { algorithm: EXC_C14N, inclusiveNamespaces: ['#default'] })).toBe(
      '<r xmlns="http://d"><p:a xmlns:p="http://p"><p:b xmlns=""></p:b></p:a></r>',
    );
    expect(canonicalize(r, { algorithm: EXC_C14N })).toBe('<r xmlns="http://d"><p:a xmlns:p="http://p"><p:b></p:b></p:a></r>');
  });

  it('an element subtree equals the whole-document c14n of the same element serialized alone (exclusive)', () => {
    const env =
      '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsu="http://u"><S:Header><wsu:Timestamp wsu:Id="_0"><wsu:Created>2026-11-23T08:00:00Z</wsu:Created></wsu:Timestamp></S:Header></S:Envelope>';
    const ts = firstElement(parseXml(env), 'wsu:Timestamp');
    const expected = '<wsu:Timestamp xmlns:wsu="http://u" wsu:Id="_0"><wsu:Created>2026-11-23T08:00:00Z</wsu:Created></wsu:Timestamp>';
    expect(canonicalize(ts, { algorithm: EXC_C14N })).toBe(expected);
    if (haveXmllint()) expect(xmllintC14n('--exc-c14n', expected)).toBe(expected);
  });
});

describe('typed errors', () => {
  it('rejects unknown algorithms, PrefixLists with inclusive algorithms, bad prefixes and non-nodes', () => {
    const doc = parseXml('<a/>');
    let e = c14nError(() => canonicalize(doc, { algorithm: 'http://www.w3.org/2000/09/xmldsig#sha1' }));
    expect(e.code).toBe('ERR_C14N_ALGORITHM');
    expect(e.message).toMatch(/options.algorithm: expected one of .*, received "http:\/\/www.w3.org\/2000\/09\/xmldsig#sha1"/);
    e = c14nError(() => canonicalize(doc, { algorithm: C14N_10, inclusiveNamespaces: ['a'] }));
    expect(e.code).toBe('ERR_C14N_ALGORITHM');
    e = c14nError(() => canonicalize(doc, { algorithm: EXC_C14N, inclusiveNamespaces: ['a:b'] }));
    expect(e.code).toBe('ERR_C14N_ALGORITHM');
    e = c14nError(() => canonicalize(doc.documentElement!.attributes as never, { algorithm: EXC_C14N }));
    expect(e.code).toBe('ERR_C14N_INPUT');
    e = c14nError(() => canonicalize(null as never, { algorithm: EXC_C14N }));
    expect(e.code).toBe('ERR_C14N_INPUT');
  });
});
