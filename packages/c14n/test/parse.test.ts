import { describe, expect, it } from 'vitest';
import { parseXml, XmlParseError } from '../src/index.js';

function parseError(fn: () => unknown): XmlParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(XmlParseError);
    return e as XmlParseError;
  }
  throw new Error('expected an XmlParseError, nothing was thrown');
}

describe('parseXml', () => {
  it('parses namespaced XML from a string and from UTF-8 bytes (BOM accepted)', () => {
    const xml = '<a:r xmlns:a="urn:a"><a:c x="é"/></a:r>';
    for (const input of [xml, '\uFEFF' + xml, new TextEncoder().encode(xml), new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(xml)])]) {
      const doc = parseXml(input);
      expect(doc.documentElement!.namespaceURI).toBe('urn:a');
      expect(doc.documentElement!.firstChild && (doc.documentElement!.firstChild as unknown as { getAttribute(n: string): string }).getAttribute('x')).toBe(
        'é',
      );
    }
  });

  it('refuses invalid UTF-8 bytes and a declared non-UTF-8 encoding', () => {
    const e = parseError(() => parseXml(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e])));
    expect(e.code).toBe('ERR_XML_PARSE');
    expect(e.message).toMatch(/expected UTF-8 bytes, received an invalid UTF-8 sequence/);
    const d = parseError(() => parseXml(new TextEncoder().encode('<?xml version="1.0" encoding="Shift_JIS"?><a/>')));
    expect(d.code).toBe('ERR_XML_PARSE');
    expect(d.message).toMatch(/expected encoding UTF-8, UTF-16, ISO-8859-1 or US-ASCII, received "Shift_JIS"/);
    const a = parseError(() =>
      parseXml(new Uint8Array([...new TextEncoder().encode('<?xml version="1.0" encoding="US-ASCII"?><a>'), 0xe9, ...new TextEncoder().encode('</a>')])),
    );
    expect(a.message).toMatch(/expected US-ASCII bytes, received byte 0xe9 at offset 44/);
  });

  it('decodes ISO-8859-1 (every byte is its code point, 0x80-0x9F included) and UTF-16 with a BOM', () => {
    const latin = new Uint8Array([
      ...new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><a>'),
      0xa9,
      0x80,
      ...new TextEncoder().encode('</a>'),
    ]);
    expect(parseXml(latin).documentElement!.textContent).toBe('\u00a9\u0080');
    const s = '<a>\u00e9\u{1F600}</a>';
    const le = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Buffer.from(s, 'utf16le'))]);
    expect(parseXml(le).documentElement!.textContent).toBe('\u00e9\u{1F600}');
    const be = Buffer.from(s, 'utf16le');
    be.swap16();
    expect(parseXml(new Uint8Array([0xfe, 0xff, ...be])).documentElement!.textContent).toBe('\u00e9\u{1F600}');
  });

  it('turns malformed XML into ERR_XML_PARSE with line and column', () => {
    const e = parseError(() => parseXml('<a>\n  <b>\n</a>'));
    expect(e.code).toBe('ERR_XML_PARSE');
    expect(e.line).toBeTypeOf('number');
    expect(e.column).toBeTypeOf('number');
    expect(e.message).toMatch(/expected well-formed XML/);
    expect(e.message).toMatch(/\(line \d+, column \d+\)/);
  });

  it('never lets an xmldom warning or error pass (unbound prefix, undefined entity, duplicate attribute, no root)', () => {
    for (const bad of ['<a:b/>', '<a>&nope;</a>', '<a x="1" x="2"/>', '', '   ', '<!-- only a comment -->', '<a/><b/>', '<a>text</a>trailing']) {
      const e = parseError(() => parseXml(bad));
      expect(e.code, JSON.stringify(bad)).toBe('ERR_XML_PARSE');
    }
  });

  it('accepts U+FFFD as data (the only xmldom warning that is not an error: decoding is strict)', () => {
    expect(parseXml('<a b="\uFFFD">\uFFFD</a>').documentElement!.textContent).toBe('\uFFFD');
  });

  it('refuses a non-string, non-bytes input with a typed error', () => {
    const e = parseError(() => parseXml(42 as unknown as string));
    expect(e.code).toBe('ERR_XML_PARSE');
    expect(e.message).toMatch(/expected a string or Uint8Array, received number/);
  });

  it('refuses any DOCTYPE by default (ERR_XML_DOCTYPE), before any entity is looked at', () => {
    const docs = [
      '<!DOCTYPE a><a/>',
      '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
      '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
      '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]><a/>',
    ];
    for (const d of docs) {
      const e = parseError(() => parseXml(d));
      expect(e.code, d).toBe('ERR_XML_DOCTYPE');
      expect(e.message).toMatch(/expected no document type declaration, received <!DOCTYPE a>/);
    }
  });

  it('allowDoctype accepts an internal subset but still refuses external subsets, external and parameter entities', () => {
    const doc = parseXml('<!DOCTYPE a [<!ELEMENT a ANY><!ATTLIST a x CDATA "d">]><a/>', { allowDoctype: true });
    expect(doc.doctype?.name).toBe('a');
    // xmldom 0.9 does not apply ATTLIST defaults: the DOM has no x attribute.
    expect(doc.documentElement!.hasAttribute('x')).toBe(false);
    const cases: [string, RegExp][] = [
      ['<!DOCTYPE a SYSTEM "a.dtd"><a/>', /expected no external subset, received SYSTEM "a.dtd"/],
      ['<!DOCTYPE a PUBLIC "-//X//Y" "a.dtd"><a/>', /expected no external subset, received PUBLIC "-\/\/X\/\/Y"/],
      ['<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', /expected no external entity declarations, received <!ENTITY x SYSTEM/],
      ['<!DOCTYPE a [<!ENTITY % p "<!ENTITY x \'y\'>"> %p;]><a/>', /expected no parameter entity declarations/],
    ];
    for (const [d, msg] of cases) {
      const e = parseError(() => parseXml(d, { allowDoctype: true }));
      expect(e.code, d).toBe('ERR_XML_DOCTYPE');
      expect(e.message).toMatch(msg);
    }
    // Internal entities are declared but xmldom 0.9 cannot expand them: a reference is a parse error.
    const e = parseError(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', { allowDoctype: true }));
    expect(e.code).toBe('ERR_XML_PARSE');
    expect(e.message).toMatch(/entity not found/);
  });

  it('bounds bytes, depth and attributes (ERR_XML_LIMIT), naming the bound and what was received', () => {
    const big = '<a>' + 'x'.repeat(2000) + '</a>';
    let e = parseError(() => parseXml(big, { maxBytes: 1000 }));
    expect(e.code).toBe('ERR_XML_LIMIT');
    expect(e.message).toBe('XML input: expected at most 1000 bytes, received 2007 bytes');
    e = parseError(() => parseXml(new TextEncoder().encode(big), { maxBytes: 1000 }));
    expect(e.code).toBe('ERR_XML_LIMIT');
    // Multi-byte characters count as their UTF-8 length.
    e = parseError(() => parseXml('<a>' + 'é'.repeat(400) + '</a>', { maxBytes: 800 }));
    expect(e.message).toMatch(/received 807 bytes/);
    e = parseError(() => parseXml('<a><b><c><d/></c></b></a>', { maxDepth: 3 }));
    expect(e.code).toBe('ERR_XML_LIMIT');
    expect(e.message).toMatch(/XML element <d>: expected nesting depth at most 3, received deeper nesting/);
    expect(parseXml('<a><b><c/></b></a>', { maxDepth: 3 }).documentElement!.tagName).toBe('a');
    e = parseError(() => parseXml('<a x1="" x2="" x3=""/>', { maxAttributes: 2 }));
    expect(e.code).toBe('ERR_XML_LIMIT');
    expect(e.message).toMatch(/XML element <a>: expected at most 2 attributes, received 3/);
  });

  it('enforces the Namespaces in XML constraints on xml and xmlns prefixes', () => {
    expect(parseXml('<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>').documentElement!.tagName).toBe('a');
    for (const bad of [
      '<a xmlns:xml="urn:x"/>',
      '<a xmlns:xmlns="urn:x"/>',
      '<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>',
      '<a xmlns:p="http://www.w3.org/2000/xmlns/"/>',
      '<a xmlns:p=""/>',
    ]) {
      expect(parseError(() => parseXml(bad)).code, bad).toBe('ERR_XML_PARSE');
    }
  });

  it('refuses two attributes with the same expanded name (xmldom alone keeps the last one silently)', () => {
    const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
    const e = parseError(() => parseXml(`<a xmlns:u="${WSU}" xmlns:w="${WSU}">\n <b u:Id="signed" w:Id="other"/></a>`));
    expect(e.code).toBe('ERR_XML_PARSE');
    expect(e.message).toBe(`XML element <b>: attributes u:Id and w:Id have the same expanded name {${WSU}}Id (line 2, column 24)`);
    // Same local name in different namespaces, or one unprefixed: distinct expanded names.
    const ok = parseXml('<a xmlns:p="urn:p" xmlns:q="urn:q" p:x="1" q:x="2" x="3"/>').documentElement!;
    expect([ok.getAttributeNS('urn:p', 'x'), ok.getAttributeNS('urn:q', 'x'), ok.getAttribute('x')]).toEqual(['1', '2', '3']);
  });

  it('normalizes line endings as XML 1.0 does (CRLF and CR), keeping U+0085, U+2028 and U+2029', () => {
    const doc = parseXml('<a>1\r\n2\r3\u00854\u20285\u20296</a>');
    expect(doc.documentElement!.textContent).toBe('1\n2\n3\u00854\u20285\u20296');
  });
});
