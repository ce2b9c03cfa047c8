import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WebTicketClient,
  createTicketVerifier,
  discoverFromMetadata,
  buildEnvelope,
  buildAddressingHeaders,
  type TicketError,
  WebTicketServiceError,
  NS,
  parseWebTicketHeaderValue,
} from './internals.js';
import { issuerCert, makeHandler, poolKey, seededRandom } from './support.js';

/** node:http around a web-standard handler (loopback only). */
function serve(handler: (r: Request) => Promise<Response>) {
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = `http://${req.headers.host}${req.url}`;
    const init: RequestInit = { method: req.method!, headers: req.headers as Record<string, string> };
    if (req.method !== 'GET' && req.method !== 'HEAD') init.body = Buffer.concat(chunks);
    const out = await handler(new Request(url, init));
    res.writeHead(out.status, Object.fromEntries(out.headers));
    res.end(Buffer.from(await out.arrayBuffer()));
  });
}

let now = new Date('2026-03-01T10:00:00.000Z');
const clock = () => now;
let base = '';
let ticketRequests = 0;
const server = serve(async (req) => {
  const u = new URL(req.url);
  if (u.pathname.toLowerCase().startsWith('/webticket/')) {
    if (req.method === 'POST') ticketRequests++;
    return webTicket(req);
  }
  // A relying web service: 401 + X-MS-WebTicketURL without a ticket; otherwise verify.
  const body = await req.text();
  if (!body.includes('Security')) return new Response(null, { status: 401, headers: { 'x-ms-webticketurl': `${base}/WebTicket/WebTicketService.svc` } });
  try {
    const v = await verifier().verify(body);
    return new Response(v.sipUri, { status: 200 });
  } catch (e) {
    const t = e as TicketError;
    return new Response(`${t.errorId}:${t.code}`, { status: 401 });
  }
});
let webTicket: (r: Request) => Promise<Response>;
let verifier: () => ReturnType<typeof createTicketVerifier>;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  webTicket = makeHandler(clock, { serviceUrl: `${base}/WebTicket/WebTicketService.svc`, farm: [`${base}/`] });
  verifier = () => createTicketVerifier({ issuerCertificates: [issuerCert], poolKeys: [poolKey], clock, audience: `${base}/GroupExpansion/service.svc` });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const envelope = () =>
  buildEnvelope({ headers: buildAddressingHeaders({ action: 'urn:op', to: `${base}/GroupExpansion/service.svc` }), body: '<Op xmlns="urn:x"/>' });

describe('end to end over loopback HTTP', () => {
  it('401 discovery → IssueToken (PIN) → signed request → verifier passes; cache and renewal', async () => {
    const client = new WebTicketClient({
      credentials: { type: 'pin', identity: '+15551234', pin: '12345' },
      clock,
      random: seededRandom('client'),
      sipUri: 'sip:alice@example.com',
    });
    ticketRequests = 0;
    const r1 = await client.callService(`${base}/GroupExpansion/service.svc`, envelope());
    expect(await r1.text()).toBe('sip:alice@example.com');
    expect(ticketRequests).toBe(1);
    const r2 = await client.callService(`${base}/GroupExpansion/service.svc`, envelope(), { webTicketUrl: `${base}/WebTicket/WebTicketService.svc` });
    expect(r2.status).toBe(200);
    expect(ticketRequests, 'served from the AppliesTo-prefix cache').toBe(1);
    now = new Date(now.getTime() + 14.5 * 60_000); // inside the 60 s renewal window of a 15 min ticket
    const r3 = await client.callService(`${base}/GroupExpansion/service.svc`, envelope(), { webTicketUrl: `${base}/WebTicket/WebTicketService.svc` });
    expect(r3.status).toBe(200);
    expect(ticketRequests, 'renewed before expiry').toBe(2);
    const t = client.cachedTicket(`${base}/GroupExpansion/service.svc`)!;
    expect(parseWebTicketHeaderValue(client.headerValue(t))).toBe(t.assertionXml);
    expect((await verifier().verifyToken(client.headerValue(t))).sipUri).toBe('sip:alice@example.com');
  });
  it('UsernameToken and bearer credentials obtain tickets too', async () => {
    for (const credentials of [
      { type: 'password', username: 'sip:alice@example.com', password: 'correct horse' },
      { type: 'bearer', token: 'good-token' },
    ] as const) {
      const client = new WebTicketClient({ credentials, clock });
      const t = await client.requestTicket(`${base}/GroupExpansion/service.svc`, `${base}/WebTicket/WebTicketService.svc`);
      expect(t.appliesTo).toBe(`${base}/`);
    }
  });
  it('negotiate credentials follow the challenge', async () => {
    const seen: (string | undefined)[] = [];
    const client = new WebTicketClient({
      credentials: {
        type: 'negotiate',
        authorize: async (c) => {
          seen.push(c);
          return c ? 'Negotiate dGVzdA==' : 'Negotiate Zmlyc3Q=';
        },
      },
      clock,
    });
    await client.requestTicket(`${base}/GroupExpansion/service.svc`, `${base}/WebTicket/WebTicketService.svc`);
    expect(seen).toEqual([undefined, 'Negotiate, NTLM, Bearer']);
  });
  it('failures carry ErrorId and reason from X-Ms-diagnostics / OCSDiagnosticsFault', async () => {
    const badPin = new WebTicketClient({ credentials: { type: 'pin', identity: '+15551234', pin: '0000' }, clock });
    const e1 = await badPin.requestTicket(`${base}/x`, `${base}/WebTicket/WebTicketService.svc`).catch((e) => e);
    expect(e1).toBeInstanceOf(WebTicketServiceError);
    expect(e1).toMatchObject({ errorId: 28024, status: 401, reason: 'Authentication failed.' });
    expect(e1.message).not.toContain('0000');
    const mismatch = new WebTicketClient({ credentials: { type: 'pin', identity: '+15551234', pin: '12345' }, clock, sipUri: 'sip:mallory@example.com' });
    const e2 = await mismatch.requestTicket(`${base}/x`, `${base}/WebTicket/WebTicketService.svc`).catch((e) => e);
    expect(e2).toMatchObject({ errorId: 28035, faultcode: 'wst:RequestFailed' });
    // @ocauth/diagnostics parsed them and explains them.
    expect(e1).toMatchObject({ via: 'x-ms-diagnostics', finding: { id: 'webticket.28024', specSection: 'MS-OCAUTHWS 3.2.4.1 (SOAP Faults)' } });
    expect(e1.source).toBe(new URL(base).hostname);
    expect(e1.finding.remedy.length).toBeGreaterThan(10);
    expect(JSON.stringify(e1.finding)).not.toContain('0000');
    expect(e2).toMatchObject({
      via: 'ocs-diagnostics-fault',
      reason: 'The SIP URI in the claim type requirements of the Web ticket request does not match the SIP URI associated with the presented credentials.',
      finding: { id: 'webticket.28035' },
    });
  });
  it('failures from a foreign server: undefined ErrorId, header-only, non-SOAP body, malformed header', async () => {
    const serve = (status: number, body: string, headers: Record<string, string>) =>
      new WebTicketClient({
        credentials: { type: 'pin', identity: '1', pin: '2' },
        clock,
        fetch: (async () => new Response(body, { status, headers })) as typeof fetch,
      });
    const req = (c: WebTicketClient) => c.requestTicket('https://svc.example.com/x', 'https://wt.example.com/WebTicket').catch((e) => e);
    const a = await req(serve(500, '<html>oops</html>', { 'x-ms-diagnostics': '28030;source="fe1.example.com";reason="Something else"' }));
    expect(a).toMatchObject({
      code: 'ERR_WSTRUST_SERVICE',
      status: 500,
      errorId: 28030,
      reason: 'Something else',
      source: 'fe1.example.com',
      via: 'x-ms-diagnostics',
      finding: { id: 'webticket.undefined-error-id' },
    });
    const b = await req(serve(503, 'busy', { 'x-ms-diagnostics': 'not a header' }));
    expect(b).toMatchObject({ code: 'ERR_WSTRUST_SERVICE', status: 503, errorId: undefined, finding: undefined, via: undefined });
    const fault =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>boom</faultstring></s:Fault></s:Body></s:Envelope>';
    const c = await req(serve(500, fault, { 'x-ms-diagnostics': '28033;reason="The Web ticket has expired."' }));
    expect(c).toMatchObject({
      errorId: 28033,
      faultcode: 's:Server',
      reason: 'The Web ticket has expired.',
      via: 'x-ms-diagnostics',
      finding: { id: 'webticket.28033' },
    });
    const d = await req(serve(500, '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', {}));
    expect(d).toMatchObject({ code: 'ERR_WSTRUST_SERVICE', status: 500, errorId: undefined, reason: undefined });
  });
  it('tampering in transit and a wrong clock at the service fail with the right ErrorId', async () => {
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: '1234', pin: '12345' }, clock });
    const t = await client.requestTicket(`${base}/GroupExpansion/service.svc`, `${base}/WebTicket/WebTicketService.svc`);
    const signed = client.signRequest(envelope(), t);
    const post = (b: string) => fetch(`${base}/GroupExpansion/service.svc`, { method: 'POST', body: b }).then((r) => r.text());
    expect(await post(signed)).toBe('sip:alice@example.com');
    expect(await post(signed.replace('sip:alice@example.com', 'sip:admin@example.com'))).toMatch(/^28032:/);
    const saved = now;
    now = new Date(now.getTime() + 3600_000);
    expect(await post(signed)).toMatch(/^28033:/);
    now = saved;
  });
});

describe('WS-MEX discovery', () => {
  it('finds the issuer and proof vs bearer from (Endorsing|Signed)SupportingTokens', () => {
    const pol = (kind: string, addr: string) =>
      `<sp:${kind} xmlns:sp="http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702"><wsp:Policy xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><sp:IssuedToken><sp:Issuer><Address xmlns="${NS.wsa10}">${addr}</Address></sp:Issuer></sp:IssuedToken></wsp:Policy></sp:${kind}>`;
    const md = `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"><wsp:Policy xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy">${pol('EndorsingSupportingTokens', 'https://pool0/WebTicket/WebTicketService.svc')}${pol('SignedSupportingTokens', 'https://pool0/WebTicket/WebTicketService.svc/Bearer')}</wsp:Policy></wsdl:definitions>`;
    expect(discoverFromMetadata(md)).toEqual([
      { webTicketUrl: 'https://pool0/WebTicket/WebTicketService.svc', proof: true },
      { webTicketUrl: 'https://pool0/WebTicket/WebTicketService.svc/Bearer', proof: false },
    ]);
  });
});

describe('client discovery and bearer use', () => {
  it('discover() reads sp:IssuedToken from ?wsdl, falling back to WS-MEX', async () => {
    const policy = `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"><sp:EndorsingSupportingTokens xmlns:sp="http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702"><sp:IssuedToken><sp:Issuer><Address xmlns="${NS.wsa10}">https://pool0/WebTicket/WebTicketService.svc</Address></sp:Issuer></sp:IssuedToken></sp:EndorsingSupportingTokens></wsdl:definitions>`;
    const calls: string[] = [];
    const f = (async (u: string, i: RequestInit) => {
      calls.push(`${i.method} ${u}`);
      if (u.endsWith('?wsdl')) return new Response('', { status: 404 });
      return new Response(policy, { status: 200 });
    }) as typeof fetch;
    const client = new WebTicketClient({ credentials: { type: 'bearer', token: 'x' }, fetch: f });
    expect(await client.discover('https://pool0/svc')).toEqual([{ webTicketUrl: 'https://pool0/WebTicket/WebTicketService.svc', proof: true }]);
    expect(calls).toEqual(['GET https://pool0/svc?wsdl', 'POST https://pool0/svc/mex']);
  });
  it('bearer use (proof: false) is accepted by a verifier with requireProofOfPossession: false only', async () => {
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: '1234', pin: '12345' }, clock });
    const t = await client.requestTicket(`${base}/GroupExpansion/service.svc`, `${base}/WebTicket/WebTicketService.svc`);
    const attached = client.attachToken(envelope(), t);
    await expect(verifier().verify(attached)).rejects.toMatchObject({ errorId: 28032 });
    const lax = createTicketVerifier({ issuerCertificates: [issuerCert], poolKeys: [poolKey], clock, requireProofOfPossession: false });
    expect((await lax.verify(attached)).sipUri).toBe('sip:alice@example.com');
  });
});

describe('client concurrency', () => {
  it('concurrent getTicket calls share one IssueToken round trip', async () => {
    const client = new WebTicketClient({ credentials: { type: 'pin', identity: '1234', pin: '12345' }, clock });
    ticketRequests = 0;
    const ts = await Promise.all([1, 2, 3].map(() => client.getTicket(`${base}/Other/service.svc`, `${base}/WebTicket/WebTicketService.svc`)));
    expect(ticketRequests).toBe(1);
    expect(new Set(ts.map((t) => t.assertionId)).size).toBe(1);
  });
});
