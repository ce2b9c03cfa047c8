// XML for the AuthBroker messages: the c14n parser mapped to AuthBrokerError, text readers and a small writer.
import type { Document, Element, Node } from '@xmldom/xmldom';
import { escapeText as c14nEscapeText, parseXml as parseXmlSafely, XmlParseError } from '@ocauth/c14n';
import { NS } from '@ocauth/diagnostics';
import { AuthBrokerError } from './errors.js';

export const DEFAULT_MAX_XML_BYTES = 1 << 20;

/** Deepest element nesting accepted in an AuthBroker message (the spec's messages need under 10). */
export const MAX_XML_DEPTH = 64;

/**
 * Safe XML parse: @ocauth/c14n `parseXml`, the project's one safe parser (no DOCTYPE, so entity expansion
 * and external entities are impossible; size, depth and attribute count bounded while parsing; strict UTF-8;
 * every xmldom warning or error is an error). Its XmlParseError (code, line, column) becomes the `cause`
 * of an AuthBrokerError ERR_AUTHBROKER_XML.
 */
export function parseXml(xml: string | Uint8Array, maxBytes = DEFAULT_MAX_XML_BYTES): Document {
  try {
    return parseXmlSafely(xml, { maxBytes, maxDepth: MAX_XML_DEPTH });
  } catch (e) {
    const m = e instanceof XmlParseError ? e.message : `expected well-formed XML, received ${(e as Error)?.message ?? String(e)}`;
    throw new AuthBrokerError('ERR_AUTHBROKER_XML', `message: ${m}`, { cause: e });
  }
}

export function textOf(e: Element): string {
  let s = '';
  for (let n: Node | null = e.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1)
      throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `${e.localName}: expected text content, received a child element <${(n as Element).tagName}>`);
    if (n.nodeType === 3 || n.nodeType === 4) s += n.nodeValue ?? '';
  }
  return s;
}

export function isNil(e: Element): boolean {
  const v = e.getAttributeNS(NS.xsi, 'nil');
  return v === 'true' || v === '1';
}

/** Text escaping (& < > CR), @ocauth/c14n's. */
export const escapeText: (s: string) => string = c14nEscapeText;

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;');
}

/** A tiny XML tree for writing messages the way WCF lays them out. */
export interface XNode {
  name: string;
  attrs?: ReadonlyArray<readonly [string, string]>;
  /** Text content, or children; `raw` is inserted verbatim (a web ticket as received). */
  text?: string;
  children?: ReadonlyArray<XNode>;
  raw?: string;
  /** Write `<a></a>` instead of `<a/>` when empty. */
  explicitEnd?: boolean;
}

export function serialize(node: XNode, indent: boolean, level = 0): string {
  const pad = indent ? '  '.repeat(level) : '';
  const nl = indent ? '\n' : '';
  if (node.raw !== undefined) return pad + node.raw;
  const attrs = (node.attrs ?? []).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  const open = `<${node.name}${attrs}`;
  if (node.children && node.children.length > 0) {
    return `${pad}${open}>${nl}${node.children.map((c) => serialize(c, indent, level + 1)).join(nl)}${nl}${pad}</${node.name}>`;
  }
  if (node.text !== undefined && node.text !== '') return `${pad}${open}>${escapeText(node.text)}</${node.name}>`;
  return node.explicitEnd ? `${pad}${open}></${node.name}>` : `${pad}${open}/>`;
}
