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

/**
 * `excC14n(apex, { exclude })` for the enveloped-signature case where `excluded` is a child element of `apex`
 * (XMLDSig §6.6.4: the node set is the apex subtree without `excluded` and its descendants): `excluded` is
 * detached for the call, the subtree canonicalized on @ocauth/c14n's allocation-free exclusive walker (no
 * node-set predicate asked about every node), and `excluded` put back where it was, also when canonicalization
 * throws. The output is the same (held to the node-set path by test/c14n-without.test.ts). Any other `excluded`
 * goes through the node-set path.
 *
 * @throws {C14nError} what `canonicalize` throws (ERR_C14N_RELATIVE_NAMESPACE)
 */
export function excC14nWithout(apex: XElement, excluded: XElement): string {
  if (excluded.parentNode !== apex) return excC14n(apex, { exclude: excluded });
  const next = excluded.nextSibling;
  apex.removeChild(excluded);
  try {
    return canonicalize(apex as never, { algorithm: EXC_C14N });
  } finally {
    apex.insertBefore(excluded, next);
  }
}
