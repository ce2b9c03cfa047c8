// canonicalize(): Canonical XML 1.0 / 1.1 and Exclusive c14n of a DOM node, with or without a document subset (node set).
import type { Node } from '@xmldom/xmldom';
import { algorithmInfo, EXC_C14N, Mode, type C14nAlgorithm } from './algorithms.js';
import type { DElement, DNode } from './dom.js';
import { C14nError } from './errors.js';
import { escapeAttr, escapeText } from './escape.js';
import { exclusiveCanonicalize } from './exclusive.js';
import { checkNamespaceUri, declaredPrefix, parsePrefixList, sortAttrs, sortDecls } from './namespaces.js';
import { XmlAttrStack, type OutAttr } from './xml-attrs.js';

/**
 * A document subset (XPath 1.0 data model) as XMLDSig transforms produce it: the elements, attributes
 * (Attr nodes), text, comment and processing-instruction nodes that are in the set. Namespace nodes
 * have no DOM object: an element's namespace nodes are in the set exactly when the element is.
 */
export type NodeSet = ReadonlySet<Node> | ((node: Node) => boolean);

/** Options of {@link canonicalize}. */
export interface CanonicalizeOptions {
  /** One of the six algorithm URIs (`C14N_10`, …, `EXC_C14N_WITH_COMMENTS`). */
  algorithm: C14nAlgorithm | string;
  /**
   * Exclusive c14n only: the InclusiveNamespaces PrefixList, as an array of prefixes or the
   * whitespace-separated attribute value; `#default` names the default namespace.
   */
  inclusiveNamespaces?: readonly string[] | string;
  /**
   * Render only these nodes of the input's subtree (document-subset canonicalization). Without it the
   * whole Document, or the whole element subtree, is the node set.
   */
  nodeSet?: NodeSet;
}

type Scope = ReadonlyMap<string, string>;
const EMPTY: Scope = new Map();

/** In-scope namespaces of `el` (nearest declaration wins; '' → '' records xmlns=""). */
function scopeOf(el: DNode | null): Map<string, string> {
  const chain: DElement[] = [];
  for (let n = el; n && n.nodeType === 1; n = n.parentNode) chain.push(n as DElement);
  const scope = new Map<string, string>();
  for (let i = chain.length - 1; i >= 0; i--) {
    const e = chain[i]!;
    const attrs = e.attributes;
    for (let j = 0; j < attrs.length; j++) {
      const a = attrs[j]!;
      const p = declaredPrefix(a);
      if (p !== null && p !== 'xml') scope.set(p, a.value);
    }
  }
  return scope;
}

/**
 * Canonicalize a Document or an element subtree (optionally restricted to a node set) with one of the
 * W3C algorithms. Returns the canonical form as a string (encode it as UTF-8 to digest it).
 *
 * - Document: the whole document, comments/PIs outside the document element separated by #xA.
 * - Element: the subtree as the document subset "this element and its descendants"; the ancestors'
 *   namespace declarations are in scope (inclusive c14n renders them on the element, exclusive only the
 *   visibly utilized ones), and their xml:* attributes are inherited as the algorithm says
 *   (C14N 1.0 all xml:*, C14N 1.1 xml:lang/xml:space plus xml:base fix-up, Exclusive none).
 *
 * @throws {C14nError} ERR_C14N_ALGORITHM for an unknown algorithm URI or an option it does not take,
 * @throws ERR_C14N_INPUT when `node` is not a Document or Element or the node set is neither a Set nor a
 * @throws predicate, ERR_C14N_RELATIVE_NAMESPACE for a relative namespace URI in the output.
 */
export function canonicalize(node: Node, options: CanonicalizeOptions): string {
  if (options === null || typeof options !== 'object') {
    throw new C14nError(
      'ERR_C14N_ALGORITHM',
      `canonicalize options: expected an object with an algorithm URI, received ${options === null ? 'null' : typeof options}`,
    );
  }
  // The signature path first: exclusive c14n of an element or document, no PrefixList, no node set.
  if (options.algorithm === EXC_C14N && options.nodeSet === undefined && options.inclusiveNamespaces === undefined) {
    const n = node as unknown as DNode;
    if (n !== null && typeof n === 'object' && (n.nodeType === 1 || n.nodeType === 9)) return exclusiveCanonicalize(n, false, null);
  }
  const { mode, withComments } = algorithmInfo(options.algorithm);
  const incl = parsePrefixList(options.inclusiveNamespaces);
  if (incl !== null && mode !== Mode.EXC) {
    throw new C14nError(
      'ERR_C14N_ALGORITHM',
      `canonicalize options.inclusiveNamespaces: expected only with exclusive c14n, received it with ${options.algorithm}`,
    );
  }
  const start = node as unknown as DNode;
  if (!start || typeof start !== 'object' || (start.nodeType !== 1 && start.nodeType !== 9)) {
    throw new C14nError(
      'ERR_C14N_INPUT',
      `canonicalize node: expected a Document or Element node, received ${start && typeof start === 'object' ? `nodeType ${String(start.nodeType)}` : typeof start}`,
    );
  }
  const ns = options.nodeSet;
  let inSet: ((n: DNode) => boolean) | null = null;
  if (ns !== undefined) {
    if (typeof ns === 'function') inSet = ns as unknown as (n: DNode) => boolean;
    else if (ns && typeof (ns as ReadonlySet<unknown>).has === 'function') inSet = (n) => (ns as ReadonlySet<unknown>).has(n);
    else throw new C14nError('ERR_C14N_INPUT', `canonicalize options.nodeSet: expected a Set of nodes or a predicate, received ${typeof ns}`);
  }
  // The signature path (exclusive, no node set) has its own allocation-free walker.
  if (mode === Mode.EXC && inSet === null) return exclusiveCanonicalize(start, withComments, incl);
  return new Canonicalizer(mode, withComments, incl, inSet).run(start);
}

class Canonicalizer {
  private out = '';
  // Parallel stacks, one entry per open element: visible?, in-scope namespaces, rendered namespaces.
  private readonly visible: boolean[] = [];
  private readonly scopes: Scope[] = [];
  private readonly rendered: Scope[] = [];
  // xml:* attributes in effect from the ancestors (C14N 1.0/1.1 only).
  private readonly xmlAttrs: XmlAttrStack;
  private afterDocElement = false;

  constructor(
    private readonly mode: Mode,
    private readonly withComments: boolean,
    private readonly incl: string[] | null,
    private readonly inSet: ((n: DNode) => boolean) | null,
  ) {
    this.xmlAttrs = new XmlAttrStack(mode);
  }

  run(start: DNode): string {
    let baseScope: Scope = EMPTY;
    if (start.nodeType === 1) baseScope = scopeOf(start.parentNode);
    this.visible.push(false);
    this.scopes.push(baseScope);
    this.rendered.push(EMPTY);
    this.xmlAttrs.begin(start);
    let node: DNode = start;
    for (;;) {
      let descended = false;
      switch (node.nodeType) {
        case 1:
          this.open(node as DElement);
          if (node.firstChild) {
            node = node.firstChild;
            descended = true;
          } else this.close(node as DElement);
          break;
        case 9:
          if (node.firstChild) {
            node = node.firstChild;
            descended = true;
          }
          break;
        case 3:
        case 4:
          // Text directly under the Document (only possible when no element is open) is not rendered.
          if (this.visible.length > 1 && (this.inSet === null || this.inSet(node))) {
            this.out += escapeText((node as unknown as { data: string }).data);
          }
          break;
        case 7:
          if (this.inSet === null || this.inSet(node)) {
            const pi = node as unknown as { target: string; data: string };
            // xmldom keeps the XML declaration as a PI node; it is not part of the data model.
            if (pi.target === 'xml' && node.parentNode?.nodeType === 9) break;
            this.leaf(node, pi.data ? `<?${pi.target} ${pi.data}?>` : `<?${pi.target}?>`);
          }
          break;
        case 8:
          if (this.withComments && (this.inSet === null || this.inSet(node))) {
            this.leaf(node, `<!--${(node as unknown as { data: string }).data}-->`);
          }
          break;
        default:
          // DocumentType, entity references and the like are not part of the canonical form.
          break;
      }
      if (descended) continue;
      if (node === start) break;
      while (node.nextSibling === null) {
        node = node.parentNode!;
        if (node === start) {
          if (node.nodeType === 1) this.close(node as DElement);
          return this.out;
        }
        if (node.nodeType === 1) this.close(node as DElement);
      }
      node = node.nextSibling;
    }
    return this.out;
  }

  /** Comment or PI: at document level, separated from the document element by #xA (C14N 1.0 §2.3). */
  private leaf(node: DNode, text: string): void {
    if (node.parentNode?.nodeType === 9) {
      if (this.afterDocElement) this.out += '\n' + text;
      else this.out += text + '\n';
    } else this.out += text;
  }

  // Scratch buffers reused across elements (no per-element allocation on the common path).
  private readonly attrBuf: OutAttr[] = [];
  private readonly endTags = new Map<string, string>();
  private readonly declP: string[] = [];
  private readonly declU: string[] = [];
  private declN = 0;

  /** Queue namespace (p, uri) for rendering unless the nearest rendered ancestor already has it. */
  private consider(p: string, uri: string, parentRendered: Scope): void {
    if (p === 'xml') return;
    const prev = parentRendered.get(p);
    if (uri === '') {
      // Only the default namespace can be empty: emit xmlns="" to undo a rendered non-empty default.
      if (p !== '' || prev === undefined || prev === '') return;
    } else if (prev === uri) return;
    const n = this.declN;
    for (let i = 0; i < n; i++) if (this.declP[i] === p) return;
    this.declP[n] = p;
    this.declU[n] = uri;
    this.declN = n + 1;
  }

  private open(el: DElement): void {
    const depth = this.visible.length - 1;
    const parentVisible = this.visible[depth]!;
    const parentScope = this.scopes[depth]!;
    const parentRendered = this.rendered[depth]!;
    if (!this.afterDocElement && el.parentNode?.nodeType === 9) this.afterDocElement = true;
    const inSet = this.inSet;
    const visible = inSet === null || inSet(el as DNode);

    // One pass over the attributes: namespace declarations update the in-scope namespaces (copy on
    // write); the others, if rendered, go to the attribute buffer.
    let scope = parentScope;
    const attrs = el.attributes;
    const n = attrs.length;
    const list = this.attrBuf;
    list.length = 0;
    for (let i = 0; i < n; i++) {
      const a = attrs[i]!;
      const p = declaredPrefix(a);
      if (p !== null) {
        if (p === 'xml') continue;
        const v = a.value;
        // Relative namespace URIs fail canonicalization (C14N 1.0 §2, "implementations MUST report").
        if (visible) checkNamespaceUri(v, el, p);
        if (scope.get(p) !== v) {
          if (scope === parentScope) scope = new Map(parentScope);
          (scope as Map<string, string>).set(p, v);
        }
      } else if (visible && (inSet === null || inSet(a))) list.push(a);
    }
    if (!visible) {
      this.visible.push(false);
      this.scopes.push(scope);
      this.rendered.push(parentRendered);
      this.xmlAttrs.push(el);
      return;
    }

    // Namespace axis.
    this.declN = 0;
    const ownPrefix = el.prefix ?? '';
    const ownUri = el.namespaceURI ?? '';
    if (this.mode === Mode.EXC) {
      // Exc-C14N §3: render the namespaces visibly utilized by the element and its rendered attributes,
      // and those of the InclusiveNamespaces PrefixList per the inclusive rules.
      this.consider(ownPrefix, ownUri, parentRendered);
      for (let i = 0; i < list.length; i++) {
        const a = list[i]!;
        const p = a.prefix;
        if (p && p !== 'xml') this.consider(p, a.namespaceURI ?? '', parentRendered);
      }
      if (this.incl !== null) {
        for (const p of this.incl) {
          const uri = scope.get(p);
          if (uri !== undefined) this.consider(p, uri, parentRendered);
        }
      }
    } else {
      for (const [p, uri] of scope) this.consider(p, uri, parentRendered);
      // Programmatic DOMs may bind the element's prefix without a declaration attribute.
      if (scope.get(ownPrefix) === undefined && ownUri !== '') this.consider(ownPrefix, ownUri, parentRendered);
    }
    const nd = this.declN;
    let rendered = parentRendered;
    if (nd > 0) {
      rendered = new Map(parentRendered);
      for (let i = 0; i < nd; i++) {
        checkNamespaceUri(this.declU[i]!, el, this.declP[i]!);
        (rendered as Map<string, string>).set(this.declP[i]!, this.declU[i]!);
      }
      if (nd > 1) sortDecls(this.declP, this.declU, nd);
    }

    // xml:* attributes of ancestors outside the node set (C14N 1.0 §2.4 / C14N 1.1 §2.4).
    if (!parentVisible) this.xmlAttrs.inherit(el, list, inSet !== null ? this.openVisible : null);
    if (list.length > 1) sortAttrs(list, list.length);

    let s = '<' + el.tagName;
    for (let i = 0; i < nd; i++) {
      const p = this.declP[i]!;
      s += (p === '' ? ' xmlns="' : ' xmlns:' + p + '="') + escapeAttr(this.declU[i]!) + '"';
    }
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      s += ' ' + a.name + '="' + escapeAttr(a.value) + '"';
    }
    this.out += s + '>';
    this.visible.push(true);
    this.scopes.push(scope);
    this.rendered.push(rendered);
    this.xmlAttrs.push(el);
    if (inSet !== null) this.openVisible.add(el);
  }

  // The open rendered elements (with a node set): where the C14N 1.1 xml:base join stops.
  private readonly openVisible = new Set<DElement>();

  private close(el: DElement): void {
    const v = this.visible.pop();
    this.scopes.pop();
    this.xmlAttrs.pop();
    this.rendered.pop();
    if (v) {
      const tag = el.tagName;
      let end = this.endTags.get(tag);
      if (end === undefined) {
        end = '</' + tag + '>';
        if (this.endTags.size < 1024) this.endTags.set(tag, end);
      }
      this.out += end;
      if (this.inSet !== null) this.openVisible.delete(el);
    }
  }
}
