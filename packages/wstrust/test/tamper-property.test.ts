import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEnvelope, buildAddressingHeaders, signMessage, verifyMessage, WsTrustError } from './internals.js';

const key = new Uint8Array(32).fill(0x5a);
const T0 = new Date('2026-01-01T00:00:00.000Z');
const AID = 'SamlSecurityToken-1';
const xml = signMessage({
  envelope: buildEnvelope({ headers: buildAddressingHeaders({ action: 'urn:a', to: 'https://x/' }), body: '<b xmlns="urn:b"/>' }),
  proofKey: key,
  assertionId: AID,
  now: T0,
});
const start = xml.indexOf('<u:Timestamp');
// Timestamp, SignedInfo and SignatureValue (KeyInfo is not covered by the signature; its KeyIdentifier is checked by resolveKey).
const end = xml.indexOf('<KeyInfo>');
const resolveKey = (r: { keyIdentifier: string }) => {
  if (r.keyIdentifier !== AID) throw new WsTrustError('ERR_WSTRUST_KEY_REFERENCE', 'unknown token');
  return key;
};

describe('any single-character change in the signed region is refused with a typed error', () => {
  it('baseline verifies', () => expect(verifyMessage(xml, { now: T0, resolveKey }).timestamp.id).toBe('_0'));
  it('property (bounded run)', () => {
    fc.assert(
      fc.property(fc.integer({ min: start, max: end - 1 }), fc.constantFrom(...'AZaz09+/=_-:."<> x'.split('')), (i, c) => {
        fc.pre(xml[i] !== c);
        const bad = xml.slice(0, i) + c + xml.slice(i + 1);
        let outcome: unknown = 'verified';
        try {
          verifyMessage(bad, { now: T0, resolveKey });
        } catch (e) {
          outcome = e;
        }
        expect(outcome, `index ${i} ${JSON.stringify(xml.slice(i - 10, i + 10))} → ${JSON.stringify(c)}`).toBeInstanceOf(WsTrustError);
      }),
      { numRuns: Number(process.env.WSTRUST_FUZZ_RUNS ?? 400) },
    );
  });
});
