// A fast path of parseXml for the documents ocauth actually exchanges (SOAP envelopes, WS-Trust
// messages, SAML assertions: ASCII names, namespaces, attributes, text, comments, CDATA, an XML
// declaration). It builds the DOM with the same @xmldom/xmldom public API calls, in the same order and
// with the same arguments, as xmldom's own DOMHandler, so the Document it returns is the one
// `DOMParser.parseFromString` would have built (node for node, attribute for attribute, with the same
// lineNumber/columnNumber), without xmldom's SAX layer: per-element attribute records, locator copies,
// prototype-chained namespace maps, regular expressions re-validating every name, and the final
// `normalize()` walk (no adjacent text nodes can arise here).
//
// It accepts only what it fully understands and returns null for anything else (a DOCTYPE, a
// non-ASCII or otherwise unusual name, an entity or character reference that is not strictly well
// formed, an unbound prefix, a duplicate attribute, a namespace-declaration rule broken, a bound
// exceeded, malformed markup of any kind, an exception from the DOM): parseXml then parses the same
// text with xmldom, which builds the document or raises the precise error. So this path decides
// nothing about what is accepted; a differential property test holds it to xmldom's DOM.

import { DOMImplementation } from '@xmldom/xmldom';
import { namespaceNameProblem, prefixDeclarationProblem, XML_NS, XMLNS_NS } from './namespaces.js';
import { allWs, attrValue, colon, decodeRefs, isWs, scanQName, skipWs, XML_DECL } from './scan.js';
import type { BuiltDocument, BuiltNode, XDocument } from './dom.js';

const impl = new DOMImplementation();

// Parse state. Parsing is synchronous and calls no user code, so one set per module is enough.
let src = '';
let line = 1;
let lineStart = 0;
let nextNl = -1;
// Attributes of the start tag being read.
const aName: string[] = [];
const aColon: number[] = [];
const aValue: string[] = [];
const aAt: number[] = [];
const aUri: (string | undefined)[] = [];
// In-scope namespace bindings (prefix → URI, '' for the default namespace) and an undo log.
const scope = new Map<string, string | null>([
  ['', null],
  ['xml', XML_NS],
]);
const undoPrefix: string[] = [];
const undoUri: (string | null | undefined)[] = [];

/** Set the 1-based line and column of source index `p` on `node` (indices only grow). */
function place(node: BuiltNode, p: number): void {
  while (nextNl >= 0 && nextNl < p) {
    line++;
    lineStart = nextNl + 1;
    nextNl = src.indexOf('\n', lineStart);
  }
  node.lineNumber = line;
  node.columnNumber = p - lineStart + 1;
}

const seen = new Set<string>();
/**
 * Whether two of the `n` attributes read have the same qualified name, or the same expanded name
 * (Namespaces in XML 1.0 §6.3). Pairwise for a few, hashed for many (256 attributes per element in
 * every element of a large text must not cost 32k comparisons each).
 */
function hasDuplicate(n: number): boolean {
  if (n <= 8) {
    for (let a = 1; a < n; a++) {
      const name = aName[a]!;
      const uri = aUri[a];
      for (let b = 0; b < a; b++) {
        if (aName[b] === name) return true;
        if (uri !== undefined && aUri[b] === uri && name.slice(aColon[a]! + 1) === aName[b]!.slice(aColon[b]! + 1)) return true;
      }
    }
    return false;
  }
  seen.clear();
  for (let a = 0; a < n; a++) {
    // Unprefixed: the name (no space in it). Otherwise 'uri local': a local name has no space, so
    // keys cannot collide, and two equal prefixed names (one binding per prefix) give equal keys.
    const uri = aUri[a];
    const key = uri === undefined ? aName[a]! : uri + ' ' + aName[a]!.slice(aColon[a]! + 1);
    if (seen.has(key)) break;
    seen.add(key);
  }
  const found = seen.size < n;
  seen.clear(); // keys hold slices of the text
  return found;
}

// Namespace URIs of the text, one string object each: a document re-declares the same few URIs on
// many elements, and every reader that compares them (c14n's rendered-namespace stack, lookups) then
// compares pointers instead of reading characters.
// A URI is checked (a URI reference, as libxml2 requires of a namespace name) when first seen.
const uris = new Map<string, string>();
function intern(uri: string): string | null {
  const known = uris.get(uri);
  if (known !== undefined) return known;
  if (namespaceNameProblem(uri, '') !== null) return null;
  uris.set(uri, uri);
  return uri;
}

function declare(prefix: string, uri: string | null): void {
  undoPrefix.push(prefix);
  undoUri.push(scope.get(prefix));
  scope.set(prefix, uri);
}

function undo(mark: number): void {
  while (undoPrefix.length > mark) {
    const prefix = undoPrefix.pop()!;
    const uri = undoUri.pop();
    if (uri === undefined) scope.delete(prefix);
    else scope.set(prefix, uri);
  }
}

// The document being built: its node, the open element at each depth (parents[0] is the Document),
// the open elements' qualified names and the undo marks of their declarations, and the bounds.
let doc: BuiltDocument | null = null;
let parent: BuiltNode | null = null;
let depth = 0;
let rooted = false;
const parents: BuiltNode[] = [];
const open: string[] = [];
const marks: number[] = [];
let maxDepth = 0;
let maxAttributes = 0;

/**
 * The Document xmldom would build from `text` (line endings already normalized, characters checked),
 * or null when `text` is outside this path (see the top of this file).
 */
export function fastParse(text: string, depthBound: number, attributeBound: number): XDocument | null {
  src = text;
  line = 1;
  lineStart = 0;
  nextNl = text.indexOf('\n');
  maxDepth = depthBound;
  maxAttributes = attributeBound;
  try {
    return run();
  } catch {
    // A DOM operation refused something (xmldom reports it as a fatal error): let xmldom say what.
    return null;
  } finally {
    // A document parsed to its end leaves every binding undone; one abandoned half way may not.
    if (undoPrefix.length > 0) undo(0);
    uris.clear();
    // Nothing of this parse stays reachable from the module: not its nodes, not slices of its text.
    doc = parent = null;
    parents.length = 0;
    open.length = 0;
    if (text.length > 1 << 16) aName.length = aColon.length = aValue.length = aAt.length = aUri.length = 0;
    src = '';
  }
}

/** The document: an XML declaration, then text and markup, each construct read by its reader. */
function run(): XDocument | null {
  const n = src.length;
  const d = impl.createDocument(null, '') as unknown as BuiltDocument;
  doc = parent = parents[0] = d;
  depth = 0;
  rooted = false;
  let i = readXmlDecl();
  for (;;) {
    if (i < 0) return null;
    const lt = src.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i && !readText(i, textEnd, lt >= 0)) return null;
    if (lt < 0) break;
    const c1 = src.charCodeAt(lt + 1);
    if (c1 === 0x2f /* / */) i = readEndTag(lt);
    else if (c1 === 0x21 /* ! */) i = readCommentOrCData(lt);
    else if (c1 === 0x3f /* ? */) i = readPI(lt);
    else i = readStartTag(lt);
  }
  if (depth > 0 || !rooted) return null;
  return d as unknown as XDocument;
}

/** XML 1.0 §2.8 XMLDecl at the start (kept as a PI node, as xmldom does): the index after it, or -1. */
function readXmlDecl(): number {
  if (!(src.startsWith('<?xml') && (isWs(src.charCodeAt(5)) || src.charCodeAt(5) === 0x3f))) return 0;
  const m = XML_DECL.exec(src);
  if (m === null) return -1;
  const end = m[0].length;
  const pi = doc!.createProcessingInstruction('xml', src.slice(skipWs(src, 5), end - 2));
  place(pi, 0);
  doc!.appendChild(pi);
  return end;
}

/** Character data src[from, to) (before markup when `more`); false to step aside. */
function readText(from: number, to: number, more: boolean): boolean {
  if (depth === 0) {
    // Outside the document element only white space is allowed; xmldom keeps it as Text children of
    // the Document, except after the last markup.
    if (!allWs(src, from, to)) return false;
    if (more) {
      const t = doc!.createTextNode(src.slice(from, to));
      doc!.appendChild(t);
      place(t, from);
    }
    return true;
  }
  let data = src.slice(from, to);
  // XML 1.0 §2.4: CharData must not contain ']]>' (libxml2 refuses it; xmldom does not, so the
  // xmldom path checks it too: parse.ts).
  if (data.indexOf(']]>') >= 0) return false;
  if (data.indexOf('&') >= 0) {
    const decoded = decodeRefs(data);
    if (decoded === null) return false;
    data = decoded;
  }
  const t = doc!.createTextNode(data);
  parent!.appendChild(t);
  place(t, from);
  return true;
}

/** §3.1 ETag at `lt`, closing the innermost open element: the index after it, or -1. */
function readEndTag(lt: number): number {
  if (depth === 0) return -1;
  const name = open[depth - 1]!;
  const at = lt + 2;
  for (let k = 0; k < name.length; k++) if (src.charCodeAt(at + k) !== name.charCodeAt(k)) return -1;
  const gt = skipWs(src, at + name.length);
  if (src.charCodeAt(gt) !== 0x3e) return -1;
  depth--;
  undo(marks[depth]!);
  parent = parents[depth]!;
  return gt + 1;
}

/** §2.5 Comment or §2.7 CDATA section at `lt` (anything else after '<!' is not ours): the index after it, or -1. */
function readCommentOrCData(lt: number): number {
  if (src.startsWith('<!--', lt)) {
    const end = src.indexOf('-->', lt + 4);
    if (end < 0) return -1;
    const data = src.slice(lt + 4, end);
    if (data.indexOf('--') >= 0 || data.charCodeAt(data.length - 1) === 0x2d) return -1;
    const c = doc!.createComment(data);
    place(c, lt);
    parent!.appendChild(c);
    return end + 3;
  }
  if (depth > 0 && src.startsWith('<![CDATA[', lt)) {
    const end = src.indexOf(']]>', lt + 9);
    // An empty section makes no node in xmldom, which then merges the text around it.
    if (end <= lt + 9) return -1;
    const c = doc!.createCDATASection(src.slice(lt + 9, end));
    parent!.appendChild(c);
    place(c, lt);
    return end + 3;
  }
  return -1; // DOCTYPE, CDATA outside the document element, anything else
}

/** §2.6 PI at `lt` (target an NCName, not xml): the index after it, or -1. */
function readPI(lt: number): number {
  const tEnd = scanQName(src, lt + 2);
  if (tEnd < 0 || colon >= 0) return -1;
  const target = src.slice(lt + 2, tEnd);
  if (target.toLowerCase() === 'xml') return -1;
  let data: string | undefined;
  let end: number;
  if (src.charCodeAt(tEnd) === 0x3f && src.charCodeAt(tEnd + 1) === 0x3e) {
    data = undefined;
    end = tEnd + 2;
  } else {
    if (!isWs(src.charCodeAt(tEnd))) return -1;
    const from = skipWs(src, tEnd);
    const close = src.indexOf('?>', from);
    if (close < 0) return -1;
    data = src.slice(from, close);
    end = close + 2;
  }
  const pi = doc!.createProcessingInstruction(target, data);
  place(pi, lt);
  parent!.appendChild(pi);
  return end;
}

/**
 * §3.1 STag or EmptyElemTag at `lt`: its attributes read (readAttributes), namespaces resolved
 * (resolveNamespaces), the element built: the index after the tag, or -1.
 */
function readStartTag(lt: number): number {
  if (depth === 0 && rooted) return -1;
  const nameEnd = scanQName(src, lt + 1);
  if (nameEnd < 0) return -1;
  const qName = src.slice(lt + 1, nameEnd);
  const elColon = colon;
  const na = readAttributes(nameEnd);
  if (na < 0) return -1;
  // readAttributes leaves the index after the tag in `tagEnd`, and whether it was `/>` in `tagEmpty`.
  const p = tagEnd;
  const empty = tagEmpty;
  if (depth >= maxDepth) return -1;

  const mark = undoPrefix.length;
  if (!resolveNamespaces(na)) return -1;
  const ns = scope.get(elColon < 0 ? '' : qName.slice(0, elColon));
  if (ns === undefined || (ns === null && elColon >= 0)) return -1;

  const el = doc!.createElementNS(ns, qName);
  parent!.appendChild(el);
  place(el, lt);
  for (let a = 0; a < na; a++) {
    const attr = doc!.createAttributeNS(aUri[a], aName[a]!);
    place(attr, aAt[a]!);
    attr.value = attr.nodeValue = aValue[a]!;
    el.setAttributeNode(attr);
  }
  if (depth === 0) rooted = true;
  if (empty) {
    undo(mark);
  } else {
    open[depth] = qName;
    marks[depth] = mark;
    depth++;
    parents[depth] = el;
    parent = el;
  }
  return p;
}

let tagEnd = 0;
let tagEmpty = false;
/**
 * The attributes of the start tag whose name ends at `p`, into aName/aColon/aValue/aAt, up to its
 * '>' or '/>' (tagEnd, tagEmpty): their count, or -1.
 */
function readAttributes(p: number): number {
  let na = 0;
  for (;;) {
    const k = skipWs(src, p);
    const c = src.charCodeAt(k);
    if (c === 0x3e /* > */) {
      tagEmpty = false;
      tagEnd = k + 1;
      return na;
    }
    if (c === 0x2f /* / */) {
      if (src.charCodeAt(k + 1) !== 0x3e) return -1;
      tagEmpty = true;
      tagEnd = k + 2;
      return na;
    }
    if (k === p) return -1; // attributes are separated by white space
    const aEnd = scanQName(src, k);
    if (aEnd < 0) return -1;
    const ac = colon;
    const eq = skipWs(src, aEnd);
    if (src.charCodeAt(eq) !== 0x3d /* = */) return -1;
    const q = skipWs(src, eq + 1);
    const quote = src.charCodeAt(q);
    if (quote !== 0x22 && quote !== 0x27) return -1;
    const close = src.indexOf(quote === 0x22 ? '"' : "'", q + 1);
    if (close < 0) return -1;
    const value = attrValue(src, q + 1, close);
    if (value === null) return -1;
    if (na >= maxAttributes) return -1;
    aName[na] = src.slice(k, aEnd);
    aColon[na] = ac;
    aValue[na] = value;
    aAt[na] = q;
    na++;
    p = close + 1;
  }
}

/**
 * Namespaces in XML for the `na` attributes read: declarations first (they apply to the element's own
 * name and attributes), with the rules parseXml enforces, in the XMLNS namespace; every other prefixed
 * attribute resolved (unprefixed: no namespace); no duplicate. False to step aside.
 */
function resolveNamespaces(na: number): boolean {
  for (let a = 0; a < na; a++) {
    const name = aName[a]!;
    aUri[a] = undefined;
    if (name === 'xmlns') {
      const uri = intern(aValue[a]!);
      if (uri === null) return false;
      declare('', (aValue[a] = uri));
      aUri[a] = XMLNS_NS;
    } else if (aColon[a] === 5 && name.startsWith('xmlns')) {
      const prefix = name.slice(6);
      const uri = intern(aValue[a]!);
      if (uri === null || prefixDeclarationProblem(prefix, uri) !== null) return false;
      aValue[a] = uri;
      declare(prefix, uri);
      aUri[a] = XMLNS_NS;
    }
  }
  for (let a = 0; a < na; a++) {
    const ac = aColon[a]!;
    if (aUri[a] !== undefined || ac < 0) continue;
    const bound = scope.get(aName[a]!.slice(0, ac));
    if (bound === undefined || bound === null) return false;
    aUri[a] = bound;
  }
  return !(na > 1 && hasDuplicate(na));
}
