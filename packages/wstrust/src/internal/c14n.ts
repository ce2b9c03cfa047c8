import { NS } from './ns.js';
import { escAttr, escText, type XElement, type XNode } from './xml.js';

/**
 * Exclusive XML Canonicalization 1.0 without comments (http://www.w3.org/2001/10/xml-exc-c14n#)
 * of one element subtree (the document subset a same-document `#id` reference selects), optionally
 * excluding one descendant (enveloped-signature transform) and with an InclusiveNamespaces PrefixList.
 * TODO(switch): delegate to @ocauth/c14n `canonicalize` when it lands; tested against xmllint --exc-c14n.
 */
export function excC14n(apex: XElement, opts: { exclude?: XNode; inclusivePrefixes?: readonly string[] } = {}): string {
  const out: string[] = [];
  const incl = new Set(opts.inclusivePrefixes ?? []);
  const walk = (el: XElement, rendered: Map<string, string>): void => {
    // In-scope namespaces from the DOM tree (declarations on ancestors included).
    const visible = new Map<string, string>();
    const prefix = el.prefix ?? '';
    visible.set(prefix, el.namespaceURI ?? '');
    const attrs: { ns: string; local: string; qname: string; value: string }[] = [];
    for (let i = 0; i < el.attributes.length; i++) {
      const a = el.attributes.item(i)!;
      if (a.namespaceURI === NS.xmlns) continue;
      if (a.prefix && a.prefix !== 'xml') visible.set(a.prefix, a.namespaceURI ?? '');
      attrs.push({ ns: a.namespaceURI ?? '', local: a.localName ?? a.name, qname: a.name, value: a.value });
    }
    for (const p of incl) {
      const key = p === '#default' ? '' : p;
      if (visible.has(key)) continue;
      const uri = lookupNs(el, key);
      if (uri !== undefined) visible.set(key, uri);
    }
    const decls: [string, string][] = [];
    const next = new Map(rendered);
    for (const [p, uri] of visible) {
      const prev = rendered.get(p);
      if (p === '' && uri === '' && (prev === undefined || prev === '')) continue;
      if (prev === uri) continue;
      decls.push([p, uri]);
      next.set(p, uri);
    }
    decls.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    attrs.sort((a, b) => (a.ns !== b.ns ? (a.ns < b.ns ? -1 : 1) : a.local < b.local ? -1 : a.local > b.local ? 1 : 0));
    out.push('<', el.tagName);
    for (const [p, uri] of decls) out.push(p === '' ? ' xmlns="' : ` xmlns:${p}="`, escAttr(uri), '"');
    for (const a of attrs) out.push(' ', a.qname, '="', escAttr(a.value), '"');
    out.push('>');
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c === opts.exclude) continue;
      if (c.nodeType === 1) walk(c as XElement, next);
      else if (c.nodeType === 3 || c.nodeType === 4) out.push(escText((c as unknown as { data: string }).data));
      else if (c.nodeType === 7) {
        const pi = c as unknown as { target: string; data: string };
        out.push('<?', pi.target, pi.data ? ' ' + pi.data : '', '?>');
      }
    }
    out.push('</', el.tagName, '>');
  };
  walk(apex, new Map());
  return out.join('');
}

function lookupNs(el: XElement, prefix: string): string | undefined {
  for (let n: XNode | null = el; n && n.nodeType === 1; n = n.parentNode) {
    const e = n as XElement;
    const v = prefix === '' ? e.getAttributeNodeNS(NS.xmlns, 'xmlns') ?? e.getAttributeNode('xmlns') : e.getAttributeNodeNS(NS.xmlns, prefix);
    if (v) return v.value;
  }
  return undefined;
}
