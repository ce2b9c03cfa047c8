// TLS-DSK flights framed as Schannel frames them: a flight's handshake messages share records.
// SIPE's sipe-tls.c handshake_parse() fails on a record holding only ServerHelloDone, which is what
// Node/OpenSSL write unless the engine re-frames. The oracle is a hand parser of the bytes below,
// which shares no code with tls-records.ts.
import { describe, expect, it } from 'vitest';
import { TlsDskClient, TlsDskRegistrarPeer } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { coalesceHandshakeRecords } from '../src/internal/tls-records.js';
import { testPki } from './support/pki.js';

const pki = testPki();

interface HandRecord {
  type: number;
  version: string;
  length: number;
  /** Handshake message types in this record (plaintext records only). */
  messages: number[];
}

/** Hand parser: records (type, version, length) and, for plaintext handshake records, the message types inside. */
function handParse(bytes: Uint8Array, plaintextUntilCcs = true): HandRecord[] {
  const out: HandRecord[] = [];
  let i = 0;
  let encrypted = !plaintextUntilCcs;
  while (i < bytes.length) {
    expect(bytes.length - i, 'a whole 5-byte record header').toBeGreaterThanOrEqual(5);
    const type = bytes[i]!;
    const version = `${bytes[i + 1]}.${bytes[i + 2]}`;
    const length = bytes[i + 3]! * 256 + bytes[i + 4]!;
    expect(length, 'record length ≤ 2^14').toBeLessThanOrEqual(16384);
    const body = bytes.subarray(i + 5, i + 5 + length);
    expect(body.length, 'record body present').toBe(length);
    const messages: number[] = [];
    if (type === 22 && !encrypted) {
      let j = 0;
      while (j < body.length) {
        const mlen = body[j + 1]! * 65536 + body[j + 2]! * 256 + body[j + 3]!;
        messages.push(body[j]!);
        j += 4 + mlen;
      }
      expect(j, 'handshake messages end at the record boundary').toBe(body.length);
    }
    if (type === 20) encrypted = true;
    out.push({ type, version, length, messages });
    i += 5 + length;
  }
  return out;
}

const rec = (type: number, body: number[], version = [3, 1]) => [type, ...version, body.length >> 8, body.length & 0xff, ...body];
const hs = (type: number, body: number[]) => [type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff, ...body];

describe('coalesceHandshakeRecords', () => {
  it('merges consecutive plaintext handshake records, keeps ChangeCipherSpec and what follows it untouched', () => {
    const input = Uint8Array.from([
      ...rec(22, hs(2, [1, 2, 3])),
      ...rec(22, hs(11, [4, 5])),
      ...rec(22, hs(14, [])),
      ...rec(20, [1]),
      ...rec(22, [9, 9, 9, 9, 9, 9]), // encrypted finished: opaque bytes
      ...rec(22, [8, 8, 8]),
    ]);
    const { bytes, encrypted } = coalesceHandshakeRecords(input);
    expect(encrypted).toBe(true);
    const r = handParse(bytes);
    expect(r.map((x) => x.type)).toEqual([22, 20, 22, 22]);
    expect(r[0]!.messages).toEqual([2, 11, 14]);
    expect(r[0]!.length).toBe(7 + 6 + 4);
    expect(Buffer.from(bytes.subarray(bytes.length - 19)).toString('hex')).toBe(Buffer.from(input.subarray(input.length - 19)).toString('hex'));
    // Once encrypted, a later leg's handshake records are never merged.
    const later = Uint8Array.from([...rec(22, [1, 2, 3, 4]), ...rec(22, [5, 6, 7, 8])]);
    expect(Buffer.from(coalesceHandshakeRecords(later, true).bytes).equals(Buffer.from(later))).toBe(true);
  });

  it('splits at 2^14 and keeps the bytes of the flight', () => {
    const big = new Array(10000).fill(7);
    const input = Uint8Array.from([...rec(22, hs(11, big)), ...rec(22, hs(11, big)), ...rec(22, hs(14, []))]);
    const { bytes } = coalesceHandshakeRecords(input);
    const r = handParse(bytes, false);
    expect(r.map((x) => x.length)).toEqual([16384, 2 * 10004 + 4 - 16384]);
    const payload = (b: Uint8Array) =>
      Buffer.concat(
        handParse(b, false).map((_, k, all) => {
          let off = 0;
          for (let n = 0; n < k; n++) off += 5 + all[n]!.length;
          return Buffer.from(b.subarray(off + 5, off + 5 + all[k]!.length));
        }),
      );
    expect(payload(bytes).equals(payload(input))).toBe(true);
  });

  it('does not merge records of different versions and passes malformed input through', () => {
    const input = Uint8Array.from([...rec(22, hs(1, [1]), [3, 1]), ...rec(22, hs(1, [2]), [3, 3])]);
    expect(handParse(coalesceHandshakeRecords(input).bytes).length).toBe(2);
    const junk = Uint8Array.from([0x47, 0x45, 0x54, 0x20, 0x2f, 0x20]);
    expect(Buffer.from(coalesceHandshakeRecords(junk).bytes).equals(Buffer.from(junk))).toBe(true);
  });
});

describe('TLS-DSK legs framed as Schannel frames them (what SIPE parses)', () => {
  for (const protocol of ['TLSv1', 'TLSv1.2'] as const) {
    it(`${protocol}: server flight is ONE record (ServerHello … ServerHelloDone); client flight is one record + CCS + finished`, async () => {
      const client = new TlsDskClient({ credential: pki.user, protocol, target: 'sip.contoso.test', trustedCertificates: [pki.serverCa.certificate] });
      const peer = new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [pki.userCa.certificate], protocol });
      const hello = await client.step();
      expect(handParse(hello.output).map((r) => r.messages)).toEqual([[1]]);
      const r1 = await peer.respond(Buffer.from(hello.output).toString('base64'));
      const serverFlight = handParse(Buffer.from(r1.gssapiData, 'base64'));
      expect(serverFlight.length, 'one record for the whole server flight').toBe(1);
      expect(serverFlight[0]!.type).toBe(22);
      // ServerKeyExchange (12) appears when an ECDHE suite is chosen (Node's client offers them; SIPE does not).
      expect(serverFlight[0]!.messages.filter((t) => t !== 12)).toEqual([2, 11, 13, 14]);
      const flight = await client.step(Buffer.from(r1.gssapiData, 'base64'));
      expect(flight.status, flight.error?.message).toBe(SecurityStatus.ContinueNeeded);
      const cf = handParse(flight.output);
      expect(cf.map((r) => r.type)).toEqual([22, 20, 22]);
      expect(cf[0]!.messages).toEqual([11, 16, 15]);
      const r2 = await peer.respond(Buffer.from(flight.output).toString('base64'));
      expect(r2.done).toBe(true);
      expect(handParse(Buffer.from(r2.gssapiData, 'base64')).map((r) => r.type)).toEqual([20, 22]);
      const fin = await client.step(Buffer.from(r2.gssapiData, 'base64'));
      expect(fin.status, fin.error?.message).toBe(SecurityStatus.OK);
      expect(Buffer.from(fin.keys!.clientSigningKey).equals(Buffer.from(r2.keys!.clientSigningKey))).toBe(true);
    });
  }
});
