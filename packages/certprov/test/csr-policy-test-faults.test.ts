// checkCsr's testFaults (negative self-test of the conformance suite only): each one lifts exactly its own refusal.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateCsr } from '../src/index.js';
import { checkCsr } from '../src/internal/get-and-publish-cert/csr-policy.js';
import type { CertProvPolicy } from '../src/internal/handler-options.js';

const policy: Required<CertProvPolicy> = {
  minKeySizeBits: 1024,
  maxKeySizeBits: 16384,
  minValidityHours: 8,
  defaultValidityHours: 4320,
  maxValidityHours: 8760,
  validityOutOfRange: 'clamp',
};
const code = (f: () => unknown) => {
  try {
    f();
    return 'accepted';
  } catch (e) {
    return (e as { responseCode?: string; code?: string }).responseCode ?? (e as { code?: string }).code;
  }
};

describe('checkCsr testFaults', () => {
  const weak = generateCsr({ sipUri: 'alice@contoso.test', keyPair: generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }) }).der;
  const serverAuth = generateCsr({ sipUri: 'alice@contoso.test', keySizeBits: 1024, extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] }).der;
  it('refuses a weak RSA key and a serverAuth-only EKU by default; each fault lifts only its own refusal', () => {
    expect(code(() => checkCsr(weak, policy))).toBe('InvalidPublicKey');
    expect(code(() => checkCsr(serverAuth, policy))).toBe('InvalidEKU');
    expect(code(() => checkCsr(weak, policy, { acceptWeakRsaKeys: true }))).toBe('accepted');
    expect(code(() => checkCsr(weak, policy, { ignoreRequestedEku: true, acceptNonRsaKeys: true }))).toBe('InvalidPublicKey');
    expect(code(() => checkCsr(serverAuth, policy, { ignoreRequestedEku: true }))).toBe('accepted');
    expect(code(() => checkCsr(serverAuth, policy, { acceptWeakRsaKeys: true, acceptNonRsaKeys: true }))).toBe('InvalidEKU');
  });
});
