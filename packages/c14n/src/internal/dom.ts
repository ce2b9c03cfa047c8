// The DOM of ocauth: the structural views of the @xmldom/xmldom 0.9 DOM that the parsers and
// canonicalizers read and build (they also fit other W3C DOMs with the same properties), and the DOM
// helpers every package reads parsed messages with. One declaration for every module and package.
import { type Document, XMLSerializer } from '@xmldom/xmldom';

/** A Document as parseXml returns it. */
export type XDocument = Document;

/** What a tree walk reads of any node. */
export interface DNode {
  nodeType: number;
  parentNode: DNode | null;
  firstChild: DNode | null;
  nextSibling: DNode | null;
}

/** What canonicalization reads of an Attr node. */
export interface DAttr extends DNode {
  name: string;
  prefix: string | null;
  localName: string | null;
  namespaceURI: string | null;
  value: string;
}

/** What canonicalization reads of an element. */
export interface DElement extends DNode {
  tagName: string;
  prefix: string | null;
  localName: string | null;
  namespaceURI: string | null;
  attributes: { readonly length: number; readonly [i: number]: DAttr };
}

/** What the fast parser sets on and calls of the nodes it builds. */
export interface BuiltNode {
  lineNumber?: number;
  columnNumber?: number;
  appendChild(n: BuiltNode): BuiltNode;
}
export interface BuiltElement extends BuiltNode {
  setAttributeNode(a: BuiltAttr): unknown;
}
export interface BuiltAttr extends BuiltNode {
  value: string;
  nodeValue: string;
}
/** The Document factory methods the fast parser calls, with xmldom's DOMHandler's arguments. */
export interface BuiltDocument extends BuiltNode {
  createElementNS(ns: string | null | undefined, q: string): BuiltElement;
  createAttributeNS(ns: string | null | undefined, q: string): BuiltAttr;
  createTextNode(s: string): BuiltNode;
  createComment(s: string): BuiltNode;
  createCDATASection(s: string): BuiltNode;
  createProcessingInstruction(t: string, d: string | undefined): BuiltNode;
}

// ---------------------------------------------------------------------------------------------------
// DOM helpers every ocauth package reads parsed messages with (one copy; the packages import these).

/** An element of the DOM parseXml returns. */
export type XElement = import('@xmldom/xmldom').Element;
/** Any node of the DOM parseXml returns. */
export type XNode = import('@xmldom/xmldom').Node;

/** What a sibling walk reads of any node (xmldom or any W3C DOM). */
export interface NodeLike {
  nodeType: number;
  nextSibling: NodeLike | null;
}
/** What a child walk reads of an element or document. */
export interface ParentLike {
  firstChild: NodeLike | null;
}
/** The structural view of an element that the helpers read, so callers may pass nodes of any W3C DOM. */
export interface ElementLike extends ParentLike {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
  lookupNamespaceURI(prefix: string | null): string | null;
}

/**
 * How a helper matches an element's namespace: a namespace name compared exactly, `null` for no
 * namespace, or a predicate (for instance {@link namespaceIgnoringTrailingSlash}).
 */
export type NamespaceTest = string | null | ((namespaceURI: string | null) => boolean);

function nsMatches(test: NamespaceTest, uri: string | null): boolean {
  return typeof test === 'function' ? test(uri) : uri === test;
}

/**
 * A {@link NamespaceTest} equal to `ns` with or without one trailing "/": MS-OCAUTHWS 2.2.1 lists
 * `wst` with a trailing slash, WS-Trust 1.3 and the spec's own examples use it without, and real
 * clients send both.
 *
 * @throws never
 */
export function namespaceIgnoringTrailingSlash(ns: string): (namespaceURI: string | null) => boolean {
  const bare = ns.endsWith('/') ? ns.slice(0, -1) : ns;
  return (uri) => uri !== null && (uri === bare || uri === `${bare}/`);
}

/**
 * True when `node` is an element, and (when given) in namespace `ns` with local name `local`.
 *
 * @throws never
 */
export function isElement(node: unknown, ns?: NamespaceTest, local?: string): node is XElement {
  if (typeof node !== 'object' || node === null || (node as { nodeType?: unknown }).nodeType !== 1) return false;
  const e = node as { namespaceURI: string | null; localName: string | null };
  if (ns !== undefined && !nsMatches(ns, e.namespaceURI ?? null)) return false;
  return local === undefined || e.localName === local;
}

/**
 * True when `v` looks like a DOM element the helpers can read (nodeType 1 with getAttribute).
 *
 * @throws never
 */
export function isElementLike(v: unknown): v is ElementLike {
  return (
    typeof v === 'object' && v !== null && (v as { nodeType?: unknown }).nodeType === 1 && typeof (v as { getAttribute?: unknown }).getAttribute === 'function'
  );
}

/**
 * The element children of `parent` in document order, filtered by namespace and local name when given.
 * The element type defaults to xmldom's Element; pass `ElementLike` for nodes of another DOM.
 *
 * @throws never
 */
export function childElements<E = XElement>(parent: ParentLike, ns?: NamespaceTest, local?: string): E[] {
  const out: E[] = [];
  for (let c = parent.firstChild; c; c = c.nextSibling) if (isElement(c, ns, local)) out.push(c as unknown as E);
  return out;
}

/**
 * The first element child of `parent` in namespace `ns` with local name `local`, or undefined.
 *
 * @throws never
 */
export function childElement<E = XElement>(parent: ParentLike, ns: NamespaceTest, local: string): E | undefined {
  for (let c = parent.firstChild; c; c = c.nextSibling) if (isElement(c, ns, local)) return c as unknown as E;
  return undefined;
}

/**
 * The descendant elements of `root` (not `root` itself) in namespace `ns` with local name `local`, in
 * document order. Iterative: hostile nesting cannot overflow the stack.
 *
 * @throws never
 */
export function descendantElements<E = XElement>(root: ParentLike, ns: NamespaceTest, local: string): E[] {
  const out: E[] = [];
  const stack: (NodeLike | null)[] = [root.firstChild];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!n) continue;
    stack.push(n.nextSibling);
    if (n.nodeType !== 1) continue;
    if (isElement(n, ns, local)) out.push(n as unknown as E);
    stack.push((n as unknown as ParentLike).firstChild);
  }
  return out;
}

/**
 * The first element, in document order and starting with `root` itself, for which `pred` holds;
 * stops after `maxVisits` elements (default 100 000) and then returns undefined.
 *
 * @throws never
 */
export function findElement<E extends ParentLike = XElement>(root: E, pred: (e: E) => boolean, maxVisits = 100_000): E | undefined {
  const stack: E[] = [root];
  let visits = 0;
  while (stack.length > 0 && visits++ < maxVisits) {
    const e = stack.pop()!;
    if (pred(e)) return e;
    const kids = childElements<E>(e);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return undefined;
}

/**
 * The value of attribute `local` (no namespace when `ns` is undefined), or undefined when absent.
 *
 * @throws never
 */
export function attributeValue(el: XElement, local: string, ns?: NamespaceTest): string | undefined {
  if (ns === undefined) return el.hasAttribute(local) ? (el.getAttribute(local) ?? undefined) : undefined;
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i)!;
    if (a.localName === local && nsMatches(ns, a.namespaceURI)) return a.value;
  }
  return undefined;
}

/**
 * `{namespace}local` of an element for messages, or "nothing" when absent.
 *
 * @throws never
 */
export function describeElement(el: { namespaceURI: string | null; localName: string | null } | undefined | null): string {
  if (!el) return 'nothing';
  return `{${el.namespaceURI ?? ''}}${el.localName ?? ''}`;
}

/**
 * Serialize a node with xmldom's XMLSerializer (not canonical: use `canonicalize` for signed bytes).
 *
 * @throws never for nodes of the DOM parseXml returns
 */
export function serializeXml(node: XNode): string {
  return new XMLSerializer().serializeToString(node as never);
}
