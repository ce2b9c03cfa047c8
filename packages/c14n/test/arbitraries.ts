// fast-check generators of namespace-heavy XML documents for c14n property tests and for the
// conformance `ocauth fuzz` command (kept in test/ so fast-check stays out of the runtime dependencies).
//
// A document is built from a random tape of integers, so it shrinks with the tape and is reproducible
// from a seed. Every generated document is namespace-well-formed XML 1.0 without a DOCTYPE, with only
// absolute namespace URIs and no `&` in them (libxml2 renders `&` raw in namespace declarations, a
// pinned departure tested separately), so xmllint can serve as the oracle byte for byte.
import fc from 'fast-check';

export interface GeneratedDocument {
  /** The document with comments. */
  xml: string;
  /** The same document without any comment (for the #WithComments-less algorithms vs xmllint). */
  xmlWithoutComments: string;
}

export interface DocumentShape {
  maxDepth?: number;
  maxChildren?: number;
  maxAttributes?: number;
  /** Only ASCII element and attribute names (the documents SOAP stacks exchange). Default false. */
  asciiNames?: boolean;
}

const PREFIXES = ['', 'a', 'b', 'c', 'd'] as const;
const URIS = ['http://example.test/a', 'http://example.test/b', 'urn:x-c', 'http://example.test/a/', 'http://example.test/%C3%A9', 'urn:x-d?q=1#f'] as const;
const LOCALS = ['e', 'f', 'g', 'Z', 'é', '\u{10000}', '\uF900', 'xmlnsx', 'xmlns-y'] as const;
const ATTR_LOCALS = ['id', 'z', 'A', 'é', '\u{10000}', '\uF900', 'xmlnsq', 'a1', 'b'] as const;
const TEXTS = ['', 'x', ' ', '&', '<', '>', '"', "'", '\t', '\n', '\r', '\r\n', ']]>', 'é', '\u{1F600}', '\u2028', '\u0085', 'text with  spaces'] as const;
const ASCII_LOCALS = ['e', 'f', 'g', 'Z', '_h.i', 'xmlnsx', 'xmlns-y'] as const;
const ASCII_ATTR_LOCALS = ['id', 'z', 'A', 'c-d', 'xmlnsq', 'a1', 'b'] as const;
const XML_ATTRS = [
  ['lang', 'en'],
  ['lang', ''],
  ['space', 'preserve'],
  ['id', 'x1'],
] as const;

class Tape {
  private i = 0;
  constructor(private readonly ints: readonly number[]) {}
  /** An integer in [0, n). Exhausted tapes yield 0, so documents end small and well-formed. */
  pick(n: number): number {
    if (n <= 1) return 0;
    const v = this.i < this.ints.length ? this.ints[this.i]! : 0;
    this.i++;
    return v % n;
  }
  of<T>(list: readonly T[]): T {
    return list[this.pick(list.length)]!;
  }
}

const escAttrSrc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
const escTextSrc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');

interface Out {
  all: string;
  noComments: string;
}

function build(ints: readonly number[], shape: Required<DocumentShape>): GeneratedDocument {
  const t = new Tape(ints);
  const locals: readonly string[] = shape.asciiNames ? ASCII_LOCALS : LOCALS;
  const attrLocals: readonly string[] = shape.asciiNames ? ASCII_ATTR_LOCALS : ATTR_LOCALS;
  const out: Out = { all: '', noComments: '' };
  const emit = (s: string, comment = false): void => {
    out.all += s;
    if (!comment) out.noComments += s;
  };
  const misc = (): void => {
    const n = t.pick(3);
    for (let i = 0; i < n; i++) {
      if (t.pick(2) === 0) emit(`<!--${t.of(['', ' c ', 'x-y', '\u{1F600} & <'])}-->`, true);
      else emit(`<?${t.of(['p', 'pi-x'])}${t.of(['', ' data', '  two  words ', ' <&>'])}?>`);
      emit(t.of(['', '\n', ' ']));
    }
  };
  if (t.pick(2)) emit('<?xml version="1.0" encoding="UTF-8"?>\n');
  misc();
  const element = (depth: number, scope: ReadonlyMap<string, string>): void => {
    const local = new Map(scope);
    const decls: string[] = [];
    const nDecl = t.pick(4);
    const declared = new Set<string>();
    for (let i = 0; i < nDecl; i++) {
      const p = t.of(PREFIXES);
      if (declared.has(p)) continue;
      declared.add(p);
      const uri = p === '' && t.pick(3) === 0 ? '' : t.of(URIS);
      decls.push(p === '' ? ` xmlns="${escAttrSrc(uri)}"` : ` xmlns:${p}="${escAttrSrc(uri)}"`);
      local.set(p, uri);
    }
    const bound = [...local.keys()].filter((p) => p === '' || local.get(p) !== '');
    const prefix = t.pick(3) === 0 || bound.length === 0 ? '' : t.of(bound);
    const qname = (prefix ? prefix + ':' : '') + t.of(locals);
    const attrs: string[] = [];
    const seen = new Set<string>();
    const nAttr = t.pick(shape.maxAttributes + 1);
    for (let i = 0; i < nAttr; i++) {
      const kind = t.pick(4);
      let name: string;
      let key: string;
      let value = t.of(TEXTS) + t.of(TEXTS);
      if (kind === 0) {
        const [l, v] = t.of(XML_ATTRS);
        name = 'xml:' + l;
        key = '{xml}' + l;
        value = v;
      } else if (kind === 1) {
        const prefixed = [...local.entries()].filter(([p, u]) => p !== '' && u !== '');
        if (prefixed.length === 0) continue;
        const [p, u] = t.of(prefixed);
        const l = t.of(attrLocals);
        name = `${p}:${l}`;
        key = `{${u}}${l}`;
      } else {
        const l = t.of(attrLocals);
        name = l;
        key = '{}' + l;
      }
      if (seen.has(key) || seen.has('q:' + name)) continue;
      seen.add(key);
      seen.add('q:' + name);
      attrs.push(` ${name}="${escAttrSrc(value)}"`);
    }
    // Shuffle declarations among attributes so source order differs from canonical order.
    const all = [...decls, ...attrs];
    for (let i = all.length - 1; i > 0; i--) {
      const j = t.pick(i + 1);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const nChildren = depth >= shape.maxDepth ? 0 : t.pick(shape.maxChildren + 1);
    if (nChildren === 0 && t.pick(2) === 0) {
      emit(`<${qname}${all.join('')}/>`);
      return;
    }
    emit(`<${qname}${all.join('')}>`);
    for (let i = 0; i < nChildren; i++) {
      switch (t.pick(6)) {
        case 0:
        case 1:
          element(depth + 1, local);
          break;
        case 2:
          emit(escTextSrc(t.of(TEXTS)));
          break;
        case 3:
          emit(`<![CDATA[${t.of(['', 'x', '<&>', '"\''])}]]>`);
          break;
        case 4:
          emit(`<!--${t.of(['', ' c ', '\r', 'a\tb'])}-->`, true);
          break;
        default:
          emit(`<?${t.of(['p', 'q'])}${t.of(['', ' d', ' x?y'])}?>`);
      }
    }
    emit(`</${qname}>`);
  };
  element(1, new Map());
  misc();
  return { xml: out.all, xmlWithoutComments: out.noComments };
}

/** Namespace-heavy XML documents (with their comment-free twin). */
export function namespaceHeavyDocument(shape: DocumentShape = {}): fc.Arbitrary<GeneratedDocument> {
  const s: Required<DocumentShape> = {
    maxDepth: shape.maxDepth ?? 5,
    maxChildren: shape.maxChildren ?? 4,
    maxAttributes: shape.maxAttributes ?? 4,
    asciiNames: shape.asciiNames ?? false,
  };
  return fc.array(fc.nat({ max: 1 << 16 }), { minLength: 40, maxLength: 400 }).map((ints) => build(ints, s));
}

/** Bundled for reuse by the conformance fuzz command. */
/**
 * Near misses of valid documents: `doc` with 1..`maxEdits` edits, each inserting a token, deleting 1–4
 * characters, or replacing 1–4 characters by a token, at any position.
 */
export function mutatedDocument(doc: fc.Arbitrary<GeneratedDocument>, tokens: readonly string[], maxEdits: number): fc.Arbitrary<string> {
  return fc
    .tuple(doc, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...tokens), fc.nat({ max: 3 })), { minLength: 1, maxLength: maxEdits }))
    .map(([d, edits]) => {
      let s = d.xml;
      for (const [at, kind, token, len] of edits) {
        const p = at % (s.length + 1);
        if (kind === 0) s = s.slice(0, p) + token + s.slice(p);
        else if (kind === 1) s = s.slice(0, p) + s.slice(p + len + 1);
        else s = s.slice(0, p) + token + s.slice(p + len + 1);
      }
      return s;
    });
}

export const c14nArbitraries = { namespaceHeavyDocument, mutatedDocument };
