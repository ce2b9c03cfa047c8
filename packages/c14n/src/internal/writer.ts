// Output buffer of the exclusive c14n fast path: characters are copied (and escaped) into one byte
// buffer and turned into a single flat string at the end. Building the canonical form by string
// concatenation allocated a rope node per piece (hundreds of thousands per megabyte) that the first
// reader (the digest) then had to flatten; copying costs less than either.
//
// The buffer holds Latin-1 code units while every character fits; the first character above U+00FF
// widens it to UTF-16 code units (the characters so far are copied over) and the rest continues there.

import { escapeAttr, escapeText } from './escape.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// One writer per process is reused by every call (c14n is synchronous and calls no user code on this
// path, so calls cannot interleave); buffers that grew beyond KEEP bytes are not kept.
const KEEP = 4 << 20;
let scratch16: Uint16Array | null = null;

const AMP = [0x26, 0x61, 0x6d, 0x70, 0x3b]; // &amp;
const LT = [0x26, 0x6c, 0x74, 0x3b]; // &lt;
const GT = [0x26, 0x67, 0x74, 0x3b]; // &gt;
const QUOT = [0x26, 0x71, 0x75, 0x6f, 0x74, 0x3b]; // &quot;
const CR = [0x26, 0x23, 0x78, 0x44, 0x3b]; // &#xD;
const TAB = [0x26, 0x23, 0x78, 0x39, 0x3b]; // &#x9;
const LF = [0x26, 0x23, 0x78, 0x41, 0x3b]; // &#xA;

/** Escape sequence of a character in text (C14N §2.3: & < > CR), or null. */
function textEntity(c: number): number[] | null {
  return c === 0x26 ? AMP : c === 0x3c ? LT : c === 0x3e ? GT : c === 0x0d ? CR : null;
}
/** Escape sequence of a character in an attribute value (& < " TAB LF CR), or null. */
function attrEntity(c: number): number[] | null {
  return c === 0x26 ? AMP : c === 0x3c ? LT : c === 0x22 ? QUOT : c === 0x09 ? TAB : c === 0x0a ? LF : c === 0x0d ? CR : null;
}

/** Copy `s` to `b` at `l`; the new end, or -1 at the first character above U+00FF. */
function copy8(b: Buffer, l: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return -1;
    b[l++] = c;
  }
  return l;
}

// Long pieces (base64 blobs, certificates, long values) that need no escaping and are all Latin-1 are
// copied natively; a per-call cost of ~100 ns makes that worth it only past a few dozen characters.
const LONG = 64;
const TEXT_WORK = /[&<>\r\u0100-\uffff]/;
const ATTR_WORK = /[&<"\t\n\r\u0100-\uffff]/;

/** Copy `s` escaped to `b` at `l`; the new end, or -1 at the first character above U+00FF. */
function escape8(b: Buffer, l: number, s: string, attribute: boolean): number {
  if (s.length >= LONG && !(attribute ? ATTR_WORK : TEXT_WORK).test(s)) return l + b.write(s, l, 'latin1');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x3e) {
      if (c > 0xff) return -1;
      b[l++] = c;
      continue;
    }
    const e = attribute ? attrEntity(c) : textEntity(c);
    if (e === null) b[l++] = c;
    else for (let k = 0; k < e.length; k++) b[l++] = e[k]!;
  }
  return l;
}

// Outputs up to this many UTF-16 units are built as a string (a few concatenations cost less than
// setting up and decoding a buffer: the wsu:Timestamp case); longer ones spill into the buffer.
const SMALL = 4096;
const EMPTY = Buffer.alloc(0);

// A document declares few namespace URIs and its elements render the same ones over and over: the
// last URI's escaped form is kept (namespace URIs rarely need escaping at all).
let lastUri = '';
let lastEscapedUri = '';
function escapedUri(uri: string): string {
  if (uri !== lastUri) {
    lastEscapedUri = escapeAttr(uri);
    lastUri = uri;
  }
  return lastEscapedUri;
}

export class Writer {
  private str = '';
  private buffered = false;
  private b8: Buffer = EMPTY;
  private b16: Uint16Array | null = null;
  private len = 0;

  /** Start a new output (the byte buffer is kept for reuse). */
  reset(): void {
    this.str = '';
    this.buffered = false;
    this.b16 = null;
    this.len = 0;
  }

  /** String mode: append, and spill into the buffer once the output is no longer small. */
  private append(s: string): void {
    this.str += s;
    if (this.str.length > SMALL) this.spill();
  }

  /** Leave string mode: move what was written into the byte buffer. */
  private spill(): void {
    this.buffered = true;
    if (this.b8.length === 0) this.b8 = Buffer.allocUnsafeSlow(SMALL * 4);
    const s = this.str;
    this.str = '';
    this.raw(s);
  }

  /** Room for `n` more code units. */
  private reserve(n: number): void {
    const need = this.len + n;
    if (this.b16 === null) {
      if (need <= this.b8.length) return;
      const next = Buffer.allocUnsafeSlow(Math.max(need, this.b8.length * 2));
      this.b8.copy(next, 0, 0, this.len);
      this.b8 = next;
    } else {
      if (need <= this.b16.length) return;
      const next = new Uint16Array(Math.max(need, this.b16.length * 2));
      next.set(this.b16.subarray(0, this.len));
      this.b16 = next;
    }
  }

  private widen(extra: number): void {
    const prev = scratch16;
    scratch16 = null;
    const b16 = prev !== null && prev.length >= this.len + extra ? prev : new Uint16Array(Math.max(4096, (this.len + extra) * 2));
    const b8 = this.b8;
    for (let i = 0; i < this.len; i++) b16[i] = b8[i]!;
    this.b16 = b16;
  }

  /** Append one character below U+0100. */
  ch(c: number): void {
    if (!this.buffered) {
      this.append(String.fromCharCode(c));
      return;
    }
    this.reserve(1);
    if (this.b16 === null) this.b8[this.len++] = c;
    else this.b16[this.len++] = c;
  }

  /** Append `s` unescaped. */
  raw(s: string): void {
    if (!this.buffered) {
      this.append(s);
      return;
    }
    const n = s.length;
    this.reserve(n);
    if (this.b16 === null) {
      const l = copy8(this.b8, this.len, s);
      if (l >= 0) {
        this.len = l;
        return;
      }
      this.widen(n);
    }
    const w = this.b16!;
    let l = this.len;
    for (let i = 0; i < n; i++) w[l++] = s.charCodeAt(i);
    this.len = l;
  }

  /** Append `s` escaped as text (`attribute` false) or as an attribute value (`attribute` true). */
  escaped(s: string, attribute: boolean): void {
    if (!this.buffered) {
      this.append(attribute ? escapeAttr(s) : escapeText(s));
      return;
    }
    const n = s.length;
    // Worst case: every character becomes a six-unit entity (&quot;).
    this.reserve(n * 6);
    if (this.b16 === null) {
      const l = escape8(this.b8, this.len, s, attribute);
      if (l >= 0) {
        this.len = l;
        return;
      }
      this.widen(n * 6);
    }
    const w = this.b16!;
    let l = this.len;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      const e = c > 0x3e ? null : attribute ? attrEntity(c) : textEntity(c);
      if (e === null) w[l++] = c;
      else for (let k = 0; k < e.length; k++) w[l++] = e[k]!;
    }
    this.len = l;
  }

  /** `<name` */
  startTag(name: string): void {
    if (!this.buffered) {
      this.append('<' + name);
      return;
    }
    if (this.b16 === null) {
      this.reserve(name.length + 1);
      const b = this.b8;
      b[this.len] = 0x3c;
      const l = copy8(b, this.len + 1, name);
      if (l >= 0) {
        this.len = l;
        return;
      }
    }
    this.ch(0x3c);
    this.raw(name);
  }

  /** `<name>` (an element start tag without attributes or namespace declarations). */
  element(name: string): void {
    if (!this.buffered) {
      this.append('<' + name + '>');
      return;
    }
    this.startTag(name);
    this.ch(0x3e);
  }

  /** `</name>` */
  endTag(name: string): void {
    if (!this.buffered) {
      this.append('</' + name + '>');
      return;
    }
    if (this.b16 === null) {
      this.reserve(name.length + 3);
      const b = this.b8;
      b[this.len] = 0x3c;
      b[this.len + 1] = 0x2f;
      const l = copy8(b, this.len + 2, name);
      if (l >= 0) {
        b[l] = 0x3e;
        this.len = l + 1;
        return;
      }
    }
    this.raw('</');
    this.raw(name);
    this.ch(0x3e);
  }

  /** ` name="value"` with the value escaped; `name` null writes a namespace declaration of `prefix`. */
  attribute(name: string, value: string): void {
    if (!this.buffered) {
      this.append(' ' + name + '="' + escapeAttr(value) + '"');
      return;
    }
    if (this.b16 === null) {
      this.reserve(name.length + value.length * 6 + 4);
      const b = this.b8;
      b[this.len] = 0x20;
      let l = copy8(b, this.len + 1, name);
      if (l >= 0) {
        b[l] = 0x3d;
        b[l + 1] = 0x22;
        l = escape8(b, l + 2, value, true);
        if (l >= 0) {
          b[l] = 0x22;
          this.len = l + 1;
          return;
        }
      }
    }
    this.ch(0x20);
    this.raw(name);
    this.raw('="');
    this.escaped(value, true);
    this.ch(0x22);
  }

  /** ` xmlns:prefix="uri"` (` xmlns="uri"` for the default namespace). */
  namespace(prefix: string, uri: string): void {
    if (!this.buffered) {
      this.append((prefix === '' ? ' xmlns="' : ' xmlns:' + prefix + '="') + escapedUri(uri) + '"');
      return;
    }
    this.attribute(prefix === '' ? 'xmlns' : 'xmlns:' + prefix, uri);
  }

  /** Text node content, escaped. */
  text(s: string): void {
    if (!this.buffered) {
      this.append(escapeText(s));
      return;
    }
    if (this.b16 === null) {
      this.reserve(s.length * 6);
      const l = escape8(this.b8, this.len, s, false);
      if (l >= 0) {
        this.len = l;
        return;
      }
    }
    this.escaped(s, false);
  }

  /** How many UTF-16 units are waiting (for a streaming caller deciding when to drain). */
  get pending(): number {
    return this.buffered ? this.len : this.str.length;
  }

  /** The text written since the last drain, as one flat string; the writer stays usable. */
  drain(): string {
    if (!this.buffered) {
      const s = this.str;
      this.str = '';
      return s;
    }
    let out: string;
    if (this.b16 === null) out = this.b8.toString('latin1', 0, this.len);
    else if (LITTLE_ENDIAN) out = Buffer.from(this.b16.buffer, this.b16.byteOffset, this.len * 2).toString('utf16le');
    else {
      out = '';
      for (let i = 0; i < this.len; i += 8192) out += String.fromCharCode.apply(null, Array.from(this.b16.subarray(i, Math.min(this.len, i + 8192))));
    }
    this.len = 0;
    return out;
  }

  /** The text written so far, as one flat string; the writer must not be used afterwards. */
  finish(): string {
    if (!this.buffered) return this.str;
    let out: string;
    if (this.b16 === null) {
      out = this.b8.toString('latin1', 0, this.len);
    } else if (LITTLE_ENDIAN) {
      out = Buffer.from(this.b16.buffer, this.b16.byteOffset, this.len * 2).toString('utf16le');
    } else {
      out = '';
      for (let i = 0; i < this.len; i += 8192) out += String.fromCharCode.apply(null, Array.from(this.b16.subarray(i, Math.min(this.len, i + 8192))));
    }
    if (this.b8.length > KEEP) this.b8 = EMPTY;
    if (this.b16 !== null && this.b16.length * 2 <= KEEP) scratch16 = this.b16;
    this.b16 = null;
    return out;
  }
}
