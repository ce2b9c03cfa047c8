// Character escaping of Canonical XML 1.0 §2.3 / C14N 1.1 §2.3 / Exc-C14N (shared).

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<"\t\n\r]/;

/**
 * Text node: & < > and CR are replaced by &amp; &lt; &gt; &#xD;.
 *
 * @throws never
 */
export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let rep: string;
    switch (s.charCodeAt(i)) {
      case 38:
        rep = '&amp;';
        break;
      case 60:
        rep = '&lt;';
        break;
      case 62:
        rep = '&gt;';
        break;
      case 13:
        rep = '&#xD;';
        break;
      default:
        continue;
    }
    if (i > last) out += s.slice(last, i);
    out += rep;
    last = i + 1;
  }
  return last === 0 ? out : out + s.slice(last);
}

/**
 * Attribute value: & < " TAB LF CR are replaced by &amp; &lt; &quot; &#x9; &#xA; &#xD;.
 *
 * @throws never
 */
export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let rep: string;
    switch (s.charCodeAt(i)) {
      case 38:
        rep = '&amp;';
        break;
      case 60:
        rep = '&lt;';
        break;
      case 34:
        rep = '&quot;';
        break;
      case 9:
        rep = '&#x9;';
        break;
      case 10:
        rep = '&#xA;';
        break;
      case 13:
        rep = '&#xD;';
        break;
      default:
        continue;
    }
    if (i > last) out += s.slice(last, i);
    out += rep;
    last = i + 1;
  }
  return last === 0 ? out : out + s.slice(last);
}

/**
 * Compare two strings by Unicode code point (C14N 1.0 §2.2 "lexicographic order ... by code point"),
 * not by UTF-16 code unit: a supplementary character (surrogate pair, U+10000 and up) sorts after
 * U+E000..U+FFFF, although its first code unit 0xD800..0xDBFF is smaller.
 *
 * @throws never
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}
