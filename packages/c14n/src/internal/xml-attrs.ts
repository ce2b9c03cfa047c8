// C14N 1.0 §2.4 / C14N 1.1 §2.4: the xml:* attributes an element inherits from ancestors left out of
// the output (as Apache Santuario's XmlAttrStack): a stack of the attributes in effect per open
// element, the per-algorithm inheritance rule, and the C14N 1.1 xml:base fix-up.
import { Mode } from './algorithms.js';
import type { DElement, DNode } from './dom.js';
import { XML_NS } from './namespaces.js';
import { resolveUri } from './uri.js';

/** xml:* attributes in effect, local name → attribute (nearest declaration wins). */
export type XmlAttrs = ReadonlyMap<string, { qname: string; value: string }>;
const NO_XML_ATTRS: XmlAttrs = new Map();

/** An attribute to render: an Attr node itself, or an inherited xml:* attribute with the same shape. */
export interface OutAttr {
  namespaceURI: string | null;
  localName: string | null;
  name: string;
  value: string;
  prefix: string | null;
}

/**
 * Whether the xml:`local` attribute of an omitted ancestor is inherited: C14N 1.0 all; C14N 1.1
 * xml:lang and xml:space (xml:id is not, xml:base is fixed up instead); Exclusive c14n none.
 */
export function inheritsXmlAttr(mode: Mode, local: string): boolean {
  if (mode === Mode.EXC) return false;
  return mode !== Mode.C14N11 || (local !== 'id' && local !== 'base');
}

/**
 * C14N 1.1 §2.4 xml:base fix-up, one omitted ancestor at a time (nearest first): `base` (the value so
 * far, undefined if none) resolved against the ancestor's xml:base `ancestor`.
 */
export function joinXmlBase(base: string | undefined, ancestor: string): string {
  return base === undefined ? ancestor : resolveUri(ancestor, base);
}

function xmlAttrValue(e: DElement, local: string): string | undefined {
  const attrs = e.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.namespaceURI === XML_NS && (a.localName ?? a.name.slice(4)) === local) return a.value;
  }
  return undefined;
}

/** `inherited` overridden by the xml:* attributes of `e` (copy on write). */
function withXmlAttrs(inherited: XmlAttrs, e: DElement): XmlAttrs {
  let out = inherited;
  const attrs = e.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.namespaceURI !== XML_NS) continue;
    if (out === inherited) out = new Map(inherited);
    (out as Map<string, { qname: string; value: string }>).set(a.localName ?? a.name.slice(4), { qname: a.name, value: a.value });
  }
  return out;
}

/** The xml:* attributes in effect at `el` (its own and its ancestors'). */
function xmlAttrsOf(el: DNode | null): XmlAttrs {
  const chain: DElement[] = [];
  for (let n = el; n && n.nodeType === 1; n = n.parentNode) chain.push(n as DElement);
  let acc = NO_XML_ATTRS;
  for (let i = chain.length - 1; i >= 0; i--) acc = withXmlAttrs(acc, chain[i]!);
  return acc;
}

/**
 * The xml:* attributes in effect per open element of a DOM walk, maintained incrementally so an
 * orphan element of a node set finds them in O(1). Inert for Exclusive c14n (nothing is inherited).
 */
export class XmlAttrStack {
  private readonly levels: XmlAttrs[] = [];

  constructor(private readonly mode: Mode) {}

  /** Start a walk at `start`: an element inherits from its ancestors outside the walk. */
  begin(start: DNode): void {
    if (this.mode !== Mode.EXC) this.levels.push(start.nodeType !== 1 ? NO_XML_ATTRS : xmlAttrsOf(start.parentNode));
  }

  push(el: DElement): void {
    if (this.mode !== Mode.EXC) this.levels.push(withXmlAttrs(this.levels[this.levels.length - 1]!, el));
  }

  pop(): void {
    if (this.mode !== Mode.EXC) this.levels.pop();
  }

  /**
   * Add to `list` (the attributes `el` renders) the xml:* attributes in effect at its parent that it
   * lacks, for an element whose parent is not rendered; for C14N 1.1, also the fixed-up xml:base,
   * joined over the omitted ancestors up to the first in `rendered` (the open rendered elements; null:
   * none is rendered below the start). Call before `push(el)`.
   */
  inherit(el: DElement, list: OutAttr[], rendered: ReadonlySet<DElement> | null): void {
    if (this.mode === Mode.EXC) return;
    const inherited = this.levels[this.levels.length - 1]!;
    const has = (local: string): number => {
      for (let i = 0; i < list.length; i++) if (list[i]!.namespaceURI === XML_NS && (list[i]!.localName ?? list[i]!.name.slice(4)) === local) return i;
      return -1;
    };
    for (const [local, a] of inherited) {
      if (inheritsXmlAttr(this.mode, local) && has(local) < 0)
        list.push({ namespaceURI: XML_NS, localName: local, name: a.qname, value: a.value, prefix: 'xml' });
    }
    if (this.mode !== Mode.C14N11) return;
    // The walk stops at the first rendered ancestor, so it is bounded by the run of omitted ancestors.
    const baseIndex = has('base');
    let base = baseIndex >= 0 ? list[baseIndex]!.value : undefined;
    for (let anc = el.parentNode; anc && anc.nodeType === 1; anc = anc.parentNode) {
      const e = anc as DElement;
      if (rendered !== null && rendered.has(e)) break;
      const v = xmlAttrValue(e, 'base');
      if (v !== undefined) base = joinXmlBase(base, v);
    }
    if (base !== undefined) {
      const fixed = { namespaceURI: XML_NS, localName: 'base', name: 'xml:base', value: base, prefix: 'xml' };
      // Replace (never mutate) the element's own Attr node.
      if (baseIndex >= 0) list[baseIndex] = fixed;
      else list.push(fixed);
    }
  }
}
