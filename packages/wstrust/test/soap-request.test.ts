// readSoapRequest against hostile and real request shapes (codes, statuses, causes, what it returns).
import { XmlParseError } from '@ocauth/c14n';
import { describe, expect, it } from 'vitest';
import { readSoapRequest, SoapRequestError } from './internals.js';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const WSA = 'http://www.w3.org/2005/08/addressing';
const URL_ = 'https://pool.test/svc';
const env = (ns: string, header = '', body = '<p:Payload xmlns:p="urn:p"/>') => `<s:Envelope xmlns:s="${ns}">${header}<s:Body>${body}</s:Body></s:Envelope>`;
const post = (body: NonNullable<RequestInit['body']> | null, headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' }) =>
  new Request(URL_, { method: 'POST', body, headers });

/** A body of `n` bytes delivered in 1 KiB chunks by a stream that counts how much was pulled. */
function streamed(n: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= n) return c.close();
      const k = Math.min(1024, n - sent);
      sent += k;
      c.enqueue(new Uint8Array(k).fill(0x20));
    },
  });
  return { stream, pulled: () => sent };
}

async function refusal(p: Promise<unknown>): Promise<SoapRequestError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SoapRequestError);
  return e as SoapRequestError;
}

describe('readSoapRequest', () => {
  it('reads a SOAP 1.1 request: version, parts, wsa:Action, wsa:MessageID, SOAPAction unquoted', async () => {
    const h = `<s:Header><a:Action xmlns:a="${WSA}"> urn:act </a:Action><a:MessageID xmlns:a="${WSA}">urn:m1</a:MessageID><a:MessageID xmlns:a="${WSA}">urn:m2</a:MessageID></s:Header>`;
    const r = await readSoapRequest(post(env(S11, h), { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:soap-action"' }), { maxBytes: 4096 });
    expect(r.version).toBe('1.1');
    expect(r.envelope.localName).toBe('Envelope');
    expect(r.header?.localName).toBe('Header');
    expect(r.body.localName).toBe('Body');
    expect(r.payload?.localName).toBe('Payload');
    expect(r.action).toBe('urn:act');
    expect(r.messageId).toBe('urn:m1');
    expect(r.soapAction).toBe('urn:soap-action');
    expect(r.text).toBe(env(S11, h));
    expect(r.bytes.byteLength).toBe(Buffer.byteLength(env(S11, h)));
    expect(r.document.documentElement).toBe(r.envelope);
  });

  it('reads a SOAP 1.2 request; the action comes from the Content-Type action parameter', async () => {
    const r = await readSoapRequest(post(env(S12), { 'content-type': 'application/soap+xml; charset=utf-8; action="urn:a12"' }), { maxBytes: 4096 });
    expect(r.version).toBe('1.2');
    expect(r.soapAction).toBe('urn:a12');
    expect(r.header).toBeUndefined();
    expect(r.action).toBeUndefined();
  });

  it('a UTF-8 byte order mark is removed; non-ASCII text survives', async () => {
    const body = env(S11, '', '<p:N xmlns:p="urn:p">é€𝄞</p:N>');
    const r = await readSoapRequest(post(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(body)])), { maxBytes: 4096 });
    expect(r.payload?.textContent).toBe('é€𝄞');
  });

  it('GET → ERR_SOAP_METHOD 405', async () => {
    const e = await refusal(readSoapRequest(new Request(URL_), { maxBytes: 10 }));
    expect([e.code, e.status]).toEqual(['ERR_SOAP_METHOD', 405]);
    expect(e.message).toContain('expected POST, received GET');
  });

  it('Content-Length over the cap → ERR_SOAP_TOO_LARGE 413 before the body is read', async () => {
    const s = streamed(1 << 20);
    const req = new Request(URL_, { method: 'POST', body: s.stream, headers: { 'content-length': String(1 << 20) }, duplex: 'half' } as RequestInit);
    const e = await refusal(readSoapRequest(req, { maxBytes: 1000 }));
    expect([e.code, e.status]).toEqual(['ERR_SOAP_TOO_LARGE', 413]);
    expect(e.message).toContain('Content-Length 1048576');
    expect(s.pulled()).toBeLessThanOrEqual(2048); // at most what the stream buffers ahead
  });

  it('a body over the cap without Content-Length → ERR_SOAP_TOO_LARGE 413, reading stops at the cap', async () => {
    const s = streamed(1 << 20);
    const req = new Request(URL_, { method: 'POST', body: s.stream, duplex: 'half' } as RequestInit);
    expect(req.headers.get('content-length')).toBeNull();
    const e = await refusal(readSoapRequest(req, { maxBytes: 4000 }));
    expect([e.code, e.status]).toEqual(['ERR_SOAP_TOO_LARGE', 413]);
    expect(s.pulled()).toBeLessThan(10_000);
  });

  it('exactly maxBytes is accepted, one more byte is not', async () => {
    const body = env(S11);
    const n = Buffer.byteLength(body);
    await expect(readSoapRequest(post(body), { maxBytes: n })).resolves.toBeDefined();
    expect((await refusal(readSoapRequest(post(body), { maxBytes: n - 1 }))).code).toBe('ERR_SOAP_TOO_LARGE');
  });

  it('invalid UTF-8 → ERR_SOAP_ENCODING 400 (never replaced by U+FFFD)', async () => {
    const bytes = Buffer.concat([Buffer.from(env(S11).slice(0, 60)), Buffer.from([0xc3, 0x28]), Buffer.from(env(S11).slice(60))]);
    const e = await refusal(readSoapRequest(post(bytes), { maxBytes: 4096 }));
    expect([e.code, e.status]).toEqual(['ERR_SOAP_ENCODING', 400]);
  });

  it('a charset or XML declaration other than UTF-8 → ERR_SOAP_ENCODING', async () => {
    expect((await refusal(readSoapRequest(post(env(S11), { 'content-type': 'text/xml; charset=iso-8859-1' }), { maxBytes: 4096 }))).message).toContain(
      '"iso-8859-1"',
    );
    const decl = `<?xml version="1.0" encoding="utf-16"?>${env(S11)}`;
    expect((await refusal(readSoapRequest(post(decl), { maxBytes: 4096 }))).code).toBe('ERR_SOAP_ENCODING');
    await expect(readSoapRequest(post(`<?xml version="1.0" encoding="utf-8"?>${env(S11)}`), { maxBytes: 4096 })).resolves.toBeDefined();
  });

  it('DOCTYPE (entity expansion) → ERR_SOAP_XML 400, the XmlParseError kept as cause', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>${env(S11, '', '&b;')}`;
    const e = await refusal(readSoapRequest(post(bomb), { maxBytes: 4096 }));
    expect([e.code, e.status]).toEqual(['ERR_SOAP_XML', 400]);
    expect(e.cause).toBeInstanceOf(XmlParseError);
    expect((e.cause as XmlParseError).code).toBe('ERR_XML_DOCTYPE');
  });

  it('malformed XML, empty body and nesting past maxDepth → ERR_SOAP_XML', async () => {
    expect((await refusal(readSoapRequest(post('<s:Envelope'), { maxBytes: 4096 }))).code).toBe('ERR_SOAP_XML');
    expect((await refusal(readSoapRequest(post(null), { maxBytes: 4096 }))).code).toBe('ERR_SOAP_XML');
    const deep = env(S11, '', '<a>'.repeat(10) + '</a>'.repeat(10));
    const e = await refusal(readSoapRequest(post(deep), { maxBytes: 4096, maxDepth: 8 }));
    expect((e.cause as XmlParseError).code).toBe('ERR_XML_LIMIT');
    await expect(readSoapRequest(post(deep), { maxBytes: 4096, maxDepth: 12 })).resolves.toBeDefined();
  });

  it('not an Envelope, a foreign Envelope, no Body, two Bodies, Body before Header → ERR_SOAP_ENVELOPE 400', async () => {
    const cases = [
      '<x/>',
      `<s:Envelope xmlns:s="urn:not-soap"><s:Body/></s:Envelope>`,
      `<s:Envelope xmlns:s="${S11}"><s:Header/></s:Envelope>`,
      `<s:Envelope xmlns:s="${S11}"><s:Body/><s:Body/></s:Envelope>`,
      `<s:Envelope xmlns:s="${S11}"><s:Body/><s:Header/></s:Envelope>`,
      `<s:Envelope xmlns:s="${S11}"><s:Header/><s:Header/><s:Body/></s:Envelope>`,
      `<s:Envelope xmlns:s="${S11}"><s:Body xmlns:s="${S12}"/></s:Envelope>`,
    ];
    for (const c of cases) {
      const e = await refusal(readSoapRequest(post(c), { maxBytes: 4096 }));
      expect([c, e.code, e.status]).toEqual([c, 'ERR_SOAP_ENVELOPE', 400]);
    }
  });

  it('SOAP 1.2 envelope sent as text/xml, SOAP 1.1 as application/soap+xml → ERR_SOAP_VERSION 415', async () => {
    const e = await refusal(readSoapRequest(post(env(S12)), { maxBytes: 4096 }));
    expect([e.code, e.status]).toEqual(['ERR_SOAP_VERSION', 415]);
    expect(e.message).toContain('expected application/soap+xml for a SOAP 1.2 Envelope, received text/xml');
    expect((await refusal(readSoapRequest(post(env(S11), { 'content-type': 'application/soap+xml' }), { maxBytes: 4096 }))).code).toBe('ERR_SOAP_VERSION');
  });

  it('the result is frozen', async () => {
    const r = await readSoapRequest(post(env(S11)), { maxBytes: 4096 });
    expect(Object.isFrozen(r)).toBe(true);
  });
});
