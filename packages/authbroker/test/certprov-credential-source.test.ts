// The broker's credential comes from the certificate provisioning side: a certificate issued by the
// @ocauth/certprov CA for the session's SIP URI and published to its store. The registrar trusts
// that CA, so the full TLS-DSK handshake completes with keys equal on both sides.
import { X509Certificate } from 'node:crypto';
import { CertificateAuthority, MemoryCertificateStore } from '@ocauth/certprov';
import { certProvCredentialSource, deviceIdFor, TlsDskRegistrarPeer, type CredentialRequest } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { describe, expect, it } from 'vitest';
import { makeBroker, pki, SIP_INSTANCE, TARGET } from './support/fixture.js';

const ca = CertificateAuthority.create({ commonName: 'Broker Test CA', keySizeBits: 2048 });
const req = (sipUri: string, sipInstance = SIP_INSTANCE): CredentialRequest => ({ sipUri, sipInstance, sessionId: 's', ticket: {} as never });

describe('certProvCredentialSource', () => {
  it('issues, publishes and hands the broker a certificate the registrar accepts (V2 handshake, equal keys)', async () => {
    const store = new MemoryCertificateStore();
    // The source issues on the broker's clock: a real-time source would count key generation into the lifetime.
    let brokerClock = () => new Date();
    const { client, clock } = makeBroker({ credentialSource: certProvCredentialSource({ ca, store, clock: () => brokerClock() }) });
    brokerClock = clock;
    const c = client('sip:user1@contoso.test');
    const { sessionId } = await c.createSessionV2();
    const lifetime = await c.acquireCredentialV2(sessionId, SIP_INSTANCE);
    expect(lifetime).toBeGreaterThan(7 * 3600);
    expect(lifetime).toBeLessThanOrEqual(8 * 3600);
    const peer = new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [ca.certificate.toString()], protocol: 'TLSv1.2' });
    let registrarKeys: { clientSigningKey: Uint8Array } | undefined;
    const keys = await c.handshake({
      sessionId,
      target: TARGET,
      version: 2,
      exchange: async (t) => {
        const r = await peer.respond(t);
        if (r.keys) registrarKeys = r.keys;
        return r.gssapiData;
      },
    });
    expect(registrarKeys).toBeDefined();
    expect(Buffer.from(keys.clientSigningKey).equals(Buffer.from(registrarKeys!.clientSigningKey))).toBe(true);
    const published = await store.listForEntity('user1@contoso.test');
    expect(published).toHaveLength(1);
    const x = new X509Certificate(published[0]!.der);
    expect(x.subject).toContain('CN=user1@contoso.test');
    expect(x.verify(ca.certificate.publicKey)).toBe(true);
    expect(published[0]!.deviceId).toBe(deviceIdFor('sip:user1@contoso.test', SIP_INSTANCE));
  });

  it('reuses a valid credential, re-issues when revoked or close to expiry, and supersedes the old one', async () => {
    const store = new MemoryCertificateStore();
    let now = new Date('2026-11-23T08:00:00Z');
    const src = certProvCredentialSource({ ca, store, clock: () => now, validityHours: 8, renewBeforeSeconds: 600 });
    const a = await src.acquire(req('sip:alice@contoso.test'));
    const b = await src.acquire(req('sip:alice@contoso.test'));
    expect(b!.certificate).toBe(a!.certificate);
    expect(await store.listForEntity('alice@contoso.test')).toHaveLength(1);
    const serialA = new X509Certificate(a!.certificate as string).serialNumber;
    await store.revoke(serialA, now);
    const c = await src.acquire(req('sip:alice@contoso.test'));
    expect(c!.certificate).not.toBe(a!.certificate);
    now = new Date(now.getTime() + (8 * 3600 - 300) * 1000); // inside the renewal window
    const d = await src.acquire(req('sip:alice@contoso.test'));
    expect(d!.certificate).not.toBe(c!.certificate);
    const all = await store.listForEntity('alice@contoso.test');
    expect(all).toHaveLength(3);
    expect(all.filter((s) => !s.revokedAt)).toHaveLength(1); // each new one revoked its predecessor
    // another endpoint of the same user is another device with its own certificate
    const e = await src.acquire(req('sip:alice@contoso.test', '11111111-2222-3333-4444-555555555555'));
    expect(e!.certificate).not.toBe(d!.certificate);
    expect((await store.listForEntity('alice@contoso.test')).filter((s) => !s.revokedAt)).toHaveLength(2);
  });

  it('concurrent acquisitions for one endpoint share one issuance', async () => {
    const store = new MemoryCertificateStore();
    const src = certProvCredentialSource({ ca, store });
    const got = await Promise.all(Array.from({ length: 5 }, () => src.acquire(req('sip:bob@contoso.test'))));
    expect(new Set(got.map((g) => g!.certificate)).size).toBe(1);
    expect(await store.listForEntity('bob@contoso.test')).toHaveLength(1);
  });

  it('a store failure gives the broker no credential: AcquireCredential answers lifetime 0', async () => {
    const store = new MemoryCertificateStore();
    store.failNext(1);
    const { client } = makeBroker({ credentialSource: certProvCredentialSource({ ca, store }) });
    const c = client('sip:user1@contoso.test');
    const { sessionId } = await c.createSession();
    expect(await c.acquireCredential(sessionId, SIP_INSTANCE)).toBe(0);
    expect(await store.listForEntity('user1@contoso.test')).toHaveLength(0);
  });

  it('MS-OCAUTHWS 3.3.4.3: a disabled or unknown account obtains no certificate (lifetime 0), not even the one issued to it earlier', async () => {
    const store = new MemoryCertificateStore();
    const enabled = new Map([['sip:carol@contoso.test', true]]);
    const userDirectory = { findUser: async (sipUri: string) => (enabled.has(sipUri) ? { enabled: enabled.get(sipUri)!, sipUri } : undefined) };
    const { client } = makeBroker({ credentialSource: certProvCredentialSource({ ca, store, userDirectory }) });
    const carol = client('sip:carol@contoso.test');
    const first = await carol.createSession();
    expect(await carol.acquireCredential(first.sessionId, SIP_INSTANCE)).toBeGreaterThan(7 * 3600);
    enabled.set('sip:carol@contoso.test', false); // disabled after her certificate was issued (and cached)
    const second = await carol.createSession();
    expect(await carol.acquireCredential(second.sessionId, SIP_INSTANCE)).toBe(0);
    const leg = await carol.negotiateSecurityAssociation(second.sessionId, TARGET);
    expect(leg.securityStatus).toBe(SecurityStatus.NoCredentials);
    expect(leg.outString).toBe('');
    expect(await store.listForEntity('carol@contoso.test')).toHaveLength(1); // nothing new issued
    const dave = client('sip:dave@contoso.test'); // not in the directory
    const s = await dave.createSessionV2();
    expect(await dave.acquireCredentialV2(s.sessionId, SIP_INSTANCE)).toBe(0);
    expect(await store.listForEntity('dave@contoso.test')).toHaveLength(0);
    await expect(certProvCredentialSource({ ca, store, userDirectory }).acquire(req('sip:carol@contoso.test'))).rejects.toMatchObject({
      code: 'ERR_AUTHBROKER_CREDENTIAL',
      field: 'sipUri',
      message: 'sipUri: expected an enabled account, received a disabled account sip:carol@contoso.test',
    });
  });

  it('rejects bad configuration and malformed SIP URIs with typed errors', async () => {
    const store = new MemoryCertificateStore();
    expect(() => certProvCredentialSource({ ca: undefined as never, store })).toThrow(/ca: expected a certprov CertificateAuthority/);
    expect(() => certProvCredentialSource({ ca, store, keySize: 512 })).toThrow(/keySize: expected 1024–16384 bits, received 512/);
    expect(() => certProvCredentialSource({ ca, store, validityHours: 0 })).toThrow(/validityHours/);
    await expect(certProvCredentialSource({ ca, store }).acquire(req('sip:nodomain'))).rejects.toMatchObject({ code: 'ERR_AUTHBROKER_CREDENTIAL' });
  });

  it('deviceIdFor is a stable braced GUID per (SIP URI, instance)', () => {
    const id = deviceIdFor('sip:Alice@Contoso.test', 'x');
    expect(id).toMatch(/^\{[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$/);
    expect(deviceIdFor('sip:alice@contoso.test', 'x')).toBe(id);
    expect(deviceIdFor('sip:alice@contoso.test', 'y')).not.toBe(id);
  });
});
