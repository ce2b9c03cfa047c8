import { createHmac, X509Certificate } from 'node:crypto';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { TlsDskClient, TlsDskError, TlsDskRegistrarPeer, type TlsDskProtocol } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { deriveTlsDskKeys } from '../src/internal/tls-prf.js';
import { helloRandom } from '../src/internal/tls-records.js';
import { testPki } from './support/pki.js';

const pki = testPki();
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

function pair(protocol: TlsDskProtocol, opts: { user?: { certificate: string; privateKey: string }; target?: string; trust?: string[] } = {}) {
  const keylog: Buffer[] = [];
  const client = new TlsDskClient({
    credential: opts.user ?? pki.user,
    protocol,
    target: opts.target ?? 'sip.contoso.test',
    trustedCertificates: opts.trust ?? [pki.serverCa.certificate],
    keylog: (l) => keylog.push(l),
  });
  const peer = new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [pki.userCa.certificate], protocol });
  return { client, peer, keylog };
}

/** TLS 1.2 PRF (RFC 5246 5) with node:crypto HMAC. */
function prf12(hash: string, secret: Buffer, label: string, seed: Buffer, len: number): Buffer {
  const s = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let a = s;
  let n = 0;
  while (n < len) {
    a = createHmac(hash, secret).update(a).digest();
    const p = createHmac(hash, secret)
      .update(Buffer.concat([a, s]))
      .digest();
    out.push(p);
    n += p.length;
  }
  return Buffer.concat(out).subarray(0, len);
}

describe('TLS-DSK engine ↔ registrar peer (MS-OCAUTHWS 3.3, MS-SIPAE 3.2.5)', () => {
  for (const protocol of ['TLSv1', 'TLSv1.2'] as const) {
    it(`${protocol}: three legs, both sides derive the same signing keys, and an independent PRF agrees`, async () => {
      const { client, peer, keylog } = pair(protocol);
      const hello = await client.step();
      expect(hello.status, 'leg 1 status').toBe(SecurityStatus.ContinueNeeded);
      expect(hello.output[0], 'client_hello is a handshake record').toBe(22);
      expect(client.state).toBe('hello-sent');
      const r1 = await peer.respond(b64(hello.output));
      expect(r1.done).toBe(false);
      const serverFlight = Buffer.from(r1.gssapiData, 'base64');
      const flight = await client.step(serverFlight);
      expect(flight.status, `leg 2: ${flight.error?.message}`).toBe(SecurityStatus.ContinueNeeded);
      const r2 = await peer.respond(b64(flight.output));
      expect(r2.done).toBe(true);
      expect(Buffer.from(r2.gssapiData, 'base64')[0], 'final leg starts with change_cipher_spec').toBe(20);
      const fin = await client.step(Buffer.from(r2.gssapiData, 'base64'));
      expect(fin.status, `leg 3: ${fin.error?.message}`).toBe(SecurityStatus.OK);
      expect(fin.keys!.protocol).toBe(protocol);
      expect(fin.keys!.clientSigningKey).toHaveLength(32);
      expect(b64(fin.keys!.clientSigningKey)).toBe(b64(r2.keys!.clientSigningKey));
      expect(b64(fin.keys!.serverSigningKey)).toBe(b64(r2.keys!.serverSigningKey));
      expect(b64(fin.keys!.clientSigningKey)).not.toBe(b64(fin.keys!.serverSigningKey));
      expect(r2.clientCertificate?.subject).toContain('user1@contoso.test');

      // Independent recomputation of the key block from the master secret and both randoms.
      const line = keylog.map(String).find((l) => l.startsWith('CLIENT_RANDOM'))!;
      const [, crHex, msHex] = line.trim().split(' ');
      const clientRandom = Buffer.from(crHex!, 'hex');
      expect(b64(helloRandom(hello.output, 1)!)).toBe(b64(clientRandom));
      const serverRandom = Buffer.from(helloRandom(serverFlight, 2)!);
      const seed = Buffer.concat([clientRandom, serverRandom]);
      let block: Buffer;
      if (protocol === 'TLSv1') {
        block = Buffer.from(
          forge.tls.prf_tls1(Buffer.from(msHex!, 'hex').toString('binary'), 'client EAP encryption', seed.toString('binary'), 128).getBytes(),
          'binary',
        );
      } else {
        block = prf12(fin.keys!.cipher.endsWith('SHA384') ? 'sha384' : 'sha256', Buffer.from(msHex!, 'hex'), 'client EAP encryption', seed, 128);
      }
      expect(b64(block.subarray(64, 96)), 'client key = key block bytes 64–95').toBe(b64(fin.keys!.clientSigningKey));
      expect(b64(block.subarray(96, 128)), 'server key = key block bytes 96–127').toBe(b64(fin.keys!.serverSigningKey));
      // The public deriveTlsDskKeys (node:crypto HMAC PRF) agrees with both.
      const derived = deriveTlsDskKeys({
        version: protocol,
        masterSecret: Buffer.from(msHex!, 'hex'),
        clientRandom,
        serverRandom,
        prfHash: fin.keys!.cipher.endsWith('SHA384') ? 'sha384' : 'sha256',
      });
      expect(b64(derived.clientSigningKey)).toBe(b64(fin.keys!.clientSigningKey));
      expect(b64(derived.serverSigningKey)).toBe(b64(fin.keys!.serverSigningKey));
      expect(client.state).toBe('complete');
    });
  }

  it("credentials OpenSSL refuses: ERR_TLSDSK_CONFIG naming what was loaded, with OpenSSL's code, from both constructors", () => {
    const notPem = '-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n';
    const cases: [string, () => unknown, RegExp][] = [
      ['client, garbage key', () => new TlsDskClient({ credential: { certificate: pki.user.certificate, privateKey: notPem } }), /TLS-DSK client credential/],
      [
        'client, certificate that is not one',
        () => new TlsDskClient({ credential: { certificate: 'hello', privateKey: pki.user.privateKey } }),
        /TLS-DSK client credential/,
      ],
      // the user's certificate with the registrar's key: they do not match
      [
        'client, key of another certificate',
        () => new TlsDskClient({ credential: { certificate: pki.user.certificate, privateKey: pki.registrar.privateKey } }),
        /TLS-DSK client credential/,
      ],
      ['client, cipher list', () => new TlsDskClient({ credential: pki.user, protocol: 'TLSv1.2', ciphers: 'NO-SUCH-CIPHER' }), /TLS-DSK client credential/],
      [
        'registrar, garbage key',
        () =>
          new TlsDskRegistrarPeer({
            credential: { certificate: pki.registrar.certificate, privateKey: notPem },
            trustedClientCertificates: [pki.userCa.certificate],
          }),
        /TLS-DSK registrar credential/,
      ],
      [
        'registrar, no credential',
        () => new TlsDskRegistrarPeer({ credential: undefined as never, trustedClientCertificates: [pki.userCa.certificate] }),
        /credential: expected the registrar's/,
      ],
    ];
    for (const [name, make, message] of cases) {
      let e: unknown;
      try {
        make();
      } catch (x) {
        e = x;
      }
      expect(e, name).toBeInstanceOf(TlsDskError);
      expect((e as TlsDskError).code, name).toBe('ERR_TLSDSK_CONFIG');
      expect((e as TlsDskError).message, name).toMatch(message);
      if (!/no credential/.test(name)) expect((e as TlsDskError).tlsCode, name).toMatch(/^ERR_/);
    }
  });

  it('a server flight split in two arrives as IncompleteMessage, then continues', async () => {
    const { client, peer } = pair('TLSv1');
    const hello = await client.step();
    const flight = Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64');
    const cut = Math.floor(flight.length / 2);
    const a = await client.step(flight.subarray(0, cut));
    expect(a.status).toBe(SecurityStatus.IncompleteMessage);
    expect(a.output).toHaveLength(0);
    const b = await client.step(flight.subarray(cut));
    expect(b.status).toBe(SecurityStatus.ContinueNeeded);
    const r2 = await peer.respond(b64(b.output));
    const fin = await client.step(Buffer.from(r2.gssapiData, 'base64'));
    expect(fin.status).toBe(SecurityStatus.OK);
    expect(b64(fin.keys!.clientSigningKey)).toBe(b64(r2.keys!.clientSigningKey));
  });

  it('a rogue user certificate (not issued by the trusted CA) is rejected by the registrar', async () => {
    const { client, peer } = pair('TLSv1.2', { user: pki.rogueUser });
    const hello = await client.step();
    const flight = await client.step(Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64'));
    expect(flight.status).toBe(SecurityStatus.ContinueNeeded);
    const err = await peer.respond(b64(flight.output)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TlsDskError);
    expect((err as TlsDskError).code).toBe('ERR_TLSDSK_HANDSHAKE');
    expect((err as TlsDskError).securityStatus).toBe(SecurityStatus.UntrustedRoot);
    expect((err as TlsDskError).message).toMatch(/registrar peer: TLS-DSK handshake failed/);
  });

  it('an expired user certificate is rejected by the registrar with CertExpired', async () => {
    const { client, peer } = pair('TLSv1', { user: pki.expiredUser });
    const hello = await client.step();
    const flight = await client.step(Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64'));
    const err = (await peer.respond(b64(flight.output)).catch((e: unknown) => e)) as TlsDskError;
    expect(err.securityStatus).toBe(SecurityStatus.CertExpired);
  });

  it('a SIP server the broker does not trust fails at leg 2, before the client certificate_verify leaves', async () => {
    const { client, peer } = pair('TLSv1', { trust: [pki.userCa.certificate] });
    const hello = await client.step();
    const flight = await client.step(Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64'));
    expect(flight.status).toBe(SecurityStatus.UntrustedRoot);
    expect(flight.output, 'nothing of the client flight (certificate, certificate_verify) is released').toHaveLength(0);
    expect(flight.error?.code).toBe('ERR_TLSDSK_HANDSHAKE');
    expect(flight.error?.message).toMatch(/SIP server certificate rejected/);
    expect(client.state).toBe('failed');
  });

  it('sends the target as SNI, and without a target checks the name localhost as tls.connect would', async () => {
    const { client, peer } = pair('TLSv1.2');
    const hello = await client.step();
    const flight = await client.step(Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64'));
    const r2 = await peer.respond(b64(flight.output));
    expect(r2.serverName).toBe('sip.contoso.test');
    expect((await client.step(Buffer.from(r2.gssapiData, 'base64'))).status).toBe(SecurityStatus.OK);

    const noTarget = new TlsDskClient({ credential: pki.user, protocol: 'TLSv1.2', trustedCertificates: [pki.serverCa.certificate] });
    const peer2 = new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [pki.userCa.certificate], protocol: 'TLSv1.2' });
    const h2 = await noTarget.step();
    const f2 = await noTarget.step(Buffer.from((await peer2.respond(b64(h2.output))).gssapiData, 'base64'));
    expect(f2.status, 'the registrar certificate does not name localhost').toBe(SecurityStatus.WrongPrincipal);
    expect(f2.output).toHaveLength(0);
  });

  it('a SIP server whose certificate does not name the target fails at leg 2 with WrongPrincipal', async () => {
    const { client, peer } = pair('TLSv1.2', { target: 'other.contoso.test' });
    const hello = await client.step();
    const flight = await client.step(Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64'));
    expect(flight.status).toBe(SecurityStatus.WrongPrincipal);
    expect(flight.keys).toBeUndefined();
  });

  for (const protocol of ['TLSv1', 'TLSv1.2'] as const) {
    it(`${protocol}: a tampered server finished leg fails with MessageAltered`, async () => {
      const { client, peer } = pair(protocol);
      const hello = await client.step();
      const flight = await client.step(Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64'));
      const last = Buffer.from((await peer.respond(b64(flight.output))).gssapiData, 'base64');
      last[last.length - 3]! ^= 0x01;
      const fin = await client.step(last);
      expect(fin.status).toBe(SecurityStatus.MessageAltered);
      expect(fin.keys).toBeUndefined();
    });
  }

  it('a tampered server flight (server random changed) fails the handshake', async () => {
    const { client, peer } = pair('TLSv1.2');
    const hello = await client.step();
    const flight = Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64');
    flight[15]! ^= 0xff; // inside ServerHello.random: the ECDHE signature no longer verifies
    const r = await client.step(flight);
    expect(r.status).not.toBe(SecurityStatus.ContinueNeeded);
    expect(r.error).toBeInstanceOf(TlsDskError);
    expect(client.state).toBe('failed');
  });

  it('a tampered client flight is refused by the registrar', async () => {
    const { client, peer } = pair('TLSv1');
    const hello = await client.step();
    const flight = await client.step(Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64'));
    const t = Buffer.from(flight.output);
    t[t.length - 2]! ^= 0x40;
    await expect(peer.respond(t.toString('base64'))).rejects.toMatchObject({ code: 'ERR_TLSDSK_HANDSHAKE' });
  });

  it('legs out of order and garbage input come back as statuses, never exceptions', async () => {
    const c = new TlsDskClient({ credential: pki.user, trustedCertificates: [pki.serverCa.certificate], target: 'sip.contoso.test' });
    const early = await c.step(new Uint8Array([22, 3, 1, 0, 0]));
    expect(early.status).toBe(SecurityStatus.OutOfSequence);
    expect(early.error?.message).toMatch(/input: expected none for the first leg/);
    await c.step();
    const none = await c.step();
    expect(none.status).toBe(SecurityStatus.InvalidToken);
    const junk = await c.step(Buffer.from('not a TLS record at all'));
    expect(junk.status).toBe(SecurityStatus.InvalidToken);
    expect(junk.error?.code).toBe('ERR_TLSDSK_INPUT');
    const after = await c.step(Buffer.from([22, 3, 1, 0, 1, 0]));
    expect(after.status).toBe(SecurityStatus.InvalidHandle);
  });

  it('the registrar peer rejects non-base64 gssapi-data with a typed error', async () => {
    const peer = new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [pki.userCa.certificate] });
    await expect(peer.respond('***')).rejects.toMatchObject({ code: 'ERR_TLSDSK_INPUT', securityStatus: SecurityStatus.InvalidToken });
    peer.destroy();
  });

  for (const withChain of [false, true]) {
    it(`the registrar's clientCertificate is the leaf the client authenticated with${withChain ? ' (sent with its CA)' : ''}`, async () => {
      const client = new TlsDskClient({
        credential: withChain ? { ...pki.user, chain: [pki.userCa.certificate] } : pki.user,
        protocol: 'TLSv1.2',
        target: 'sip.contoso.test',
        trustedCertificates: [pki.serverCa.certificate],
      });
      const peer = new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [pki.userCa.certificate], protocol: 'TLSv1.2' });
      const hello = await client.step();
      const flight = await client.step(Buffer.from((await peer.respond(b64(hello.output))).gssapiData, 'base64'));
      // The client flight in two tokens: the certificate is read from every token the registrar received.
      const cut = 7;
      const first = await peer.respond(b64(flight.output.subarray(0, cut)));
      expect(first.done).toBe(false);
      const r2 = await peer.respond(b64(flight.output.subarray(cut)));
      expect(r2.done).toBe(true);
      const fin = await client.step(Buffer.from(r2.gssapiData, 'base64'));
      expect(fin.status).toBe(SecurityStatus.OK);
      expect(r2.clientCertificate).toBeInstanceOf(X509Certificate);
      expect(b64(r2.clientCertificate!.raw)).toBe(b64(new X509Certificate(pki.user.certificate).raw));
      expect(r2.clientCertificate, 'built once').toBe(r2.clientCertificate);
      expect({ ...r2 }.clientCertificate?.subject).toContain('user1@contoso.test');
    });
  }

  it('a TLS client that sends no certificate is refused by the registrar (Node TLS client, no credential)', async () => {
    const peer = new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [pki.userCa.certificate], protocol: 'TLSv1.2' });
    const out: Buffer[] = [];
    const wire = new Duplex({
      read() {},
      write(chunk, _e, cb) {
        out.push(Buffer.from(chunk));
        cb();
      },
    });
    const socket = tls.connect({ socket: wire, ca: pki.serverCa.certificate, servername: 'sip.contoso.test', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    socket.on('error', () => undefined);
    const flush = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      return b64(Buffer.concat(out.splice(0)));
    };
    const r1 = await peer.respond(await flush());
    wire.push(Buffer.from(r1.gssapiData, 'base64'));
    const err = (await peer.respond(await flush()).catch((e: unknown) => e)) as TlsDskError;
    socket.destroy();
    expect(err).toBeInstanceOf(TlsDskError);
    expect(err.code).toBe('ERR_TLSDSK_HANDSHAKE');
    expect(err.message).toMatch(/client certificate rejected|PEER_DID_NOT_RETURN_A_CERTIFICATE|CERTIFICATE_REQUIRED/);
  });

  it('a V1 (TLS 1.0) client cannot complete with a TLS 1.2-only registrar: AlgorithmMismatch', async () => {
    const client = new TlsDskClient({ credential: pki.user, protocol: 'TLSv1', trustedCertificates: [pki.serverCa.certificate], target: 'sip.contoso.test' });
    const peer = new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [pki.userCa.certificate], protocol: 'TLSv1.2' });
    const hello = await client.step();
    const err = (await peer.respond(b64(hello.output)).catch((e: unknown) => e)) as TlsDskError;
    expect(err.securityStatus).toBe(SecurityStatus.AlgorithmMismatch);
  });
});
