// wstrust's XML access: @ocauth/c14n parseXml (errors as SoapFormatError with the XmlParseError as cause) and its DOM helpers.
import {
  attributeValue,
  childElement,
  childElements,
  descendantElements,
  describeElement,
  escapeAttr,
  escapeText,
  namespaceIgnoringTrailingSlash,
  parseXml,
  serializeXml,
  XmlParseError,
  type NamespaceTest,
  type XDocument,
  type XElement,
  type XNode,
} from '@ocauth/c14n';
import { SoapFormatError } from './errors.js';

export type { XDocument, XElement, XNode } from '@ocauth/c14n';

const MAX_BYTES = 4 * 1024 * 1024;
/** Deepest element nesting below the document element (SOAP messages of MS-OCAUTHWS need far less). */
const MAX_DEPTH = 64;

/**
 * The one place this package parses XML: @ocauth/c14n `parseXml` (DOCTYPE refused, so no entity
 * expansion / XXE; size, depth and attribute count bounded while parsing; strict decoding; every parser
 * complaint typed). Its XmlParseError (code, line, column) becomes the `cause` of a SoapFormatError
 * whose message names `what` was being parsed.
 */
export function parseXmlDocument(xml: string | Uint8Array, what = 'XML'): XDocument {
  try {
    return parseXml(xml, { maxBytes: MAX_BYTES, maxDepth: MAX_DEPTH + 1 }) as unknown as XDocument;
  } catch (e) {
    if (e instanceof XmlParseError) throw new SoapFormatError(`${what}: ${e.message}`, e);
    throw new SoapFormatError(`${what}: expected well-formed XML, received ${(e as Error)?.message ?? String(e)}`, e);
  }
}

/** The XmlParseError behind a parse failure (what a caller's error keeps as `cause`), else the error itself. */
export function xmlCauseOf(e: unknown): unknown {
  return e instanceof SoapFormatError && e.cause instanceof XmlParseError ? e.cause : e;
}

export const serialize: (node: XNode) => string = serializeXml;

// wstrust reads every namespace tolerant of one trailing slash (real clients send both forms of WS-Trust 1.3's):
// these are @ocauth/c14n's DOM helpers with that namespace test, nothing else.
const tolerant = (ns: string | undefined): NamespaceTest | undefined => (ns === undefined ? undefined : namespaceIgnoringTrailingSlash(ns));

/** Element children of `el`, optionally in namespace `ns` (either trailing-slash form) and named `local`. */
export function children(el: XElement, ns?: string, local?: string): XElement[] {
  return childElements(el, tolerant(ns), local);
}

/** Namespace equality tolerant of a trailing slash (real clients send both forms). */
export function nsEq(a: string | null | undefined, b: string): boolean {
  return namespaceIgnoringTrailingSlash(b)(a ?? null);
}

export function child(el: XElement, ns: string, local: string): XElement | undefined {
  return childElement(el, namespaceIgnoringTrailingSlash(ns), local);
}

export function textOf(el: XElement | undefined): string | undefined {
  if (!el) return undefined;
  return el.textContent ?? '';
}

/** An attribute's value; without `ns` the attribute named `name` (qualified name), with it `{ns}name`. */
export function attr(el: XElement, name: string, ns?: string): string | undefined {
  return attributeValue(el, name, tolerant(ns));
}

export function descendants(el: XElement | XDocument, ns: string, local: string): XElement[] {
  return descendantElements(el, namespaceIgnoringTrailingSlash(ns), local);
}

/** Text escaping of Canonical XML (& < > CR): @ocauth/c14n's, so what we write is already canonical. */
export const escText: (s: string) => string = escapeText;
/** Attribute escaping of Canonical XML (& < " TAB LF CR): @ocauth/c14n's. */
export const escAttr: (s: string) => string = escapeAttr;

export const describe: (el: XElement | undefined) => string = describeElement;
