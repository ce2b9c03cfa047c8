// Property test: our P_hash equals OpenSSL's TLS1-PRF KDF (an independent implementation) over
// random inputs. Runs wherever openssl is on PATH; under CI=true a missing openssl fails the run.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pHash, psha1, type PHashAlgorithm } from '@ocauth/psha1';
import { hasTool, runTool } from '../../../testing/tools.js';

const DIGEST: Record<PHashAlgorithm, string> = { sha1: 'SHA1', sha256: 'SHA256', sha384: 'SHA384', sha512: 'SHA512' };
function openssl(hash: PHashAlgorithm, secret: Uint8Array, seed: Uint8Array, length: number): string {
  return runTool('openssl', [
    'kdf',
    '-keylen',
    String(length),
    '-kdfopt',
    `digest:${DIGEST[hash]}`,
    '-kdfopt',
    `hexsecret:${Buffer.from(secret).toString('hex')}`,
    '-kdfopt',
    `hexseed:${Buffer.from(seed).toString('hex')}`,
    '-binary',
    'TLS1-PRF',
  ]).toString('hex');
}
const runs = Number(process.env.PSHA1_ORACLE_RUNS ?? 25);

describe.runIf(hasTool('openssl', ['version']))('P_hash against openssl kdf TLS1-PRF', () => {
  test('psha1(secret, seed, n) == openssl TLS1-PRF digest:SHA1', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 96 }),
        fc.uint8Array({ minLength: 1, maxLength: 96 }),
        fc.integer({ min: 1, max: 130 }),
        (secret, seed, n) => Buffer.from(psha1(secret, seed, n)).toString('hex') === openssl('sha1', secret, seed, n),
      ),
      { numRuns: runs },
    );
  });
  test('pHash(h, ...) == openssl for sha256/384/512', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<PHashAlgorithm>('sha256', 'sha384', 'sha512'),
        fc.uint8Array({ minLength: 0, maxLength: 160 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 200 }),
        (h, secret, seed, n) => Buffer.from(pHash(h, secret, seed, n)).toString('hex') === openssl(h, secret, seed, n),
      ),
      { numRuns: Math.ceil(runs / 2) },
    );
  });
  test('the oracle can fail: swapped arguments disagree', () => {
    const a = new Uint8Array(32).fill(1),
      b = new Uint8Array(32).fill(2);
    expect(Buffer.from(psha1(a, b, 32)).toString('hex')).not.toBe(openssl('sha1', b, a, 32));
  });
});

describe('algebraic properties', () => {
  test('prefix: a shorter output is a prefix of a longer one', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (s, t, m, n) => {
          const [short, long] = m <= n ? [m, n] : [n, m];
          const a = psha1(s, t, short),
            b = psha1(s, t, long);
          return Buffer.from(b.subarray(0, short)).equals(Buffer.from(a));
        },
      ),
      { numRuns: 200 },
    );
  });
  test('does not mutate or retain its inputs', () => {
    const secret = new Uint8Array(32).fill(7),
      seed = new Uint8Array(32).fill(9);
    const out = psha1(secret, seed, 32);
    expect([...secret].every((x) => x === 7) && [...seed].every((x) => x === 9)).toBe(true);
    secret.fill(0);
    expect(Buffer.from(out).equals(Buffer.from(psha1(new Uint8Array(32).fill(7), seed, 32)))).toBe(true);
  });
});
