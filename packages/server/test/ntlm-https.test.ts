// Integrated Windows authentication (NTLM, MS-NLMP) on the Web Ticket WinNegotiate binding over real
// HTTPS keep-alive connections to startServer, driven by an independent NTLMv2 client
// (testing/ntlm-oracle.ts), plus the user names (DOMAIN\user, UPN, SIP URI) and the Auth binding's
// UsernameToken forms of the Lync 2013 / SfB desktop client with the real pool's fault shape.
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddressingHeaders, buildEnvelope, buildRequestSecurityToken, ntlmAuthorizer, URI, WebTicketClient } from '@ocauth/wstrust';
import { NS, parseMsDiagnostics } from '@ocauth/diagnostics';
import { explain, parseSoapFault } from '@ocauth/diagnostics';
import { createHttpsFetch, startServer, type RunningServer } from '@ocauth/server';
import { authenticateMessage, negotiateMessage, ntHashViaOpenssl, readChallenge } from '../../../testing/ntlm-oracle.js';
import { hasTool } from '../../../testing/tools.js';

const V = JSON.parse(readFileSync(new URL('../../../vectors/wstrust/ntlmv2-ms-nlmp-4.2.4.json', import.meta.url), 'utf8'));
const PASSWORD_NT = Buffer.from(V.testGroups[0].tests[0].ntHashHex, 'hex'); // MD4(UTF-16LE "Password")

interface Reply {
  status: number;
  headers: [string, string][];
  body: string;
  socket: number;
}

let srv: RunningServer;
const logs: Record<string, unknown>[] = [];
beforeAll(async () => {
  srv = await startServer({
    store: { kind: 'memory' },
    farmFqdn: 'pool.ocauth.test',
    users: [{ sipUri: 'sip:user@ocauth.test', account: 'OCAUTH\\User', upn: 'user@ocauth.test', password: 'Password' }],
    logger: (e) => void logs.push(e as Record<string, unknown>),
  });
});
afterAll(async () => srv?.close());

function rst() {
  return buildEnvelope({
    headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:7d1b1f0e-0000-4000-8000-000000000001', to: srv.urls.webTicket }),
    body: buildRequestSecurityToken({
      Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
      TokenType: URI.tokenTypeSaml11,
      RequestType: URI.requestTypeIssue,
      AppliesTo: srv.urls.certProv,
      Entropy: new Uint8Array(32).fill(9),
      KeyType: URI.keyTypeSymmetric,
    }),
  });
}

const sockets = new WeakMap<object, number>();
let nextSocket = 1;
function post(agent: Agent, path: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.url + path);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        ca: srv.caCertificatePem,
        headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        const socket = res.socket;
        let id = sockets.get(socket);
        if (id === undefined) sockets.set(socket, (id = nextSocket++));
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) h.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
          resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString('utf8'), socket: id });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const header = (r: Reply, name: string) => r.headers.filter(([k]) => k === name).map(([, v]) => v);
const keepAlive = () => new Agent({ keepAlive: true, maxSockets: 1 });

async function ntlmTicket(agent: Agent, user: string, domain: string, ntHash: Buffer, scheme = 'NTLM') {
  const wt = srv.paths.webTicket;
  const r0 = await post(agent, wt, rst());
  const r1 = await post(agent, wt, rst(), { authorization: `${scheme} ${negotiateMessage().toString('base64')}` });
  expect(r1.status).toBe(401);
  const [challenge] = header(r1, 'www-authenticate');
  expect(challenge!.startsWith(`${scheme} `)).toBe(true);
  const ch = readChallenge(Buffer.from(challenge!.slice(scheme.length + 1), 'base64'));
  const r2 = await post(agent, wt, rst(), { authorization: `${scheme} ${authenticateMessage(ch, { ntHash, user, domain }).toString('base64')}` });
  return { r0, r1, r2, ch };
}

describe('WinNegotiate over HTTPS keep-alive (node:https Agent, maxSockets 1)', () => {
  it('401 carries WWW-Authenticate: Negotiate and WWW-Authenticate: NTLM as two header lines', async () => {
    const r = await post(keepAlive(), srv.paths.webTicket, rst());
    expect(r.status).toBe(401);
    expect(header(r, 'www-authenticate')).toEqual(['Negotiate', 'NTLM']);
  });
  for (const [label, user, domain, scheme] of [
    ['NTLM, DOMAIN\\user', 'User', 'OCAUTH', 'NTLM'],
    ['NTLM, UPN with an empty domain (as SIPE sends it)', 'user@ocauth.test', '', 'NTLM'],
    ['Negotiate carrying raw NTLMSSP, SIP URI', 'sip:user@ocauth.test', '', 'Negotiate'],
  ] as const) {
    it(`${label}: NEGOTIATE → CHALLENGE → AUTHENTICATE on one connection gives a ticket`, async () => {
      const agent = keepAlive();
      const { r0, r1, r2, ch } = await ntlmTicket(agent, user, domain, PASSWORD_NT, scheme);
      expect(r2.status, r2.body.slice(0, 300)).toBe(200);
      expect(r2.body).toContain('RequestedSecurityToken');
      expect(new Set([r0.socket, r1.socket, r2.socket]).size).toBe(1);
      expect(ch.avs.get(2)?.toString('utf16le')).toBe('OCAUTH');
      expect(ch.avs.get(4)?.toString('utf16le')).toBe('ocauth.test');
      // connection-based: the next request on the authenticated connection needs no Authorization header
      const r3 = await post(agent, srv.paths.webTicket, rst());
      expect(r3.status).toBe(200);
      agent.destroy();
    });
  }
  it('the demo user signs in as OCAUTH\\demo (NT hash sealed in the store, computed by openssl here)', async () => {
    if (!hasTool('openssl', ['version'])) return;
    const { r2 } = await ntlmTicket(keepAlive(), 'demo', 'OCAUTH', ntHashViaOpenssl(srv.demoUser.password));
    expect(r2.status).toBe(200);
    expect(r2.body).toContain(srv.demoUser.sipUri);
    expect(JSON.stringify(logs)).not.toContain(srv.demoUser.password);
  });
  it('@ocauth/wstrust WebTicketClient with ntlmAuthorizer (NTLM and Negotiate) over a keep-alive agent gets a ticket for OCAUTH\\demo', async () => {
    for (const scheme of ['NTLM', 'Negotiate'] as const) {
      const agent = keepAlive();
      const client = new WebTicketClient({
        credentials: { type: 'negotiate', authorize: ntlmAuthorizer({ username: 'demo', domain: 'OCAUTH', password: srv.demoUser.password, scheme }) },
        fetch: createHttpsFetch({ ca: srv.caCertificatePem, agent }),
      });
      const t = await client.getTicket(srv.urls.certProv, srv.urls.webTicket);
      expect(t.assertionXml).toContain(srv.demoUser.sipUri);
      agent.destroy();
    }
  });
  it('wrong password: 401 + X-Ms-diagnostics 28024 and the schemes again; no 500, no hang', async () => {
    const { r2 } = await ntlmTicket(keepAlive(), 'User', 'OCAUTH', Buffer.alloc(16, 1));
    expect(r2.status).toBe(401);
    expect(parseMsDiagnostics(header(r2, 'x-ms-diagnostics')[0]!).entries[0]?.errorId).toBe(28024);
    expect(header(r2, 'www-authenticate')).toEqual(['Negotiate', 'NTLM']);
    expect(logs.some((l) => l.msg === 'ntlm.failed' && /NTProofStr/.test(String(l.reason)))).toBe(true);
  });
  it('an AUTHENTICATE sent on another connection than its CHALLENGE is refused; contexts die with their connection', async () => {
    const a = keepAlive(),
      b = keepAlive();
    const r1 = await post(a, srv.paths.webTicket, rst(), { authorization: `NTLM ${negotiateMessage().toString('base64')}` });
    const ch = readChallenge(Buffer.from(header(r1, 'www-authenticate')[0]!.slice(5), 'base64'));
    const r2 = await post(b, srv.paths.webTicket, rst(), {
      authorization: `NTLM ${authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'OCAUTH' }).toString('base64')}`,
    });
    expect(r2.status).toBe(401);
    expect(parseMsDiagnostics(header(r2, 'x-ms-diagnostics')[0]!).entries[0]?.errorId).toBe(28024);
    a.destroy();
    b.destroy();
  });
  it('garbage tokens: 401 with X-Ms-diagnostics, the connection stays usable', async () => {
    const agent = keepAlive();
    for (const v of ['NTLM AAAA', 'Negotiate YIIBAAYGKwYBBQUC', `NTLM ${Buffer.from('NTLMSSP\0\x03\0\0\0', 'latin1').toString('base64')}`]) {
      const r = await post(agent, srv.paths.webTicket, rst(), { authorization: v });
      expect(r.status, v).toBe(401);
      expect(header(r, 'x-ms-diagnostics').length).toBe(1);
    }
    const { r2 } = await ntlmTicket(agent, 'User', 'OCAUTH', PASSWORD_NT);
    expect(r2.status).toBe(200);
    agent.destroy();
  });
});

describe('Auth binding as the Lync 2013 / SfB desktop client sends it', () => {
  const ut = (user: string, password: string) =>
    buildEnvelope({
      headers: [
        `<Security xmlns="${NS.wsse}"><UsernameToken><Username>${user}</Username><Password Type="${URI.passwordText}">${password}</Password></UsernameToken></Security>`,
      ],
      body: buildRequestSecurityToken({
        Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
        TokenType: URI.tokenTypeSaml11,
        RequestType: URI.requestTypeIssue,
        AppliesTo: srv.urls.certProv,
        Entropy: new Uint8Array(32).fill(9),
        KeyType: URI.keyTypeSymmetric,
      }),
    });
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  for (const [label, user, pw] of [
    ['base64(user) and base64(password)', () => b64('OCAUTH\\demo'), () => b64(srv.demoUser.password)],
    ['plain DOMAIN\\user', () => 'ocauth\\DEMO', () => srv.demoUser.password],
    ['plain UPN', () => srv.demoUser.upn.toUpperCase(), () => srv.demoUser.password],
    ['base64 SIP URI', () => b64(srv.demoUser.sipUri), () => b64(srv.demoUser.password)],
  ] as const) {
    it(`${label}: ticket`, async () => {
      const r = await post(keepAlive(), srv.paths.webTicket + '/Auth', ut(user(), pw()));
      expect(r.status, r.body.slice(0, 400)).toBe(200);
      expect(r.body).toContain(srv.demoUser.sipUri);
    });
  }
  it('wrong password: HTTP 500, a:FailedAuthentication (a = WS-Security), "No valid security token.", ErrorId 28020; explain() says check the user name and password', async () => {
    const r = await post(keepAlive(), srv.paths.webTicket + '/Auth', ut(b64('OCAUTH\\demo'), b64('not-the-password')));
    expect(r.status).toBe(500);
    const f = parseSoapFault(r.body);
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.value).toMatchObject({
      faultcode: 'a:FailedAuthentication',
      faultcodeNamespace: NS.wsse,
      faultstring: 'No valid security token.',
      diagnostics: { errorId: 28020 },
    });
    const finding = explain(r.body) as { remedy: string };
    expect(finding.remedy).toMatch(/check the user name and password/i);
    expect(parseMsDiagnostics(header(r, 'x-ms-diagnostics')[0]!).entries[0]?.errorId).toBe(28020);
  });
  it('a password that is itself valid base64 still works as plain text', async () => {
    await srv.store.users.upsertUser({ sipUri: 'sip:b64@ocauth.test', account: 'OCAUTH\\b64', password: 'QUJD' }); // "QUJD" = base64("ABC")
    const r = await post(keepAlive(), srv.paths.webTicket + '/Auth', ut('OCAUTH\\b64', 'QUJD'));
    expect(r.status).toBe(200);
    const wrong = await post(keepAlive(), srv.paths.webTicket + '/Auth', ut('OCAUTH\\b64', 'ABC'));
    expect(wrong.status).toBe(500);
  });
});

describe('ntlm: false', () => {
  it('the WinNegotiate binding is neither served (404) nor advertised', async () => {
    const s = await startServer({ store: { kind: 'memory' }, ntlm: false, logger: false });
    try {
      const f = createHttpsFetch({ ca: s.caCertificatePem });
      expect((await f(s.urls.webTicket, { method: 'POST', body: '<x/>', headers: { 'content-type': 'text/xml' } })).status).toBe(404);
      const wsdl = await (await f(`${s.urls.webTicket}?wsdl`)).text();
      expect(wsdl).not.toMatch(/<wsdl:port name="WebTicketServiceWinNegotiate"/);
      expect(wsdl).toMatch(/<wsdl:port name="WebTicketServiceAuth"/);
    } finally {
      await s.close();
    }
  });
});
