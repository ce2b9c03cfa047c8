import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyMessage, pSha1, SecurityError } from './internals.js';

const V = new URL('../../../vectors/wstrust/', import.meta.url);
const load = (f: string) => JSON.parse(readFileSync(new URL(f, V), 'utf8'));

describe('vectors/wstrust/ws-security-hmac.json (xmlsec1-signed messages and mutations)', () => {
  const file = load('ws-security-hmac.json');
  for (const g of file.testGroups) {
    const key = Buffer.from(g.keyHex, 'hex');
    for (const t of g.tests) {
      it(`tcId ${t.tcId}: ${t.comment} → ${t.result}`, () => {
        let code = 'valid';
        try {
          verifyMessage(t.msg, { now: new Date(t.now), resolveKey: () => key });
        } catch (e) {
          expect(e, `tcId ${t.tcId}`).toBeInstanceOf(SecurityError);
          code = (e as SecurityError).code;
        }
        if (t.result === 'valid') expect(code, `tcId ${t.tcId} ${t.comment}`).toBe('valid');
        else expect(code, `tcId ${t.tcId} ${t.comment}`).toBe(t.expectedCode);
      });
    }
  }
  it('the file holds the tests it declares, both valid and invalid ones (a truncated file cannot pass for a complete one)', () => {
    const tests = file.testGroups.flatMap((g: { tests: { result: string }[] }) => g.tests);
    expect(tests).toHaveLength(file.numberOfTests);
    expect(tests.filter((t: { result: string }) => t.result === 'valid').length).toBeGreaterThan(0);
    expect(tests.filter((t: { result: string }) => t.result === 'invalid').length).toBeGreaterThan(0);
  });
});

describe('vectors/wstrust/computed-key-psha1.json (openssl TLS1-PRF)', () => {
  for (const t of load('computed-key-psha1.json').testGroups[0].tests) {
    it(`tcId ${t.tcId}: ${t.comment}`, () => {
      expect(
        Buffer.from(pSha1(Buffer.from(t.requestorEntropyHex, 'hex'), Buffer.from(t.issuerEntropyHex, 'hex'), t.length)).toString('hex'),
        `tcId ${t.tcId}`,
      ).toBe(t.keyHex);
    });
  }
});
