import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuthBrokerSoapFault,
  buildAuthBrokerRequest,
  createAuthBrokerHandler,
  MemoryAuthBrokerSessionStore,
  parseAuthBrokerResponse,
} from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { makeBroker, pki, registrar, SIP_INSTANCE, TARGET } from './support/fixture.js';
import { issueTicket, testTicketVerifier } from './support/tickets.js';

type FaultInfo = AuthBrokerSoapFault & { httpStatus: number; errorCode?: string; diagnostics?: string; webTicketUrl?: string };
const fault = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a SOAP fault');
    },
    (e: unknown) => e as FaultInfo,
  );

async function ready(version: 1 | 2 = 1, who = 'sip:user1@contoso.test') {
  const b = makeBroker();
  const c = b.client(who);
  const sessionId = version === 1 ? (await c.createSession()).sessionId : (await c.createSessionV2()).sessionId;
  return { ...b, c, sessionId };
}

describe('createAuthBrokerHandler: sessions and sequencing (MS-OCAUTHWS 3.3)', () => {
  it('hash negotiation: V1 picks the server preference among the client list; no common algorithm is a clear fault', async () => {
    const { client } = makeBroker();
    expect((await client().createSession(['SHA512', 'SHA256'])).hashAlgorithm).toBe('SHA256');
    expect((await client().createSession(['sha-384'])).hashAlgorithm).toBe('SHA384');
    const f = await fault(client().createSession(['MD5']));
    expect(f.errorCode).toBe('ERR_AUTHBROKER_HASH_ALGORITHM');
    expect(f.faultString).toMatch(/supportedHashAlgorithms: expected one of SHA1, SHA256, SHA384, SHA512, received "MD5"/);
    const { client: c2 } = makeBroker({ hashAlgorithmsV1: ['SHA256'] });
    expect((await c2().createSession()).hashAlgorithm).toBe('SHA256');
  });

  it('V2 negotiates the hash at AcquireCredentialV2 and reports it (ALG_ID) with MaxSignature of its size', async () => {
    const { c, sessionId } = await ready(2);
    expect(await c.acquireCredentialV2(sessionId, SIP_INSTANCE, ['SHA512'])).toBeGreaterThan(0);
    const peer = registrar('TLSv1.2');
    const keys = await c.handshake({ sessionId, target: TARGET, version: 2, exchange: async (t) => (await peer.respond(t)).gssapiData });
    expect(keys.hashAlgorithm).toBe('SHA512');
    expect(keys.maxSignature).toBe(64);
    const { c: c2, sessionId: s2 } = await ready(2);
    const f = await fault(c2.acquireCredentialV2(s2, SIP_INSTANCE, ['MD5']));
    expect(f.errorCode).toBe('ERR_AUTHBROKER_HASH_ALGORITHM');
  });

  it('a second AcquireCredential in a session is refused', async () => {
    const { c, sessionId } = await ready();
    expect(await c.acquireCredential(sessionId, SIP_INSTANCE)).toBeGreaterThan(0);
    const f = await fault(c.acquireCredential(sessionId, SIP_INSTANCE));
    expect(f.errorCode).toBe('ERR_AUTHBROKER_SEQUENCE');
    expect(f.faultString).toMatch(/can be called once per session/);
    expect(f.httpStatus).toBe(500);
  });

  it('AcquireCredential returns 0 when no certificate can be obtained or it expired; negotiation then says NoCredentials', async () => {
    for (const who of ['sip:nocert@contoso.test', 'sip:nobody@contoso.test', 'sip:expired@contoso.test']) {
      const { c, sessionId } = await ready(1, who);
      expect(await c.acquireCredential(sessionId, SIP_INSTANCE), who).toBe(0);
      expect((await c.negotiateSecurityAssociation(sessionId, TARGET)).securityStatus, who).toBe(SecurityStatus.NoCredentials);
    }
  });

  it("AcquireCredential reads each certificate's own lifetime, every time, against the clock (read-once cache of notAfter)", async () => {
    const handed = [pki.user, pki.expiredUser, pki.user, pki.expiredUser];
    const b = makeBroker({ credentialSource: { acquire: async () => handed.shift()! } });
    const c = b.client();
    const lifetimes: number[] = [];
    for (let i = 0; i < 4; i++) lifetimes.push(await c.acquireCredential((await c.createSession()).sessionId, SIP_INSTANCE));
    expect(lifetimes[0]).toBeGreaterThan(3600);
    expect(lifetimes[1]).toBe(0);
    expect(lifetimes[2]).toBeGreaterThan(3600);
    expect(lifetimes[2]).toBeLessThanOrEqual(lifetimes[0]!);
    expect(lifetimes[3]).toBe(0);
    // The same certificate, read again after the clock moved past its end: 0.
    b.advance(9 * 3600_000);
    const late = makeBroker({ credentialSource: { acquire: async () => pki.user } });
    late.advance(9 * 3600_000);
    const lc = late.client();
    expect(await lc.acquireCredential((await lc.createSession()).sessionId, SIP_INSTANCE)).toBe(0);
  });

  it('a credential whose key does not match its certificate → UnknownCredentials, not a crash (and no cache mix-up)', async () => {
    const { client } = makeBroker({ credentialSource: { acquire: async () => ({ certificate: pki.user.certificate, privateKey: pki.user2.privateKey }) } });
    const c = client();
    const { sessionId } = await c.createSession();
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET)).securityStatus).toBe(SecurityStatus.UnknownCredentials);
  });

  it('AcquireCredential requires a sipInstance', async () => {
    const { c, sessionId } = await ready();
    const f = await fault(c.acquireCredential(sessionId, ''));
    expect(f.faultString).toMatch(/sipInstance: expected the endpoint's SIPInstance/);
  });

  it('negotiating before AcquireCredential → CredentialsNeeded; with input before client_hello → OutOfSequence; no target → TargetUnknown', async () => {
    const { c, sessionId } = await ready();
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET)).securityStatus).toBe(SecurityStatus.CredentialsNeeded);
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET, 'FgMBAAEB')).securityStatus).toBe(SecurityStatus.OutOfSequence);
    expect((await c.negotiateSecurityAssociation(sessionId, '')).securityStatus).toBe(SecurityStatus.TargetUnknown);
  });

  it('bad base64 input → InvalidToken; non-TLS bytes → InvalidToken; oversized input → BufferNotEnough; the SA then restarts cleanly', async () => {
    const { c, sessionId } = await ready();
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    const hello = await c.negotiateSecurityAssociation(sessionId, TARGET);
    expect(hello.securityStatus).toBe(SecurityStatus.ContinueNeeded);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET, '!!not base64!!')).securityStatus).toBe(SecurityStatus.InvalidToken);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET, 'abc')).securityStatus).toBe(SecurityStatus.InvalidToken);
    const junk = await c.negotiateSecurityAssociation(sessionId, TARGET, Buffer.from('GET / HTTP/1.1\r\n').toString('base64'));
    expect(junk.securityStatus).toBe(SecurityStatus.InvalidToken);
    // The failed SA is gone: input now is out of sequence, a new client_hello starts over.
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET, 'FgMBAAEB')).securityStatus).toBe(SecurityStatus.OutOfSequence);
    const big = await c.negotiateSecurityAssociation(sessionId, TARGET, Buffer.alloc(70_000).toString('base64'));
    expect(big.securityStatus).toBe(SecurityStatus.BufferNotEnough);
    const peer = registrar();
    const keys = await c.handshake({ sessionId, target: TARGET, exchange: async (t) => (await peer.respond(t)).gssapiData });
    expect(keys.clientSigningKey).toHaveLength(32);
  });

  it('one SA per target: two targets negotiate independently in one session', async () => {
    const { c, sessionId } = await ready();
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    const a = registrar();
    const b = registrar();
    const helloA = await c.negotiateSecurityAssociation(sessionId, TARGET);
    const helloB = await c.negotiateSecurityAssociation(sessionId, 'BL20D10FES04.infra.contoso.com');
    const fa = await c.negotiateSecurityAssociation(sessionId, TARGET, (await a.respond(helloA.outString)).gssapiData);
    const fb = await c.negotiateSecurityAssociation(sessionId, 'BL20D10FES04.infra.contoso.com', (await b.respond(helloB.outString)).gssapiData);
    const ra = await a.respond(fa.outString);
    const rb = await b.respond(fb.outString);
    const ka = await c.negotiateSecurityAssociation(sessionId, TARGET, ra.gssapiData);
    const kb = await c.negotiateSecurityAssociation(sessionId, 'BL20D10FES04.infra.contoso.com', rb.gssapiData);
    expect([ka.securityStatus, kb.securityStatus]).toEqual([SecurityStatus.OK, SecurityStatus.OK]);
    expect(Buffer.from(ka.clientSigningKey!).equals(Buffer.from(ra.keys!.clientSigningKey))).toBe(true);
    expect(Buffer.from(kb.clientSigningKey!).equals(Buffer.from(rb.keys!.clientSigningKey))).toBe(true);
    expect(Buffer.from(ka.clientSigningKey!).equals(Buffer.from(kb.clientSigningKey!))).toBe(false);
  });

  it("unknown session ids, other users' sessions and terminated sessions → InvalidHandle / clear faults", async () => {
    const { c, sessionId, client } = await ready();
    expect((await c.negotiateSecurityAssociation('00000000-0000-0000-0000-000000000000', TARGET)).securityStatus).toBe(SecurityStatus.InvalidHandle);
    expect((await client('sip:user2@contoso.test').negotiateSecurityAssociation(sessionId, TARGET)).securityStatus).toBe(SecurityStatus.InvalidHandle);
    const f = await fault(client('sip:user2@contoso.test').acquireCredential(sessionId, SIP_INSTANCE));
    expect(f.errorCode).toBe('ERR_AUTHBROKER_SESSION_UNKNOWN');
    const t = await fault(c.terminateSession('nope'));
    expect(t.errorCode).toBe('ERR_AUTHBROKER_SESSION_UNKNOWN');
    expect(t.faultString).toMatch(/sessionID: expected a live session of this user, received unknown session id "nope"/);
    await c.terminateSession(sessionId);
    expect((await fault(c.terminateSession(sessionId))).errorCode).toBe('ERR_AUTHBROKER_SESSION_UNKNOWN');
  });

  it('the number of targets per session is bounded (OutOfMemory), restarting a known target is not', async () => {
    const { client } = makeBroker({ maxTargetsPerSession: 2 });
    const c = client();
    const { sessionId } = await c.createSession();
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    expect((await c.negotiateSecurityAssociation(sessionId, 'a.contoso.test')).securityStatus).toBe(SecurityStatus.ContinueNeeded);
    expect((await c.negotiateSecurityAssociation(sessionId, 'b.contoso.test')).securityStatus).toBe(SecurityStatus.ContinueNeeded);
    expect((await c.negotiateSecurityAssociation(sessionId, 'c.contoso.test')).securityStatus).toBe(SecurityStatus.OutOfMemory);
    expect((await c.negotiateSecurityAssociation(sessionId, 'a.contoso.test')).securityStatus).toBe(SecurityStatus.ContinueNeeded);
  });

  it('mixing V1 and V2 operations on one session → OutOfSequence', async () => {
    const { c, sessionId } = await ready(2);
    expect((await fault(c.acquireCredential(sessionId, SIP_INSTANCE))).errorCode).toBe('ERR_AUTHBROKER_SEQUENCE');
    await c.acquireCredentialV2(sessionId, SIP_INSTANCE);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET)).securityStatus).toBe(SecurityStatus.OutOfSequence);
  });

  it('the session expiration timer ends idle sessions (injected clock); activity keeps a session alive', async () => {
    const { c, sessionId, advance, handler } = await ready();
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    advance(590_000);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET)).securityStatus).toBe(SecurityStatus.ContinueNeeded);
    advance(590_000);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET)).securityStatus).toBe(SecurityStatus.ContinueNeeded);
    advance(601_000);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET)).securityStatus).toBe(SecurityStatus.ContextExpired);
    expect((await c.negotiateSecurityAssociation(sessionId, TARGET)).securityStatus).toBe(SecurityStatus.InvalidHandle);
    const { sessionId: s2 } = await c.createSession();
    advance(601_000);
    const f = await fault(c.acquireCredential(s2, SIP_INSTANCE));
    expect(f.errorCode).toBe('ERR_AUTHBROKER_SESSION_EXPIRED');
    await c.createSession();
    advance(601_000);
    expect(await handler.sweep()).toBe(1);
    expect(await handler.sessionCount()).toBe(0);
  });

  it('session records are plain data; a second handler sharing the store re-locates the credential and completes the handshake', async () => {
    const store = new MemoryAuthBrokerSessionStore();
    const a = makeBroker({ sessionStore: store });
    const b = makeBroker({ sessionStore: store });
    const { sessionId } = await a.client().createSession();
    expect(await a.client().acquireCredential(sessionId, SIP_INSTANCE)).toBeGreaterThan(0);
    const rec = (await store.get(sessionId))!;
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
    expect(JSON.stringify(rec)).not.toMatch(/PRIVATE KEY/);
    expect(rec).toMatchObject({
      sipUri: 'sip:user1@contoso.test',
      version: 1,
      protocol: 'TLSv1',
      hashAlgorithm: 'SHA1',
      credentialRequested: true,
      sipInstance: SIP_INSTANCE,
    });
    const peer = registrar();
    const keys = await b.client().handshake({ sessionId, target: TARGET, exchange: async (t) => (await peer.respond(t)).gssapiData });
    expect(keys.clientSigningKey).toHaveLength(32);
    expect(b.calls).toHaveLength(1);
  });

  it('the background sweep ends idle sessions without any request; close() stops it', async () => {
    const { client, advance, handler } = makeBroker({ sweepIntervalSeconds: 0.02 });
    await client().createSession();
    expect(await handler.sessionCount()).toBe(1);
    advance(601_000);
    for (let i = 0; i < 50 && (await handler.sessionCount()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await handler.sessionCount()).toBe(0);
    handler.close();
  });

  it('one user cannot hold more than maxSessionsPerUser sessions; others are unaffected', async () => {
    const { client } = makeBroker({ maxSessionsPerUser: 2 });
    await client().createSession();
    await client().createSessionV2();
    const f = await fault(client().createSession());
    expect(f.errorCode).toBe('ERR_AUTHBROKER_SESSION_LIMIT');
    expect(f.faultString).toMatch(/sip:user1@contoso.test already holds 2 sessions/);
    expect((await client('sip:user2@contoso.test').createSession()).sessionId).toBeTruthy();
  });

  it('the session limit is enforced with a clear fault', async () => {
    const { client } = makeBroker({ maxSessions: 2 });
    const c = client();
    await c.createSession();
    await c.createSessionV2();
    const f = await fault(c.createSession());
    expect(f.httpStatus).toBe(503);
    expect(f.faultString).toMatch(/maximum of 2 sessions/);
  });
});

describe('createAuthBrokerHandler: authentication and hostile requests', () => {
  const clock = () => new Date();
  const handler = createAuthBrokerHandler({
    ticketVerifier: testTicketVerifier(clock),
    credentialSource: { acquire: async () => pki.user },
    clock,
    webTicketUrl: 'https://pool.contoso.test/WebTicket/WebTicketService.svc',
  });
  const post = (body: string, headers: Record<string, string> = {}) =>
    handler(new Request('http://127.0.0.1/ab', { method: 'POST', body, headers: { 'content-type': 'text/xml', ...headers } }));
  const envelope = (ticket?: string) =>
    buildAuthBrokerRequest('CreateAuthBrokerSessionV2', {}, { messageId: 'urn:uuid:1', ...(ticket ? { webTicket: ticket } : {}) });

  it('no web ticket → 401, X-Ms-diagnostics 28032, X-MS-WebTicketURL', async () => {
    const r = await post(envelope());
    expect(r.status).toBe(401);
    expect(r.headers.get('x-ms-diagnostics')).toMatch(/^28032;/);
    expect(r.headers.get('x-ms-webticketurl')).toBe('https://pool.contoso.test/WebTicket/WebTicketService.svc');
    // MS-OCAUTHWS 3.2: the fault of the 3.2 table with OCSDiagnosticsFaultType (2.2.4.1) as its detail.
    const body = await r.clone().text();
    expect(body).toMatch(/<faultcode xmlns:wsse="[^"]+">wsse:InvalidSecurityToken<\/faultcode>/);
    expect(body).toMatch(/<af:OCSDiagnosticsFault [^>]*><af:Ms-Diagnostics-Fault><af:ErrorId>28032<\/af:ErrorId><af:Reason>[^<]+<\/af:Reason>/);
    expect(body).toContain('<a:RelatesTo>urn:uuid:1</a:RelatesTo>');
    await expect(r.text().then((t) => parseAuthBrokerResponse(t))).rejects.toMatchObject({
      code: 'ERR_AUTHBROKER_SOAP_FAULT',
      faultCode: 'wsse:InvalidSecurityToken',
    });
  });

  it("a forged or expired ticket → 401 with the verifier's error id", async () => {
    const forged = await post(envelope(issueTicket('sip:user1@contoso.test', new Date(Date.now() + 3600_000), Buffer.from('another key'))));
    expect(forged.status).toBe(401);
    expect(forged.headers.get('x-ms-diagnostics')).toMatch(/^28032;.*signature does not verify/);
    const expired = await post(envelope(issueTicket('sip:user1@contoso.test', new Date(Date.now() - 1000))));
    expect(expired.headers.get('x-ms-diagnostics')).toMatch(/^28033;/);
  });

  const hostile: [string, string, RegExp, number][] = [
    ['malformed XML', '<s:Envelope', /ERR_AUTHBROKER_XML/, 500],
    ['DOCTYPE / entity expansion', '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', /ERR_AUTHBROKER_XML/, 500],
    ['not SOAP', '<x/>', /ERR_AUTHBROKER_MESSAGE/, 500],
    ['unknown action', envelope().replace('CreateAuthBrokerSessionV2</a:Action>', 'DeleteEverything</a:Action>'), /ERR_AUTHBROKER_ACTION/, 500],
    [
      'action/body mismatch',
      envelope().replace('http://tempuri.org/IAuthBroker/CreateAuthBrokerSessionV2', 'http://tempuri.org/IAuthBroker/TerminateAuthBrokerSession'),
      /ERR_AUTHBROKER_MESSAGE/,
      500,
    ],
    ['two bodies', envelope().replace('</s:Body>', '<x/></s:Body>'), /ERR_AUTHBROKER_MESSAGE/, 500],
  ];
  for (const [name, body, code, status] of hostile) {
    it(`${name} → SOAP fault with a clear code`, async () => {
      const r = await post(body);
      expect(r.status).toBe(status);
      expect(r.headers.get('x-ocauth-error')).toMatch(code);
      await expect(r.text().then((t) => parseAuthBrokerResponse(t))).rejects.toBeInstanceOf(AuthBrokerSoapFault);
    });
  }

  it('wrong HTTP method, oversized body, non-UTF-8 body, SOAPAction mismatch', async () => {
    expect((await handler(new Request('http://127.0.0.1/ab'))).status).toBe(405);
    const small = createAuthBrokerHandler({ ticketVerifier: testTicketVerifier(clock), credentialSource: { acquire: async () => null }, maxBodyBytes: 100 });
    expect((await small(new Request('http://127.0.0.1/ab', { method: 'POST', body: 'x'.repeat(200) }))).status).toBe(413);
    const bad = await handler(new Request('http://127.0.0.1/ab', { method: 'POST', body: new Uint8Array([0x3c, 0xff, 0xfe]) }));
    expect(bad.headers.get('x-ocauth-error')).toBe('ERR_AUTHBROKER_XML');
    const sa = await post(envelope(issueTicket('sip:user1@contoso.test', new Date(Date.now() + 3600_000))), {
      soapaction: '"http://tempuri.org/IAuthBroker/Other"',
    });
    expect(sa.headers.get('x-ocauth-error')).toBe('ERR_AUTHBROKER_ACTION');
  });

  it('the body is read as a stream with the cap (no Content-Length), and a SOAP 1.1 Envelope sent as SOAP 1.2 is 415', async () => {
    const small = createAuthBrokerHandler({
      ticketVerifier: testTicketVerifier(clock),
      credentialSource: { acquire: async () => null },
      maxBodyBytes: 100,
      sweepIntervalSeconds: 0,
    });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull: (c) => {
        pulled++;
        c.enqueue(new Uint8Array(64).fill(0x20));
      },
    });
    const big = await small(new Request('http://127.0.0.1/ab', { method: 'POST', body: endless, duplex: 'half' } as RequestInit));
    expect(big.status).toBe(413);
    expect(big.headers.get('x-ocauth-error')).toBe('ERR_AUTHBROKER_HTTP');
    expect(pulled).toBeLessThan(10);
    const v = await handler(
      new Request('http://127.0.0.1/ab', { method: 'POST', body: envelope(), headers: { 'content-type': 'application/soap+xml; charset=utf-8' } }),
    );
    expect(v.status).toBe(415);
    expect(v.headers.get('x-ocauth-error')).toBe('ERR_AUTHBROKER_HTTP');
  });

  it("the verifier receives the request text and the handler's own parse of it (no second parse needed)", async () => {
    const seen: unknown[][] = [];
    const h = createAuthBrokerHandler({
      ticketVerifier: {
        verify: async (...args: unknown[]) => {
          seen.push(args);
          return { sipUri: 'sip:user1@contoso.test' };
        },
      },
      credentialSource: { acquire: async () => null },
      sweepIntervalSeconds: 0,
    });
    const body = envelope('<t/>');
    expect((await h(new Request('http://127.0.0.1/ab', { method: 'POST', body }))).status).toBe(200);
    expect(seen).toHaveLength(1);
    const [text, parsed] = seen[0] as [string, { document: { nodeType: number; documentElement: { localName: string; namespaceURI: string } } }];
    expect(text).toBe(body);
    expect(parsed.document.nodeType).toBe(9);
    expect(parsed.document.documentElement.localName).toBe('Envelope');
    expect(parsed.document.documentElement.namespaceURI).toBe('http://schemas.xmlsoap.org/soap/envelope/');
  });

  it('a verifier that crashes or returns nonsense never crashes the handler', async () => {
    const h = createAuthBrokerHandler({ ticketVerifier: { verify: async () => ({}) as never }, credentialSource: { acquire: async () => null } });
    const r = await h(new Request('http://127.0.0.1/ab', { method: 'POST', body: envelope('<t/>') }));
    expect(r.status).toBe(401);
  });

  it('property: arbitrary bodies and mutated valid requests always get a SOAP answer, never an exception', async () => {
    const valid = buildAuthBrokerRequest(
      'AuthBrokerNegotiateSecurityAssociation',
      { sessionId: 'x', target: TARGET, input: 'FgMB' },
      { messageId: 'urn:uuid:2', webTicket: issueTicket('sip:user1@contoso.test', new Date(Date.now() + 3600_000)) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc
            .tuple(fc.nat(valid.length), fc.nat(valid.length), fc.string({ maxLength: 8 }))
            .map(([a, b, s]) => valid.slice(0, Math.min(a, b)) + s + valid.slice(Math.max(a, b))),
        ),
        async (body) => {
          const r = await post(body);
          expect([200, 401, 500]).toContain(r.status);
          const t = await r.text();
          expect(t.startsWith('<s:Envelope')).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
