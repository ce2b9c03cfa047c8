// Issue 16 item 2: connection slots exhausted by sockets that never start TLS. Before the fix, silent TCP
// connections filled maxConnections and every legitimate client was refused; none was closed after
// 150 s. Here a bounded flood (loopback, a few hundred sockets, a few seconds) of silent, slow-TLS and
// slowloris connections from other source addresses runs while a legitimate client signs in and gets a
// certificate; then the server closes the flood's sockets by its deadlines.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { startServer, type RunningServer } from '@ocauth/server';
import { fetchFrom } from './support/attack.js';

let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer({
    store: { kind: 'memory' },
    logger: false,
    limits: { maxConnections: 300, tlsHandshakeTimeoutMs: 1500, firstRequestTimeoutMs: 1500, headersTimeoutMs: 2000, requestTimeoutMs: 4000 },
  });
});
afterAll(async () => srv?.close());

const open = (localAddress: string) =>
  new Promise<Socket>((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port: srv.port, localAddress });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
const closedBy = (s: { once(e: 'close', f: () => void): unknown; destroyed: boolean }, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (s.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });

describe('connection flood (issue 16 item 2)', () => {
  it('a legitimate client signs in and gets a certificate during a flood of silent, slow-TLS and slowloris connections; the flood is closed by deadlines', {
    timeout: 60_000,
  }, async () => {
    const sockets: Socket[] = [];
    const swallow = (s: Socket) => s.on('error', () => {});
    try {
      // 320 silent TCP connections (more than maxConnections)
      for (let i = 0; i < 320; i++) sockets.push(swallow(await open('127.0.0.2')) as Socket);
      // 40 slow TLS: a record header of a ClientHello, then nothing
      const slowTls: Socket[] = [];
      for (let i = 0; i < 40; i++) {
        const s = swallow(await open('127.0.0.3')) as Socket;
        s.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
        slowTls.push(s);
      }
      // 40 slowloris: complete TLS, then a request line and one header byte per 300 ms
      const loris = await Promise.all(
        Array.from(
          { length: 40 },
          () =>
            new Promise<ReturnType<typeof tlsConnect>>((resolve, reject) => {
              const options = { host: '127.0.0.1', port: srv.port, localAddress: '127.0.0.4', ca: srv.caCertificatePem, servername: 'localhost' }; // localAddress: a net option tls.connect passes on
              const t = tlsConnect(options, () => {
                t.write('POST /WebTicket/WebTicketService.svc HTTP/1.1\r\nHost: localhost\r\nX-A: ');
                const drip = setInterval(() => (t.destroyed ? clearInterval(drip) : t.write('a')), 300);
                t.once('close', () => clearInterval(drip));
                resolve(t);
              });
              t.once('error', (e) => (t.destroyed ? undefined : reject(e)));
              t.on('error', () => {});
            }),
        ),
      );
      // The legitimate client, from its own address, while all of the above is open.
      const f = fetchFrom(srv, '127.0.0.1');
      const t0 = Date.now();
      const wt = new WebTicketClient({
        credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin },
        fetch: f,
        sipUri: srv.demoUser.sipUri,
      });
      const cert = await requestCertificate({
        url: srv.urls.certProv,
        sipUri: srv.demoUser.sipUri,
        webTicketClient: wt,
        fetch: f,
        keySizeBits: 1024,
        webTicketUrl: srv.urls.webTicket,
      });
      expect(cert.certificate.subject).toBe('CN=demo@ocauth.test');
      expect(Date.now() - t0).toBeLessThan(5_000);
      // Deadlines: every flood socket is closed by the server within a few seconds.
      const closed = await Promise.all([
        ...sockets.map((s) => closedBy(s, 6_000)),
        ...slowTls.map((s) => closedBy(s, 6_000)),
        ...loris.map((s) => closedBy(s, 8_000)),
      ]);
      expect(closed.filter((c) => !c).length).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});
