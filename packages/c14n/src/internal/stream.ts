// Streaming canonicalization (issue #20): Canonical XML 1.0 / 1.1 and Exclusive c14n of a whole
// document, or of the subtree of the element with a given Id, straight from the text in one pass —
// no DOM, memory O(depth) besides the output (and, with a sink, O(chunk) for the output too).
//
// It reads exactly what parseXml's fast path reads (src/internal/fast-parse.ts: ASCII names,
// namespaces, attributes, text, comments, CDATA, PIs, an XML declaration; no DOCTYPE), with the same
// checks, and writes what the DOM walkers (exclusive.ts, canonicalize.ts) write for the Document or
// Element parseXml would build. Anything else (a non-ASCII name, a DOCTYPE, any malformation, a bound
// exceeded) makes it step aside: the caller then parses the same text with parseXml and canonicalizes
// the DOM, which accepts the same documents and raises the same errors. So this path decides nothing
// about what is accepted; differential tests hold it to the DOM path and to libxml2 byte for byte.
//
// C14N rules followed here, each as the DOM walkers apply them (no node set: every node of the
// document, or of the subtree, is in the set):
// - Exclusive: an element renders the namespaces it and its attributes visibly utilize, and those of
//   the InclusiveNamespaces PrefixList in scope, unless the nearest output ancestor rendered the same.
// - Inclusive (1.0 / 1.1): an element renders its declarations that differ from the nearest output
//   ancestor's; the apex of a subtree renders every in-scope namespace (xmlns="" only to undo one).
// - The apex of a subtree inherits the ancestors' xml:* attributes: C14N 1.0 all, C14N 1.1 xml:lang
//   and xml:space plus the xml:base fix-up (§2.4), Exclusive none.
import { algorithmInfo, Mode } from './algorithms.js';
import { C14nError } from './errors.js';
import { compareCodePoints } from './escape.js';
import { checkNamespaceUri, namespaceNameProblem, parsePrefixList, prefixDeclarationProblem, rendersNamespace, sortDecls, XML_NS } from './namespaces.js';
import { allWs, attrValue, colon, decodeRefs, isWs, scanQName, skipWs, XML_DECL } from './scan.js';
import { type ParseXmlOptions, DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_DEPTH } from './parse.js';
import { Writer } from './writer.js';
import { inheritsXmlAttr, joinXmlBase } from './xml-attrs.js';

export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

/** An attribute that names an element for {@link canonicalizeById}: namespace (null: none) and local name. */
export interface IdAttribute {
  namespaceURI: string | null;
  localName: string;
}

/** wsu:Id, unprefixed Id and xml:id: the Id attributes WS-Security references resolve. */
export const DEFAULT_ID_ATTRIBUTES: readonly IdAttribute[] = [
  { namespaceURI: WSU_NS, localName: 'Id' },
  { namespaceURI: null, localName: 'Id' },
  { namespaceURI: XML_NS, localName: 'id' },
];

/** What one streaming run needs; `id` null canonicalizes the whole document. */
export interface StreamJob {
  mode: Mode;
  withComments: boolean;
  incl: string[] | null;
  id: string | null;
  idAttributes: readonly IdAttribute[];
  parse: ParseXmlOptions;
  /** Called with pieces of the output, in order, as they grow past `chunk` units; null: keep all. */
  sink: ((chunk: string) => void) | null;
  chunk: number;
}

/** Result of a run: the output (what was not handed to the sink), or BAIL (step aside: use the DOM). */
export const BAIL = Symbol('bail');

// Run state, module-wide (a run is synchronous and calls no user code but the sink, which cannot
// start another run on this state: see `busy`).
let busy = false;
let src = '';
const out = new Writer();
// Attributes of the start tag being read (parallel arrays).
const aName: string[] = [];
const aColon: number[] = [];
const aValue: string[] = [];
const aUri: (string | undefined)[] = [];
const aLocal: string[] = [];
const ord: number[] = [];
// In-scope bindings as a stack of declarations (prefix, URI; xmlns="" is ''), innermost last, searched
// from the top: no Map churn per element (V8 chains the tables of a Map or Set that is rehashed or
// cleared, which kept whole runs of garbage alive through scavenges).
const undoPrefix: string[] = [];
const undoUri: string[] = [];
// Rendered namespaces of the output ancestors (innermost last) and per-depth marks.
const rP: string[] = [];
const rU: string[] = [];
let rn = 0;
// Namespace declarations to render on this element.
const dP: string[] = [];
const dU: string[] = [];
let dn = 0;
// Per open element: qualified name, scope undo mark, rendered mark.
const openName: string[] = [];
const openMark: number[] = [];
const openRendered: number[] = [];
// xml:* attributes of the open elements (for a subtree's apex in inclusive modes): per depth, the
// element's own xml:* attributes as local name → value (null when it has none).
const xmlAttrsAt: (Map<string, string> | null)[] = [];
// The first c14n error met (a relative namespace URI): raised once the text is known to be well formed.
let c14nError: C14nError | null = null;

/** `uri` if it is a valid namespace name (a URI reference, as libxml2 requires), else null. */
function validUri(uri: string): string | null {
  return namespaceNameProblem(uri, '') === null ? uri : null;
}

let sn = 0;
function declare(prefix: string, uri: string): void {
  undoPrefix[sn] = prefix;
  undoUri[sn] = uri;
  sn++;
}
function undo(mark: number): void {
  sn = mark;
}
/** The URI bound to `prefix` ('' for the default namespace): null when unbound (or undeclared by xmlns=""). */
function lookup(prefix: string): string | null {
  for (let j = sn - 1; j >= 0; j--) {
    if (undoPrefix[j] === prefix) {
      const u = undoUri[j]!;
      return u === '' ? null : u;
    }
  }
  return prefix === 'xml' ? XML_NS : null;
}
/** The declared value for `prefix` ('' for xmlns=""), or null when no declaration is in scope. */
function declared(prefix: string): string | null {
  for (let j = sn - 1; j >= 0; j--) if (undoPrefix[j] === prefix) return undoUri[j]!;
  return null;
}

/** Whether two of the `n` attributes have the same qualified or expanded name (Namespaces §6.3). */
function hasDuplicate(n: number): boolean {
  if (n <= 8) {
    for (let a = 1; a < n; a++) {
      const name = aName[a]!;
      const uri = aUri[a];
      for (let b = 0; b < a; b++) {
        if (aName[b] === name) return true;
        if (uri !== undefined && uri !== '' && aUri[b] === uri && name.slice(aColon[a]! + 1) === aName[b]!.slice(aColon[b]! + 1)) return true;
      }
    }
    return false;
  }
  // A fresh Set each time (see the stack above on clearing one).
  const seen = new Set<string>();
  for (let a = 0; a < n; a++) {
    const uri = aUri[a];
    const key = uri === undefined ? aName[a]! : uri + ' ' + aName[a]!.slice(aColon[a]! + 1);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** Queue (p, uri) for rendering unless the nearest rendered binding of p says the same. */
function consider(p: string, uri: string): void {
  if (!rendersNamespace(rP, rU, rn, dP, dn, p, uri)) return;
  dP[dn] = p;
  dU[dn] = uri;
  dn++;
}

/** Order the first `n` entries of `ord` (attribute indexes) by namespace URI, then local name (§2.2). */
function sortOrd(n: number): void {
  for (let i = 1; i < n; i++) {
    const x = ord[i]!;
    const xns = aUri[x] ?? '';
    const xl = aLocal[x]!;
    let j = i - 1;
    while (j >= 0) {
      const y = ord[j]!;
      const yns = aUri[y] ?? '';
      const c = xns === yns ? compareCodePoints(aLocal[y]!, xl) : compareCodePoints(yns, xns);
      if (c <= 0) break;
      ord[j + 1] = y;
      j--;
    }
    ord[j + 1] = x;
  }
}

/** Record the first relative-URI error (C14N §2.3) and stop writing; the parse goes on to its end. */
function check(uri: string, tagName: string, prefix: string): boolean {
  if (c14nError !== null) return false;
  try {
    checkNamespaceUri(uri, { tagName }, prefix);
    return true;
  } catch (e) {
    c14nError = e as C14nError;
    return false;
  }
}

/**
 * Canonicalize the prepared text (see prepareXmlText) as `job` says. Returns the output not yet handed
 * to the sink, or BAIL when the text is outside this path (the caller then uses the DOM path).
 * Throws C14nError for what the DOM path would raise after a successful parse (a relative namespace
 * URI, no element or several elements with the Id).
 */
export function streamCanonicalize(text: string, job: StreamJob): string | typeof BAIL {
  if (busy) return BAIL; // a sink started another run: let that one use the DOM path
  busy = true;
  src = text;
  out.reset();
  rn = 0;
  dn = 0;
  sn = 0;
  c14nError = null;
  try {
    return run(job);
  } finally {
    sn = 0;
    // Names and values sliced from a large text would keep all of it alive until the next run.
    if (text.length > 1 << 16) {
      undoPrefix.length = undoUri.length = 0;
      aName.length = aColon.length = aValue.length = aUri.length = aLocal.length = 0;
      openName.length = 0;
      xmlAttrsAt.length = 0;
      rP.length = rU.length = dP.length = dU.length = 0;
    }
    src = '';
    busy = false;
  }
}

function run(job: StreamJob): string | typeof BAIL {
  const n = src.length;
  const maxDepth = job.parse.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAttributes = job.parse.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;
  const { mode, withComments, incl, id, sink, chunk } = job;
  const exclusive = mode === Mode.EXC;
  const idAttrs = job.idAttributes;
  // Output region: the whole document (id null) or the apex's subtree, at depths > apexDepth - 1.
  let apexDepth = id === null ? 0 : -1; // depth of the apex element (1 = document element), -1: not met
  let found = 0;
  let depth = 0;
  let rooted = false;
  let afterRoot = false;
  let i = 0;
  // Writing: whole document always; subtree only between the apex's start and end tags.
  let writing = id === null;

  if (src.startsWith('<?xml') && (isWs(src.charCodeAt(5)) || src.charCodeAt(5) === 0x3f)) {
    const m = XML_DECL.exec(src);
    if (m === null) return BAIL;
    i = m[0].length;
  }

  for (;;) {
    const lt = src.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      if (depth === 0) {
        if (!allWs(src, i, textEnd)) return BAIL;
      } else {
        let data = src.slice(i, textEnd);
        if (data.indexOf(']]>') >= 0) return BAIL;
        if (data.indexOf('&') >= 0) {
          const d = decodeRefs(data);
          if (d === null) return BAIL;
          data = d;
        }
        if (writing) out.text(data);
      }
    }
    if (lt < 0) break;
    if (sink !== null && out.pending >= chunk) sink(out.drain());

    const c1 = src.charCodeAt(lt + 1);
    if (c1 === 0x2f /* / */) {
      if (depth === 0) return BAIL;
      const name = openName[depth - 1]!;
      const at = lt + 2;
      for (let k = 0; k < name.length; k++) if (src.charCodeAt(at + k) !== name.charCodeAt(k)) return BAIL;
      const gt = skipWs(src, at + name.length);
      if (src.charCodeAt(gt) !== 0x3e) return BAIL;
      depth--;
      undo(openMark[depth]!);
      if (writing) {
        rn = openRendered[depth]!;
        out.endTag(name);
        if (depth + 1 === apexDepth && id !== null) writing = false;
      }
      if (depth === 0) afterRoot = true;
      i = gt + 1;
      continue;
    }

    if (c1 === 0x21 /* ! */) {
      if (src.startsWith('<!--', lt)) {
        const end = src.indexOf('-->', lt + 4);
        if (end < 0) return BAIL;
        const data = src.slice(lt + 4, end);
        if (data.indexOf('--') >= 0 || data.charCodeAt(data.length - 1) === 0x2d) return BAIL;
        if (withComments) {
          if (depth === 0) {
            if (id === null) {
              if (afterRoot) out.ch(0x0a);
              out.raw('<!--');
              out.raw(data);
              out.raw('-->');
              if (!afterRoot) out.ch(0x0a);
            }
          } else if (writing) {
            out.raw('<!--');
            out.raw(data);
            out.raw('-->');
          }
        }
        i = end + 3;
        continue;
      }
      if (depth > 0 && src.startsWith('<![CDATA[', lt)) {
        const end = src.indexOf(']]>', lt + 9);
        if (end < 0) return BAIL;
        if (writing && end > lt + 9) out.text(src.slice(lt + 9, end));
        i = end + 3;
        continue;
      }
      return BAIL; // DOCTYPE, CDATA outside the document element, anything else
    }

    if (c1 === 0x3f /* ? */) {
      const tEnd = scanQName(src, lt + 2);
      if (tEnd < 0 || colon >= 0) return BAIL;
      const target = src.slice(lt + 2, tEnd);
      if (target.toLowerCase() === 'xml') return BAIL;
      let data = '';
      let end: number;
      if (src.charCodeAt(tEnd) === 0x3f && src.charCodeAt(tEnd + 1) === 0x3e) {
        end = tEnd + 2;
      } else {
        if (!isWs(src.charCodeAt(tEnd))) return BAIL;
        const from = skipWs(src, tEnd);
        const close = src.indexOf('?>', from);
        if (close < 0) return BAIL;
        data = src.slice(from, close);
        end = close + 2;
      }
      if (depth === 0 ? id === null : writing) {
        if (depth === 0 && afterRoot) out.ch(0x0a);
        out.raw('<?');
        out.raw(target);
        if (data !== '') {
          out.ch(0x20);
          out.raw(data);
        }
        out.raw('?>');
        if (depth === 0 && !afterRoot) out.ch(0x0a);
      }
      i = end;
      continue;
    }

    // Start tag.
    if (depth === 0 && rooted) return BAIL;
    const nameEnd = scanQName(src, lt + 1);
    if (nameEnd < 0) return BAIL;
    const qName = src.slice(lt + 1, nameEnd);
    const elColon = colon;
    let na = 0;
    let p = nameEnd;
    let empty: boolean;
    for (;;) {
      const k = skipWs(src, p);
      const c = src.charCodeAt(k);
      if (c === 0x3e /* > */) {
        empty = false;
        p = k + 1;
        break;
      }
      if (c === 0x2f /* / */) {
        if (src.charCodeAt(k + 1) !== 0x3e) return BAIL;
        empty = true;
        p = k + 2;
        break;
      }
      if (k === p) return BAIL;
      const aEnd = scanQName(src, k);
      if (aEnd < 0) return BAIL;
      const ac = colon;
      const eq = skipWs(src, aEnd);
      if (src.charCodeAt(eq) !== 0x3d) return BAIL;
      const q = skipWs(src, eq + 1);
      const quote = src.charCodeAt(q);
      if (quote !== 0x22 && quote !== 0x27) return BAIL;
      const close = src.indexOf(quote === 0x22 ? '"' : "'", q + 1);
      if (close < 0) return BAIL;
      const value = attrValue(src, q + 1, close);
      if (value === null) return BAIL;
      if (na >= maxAttributes) return BAIL;
      aName[na] = src.slice(k, aEnd);
      aColon[na] = ac;
      aValue[na] = value;
      na++;
      p = close + 1;
    }
    if (depth >= maxDepth) return BAIL;

    // Namespace declarations first, then the other attributes resolved (unprefixed: no namespace).
    // aUri: undefined for an attribute in no namespace, '' marks a declaration.
    const mark = sn;
    let decls = 0;
    for (let a = 0; a < na; a++) {
      const name = aName[a]!;
      aUri[a] = undefined;
      if (name === 'xmlns') {
        const uri = validUri(aValue[a]!);
        if (uri === null) return BAIL;
        aValue[a] = uri;
        declare('', uri);
        aUri[a] = '';
        decls++;
      } else if (aColon[a] === 5 && name.startsWith('xmlns')) {
        const uri = validUri(aValue[a]!);
        if (uri === null || prefixDeclarationProblem(name.slice(6), uri) !== null) return BAIL;
        aValue[a] = uri;
        declare(name.slice(6), uri);
        aUri[a] = '';
        decls++;
      }
    }
    for (let a = 0; a < na; a++) {
      const ac = aColon[a]!;
      if (aUri[a] !== undefined || ac < 0) continue;
      const bound = lookup(aName[a]!.slice(0, ac));
      if (bound === null) return BAIL;
      aUri[a] = bound;
    }
    if (na > 1 && hasDuplicate(na)) return BAIL;
    const elPrefix = elColon < 0 ? '' : qName.slice(0, elColon);
    const ns = lookup(elPrefix);
    if (ns === null && elColon >= 0) return BAIL;
    const elUri = ns ?? '';

    // Is this the element with the Id?
    let apexHere = false;
    if (id !== null && na > decls) {
      for (let a = 0; a < na; a++) {
        if (aValue[a] !== id || aUri[a] === '') continue;
        const uri = aUri[a] ?? null;
        const local = aColon[a]! < 0 ? aName[a]! : aName[a]!.slice(aColon[a]! + 1);
        let match = false;
        for (const ia of idAttrs) if (ia.localName === local && ia.namespaceURI === uri) match = true;
        if (match) {
          found++;
          if (found === 1) apexHere = true;
          break;
        }
      }
    }
    // xml:* attributes of the open elements, kept for a later apex (inclusive subtree only).
    if (id !== null && !exclusive && apexDepth < 0) {
      let own: Map<string, string> | null = null;
      for (let a = 0; a < na; a++) {
        if (aUri[a] === XML_NS) (own ??= new Map()).set(aName[a]!.slice(4), aValue[a]!);
      }
      xmlAttrsAt[depth] = own;
    }

    openRendered[depth] = rn;
    if (apexHere) {
      apexDepth = depth + 1;
      writing = true;
      rn = 0;
      openRendered[depth] = 0;
    }
    if (writing) {
      if (c14nError !== null)
        writing = false; // an error is pending: nothing more is written
      else if (!startTag(qName, elPrefix, elUri, na, exclusive, mode, incl, apexHere ? depth : -1)) writing = false;
      if (!writing) apexDepth = -2; // stop writing for good (the error is raised at the end)
    }
    if (depth === 0) rooted = true;
    if (empty) {
      undo(mark);
      if (writing) {
        out.endTag(qName);
        rn = openRendered[depth]!;
        if (apexHere && id !== null) writing = false;
      }
      if (depth === 0) afterRoot = true;
    } else {
      openName[depth] = qName;
      openMark[depth] = mark;
      depth++;
    }
    i = p;
  }

  if (depth > 0 || !rooted) return BAIL;
  if (id !== null) idProblem(id, found);
  if (c14nError !== null) throw c14nError;
  return out.finish();
}

/** Throw unless exactly one element carries the Id (shared with the DOM path). */
export function idProblem(id: string, found: number): void {
  if (found === 0)
    throw new C14nError(
      'ERR_C14N_ID_NOT_FOUND',
      `canonicalizeById id: expected an element with an Id attribute ${JSON.stringify(id)}, received a document without one`,
    );
  if (found > 1)
    throw new C14nError(
      'ERR_C14N_DUPLICATE_ID',
      `canonicalizeById id: expected exactly one element with the Id ${JSON.stringify(id)}, received ${found} (a duplicate Id is how signature wrapping works)`,
    );
}

/**
 * Write the start tag of the element just read (its attributes in the a* arrays, declarations marked
 * by aUri ''), updating the rendered-namespace stack. `apexAt` is the element's depth when it is the
 * apex of a subtree (-1 otherwise). False when a relative namespace URI was met (recorded).
 */
function startTag(qName: string, elPrefix: string, elUri: string, na: number, exclusive: boolean, mode: Mode, incl: string[] | null, apexAt: number): boolean {
  dn = 0;
  let ln = 0;
  if (exclusive) {
    // exclusive.ts open(): each declaration checked in attribute order, then the rendered ones.
    for (let a = 0; a < na; a++) {
      if (aUri[a] === '') {
        const p = aName[a]!.length === 5 ? '' : aName[a]!.slice(6);
        if (p === 'xml') continue;
        if (!check(aValue[a]!, qName, p)) return false;
      } else ord[ln++] = a;
    }
    if (elPrefix !== 'xml') consider(elPrefix, elUri);
    for (let k = 0; k < ln; k++) {
      const a = ord[k]!;
      const c = aColon[a]!;
      if (c < 0) continue;
      const p = aName[a]!.slice(0, c);
      if (p !== 'xml') consider(p, aUri[a]!);
    }
    if (incl !== null) {
      for (const p of incl) {
        if (p === 'xml') continue;
        const u = declared(p);
        if (u !== null) consider(p, u);
      }
    }
  } else {
    // canonicalize.ts open(): own declarations checked in attribute order; then the namespace axis.
    for (let a = 0; a < na; a++) {
      if (aUri[a] === '') {
        const p = aName[a]!.length === 5 ? '' : aName[a]!.slice(6);
        if (p === 'xml') continue;
        if (!check(aValue[a]!, qName, p)) return false;
      } else ord[ln++] = a;
    }
    if (apexAt >= 0) {
      // Every in-scope namespace, in the order the DOM walker's scope map holds them (first
      // declaration of each prefix, from the document element down).
      const order: string[] = [];
      for (let k = 0; k < sn; k++) {
        const p = undoPrefix[k]!;
        if (p !== 'xml' && !order.includes(p)) order.push(p);
      }
      for (const p of order) {
        const u = lookup(p);
        if (u !== null) consider(p, u);
      }
    } else {
      for (let a = 0; a < na; a++) {
        if (aUri[a] !== '') continue;
        const p = aName[a]!.length === 5 ? '' : aName[a]!.slice(6);
        if (p !== 'xml') consider(p, aValue[a]!);
      }
    }
  }
  // Rendered declarations: checked (in consider order for inclusive, sorted for exclusive).
  if (!exclusive) for (let k = 0; k < dn; k++) if (!check(dU[k]!, qName, dP[k]!)) return false;
  if (dn > 1) sortDecls(dP, dU, dn);
  if (exclusive) for (let k = 0; k < dn; k++) if (!check(dU[k]!, qName, dP[k]!)) return false;

  // Attributes, with a subtree apex's inherited xml:* ones (inclusive only) appended as extra indexes.
  if (apexAt >= 0 && !exclusive) ln = inheritXml(ln, na, mode, apexAt);
  for (let k = 0; k < ln; k++) {
    const a = ord[k]!;
    const c = aColon[a]!;
    aLocal[a] = c < 0 ? aName[a]! : aName[a]!.slice(c + 1);
  }
  if (ln > 1) sortOrd(ln);

  if (dn === 0 && ln === 0) {
    out.element(qName);
    return true;
  }
  out.startTag(qName);
  for (let k = 0; k < dn; k++) {
    rP[rn] = dP[k]!;
    rU[rn] = dU[k]!;
    rn++;
    out.namespace(dP[k]!, dU[k]!);
  }
  for (let k = 0; k < ln; k++) {
    const a = ord[k]!;
    out.attribute(aName[a]!, aValue[a]!);
  }
  out.ch(0x3e);
  return true;
}

/**
 * C14N 1.0 §2.4 / C14N 1.1 §2.4 for the apex of a subtree: append the ancestors' xml:* attributes the
 * apex lacks (as extra attribute slots after the `na` read ones) and, for 1.1, fix up xml:base.
 * Returns the new count of entries in `ord`.
 */
function inheritXml(ln: number, na: number, mode: Mode, apexAt: number): number {
  // Nearest ancestor wins: walk from the parent up.
  const inherited = new Map<string, string>();
  for (let d = apexAt - 1; d >= 0; d--) {
    const own = xmlAttrsAt[d];
    if (own) for (const [k, v] of own) if (!inherited.has(k)) inherited.set(k, v);
  }
  const has = (local: string): number => {
    for (let k = 0; k < ln; k++) {
      const a = ord[k]!;
      if (aUri[a] === XML_NS && aName[a] === 'xml:' + local) return k;
    }
    return -1;
  };
  let extra = na;
  for (const [local, v] of inherited) {
    if (!inheritsXmlAttr(mode, local) || has(local) >= 0) continue;
    aName[extra] = 'xml:' + local;
    aColon[extra] = 3;
    aValue[extra] = v;
    aUri[extra] = XML_NS;
    ord[ln++] = extra++;
  }
  if (mode !== Mode.C14N11) return ln;
  const bi = has('base');
  let base = bi >= 0 ? aValue[ord[bi]!] : undefined;
  for (let d = apexAt - 1; d >= 0; d--) {
    const v = xmlAttrsAt[d]?.get('base');
    if (v !== undefined) base = joinXmlBase(base, v);
  }
  if (base !== undefined) {
    if (bi >= 0) {
      // Replace the value in a fresh slot (the element's own value stays as read).
      aName[extra] = 'xml:base';
      aColon[extra] = 3;
      aValue[extra] = base;
      aUri[extra] = XML_NS;
      ord[bi] = extra++;
    } else {
      aName[extra] = 'xml:base';
      aColon[extra] = 3;
      aValue[extra] = base;
      aUri[extra] = XML_NS;
      ord[ln++] = extra++;
    }
  }
  return ln;
}

/** The algorithm options of a streaming call, checked as canonicalize checks them. */
export function streamOptions(options: { algorithm: string; inclusiveNamespaces?: readonly string[] | string }): {
  mode: Mode;
  withComments: boolean;
  incl: string[] | null;
} {
  if (options === null || typeof options !== 'object') {
    throw new C14nError(
      'ERR_C14N_ALGORITHM',
      `canonicalizeXml options: expected an object with an algorithm URI, received ${options === null ? 'null' : typeof options}`,
    );
  }
  const { mode, withComments } = algorithmInfo(options.algorithm);
  const incl = parsePrefixList(options.inclusiveNamespaces);
  if (incl !== null && mode !== Mode.EXC) {
    throw new C14nError(
      'ERR_C14N_ALGORITHM',
      `canonicalize options.inclusiveNamespaces: expected only with exclusive c14n, received it with ${options.algorithm}`,
    );
  }
  return { mode, withComments, incl };
}
