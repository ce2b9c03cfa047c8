// Replays vectors/psha1/*.json (expected outputs produced by OpenSSL's TLS1-PRF, an independent
// implementation) through the public API, one assertion message per tcId.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { computedKey, pHash, psha1, Psha1Error, type PHashAlgorithm } from '@ocauth/psha1';

const vectors = (name: string) => JSON.parse(readFileSync(new URL(`../../../vectors/psha1/${name}`, import.meta.url), 'utf8'));
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface Case {
  tcId: number;
  comment: string;
  secretHex: string;
  seedHex: string;
  length: number;
  outputHex?: string;
  result: 'valid' | 'invalid';
  errorCode?: string;
}

function expectCode(fn: () => unknown, code: string, label: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${label}: expected ${code}`).toBeInstanceOf(Psha1Error);
  expect((thrown as Psha1Error).code, label).toBe(code);
}

describe('vectors/psha1/psha1.json', () => {
  const file = vectors('psha1.json');
  const cases: Case[] = file.testGroups.flatMap((g: { tests: Case[] }) => g.tests);
  test('file is complete', () => {
    expect(cases.length).toBe(file.numberOfTests);
    expect(cases.filter((c) => c.result === 'valid').length).toBeGreaterThanOrEqual(18);
  });
  test('the published pair', () => {
    const key = psha1(
      Buffer.from('grrlUUfhuNwlvQzQ4bV6TT3wA8ieZPltIf4+H7nIvCE=', 'base64'),
      Buffer.from('YLABh3ZmZyiO5gvVLZe9J4JPd9w59KGeTFwE85XlzxE=', 'base64'),
      32,
    );
    expect(Buffer.from(key).toString('base64')).toBe('Wv3QzY84KfgwSkn1z3QV+LXEoo3nPraZPysJYtA3u4c=');
  });
  for (const c of cases) {
    test(`tcId ${c.tcId}: ${c.comment}`, () => {
      const label = `psha1 tcId ${c.tcId} (${c.comment})`;
      if (c.result === 'valid') {
        expect(toHex(psha1(hex(c.secretHex), hex(c.seedHex), c.length)), label).toBe(c.outputHex);
        expect(toHex(pHash('sha1', hex(c.secretHex), hex(c.seedHex), c.length)), label).toBe(c.outputHex);
      } else {
        expectCode(() => psha1(hex(c.secretHex), hex(c.seedHex), c.length), c.errorCode!, label);
      }
    });
  }
});

describe('vectors/psha1/p-hash.json', () => {
  const file = vectors('p-hash.json');
  for (const g of file.testGroups as { hash: PHashAlgorithm; tests: Case[] }[]) {
    for (const c of g.tests) {
      test(`tcId ${c.tcId}: ${c.comment}`, () => {
        expect(toHex(pHash(g.hash, hex(c.secretHex), hex(c.seedHex), c.length)), `p-hash tcId ${c.tcId}`).toBe(c.outputHex);
      });
    }
  }
});

describe('vectors/psha1/computed-key.json', () => {
  const file = vectors('computed-key.json');
  for (const c of file.testGroups[0].tests) {
    test(`tcId ${c.tcId}: ${c.comment}`, () => {
      const input = {
        requestorEntropy: hex(c.requestorEntropyHex),
        issuerEntropy: hex(c.issuerEntropyHex),
        keySizeBits: c.keySizeBits,
        requestKeySizeBits: c.requestKeySizeBits,
      };
      const label = `computed-key tcId ${c.tcId} (${c.comment})`;
      if (c.result === 'valid') {
        const key = computedKey(input);
        expect(key.length * 8, label).toBe(c.expectedKeySizeBits);
        expect(toHex(key), label).toBe(c.keyHex);
      } else {
        expectCode(() => computedKey(input), c.errorCode, label);
      }
    });
  }
});

describe('MS-OCAUTHWS 4.2 example', () => {
  // The entropies of the spec's IssueToken example; wstrust pinned the resulting proof key.
  test('computedKey agrees with vectors/wstrust/computed-key-psha1.json', () => {
    const file = JSON.parse(readFileSync(new URL('../../../vectors/wstrust/computed-key-psha1.json', import.meta.url), 'utf8'));
    const cases = file.testGroups.flatMap((g: { tests: unknown[] }) => g.tests) as {
      tcId: number;
      requestorEntropyHex: string;
      issuerEntropyHex: string;
      length: number;
      keyHex: string;
    }[];
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const key = computedKey({ requestorEntropy: hex(c.requestorEntropyHex), issuerEntropy: hex(c.issuerEntropyHex), keySizeBits: c.length * 8 });
      expect(toHex(key), `wstrust computed-key tcId ${c.tcId}`).toBe(c.keyHex);
    }
  });
});
