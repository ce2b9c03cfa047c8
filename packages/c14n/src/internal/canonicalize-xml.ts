import { canonicalize, type CanonicalizeOptions } from './canonicalize.js';
import { C14nError } from './errors.js';
import { parseXml, type ParseXmlOptions } from './parse.js';

/** Options of {@link canonicalizeXml}: the algorithm options plus the parser's bounds. */
export interface CanonicalizeXmlOptions extends Omit<CanonicalizeOptions, 'nodeSet'> {
  /** Passed to `parseXml` (DOCTYPE refused unless `allowDoctype`; size/depth/attribute bounds). */
  parse?: ParseXmlOptions;
}

/** Parse `xml` with {@link parseXml} and canonicalize the whole document. */
export function canonicalizeXml(xml: string | Uint8Array, options: CanonicalizeXmlOptions): string {
  if (options && (options as CanonicalizeOptions).nodeSet !== undefined) {
    throw new C14nError('ERR_C14N_INPUT', 'canonicalizeXml options.nodeSet: expected none (the nodes of a parse are unknown to the caller), received a node set; parse with parseXml and call canonicalize');
  }
  return canonicalize(parseXml(xml, options?.parse) as never, options);
}
