import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthBrokerClient, AuthBrokerError, buildAuthBrokerResponse, TlsDskClient } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { makeBroker, pki, SIP_INSTANCE, TARGET } from './support/fixture.js';

const fakeFetch = (respond: (body: string) => Response | Promise<Response>) =>
  (async (_u: unknown, init?: RequestInit) => respond(String(init?.body))) as typeof fetch;
const xmlResponse = (xml: string, status = 200) => new Response(xml, { status, headers: { 'content-type': 'text/xml; charset=utf-8' } });

describe('AuthBrokerClient', () => {
  it('rejects a bad URL with a typed error', () => {
    expect(() => new AuthBrokerClient({ url: 'ftp://x', webTicket: '<t/>' })).toThrow(/url: expected an http\(s\) URL, received "ftp:\/\/x"/);
  });

  it('sends the wsa:Action as SOAPAction, a fresh MessageID, To, a Timestamp and the ticket verbatim', async () => {
    let seen: { body: string; headers: Headers } | undefined;
    const c = new AuthBrokerClient({
      url: 'https://pool/Reach/Sip.svc/AuthBroker',
      webTicket: '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" AssertionID="x"/>',
      clock: () => new Date('2020-01-01T00:00:00Z'),
      randomUUID: () => 'aaaaaaaa-0000-0000-0000-000000000000',
      fetch: (async (_u: unknown, init?: RequestInit) => {
        seen = { body: String(init?.body), headers: new Headers(init?.headers) };
        return xmlResponse(
          buildAuthBrokerResponse('CreateAuthBrokerSessionV2', { sessionId: 's1' }, { relatesTo: 'urn:uuid:aaaaaaaa-0000-0000-0000-000000000000' }),
        );
      }) as typeof fetch,
    });
    expect(await c.createSessionV2()).toEqual({ sessionId: 's1' });
    expect(seen!.headers.get('soapaction')).toBe('"http://tempuri.org/IAuthBroker/CreateAuthBrokerSessionV2"');
    expect(seen!.body).toContain('<a:MessageID>urn:uuid:aaaaaaaa-0000-0000-0000-000000000000</a:MessageID>');
    expect(seen!.body).toContain('<a:To s:mustUnderstand="1">https://pool/Reach/Sip.svc/AuthBroker</a:To>');
    expect(seen!.body).toContain('<Created>2020-01-01T00:00:00.000Z</Created><Expires>2020-01-01T00:05:00.000Z</Expires>');
    expect(seen!.body).toContain('<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" AssertionID="x"/>');
  });

  it('a response that RelatesTo another message is refused', async () => {
    const c = new AuthBrokerClient({
      url: 'https://p/ab',
      webTicket: '<t/>',
      fetch: fakeFetch(() => xmlResponse(buildAuthBrokerResponse('CreateAuthBrokerSessionV2', { sessionId: 's' }, { relatesTo: 'urn:uuid:other' }))),
    });
    await expect(c.createSessionV2()).rejects.toMatchObject({
      code: 'ERR_AUTHBROKER_MESSAGE',
      message: expect.stringMatching(/^RelatesTo: expected urn:uuid:/),
    });
  });

  it('a response for another operation is refused', async () => {
    const c = new AuthBrokerClient({
      url: 'https://p/ab',
      webTicket: '<t/>',
      fetch: fakeFetch(() => xmlResponse(buildAuthBrokerResponse('TerminateAuthBrokerSession', {}, {}))),
    });
    await expect(c.createSessionV2()).rejects.toMatchObject({ code: 'ERR_AUTHBROKER_ACTION' });
  });

  it('non-SOAP answers and network failures are typed errors', async () => {
    const html = new AuthBrokerClient({
      url: 'https://p/ab',
      webTicket: '<t/>',
      fetch: fakeFetch(() => new Response('<html>busy</html>', { status: 503, headers: { 'content-type': 'text/html' } })),
    });
    await expect(html.createSessionV2()).rejects.toMatchObject({
      code: 'ERR_AUTHBROKER_HTTP',
      message: expect.stringMatching(/expected a SOAP response, received HTTP 503 text\/html/),
    });
    const down = new AuthBrokerClient({
      url: 'https://p/ab',
      webTicket: '<t/>',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(down.createSessionV2()).rejects.toMatchObject({
      code: 'ERR_AUTHBROKER_HTTP',
      message: expect.stringMatching(/request to https:\/\/p\/ab failed: fetch failed/),
    });
  });

  it('a call that gets no answer in time fails with a typed error', async () => {
    const hang = (async (_u: unknown, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch;
    const c = new AuthBrokerClient({ url: 'https://p/ab', webTicket: '<t/>', fetch: hang, timeoutMs: 30 });
    await expect(c.createSessionV2()).rejects.toMatchObject({ code: 'ERR_AUTHBROKER_HTTP', message: expect.stringMatching(/no answer within 30 ms/) });
  });

  it('the deadline also covers the response body; a body that fails is a typed error', async () => {
    const slowBody = (async (_u: unknown, init?: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(ctl) {
          ctl.enqueue(new TextEncoder().encode('<s:Envelope'));
          init?.signal?.addEventListener('abort', () => ctl.error(init.signal!.reason));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/xml' } });
    }) as typeof fetch;
    const c = new AuthBrokerClient({ url: 'https://p/ab', webTicket: '<t/>', fetch: slowBody, timeoutMs: 30 });
    await expect(c.createSessionV2()).rejects.toMatchObject({ code: 'ERR_AUTHBROKER_HTTP', message: expect.stringMatching(/no answer within 30 ms/) });
    const broken = (async () =>
      new Response(
        new ReadableStream({
          start(ctl) {
            ctl.error(new Error('connection reset'));
          },
        }),
        { headers: { 'content-type': 'text/xml' } },
      )) as typeof fetch;
    const d = new AuthBrokerClient({ url: 'https://p/ab', webTicket: '<t/>', fetch: broken });
    await expect(d.createSessionV2()).rejects.toMatchObject({ code: 'ERR_AUTHBROKER_HTTP', message: expect.stringMatching(/failed: connection reset/) });
  });

  it('a negotiation answer without SecurityStatus (or with a nil result) is an error, never OK', async () => {
    const nil =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><AuthBrokerNegotiateSecurityAssociationResponse xmlns="http://tempuri.org/"><AuthBrokerNegotiateSecurityAssociationResult i:nil="true" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/></AuthBrokerNegotiateSecurityAssociationResponse></s:Body></s:Envelope>';
    for (const body of [
      nil,
      buildAuthBrokerResponse('AuthBrokerNegotiateSecurityAssociation', { outString: '', clientSigningKey: 'AAAA', serverSigningKey: 'AAAA' }, {}),
    ]) {
      const c = new AuthBrokerClient({ url: 'https://p/ab', webTicket: '<t/>', fetch: fakeFetch(() => xmlResponse(body)) });
      await expect(c.negotiateSecurityAssociation('s', 't')).rejects.toMatchObject({
        code: 'ERR_AUTHBROKER_MESSAGE',
        message: expect.stringMatching(/SecurityStatus: expected an xs:int status, received none/),
      });
    }
  });

  it('a session without SessionId is an error, not an empty id', async () => {
    const c = new AuthBrokerClient({
      url: 'https://p/ab',
      webTicket: '<t/>',
      fetch: fakeFetch(() => xmlResponse(buildAuthBrokerResponse('CreateAuthBrokerSessionV2', { sessionId: null }, {}))),
    });
    await expect(c.createSessionV2()).rejects.toThrow(/SessionId: expected a session id, received none/);
  });

  it('handshake() stops when the SIP server answers nothing, and after maxLegs', async () => {
    const { client } = makeBroker();
    const c = client();
    const { sessionId } = await c.createSession();
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    await expect(c.handshake({ sessionId, target: TARGET, exchange: async () => null })).rejects.toMatchObject({
      code: 'ERR_AUTHBROKER_NEGOTIATION',
      message: expect.stringMatching(/sent no gssapi-data after leg 1/),
    });
    await expect(c.handshake({ sessionId, target: TARGET, maxLegs: 0, exchange: async () => 'AAAA' })).rejects.toBeInstanceOf(AuthBrokerError);
  });

  it('two concurrent legs on one security association: the second is OutOfSequence', async () => {
    const c = new TlsDskClient({ credential: pki.user, trustedCertificates: [pki.serverCa.certificate], target: TARGET });
    await c.step();
    const junk = new Uint8Array([22, 3, 1, 0, 40, ...new Uint8Array(20)]); // an incomplete record: waits
    const [a, b] = await Promise.all([c.step(junk), c.step(junk)]);
    expect([a.status, b.status]).toContain(SecurityStatus.OutOfSequence);
    c.destroy();
  });

  it('property: any bytes at any leg give a status, never an exception or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean(), async (bytes, asRecord) => {
        const c = new TlsDskClient({ credential: pki.user, trustedCertificates: [pki.serverCa.certificate], target: TARGET });
        await c.step();
        const input = asRecord ? new Uint8Array([22, 3, 1, bytes.length >> 8, bytes.length & 255, ...bytes]) : bytes;
        const r = await c.step(input);
        expect(typeof r.status).toBe('number');
        expect(r.keys).toBeUndefined();
        c.destroy();
      }),
      { numRuns: 60 },
    );
  });
});
