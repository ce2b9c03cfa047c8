// Issue 16 item 7: RSA public keys a CA must not certify. Keys built from raw numbers (JWK), since
// OpenSSL refuses to generate e = 1 or an even e; the oracle is arithmetic on the stated numbers.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCsr, rsaPublicKeyProblem } from '../src/internal/csr.js';

const b64u = (n: bigint) => Buffer.from(n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, '0'), 'hex').toString('base64url');
const good = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
const n = BigInt('0x' + Buffer.from((good.export({ format: 'jwk' }) as { n: string }).n, 'base64url').toString('hex'));
const key = (mod: bigint, e: bigint) => createPublicKey({ key: { kty: 'RSA', n: b64u(mod), e: b64u(e) }, format: 'jwk' });

describe('rsaPublicKeyProblem', () => {
  it('accepts a generated 65537 key', () => expect(rsaPublicKeyProblem(good)).toBeUndefined());
  it('refuses e = 1, e = 3, an even e, e >= n', () => {
    expect(rsaPublicKeyProblem(key(n, 1n))).toMatch(/public exponent: expected at least 65537, received 1$/);
    expect(rsaPublicKeyProblem(key(n, 3n))).toMatch(/received 3$/);
    expect(rsaPublicKeyProblem(key(n, 65538n))).toMatch(/expected an odd number, received 65538/);
    expect(rsaPublicKeyProblem(key(n, n + 2n))).toMatch(/less than the modulus/);
  });
  it('refuses an even modulus and one with a small prime factor', () => {
    expect(rsaPublicKeyProblem(key(n * 2n, 65537n))).toMatch(/modulus: expected an odd number/);
    expect(rsaPublicKeyProblem(key(((n / 1999n) | 1n) * 1999n, 65537n))).toMatch(/expected no small prime factors, received one divisible by \d+/);
  });
});

// parseCsr keeps the modulus and exponent of the RSA keys it reads, and rsaPublicKeyProblem uses them instead of a
// JWK export: the same answers on keys that come out of a request (hand-encoded around the key's SPKI; the signature
// is junk, the key is what is judged). Oracle: trial division by BigInt in this file.
describe('rsaPublicKeyProblem on keys read by parseCsr', () => {
  const len = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
  const tlv = (tag: number, ...parts: Uint8Array[]) => {
    const c = Buffer.concat(parts);
    return Buffer.concat([Buffer.from([tag, ...len(c.length)]), c]);
  };
  const requestFor = (k: ReturnType<typeof key>) => {
    const spki = k.export({ type: 'spki', format: 'der' });
    const info = tlv(0x30, Buffer.from('020100', 'hex'), Buffer.from('3000', 'hex'), spki, Buffer.from('a000', 'hex'));
    return new Uint8Array(tlv(0x30, info, Buffer.from('300d06092a864886f70d01010b0500', 'hex'), tlv(0x03, Buffer.alloc(129))));
  };
  const smallPrimes: bigint[] = [];
  for (let c = 3n; c < 2000n; c += 2n) if (smallPrimes.every((p) => c % p !== 0n)) smallPrimes.push(c);
  const firstFactor = (m: bigint) => smallPrimes.find((p) => m % p === 0n);

  it.each([3n, 5n, 7n, 11n, 13n, 47n, 53n, 1009n, 1013n, 1997n, 1999n])('a modulus divisible by %s: the smallest small factor is named', (p) => {
    let m = (n / p) | 1n;
    m *= p;
    const expected = firstFactor(m)!;
    const parsed = parseCsr(requestFor(key(m, 65537n)));
    expect(parsed.signatureValid).toBe(false);
    expect(parsed.keySizeBits).toBe(m.toString(2).length);
    expect(rsaPublicKeyProblem(parsed.publicKey)).toBe(`modulus: expected no small prime factors, received one divisible by ${expected}`);
    expect(rsaPublicKeyProblem(parsed.publicKey)).toBe(rsaPublicKeyProblem(key(m, 65537n)));
  });

  it('every odd prime below 2000 as a factor: the smallest small factor is named, as through JWK', () => {
    for (const p of smallPrimes) {
      const m = ((n / p) | 1n) * p;
      const parsed = parseCsr(requestFor(key(m, 65537n)));
      expect(rsaPublicKeyProblem(parsed.publicKey), String(p)).toBe(`modulus: expected no small prime factors, received one divisible by ${firstFactor(m)}`);
    }
  });

  it('e = 3, an even e, e >= n, an even modulus and a good key: the same answers as through JWK', () => {
    for (const [mod, e] of [
      [n, 3n],
      [n, 65538n],
      [n, n + 2n],
      [n * 2n, 65537n],
      [n, 65537n],
    ] as const) {
      const parsed = parseCsr(requestFor(key(mod, e)));
      expect(rsaPublicKeyProblem(parsed.publicKey)).toBe(rsaPublicKeyProblem(key(mod, e)));
    }
    expect(rsaPublicKeyProblem(parseCsr(requestFor(key(n, 65537n))).publicKey)).toBeUndefined();
    expect(rsaPublicKeyProblem(parseCsr(requestFor(key(n, 3n))).publicKey)).toMatch(/received 3$/);
  });
});
