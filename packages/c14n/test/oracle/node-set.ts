// XPath node sets over an @xmldom/xmldom DOM, as @ocauth/c14n's `nodeSet` option takes them:
// the `xpath` package evaluates the expression; namespace nodes (which have no DOM object) and
// xmlns attributes (namespace declarations, not attributes in the XPath data model) are dropped —
// an element in the set stands for its namespace nodes.
import xpath from 'xpath';

type AnyNode = { nodeType: number; nodeName: string; childNodes?: ArrayLike<AnyNode>; attributes?: ArrayLike<AnyNode>; namespaceURI?: string | null };

const XMLNS = 'http://www.w3.org/2000/xmlns/';
const isXmlnsAttr = (n: AnyNode) => n.nodeType === 2 && (n.namespaceURI === XMLNS || n.nodeName === 'xmlns' || n.nodeName.startsWith('xmlns:'));

/**
 * Text, CDATA, comment and PI children that exist in the XPath data model: xmldom also keeps the
 * XML declaration as a PI and whitespace outside the document element as text; XPath has neither.
 */
function inDataModel(c: AnyNode, parent: AnyNode): boolean {
  if (c.nodeType === 7) return c.nodeName !== 'xml';
  if (c.nodeType === 3 || c.nodeType === 4) return parent.nodeType !== 9;
  return c.nodeType === 8;
}

interface Evaluator {
  evaluateBoolean(o: { node: unknown; namespaces: Record<string, string> }): boolean;
}
const parseXPath = (xpath as unknown as { parse(e: string): Evaluator }).parse;

// `(//. | //@* | //namespace::*)[P]` — the XMLDSig XPath-filter shape. The `xpath` package cannot
// sort namespace nodes into document order, so such expressions are evaluated as XMLDSig §6.6.3
// defines the filter: P as a boolean for each node of the document (P never uses position()).
const FILTER = /^\s*\(\s*\/\/\.\s*\|\s*\/\/@\*\s*\|\s*\/\/namespace::\*\s*\)\s*\[([\s\S]*)\]\s*$/;

/** All element, attribute (not xmlns), text, CDATA, comment and PI nodes in document order. */
export function allNodes(doc: unknown): AnyNode[] {
  const out: AnyNode[] = [];
  const walk = (n: AnyNode) => {
    for (const c of Array.from(n.childNodes ?? [])) {
      if (c.nodeType === 1) {
        out.push(c);
        for (const a of Array.from(c.attributes ?? [])) if (!isXmlnsAttr(a)) out.push(a);
        walk(c);
      } else if (inDataModel(c, n)) out.push(c);
    }
  };
  walk(doc as AnyNode);
  return out;
}

/** Evaluates an XPath 1.0 node-set expression with prefix bindings; returns the DOM nodes it selects. */
export function selectNodes(doc: unknown, expression: string, namespaces: Record<string, string>): AnyNode[] {
  // XPath 1.0 allows `not (x)`; the `xpath` package's tokenizer does not.
  expression = expression.replace(/\b(not|count|string|boolean|name|local-name|namespace-uri)\s+\(/g, '$1(');
  const m = FILTER.exec(expression);
  if (m) {
    const pred = parseXPath(`boolean(${m[1]})`);
    return allNodes(doc).filter((node) => pred.evaluateBoolean({ node, namespaces }));
  }
  const r = xpath.useNamespaces(namespaces)(expression, doc as Node);
  if (!Array.isArray(r)) throw new Error(`XPath '${expression.trim()}' did not select a node-set`);
  return (r as unknown as AnyNode[]).filter((n) => typeof n.nodeType === 'number' && n.nodeType !== 9 && !isXmlnsAttr(n));
}

/** The apex element, its descendants and their attributes (not xmlns), in document order. */
export function subtreeNodes(apex: unknown): AnyNode[] {
  const a = apex as AnyNode;
  return [a, ...Array.from(a.attributes ?? []).filter((x) => !isXmlnsAttr(x)), ...allNodes(a)];
}

/** The DOM node set for canonicalize's `nodeSet` option (namespace nodes, xmlns attributes dropped). */
export function domNodeSet(doc: unknown, expression: string, namespaces: Record<string, string>): Set<AnyNode> {
  return new Set(selectNodes(doc, expression, namespaces));
}

/**
 * Document-order indexes of the set's members, numbering elements, attributes (not xmlns), text,
 * CDATA, comment and PI nodes from 0 — the same walk as the C driver's `L` answer, so the two
 * XPath engines' selections can be compared.
 */
export function documentOrderIndexes(doc: unknown, set: ReadonlySet<unknown>): number[] {
  const out: number[] = [];
  let idx = 0;
  const walk = (n: AnyNode) => {
    for (const c of Array.from(n.childNodes ?? [])) {
      switch (c.nodeType) {
        case 1:
          if (set.has(c)) out.push(idx);
          idx++;
          for (const a of Array.from(c.attributes ?? [])) {
            if (isXmlnsAttr(a)) continue;
            if (set.has(a)) out.push(idx);
            idx++;
          }
          walk(c);
          break;
        case 3:
        case 4:
        case 7:
        case 8:
          if (!inDataModel(c, n)) break;
          if (set.has(c)) out.push(idx);
          idx++;
          break;
        default:
          break;
      }
    }
  };
  walk(doc as AnyNode);
  return out;
}
