// The laboratory SIP-over-TLS registrar (TLS-DSK, [MS-SIPAE]) driven by a hand-written SIP client:
// certificate from CertProv (PIN ticket), TLS-DSK legs with the broker's TlsDskClient, and message
// signatures computed here from the literal MS-SIPAE v4 field list (no code shared with the server's
// signature.ts), as pidgin-sipe's sipe-sign.c builds them.
import { createHmac, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { TlsDskClient } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { createHttpsFetch, startServer, type LogEntry, type RunningServer } from '@ocauth/server';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSipRegistrar } from '../src/internal/sip/registrar.js';

let srv: RunningServer;
const logs: LogEntry[] = [];
let cert: { certificate: X509Certificate; privateKey: string };
const REALM = 'SIP Communications Service';

beforeAll(async () => {
  srv = await startServer({
    store: { kind: 'memory' },
    farmFqdn: 'pool0.ocauth.test',
    sip: { port: 0 },
    logger: (e) => logs.push(e),
    users: [{ sipUri: 'sip:off@ocauth.test', pin: '24680', phones: ['+15550111'] }],
  });
  const f = createHttpsFetch({ ca: srv.caCertificatePem });
  const pinClient = new WebTicketClient({
    credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin },
    fetch: f,
    sipUri: srv.demoUser.sipUri,
  });
  const c = await requestCertificate({
    url: srv.urls.certProv,
    sipUri: srv.demoUser.sipUri,
    webTicketClient: pinClient,
    fetch: f,
    validity: { period: 'Months', units: 6 },
  });
  const pk = c.privateKey as unknown;
  cert = {
    certificate: c.certificate,
    privateKey: typeof pk === 'string' ? pk : (pk as import('node:crypto').KeyObject).export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}, 60_000);
afterAll(async () => srv?.close());

/** A SIP connection: write raw messages, read whole responses (headers up to CRLFCRLF + Content-Length). */
class SipConn {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
  }
  static open(): Promise<SipConn> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: srv.sip!.port, ca: srv.caCertificatePem, servername: 'pool0.ocauth.test' }, () =>
        resolve(new SipConn(s)),
      );
      s.once('error', reject);
    });
  }
  send(raw: string | Buffer) {
    this.socket.write(raw);
  }
  async read(timeoutMs = 10_000): Promise<{ status: number; headers: [string, string][]; raw: string } | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buf.subarray(0, end).toString('latin1');
        const len = Number(/\r\nContent-Length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buf.length >= end + 4 + len) {
          this.buf = this.buf.subarray(end + 4 + len);
          const lines = head.split('\r\n');
          const status = Number(lines[0]!.split(' ')[1]);
          return { status, headers: lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]), raw: head };
        }
      }
      if (this.closed || Date.now() > deadline) return undefined;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
  close() {
    this.socket.destroy();
  }
}

const hv = (r: { headers: [string, string][] }, name: string) => r.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

interface Reg {
  cseq: number;
  auth?: string;
  from?: string | undefined;
  callId?: string;
}
const FROM_TAG = 'a1b2c3';
function register(r: Reg): string {
  const from = r.from ?? srv.demoUser.sipUri;
  return [
    `REGISTER sip:ocauth.test SIP/2.0`,
    'Via: SIP/2.0/TLS 127.0.0.1:5555;branch=z9hG4bK1234',
    `From: <${from}>;tag=${FROM_TAG};epid=1234`,
    `To: <${from}>`,
    'Max-Forwards: 70',
    `CSeq: ${r.cseq} REGISTER`,
    'User-Agent: ocauth-test',
    `Call-ID: ${r.callId ?? 'call-1'}`,
    'Contact: <sip:127.0.0.1:5555;transport=tls;ms-opaque=d3470f2e1d>;methods="INVITE, MESSAGE"',
    ...(r.auth ? [`Authorization: ${r.auth}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
const param = (v: string, name: string) => new RegExp(`(?:^|[ ,])${name}="([^"]*)"`).exec(v)?.[1];

/** Signature buffer, MS-SIPAE version 4, written out field by field for this test's REGISTER. */
function requestBuffer(crand: string, cnum: string, cseq: number, from = srv.demoUser.sipUri, callId = 'call-1') {
  return `<TLS-DSK><${crand}><${cnum}><${REALM}><pool0.ocauth.test><${callId}><${cseq}><REGISTER><${from}><${FROM_TAG}><${from}><><><><>`;
}

/** Run the TLS-DSK legs; returns the connection, the opaque and the client's keys. */
async function handshake(conn: SipConn, credential = cert, from?: string, protocol: 'TLSv1' | 'TLSv1.2' = 'TLSv1') {
  const client = new TlsDskClient({
    credential: { certificate: credential.certificate.toString(), privateKey: credential.privateKey },
    protocol,
    target: 'pool0.ocauth.test',
    trustedCertificates: [srv.caCertificatePem],
  });
  const hello = await client.step();
  const base = `TLS-DSK qop="auth", realm="${REALM}", targetname="pool0.ocauth.test"`;
  conn.send(register({ cseq: 2, from, auth: `${base}, gssapi-data="${Buffer.from(hello.output).toString('base64')}", version=4` }));
  const r1 = (await conn.read())!;
  expect(r1.status).toBe(401);
  const ch1 = hv(r1, 'WWW-Authenticate')[0]!;
  const opaque = param(ch1, 'opaque')!;
  expect(opaque).toMatch(/^[0-9A-F]{32}$/);
  const flight = await client.step(Buffer.from(param(ch1, 'gssapi-data')!, 'base64'));
  expect(flight.status, flight.error?.message).toBe(SecurityStatus.ContinueNeeded);
  conn.send(register({ cseq: 3, from, auth: `${base}, opaque="${opaque}", gssapi-data="${Buffer.from(flight.output).toString('base64')}", version=4` }));
  const r2 = (await conn.read())!;
  return { r2, client, opaque, base };
}

describe('SIP registrar (TLS-DSK)', () => {
  it('REGISTER without credentials → 401 with the TLS-DSK challenge SIPE parses (sts-uri = CertProv)', async () => {
    const conn = await SipConn.open();
    conn.send('\r\n\r\n' + register({ cseq: 1 }));
    const r = (await conn.read())!;
    expect(r.status).toBe(401);
    expect(hv(r, 'WWW-Authenticate')).toEqual([
      `TLS-DSK realm="SIP Communications Service", targetname="pool0.ocauth.test", sts-uri="${srv.urls.certProv}", version=4`,
    ]);
    expect(hv(r, 'To')[0]).toMatch(/;tag=[0-9a-f]+$/);
    expect(hv(r, 'Call-ID')).toEqual(['call-1']);
    conn.close();
  });

  it('full TLS-DSK with the CertProv certificate, signed REGISTER → signed 200 OK; replay and bad signatures refused', async () => {
    const conn = await SipConn.open();
    const { r2, client, opaque, base } = await handshake(conn);
    expect(r2.status, r2.raw).toBe(401);
    const fin = await client.step(Buffer.from(param(hv(r2, 'WWW-Authenticate')[0]!, 'gssapi-data')!, 'base64'));
    expect(fin.status, fin.error?.message).toBe(SecurityStatus.OK);
    const keys = fin.keys!;
    expect(
      logs.some((e) => e.msg === 'sip tls-dsk handshake complete' && e.sipUri === srv.demoUser.sipUri && e.certificateSerial === cert.certificate.serialNumber),
    ).toBe(true);

    const signed = (cseq: number, cnum: string, key = keys.clientSigningKey) => {
      const crand = '0badf00d';
      const response = createHmac('sha1', key)
        .update(requestBuffer(crand, cnum, cseq))
        .digest('hex')
        .toUpperCase();
      return register({ cseq, auth: `${base}, opaque="${opaque}", version=4, crand="${crand}", cnum="${cnum}", response="${response}"` });
    };
    // A signature with the wrong key (the server's) is refused.
    conn.send(signed(4, '1', keys.serverSigningKey));
    const bad = (await conn.read())!;
    expect(bad.status).toBe(401);
    expect(hv(bad, 'Warning')[0]).toContain('signature does not verify');

    conn.send(signed(5, '1'));
    const ok = (await conn.read())!;
    expect(ok.status, ok.raw).toBe(200);
    expect(hv(ok, 'Expires')).toEqual(['7200']);
    const info = hv(ok, 'Authentication-Info')[0]!;
    expect(info.startsWith('TLS-DSK ')).toBe(true);
    const toHeader = hv(ok, 'To')[0]!;
    const toTag = /;tag=([^;]+)/.exec(toHeader)![1]!;
    const respBuffer = `<TLS-DSK><${param(info, 'srand')}><${param(info, 'snum')}><${REALM}><pool0.ocauth.test><call-1><5><REGISTER><${srv.demoUser.sipUri}><${FROM_TAG}><${srv.demoUser.sipUri}><${toTag}><><><7200><200>`;
    expect(param(info, 'rspauth')).toBe(createHmac('sha1', keys.serverSigningKey).update(respBuffer).digest('hex').toUpperCase());
    expect(logs.some((e) => e.msg === 'sip registered' && e.sipUri === srv.demoUser.sipUri)).toBe(true);

    // Replay of the same signed REGISTER (same cnum) → refused.
    conn.send(signed(5, '1'));
    const replay = (await conn.read())!;
    expect(replay.status).toBe(401);
    expect(hv(replay, 'Warning')[0]).toContain('replay');
    // The next counter is accepted.
    conn.send(signed(6, '2'));
    expect((await conn.read())!.status).toBe(200);
    conn.close();
  }, 30_000);

  it('a client offering TLS 1.2 gets TLS 1.2 (the registrar follows the ClientHello), and the signed REGISTER is accepted', async () => {
    const conn = await SipConn.open();
    const { r2, client, opaque, base } = await handshake(conn, cert, undefined, 'TLSv1.2');
    expect(r2.status, r2.raw).toBe(401);
    const fin = await client.step(Buffer.from(param(hv(r2, 'WWW-Authenticate')[0]!, 'gssapi-data')!, 'base64'));
    expect(fin.status, fin.error?.message).toBe(SecurityStatus.OK);
    expect(fin.keys!.protocol).toBe('TLSv1.2');
    expect(logs.some((e) => e.msg === 'sip tls-dsk handshake complete' && e.protocol === 'TLSv1.2')).toBe(true);
    const crand = '12345678';
    const response = createHmac('sha1', fin.keys!.clientSigningKey)
      .update(requestBuffer(crand, '1', 4))
      .digest('hex');
    conn.send(register({ cseq: 4, auth: `${base}, opaque="${opaque}", version=4, crand="${crand}", cnum="1", response="${response}"` }));
    expect((await conn.read())!.status).toBe(200);
    conn.close();
  }, 30_000);

  it('a certificate the pool did not publish (other CA) is refused with a fresh challenge', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Self-signed certificate for the same subject: chain verification fails inside TLS-DSK.
    const forge = (await import('node-forge')).default;
    const c = forge.pki.createCertificate();
    c.publicKey = forge.pki.publicKeyFromPem(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString());
    c.serialNumber = '01';
    c.validity.notBefore = new Date(Date.now() - 60_000);
    c.validity.notAfter = new Date(Date.now() + 3600_000);
    c.setSubject([{ name: 'commonName', value: 'demo@ocauth.test' }]);
    c.setIssuer([{ name: 'commonName', value: 'demo@ocauth.test' }]);
    c.sign(forge.pki.privateKeyFromPem(pem), forge.md.sha256.create());
    const conn = await SipConn.open();
    const own = { certificate: new X509Certificate(forge.pki.certificateToPem(c)), privateKey: pem };
    const client = new TlsDskClient({
      credential: { certificate: own.certificate.toString(), privateKey: pem },
      protocol: 'TLSv1',
      target: 'pool0.ocauth.test',
      trustedCertificates: [srv.caCertificatePem],
    });
    const hello = await client.step();
    const base = `TLS-DSK qop="auth", realm="${REALM}", targetname="pool0.ocauth.test"`;
    conn.send(register({ cseq: 2, auth: `${base}, gssapi-data="${Buffer.from(hello.output).toString('base64')}", version=4` }));
    const r1 = (await conn.read())!;
    const ch1 = hv(r1, 'WWW-Authenticate')[0]!;
    const flight = await client.step(Buffer.from(param(ch1, 'gssapi-data')!, 'base64'));
    conn.send(
      register({ cseq: 3, auth: `${base}, opaque="${param(ch1, 'opaque')}", gssapi-data="${Buffer.from(flight.output).toString('base64')}", version=4` }),
    );
    const r2 = (await conn.read())!;
    expect(r2.status).toBe(401);
    expect(hv(r2, 'WWW-Authenticate')[0]).toContain('sts-uri=');
    expect(hv(r2, 'Warning')[0]).toMatch(/TLS-DSK handshake failed/);
    conn.close();
  }, 30_000);

  it('a revoked certificate is refused; a REGISTER from another user with this certificate is forbidden', async () => {
    const conn = await SipConn.open();
    const other = await handshake(conn, cert, 'sip:off@ocauth.test');
    expect(other.r2.status).toBe(403);
    expect(hv(other.r2, 'Warning')[0]).toContain('issued for sip:demo@ocauth.test');
    await srv.store.certificates.revoke(cert.certificate.serialNumber, new Date());
    const { r2 } = await handshake(conn);
    expect(r2.status).toBe(401);
    expect(hv(r2, 'Warning')[0]).toContain('unknown, revoked or expired');
    conn.close();
  }, 30_000);

  it('hostile input: garbage gssapi-data, unknown opaque, wrong scheme → 401; garbage bytes → 400 and close; oversized → 513; the registrar keeps serving', async () => {
    const conn = await SipConn.open();
    const base = `TLS-DSK qop="auth", realm="${REALM}", targetname="pool0.ocauth.test"`;
    conn.send(register({ cseq: 2, auth: `${base}, gssapi-data="AAAAAAAA", version=4` }));
    let r = (await conn.read())!;
    expect([r.status, hv(r, 'Warning')[0]]).toEqual([401, expect.stringContaining('ClientHello')]);
    conn.send(register({ cseq: 3, auth: `${base}, opaque="00112233", gssapi-data="FgMBAAA=", version=4` }));
    r = (await conn.read())!;
    expect([r.status, hv(r, 'Warning')[0]]).toEqual([401, expect.stringContaining('unknown or expired')]);
    conn.send(register({ cseq: 4, auth: `NTLM qop="auth", realm="${REALM}"` }));
    expect((await conn.read())!.status).toBe(401);
    conn.send(register({ cseq: 5, auth: `TLS-DSK realm="x" "broken` }));
    expect((await conn.read())!.status).toBe(401);
    conn.send('\x16\x03\x01 this is not SIP\r\n\r\n');
    r = (await conn.read())!;
    expect(r.status).toBe(400);
    expect(await conn.read(2000)).toBeUndefined();
    expect(conn.closed).toBe(true);

    const big = await SipConn.open();
    big.send(`REGISTER sip:ocauth.test SIP/2.0\r\nX-Pad: ${'a'.repeat(20_000)}\r\n`);
    r = (await big.read())!;
    expect(r.status).toBe(513);
    const body = await SipConn.open();
    body.send(register({ cseq: 1 }).replace('Content-Length: 0', 'Content-Length: 999999999'));
    expect((await body.read())!.status).toBe(513);

    const again = await SipConn.open();
    again.send(register({ cseq: 1 }));
    expect((await again.read())!.status).toBe(401);
    again.close();
  }, 30_000);

  it('header values with a bare LF are refused (they would be echoed into the response): 400 and close', async () => {
    const conn = await SipConn.open();
    conn.send(register({ cseq: 1, callId: 'x\nInjected: yes' }));
    const r = (await conn.read())!;
    expect(r.status).toBe(400);
    expect(r.raw).not.toContain('Injected');
    expect(await conn.read(2000)).toBeUndefined();
  });

  it('pending TLS-DSK handshakes are bounded per connection and server-wide, and die with their connection', async () => {
    const reg = await startSipRegistrar({
      host: '127.0.0.1',
      port: 0,
      fqdn: 'pool0.ocauth.test',
      stsUri: () => 'https://pool0.ocauth.test/CertProv/CertProvisioningService.svc',
      certificatePem: readFileSync(join(srv.dataDir, 'tls-cert.pem'), 'utf8'),
      privateKeyPem: readFileSync(join(srv.dataDir, 'tls-key.pem'), 'utf8'),
      clientCaPem: srv.caCertificatePem,
      certificateValidator: { validate: async () => null },
      userEnabled: async () => true,
      logger: () => {},
      maxHandshakes: 3,
      maxHandshakesPerConnection: 2,
    });
    const open = () =>
      new Promise<SipConn>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port: reg.port, ca: srv.caCertificatePem, servername: 'pool0.ocauth.test' }, () => resolve(new SipConn(s)));
        s.once('error', reject);
      });
    const hello = async () =>
      Buffer.from(
        (
          await new TlsDskClient({
            credential: { certificate: cert.certificate.toString(), privateKey: cert.privateKey },
            protocol: 'TLSv1',
            target: 'pool0.ocauth.test',
            trustedCertificates: [srv.caCertificatePem],
          }).step()
        ).output,
      ).toString('base64');
    const start = async (c: SipConn, cseq: number) => {
      c.send(register({ cseq, auth: `TLS-DSK qop="auth", realm="${REALM}", targetname="pool0.ocauth.test", gssapi-data="${await hello()}", version=4` }));
      return (await c.read())!;
    };
    try {
      const a = await open();
      expect((await start(a, 1)).status).toBe(401);
      expect((await start(a, 2)).status).toBe(401);
      const third = await start(a, 3);
      expect([third.status, hv(third, 'Warning')[0]]).toEqual([503, expect.stringContaining('on this connection')]);
      const b = await open();
      expect(param(hv(await start(b, 1), 'WWW-Authenticate')[0]!, 'opaque')).toBeDefined();
      const full = await start(b, 2);
      expect([full.status, hv(full, 'Warning')[0]]).toEqual([503, expect.stringContaining('at most 3')]);
      a.close();
      await new Promise((r) => setTimeout(r, 300));
      const again = await start(b, 3);
      expect(again.status, "the closed connection's handshakes were released").toBe(401);
      expect(param(hv(again, 'WWW-Authenticate')[0]!, 'gssapi-data')).toBeDefined();
      b.close();
    } finally {
      await reg.close();
    }
  }, 30_000);

  it('Autodiscover advertises the registrar when it runs', async () => {
    const res = await srv.handler(new Request(srv.urls.autodiscover, { headers: { accept: 'application/vnd.microsoft.rtc.autodiscover+xml; v=1' } }));
    const text = await res.text();
    expect(text).toContain(`pool0.ocauth.test`);
    expect(text).toContain(String(srv.sip!.port));
  });
});
