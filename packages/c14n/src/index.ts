// @ocauth/c14n — Canonical XML 1.0/1.1 and Exclusive XML Canonicalization 1.0 over @xmldom/xmldom 0.9,
// and parseXml, the one safe XML parser of ocauth.
export {
  C14N_10,
  C14N_10_WITH_COMMENTS,
  C14N_11,
  C14N_11_WITH_COMMENTS,
  EXC_C14N,
  EXC_C14N_WITH_COMMENTS,
  C14N_ALGORITHMS,
  type C14nAlgorithm,
} from './internal/algorithms.js';
export { canonicalize, type CanonicalizeOptions, type NodeSet } from './internal/canonicalize.js';
export { withoutSubtree } from './internal/node-set.js';
export {
  canonicalizeXml,
  canonicalizeById,
  canonicalizeXmlTo,
  DEFAULT_ID_ATTRIBUTES,
  type CanonicalizeXmlOptions,
  type CanonicalizeByIdOptions,
  type CanonicalizeXmlToOptions,
  type IdAttribute,
} from './internal/canonicalize-xml.js';
export { XmlError, XmlParseError, C14nError, type XmlErrorCode, type XmlParseErrorCode, type C14nErrorCode } from './internal/errors.js';
export { parseXml, type ParseXmlOptions, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ATTRIBUTES } from './internal/parse.js';
export { escapeText, escapeAttr, compareCodePoints } from './internal/escape.js';
export {
  attributeValue,
  childElement,
  childElements,
  descendantElements,
  describeElement,
  findElement,
  isElement,
  isElementLike,
  namespaceIgnoringTrailingSlash,
  serializeXml,
  type ElementLike,
  type NamespaceTest,
  type NodeLike,
  type ParentLike,
  type XDocument,
  type XElement,
  type XNode,
} from './internal/dom.js';
