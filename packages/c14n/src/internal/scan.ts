// The ASCII scanner pieces of the two text readers, fast-parse.ts (text → DOM) and stream.ts (text →
// canonical form): whitespace, QNames, references and attribute values, as XML 1.0 §2.3, §3.1, §3.3.3
// and §4.1 define them for the documents those paths read (anything else makes them step aside).
// Stateless but for `colon`, which the caller reads right after scanQName: no user code runs between.
import { isXmlChar } from './chars.js';

// ASCII name characters: 1 = may start an NCName, 2 = may continue one.
const NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) NAME[c] = 3;
  else if (/[0-9.-]/.test(ch)) NAME[c] = 2;
}

/** XML 1.0 §2.8 XMLDecl, as xmldom's grammar has it (the readers read its data as a PI). */
export const XML_DECL =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][-A-Za-z0-9._]*"|'[A-Za-z][-A-Za-z0-9._]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;

/** Index of the colon in the last name scanned by scanQName (-1: none); read it right after the call. */
export let colon = -1;

export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09;
}

export function skipWs(src: string, p: number): number {
  while (isWs(src.charCodeAt(p))) p++;
  return p;
}

export function allWs(src: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (!isWs(src.charCodeAt(p))) return false;
  return true;
}

/** End of the ASCII QName (NCName or NCName:NCName) at `p`, or -1; sets `colon`. */
export function scanQName(src: string, p: number): number {
  const start = p;
  let c = src.charCodeAt(p);
  if (!(c < 128 && NAME[c]! & 1)) return -1;
  colon = -1;
  for (p++; ; p++) {
    c = src.charCodeAt(p);
    if (c < 128 && NAME[c]! & 2) continue;
    if (c !== 0x3a || colon >= 0) break;
    const n = src.charCodeAt(p + 1);
    if (!(n < 128 && NAME[n]! & 1)) return -1;
    colon = p - start;
    p++;
  }
  // A name that runs on into a character this path does not know (non-ASCII) is not ours.
  return c >= 128 ? -1 : p;
}

// A reference this path decodes, or (last alternative) any other `&`, which makes it step aside.
const REF = /&(amp|lt|gt|quot|apos|#x[0-9A-Fa-f]+|#[0-9]+);|&/g;
let badRef = false;
function refChar(_m: string, ref: string | undefined): string {
  switch (ref) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
    case undefined:
      badRef = true;
      return '';
  }
  const cp = ref.charCodeAt(1) === 0x78 /* x */ ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
  // WFC Legal Character: only references to XML 1.0 characters (parse.ts refuses the others).
  if (!isXmlChar(cp)) {
    badRef = true;
    return '';
  }
  return String.fromCodePoint(cp);
}

/**
 * `s` with its entity and character references replaced, or null if any is not well formed. (Built by
 * one replace() so the result is a flat string: concatenating the pieces made ropes that every later
 * read of the text paid for.)
 */
export function decodeRefs(s: string): string | null {
  badRef = false;
  const out = s.replace(REF, refChar);
  return badRef ? null : out;
}

/** The value of the attribute whose text is src[from, to), normalized as xmldom does (XML 1.0 §3.3.3), or null. */
export function attrValue(src: string, from: number, to: number): string | null {
  let p = from;
  for (; p < to; p++) {
    const c = src.charCodeAt(p);
    if (c === 0x26 || c === 0x3c || c === 0x09 || c === 0x0a) break;
  }
  const raw = src.slice(from, to);
  if (p === to) return raw;
  if (raw.indexOf('<') >= 0) return null;
  const s = raw.replace(/[\t\n]/g, ' ');
  return s.indexOf('&') < 0 ? s : decodeRefs(s);
}
