// Issue 16 item 10: the HTTPS listener accepted 21 TLS 1.2 suites, 12 without forward secrecy and 4 CBC.
// It must offer only ECDHE AEAD suites for TLS 1.2, and TLS 1.3. Oracle: Node's TLS client (OpenSSL)
// offering exactly one suite per handshake, and `openssl s_client` where installed.
import { execFile } from 'node:child_process';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@ocauth/server';
import { hasTool } from '../../../testing/tools.js';

let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer({ store: { kind: 'memory' }, logger: false });
});
afterAll(async () => srv?.close());

const handshake = (o: {
  ciphers?: string;
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}) =>
  new Promise<{ ok: true; cipher: string; version: string } | { ok: false }>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: srv.port, ca: srv.caCertificatePem, servername: 'localhost', ...o }, () => {
      const r = { ok: true as const, cipher: s.getCipher().standardName ?? s.getCipher().name, version: s.getProtocol() ?? '' };
      s.destroy();
      resolve(r);
    });
    s.on('error', () => resolve({ ok: false }));
  });

const REFUSED_TLS12 = [
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA',
  'AES256-SHA',
  'AES128-SHA256',
  'AES256-SHA256', // no forward secrecy
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-RSA-AES256-SHA384', // CBC
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
];
const ACCEPTED_TLS12 = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'];

describe('HTTPS listener TLS suites (issue 16 item 10)', () => {
  it('TLS 1.2 without forward secrecy or with CBC is refused; ECDHE AEAD suites are accepted', async () => {
    for (const c of REFUSED_TLS12) expect({ c, r: await handshake({ ciphers: c, maxVersion: 'TLSv1.2' }) }).toEqual({ c, r: { ok: false } });
    for (const c of ACCEPTED_TLS12) expect(await handshake({ ciphers: c, maxVersion: 'TLSv1.2' })).toMatchObject({ ok: true, version: 'TLSv1.2' });
  });
  it('TLS 1.3 is accepted; TLS 1.0 and 1.1 are refused', async () => {
    expect(await handshake({ minVersion: 'TLSv1.3' })).toMatchObject({ ok: true, version: 'TLSv1.3' });
    expect(await handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })).toEqual({ ok: false });
  });
  it.runIf(hasTool('openssl', ['version']))('openssl s_client: a CBC suite without forward secrecy fails, ECDHE-RSA-AES128-GCM-SHA256 succeeds', async () => {
    // async: the server runs in this process
    const run = (cipher: string) =>
      new Promise<string>((resolve) => {
        const p = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${srv.port}`, '-tls1_2', '-cipher', cipher], { timeout: 10_000 }, (e, out, err) =>
          resolve(`${out}${err}${e ? 'FAILED' : ''}`),
        );
        p.stdin?.end();
      });
    expect(await run('AES128-SHA')).toMatch(/FAILED|Cipher is \(NONE\)|handshake failure/);
    expect(await run('ECDHE-RSA-AES128-GCM-SHA256')).toMatch(/Cipher is ECDHE-RSA-AES128-GCM-SHA256/);
  });
});
