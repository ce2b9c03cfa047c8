/**
 * The guarded XML parser this package uses for untrusted SOAP faults and GetAndPublishCert responses
 * (stand-in until @ocauth/c14n's `parseXml` is consumed; same rules): no DOCTYPE at all (so no entity
 * expansion, billion laughs or XXE), bounded size and depth, every xmldom warning/error turned into a
 * failure. Returns a result, never throws.
 */
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';
import type { ParseIssue } from './errors.js';

export interface SafeXmlOptions {
  /** Largest input accepted, in bytes of UTF-8 (default 256 KiB: faults and GetAndPublishCert responses are a few KiB). */
  maxBytes?: number;
  /** Deepest element nesting accepted (default 64). */
  maxDepth?: number;
  /** Most attributes on one element (default 256). */
  maxAttributes?: number;
}

export type SafeXmlResult = { ok: true; doc: Document } | { ok: false; error: ParseIssue };

const xmlErr = (code: ParseIssue['code'], message: string): SafeXmlResult => ({ ok: false, error: { code, severity: 'error', message } });

/** A positive integer option, or the default when absent or not a positive integer. */
export function limit(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : dflt;
}

export function parseXmlSafe(input: unknown, what: string, options: SafeXmlOptions = {}): SafeXmlResult {
  const maxBytes = limit(options.maxBytes, 256 * 1024);
  const maxDepth = limit(options.maxDepth, 64);
  const maxAttributes = limit(options.maxAttributes, 256);
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) return xmlErr('ERR_DIAGNOSTICS_XML_LIMIT', `${what}: expected at most ${maxBytes} bytes of XML, received ${Buffer.byteLength(input, 'utf8')}`);
    text = input;
  } else if (input instanceof Uint8Array) {
    if (input.byteLength > maxBytes) return xmlErr('ERR_DIAGNOSTICS_XML_LIMIT', `${what}: expected at most ${maxBytes} bytes of XML, received ${input.byteLength}`);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return xmlErr('ERR_DIAGNOSTICS_XML', `${what}: expected UTF-8 encoded XML, received invalid UTF-8`);
    }
  } else {
    return xmlErr('ERR_DIAGNOSTICS_XML', `${what}: expected XML as a string or Uint8Array, received ${input === null ? 'null' : typeof input}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) return xmlErr('ERR_DIAGNOSTICS_XML_DOCTYPE', `${what}: expected XML without a DOCTYPE (entity declarations are refused), received a DOCTYPE/ENTITY declaration`);
  if (text.trim() === '') return xmlErr('ERR_DIAGNOSTICS_XML', `${what}: expected an XML document, received an empty string`);
  const problems: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({ onError: (level, msg) => { problems.push(`${level}: ${String(msg).split('\n')[0]}`); } }).parseFromString(text, 'text/xml');
  } catch (e) {
    return xmlErr('ERR_DIAGNOSTICS_XML', `${what}: expected well-formed XML, received: ${String((e as Error).message ?? e).split('\n')[0]}`);
  }
  if (problems.length > 0) return xmlErr('ERR_DIAGNOSTICS_XML', `${what}: expected well-formed XML, received: ${problems[0]}`);
  if (!doc.documentElement) return xmlErr('ERR_DIAGNOSTICS_XML', `${what}: expected a document element, received none`);
  // Depth/attribute bounds, iteratively (no recursion on hostile nesting).
  const stack: [Node, number][] = [[doc.documentElement, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > maxDepth) return xmlErr('ERR_DIAGNOSTICS_XML_LIMIT', `${what}: expected element nesting of at most ${maxDepth}, received deeper`);
    if (node.nodeType === 1 && (node as Element).attributes.length > maxAttributes) return xmlErr('ERR_DIAGNOSTICS_XML_LIMIT', `${what}: expected at most ${maxAttributes} attributes on <${(node as Element).tagName}>, received ${(node as Element).attributes.length}`);
    for (let c = node.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) stack.push([c, depth + 1]);
  }
  return { ok: true, doc };
}

/** Minimal structural view of a DOM element (xmldom or any W3C DOM), so callers may pass their own nodes. */
export interface ElementLike {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  firstChild: NodeLike | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
  lookupNamespaceURI(prefix: string | null): string | null;
}
export interface NodeLike {
  nodeType: number;
  nextSibling: NodeLike | null;
}

export function isElementLike(v: unknown): v is ElementLike {
  return typeof v === 'object' && v !== null && (v as { nodeType?: unknown }).nodeType === 1 && typeof (v as { getAttribute?: unknown }).getAttribute === 'function';
}

export function childElements(e: ElementLike): ElementLike[] {
  const out: ElementLike[] = [];
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as unknown as ElementLike);
  return out;
}

/** Depth-first search (bounded) for the first element matching. */
export function findElement(root: ElementLike, pred: (e: ElementLike) => boolean, maxVisits = 100_000): ElementLike | undefined {
  const stack: ElementLike[] = [root];
  let visits = 0;
  while (stack.length > 0 && visits++ < maxVisits) {
    const e = stack.pop()!;
    if (pred(e)) return e;
    const kids = childElements(e);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return undefined;
}

const XML_ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Index of the first character XML 1.0 cannot carry, or -1. */
export function xmlIllegalIndex(s: string): number {
  const m = XML_ILLEGAL.exec(s);
  return m ? m.index : -1;
}

/** Escape text content / attribute values so that a parser reads back exactly `s` (CR, TAB, LF kept). */
export function escXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#xD;');
}
export function escAttr(s: string): string {
  return escXml(s).replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;');
}
