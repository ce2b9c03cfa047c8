// Namespace and attribute helpers shared by the general walker (canonicalize.ts), the exclusive fast
// path (exclusive.ts), the streaming path (stream.ts) and both parse paths (parse.ts, fast-parse.ts):
// one implementation of the ordering rules, the relative-URI check, the rules on declaring prefixes
// and the InclusiveNamespaces PrefixList.
import { C14nError } from './errors.js';
import { compareCodePoints } from './escape.js';
import { hasScheme } from './uri.js';

export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * Namespaces in XML 1.0 §3 on `xmlns:prefix="value"`: xml is bound only to its namespace, xmlns is
 * never declared, neither namespace name is bound to another prefix, and a prefix is not undeclared
 * (XML 1.1 only). What is wrong (first rule broken, in that order), or null.
 */
export function prefixDeclarationProblem(prefix: string, value: string): string | null {
  if (prefix === 'xmlns') return 'the prefix xmlns must not be declared';
  if (prefix === 'xml' && value !== XML_NS) return `expected xmlns:xml to be ${XML_NS}, received ${JSON.stringify(value)}`;
  if (prefix !== 'xml' && (value === XML_NS || value === XMLNS_NS)) return `the namespace ${value} must not be bound to prefix ${prefix}`;
  if (value === '') return `expected a namespace name for xmlns:${prefix}, received an empty value (prefix undeclaration is XML 1.1 only)`;
  return null;
}

// RFC 3986 §4.1 URI-reference, as libxml2 (uri.c, xmlParseURI) reads a namespace name: ASCII only, `%`
// followed by two hex digits, `[`…`]` only around an IP literal host and (libxml2's leniency) in the
// fragment. Built from the RFC's productions: pchar, query, fragment, authority, the path forms; "//"
// always starts an authority (libxml2 does not fall back to a path when the authority is malformed).
const PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
const PCHAR_NC = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})";
const AUTHORITY = "(?:(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?(?:\\[[^\\]]*\\]|(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]+)?";
const TAIL = `(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?\\[\\]])*)?$`;
const URI_REFERENCE = new RegExp(
  `^(?:[A-Za-z][A-Za-z0-9+.-]*:(?://${AUTHORITY}(?:/${PCHAR}*)*|(?!//)(?:${PCHAR}|/)*)${TAIL}` +
    `|(?://${AUTHORITY}(?:/${PCHAR}*)*|/(?!/)(?:${PCHAR}|/)*|${PCHAR_NC}+(?:/(?:${PCHAR}|/)*)?|)${TAIL})`,
);

/**
 * Namespaces in XML 1.0 §2: a namespace name is a URI reference (RFC 3986). libxml2 refuses a
 * declaration whose value is not one ("namespace error: xmlns: '…' is not a valid URI"), so parseXml
 * does too (same acceptance as libxml2, issue #20). Empty values are judged by the callers.
 */
// URIs already found valid, across parses (a process sees the same few namespace names over and over).
const validUris = new Set<string>();

export function namespaceNameProblem(value: string, prefix: string): string | null {
  if (value === '' || validUris.has(value)) return null;
  // libxml2 checks the value with each '&' still written as the reference '&#38;' (its attribute
  // parser keeps it so when not substituting entities): 'h&p://x' passes there as a path and a fragment.
  if (URI_REFERENCE.test(value.indexOf('&') < 0 ? value : value.replace(/&/g, '&#38;'))) {
    if (validUris.size >= 1024) validUris.clear();
    // A copy: `value` may be a slice that would keep a whole (large) parsed text alive.
    if (value.length <= 512) validUris.add(value.length < 13 ? value : Buffer.from(value, 'utf8').toString('utf8'));
    return null;
  }
  return `expected a URI reference (RFC 3986) as the namespace name of ${prefix === '' ? 'xmlns' : 'xmlns:' + prefix}, received ${JSON.stringify(value)}`;
}

/** What recognising a namespace declaration reads of an attribute. */
export interface DeclLike {
  name: string;
  prefix: string | null;
  localName: string | null;
  namespaceURI: string | null;
}

/** The prefix a namespace declaration attribute declares ('' for xmlns), or null if it is not one. */
export function declaredPrefix(a: DeclLike): string | null {
  const ns = a.namespaceURI;
  if (ns === XMLNS_NS) {
    const name = a.name;
    if (name.length === 5) return '';
    const local = a.localName;
    return a.prefix === 'xmlns' && local !== null ? local : name.slice(6);
  }
  if (ns == null) {
    // Programmatically built attributes may lack the namespace; the name still says what it is.
    const name = a.name;
    if (name === 'xmlns') return '';
    if (name.startsWith('xmlns:')) return name.slice(6);
  }
  return null;
}

/** What the ordering of attributes reads: an Attr node, or an inherited xml:* attribute of that shape. */
export interface SortableAttr {
  namespaceURI: string | null;
  localName: string | null;
  name: string;
}

/**
 * C14N 1.0 §2 and Exc-C14N: a relative namespace URI makes the document uncanonicalizable
 * (implementations MUST report it). ASCII fast path of RFC 3986 §3.1 scheme syntax first.
 */
export function checkNamespaceUri(uri: string, el: { tagName: string }, prefix: string): void {
  if (uri === '') return;
  let c = uri.charCodeAt(0) | 0x20;
  if (c >= 0x61 && c <= 0x7a) {
    for (let i = 1; i < uri.length; i++) {
      c = uri.charCodeAt(i);
      if (c === 0x3a) return;
      const l = c | 0x20;
      if (!((l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) break;
    }
  }
  if (!hasScheme(uri)) {
    throw new C14nError(
      'ERR_C14N_RELATIVE_NAMESPACE',
      `element <${el.tagName}> namespace declaration ${prefix === '' ? 'xmlns' : 'xmlns:' + prefix}: expected an absolute namespace URI, received the relative URI ${JSON.stringify(uri)}`,
    );
  }
}

/** Sort the first `n` attributes by namespace URI, then local name (§2.2; insertion sort, few attributes). */
export function sortAttrs(list: SortableAttr[], n: number): void {
  for (let i = 1; i < n; i++) {
    const x = list[i]!;
    const xns = x.namespaceURI ?? '';
    const xl = x.localName ?? x.name;
    let j = i - 1;
    while (j >= 0) {
      const y = list[j]!;
      const yns = y.namespaceURI ?? '';
      const c = xns === yns ? compareCodePoints(y.localName ?? y.name, xl) : compareCodePoints(yns, xns);
      if (c <= 0) break;
      list[j + 1] = y;
      j--;
    }
    list[j + 1] = x;
  }
}

/**
 * Exc-C14N §3 namespace axis (and C14N's rendering rule, §4.7 of XML-C14N 1.0): whether the namespace
 * node (p, uri) of an element is to be rendered, given the rendered bindings of its output ancestors (the
 * first `rn` of rP/rU, innermost last) and the `dn` already queued on this element (dP). Not when the
 * nearest rendered binding of p says the same, nor a second time on one element; an empty URI only
 * for the default namespace, as xmlns="" undoing a rendered non-empty default.
 */
export function rendersNamespace(rP: readonly string[], rU: readonly string[], rn: number, dP: readonly string[], dn: number, p: string, uri: string): boolean {
  let prev: string | undefined;
  for (let j = rn - 1; j >= 0; j--) {
    if (rP[j] === p) {
      prev = rU[j];
      break;
    }
  }
  if (uri === '') {
    if (p !== '' || prev === undefined || prev === '') return false;
  } else if (prev === uri) return false;
  for (let i = 0; i < dn; i++) if (dP[i] === p) return false;
  return true;
}

/** Sort the first `n` declarations (parallel prefix/URI arrays) by prefix, default ('') first. */
export function sortDecls(ps: string[], us: string[], n: number): void {
  for (let i = 1; i < n; i++) {
    const p = ps[i]!;
    const u = us[i]!;
    let j = i - 1;
    while (j >= 0 && compareCodePoints(ps[j]!, p) > 0) {
      ps[j + 1] = ps[j]!;
      us[j + 1] = us[j]!;
      j--;
    }
    ps[j + 1] = p;
    us[j + 1] = u;
  }
}

const NCNAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*$/;

/**
 * Exc-C14N §3 / XMLDSig InclusiveNamespaces PrefixList: NCName prefixes and `#default` (returned as
 * ''), as an array or the whitespace-separated attribute value; duplicates dropped. null: no list.
 */
export function parsePrefixList(v: readonly string[] | string | undefined): string[] | null {
  if (v === undefined) return null;
  const tokens = typeof v === 'string' ? v.split(/[ \t\r\n]+/).filter((t) => t !== '') : [...v];
  const out: string[] = [];
  for (const t of tokens) {
    if (typeof t !== 'string' || (t !== '#default' && !NCNAME.test(t))) {
      throw new C14nError(
        'ERR_C14N_ALGORITHM',
        `canonicalize options.inclusiveNamespaces: expected NCName prefixes or #default, received ${JSON.stringify(t)}`,
      );
    }
    const p = t === '#default' ? '' : t;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}
