// Hostile input: entity expansion, external entities, deep nesting, huge and many attributes, huge
// text. Each gets a typed error or bounded work; never a hang, a stack overflow or a crash.
import { describe, expect, it } from 'vitest';
import { C14N_10, C14N_11, canonicalize, canonicalizeXml, EXC_C14N, parseXml, XmlParseError } from '../src/index.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(XmlParseError);
    return (e as XmlParseError).code;
  }
  return 'no error';
}

const LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
  ']><lolz>&lol9;</lolz>';

describe('hostile XML', () => {
  it('billion laughs: refused as a DOCTYPE; with allowDoctype the entity is never expanded (ERR_XML_PARSE)', () => {
    expect(code(() => parseXml(LAUGHS))).toBe('ERR_XML_DOCTYPE');
    expect(code(() => canonicalizeXml(LAUGHS, { algorithm: C14N_10 }))).toBe('ERR_XML_DOCTYPE');
    expect(code(() => parseXml(LAUGHS, { allowDoctype: true }))).toBe('ERR_XML_PARSE');
  });

  it('entity in an attribute value and quadratic blowup (one large entity used many times) are refused', () => {
    const big = 'x'.repeat(10_000);
    const quad = `<!DOCTYPE a [<!ENTITY e "${big}">]><a b="&e;">${'&e;'.repeat(1000)}</a>`;
    expect(code(() => parseXml(quad))).toBe('ERR_XML_DOCTYPE');
    expect(code(() => parseXml(quad, { allowDoctype: true }))).toBe('ERR_XML_PARSE');
  });

  it('external entities (XXE) and external DTDs are refused, also with allowDoctype, without any I/O', () => {
    const xxe = [
      '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
      '<!DOCTYPE a [<!ENTITY x PUBLIC "-//X" "http://127.0.0.1:1/x">]><a>&x;</a>',
      '<!DOCTYPE a SYSTEM "http://127.0.0.1:1/a.dtd"><a/>',
      '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd">%p;]><a/>',
    ];
    for (const x of xxe) {
      expect(
        code(() => parseXml(x)),
        x,
      ).toBe('ERR_XML_DOCTYPE');
      expect(
        code(() => parseXml(x, { allowDoctype: true })),
        x,
      ).toBe('ERR_XML_DOCTYPE');
    }
  });

  it('a DOCTYPE after other markup or hidden behind a comment is still refused', () => {
    expect(code(() => parseXml('<!-- x --><!DOCTYPE a [<!ENTITY e "e">]><a>&e;</a>'))).toBe('ERR_XML_DOCTYPE');
    expect(code(() => parseXml('<a><!DOCTYPE a></a>'))).toBe('ERR_XML_PARSE');
    // "<!DOCTYPE" inside a comment or CDATA is data, not a declaration.
    expect(canonicalizeXml('<a><!-- <!DOCTYPE x> --><![CDATA[<!DOCTYPE y>]]></a>', { algorithm: C14N_10 })).toBe('<a>&lt;!DOCTYPE y&gt;</a>');
  });

  it('deep nesting: refused early by the default depth bound', () => {
    const n = 100_000;
    const deep = '<a>'.repeat(n) + '</a>'.repeat(n);
    const e = (() => {
      try {
        parseXml(deep);
      } catch (x) {
        return x as XmlParseError;
      }
      return undefined;
    })();
    expect(e?.code).toBe('ERR_XML_LIMIT');
    expect(e?.message).toMatch(/expected nesting depth at most 256, received deeper nesting/);
  });

  it('deep nesting: 100k levels allowed explicitly canonicalize without overflowing the stack (iterative walk)', () => {
    const n = 100_000;
    const deep = '<a xmlns="http://d" xml:lang="en">' + '<b>'.repeat(n) + 't' + '</b>'.repeat(n) + '</a>';
    const doc = parseXml(deep, { maxDepth: n + 1 });
    for (const algorithm of [C14N_10, C14N_11, EXC_C14N]) {
      // The input is already canonical.
      expect(canonicalize(doc, { algorithm }) === deep, algorithm).toBe(true);
    }
    // Subtree input deep inside: ancestor context is gathered iteratively too.
    let inner = doc.documentElement!;
    for (let i = 0; i < n; i++) inner = inner.firstChild as typeof inner;
    expect(canonicalize(inner, { algorithm: C14N_10 })).toBe('<b xmlns="http://d" xml:lang="en">t</b>');
    expect(canonicalize(inner, { algorithm: EXC_C14N })).toBe('<b xmlns="http://d">t</b>');
  });

  it('many attributes: refused past the bound; at the bound, canonical order is produced', () => {
    const attrs = (k: number) => Array.from({ length: k }, (_, i) => ` a${(k - i).toString().padStart(5, '0')}="${i}"`).join('');
    expect(code(() => parseXml(`<e${attrs(10_000)}/>`))).toBe('ERR_XML_LIMIT');
    const out = canonicalizeXml(`<e${attrs(256)}/>`, { algorithm: C14N_10 });
    expect(out.startsWith('<e a00001="255" a00002="254"')).toBe(true);
    // Many attributes explicitly allowed: still sorted, in bounded time.
    expect(canonicalizeXml(`<e${attrs(5000)}/>`, { algorithm: EXC_C14N, parse: { maxAttributes: 5000 } }).startsWith('<e a00001="4999"')).toBe(true);
  });

  it('huge attribute values and huge text stay within the byte bound and canonicalize linearly', () => {
    const huge = 'v&amp;'.repeat(400_000); // 2.4 MB of source
    const out = canonicalizeXml(`<a x="${huge}">${huge}</a>`, { algorithm: EXC_C14N });
    expect(out.length).toBe(8 + 2 * huge.length + 4);
    expect(code(() => parseXml(`<a x="${'x'.repeat(2_000_000)}"/>`, { maxBytes: 1_000_000 }))).toBe('ERR_XML_LIMIT');
    expect(code(() => parseXml('<a>' + 'x'.repeat(17 * 1024 * 1024) + '</a>'))).toBe('ERR_XML_LIMIT');
  });

  it('many namespace declarations on one element and on every level stay linear', () => {
    const decls = Array.from({ length: 200 }, (_, i) => ` xmlns:p${i}="urn:p${i}"`).join('');
    const body = Array.from({ length: 200 }, (_, i) => `<p${i}:e/>`).join('');
    const xml = `<r${decls}>${body}</r>`;
    expect(canonicalizeXml(xml, { algorithm: C14N_11 }).length).toBeGreaterThan(xml.length);
    expect(canonicalizeXml(xml, { algorithm: EXC_C14N })).toBe(
      '<r>' + Array.from({ length: 200 }, (_, i) => `<p${i}:e xmlns:p${i}="urn:p${i}"></p${i}:e>`).join('') + '</r>',
    );
  });

  it('binary garbage, NUL bytes and lone surrogates are typed errors', () => {
    expect(code(() => parseXml(new Uint8Array([0, 1, 2, 3, 0xc3])))).toBe('ERR_XML_PARSE');
    for (const bad of [
      '<a>\u0000</a>',
      '<a>\u0001</a>',
      '<a x="\u001F"/>',
      '<a>\uFFFF</a>',
      '<a>\uD800</a>',
      '<a>\uDC00x</a>',
      '<a>&#0;</a>',
      '<a>&#x1;</a>',
      '<a x="&#xD800;"/>',
      '<a>&#x110000;</a>',
      '<a>&#99999999999999999999;</a>',
    ]) {
      expect(
        code(() => parseXml(bad)),
        JSON.stringify(bad),
      ).toBe('ERR_XML_PARSE');
    }
    expect(parseXml('<a>\t\n\r&#x9;&#xD;&#x10FFFF;\u{10FFFF}\uFFFD</a>', {}).documentElement!.textContent).toBe('\t\n\n\t\r\u{10FFFF}\u{10FFFF}\uFFFD');
    expect(code(() => parseXml(new Uint8Array([0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x61, 0x3e])))).toBe('ERR_XML_PARSE');
  });
});
