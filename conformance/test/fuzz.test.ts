// ocauth fuzz: a short bounded run agrees with libxml2 and OpenSSL, and the differential harness does
// catch a broken implementation (so a clean run means something).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalizeXml } from '@ocauth/c14n';
import { psha1 } from '@ocauth/psha1';
import { c14nCase, fuzz, generateDocument, prng, psha1Case } from '../src/internal/fuzz.js';
import { hasTool } from '../../testing/tools.js';

describe('ocauth fuzz', () => {
  it('documents are reproducible from the seed', () => {
    expect(generateDocument(prng(42))).toBe(generateDocument(prng(42)));
    expect(generateDocument(prng(42))).not.toBe(generateDocument(prng(43)));
  });

  it.runIf(hasTool('xmllint') && hasTool('openssl', ['version']))('a bounded run (seed 1, 30 cases) has no failures and compares every case', async () => {
    const s = await fuzz({ seconds: 60, seed: 1, maxCases: 30 });
    expect(s.failures).toEqual([]);
    expect(s.c14nCases).toBe(30);
    expect(s.c14nRefusedByLibxml2).toBe(0);
    expect(s.psha1Cases).toBe(10);
  });

  it.runIf(hasTool('xmllint'))('a canonicalizer that drops comments is caught', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-test-'));
    try {
      const broken = (x: string, a: string) => canonicalizeXml(x, { algorithm: a as never }).replace(/<!--[\s\S]*?-->/g, '');
      const caught = Array.from({ length: 40 }, (_, i) => c14nCase(3, i, dir, broken)).filter((f) => typeof f === 'string');
      expect(caught.length).toBeGreaterThan(0);
      expect(caught[0]).toMatch(/output differs\n {2}input: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(hasTool('openssl', ['version']))('a P_SHA1 with swapped secret/seed is caught by the openssl oracle', () => {
    const swapped = (a: Uint8Array, b: Uint8Array, n: number) => psha1(b, a, n);
    expect(psha1Case(9, 0, swapped)).toMatch(/P_SHA1 differs/);
    expect(psha1Case(9, 0)).toBeUndefined();
  });
});
