// XMLDSig §6.6.4 enveloped-signature transform as a node-set predicate for canonicalize.
import type { Node } from '@xmldom/xmldom';
import type { DNode } from './dom.js';

type N = DNode & { ownerElement?: N | null };

/**
 * The node set "everything except `excluded` and its descendants (attributes included)" as a
 * predicate for `canonicalize({ nodeSet })`: the enveloped-signature transform of XMLDSig §6.6.4
 * applied to a whole document or an element subtree.
 *
 * @throws never (the predicate it returns never throws either)
 */
export function withoutSubtree(excluded: Node): (node: Node) => boolean {
  const x = excluded as unknown as N;
  return (node: Node): boolean => {
    let n: N | null | undefined = node as unknown as N;
    if (n.nodeType === 2) n = n.ownerElement;
    for (; n; n = n.parentNode) if (n === x) return false;
    return true;
  };
}
