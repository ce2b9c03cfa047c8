import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { SoapFormatError } from './errors.js';

export type XDocument = import('@xmldom/xmldom').Document;
export type XElement = import('@xmldom/xmldom').Element;
export type XNode = import('@xmldom/xmldom').Node;

const MAX_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 64;

/**
 * The one place this package parses XML. Rejects DOCTYPE (no entity expansion / XXE), bounds size
 * and depth, turns every parser complaint into SoapFormatError.
 * TODO(switch): delegate to @ocauth/c14n `parseXml` when it lands.
 */
export function parseXmlDocument(xml: string | Uint8Array, what = 'XML'): XDocument {
  const text = typeof xml === 'string' ? xml : new TextDecoder('utf-8', { fatal: false }).decode(xml);
  if (text.length > MAX_BYTES) throw new SoapFormatError(`${what}: expected at most ${MAX_BYTES} bytes, received ${text.length}`);
  if (/<!DOCTYPE/i.test(text)) throw new SoapFormatError(`${what}: expected no DOCTYPE, received a document type declaration`);
  let problem: string | undefined;
  const parser = new DOMParser({
    onError: (level: string, msg: string) => {
      problem ??= `${level}: ${msg}`;
      if (level !== 'warning') throw new SoapFormatError(`${what}: expected well-formed XML, received ${msg}`);
    },
  });
  let doc: XDocument;
  try {
    doc = parser.parseFromString(text, 'text/xml') as unknown as XDocument;
  } catch (e) {
    if (e instanceof SoapFormatError) throw e;
    throw new SoapFormatError(`${what}: expected well-formed XML, received ${(e as Error).message}`, e);
  }
  if (problem !== undefined) throw new SoapFormatError(`${what}: expected well-formed XML, received ${problem}`);
  const root = doc.documentElement;
  if (!root) throw new SoapFormatError(`${what}: expected a document element, received none`);
  checkDepth(root as XElement, 0, what);
  return doc;
}

function checkDepth(el: XElement, depth: number, what: string): void {
  if (depth > MAX_DEPTH) throw new SoapFormatError(`${what}: expected element depth at most ${MAX_DEPTH}, received deeper nesting`);
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) checkDepth(c as XElement, depth + 1, what);
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

export function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

export function escAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}

export function describe(el: XElement | undefined): string {
  if (!el) return 'nothing';
  return `{${el.namespaceURI ?? ''}}${el.localName}`;
}
