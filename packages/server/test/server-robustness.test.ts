// Hostile and heavy traffic never takes the server down: oversize bodies (413 before parsing),
// DOCTYPE / entity expansion (refused by the safe parser), slowloris headers (connection closed),
// garbage request targets and paths, many concurrent requests; structured logs carry no secrets.
import { connect } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer, type LogEntry, type RunningServer } from '@ocauth/server';

let srv: RunningServer;
let f: typeof fetch;
const logs: LogEntry[] = [];
beforeAll(async () => {
  srv = await startServer({
    store: { kind: 'memory' },
    logger: (e) => logs.push(e),
    limits: { maxBodyBytes: 64 * 1024, headersTimeoutMs: 600, requestTimeoutMs: 3000 },
  });
  f = createHttpsFetch({ ca: srv.caCertificatePem });
});
afterAll(async () => srv?.close());

const alive = async () => expect((await f(srv.urls.autodiscover)).status).toBe(200);

/** Send raw bytes over TLS; resolve with what the server answered and whether it closed the connection. */
function raw(data: string | Buffer, waitMs = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: srv.port, ca: srv.caCertificatePem, servername: 'localhost' }, () => s.write(data));
    let text = '';
    const t = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    s.on('data', (c) => (text += c.toString('latin1')));
    s.on('close', () => {
      clearTimeout(t);
      resolve({ text, closed: true });
    });
    s.on('error', () => {});
  });
}

describe('robustness', () => {
  it('oversize bodies get 413 before any parsing, declared or streamed (chunked)', async () => {
    for (const path of [srv.urls.webTicket + '/Pin', srv.urls.certProv, srv.urls.authBroker]) {
      const r = await f(path, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: Buffer.alloc(65 * 1024, 0x41) });
      expect(r.status, path).toBe(413);
    }
    const chunked =
      `POST ${srv.paths.certProv} HTTP/1.1\r\nhost: localhost\r\ntransfer-encoding: chunked\r\ncontent-type: text/xml\r\n\r\n` +
      `10000\r\n${'A'.repeat(0x10000)}\r\n10000\r\n${'A'.repeat(0x10000)}\r\n0\r\n\r\n`;
    expect((await raw(chunked)).text).toMatch(/^HTTP\/1\.1 413/);
    await alive();
  });

  it('DOCTYPE / billion laughs / external entities are refused by every service without expansion', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&lol3;&xxe;</s:Body></s:Envelope>`;
    const soap = { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' };
    const auth = { authorization: 'Basic ' + Buffer.from(`${srv.demoUser.phone}:${srv.demoUser.pin}`).toString('base64') };
    for (const [url, headers] of [
      [srv.urls.webTicket + '/Pin', { ...soap, ...auth }],
      [srv.urls.certProv, soap],
      [srv.urls.authBroker, soap],
    ] as const) {
      const r = await f(url, { method: 'POST', headers, body: lol });
      const body = await r.text();
      expect(body).not.toContain('lollol');
      expect(body).not.toContain('root:');
      expect([200, 400, 401, 500]).toContain(r.status); // certprov answers ErrorInfo RequestMalformed with 200 (3.1.4.1)
    }
    await alive();
  });

  it('slowloris: a connection that never finishes its headers is closed (408) within the header timeout', async () => {
    const started = Date.now();
    const r = await raw(`GET ${srv.paths.autodiscover} HTTP/1.1\r\nhost: localhost\r\nx-slow: `, 5000);
    expect(r.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
    await alive();
  });

  it('garbage request targets and paths: 400 / 404, never a crash', async () => {
    expect((await f(`${srv.url}/nothing/here`)).status).toBe(404);
    expect((await f(`${srv.url}/WebTicket/../../etc/passwd`)).status).toBe(404);
    expect((await f(`${srv.url}/%00%ff%fe`)).status).toBe(404);
    expect((await raw('GET http://evil.example/ HTTP/1.1\r\nhost: evil.example\r\nconnection: close\r\n\r\n')).text).toMatch(/^HTTP\/1\.1 (400|404)/);
    expect((await raw('\x16\x03\x01garbage\r\n\r\n', 1500)).text).toMatch(/^HTTP\/1\.1 400|^$/);
    expect((await raw(`POST ${srv.paths.certProv} HTTP/1.1\r\nhost: x\r\ncontent-length: 99999999999999999999\r\nconnection: close\r\n\r\n`)).text).toMatch(
      /^HTTP\/1\.1 (400|413)/,
    );
    expect((await f(srv.urls.certProv, { method: 'DELETE' })).status).toBe(405);
    await alive();
  });

  it('concurrent requests: 40 PIN tickets and 40 Autodiscover requests at once all succeed', async () => {
    const tickets = Array.from({ length: 40 }, () =>
      new WebTicketClient({ credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin }, fetch: f }).getTicket(
        srv.urls.certProv,
        srv.urls.webTicket,
      ),
    );
    const ads = Array.from({ length: 40 }, () => f(srv.urls.autodiscover).then((r) => r.status));
    const [t, a] = await Promise.all([Promise.all(tickets), Promise.all(ads)]);
    expect(t.every((x) => x.assertionXml.includes(srv.demoUser.sipUri))).toBe(true);
    expect(a.every((s) => s === 200)).toBe(true);
  });

  it('logs: every entry is structured JSON; no PIN, password, entropy, proof key or CA key ever appears', async () => {
    const entropy: Uint8Array[] = [];
    const random = (n: number) => {
      const b = new Uint8Array(randomBytes(n));
      entropy.push(b);
      return b;
    };
    const client = new WebTicketClient({
      credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin },
      fetch: f,
      random,
      sipUri: srv.demoUser.sipUri,
    });
    const issued = await requestCertificate({ url: srv.urls.certProv, sipUri: srv.demoUser.sipUri, webTicketClient: client, fetch: f, keySizeBits: 1024 });
    const ticket = await client.getTicket(srv.urls.certProv, srv.urls.webTicket);
    await new WebTicketClient({ credentials: { type: 'password', username: srv.demoUser.phone, password: 'wrong-' + srv.demoUser.password }, fetch: f })
      .getTicket(srv.urls.certProv, srv.urls.webTicket)
      .catch(() => {});
    await new WebTicketClient({ credentials: { type: 'password', username: srv.demoUser.phone, password: srv.demoUser.password }, fetch: f }).getTicket(
      srv.urls.certProv,
      srv.urls.webTicket,
    );
    const text = logs.map((l) => JSON.stringify(l)).join('\n');
    expect(logs.length).toBeGreaterThan(10);
    for (const l of logs) expect(typeof l.level === 'string' && typeof l.msg === 'string').toBe(true);
    const secrets: [string, string][] = [
      ['PIN', srv.demoUser.pin],
      ['password', srv.demoUser.password],
      ['proof key (base64)', Buffer.from(ticket.proofKey).toString('base64')],
      ['proof key (hex)', Buffer.from(ticket.proofKey).toString('hex')],
      ['client private key', issued.privateKeyPem.split('\n')[1]!],
      ['CA private key', readFileSync(join(srv.dataDir, 'ca-key.pem'), 'utf8').split('\n')[1]!],
      ['Basic credentials', Buffer.from(`${srv.demoUser.phone}:${srv.demoUser.pin}`).toString('base64')],
      ...entropy.flatMap((e): [string, string][] => [
        ['entropy (base64)', Buffer.from(e).toString('base64')],
        ['entropy (hex)', Buffer.from(e).toString('hex')],
      ]),
    ];
    expect(entropy.length).toBeGreaterThan(0);
    for (const [name, secret] of secrets) expect(text.includes(secret), `${name} found in logs`).toBe(false);
  });
});
