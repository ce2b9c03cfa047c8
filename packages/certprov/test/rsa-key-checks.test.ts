// Issue 16 item 7: RSA public keys a CA must not certify. Keys built from raw numbers (JWK), since
// OpenSSL refuses to generate e = 1 or an even e; the oracle is arithmetic on the stated numbers.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rsaPublicKeyProblem } from '../src/internal/csr.js';

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
