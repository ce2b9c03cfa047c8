// Compact web tickets: vectors/wstrust/cwt.json (written by an independent Python implementation,
// scripts/gen-cwt-vectors.py: hmac/hashlib HKDF, pyca/cryptography AES-GCM) replayed against cwt.ts and
// the ticket verifier; the HKDF outputs cross-checked with `openssl kdf HKDF`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createTicketVerifier,
  deriveCompactTicketKey,
  mintCompactWebTicket,
  openCompactWebTicket,
  compactTicketOfHeader,
  TicketError,
  WsTrustError,
  CWT_MAX_LENGTH,
} from './internals.js';
import { hasTool, runTool } from '../../../testing/tools.js';
import { issuerCert } from './support.js';

const file = JSON.parse(readFileSync(new URL('../../../vectors/wstrust/cwt.json', import.meta.url), 'utf8'));
const pool = { keyName: 'pool-a', key: new Uint8Array(Buffer.from(file.poolKeyHex, 'hex')) };
const other = { keyName: 'pool-b', key: new Uint8Array(Buffer.from(file.otherPoolKeyHex, 'hex')) };
const verifier = (now = file.verifier.now as string) =>
  createTicketVerifier({
    issuerCertificates: [issuerCert],
    poolKeys: [pool],
    clock: () => new Date(now),
    skewSeconds: file.verifier.skewSeconds,
    audience: file.verifier.audience,
    compactTicketMaxLifetimeSeconds: file.verifier.maxLifetimeSeconds,
  });
const tests = file.testGroups.flatMap((g: { tests: unknown[] }) => g.tests) as {
  tcId: number;
  comment: string;
  flags: string[];
  token: string;
  result: 'valid' | 'invalid';
  code?: string;
  reason?: string;
  now?: string;
  claims?: { sipUri: string; audience: string; issuedAt: string; expiresAt: string; idHex: string };
  nonceHex?: string;
}[];

describe('vectors/wstrust/cwt.json', () => {
  it('has valid and invalid cases (a vector file that cannot fail is no test)', () => {
    expect(tests.filter((t) => t.result === 'valid').length).toBeGreaterThanOrEqual(3);
    expect(tests.filter((t) => t.result === 'invalid').length).toBeGreaterThanOrEqual(15);
  });

  it('derives the key and key id the vectors were made with', () => {
    const d = deriveCompactTicketKey(pool);
    expect(Buffer.from(d.kid).toString('hex')).toBe(file.derived.kidHex);
    expect(Buffer.from(d.key).toString('hex')).toBe(file.derived.keyHex);
  });

  it.runIf(hasTool('openssl', ['version']))('openssl kdf HKDF agrees on the derived key and key id', () => {
    const hkdf = (info: string, n: number) =>
      runTool('openssl', [
        'kdf',
        '-keylen',
        String(n),
        '-kdfopt',
        'digest:SHA256',
        '-kdfopt',
        `hexkey:${file.poolKeyHex}`,
        '-kdfopt',
        'salt:ocauth compact web ticket',
        '-kdfopt',
        `info:${info}`,
        'HKDF',
      ])
        .toString()
        .trim()
        .replace(/:/g, '')
        .toLowerCase();
    expect(hkdf('ocauth-cwt-v1 aes-256-gcm', 32)).toBe(file.derived.keyHex);
    expect(hkdf('ocauth-cwt-v1 kid', 4)).toBe(file.derived.kidHex);
  });

  for (const t of tests) {
    it(`tcId ${t.tcId}: ${t.comment} → ${t.result}`, async () => {
      if (t.result === 'valid') {
        const c = t.claims!;
        const opened = openCompactWebTicket(t.token, [other, pool]);
        expect(
          { ...opened, id: Buffer.from(opened.id).toString('hex'), issuedAt: opened.issuedAt.toISOString(), expiresAt: opened.expiresAt.toISOString() },
          `tcId ${t.tcId}`,
        ).toEqual({
          sipUri: c.sipUri,
          audience: c.audience,
          id: c.idHex,
          issuedAt: c.issuedAt.replace('Z', '.000Z'),
          expiresAt: c.expiresAt.replace('Z', '.000Z'),
        });
        // Known answer: the same claims and nonce mint the same bytes.
        const minted = mintCompactWebTicket(
          { sipUri: c.sipUri, audience: c.audience, issuedAt: new Date(c.issuedAt), expiresAt: new Date(c.expiresAt), id: Buffer.from(c.idHex, 'hex') },
          pool,
          { nonce: Buffer.from(t.nonceHex!, 'hex') },
        );
        expect(minted, `tcId ${t.tcId}`).toBe(t.token);
        for (const header of [`cwt=${t.token}`, `Bearer cwt=${t.token}`]) {
          const v = await verifier().verifyToken(header);
          expect(v.sipUri, `tcId ${t.tcId} ${header.slice(0, 10)}`).toBe(c.sipUri);
          expect(v.kind).toBe('cwt');
          expect(v.assertionId).toBe(`cwt-${c.idHex}`);
          expect(v.proofKey).toBeUndefined();
          expect(v.notOnOrAfter.toISOString()).toBe(c.expiresAt.replace('Z', '.000Z'));
        }
        return;
      }
      let err: unknown;
      try {
        if (t.flags.includes('verifier')) {
          openCompactWebTicket(t.token, [pool]); // structurally fine: only the verifier's rules refuse it
          await verifier(t.now).verifyToken(`cwt=${t.token}`);
        } else {
          openCompactWebTicket(t.token, [pool]);
        }
      } catch (e) {
        err = e;
      }
      expect(err, `tcId ${t.tcId} ${t.comment}: accepted`).toBeInstanceOf(TicketError);
      expect((err as TicketError).code, `tcId ${t.tcId}`).toBe(t.code);
      expect((err as Error).message, `tcId ${t.tcId}`).toContain(t.reason!);
      // The verifier refuses the header form with the same code.
      if (!t.flags.includes('verifier')) {
        const e2 = await verifier()
          .verifyToken(`cwt=${t.token}`)
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect((e2 as TicketError)?.code, `tcId ${t.tcId} via verifyToken`).toBe(t.code);
      }
    });
  }
});

describe('compact web tickets: header forms and policy', () => {
  const token = tests[0]!.token;
  it('reads cwt= and Bearer cwt= (any case, spaces), not opaque=', () => {
    expect(compactTicketOfHeader(`cwt=${token}`)).toBe(token);
    expect(compactTicketOfHeader(`  CWT = ${token} `)).toBe(token);
    expect(compactTicketOfHeader(`Bearer cwt=${token}`)).toBe(token);
    expect(compactTicketOfHeader(`bearer   cwt=${token}`)).toBe(token);
    expect(compactTicketOfHeader('opaque=PHNhbWw+')).toBeUndefined();
    expect(compactTicketOfHeader(`Basic cwt=${token}`)).toBeUndefined();
  });
  it('a verifier with compactTickets: false refuses them clearly', async () => {
    const v = createTicketVerifier({ issuerCertificates: [issuerCert], poolKeys: [pool], clock: () => new Date(file.verifier.now), compactTickets: false });
    await expect(v.verifyToken(`cwt=${token}`)).rejects.toThrow(/does not accept/);
  });
  it('refuses oversized input before decoding', () => {
    expect(() => openCompactWebTicket('A'.repeat(CWT_MAX_LENGTH + 1), [pool])).toThrow(/at most/);
  });
  it('mint refuses claims it cannot carry', () => {
    const base = { sipUri: 'sip:a@b.c', audience: 'https://p/', issuedAt: new Date(0), expiresAt: new Date(1000), id: new Uint8Array(16) };
    expect(() => mintCompactWebTicket({ ...base, sipUri: 'sip:' + 'a'.repeat(300) }, pool)).toThrow(WsTrustError);
    expect(() => mintCompactWebTicket({ ...base, expiresAt: new Date(0) }, pool)).toThrow(/after issuedAt/);
    expect(() => mintCompactWebTicket({ ...base, id: new Uint8Array(8) }, pool)).toThrow(/16 bytes/);
  });
  it('property: any single-character change of a valid token is refused with a TicketError', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.nat(63), (i, j) => {
        const ch = alphabet[j]!;
        fc.pre(ch !== token[i]);
        const t = token.slice(0, i) + ch + token.slice(i + 1);
        try {
          openCompactWebTicket(t, [pool]);
          return false;
        } catch (e) {
          return e instanceof TicketError;
        }
      }),
      { numRuns: 300 },
    );
  });
});
