// Exclusive XML Canonicalization 1.0 (the c14n of WS-Security signatures) over @ocauth/c14n, as wstrust calls it.
import { canonicalize, EXC_C14N, withoutSubtree } from '@ocauth/c14n';
import type { XElement, XNode } from './xml.js';

/**
 * Exclusive XML Canonicalization 1.0 without comments (http://www.w3.org/2001/10/xml-exc-c14n#)
 * of one element subtree (the document subset a same-document `#id` reference selects), optionally
 * excluding one descendant (enveloped-signature transform, XMLDSig §6.6.4) and with an
 * InclusiveNamespaces PrefixList. Delegates to @ocauth/c14n `canonicalize` (cross-checked there
 * against libxml2 and the W3C/Santuario corpora).
 */
export function excC14n(apex: XElement, opts: { exclude?: XNode; inclusivePrefixes?: readonly string[] } = {}): string {
  return canonicalize(apex as never, {
    algorithm: EXC_C14N,
    ...(opts.inclusivePrefixes && opts.inclusivePrefixes.length > 0 ? { inclusiveNamespaces: opts.inclusivePrefixes } : {}),
    ...(opts.exclude ? { nodeSet: withoutSubtree(opts.exclude as never) } : {}),
  });
}
