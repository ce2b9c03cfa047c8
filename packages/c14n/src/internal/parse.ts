import { DOMParser } from '@xmldom/xmldom';
import { XmlParseError } from './errors.js';
import { fastParse } from './fast-parse.js';
import { prefixDeclarationProblem, XMLNS_NS } from './namespaces.js';

export type XDocument = import('@xmldom/xmldom').Document;

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


interface Locator { lineNumber?: number; columnNumber?: number }
interface SaxAttrs { length: number; getQName(i: number): string; getURI(i: number): string; getValue(i: number): string; getLocalName?(i: number): string; getLocator?(i: number): Locator }
interface HandlerLike {
  locator?: Locator;
  startElement(ns: string, local: string, qName: string, attrs: SaxAttrs): void;
  endElement(ns: string, local: string, qName: string): void;
  startDTD(name: string, publicId: string, systemId: string, internalSubset: string): void;
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
      throw new XmlParseError('ERR_XML_PARSE', `XML input: expected ${name} bytes, received an invalid ${name} sequence`, undefined, { cause: e });
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
      if (bytes[i]! > 0x7f) throw new XmlParseError('ERR_XML_PARSE', `XML input: expected US-ASCII bytes, received byte 0x${bytes[i]!.toString(16)} at offset ${i}`);
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  throw new XmlParseError('ERR_XML_PARSE', `XML declaration: expected encoding UTF-8, UTF-16, ISO-8859-1 or US-ASCII, received ${JSON.stringify(decl![2])}`, { line: 1, column: 1 });
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
      fail(new XmlParseError('ERR_XML_LIMIT', `XML element <${qName}>: expected nesting depth at most ${ctx.maxDepth}, received deeper nesting`, pos(this.locator)));
    }
    if (attrs.length > ctx.maxAttributes) {
      fail(new XmlParseError('ERR_XML_LIMIT', `XML element <${qName}>: expected at most ${ctx.maxAttributes} attributes, received ${attrs.length}`, pos(this.locator)));
    }
    for (let i = 0; i < attrs.length; i++) {
      const q = attrs.getQName(i);
      if (q.charCodeAt(0) !== 120 /* x */ || !q.startsWith('xmlns:')) continue;
      const problem = prefixDeclarationProblem(q.slice(6), attrs.getValue(i));
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
          fail(new XmlParseError('ERR_XML_PARSE', `XML element <${qName}>: attributes ${attrs.getQName(j)} and ${attrs.getQName(i)} have the same expanded name {${uri}}${localName}`, pos(attrs.getLocator ? attrs.getLocator(i) : this.locator)));
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
  override startDTD(name: string, publicId: string, systemId: string, internalSubset: string): void {
    if (!active!.allowDoctype) {
      fail(new XmlParseError('ERR_XML_DOCTYPE', `XML input: expected no document type declaration, received <!DOCTYPE ${name}>`, pos(this.locator)));
    }
    if (publicId || systemId) {
      fail(new XmlParseError('ERR_XML_DOCTYPE', `XML DOCTYPE ${name}: expected no external subset, received ${publicId ? `PUBLIC ${publicId}` : `SYSTEM ${systemId}`}`, pos(this.locator)));
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
    fail(new XmlParseError('ERR_XML_PARSE', `XML input: expected well-formed XML, received ${level === 'fatalError' ? 'fatal error' : level} "${msg}"`, pos((handler as HandlerLike | undefined)?.locator)));
  },
} as never);

let fastPath = true;
/** Tests only (not exported by the package): turn the fast path off to compare it with xmldom's. */
export function setFastParse(on: boolean): void {
  fastPath = on;
}

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
 */
export function parseXml(xml: string | Uint8Array, opts: ParseXmlOptions = {}): XDocument {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAttributes = opts.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;
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

  // The common case (ASCII names, no DOCTYPE, well-formed) is built without xmldom's SAX layer; the
  // result is the DOM xmldom would build. Anything else, errors included, goes to xmldom below.
  text = normalizeLineEndings(text);
  const fast = fastPath ? fastParse(text, maxDepth, maxAttributes) : null;
  if (fast !== null) return fast;

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
    throw new XmlParseError('ERR_XML_PARSE', `XML input: expected well-formed XML, received "${(e as Error).message}"`, pos(loc), { cause: e });
  } finally {
    active = outer;
  }
  if (ctx.pending) throw ctx.pending;
  if (!doc.documentElement) throw new XmlParseError('ERR_XML_PARSE', 'XML input: expected a document element, received none');
  return doc;
}

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const NON_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CHAR_REF = /&#(x[0-9A-Fa-f]+|[0-9]+);/g;

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/** xmldom accepts characters XML 1.0 forbids (NUL, most C0 controls, lone surrogates, U+FFFE/FFFF). */
function checkChars(text: string): void {
  const m = NON_CHAR.exec(text);
  if (m) {
    const c = m[0].charCodeAt(0);
    throw new XmlParseError('ERR_XML_PARSE', `XML input: expected only XML 1.0 characters, received U+${c.toString(16).toUpperCase().padStart(4, '0')}`, lineColumn(text, m.index));
  }
  if (text.indexOf('&#') < 0) return;
  CHAR_REF.lastIndex = 0;
  for (let r = CHAR_REF.exec(text); r; r = CHAR_REF.exec(text)) {
    const v = r[1]!;
    const c = v[0] === 'x' ? parseInt(v.slice(1), 16) : parseInt(v, 10);
    if (!isXmlChar(c)) {
      throw new XmlParseError('ERR_XML_PARSE', `XML character reference ${r[0].length > 20 ? r[0].slice(0, 20) + '…' : r[0]}: expected a reference to an XML 1.0 character, received ${Number.isFinite(c) && c <= 0x10ffff ? 'U+' + c.toString(16).toUpperCase().padStart(4, '0') : 'a number out of range'}`, lineColumn(text, r.index));
    }
  }
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
    if (/^(SYSTEM|PUBLIC)\b/.test(m[3] ?? '')) reject(`expected no external entity declarations, received <!ENTITY ${m[2]} ${(m[3] ?? '').split(/\s/)[0]} ...>`);
  }
  if (/%[A-Za-z_:]/.test(subset.replace(/"[^"]*"|'[^']*'/g, ''))) reject('expected no parameter entity references in the internal subset');
}
