import { describe, expect, it } from 'vitest';
import { AuthBrokerClient, AuthBrokerError, TlsDskError, type TlsDskRegistrarResult } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { makeBroker, registrar, SIP_INSTANCE, TARGET } from './support/fixture.js';
import { serve } from './support/serve.js';
import { issueTicket } from './support/tickets.js';

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

describe("end to end over loopback HTTP: CreateAuthBrokerSession → signing keys equal to the registrar's", () => {
  for (const version of [1, 2] as const) {
    it(`V${version} (${version === 1 ? 'TLS 1.0, SHA1' : 'TLS 1.2, SHA256'})`, async () => {
      const { handler, clock } = makeBroker();
      const srv = await serve(handler);
      try {
        const client = new AuthBrokerClient({ url: srv.url, webTicket: issueTicket('sip:user1@contoso.test', new Date(clock().getTime() + 3600_000)), clock });
        let sessionId: string;
        if (version === 1) {
          const s = await client.createSession();
          expect(s.hashAlgorithm).toBe('SHA1');
          sessionId = s.sessionId;
          const lifetime = await client.acquireCredential(sessionId, SIP_INSTANCE);
          expect(lifetime).toBeGreaterThan(7 * 3600);
          expect(lifetime).toBeLessThanOrEqual(8 * 3600);
        } else {
          sessionId = (await client.createSessionV2()).sessionId;
          expect(await client.acquireCredentialV2(sessionId, SIP_INSTANCE, ['SHA1', 'SHA256'])).toBeGreaterThan(7 * 3600);
        }
        const peer = registrar(version === 1 ? 'TLSv1' : 'TLSv1.2');
        let last: TlsDskRegistrarResult | undefined;
        const legs: string[] = [];
        const keys = await client.handshake({
          sessionId,
          target: TARGET,
          version,
          exchange: async (token) => {
            legs.push(token);
            last = await peer.respond(token);
            return last.gssapiData;
          },
        });
        expect(legs).toHaveLength(2);
        expect(last?.done).toBe(true);
        expect(b64(keys.clientSigningKey)).toBe(b64(last!.keys!.clientSigningKey));
        expect(b64(keys.serverSigningKey)).toBe(b64(last!.keys!.serverSigningKey));
        expect(last!.keys!.protocol).toBe(version === 1 ? 'TLSv1' : 'TLSv1.2');
        expect(keys.maxSignature).toBe(version === 1 ? 20 : 32);
        if (version === 2) {
          expect(keys.hashAlgorithm).toBe('SHA256');
          expect(keys.hashAlgorithmId).toBe(0x800c);
        }
        expect(last!.clientCertificate?.subject).toContain('user1@contoso.test');
        await client.terminateSession(sessionId);
        const after =
          version === 1 ? await client.negotiateSecurityAssociation(sessionId, TARGET) : await client.negotiateSecurityAssociationV2(sessionId, TARGET);
        expect(after.securityStatus).toBe(SecurityStatus.InvalidHandle);
      } finally {
        await srv.close();
      }
    });
  }

  it('a rogue certificate (not trusted by the registrar) fails with UntrustedRoot at the registrar', async () => {
    const { client } = makeBroker();
    const c = client('sip:rogue@contoso.test');
    const { sessionId } = await c.createSession();
    expect(await c.acquireCredential(sessionId, SIP_INSTANCE)).toBeGreaterThan(0);
    const peer = registrar();
    const err = await c.handshake({ sessionId, target: TARGET, exchange: async (t) => (await peer.respond(t)).gssapiData }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsDskError);
    expect((err as TlsDskError).securityStatus).toBe(SecurityStatus.UntrustedRoot);
  });

  it('a tampered final leg from the SIP server fails with MessageAltered and yields no keys', async () => {
    const { client } = makeBroker();
    const c = client();
    const { sessionId } = await c.createSession();
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    const peer = registrar();
    const err = await c
      .handshake({
        sessionId,
        target: TARGET,
        exchange: async (t) => {
          const r = await peer.respond(t);
          if (!r.done) return r.gssapiData;
          const b = Buffer.from(r.gssapiData, 'base64');
          b[b.length - 1]! ^= 0x80;
          return b.toString('base64');
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthBrokerError);
    expect((err as AuthBrokerError).code).toBe('ERR_AUTHBROKER_NEGOTIATION');
    expect((err as Error).message).toMatch(/MessageAltered/);
  });

  it("a SIP server outside the broker's trust fails with UntrustedRoot", async () => {
    const { client } = makeBroker({ registrarTrust: { trustedCertificates: [(await import('./support/pki.js')).testPki().userCa.certificate] } });
    const c = client();
    const { sessionId } = await c.createSession();
    await c.acquireCredential(sessionId, SIP_INSTANCE);
    const peer = registrar();
    await expect(c.handshake({ sessionId, target: TARGET, exchange: async (t) => (await peer.respond(t)).gssapiData })).rejects.toThrow(/UntrustedRoot/);
  });
});
