// Hostile and heavy traffic against a running server: oversize bodies (413), DOCTYPE / entity
// payloads (a SOAP fault, never a crash), unknown paths (404), malformed HTTP (400), concurrent
// clients; then the deliberately broken configurations (faults) really disable their check while
// the default configuration refuses the same requests. Each case runs against this implementation
// (src/internal/refserver) and the package entry's startServer, so both are held to one behaviour.
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { startServer as startPackageServer } from '@ocauth/server';
import { createHttpsFetch, startServer, type LogEntry } from '../src/internal/refserver/index.js';

type Running = { url: string; caCertificatePem: string; demoUser: { sipUri: string; pin: string; password: string; phone: string } | undefined; urls: { webTicket: string; certProv: string; authBroker: string; autodiscover: string }; close(): Promise<void> };
type Faults = { skipSignatureCheck?: boolean; skipTimestampCheck?: boolean; acceptAnyPin?: boolean };
const impls: { name: string; start: (o: { faults?: Faults; logger: (e: LogEntry) => void }) => Promise<Running> }[] = [
  { name: 'refserver', start: (o) => startServer({ store: { kind: 'memory' }, farmFqdn: 'pool.contoso.test', limits: { maxBodyBytes: 64 * 1024 }, ...o }) },
  { name: 'package entry', start: (o) => startPackageServer({ store: { kind: 'memory' }, farmFqdn: 'pool.contoso.test', ...o } as never) as unknown as Promise<Running> },
];

const rawHttp = (url: string, ca: string, payload: string) =>
  new Promise<string>((resolve, reject) => {
    const u = new URL(url);
    const s = tls.connect({ host: u.hostname, port: Number(u.port), ca, servername: 'localhost' }, () => s.end(payload));
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });

describe.each(impls)('$name: robustness', ({ start }) => {
  let s: Running;
  let f: ReturnType<typeof createHttpsFetch>;
  const logs: LogEntry[] = [];
  beforeAll(async () => {
    s = await start({ logger: (e) => logs.push(e) });
    f = createHttpsFetch({ ca: s.caCertificatePem });
  });
  afterAll(async () => {
    f?.close();
    await s?.close();
  });
  const pinClient = (pin = s.demoUser!.pin) => new WebTicketClient({ credentials: { type: 'pin', identity: s.demoUser!.phone, pin }, fetch: f });

  it('an oversize body gets 413 (declared length and chunked), and the server keeps serving', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const r = await f(`${s.urls.webTicket}/Pin`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: big });
    expect(r.status).toBe(413);
    const chunked = await rawHttp(s.url, s.caCertificatePem, `POST /CertProv/CertProvisioningService.svc HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${(2 * 1024 * 1024).toString(16)}\r\n${big}\r\n0\r\n\r\n`);
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
    expect((await pinClient().getTicket(s.urls.certProv, s.urls.webTicket)).assertionXml).toContain('Assertion');
  });

  it('a DOCTYPE / entity-expansion payload is answered with a fault (no expansion, no crash) on every service', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&lol2;</s:Body></s:Envelope>`;
    const basic = 'Basic ' + Buffer.from(`${s.demoUser!.phone}:${s.demoUser!.pin}`).toString('base64');
    for (const [url, headers] of [[`${s.urls.webTicket}/Pin`, { authorization: basic }], [s.urls.certProv, {}], [s.urls.authBroker, {}]] as const) {
      const r = await f(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body: lol });
      const text = await r.text();
      expect(text.includes('lollollol'), url).toBe(false);
      if (url.includes('CertProv')) {
        // 3.1.4.1: CertProv errors are GetAndPublishCertResponse/ErrorInfo (HTTP 200), not SOAP faults
        expect(text, url).toContain('RequestMalformed');
      } else {
        expect(r.status, url).toBeGreaterThanOrEqual(400);
        expect(r.status, url).toBeLessThan(600);
        expect(text, url).toMatch(/Fault|^$/);
      }
    }
    expect((await pinClient().getTicket(s.urls.certProv, s.urls.webTicket)).assertionXml).toContain('Assertion');
  });

  it('unknown paths get 404; malformed HTTP gets 400; the server stays up', async () => {
    expect((await f(`${s.url}/nope`)).status).toBe(404);
    expect((await f(`${s.url}/WebTicket/WebTicketService.svc/Nope`, { method: 'POST', body: '<x/>' })).status).toBe(404);
    const bad = await rawHttp(s.url, s.caCertificatePem, 'GET / HTTP/1.1\r\nhost: x\r\nbad header line\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400/);
    expect((await f(s.urls.autodiscover)).status).toBe(200);
  });

  it('20 concurrent clients each get a ticket', async () => {
    const tickets = await Promise.all(Array.from({ length: 20 }, () => pinClient().getTicket(s.urls.certProv, s.urls.webTicket)));
    expect(new Set(tickets.map((t) => t.assertionId)).size).toBe(20);
  });

  it('logs never contain the PIN or password, also after failed logins', async () => {
    await pinClient('999999').getTicket(s.urls.certProv, s.urls.webTicket).catch(() => undefined);
    await new WebTicketClient({ credentials: { type: 'password', username: s.demoUser!.sipUri, password: s.demoUser!.password }, fetch: f }).getTicket(s.urls.certProv, s.urls.webTicket);
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(5);
    expect(text.includes(s.demoUser!.pin)).toBe(false);
    expect(text.includes(s.demoUser!.password)).toBe(false);
  });
});

describe.each(impls)('$name: faults disable exactly their check', ({ start }) => {
  const run = async (faults: Faults | undefined, fn: (s: Running, f: ReturnType<typeof createHttpsFetch>) => Promise<void>) => {
    const s = await start({ ...(faults ? { faults } : {}), logger: () => {} });
    const f = createHttpsFetch({ ca: s.caCertificatePem });
    try {
      await fn(s, f);
    } finally {
      f.close();
      await s.close();
    }
  };
  const wrongPin = async (s: Running, f: ReturnType<typeof createHttpsFetch>) => {
    const pin = String((Number(s.demoUser!.pin) + 1) % 1_000_000).padStart(6, '0');
    return new WebTicketClient({ credentials: { type: 'pin', identity: s.demoUser!.phone, pin }, fetch: f }).getTicket(s.urls.certProv, s.urls.webTicket).then(() => 'issued', () => 'refused');
  };
  const wrongProofKey = async (s: Running, f: ReturnType<typeof createHttpsFetch>) => {
    const t = await new WebTicketClient({ credentials: { type: 'pin', identity: s.demoUser!.phone, pin: s.demoUser!.pin }, fetch: f }).getTicket(s.urls.certProv, s.urls.webTicket);
    return requestCertificate({ url: s.urls.certProv, sipUri: s.demoUser!.sipUri, ticket: { ...t, proofKey: randomBytes(t.proofKey.length) }, fetch: f, keySizeBits: 1024 }).then(() => 'issued', () => 'refused');
  };
  const staleTimestamp = async (s: Running, f: ReturnType<typeof createHttpsFetch>) => {
    const t = await new WebTicketClient({ credentials: { type: 'pin', identity: s.demoUser!.phone, pin: s.demoUser!.pin }, fetch: f }).getTicket(s.urls.certProv, s.urls.webTicket);
    const past = new Date(Date.now() - 3600_000);
    return requestCertificate({ url: s.urls.certProv, sipUri: s.demoUser!.sipUri, ticket: t, fetch: f, keySizeBits: 1024, clock: () => past }).then(() => 'issued', () => 'refused');
  };

  it('default configuration refuses a wrong PIN, a wrong proof key and an expired Timestamp', () =>
    run(undefined, async (s, f) => {
      expect(await wrongPin(s, f)).toBe('refused');
      expect(await wrongProofKey(s, f)).toBe('refused');
      expect(await staleTimestamp(s, f)).toBe('refused');
    }));
  it('acceptAnyPin: a wrong PIN gets a ticket (signatures and timestamps still checked)', () =>
    run({ acceptAnyPin: true }, async (s, f) => {
      expect(await wrongPin(s, f)).toBe('issued');
      expect(await wrongProofKey(s, f)).toBe('refused');
    }));
  it('skipSignatureCheck: a request signed with the wrong proof key gets a certificate', () =>
    run({ skipSignatureCheck: true }, async (s, f) => {
      expect(await wrongProofKey(s, f)).toBe('issued');
      expect(await wrongPin(s, f)).toBe('refused');
    }));
  it('skipTimestampCheck: an expired Timestamp is accepted', () =>
    run({ skipTimestampCheck: true }, async (s, f) => {
      expect(await staleTimestamp(s, f)).toBe('issued');
      expect(await wrongPin(s, f)).toBe('refused');
    }));
});

describe('refserver: slow clients', () => {
  it('a client that never finishes its headers is cut off after limits.headersTimeoutMs (408 or close)', async () => {
    const s = await startServer({ store: { kind: 'memory' }, farmFqdn: 'pool.contoso.test', demoUser: false, logger: () => {}, limits: { headersTimeoutMs: 1000 } });
    try {
      const u = new URL(s.url);
      const started = Date.now();
      const out = await new Promise<string>((resolve, reject) => {
        const sock = tls.connect({ host: u.hostname, port: Number(u.port), ca: s.caCertificatePem, servername: 'localhost' }, () => sock.write('POST /CertProv/CertProvisioningService.svc HTTP/1.1\r\nhost: x\r\n'));
        let buf = '';
        sock.on('data', (d) => (buf += d));
        sock.on('close', () => resolve(buf));
        sock.on('error', reject);
      });
      expect(out === '' || out.startsWith('HTTP/1.1 408')).toBe(true);
      expect(Date.now() - started).toBeLessThan(8000);
    } finally {
      await s.close();
    }
  });
});
