/**
 * X-Ms-diagnostics header codec (MS-OCAUTHWS 3.2.4.1).
 *
 * The spec's ABNF:
 * ```
 * X-Ms-diagnostics = errorId ";" source ";" reason ";" fault
 * errorId = 1*DIGIT
 * source = DQUOTE 1*(ALPHA / DIGIT / "-" / "." / "_" / "~") DQUOTE   ; Fully qualified domain name of server
 * token = DQUOTE 1*( ALPHA / DIGIT / "-" / "." / "_" / "~") DQUOTE
 * fault = DQUOTE 1*(ALPHA) ":" 1*(ALPHA) DQUOTE
 * ```
 * Real servers send the SIP ms-diagnostics form ([MS-SIPRE] 2.2.1.1: `ErrorId SEMI reason-param *(SEMI
 * generic-param)` with named, quoted parameters), e.g. `28020;source="server.contoso.com";reason="No valid
 * security token."` (UCWA documentation). The ABNF's `reason` is undefined and its `token` forbids the spaces
 * that every reason of the spec's tables contains.
 *
 * `formatMsDiagnostics` is strict: ErrorId 1*DIGIT, source and fault in the ABNF's character sets, reason any
 * printable ASCII except DQUOTE and backslash; style `'named'` (default, what servers send) or `'positional'`
 * (the literal ABNF, all three fields required). It THROWS `DiagnosticsError` for an unrepresentable field.
 *
 * `parseMsDiagnostics` is tolerant and NEVER throws: named or positional parameters in any order and case,
 * unquoted values, quoted-pair escapes, whitespace and obsolete line folding, extra parameters
 * (`error_category=…`), several entries joined by "," (combined header lines), a leading header name
 * (`X-Ms-diagnostics:` / `ms-diagnostics-public:`), brackets as printed by some SDK logs. What it had to tolerate
 * is reported as warnings; what it could not parse as an error (with the entries recovered so far).
 */
import { DiagnosticsError, describeReceived, type ParseIssue } from './errors.js';
import { webTicketError } from './web-ticket-errors.js';
import { limit } from './xml.js';

/** One X-Ms-diagnostics entry. */
export interface MsDiagnostics {
  /** ErrorId (`28032`). */
  errorId: number;
  /** FQDN of the server that produced the error. */
  source?: string;
  reason?: string;
  /** Qualified fault code (`wsse:InvalidSecurityToken`). */
  fault?: string;
  /** Other parameters, in order (`error_category`, …); names as received. */
  fields?: Record<string, string>;
}

export interface FormatMsDiagnosticsOptions {
  /** `'named'` (default): `28032;source="…";reason="…";fault="…"`. `'positional'`: `28032;"…";"…";"…"` (literal ABNF). */
  style?: 'named' | 'positional';
}

export type MsDiagnosticsParseResult =
  | { ok: true; value: MsDiagnostics; entries: MsDiagnostics[]; issues: ParseIssue[] }
  | { ok: false; error: ParseIssue; entries: MsDiagnostics[]; issues: ParseIssue[] };

export interface ParseMsDiagnosticsOptions {
  /** Longest header value accepted, in characters (default 8192). */
  maxLength?: number;
  /** Most entries accepted (default 16). */
  maxEntries?: number;
  /**
   * Conformance mode: anything the tolerant parser would only warn about fails, and every entry must be
   * what `formatMsDiagnostics` can produce (source/fault/reason character sets). For checking a server's output.
   */
  strict?: boolean;
}

const SOURCE_RE = /^[A-Za-z0-9\-._~]+$/;
const FAULT_RE = /^[A-Za-z]+:[A-Za-z]+$/;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;
// printable ASCII except DQUOTE (0x22) and backslash (0x5C); SP and HTAB allowed inside.
const TEXT_RE = /^[\t\x20\x21\x23-\x5B\x5D-\x7E]*$/;
const KNOWN = new Set(['source', 'reason', 'fault']);

function checkText(field: string, v: string): void {
  if (v.length === 0)
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `X-Ms-diagnostics ${field}: expected a non-empty string, received an empty string`, { field });
  if (!TEXT_RE.test(v)) {
    const bad = [...v].find((c) => !TEXT_RE.test(c)) ?? '';
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `X-Ms-diagnostics ${field}: expected printable ASCII without DQUOTE or backslash, received ${describeReceived(v)} containing U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
      { field },
    );
  }
  if (v !== v.trim())
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `X-Ms-diagnostics ${field}: expected no leading or trailing whitespace, received ${describeReceived(v)}`,
      { field },
    );
}

/**
 * Replace what an X-Ms-diagnostics reason cannot carry (DQUOTE, backslash, controls, non-ASCII) so that an
 * arbitrary message can be put in a header: `formatMsDiagnostics({ errorId, reason: toDiagnosticsText(msg) })`.
 *
 * @throws never
 */
export function toDiagnosticsText(s: string, maxLength = 256): string {
  const t = s
    .replace(/["\\]/g, "'")
    .replace(/[^\x20-\x7E]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const out = t.length > maxLength ? `${t.slice(0, maxLength - 3)}...` : t;
  return out.length > 0 ? out : '-';
}

/**
 * Format one X-Ms-diagnostics value. Throws DiagnosticsError (ERR_DIAGNOSTICS_FIELD) naming the bad field.
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD naming the field that cannot be written (errorId, source,
 * @throws reason, fault, fields).
 */
export function formatMsDiagnostics(d: MsDiagnostics, options: FormatMsDiagnosticsOptions = {}): string {
  const style = options.style ?? 'named';
  if (typeof d !== 'object' || d === null)
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `X-Ms-diagnostics: expected an object { errorId, … }, received ${describeReceived(d)}`);
  if (!Number.isSafeInteger(d.errorId) || d.errorId < 0) {
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `X-Ms-diagnostics errorId: expected a non-negative integer (1*DIGIT), received ${describeReceived(d.errorId)}`,
      { field: 'errorId' },
    );
  }
  if (d.source !== undefined && !SOURCE_RE.test(d.source)) {
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `X-Ms-diagnostics source: expected a server FQDN of 1*(ALPHA / DIGIT / "-" / "." / "_" / "~"), received ${describeReceived(d.source)}`,
      { field: 'source' },
    );
  }
  if (d.reason !== undefined) checkText('reason', d.reason);
  if (d.fault !== undefined && !FAULT_RE.test(d.fault)) {
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `X-Ms-diagnostics fault: expected 1*ALPHA ":" 1*ALPHA (e.g. wsse:FailedAuthentication), received ${describeReceived(d.fault)}`,
      { field: 'fault' },
    );
  }
  const extra = Object.entries(d.fields ?? {});
  if (style === 'positional') {
    if (d.source === undefined || d.reason === undefined || d.fault === undefined) {
      const missing = (['source', 'reason', 'fault'] as const).filter((k) => d[k] === undefined).join(', ');
      throw new DiagnosticsError(
        'ERR_DIAGNOSTICS_FIELD',
        `X-Ms-diagnostics (positional style): expected source, reason and fault, received none for ${missing}`,
        { field: missing.split(',')[0] },
      );
    }
    if (extra.length > 0)
      throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `X-Ms-diagnostics fields: expected none with the positional style, received ${extra.length}`, {
        field: 'fields',
      });
    return `${d.errorId};"${d.source}";"${d.reason}";"${d.fault}"`;
  }
  let out = String(d.errorId);
  if (d.source !== undefined) out += `;source="${d.source}"`;
  if (d.reason !== undefined) out += `;reason="${d.reason}"`;
  if (d.fault !== undefined) out += `;fault="${d.fault}"`;
  const seen = new Set<string>();
  for (const [k, v] of extra) {
    const lk = k.toLowerCase();
    if (!NAME_RE.test(k) || KNOWN.has(lk) || lk === 'faultcode' || seen.has(lk)) {
      throw new DiagnosticsError(
        'ERR_DIAGNOSTICS_FIELD',
        `X-Ms-diagnostics fields: expected distinct parameter names of ALPHA *(ALPHA / DIGIT / "_" / "." / "-") other than source/reason/fault, received ${describeReceived(k)}`,
        { field: `fields.${k}` },
      );
    }
    seen.add(lk);
    if (typeof v !== 'string')
      throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `X-Ms-diagnostics fields.${k}: expected a string, received ${describeReceived(v)}`, {
        field: `fields.${k}`,
      });
    checkText(`fields.${k}`, v);
    out += `;${k}="${v}"`;
  }
  return out;
}

const HEADER_PREFIX = /^\s*(?:x-ms-diagnostics|ms-diagnostics(?:-public)?)\s*:/i;
const POSITIONAL = ['source', 'reason', 'fault'] as const;

/**
 * Parse an X-Ms-diagnostics value (one or several entries). Never throws.
 *
 * @throws never: a refusal is the result's `error` (ERR_DIAGNOSTICS_HEADER).
 */
export function parseMsDiagnostics(header: unknown, options: ParseMsDiagnosticsOptions = {}): MsDiagnosticsParseResult {
  const maxLength = limit(options?.maxLength, 8192);
  const maxEntries = limit(options?.maxEntries, 16);
  const issues: ParseIssue[] = [];
  const entries: MsDiagnostics[] = [];
  const fail = (message: string, offset?: number): MsDiagnosticsParseResult => {
    const error: ParseIssue = { code: 'ERR_DIAGNOSTICS_HEADER', severity: 'error', message, ...(offset !== undefined ? { offset } : {}) };
    issues.push(error);
    return { ok: false, error, entries, issues };
  };
  const warn = (message: string, offset?: number) =>
    issues.push({ code: 'ERR_DIAGNOSTICS_HEADER', severity: 'warning', message, ...(offset !== undefined ? { offset } : {}) });

  if (typeof header !== 'string') return fail(`X-Ms-diagnostics: expected a string, received ${describeReceived(header)}`);
  if (header.length > maxLength) return fail(`X-Ms-diagnostics: expected at most ${maxLength} characters, received ${header.length}`);
  let s = header;
  // obs-fold (RFC 7230 3.2.4): CRLF followed by whitespace is one space.
  if (/\r?\n[ \t]/.test(s)) {
    warn('X-Ms-diagnostics: obsolete line folding (CRLF + whitespace) replaced by a space');
    s = s.replace(/\r?\n[ \t]+/g, ' ');
  }
  const ctl = /[\x00-\x08\x0A-\x1F\x7F]/.exec(s);
  if (ctl)
    return fail(
      `X-Ms-diagnostics: expected no control characters, received U+${ctl[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at offset ${ctl.index}`,
      ctl.index,
    );
  const pre = HEADER_PREFIX.exec(s);
  let i = pre ? pre[0].length : 0;
  const n = s.length;
  const ws = () => {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  ws();
  let bracket = false;
  if (s[i] === '[') {
    bracket = true;
    warn('X-Ms-diagnostics: surrounding "[ ]" (as printed in SDK logs) ignored', i);
    i++;
    ws();
  }
  let end = n;
  if (bracket) {
    const close = s.lastIndexOf(']');
    if (close > i) end = close;
    else return fail('X-Ms-diagnostics: expected "]" closing the leading "[", received none', i - 1);
    if (s.slice(close + 1).trim() !== '') warn('X-Ms-diagnostics: text after the closing "]" ignored', close + 1);
  }
  // Comma that starts a new entry: followed by whitespace, digits, then ; , or end.
  const body = s.slice(0, end);
  const ENTRY = /,[ \t]*\d+[ \t]*(?:[;,]|$)/y;
  const entryComma = (at: number) => {
    ENTRY.lastIndex = at;
    return ENTRY.test(body);
  };

  while (i < end) {
    ws();
    const startId = i;
    while (i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === startId)
      return fail(`X-Ms-diagnostics: expected a decimal ErrorId at offset ${startId}, received ${describeReceived(s.slice(startId, end), 20)}`, startId);
    if (i - startId > 15) return fail(`X-Ms-diagnostics: expected an ErrorId of at most 15 digits, received ${i - startId} digits`, startId);
    const entry: MsDiagnostics = { errorId: Number(s.slice(startId, i)) };
    if (entry.errorId > 0xffffffff) warn(`X-Ms-diagnostics: ErrorId ${entry.errorId} is outside the unsigned 32-bit range`, startId);
    let positional = 0;
    const fields: Record<string, string> = {};
    const seen = new Set<string>();
    const assign = (rawName: string | undefined, value: string, at: number) => {
      let key: string;
      if (rawName === undefined) {
        const k = POSITIONAL[positional++];
        if (!k) {
          warn(`X-Ms-diagnostics: unnamed parameter ${positional} beyond source, reason, fault ignored`, at);
          return;
        }
        key = k;
      } else {
        const lower = rawName.toLowerCase();
        key = lower === 'faultcode' ? 'fault' : KNOWN.has(lower) ? lower : rawName;
      }
      const lk = key.toLowerCase();
      if (seen.has(lk)) {
        warn(`X-Ms-diagnostics: duplicate parameter ${JSON.stringify(rawName ?? key)} ignored (first value kept)`, at);
        return;
      }
      seen.add(lk);
      if (key === 'source' || key === 'reason' || key === 'fault') entry[key] = value;
      else fields[key] = value;
    };
    const failEntry = (message: string, offset: number): MsDiagnosticsParseResult => {
      if (Object.keys(fields).length > 0) entry.fields = fields;
      entries.push(entry);
      return fail(message, offset);
    };
    for (;;) {
      ws();
      if (i >= end) break;
      if (entryComma(i)) {
        i++;
        break;
      }
      if (s[i] === ',') {
        // a comma not followed by an ErrorId
        const rest = s.slice(i + 1, end).trim();
        if (rest === '') {
          warn('X-Ms-diagnostics: trailing "," ignored', i);
          i = end;
          break;
        }
        return failEntry(`X-Ms-diagnostics: expected ";" or a new entry after ",", received ${describeReceived(rest, 20)}`, i);
      }
      if (s[i] !== ';')
        return failEntry(`X-Ms-diagnostics: expected ";" before the next parameter at offset ${i}, received ${describeReceived(s.slice(i, end), 20)}`, i);
      i++;
      ws();
      if (i >= end || s[i] === ';') {
        warn('X-Ms-diagnostics: empty parameter ignored', i);
        continue;
      }
      const at = i;
      let name: string | undefined;
      if (!isQuote(s[i])) {
        const m = /^([\p{L}\p{N}_.\-]+)[ \t]*=/u.exec(s.slice(i, Math.min(end, i + 200)));
        if (m) {
          name = m[1]!;
          i += m[0].length;
          ws();
        }
      }
      let value: string;
      if (isQuote(s[i])) {
        const q = i;
        const ascii = s[i] === '"';
        if (!ascii)
          warn(
            `X-Ms-diagnostics: typographic quotation mark U+${s.charCodeAt(i).toString(16).toUpperCase()} taken as DQUOTE (text pasted from a document?)`,
            i,
          );
        i++;
        let v = '';
        let closed = false;
        while (i < end) {
          const c = s[i]!;
          if (c === '\\' && i + 1 < end) {
            v += s[i + 1];
            i += 2;
            continue;
          }
          if (ascii ? c === '"' : isQuote(c)) {
            closed = true;
            i++;
            break;
          }
          v += c;
          i++;
        }
        if (!closed) {
          if (name !== undefined || positional < POSITIONAL.length) assign(name, v, at);
          if (Object.keys(fields).length > 0) entry.fields = fields;
          entries.push(entry);
          return fail(`X-Ms-diagnostics: expected a closing DQUOTE for the value opened at offset ${q}, received end of header`, q);
        }
        value = v;
        ws();
        if (i < end && s[i] !== ';' && !entryComma(i) && s[i] !== ',') {
          const stop = nextDelimiter(s, i, end, entryComma);
          warn(`X-Ms-diagnostics: text after the quoted value of ${name ?? 'a parameter'} ignored: ${describeReceived(s.slice(i, stop), 20)}`, i);
          i = stop;
        }
      } else {
        const stop = nextDelimiter(s, i, end, entryComma);
        value = s.slice(i, stop).trim();
        if (name !== undefined || value !== '') warn(`X-Ms-diagnostics: value of ${name ?? `parameter ${positional + 1}`} is not quoted`, i);
        i = stop;
        if (name === undefined && value === '') continue;
      }
      assign(name, value, at);
    }
    if (Object.keys(fields).length > 0) entry.fields = fields;
    entries.push(entry);
    if (entries.length > maxEntries) return fail(`X-Ms-diagnostics: expected at most ${maxEntries} entries, received more`, i);
  }
  const first = entries[0];
  if (!first) return fail('X-Ms-diagnostics: expected an ErrorId, received an empty header', 0);
  if (options?.strict) {
    const w = issues.find((x) => x.severity === 'warning');
    if (w) return fail(`X-Ms-diagnostics (strict): ${w.message.replace(/^X-Ms-diagnostics: /, '')}`, w.offset);
    for (const e of entries) {
      try {
        formatMsDiagnostics(e);
      } catch (err) {
        return fail(`X-Ms-diagnostics (strict): ${(err as Error).message.replace(/^X-Ms-diagnostics /, '')}`);
      }
    }
  }
  return { ok: true, value: first, entries, issues };
}

// DQUOTE, and the typographic quotes U+201C/U+201D that appear when headers are pasted from documents.
function isQuote(c: string | undefined): boolean {
  return c === '"' || c === '\u201C' || c === '\u201D';
}

function nextDelimiter(s: string, from: number, end: number, entryComma: (at: number) => boolean): number {
  let j = from;
  while (j < end && s[j] !== ';' && !entryComma(j)) j++;
  return j;
}

/**
 * The X-Ms-diagnostics entry a server sends for a catalog error: `{ errorId, source, reason, fault }` with the
 * spec's reason and faultcode. `formatMsDiagnostics(webTicketDiagnostics(28033, { source: fqdn }))`.
 * Throws DiagnosticsError for an ErrorId/name the catalog does not define.
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD when the ErrorId or name is not in the MS-OCAUTHWS 3.2.4.1
 * @throws catalog, or a source/reason cannot be written.
 */
export function webTicketDiagnostics(errorIdOrName: number | string, options: { source?: string; reason?: string } = {}): MsDiagnostics {
  const e = webTicketError(errorIdOrName);
  if (!e)
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `errorId: expected a Web Ticket ErrorId or name defined by MS-OCAUTHWS 3.2.4.1, received ${describeReceived(errorIdOrName)}`,
      { field: 'errorId' },
    );
  const d: MsDiagnostics = { errorId: e.errorId };
  if (options.source !== undefined) d.source = options.source;
  d.reason = options.reason ?? e.reason;
  d.fault = e.faultcode;
  return d;
}
