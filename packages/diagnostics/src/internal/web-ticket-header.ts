/**
 * X-MS-WebTicket and X-MS-WebTicketURL headers (MS-OCAUTHWS 3.2, "Sending the Web Ticket as Credentials to a
 * Non-Web Service Web Application"; 1.3 / [MS-OCDISCWS] for X-MS-WebTicketURL).
 *
 * ```
 * X-MS-WebTicket = ticket-data *(";" ticket-extns)
 * ticket-data = "opaque" "=" base64-ticket
 * base64-ticket = 1*(ALPHA / DIGIT / "+" / "/")    ; base-64 encoded SAML token
 * ticket-extns: 1*(ALPHA / DIGIT / "-") "=" 1*(ALPHA / DIGIT / "-")
 * ```
 * Departure: the ABNF leaves out the base64 pad character "=", which RFC 4648 base64 of most tokens needs and
 * .NET's decoder requires. `formatWebTicketHeader` pads (option `padding: false` for the literal ABNF);
 * `parseWebTicketHeader` accepts both.
 *
 * Compact web tickets (Lync 2013 / Skype for Business, UCWA-style clients; not in MS-OCAUTHWS):
 * `X-MS-WebTicket: cwt=<token>` and, as an OAuth-style bearer, `Authorization: Bearer cwt=<token>`. The token
 * is opaque and URL-safe: `parseWebTicketHeader` accepts base64url (and standard base64) characters for it,
 * reports `kind: 'cwt'` and keeps the token text in `compact`.
 *
 * format* THROWS DiagnosticsError on unrepresentable input; parse* never throws.
 */
import { DiagnosticsError, describeReceived, type ParseIssue, type ParseResult } from './errors.js';
import { limit } from './xml.js';

export interface WebTicketHeader {
  /** `opaque` (MS-OCAUTHWS: base64 of a SAML assertion) or `cwt` (a compact web ticket). */
  kind: 'opaque' | 'cwt';
  /** The token bytes (opaque: a signed SAML 1.1 assertion, UTF-8 XML; cwt: the decoded compact token). */
  token: Uint8Array;
  /** cwt: the token text as sent (what a service verifies). */
  compact?: string;
  /** The value came from `Authorization: Bearer cwt=…`. */
  bearer?: boolean;
  /** ticket-extns, in order. */
  extensions: Record<string, string>;
}

export interface FormatWebTicketHeaderOptions {
  /** Emit base64 padding (default true; the ABNF's character set omits "="). */
  padding?: boolean;
}

const EXT_RE = /^[A-Za-z0-9-]+$/;

/**
 * `opaque=<base64>[;name=value…]`. `token` is the assertion XML (UTF-8 encoded) or its bytes.
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD for an empty or non-string/bytes token, or an extension
 * @throws name/value outside 1*(ALPHA / DIGIT / "-").
 */
export function formatWebTicketHeader(
  input: { token: string | Uint8Array; extensions?: Record<string, string> } | string | Uint8Array,
  options: FormatWebTicketHeaderOptions = {},
): string {
  const o = typeof input === 'string' || input instanceof Uint8Array ? { token: input } : input;
  if (typeof o !== 'object' || o === null || (typeof o.token !== 'string' && !(o.token instanceof Uint8Array))) {
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `X-MS-WebTicket token: expected the SAML assertion as a string or Uint8Array, received ${describeReceived((o as { token?: unknown } | null)?.token)}`,
      { field: 'token' },
    );
  }
  const bytes = typeof o.token === 'string' ? Buffer.from(o.token, 'utf8') : Buffer.from(o.token.buffer, o.token.byteOffset, o.token.byteLength);
  if (bytes.length === 0)
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', 'X-MS-WebTicket token: expected at least one byte (base64-ticket is 1*…), received an empty token', {
      field: 'token',
    });
  let b64 = bytes.toString('base64');
  if (options.padding === false) b64 = b64.replace(/=+$/, '');
  let out = `opaque=${b64}`;
  for (const [k, v] of Object.entries(o.extensions ?? {})) {
    if (!EXT_RE.test(k) || k.toLowerCase() === 'opaque')
      throw new DiagnosticsError(
        'ERR_DIAGNOSTICS_FIELD',
        `X-MS-WebTicket extension name: expected 1*(ALPHA / DIGIT / "-") other than opaque, received ${describeReceived(k)}`,
        { field: `extensions.${k}` },
      );
    if (typeof v !== 'string' || !EXT_RE.test(v))
      throw new DiagnosticsError(
        'ERR_DIAGNOSTICS_FIELD',
        `X-MS-WebTicket extension ${k}: expected a value of 1*(ALPHA / DIGIT / "-"), received ${describeReceived(v)}`,
        { field: `extensions.${k}` },
      );
    out += `;${k}=${v}`;
  }
  return out;
}

export interface ParseWebTicketHeaderOptions {
  /** Longest header value accepted, in characters (default 262144). */
  maxLength?: number;
  /** Conformance mode: what the tolerant parser would only warn about fails. */
  strict?: boolean;
}

/**
 * Parse an X-MS-WebTicket value. Never throws; `value.token` holds the decoded bytes.
 *
 * @throws never: a refusal is the result's `error` (ERR_DIAGNOSTICS_HEADER).
 */
export function parseWebTicketHeader(header: unknown, options: ParseWebTicketHeaderOptions = {}): ParseResult<WebTicketHeader> {
  const maxLength = limit(options?.maxLength, 262_144);
  const issues: ParseIssue[] = [];
  const fail = (message: string, offset?: number): ParseResult<WebTicketHeader> => {
    const error: ParseIssue = { code: 'ERR_DIAGNOSTICS_HEADER', severity: 'error', message, ...(offset !== undefined ? { offset } : {}) };
    issues.push(error);
    return { ok: false, error, issues };
  };
  const warn = (message: string) => issues.push({ code: 'ERR_DIAGNOSTICS_HEADER', severity: 'warning', message });
  if (typeof header !== 'string') return fail(`X-MS-WebTicket: expected a string, received ${describeReceived(header)}`);
  if (header.length > maxLength) return fail(`X-MS-WebTicket: expected at most ${maxLength} characters, received ${header.length}`);
  const ctl = /[\x00-\x08\x0A-\x1F\x7F]/.exec(header);
  if (ctl)
    return fail(
      `X-MS-WebTicket: expected no control characters, received U+${ctl[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at offset ${ctl.index}`,
      ctl.index,
    );
  let s = header.replace(/^\s*x-ms-webticket\s*:/i, '');
  if (s !== s.trim()) {
    s = s.trim();
  }
  // Authorization: Bearer cwt=… (compact ticket only: a SAML ticket is not sent as a bearer this way).
  const bearerMatch = /^(?:authorization\s*:\s*)?bearer\s+/i.exec(s);
  if (bearerMatch) s = s.slice(bearerMatch[0].length);
  const cwtMatch = /^cwt\s*=\s*(.*)$/i.exec(s);
  if (cwtMatch) return parseCompact(cwtMatch[1]!.trim(), !!bearerMatch, s, issues, fail, warn, options?.strict === true);
  if (bearerMatch) return fail(`Authorization: expected "Bearer cwt=<compact web ticket>", received ${describeReceived(s, 30)}`, 0);
  const parts = s.split(';');
  const first = parts[0]!;
  const m = /^\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/.exec(first);
  if (!m) return fail(`X-MS-WebTicket: expected "opaque=<base64 SAML token>", received ${describeReceived(first, 30)}`, 0);
  if (m[1]!.toLowerCase() !== 'opaque')
    return fail(`X-MS-WebTicket: expected the ticket-data "opaque=…" first, received a parameter named ${describeReceived(m[1])}`, 0);
  if (m[1] !== 'opaque') warn(`X-MS-WebTicket: parameter name ${JSON.stringify(m[1])} is not lower-case "opaque"`);
  if (/\s=|=\s/.test(first.trim())) warn('X-MS-WebTicket: whitespace around "=" tolerated');
  let b64 = m[2]!;
  if (b64.startsWith('"') && b64.endsWith('"') && b64.length >= 2) {
    warn('X-MS-WebTicket: quoted base64-ticket tolerated');
    b64 = b64.slice(1, -1);
  }
  if (b64.length === 0) return fail('X-MS-WebTicket opaque: expected base64 of the SAML token, received an empty value');
  const bad = /[^A-Za-z0-9+/=]/.exec(b64);
  if (bad) {
    const hint = bad[0] === '-' || bad[0] === '_' ? ' (base64url is not base64)' : '';
    return fail(
      `X-MS-WebTicket opaque: expected base64 characters (ALPHA / DIGIT / "+" / "/"), received ${JSON.stringify(bad[0])} at position ${bad.index}${hint}`,
    );
  }
  const pad = /=*$/.exec(b64)![0].length;
  const core = b64.slice(0, b64.length - pad);
  if (core.includes('=') || pad > 2)
    return fail('X-MS-WebTicket opaque: expected "=" only as up to two trailing pad characters, received "=" inside the value');
  if (core.length % 4 === 1 || (pad > 0 && b64.length % 4 !== 0))
    return fail(`X-MS-WebTicket opaque: expected a base64 length that is a whole number of bytes, received ${b64.length} characters`);
  const token = new Uint8Array(Buffer.from(core, 'base64'));
  const extensions: Record<string, string> = {};
  for (let k = 1; k < parts.length; k++) {
    const p = parts[k]!;
    if (p.trim() === '') {
      warn('X-MS-WebTicket: empty extension ignored');
      continue;
    }
    const e = /^\s*([^=\s]+)\s*=\s*(\S*)\s*$/.exec(p);
    if (!e || !EXT_RE.test(e[1]!) || !EXT_RE.test(e[2]!))
      return fail(`X-MS-WebTicket extension ${k}: expected name=value of 1*(ALPHA / DIGIT / "-"), received ${describeReceived(p, 30)}`);
    if (p !== p.trim() || /\s/.test(p.trim())) warn(`X-MS-WebTicket extension ${e[1]}: whitespace tolerated`);
    if (Object.hasOwn(extensions, e[1]!)) {
      warn(`X-MS-WebTicket extension ${e[1]}: duplicate ignored (first kept)`);
      continue;
    }
    extensions[e[1]!] = e[2]!;
  }
  const w = options?.strict ? issues.find((x) => x.severity === 'warning') : undefined;
  if (w) return fail(`X-MS-WebTicket (strict): ${w.message.replace(/^X-MS-WebTicket:? ?/, '')}`);
  return { ok: true, value: { kind: 'opaque', token, extensions }, issues };
}

function parseCompact(
  t: string,
  bearer: boolean,
  whole: string,
  issues: ParseIssue[],
  fail: (m: string, o?: number) => ParseResult<WebTicketHeader>,
  warn: (m: string) => void,
  strict: boolean,
): ParseResult<WebTicketHeader> {
  if (!/^cwt=/.test(whole)) warn('X-MS-WebTicket: compact ticket parameter is not written exactly "cwt="');
  if (t.length === 0) return fail('X-MS-WebTicket cwt: expected a compact web ticket, received an empty value');
  const bad = /[^A-Za-z0-9_\-+/=]/.exec(t);
  if (bad)
    return fail(
      `X-MS-WebTicket cwt: expected base64url characters (ALPHA / DIGIT / "-" / "_"), received ${JSON.stringify(bad[0])} at position ${bad.index}${bad[0] === ';' ? ' (extensions do not follow a compact ticket)' : ''}`,
    );
  if (/[+/=]/.test(t)) warn('X-MS-WebTicket cwt: standard base64 characters ("+", "/", "=") in a compact ticket; URL-safe base64url is expected');
  const core = t.replace(/=+$/, '');
  if (core.includes('=')) return fail('X-MS-WebTicket cwt: expected "=" only as trailing padding');
  if (core.length % 4 === 1) return fail(`X-MS-WebTicket cwt: expected a base64url length that is a whole number of bytes, received ${t.length} characters`);
  const token = new Uint8Array(Buffer.from(core.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url'));
  const w = strict ? issues.find((x) => x.severity === 'warning') : undefined;
  if (w) return fail(`X-MS-WebTicket (strict): ${w.message.replace(/^X-MS-WebTicket:? ?/, '')}`);
  return { ok: true, value: { kind: 'cwt', token, compact: t, extensions: {}, ...(bearer ? { bearer: true } : {}) }, issues };
}

/**
 * The decoded token as UTF-8 text (the SAML assertion XML).
 *
 * @throws never
 */
export function webTicketTokenText(h: WebTicketHeader): string {
  return Buffer.from(h.token.buffer, h.token.byteOffset, h.token.byteLength).toString('utf8');
}

export interface WebTicketUrlHeader {
  /** The absolute URL of the Web Ticket Service (normalised by WHATWG URL). */
  url: string;
  /** The value as received (trimmed, unquoted). */
  raw: string;
}

/**
 * Parse an X-MS-WebTicketURL value (absolute https URL of the Web Ticket Service). Never throws.
 *
 * @throws never: a refusal is the result's `error` (ERR_DIAGNOSTICS_HEADER).
 */
export function parseWebTicketUrlHeader(header: unknown, options: { maxLength?: number } = {}): ParseResult<WebTicketUrlHeader> {
  const maxLength = limit(options?.maxLength, 4096);
  const issues: ParseIssue[] = [];
  const fail = (message: string): ParseResult<WebTicketUrlHeader> => {
    const error: ParseIssue = { code: 'ERR_DIAGNOSTICS_HEADER', severity: 'error', message };
    issues.push(error);
    return { ok: false, error, issues };
  };
  if (typeof header !== 'string') return fail(`X-MS-WebTicketURL: expected a string, received ${describeReceived(header)}`);
  if (header.length > maxLength) return fail(`X-MS-WebTicketURL: expected at most ${maxLength} characters, received ${header.length}`);
  const ctl = /[\x00-\x08\x0A-\x1F\x7F]/.exec(header);
  if (ctl)
    return fail(
      `X-MS-WebTicketURL: expected no control characters, received U+${ctl[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at offset ${ctl.index}`,
    );
  let raw = header.replace(/^\s*x-ms-webticketurl\s*:/i, '').trim();
  if (raw.length >= 2 && ((raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith('<') && raw.endsWith('>')))) {
    issues.push({ code: 'ERR_DIAGNOSTICS_HEADER', severity: 'warning', message: 'X-MS-WebTicketURL: surrounding quotes/brackets tolerated' });
    raw = raw.slice(1, -1).trim();
  }
  if (raw === '') return fail('X-MS-WebTicketURL: expected an absolute URL, received an empty value');
  if (/\s/.test(raw)) return fail(`X-MS-WebTicketURL: expected a URL without whitespace, received ${describeReceived(raw)}`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail(`X-MS-WebTicketURL: expected an absolute URL, received ${describeReceived(raw)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    return fail(`X-MS-WebTicketURL: expected an https URL, received scheme ${describeReceived(u.protocol)}`);
  if (u.username || u.password) return fail('X-MS-WebTicketURL: expected a URL without user information, received one with credentials');
  if (u.protocol === 'http:')
    issues.push({
      code: 'ERR_DIAGNOSTICS_HEADER',
      severity: 'warning',
      message: 'X-MS-WebTicketURL: plain http; the Web Ticket Service is reached over TLS (https)',
    });
  return { ok: true, value: { url: u.href, raw }, issues };
}
