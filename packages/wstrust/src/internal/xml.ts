import { XMLSerializer } from '@xmldom/xmldom';
import { escapeAttr, escapeText, parseXml, XmlParseError } from '@ocauth/c14n';
import { SoapFormatError } from './errors.js';

export type XDocument = import('@xmldom/xmldom').Document;
export type XElement = import('@xmldom/xmldom').Element;
export type XNode = import('@xmldom/xmldom').Node;

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

export function serialize(node: XNode): string {
  return new XMLSerializer().serializeToString(node as never);
}

export function children(el: XElement, ns?: string, local?: string): XElement[] {
  const out: XElement[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const e = c as XElement;
    if (ns !== undefined && !nsEq(e.namespaceURI, ns)) continue;
    if (local !== undefined && e.localName !== local) continue;
    out.push(e);
  }
  return out;
}

/** Namespace equality tolerant of a trailing slash (real clients send both forms). */
export function nsEq(a: string | null | undefined, b: string): boolean {
  if (a === b) return true;
  if (a == null) return false;
  return a.replace(/\/$/, '') === b.replace(/\/$/, '');
}

export function child(el: XElement, ns: string, local: string): XElement | undefined {
  return children(el, ns, local)[0];
}

export function textOf(el: XElement | undefined): string | undefined {
  if (!el) return undefined;
  return el.textContent ?? '';
}

export function attr(el: XElement, name: string, ns?: string): string | undefined {
  if (ns === undefined) {
    return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
  }
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i)!;
    if (a.localName === name && nsEq(a.namespaceURI, ns)) return a.value;
  }
  return undefined;
}

export function descendants(el: XElement | XDocument, ns: string, local: string): XElement[] {
  const out: XElement[] = [];
  const walk = (n: XNode): void => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const e = c as XElement;
      if (e.localName === local && nsEq(e.namespaceURI, ns)) out.push(e);
      walk(e);
    }
  };
  walk(el as XNode);
  return out;
}

/** Text escaping of Canonical XML (& < > CR): @ocauth/c14n's, so what we write is already canonical. */
export const escText: (s: string) => string = escapeText;
/** Attribute escaping of Canonical XML (& < " TAB LF CR): @ocauth/c14n's. */
export const escAttr: (s: string) => string = escapeAttr;

export function describe(el: XElement | undefined): string {
  if (!el) return 'nothing';
  return `{${el.namespaceURI ?? ''}}${el.localName}`;
}
