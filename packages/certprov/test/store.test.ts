import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority, CertificateStoreError, MemoryCertificateStore, storeCertificateValidator, type IssuedCertificate } from '@ocauth/certprov';

const t0 = new Date('2026-01-01T00:00:00Z');
const ca = CertificateAuthority.create({ clock: () => t0, keySizeBits: 1024 });
const key = generateKeyPairSync('rsa', { modulusLength: 1024 });
const DEV = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';
const rec = (c: IssuedCertificate, entity = 'alice@contoso.com', deviceId = DEV) => ({
  entity,
  deviceId,
  serialNumber: c.serialNumber,
  der: c.der,
  notBefore: new Date(c.x509.validFrom),
  notAfter: new Date(c.x509.validTo),
});
const issue = (entity = 'alice@contoso.com') => ca.issue({ publicKey: key.publicKey, entity, deviceId: DEV, validityHours: 8 });

describe('MemoryCertificateStore + storeCertificateValidator', () => {
  it('a new certificate for the same user and DeviceId revokes the previous one', async () => {
    const store = new MemoryCertificateStore();
    const v = storeCertificateValidator(store, { clock: () => new Date(t0.getTime() + 3_600_000) });
    const a = issue();
    await store.publish(rec(a), t0);
    expect(await v.validate(a.x509)).toEqual({ sipUri: 'sip:alice@contoso.com' });
    const b = issue();
    expect(await store.publish(rec(b), t0)).toEqual({ revoked: [a.serialNumber] });
    expect(await v.validate(a.x509)).toBeNull();
    expect(await v.validate(b.x509)).toEqual({ sipUri: 'sip:alice@contoso.com' });
    // a third one revokes only the live one (b), not a again
    const b2 = issue();
    expect(await store.publish(rec(b2), t0)).toEqual({ revoked: [b.serialNumber] });
    expect(await v.validate(b.x509)).toBeNull();
    expect(await store.revoke(b2.serialNumber, t0)).toBe(true);
    const b3 = issue();
    expect(await store.publish(rec(b3), t0)).toEqual({ revoked: [] });
    // other device: not revoked
    const c = issue();
    await store.publish(rec(c, 'alice@contoso.com', '{00000000-0000-0000-0000-000000000001}'), t0);
    expect(await v.validate(b3.x509)).not.toBeNull();
    expect((await store.listForEntity('sip:Alice@contoso.com')).length).toBe(5);
  });

  it('rejects unknown, expired and explicitly revoked certificates', async () => {
    const store = new MemoryCertificateStore();
    const a = issue();
    await store.publish(rec(a), t0);
    expect(await storeCertificateValidator(store, { clock: () => new Date(t0.getTime() + 9 * 3_600_000) }).validate(a.x509)).toBeNull();
    expect(await storeCertificateValidator(store, { clock: () => t0 }).validate(issue().x509)).toBeNull();
    expect(await store.revoke(a.serialNumber, t0)).toBe(true);
    expect(await store.revoke(a.serialNumber, t0)).toBe(false);
    expect(await storeCertificateValidator(store, { clock: () => t0 }).validate(a.x509)).toBeNull();
  });

  it('a failed publish leaves no half-published state', async () => {
    const store = new MemoryCertificateStore();
    const v = storeCertificateValidator(store, { clock: () => t0 });
    const a = issue();
    await store.publish(rec(a), t0);
    store.failNext();
    const b = issue();
    await expect(store.publish(rec(b), t0)).rejects.toThrow(CertificateStoreError);
    expect(await v.validate(a.x509)).not.toBeNull();
    expect(await store.findBySerial(b.serialNumber)).toBeUndefined();
    await expect(store.publish(rec(a), t0)).rejects.toMatchObject({ code: 'ERR_CERTPROV_STORE_DUPLICATE_SERIAL' });
    expect(await v.validate(a.x509)).not.toBeNull();
  });
});
