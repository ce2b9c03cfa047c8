// The XML reading of @ocauth/diagnostics: @ocauth/c14n's parseXml and DOM helpers, its errors as ParseIssues.
import { parseXml, XmlParseError, type XDocument } from '@ocauth/c14n';
import type { ParseIssue } from './errors.js';

export { findElement, isElementLike, type ElementLike, type NodeLike } from '@ocauth/c14n';
import { childElements as domChildElements, type ElementLike, type ParentLike } from '@ocauth/c14n';

/** The element children of `e`, as the structural ElementLike view (callers may pass nodes of any W3C DOM). */
export const childElements = (e: ParentLike): ElementLike[] => domChildElements<ElementLike>(e);

/** The bounds applied to untrusted XML (faults, GetAndPublishCert responses); @ocauth/c14n `parseXml` enforces them. */
export interface SafeXmlOptions {
  /** Largest input accepted, in bytes of UTF-8 (default 256 KiB: faults and GetAndPublishCert responses are a few KiB). */
  maxBytes?: number;
  /** Deepest element nesting accepted, the document element being depth 1 (default 64). */
  maxDepth?: number;
  /** Most attributes on one element (default 256). */
  maxAttributes?: number;
}

export type SafeXmlResult = { ok: true; doc: XDocument } | { ok: false; error: ParseIssue };

/** A positive integer option, or the default when absent or not a positive integer. */
export function limit(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : dflt;
}

const CODE_OF = {
  ERR_XML_PARSE: 'ERR_DIAGNOSTICS_XML',
  ERR_XML_DOCTYPE: 'ERR_DIAGNOSTICS_XML_DOCTYPE',
  ERR_XML_LIMIT: 'ERR_DIAGNOSTICS_XML_LIMIT',
} as const satisfies Record<XmlParseError['code'], ParseIssue['code']>;

/**
 * Parse untrusted XML with @ocauth/c14n `parseXml` (no DOCTYPE, so no entity expansion or XXE; size,
 * depth and attribute count bounded while parsing; fatal UTF-8). Never throws: a refusal is a ParseIssue
 * whose code maps the XmlParseError's (`ERR_XML_PARSE` → `ERR_DIAGNOSTICS_XML`, `ERR_XML_DOCTYPE` →
 * `ERR_DIAGNOSTICS_XML_DOCTYPE`, `ERR_XML_LIMIT` → `ERR_DIAGNOSTICS_XML_LIMIT`) and whose `cause` is it.
 */
export function parseXmlSafe(input: unknown, what: string, options: SafeXmlOptions = {}): SafeXmlResult {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    return {
      ok: false,
      error: {
        code: 'ERR_DIAGNOSTICS_XML',
        severity: 'error',
        message: `${what}: expected XML as a string or Uint8Array, received ${input === null ? 'null' : typeof input}`,
      },
    };
  }
  try {
    const doc = parseXml(input, {
      maxBytes: limit(options.maxBytes, 256 * 1024),
      maxDepth: limit(options.maxDepth, 64),
      maxAttributes: limit(options.maxAttributes, 256),
    });
    return { ok: true, doc };
  } catch (e) {
    if (e instanceof XmlParseError) return { ok: false, error: { code: CODE_OF[e.code], severity: 'error', message: `${what}: ${e.message}`, cause: e } };
    return {
      ok: false,
      error: {
        code: 'ERR_DIAGNOSTICS_XML',
        severity: 'error',
        message: `${what}: expected well-formed XML, received ${String((e as Error)?.message ?? e).split('\n')[0]}`,
        cause: e,
      },
    };
  }
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
