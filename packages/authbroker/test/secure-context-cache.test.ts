import type tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { cachedSecureContext } from '../src/internal/secure-context-cache.js';

const fake = (n: number) => ({ n }) as unknown as tls.SecureContext;

describe('secure context cache (one OpenSSL context per certificate, key and settings)', () => {
  it('reuses the context for the same id parts and key, even from freshly built equal strings', () => {
    let builds = 0;
    const build = () => fake(++builds);
    const a = cachedSecureContext(['client', 'TLSv1.2', 'DEFAULT', 'PEM-A', '\0trust', 'CA-1'], 'KEY-A', build);
    const b = cachedSecureContext(['client', 'TLSv1.2', 'DEFAULT', `PEM-${'A'}`, '\0trust', `CA-${1}`], `KEY-${'A'}`, build);
    expect(b).toBe(a);
    expect(builds).toBe(1);
  });

  it('never hands a context to another private key, certificate, trust list or side', () => {
    let builds = 0;
    const build = () => fake(++builds);
    const base = ['client', 'TLSv1.2', 'DEFAULT', 'PEM-B', '\0trust', 'CA-1'];
    const first = cachedSecureContext(base, 'KEY-B', build);
    expect(cachedSecureContext(base, 'KEY-OTHER', build), 'another key').not.toBe(first);
    expect(cachedSecureContext(['client', 'TLSv1.2', 'DEFAULT', 'PEM-C', '\0trust', 'CA-1'], 'KEY-B', build), 'another certificate').not.toBe(first);
    expect(cachedSecureContext(['client', 'TLSv1.2', 'DEFAULT', 'PEM-B', '\0trust', 'CA-2'], 'KEY-B', build), 'another trust anchor').not.toBe(first);
    expect(cachedSecureContext(['client', 'TLSv1.2', 'DEFAULT', 'PEM-B', 'CA-1', '\0trust'], 'KEY-B', build), 'the CA as a chain certificate').not.toBe(first);
    expect(cachedSecureContext(['registrar', 'TLSv1.2', 'DEFAULT', 'PEM-B', '\0trust', 'CA-1'], 'KEY-B', build), 'the other side').not.toBe(first);
    expect(cachedSecureContext(['client', 'TLSv1.2', 'DEFAULT', 'PEM-B', '\0trust'], 'KEY-B', build), 'a prefix of the id').not.toBe(first);
    expect(builds).toBe(7);
  });

  it('keeps working past 64 contexts (starts over), and each id still gets its own context', () => {
    const made = new Map<number, tls.SecureContext>();
    for (let i = 0; i < 200; i++)
      made.set(
        i,
        cachedSecureContext(['overflow', String(i)], 'K', () => fake(i)),
      );
    for (let i = 199; i >= 190; i--) expect((cachedSecureContext(['overflow', String(i)], 'K', () => fake(-1)) as unknown as { n: number }).n).toBe(i);
    expect((cachedSecureContext(['overflow', '0'], 'K', () => fake(-1)) as unknown as { n: number }).n, 'evicted, rebuilt').toBe(-1);
  });
});
