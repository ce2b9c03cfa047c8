// The SIP registrar's side of TLS-DSK played by `openssl s_server`, an implementation that shares no code
// with @ocauth/authbroker: the broker's signing keys are compared with the key block OpenSSL exports
// ([MS-SIPAE] 3.2.5.1: RFC 5705 exporter, label "client EAP encryption", no context, 128 bytes; client
// signing key bytes 64–95, server signing key bytes 96–127). The gssapi-data tokens carry raw TLS records;
// they are relayed to s_server over a loopback TCP connection, a handshake flight at a time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RegistrarProtocol = 'TLSv1' | 'TLSv1.2';

/** What a TLS-DSK check needs from a registrar peer (the same shape @ocauth/authbroker's TlsDskRegistrarPeer answers). */
export interface RegistrarPeer {
  respond(gssapiData: string): Promise<{
    gssapiData: string;
    done: boolean;
    keys?: { clientSigningKey: Uint8Array; serverSigningKey: Uint8Array; protocol: string; cipher: string };
    clientCertificate?: X509Certificate;
  }>;
}

export const TLS_DSK_LABEL = 'client EAP encryption';

let available: boolean | undefined;
/** True when an `openssl` binary with s_server -keymatexport is on the PATH. */
export function hasOpenSsl(): boolean {
  available ??= spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
  return available;
}

/** TLS records (RFC 5246 6.2.1) of a byte string: [content type, fragment] pairs and whether the last is complete. */
function records(buf: Buffer): { type: number; fragment: Buffer }[] {
  const out: { type: number; fragment: Buffer }[] = [];
  let off = 0;
  while (buf.length - off >= 5) {
    const len = buf.readUInt16BE(off + 3);
    if (buf.length - off - 5 < len) break;
    out.push({ type: buf[off]!, fragment: buf.subarray(off + 5, off + 5 + len) });
    off += 5 + len;
  }
  return out;
}
/** Plaintext handshake message types (before any ChangeCipherSpec). */
function handshakeTypes(recs: { type: number; fragment: Buffer }[]): number[] {
  const parts: Buffer[] = [];
  for (const r of recs) {
    if (r.type === 20) break;
    if (r.type === 22) parts.push(r.fragment);
  }
  const hs = Buffer.concat(parts);
  const types: number[] = [];
  for (let off = 0; hs.length - off >= 4; ) {
    const len = hs.readUIntBE(off + 1, 3);
    if (hs.length - off - 4 < len) break;
    types.push(hs[off]!);
    off += 4 + len;
  }
  return types;
}
const SERVER_HELLO_DONE = 14;
const flightOneDone = (b: Buffer) => handshakeTypes(records(b)).includes(SERVER_HELLO_DONE);
const finalFlightDone = (b: Buffer) => {
  const r = records(b);
  const i = r.findIndex((x) => x.type === 20);
  return i >= 0 && r.slice(i + 1).some((x) => x.type === 22);
};
const alert = (b: Buffer) => records(b).some((x) => x.type === 21);

/**
 * One TLS-DSK handshake against `openssl s_server`, which requires a client certificate chaining to
 * `trustedClientCertificates` (-Verify 1 -verify_return_error).
 */
export class OpenSslRegistrar implements RegistrarPeer {
  private proc: ChildProcess | undefined;
  private sock: Socket | undefined;
  private stdout = '';
  private inbox = Buffer.alloc(0);
  private dir: string;
  private legs = 0;

  constructor(
    private readonly o: {
      certificatePem: string;
      privateKeyPem: string;
      trustedClientCertificates: string[];
      protocol?: RegistrarProtocol;
      timeoutMs?: number;
    },
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'ocauth-registrar-'));
  }

  private async start(): Promise<void> {
    writeFileSync(join(this.dir, 'cert.pem'), this.o.certificatePem);
    writeFileSync(join(this.dir, 'key.pem'), this.o.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(this.dir, 'ca.pem'), this.o.trustedClientCertificates.join('\n'));
    const proto = this.o.protocol === 'TLSv1.2' ? '-tls1_2' : '-tls1';
    const p = spawn(
      'openssl',
      [
        's_server',
        '-accept',
        '127.0.0.1:0',
        '-naccept',
        '1',
        proto,
        '-cipher',
        'DEFAULT:@SECLEVEL=0',
        '-no_ticket',
        '-cert',
        join(this.dir, 'cert.pem'),
        '-key',
        join(this.dir, 'key.pem'),
        '-CAfile',
        join(this.dir, 'ca.pem'),
        '-Verify',
        '1',
        '-verify_return_error',
        '-keymatexport',
        TLS_DSK_LABEL,
        '-keymatexportlen',
        '128',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.proc = p;
    p.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString('latin1');
    });
    p.stderr!.on('data', (d: Buffer) => {
      this.stdout += d.toString('latin1');
    });
    const port = await this.waitFor(() => /ACCEPT 127\.0\.0\.1:(\d+)/.exec(this.stdout)?.[1], 'openssl s_server to listen');
    this.sock = connect(Number(port), '127.0.0.1');
    this.sock.on('data', (d: Buffer) => {
      this.inbox = Buffer.concat([this.inbox, d]);
    });
    this.sock.on('error', () => {});
    await new Promise<void>((res, rej) => {
      this.sock!.once('connect', res);
      this.sock!.once('error', rej);
    });
  }

  private async waitFor<T>(probe: () => T | undefined | false, what: string): Promise<T> {
    const until = Date.now() + (this.o.timeoutMs ?? 10_000);
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (this.proc?.exitCode !== null && this.proc?.exitCode !== undefined && probe() === undefined)
        throw new Error(`openssl s_server exited (${this.proc.exitCode}) waiting for ${what}: ${this.stdout.slice(-400)}`);
      if (Date.now() > until) throw new Error(`openssl s_server: timed out waiting for ${what}: ${this.stdout.slice(-400)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async respond(gssapiData: string): ReturnType<RegistrarPeer['respond']> {
    if (!this.proc) await this.start();
    this.legs++;
    this.inbox = Buffer.alloc(0);
    this.sock!.write(Buffer.from(gssapiData, 'base64'));
    if (this.legs === 1) {
      await this.waitFor(() => flightOneDone(this.inbox) || alert(this.inbox) || (this.proc!.exitCode !== null ? true : undefined), 'ServerHelloDone');
      if (!flightOneDone(this.inbox)) throw new Error(`registrar (openssl s_server): handshake refused after ClientHello: ${this.stdout.slice(-300)}`);
      return { gssapiData: this.inbox.toString('base64'), done: false };
    }
    await this.waitFor(
      () =>
        finalFlightDone(this.inbox) ||
        alert(this.inbox) ||
        (/Keying material: [0-9A-F]+/.test(this.stdout) && this.inbox.length > 0) ||
        (this.proc!.exitCode !== null ? true : undefined),
      'ChangeCipherSpec + Finished',
    );
    if (!finalFlightDone(this.inbox))
      throw new Error(`registrar (openssl s_server): handshake failed: ${this.stdout.replace(/-----BEGIN[\s\S]*?-----END[^\n]*\n/g, '').slice(-400)}`);
    const hex = await this.waitFor(() => /Keying material: ([0-9A-F]{256})/.exec(this.stdout)?.[1], 'the exported keying material');
    const block = Buffer.from(hex, 'hex');
    const pem = /Client certificate\s*\n(-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----)/.exec(this.stdout)?.[1];
    // s_server was started for exactly one protocol version (-tls1 / -tls1_2).
    const protocol = this.o.protocol ?? 'TLSv1';
    const cipher = /CIPHER is (\S+)/.exec(this.stdout)?.[1] ?? '';
    const out = {
      gssapiData: this.inbox.toString('base64'),
      done: true,
      keys: { clientSigningKey: new Uint8Array(block.subarray(64, 96)), serverSigningKey: new Uint8Array(block.subarray(96, 128)), protocol, cipher },
      ...(pem ? { clientCertificate: new X509Certificate(pem) } : {}),
    };
    this.close();
    return out;
  }

  close(): void {
    this.sock?.destroy();
    if (this.proc && this.proc.exitCode === null) this.proc.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
