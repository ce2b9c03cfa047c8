// The verifier's memory of issuer signatures that verified (verifiedTicketCacheSize): it saves the RSA verification
// of a ticket seen before and nothing else; every refusal stays. node:crypto's verify is counted through a mock.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    verify: (...a: Parameters<typeof real.verify>) => {
      calls.n++;
      return (real.verify as (...x: unknown[]) => unknown)(...a);
    },
  };
});

const { buildSignedAssertion, createTicketVerifier, keyNameOf, wrapKey, formatWebTicketHeaderValue } = await import('./internals.js');
const { issuerCert, issuerKey, poolKey } = await import('./support.js');

const T0 = new Date('2026-03-01T10:00:00.000Z');
const AUD = 'https://pool0.example.com/CertProv/CertProvisioningService.svc';
const signer = { privateKey: createPrivateKey(issuerKey), certificate: new X509Certificate(issuerCert) };
const ticket = (id: string, lifetimeMs = 3600_000, sip = 'sip:alice@example.com') =>
  buildSignedAssertion(
    {
      AssertionID: id,
      Issuer: 'https://pool0.example.com/WebTicket/WebTicketService.svc',
      IssueInstant: T0,
      NotBefore: T0,
      NotOnOrAfter: new Date(T0.getTime() + lifetimeMs),
      Audience: 'https://pool0.example.com/',
      SipUri: sip,
      AuthenticationMethod: 'urn:oasis:names:tc:SAML:1.0:am:unspecified',
      AuthenticationInstant: T0,
      ProofKey: { KeyName: keyNameOf(poolKey.key), CipherValue: wrapKey(poolKey.key, new Uint8Array(32).fill(7)) },
    },
    signer,
  );

let now = T0.getTime();
const verifier = (size?: number) =>
  createTicketVerifier({
    issuerCertificates: [issuerCert],
    poolKeys: [poolKey],
    clock: () => new Date(now),
    audience: AUD,
    skewSeconds: 0,
    ...(size === undefined ? {} : { verifiedTicketCacheSize: size }),
  });

beforeEach(() => {
  calls.n = 0;
  now = T0.getTime() + 1000;
});

describe('verifiedTicketCacheSize', () => {
  it('a ticket seen before is not RSA-verified again; with 0 it is, every time', async () => {
    const v = verifier();
    const t = formatWebTicketHeaderValue(ticket('SamlSecurityToken-a'));
    for (let i = 0; i < 3; i++) expect((await v.verifyToken(t)).sipUri).toBe('sip:alice@example.com');
    expect(calls.n).toBe(1);
    const off = verifier(0);
    for (let i = 0; i < 3; i++) await off.verifyToken(t);
    expect(calls.n).toBe(4);
  });

  it('every refusal stays with the ticket remembered: altered content, altered SignatureValue, expiry', async () => {
    const v = verifier();
    const xml = ticket('SamlSecurityToken-b', 60_000);
    await v.verifyToken(xml);
    // The content is digested on every request: the same SignedInfo over altered content is refused.
    await expect(v.verifyToken(xml.replace('sip:alice@', 'sip:mallory@'))).rejects.toMatchObject({ errorId: 28032 });
    // A different SignatureValue is a different key: verified (and refused) afresh.
    const sv = /<SignatureValue>([^<]+)</.exec(xml)![1]!;
    const flipped = sv.startsWith('A') ? `B${sv.slice(1)}` : `A${sv.slice(1)}`;
    await expect(v.verifyToken(xml.replace(sv, flipped))).rejects.toMatchObject({ errorId: 28032 });
    // Lifetime is checked on every request.
    now = T0.getTime() + 60_000;
    await expect(v.verifyToken(xml)).rejects.toMatchObject({ code: 'ERR_WSTRUST_TICKET_EXPIRED', errorId: 28033 });
  });

  it('a failed check is never remembered; an entry goes when its ticket expires; the size bound holds', async () => {
    const v = verifier(2);
    const bad = ticket('SamlSecurityToken-c').replace(/<SignatureValue>./, '<SignatureValue>Z');
    for (let i = 0; i < 2; i++) await expect(v.verifyToken(bad)).rejects.toMatchObject({ errorId: 28032 });
    expect(calls.n).toBe(2);
    const [a, b, c] = ['x1', 'x2', 'x3'].map((id) => ticket(`SamlSecurityToken-${id}`, 10_000));
    calls.n = 0;
    for (const t of [a, b, c, c, b]) await v.verifyToken(t!); // a, b remembered; c evicts a; c and b hits
    expect(calls.n).toBe(3);
    await v.verifyToken(a!); // a was evicted
    expect(calls.n).toBe(4);
    // Past NotOnOrAfter the ticket is refused (checked on every request, remembered or not).
    now = T0.getTime() + 10_000;
    await expect(v.verifyToken(b!)).rejects.toMatchObject({ errorId: 28033 });
  });

  it('a size that is not a whole number ≥ 0 is refused when the verifier is made', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '8' as unknown as number])
      expect(() => verifier(bad), String(bad)).toThrow(expect.objectContaining({ code: 'ERR_WSTRUST_VERIFIER_OPTIONS' }));
  });
});
