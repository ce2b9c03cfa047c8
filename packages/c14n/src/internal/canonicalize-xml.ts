// Canonicalization straight from text (issue #20): the streaming path (stream.ts) when the text is
// within it, else parseXml + the DOM walkers, with the same result and the same errors either way.
import { canonicalize, type CanonicalizeOptions } from './canonicalize.js';
import { C14nError } from './errors.js';
import { XMLNS_NS } from './namespaces.js';
import type { DElement, DNode, XDocument } from './dom.js';
import { parsePrepared, prepareXmlText, type ParseXmlOptions } from './parse.js';
import { BAIL, DEFAULT_ID_ATTRIBUTES, idProblem, streamCanonicalize, streamOptions, type IdAttribute, type StreamJob } from './stream.js';

export { DEFAULT_ID_ATTRIBUTES, type IdAttribute } from './stream.js';

/** Options of {@link canonicalizeXml}: the algorithm options plus the parser's bounds. */
export interface CanonicalizeXmlOptions extends Omit<CanonicalizeOptions, 'nodeSet'> {
  /** Same as `parseXml`'s (DOCTYPE refused unless `allowDoctype`; size/depth/attribute bounds). */
  parse?: ParseXmlOptions;
}

/** Options of {@link canonicalizeById}. */
export interface CanonicalizeByIdOptions extends CanonicalizeXmlOptions {
  /**
   * The attributes that name an element. Default {@link DEFAULT_ID_ATTRIBUTES}: wsu:Id, unprefixed Id,
   * xml:id. Exactly one element of the document may carry the id in any of them.
   */
  idAttributes?: readonly IdAttribute[];
}

/** Options of {@link canonicalizeXmlTo}. */
export interface CanonicalizeXmlToOptions extends CanonicalizeByIdOptions {
  /** Canonicalize only the subtree of the element with this Id (as {@link canonicalizeById}). */
  id?: string;
  /** Hand the output to `write` in pieces of about this many UTF-16 units (default 16384: pieces stay out of V8's large-object space). */
  chunkSize?: number;
}

function job(options: CanonicalizeXmlToOptions, id: string | null, sink: StreamJob['sink']): StreamJob {
  if (options && (options as CanonicalizeOptions).nodeSet !== undefined) {
    throw new C14nError(
      'ERR_C14N_INPUT',
      'canonicalizeXml options.nodeSet: expected none (the nodes of a parse are unknown to the caller), received a node set; parse with parseXml and call canonicalize',
    );
  }
  const { mode, withComments, incl } = streamOptions(options);
  const idAttributes = options.idAttributes ?? DEFAULT_ID_ATTRIBUTES;
  if (
    !Array.isArray(idAttributes) ||
    idAttributes.some((a) => !a || typeof a.localName !== 'string' || (a.namespaceURI !== null && typeof a.namespaceURI !== 'string'))
  ) {
    throw new C14nError('ERR_C14N_INPUT', 'canonicalizeById options.idAttributes: expected an array of { namespaceURI: string | null, localName: string }');
  }
  const chunk = options.chunkSize ?? 16384;
  if (!(Number.isInteger(chunk) && chunk > 0))
    throw new C14nError('ERR_C14N_INPUT', `canonicalizeXmlTo options.chunkSize: expected a positive integer, received ${String(chunk)}`);
  return { mode, withComments, incl, id, idAttributes, parse: options.parse ?? {}, sink, chunk };
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || id === '')
    throw new C14nError('ERR_C14N_INPUT', `canonicalizeById id: expected a non-empty string, received ${typeof id === 'string' ? '""' : typeof id}`);
  return id;
}

/** The one element of `doc` whose Id attribute (any of `attrs`) is `id`; throws for none or several. */
export function elementById(doc: XDocument, id: string, attrs: readonly IdAttribute[]): DElement {
  let found: DElement | null = null;
  let count = 0;
  const root = doc as unknown as DNode;
  let n: DNode | null = root.firstChild;
  while (n !== null) {
    if (n.nodeType === 1) {
      const as = (n as DElement).attributes;
      for (let i = 0; i < as.length; i++) {
        const a = as[i]!;
        if (a.value !== id || a.namespaceURI === XMLNS_NS) continue;
        const local = a.localName ?? a.name;
        const uri = a.namespaceURI === '' ? null : a.namespaceURI;
        if (attrs.some((x) => x.localName === local && x.namespaceURI === uri)) {
          count++;
          found ??= n as DElement;
          break;
        }
      }
      if (n.firstChild !== null) {
        n = n.firstChild;
        continue;
      }
    }
    while (n !== null && n.nextSibling === null) {
      n = n.parentNode;
      if (n === root) n = null;
    }
    if (n !== null) n = n.nextSibling;
  }
  idProblem(id, count);
  return found!;
}

function viaDom(text: string, options: CanonicalizeXmlToOptions, j: StreamJob): string {
  const doc = parsePrepared(text, j.parse);
  const node = j.id === null ? doc : elementById(doc, j.id, j.idAttributes);
  return canonicalize(node as never, {
    algorithm: options.algorithm,
    ...(options.inclusiveNamespaces !== undefined ? { inclusiveNamespaces: options.inclusiveNamespaces } : {}),
  });
}

/** One canonicalization; `stream` false (tests only) goes straight to the DOM path. */
function runJob(xml: string | Uint8Array, options: CanonicalizeXmlToOptions, id: string | null, stream: boolean): string {
  const j = job(options, id, null);
  const text = prepareXmlText(xml, j.parse);
  if (stream) {
    const r = streamCanonicalize(text, j);
    if (r !== BAIL) return r;
  }
  return viaDom(text, options, j);
}

/**
 * Canonicalize the whole document `xml` (string or bytes, read as parseXml reads them: same
 * well-formedness, DOCTYPE refused, bounds, strict decoding). One pass over the text without a DOM
 * for the documents parseXml's fast path reads (ASCII names, no DOCTYPE); parseXml + canonicalize
 * otherwise; the same output and errors either way.
 *
 * @throws {XmlParseError} ERR_XML_PARSE, ERR_XML_DOCTYPE, ERR_XML_LIMIT when `xml` is not accepted by parseXml.
 * @throws {C14nError} ERR_C14N_ALGORITHM for an unknown algorithm or an option it does not take, ERR_C14N_INPUT for
 * @throws bad options, ERR_C14N_RELATIVE_NAMESPACE for a relative namespace URI.
 */
export function canonicalizeXml(xml: string | Uint8Array, options: CanonicalizeXmlOptions): string {
  return runJob(xml, options, null, true);
}

/**
 * Canonicalize the subtree of the one element of `xml` whose Id attribute (wsu:Id, Id or xml:id by
 * default) is `id`: the ancestors' in-scope namespaces and, for C14N 1.0/1.1, xml:* attributes as each
 * algorithm says (what `canonicalize(element)` gives). No element, or more than one, with that Id is an
 * error (`ERR_C14N_ID_NOT_FOUND`, `ERR_C14N_DUPLICATE_ID`: a duplicate Id is signature wrapping).
 *
 * @throws {XmlParseError} ERR_XML_PARSE, ERR_XML_DOCTYPE, ERR_XML_LIMIT when `xml` is not accepted by parseXml.
 * @throws {C14nError} ERR_C14N_ID_NOT_FOUND / ERR_C14N_DUPLICATE_ID when not exactly one element has the Id,
 * @throws ERR_C14N_ALGORITHM, ERR_C14N_INPUT (bad id or options), ERR_C14N_RELATIVE_NAMESPACE.
 */
export function canonicalizeById(xml: string | Uint8Array, id: string, options: CanonicalizeByIdOptions): string {
  return runJob(xml, options, checkId(id), true);
}

/**
 * Streaming form of {@link canonicalizeXml} / {@link canonicalizeById} (`options.id`): the output goes
 * to `write` in pieces as it is produced (feed them to a hash), so memory stays O(depth + chunk) beyond
 * the input for documents the streaming path reads. If it throws, discard what `write` received (an
 * error, a duplicate Id say, can come after output). Documents outside the streaming path are
 * canonicalized through the DOM and the rest of their output written at the end.
 *
 * @throws {XmlParseError} ERR_XML_PARSE, ERR_XML_DOCTYPE, ERR_XML_LIMIT when `xml` is not accepted by parseXml.
 * @throws {C14nError} ERR_C14N_INPUT (`write` not a function, bad chunkSize or id), ERR_C14N_ID_NOT_FOUND,
 * @throws ERR_C14N_DUPLICATE_ID, ERR_C14N_ALGORITHM, ERR_C14N_RELATIVE_NAMESPACE; and whatever `write` throws.
 */
export function canonicalizeXmlTo(xml: string | Uint8Array, options: CanonicalizeXmlToOptions, write: (chunk: string) => void): void {
  runJobTo(xml, options, write, true);
}

/**
 * Tests only (not exported by the package): the three entry points with the streaming path on (as
 * exported) or off (the DOM path alone), to hold one to the other.
 */
export function entryPoints(stream: boolean): {
  canonicalizeXml: typeof canonicalizeXml;
  canonicalizeById: typeof canonicalizeById;
  canonicalizeXmlTo: typeof canonicalizeXmlTo;
} {
  return {
    canonicalizeXml: (xml, options) => runJob(xml, options, null, stream),
    canonicalizeById: (xml, id, options) => runJob(xml, options, checkId(id), stream),
    canonicalizeXmlTo: (xml, options, write) => runJobTo(xml, options, write, stream),
  };
}

function runJobTo(xml: string | Uint8Array, options: CanonicalizeXmlToOptions, write: (chunk: string) => void, stream: boolean): void {
  const id = options && options.id !== undefined ? checkId(options.id) : null;
  if (typeof write !== 'function') throw new C14nError('ERR_C14N_INPUT', `canonicalizeXmlTo write: expected a function, received ${typeof write}`);
  let written = 0;
  const sink = (chunk: string): void => {
    written += chunk.length;
    write(chunk);
  };
  const j = job(options, id, sink);
  const text = prepareXmlText(xml, j.parse);
  if (stream) {
    const r = streamCanonicalize(text, j);
    if (r !== BAIL) {
      if (r !== '') write(r);
      return;
    }
  }
  // The streamed output so far is a prefix of the canonical form (the same bytes); write the rest.
  const all = viaDom(text, options, j);
  if (all.length > written) write(all.slice(written));
}
