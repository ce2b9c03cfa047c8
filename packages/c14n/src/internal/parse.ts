// parseXml, the one safe XML parser of ocauth: input preparation, the fast path, and @xmldom/xmldom with the checks it lacks.
import { DOMParser } from '@xmldom/xmldom';
import { XmlParseError } from './errors.js';
import { isXmlChar } from './chars.js';
import type { XDocument } from './dom.js';
import { fastParse } from './fast-parse.js';
import { namespaceNameProblem, prefixDeclarationProblem, XMLNS_NS } from './namespaces.js';

/** Options of {@link parseXml}. Every bound is checked while parsing, so work stays bounded. */
export interface ParseXmlOptions {
  /** Largest accepted input in UTF-8 bytes. Default 16 MiB. */
  maxBytes?: number;
  /** Deepest accepted element nesting (document element = depth 1). Default 256. */
  maxDepth?: number;
  /** Most attributes (namespace declarations included) on one element. Default 256. */
  maxAttributes?: number;
  /**
   * Accept a DOCTYPE with an internal subset (needed by test corpora such as the W3C c14n examples).
   * Even then an external subset (SYSTEM/PUBLIC identifier), external or parameter entity declarations
   * are refused with `ERR_XML_DOCTYPE`. @xmldom/xmldom 0.9 neither expands internal entities nor
   * applies default attributes: a reference to a declared entity is reported as `ERR_XML_PARSE`
   * (so entity-expansion attacks cannot happen), and ATTLIST defaults are not added to the DOM.
   * Default false: any DOCTYPE is refused with `ERR_XML_DOCTYPE`.
   */
  allowDoctype?: boolean;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_ATTRIBUTES = 256;

interface Locator {
  lineNumber?: number;
  columnNumber?: number;
}
interface SaxAttrs {
  length: number;
  getQName(i: number): string;
  getURI(i: number): string;
  getValue(i: number): string;
  getLocalName?(i: number): string;
  getLocator?(i: number): Locator;
}
interface HandlerLike {
  locator?: Locator;
  startElement(ns: string, local: string, qName: string, attrs: SaxAttrs): void;
  endElement(ns: string, local: string, qName: string): void;
  startDTD(name: string, publicId: string, systemId: string, internalSubset: string): void;
  processingInstruction(target: string, data: string): void;
}
type HandlerCtor = new (options: unknown) => HandlerLike;

const BaseHandler = (new DOMParser() as unknown as { domHandler: HandlerCtor }).domHandler;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: false });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: false });

/**
 * XML 1.0 §4.3.3 / Appendix F: a UTF-16 byte order mark selects UTF-16; otherwise the encoding
 * declaration (read as ASCII) selects UTF-8 (the default), ISO-8859-1 or US-ASCII. Decoding is
 * strict: bytes that are not valid in the encoding are an error, never replaced.
 */
function decodeBytes(bytes: Uint8Array): string {
  const strict = (d: { decode(b: Uint8Array): string }, name: string): string => {
    try {
      return d.decode(bytes);
    } catch (e) {
      throw new XmlParseError('ERR_XML_PARSE', `XML input: expected ${name} bytes, received an invalid ${name} sequence`, { cause: e });
    }
  };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return strict(utf16le, 'UTF-16');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return strict(utf16be, 'UTF-16');
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1');
  const decl = /^(?:\xEF\xBB\xBF)?<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/.exec(head);
  const enc = decl ? decl[2]!.toUpperCase() : 'UTF-8';
  if (enc === 'UTF-8' || enc === 'UTF8') return strict(utf8, 'UTF-8');
  if (enc === 'ISO-8859-1' || enc === 'LATIN1' || enc === 'ISO_8859-1') {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  if (enc === 'US-ASCII' || enc === 'ASCII') {
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! > 0x7f)
        throw new XmlParseError('ERR_XML_PARSE', `XML input: expected US-ASCII bytes, received byte 0x${bytes[i]!.toString(16)} at offset ${i}`);
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  throw new XmlParseError('ERR_XML_PARSE', `XML declaration: expected encoding UTF-8, UTF-16, ISO-8859-1 or US-ASCII, received ${JSON.stringify(decl![2])}`, {
    line: 1,
    column: 1,
  });
}

// XML 1.0 §2.11: only CR LF and lone CR become LF. (xmldom's default also rewrites U+0085, U+2028 and
// U+2029, which is XML 1.1 behaviour and would change the data of XML 1.0 documents.)
const normalizeLineEndings = (s: string): string => (s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n'));

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function pos(loc: Locator | undefined): { line?: number; column?: number } | undefined {
  if (!loc || loc.lineNumber === undefined || loc.lineNumber === 0) return undefined;
  return { line: loc.lineNumber, column: loc.columnNumber ?? 0 };
}

function describeBytes(n: number): string {
  return `${n} bytes`;
}

interface ParseContext {
  maxDepth: number;
  maxAttributes: number;
  allowDoctype: boolean;
  pending: XmlParseError | undefined;
}

// The bounds of the parse in progress. Parsing is synchronous and calls no user code, so one slot is
// enough; it lets the DOMParser and its handler class be built once per module (building them per
// call costed a third of the parse time of a small SOAP message).
let active: ParseContext | undefined;

function fail(err: XmlParseError): never {
  if (active) active.pending ??= err;
  throw err;
}

class GuardedHandler extends BaseHandler {
  depth = 0;
  override startElement(ns: string, local: string, qName: string, attrs: SaxAttrs): void {
    const ctx = active!;
    this.depth++;
    if (this.depth > ctx.maxDepth) {
      fail(
        new XmlParseError(
          'ERR_XML_LIMIT',
          `XML element <${qName}>: expected nesting depth at most ${ctx.maxDepth}, received deeper nesting`,
          pos(this.locator),
        ),
      );
    }
    if (attrs.length > ctx.maxAttributes) {
      fail(
        new XmlParseError(
          'ERR_XML_LIMIT',
          `XML element <${qName}>: expected at most ${ctx.maxAttributes} attributes, received ${attrs.length}`,
          pos(this.locator),
        ),
      );
    }
    // An element named xmlns (no prefix) is namespace-well-formed and libxml2 reads it, but no DOM can
    // hold it (createElementNS refuses the qualified name xmlns outside the XMLNS namespace), so it is
    // refused here with its own message rather than xmldom's NamespaceError. No SOAP vocabulary uses it.
    if (qName === 'xmlns') {
      fail(
        new XmlParseError(
          'ERR_XML_PARSE',
          'XML element <xmlns>: expected an element name other than xmlns (reserved for namespace declarations; a DOM cannot represent it)',
          pos(this.locator),
        ),
      );
    }
    for (let i = 0; i < attrs.length; i++) {
      const q = attrs.getQName(i);
      if (q.charCodeAt(0) !== 120 /* x */ || !q.startsWith('xmlns')) continue;
      let problem: string | null;
      if (q.length === 5) problem = namespaceNameProblem(attrs.getValue(i), '');
      else if (q.charCodeAt(5) !== 0x3a /* : */) continue;
      else problem = prefixDeclarationProblem(q.slice(6), attrs.getValue(i)) ?? namespaceNameProblem(attrs.getValue(i), q.slice(6));
      if (problem !== null) fail(new XmlParseError('ERR_XML_PARSE', `XML element <${qName}>: ${problem}`, pos(this.locator)));
    }
    // Namespaces in XML 1.0 §6.3: no two attributes may have the same expanded name (p:x and q:x with
    // p and q bound to one URI). xmldom keeps only the last of them, silently: a signature check and a
    // reader could then see different values of, say, wsu:Id.
    // Keyed by 'uri local' (a local name has no space): linear in the attributes, however many.
    if (attrs.length > 1) {
      const first = new Map<string, number>();
      for (let i = 0; i < attrs.length; i++) {
        const uri = attrs.getURI(i);
        if (!uri || uri === XMLNS_NS) continue;
        const localName = attrs.getLocalName!(i);
        const key = uri + ' ' + localName;
        const j = first.get(key);
        if (j !== undefined) {
          fail(
            new XmlParseError(
              'ERR_XML_PARSE',
              `XML element <${qName}>: attributes ${attrs.getQName(j)} and ${attrs.getQName(i)} have the same expanded name {${uri}}${localName}`,
              pos(attrs.getLocator ? attrs.getLocator(i) : this.locator),
            ),
          );
        }
        first.set(key, i);
      }
    }
    super.startElement(ns, local, qName, attrs);
  }
  override endElement(ns: string, local: string, qName: string): void {
    this.depth--;
    super.endElement(ns, local, qName);
  }
  override processingInstruction(target: string, data: string): void {
    // Namespaces in XML 1.0 §7: PI targets contain no colon (libxml2: "colons are forbidden from PI names").
    if (target.indexOf(':') >= 0)
      fail(
        new XmlParseError(
          'ERR_XML_PARSE',
          `XML processing instruction <?${target}: expected a target without a colon, received ${JSON.stringify(target)}`,
          pos(this.locator),
        ),
      );
    super.processingInstruction(target, data);
  }
  override startDTD(name: string, publicId: string, systemId: string, internalSubset: string): void {
    if (!active!.allowDoctype) {
      fail(new XmlParseError('ERR_XML_DOCTYPE', `XML input: expected no document type declaration, received <!DOCTYPE ${name}>`, pos(this.locator)));
    }
    if (publicId || systemId) {
      fail(
        new XmlParseError(
          'ERR_XML_DOCTYPE',
          `XML DOCTYPE ${name}: expected no external subset, received ${publicId ? `PUBLIC ${publicId}` : `SYSTEM ${systemId}`}`,
          pos(this.locator),
        ),
      );
    }
    checkInternalSubset(internalSubset ?? '', (msg) => fail(new XmlParseError('ERR_XML_DOCTYPE', `XML DOCTYPE ${name}: ${msg}`, pos(this.locator))));
    super.startDTD(name, publicId, systemId, internalSubset);
  }
}

const PARSER = new DOMParser({
  locator: true,
  normalizeLineEndings,
  domHandler: GuardedHandler as never,
  onError: (level: string, msg: string, handler: unknown) => {
    // U+FFFD is an XML character like any other; bytes are decoded strictly here, so it is genuine
    // data, not a decoding accident. This is the one xmldom warning that is not an error.
    if (level === 'warning' && msg.startsWith('Unicode replacement character detected')) return;
    fail(
      new XmlParseError(
        'ERR_XML_PARSE',
        `XML input: expected well-formed XML, received ${level === 'fatalError' ? 'fatal error' : level} "${msg}"`,
        pos((handler as HandlerLike | undefined)?.locator),
      ),
    );
  },
} as never);

/**
 * The one safe XML parser of ocauth, over @xmldom/xmldom 0.9.
 *
 * - Input is a string or bytes; bytes are decoded strictly as UTF-8 (BOM accepted), UTF-16 (BOM) or,
 *   when the XML declaration says so, ISO-8859-1 / US-ASCII. Invalid bytes or another declared
 *   encoding are `ERR_XML_PARSE`.
 * - Any DOCTYPE is refused (`ERR_XML_DOCTYPE`), so entity expansion (billion laughs) and external
 *   entities (XXE) cannot happen; see {@link ParseXmlOptions.allowDoctype} for the opt-in.
 * - Size, nesting depth and attributes per element are bounded (`ERR_XML_LIMIT`), checked while parsing.
 * - Every xmldom warning, error and fatal error becomes an `XmlParseError` (`ERR_XML_PARSE`) with the
 *   line and column xmldom reports; nothing is logged, nothing is silently repaired.
 *
 * @throws {XmlParseError} ERR_XML_PARSE for malformed XML, invalid bytes or an unsupported encoding,
 * @throws ERR_XML_DOCTYPE for a document type declaration, ERR_XML_LIMIT when a size, depth or attribute bound
 * @throws is exceeded.
 */
export function parseXml(xml: string | Uint8Array, opts: ParseXmlOptions = {}): XDocument {
  return parsePrepared(prepareXmlText(xml, opts), opts);
}

/**
 * parseXml of a text already prepared by {@link prepareXmlText}. `fast` false (tests and the bench
 * only) skips the fast path, to hold it to the xmldom path.
 */
export function parsePrepared(text: string, opts: ParseXmlOptions, fast = true): XDocument {
  // The common case (ASCII names, no DOCTYPE, well-formed) is built without xmldom's SAX layer; the
  // result is the DOM xmldom would build. Anything else, errors included, goes to xmldom.
  const built = fast ? fastParse(text, opts.maxDepth ?? DEFAULT_MAX_DEPTH, opts.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES) : null;
  if (built !== null) return built;
  return slowParse(text, opts);
}

/**
 * The text parseXml parses: the size bound checked, bytes decoded strictly, a BOM dropped, characters
 * checked (XML 1.0 Char), line endings normalized. Shared with the streaming canonicalizer.
 */
export function prepareXmlText(xml: string | Uint8Array, opts: ParseXmlOptions): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let text: string;
  if (typeof xml === 'string') {
    if (xml.length > maxBytes || (xml.length * 3 > maxBytes && utf8Length(xml) > maxBytes)) {
      throw new XmlParseError('ERR_XML_LIMIT', `XML input: expected at most ${describeBytes(maxBytes)}, received ${describeBytes(utf8Length(xml))}`);
    }
    text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  } else if (xml instanceof Uint8Array) {
    if (xml.byteLength > maxBytes) {
      throw new XmlParseError('ERR_XML_LIMIT', `XML input: expected at most ${describeBytes(maxBytes)}, received ${describeBytes(xml.byteLength)}`);
    }
    text = decodeBytes(xml);
  } else {
    throw new XmlParseError('ERR_XML_PARSE', `XML input: expected a string or Uint8Array, received ${xml === null ? 'null' : typeof xml}`);
  }

  checkChars(text);
  return normalizeLineEndings(text);
}

/** parseXml of a prepared text by xmldom (with the checks xmldom lacks); also the streaming path's fallback. */
export function slowParse(text: string, opts: ParseXmlOptions): XDocument {
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAttributes = opts.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;

  // What xmldom accepts and XML 1.0 (and libxml2) do not: ']]>' in character data, malformed or
  // undeclared references (`&;`, `&#;`, `& `, `&élt;`), references to non-characters, attributes
  // not separated by white space.
  checkContent(text);

  const ctx: ParseContext = { maxDepth, maxAttributes, allowDoctype: opts.allowDoctype === true, pending: undefined };
  const outer = active;
  active = ctx;
  let doc: XDocument;
  try {
    doc = PARSER.parseFromString(text, 'text/xml') as unknown as XDocument;
  } catch (e) {
    if (ctx.pending) throw ctx.pending;
    if (e instanceof XmlParseError) throw e;
    const loc = (e as { locator?: Locator }).locator;
    throw new XmlParseError('ERR_XML_PARSE', `XML input: expected well-formed XML, received "${(e as Error).message}"`, { ...pos(loc), cause: e });
  } finally {
    active = outer;
  }
  if (ctx.pending) throw ctx.pending;
  if (!doc.documentElement) throw new XmlParseError('ERR_XML_PARSE', 'XML input: expected a document element, received none');
  return doc;
}

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const MAYBE_NON_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const NON_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/**
 * xmldom accepts characters XML 1.0 forbids (NUL, most C0 controls, lone surrogates, U+FFFE/FFFF).
 * (Character references to them are refused where they are references: checkContent, fast-parse.)
 */
function checkChars(text: string): void {
  // A plain class first (no lookaround: several times faster); the exact expression only if it hits.
  if (!MAYBE_NON_CHAR.test(text)) return;
  const m = NON_CHAR.exec(text);
  if (m) {
    const c = m[0].charCodeAt(0);
    throw new XmlParseError(
      'ERR_XML_PARSE',
      `XML input: expected only XML 1.0 characters, received U+${c.toString(16).toUpperCase().padStart(4, '0')}`,
      lineColumn(text, m.index),
    );
  }
}

/**
 * The well-formedness rules xmldom is lenient about and XML 1.0 (and libxml2) are not, checked on the
 * text before xmldom parses it (the fast path checks the same while parsing):
 * - names are XML 1.0 Names (5th edition, §2.3), attributes are `S Name S? = S? AttValue` with no `<`
 *   in the value, an empty-element tag ends in `/>`, end tags match, one document element, only white
 *   space, comments and PIs around it, no CDATA section outside it (§2.8, §3.1);
 * - §2.4: no ']]>' in character data ("when that string is not marking the end of a CDATA section");
 * - §4.1: every `&` starts `&Name;`, `&#[0-9]+;` or `&#x[0-9a-fA-F]+;`, a character reference names an
 *   XML `Char`, and without a DTD only the five predefined entities exist;
 * - §2.6 and Namespaces §7: a PI target is a Name without a colon, not `xml` (but for the declaration).
 * Malformed markup it does not understand (an unterminated comment, a DOCTYPE's subset) is left to
 * xmldom, which reports it.
 */
function checkContent(text: string): void {
  // Without a DOCTYPE only the five predefined entities exist; with one, xmldom judges entity names.
  anyEntity = text.indexOf('<!DOCTYPE') >= 0;
  const open: string[] = [];
  let rooted = false;
  let i = 0;
  const bad = (at: number, what: string): never => {
    throw new XmlParseError('ERR_XML_PARSE', `XML input: expected well-formed XML, received ${what}`, lineColumn(text, at));
  };
  for (;;) {
    const lt = text.indexOf('<', i);
    const dataEnd = lt < 0 ? text.length : lt;
    if (open.length === 0) {
      for (let p = i; p < dataEnd; p++) {
        const c = text.charCodeAt(p);
        if (!(c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) bad(p, 'character data outside the document element');
      }
    } else {
      const hit = text.indexOf(']]>', i);
      if (hit >= 0 && hit < dataEnd) {
        throw new XmlParseError('ERR_XML_PARSE', "XML character data: expected no ']]>' outside a CDATA section, received ']]>'", lineColumn(text, hit));
      }
      checkReferences(text, i, dataEnd);
    }
    if (lt < 0) break;
    let end: number;
    if (text.startsWith('<!--', lt)) {
      end = text.indexOf('-->', lt + 4);
      if (end < 0) return;
      end += 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      if (open.length === 0) bad(lt, 'a CDATA section outside the document element');
      end = text.indexOf(']]>', lt + 9);
      if (end < 0) return;
      end += 3;
    } else if (text.startsWith('<?', lt)) {
      const t = nameEnd(text, lt + 2);
      if (t < 0) bad(lt, 'a processing instruction without a target name');
      const target = text.slice(lt + 2, t);
      if (target.indexOf(':') >= 0) bad(lt, `the processing instruction target ${JSON.stringify(target)} (no colon allowed)`);
      if (target.toLowerCase() === 'xml' && lt !== 0) bad(lt, 'an XML declaration (or a PI named xml) after the start of the document');
      end = text.indexOf('?>', t);
      if (end < 0) return;
      if (end !== t && !isS(text.charCodeAt(t))) bad(t, `the processing instruction target ${JSON.stringify(target)} followed by ${JSON.stringify(text[t])}`);
      end += 2;
    } else if (text.startsWith('<!DOCTYPE', lt)) {
      if (open.length > 0 || rooted) bad(lt, 'a DOCTYPE after the document element started');
      end = endOfDoctype(text, lt);
      if (end < 0) return;
    } else if (text.charCodeAt(lt + 1) === 0x21 /* ! */) {
      return; // anything else with '<!': xmldom reports it
    } else if (text.charCodeAt(lt + 1) === 0x2f /* / */) {
      const n = nameEnd(text, lt + 2);
      const name = n < 0 ? '' : text.slice(lt + 2, n);
      if (open.length === 0 || name !== open[open.length - 1])
        bad(lt, `the end tag </${name}> where ${open.length === 0 ? 'no element is open' : `</${open[open.length - 1]}> belongs`}`);
      let k = n;
      while (isS(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) !== 0x3e) bad(k, `${JSON.stringify(text[k] ?? 'end of input')} in the end tag </${name}>`);
      open.pop();
      end = k + 1;
    } else {
      const n = nameEnd(text, lt + 1);
      if (n < 0) bad(lt + 1, `${JSON.stringify(text[lt + 1] ?? 'end of input')} where an element name starts`);
      const name = text.slice(lt + 1, n);
      if (open.length === 0 && rooted) bad(lt, `a second document element <${name}>`);
      let p = n;
      let empty = false;
      for (;;) {
        let k = p;
        while (isS(text.charCodeAt(k))) k++;
        const c = text.charCodeAt(k);
        if (c === 0x3e /* > */) {
          p = k + 1;
          break;
        }
        if (c === 0x2f /* / */) {
          if (text.charCodeAt(k + 1) !== 0x3e) bad(k, `'/' not followed by '>' in the start tag <${name}>`);
          empty = true;
          p = k + 2;
          break;
        }
        if (k === p) bad(k, `${JSON.stringify(text[k] ?? 'end of input')} where white space, an attribute, '>' or '/>' belongs in the start tag <${name}>`);
        const a = nameEnd(text, k);
        if (a < 0) bad(k, `${JSON.stringify(text[k])} where an attribute name starts in the start tag <${name}>`);
        let e = a;
        while (isS(text.charCodeAt(e))) e++;
        if (text.charCodeAt(e) !== 0x3d /* = */) bad(e, `no '=' after the attribute ${text.slice(k, a)} of <${name}>`);
        e++;
        while (isS(text.charCodeAt(e))) e++;
        const quote = text.charCodeAt(e);
        if (quote !== 0x22 && quote !== 0x27) bad(e, `no quote opening the value of the attribute ${text.slice(k, a)} of <${name}>`);
        const close = text.indexOf(quote === 0x22 ? '"' : "'", e + 1);
        if (close < 0) return;
        const ltIn = text.indexOf('<', e + 1);
        if (ltIn >= 0 && ltIn < close) bad(ltIn, `'<' in the value of the attribute ${text.slice(k, a)} of <${name}>`);
        checkReferences(text, e + 1, close);
        p = close + 1;
      }
      rooted = true;
      if (!empty) open.push(name);
      end = p;
    }
    i = end;
  }
  if (open.length > 0) bad(text.length, `the end of input where </${open[open.length - 1]}> belongs`);
  if (!rooted) bad(text.length, 'no document element');
}

function isS(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

// XML 1.0 (5th edition) §2.3 Name.
const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const XML_NAME = new RegExp(`[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*`, 'uy');

/** End of the XML Name at `p`, or -1 when none starts there. */
function nameEnd(text: string, p: number): number {
  XML_NAME.lastIndex = p;
  return XML_NAME.test(text) ? XML_NAME.lastIndex : -1;
}

let anyEntity = false;
const REFERENCE = /&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|[^\s;&<>"'#]+);/y;

/** Refuse a malformed reference, or one to a non-character, in text[from, to) (content or a value). */
function checkReferences(text: string, from: number, to: number): void {
  for (let a = text.indexOf('&', from); a >= 0 && a < to; a = text.indexOf('&', a + 1)) {
    REFERENCE.lastIndex = a;
    const m = REFERENCE.exec(text);
    if (m === null || a + m[0].length > to) {
      const seen = text.slice(a, Math.min(to, a + 12));
      throw new XmlParseError('ERR_XML_PARSE', `XML reference: expected &name;, &#decimal; or &#xhex;, received ${JSON.stringify(seen)}`, lineColumn(text, a));
    }
    if (m[1] === undefined && m[2] === undefined) {
      const name = m[0].slice(1, -1);
      if (anyEntity || name === 'amp' || name === 'lt' || name === 'gt' || name === 'quot' || name === 'apos') continue;
      throw new XmlParseError(
        'ERR_XML_PARSE',
        `XML entity reference ${m[0].length > 20 ? m[0].slice(0, 20) + '…' : m[0]}: expected one of &amp; &lt; &gt; &quot; &apos; (a document without a DTD declares no other entity), received ${JSON.stringify(m[0])}`,
        lineColumn(text, a),
      );
    }
    const c = m[1] !== undefined ? parseInt(m[1], 10) : parseInt(m[2]!, 16);
    if (!isXmlChar(c)) {
      throw new XmlParseError(
        'ERR_XML_PARSE',
        `XML character reference ${m[0].length > 20 ? m[0].slice(0, 20) + '…' : m[0]}: expected a reference to an XML 1.0 character, received ${Number.isFinite(c) && c <= 0x10ffff ? 'U+' + c.toString(16).toUpperCase().padStart(4, '0') : 'a number out of range'}`,
        lineColumn(text, a),
      );
    }
  }
}

/** Index after the '>' closing the DOCTYPE at `lt` (quoted strings, comments and its subset skipped); -1 if none. */
function endOfDoctype(text: string, lt: number): number {
  let brackets = 0;
  for (let p = lt + 1; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 0x22 || c === 0x27) {
      const q = text.indexOf(c === 0x22 ? '"' : "'", p + 1);
      if (q < 0) return -1;
      p = q;
    } else if (c === 0x5b) brackets++;
    else if (c === 0x5d) brackets--;
    else if (c === 0x3c && text.startsWith('<!--', p)) {
      const e = text.indexOf('-->', p + 4);
      if (e < 0) return -1;
      p = e + 2;
    } else if (c === 0x3e && brackets <= 0) return p + 1;
  }
  return -1;
}

/**
 * Refuse what an internal subset may do beyond declaring internal entities, elements, attribute lists
 * and notations: external entities (SYSTEM/PUBLIC) and parameter entities (which could pull in or
 * build further declarations).
 */
function checkInternalSubset(subset: string, reject: (msg: string) => never): void {
  const re = /<!ENTITY\s+(%\s*)?([^\s"'>]+)\s*([^>]*)/g;
  for (let m = re.exec(subset); m; m = re.exec(subset)) {
    if (m[1]) reject(`expected no parameter entity declarations, received <!ENTITY % ${m[2]}>`);
    if (/^(SYSTEM|PUBLIC)\b/.test(m[3] ?? ''))
      reject(`expected no external entity declarations, received <!ENTITY ${m[2]} ${(m[3] ?? '').split(/\s/)[0]} ...>`);
  }
  if (/%[A-Za-z_:]/.test(subset.replace(/"[^"]*"|'[^']*'/g, ''))) reject('expected no parameter entity references in the internal subset');
}
