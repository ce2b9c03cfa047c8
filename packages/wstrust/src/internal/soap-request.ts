// readSoapRequest: the one SOAP-over-HTTP request reader (SOAP 1.1 §6 / SOAP 1.2 Part 2 §7 HTTP bindings, MS-OCAUTHWS 2.1).
import { NS } from '@ocauth/diagnostics';
import { parseXml, XmlParseError } from '@ocauth/c14n';
import type { Document, Element } from '@xmldom/xmldom';
import { WsTrustError, type SoapRequestErrorCode } from './errors.js';

export type { SoapRequestErrorCode } from './errors.js';

const STATUS: Readonly<Record<SoapRequestErrorCode, number>> = Object.freeze({
  ERR_SOAP_METHOD: 405,
  ERR_SOAP_TOO_LARGE: 413,
  ERR_SOAP_ENCODING: 400,
  ERR_SOAP_XML: 400,
  ERR_SOAP_ENVELOPE: 400,
  ERR_SOAP_VERSION: 415,
});

/**
 * A request that is not a readable SOAP message. `status` is the HTTP status a handler answers with when it
 * does not answer with a SOAP fault (405 method, 413 too large, 400 encoding / XML / envelope, 415 a
 * Content-Type that contradicts the envelope's SOAP version). An XML failure keeps the `XmlParseError` as `cause`.
 *
 * @throws never
 */
export class SoapRequestError extends WsTrustError {
  declare readonly code: SoapRequestErrorCode;
  /** The HTTP status that answers this failure. */
  readonly status: number;
  /** @throws never */
  constructor(code: SoapRequestErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, faultcode: 's:Client' });
    this.status = STATUS[code];
  }
}

/** What {@link readSoapRequest} read: the bytes, their text, the DOM and the SOAP / WS-Addressing framing. */
export interface SoapRequest {
  /** The body as received (at most `maxBytes`). */
  readonly bytes: Uint8Array;
  /** The body decoded as UTF-8 (a byte order mark removed). */
  readonly text: string;
  readonly document: Document;
  /** From the Envelope namespace: 1.1 `http://schemas.xmlsoap.org/soap/envelope/`, 1.2 `http://www.w3.org/2003/05/soap-envelope`. */
  readonly version: '1.1' | '1.2';
  readonly envelope: Element;
  readonly header?: Element;
  readonly body: Element;
  /** First element child of the Body. */
  readonly payload?: Element;
  /** SOAPAction header (SOAP 1.1) or the `action` parameter of Content-Type (SOAP 1.2), quotes removed. */
  readonly soapAction?: string;
  /** wsa:Action header (WS-Addressing 1.0, 2004/08 or WCF's AddressingVersion.None namespace), trimmed. */
  readonly action?: string;
  /** First wsa:MessageID header, trimmed. */
  readonly messageId?: string;
}

/** Options of {@link readSoapRequest}. */
export interface ReadSoapRequestOptions {
  /** Largest accepted body in bytes, checked against Content-Length first and then while streaming. */
  maxBytes: number;
  /** Deepest accepted element nesting (Envelope = depth 1). Default 64. */
  maxDepth?: number;
}

const ADDRESSING: readonly string[] = [NS.wsa10, NS.wsa2004, NS.wsaNone];
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Read a SOAP request: POST only; the body streamed with a cap (Content-Length checked first, the stream cancelled
 * as soon as it passes `maxBytes`); strict UTF-8; parsed with @ocauth/c14n `parseXml` (DOCTYPE refused, size and
 * depth bounded); an Envelope of SOAP 1.1 or 1.2 with at most one Header and exactly one Body, in that order; the
 * version consistent with Content-Type (`text/xml` is SOAP 1.1, `application/soap+xml` SOAP 1.2; other media
 * types are not judged, as real clients and `fetch` defaults vary).
 *
 * @throws {SoapRequestError} ERR_SOAP_METHOD (405) when the method is not POST
 * @throws {SoapRequestError} ERR_SOAP_TOO_LARGE (413) when Content-Length or the streamed body exceeds `maxBytes`
 * @throws {SoapRequestError} ERR_SOAP_ENCODING (400) when the body is not UTF-8 (bytes, charset parameter or XML declaration)
 * @throws {SoapRequestError} ERR_SOAP_XML (400) when the body is not well-formed XML, has a DOCTYPE or passes a bound (`cause`: the XmlParseError)
 * @throws {SoapRequestError} ERR_SOAP_ENVELOPE (400) when the document is not a SOAP Envelope with one Body
 * @throws {SoapRequestError} ERR_SOAP_VERSION (415) when Content-Type names the other SOAP version
 */
export async function readSoapRequest(request: Request, options: ReadSoapRequestOptions): Promise<SoapRequest> {
  const { maxBytes } = options;
  if (request.method !== 'POST') throw new SoapRequestError('ERR_SOAP_METHOD', `HTTP method: expected POST, received ${request.method}`);
  const contentType = request.headers.get('content-type') ?? '';
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset))
    throw new SoapRequestError('ERR_SOAP_ENCODING', `Content-Type charset: expected utf-8, received ${JSON.stringify(charset.slice(0, 40))}`);
  const bytes = await readCapped(request, maxBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (e) {
    throw new SoapRequestError('ERR_SOAP_ENCODING', 'SOAP request body: expected UTF-8 bytes, received an invalid UTF-8 sequence', { cause: e });
  }
  const declared = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/.exec(text)?.[2];
  if (declared !== undefined && !/^utf-?8$/i.test(declared))
    throw new SoapRequestError('ERR_SOAP_ENCODING', `XML declaration encoding: expected UTF-8, received ${JSON.stringify(declared.slice(0, 40))}`);
  let document: Document;
  try {
    document = parseXml(text, { maxBytes, maxDepth: options.maxDepth ?? 64 }) as unknown as Document;
  } catch (e) {
    if (e instanceof XmlParseError) throw new SoapRequestError('ERR_SOAP_XML', `SOAP request body: ${e.message}`, { cause: e });
    throw new SoapRequestError('ERR_SOAP_XML', `SOAP request body: expected well-formed XML, received ${String(e instanceof Error ? e.message : e)}`, {
      cause: e,
    });
  }
  const envelope = document.documentElement;
  const ns = envelope?.namespaceURI;
  if (!envelope || envelope.localName !== 'Envelope' || (ns !== NS.soap11 && ns !== NS.soap12)) {
    const got = envelope ? `{${ns ?? ''}}${envelope.localName}` : 'no element';
    throw new SoapRequestError('ERR_SOAP_ENVELOPE', `document element: expected {${NS.soap11}}Envelope or {${NS.soap12}}Envelope, received ${got}`);
  }
  const version = ns === NS.soap12 ? '1.2' : '1.1';
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if ((media === 'text/xml' && version === '1.2') || (media === 'application/soap+xml' && version === '1.1')) {
    throw new SoapRequestError(
      'ERR_SOAP_VERSION',
      `Content-Type: expected ${version === '1.2' ? 'application/soap+xml' : 'text/xml'} for a SOAP ${version} Envelope, received ${media}`,
    );
  }
  let header: Element | undefined;
  let body: Element | undefined;
  for (let c = envelope.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const el = c as Element;
    const what = `{${el.namespaceURI ?? ''}}${el.localName}`;
    if (body) throw new SoapRequestError('ERR_SOAP_ENVELOPE', `SOAP Envelope: expected nothing after Body, received ${what}`);
    if (el.namespaceURI === ns && el.localName === 'Header' && !header) header = el;
    else if (el.namespaceURI === ns && el.localName === 'Body') body = el;
    else throw new SoapRequestError('ERR_SOAP_ENVELOPE', `SOAP Envelope: expected ${header ? '' : 'Header or '}Body, received ${what}`);
  }
  if (!body) throw new SoapRequestError('ERR_SOAP_ENVELOPE', 'SOAP Envelope: expected a Body, received none');
  let action: string | undefined;
  let messageId: string | undefined;
  for (let c = header?.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const el = c as Element;
    if (!ADDRESSING.includes(el.namespaceURI ?? '')) continue;
    if (el.localName === 'Action') action ??= (el.textContent ?? '').trim();
    else if (el.localName === 'MessageID') messageId ??= (el.textContent ?? '').trim();
  }
  let payload: Element | undefined;
  for (let c = body.firstChild; c && !payload; c = c.nextSibling) if (c.nodeType === 1) payload = c as Element;
  const soapAction = soapActionOf(request.headers, contentType);
  return Object.freeze({
    bytes,
    text,
    document,
    version,
    envelope,
    body,
    ...(header ? { header } : {}),
    ...(payload ? { payload } : {}),
    ...(soapAction !== undefined ? { soapAction } : {}),
    ...(action !== undefined ? { action } : {}),
    ...(messageId !== undefined ? { messageId } : {}),
  });
}

/** SOAP 1.1 §6.1.1 SOAPAction header, else the SOAP 1.2 (RFC 3902) `action` parameter of Content-Type; unquoted. */
function soapActionOf(headers: Headers, contentType: string): string | undefined {
  const h = headers.get('soapaction');
  if (h !== null) return h.trim().replace(/^"(.*)"$/, '$1');
  return /;\s*action\s*=\s*(?:"([^"]*)"|([^;\s]*))/i
    .exec(contentType)
    ?.slice(1)
    .find((v) => v !== undefined);
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = (received: string) =>
    new SoapRequestError('ERR_SOAP_TOO_LARGE', `SOAP request body: expected at most ${maxBytes} bytes, received ${received}`);
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) throw tooLarge(`Content-Length ${declared.trim()}`);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`more (${total} bytes read)`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!; // the usual case: a request body arrives in one chunk
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
