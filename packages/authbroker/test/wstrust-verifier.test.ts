// End to end with @ocauth/wstrust's real ticket verifier: a holder-of-key web ticket signed by the
// Web Ticket Service's key, the proof key wrapped for the pool, the client proving possession on
// every request (signMessage), the broker verifying with createTicketVerifier — then the TLS-DSK
// handshake to the registrar. Forged, expired and other-pool tickets get 401 with 28032/28033/28034.
import { parseMsDiagnostics } from '@ocauth/diagnostics';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildSignedAssertion, createTicketVerifier, signMessage, wrapKey } from '@ocauth/wstrust';
import { AuthBrokerClient, createAuthBrokerHandler, type AuthBrokerSoapFault } from '@ocauth/authbroker';
import { pki, registrar, SIP_INSTANCE, TARGET } from './support/fixture.js';
import { serve } from './support/serve.js';

/** A certificate and key from the test PKI playing the Web Ticket Service's signing certificate. */
const signerFrom = (x: { certificate: string; privateKey: string }) => ({
  certificate: new X509Certificate(x.certificate),
  privateKey: createPrivateKey(x.privateKey),
});

describe('broker behind @ocauth/wstrust createTicketVerifier (holder-of-key tickets with proof of possession)', () => {
  const issuer = signerFrom(pki.serverCa);
  const pool = { keyName: '54aae93a-2d06-573b-b07b-768c3ba1fc56:8d18f6a2ac8b8c8', key: randomBytes(32) };
  const now = new Date();
  const clock = () => now;
  const ticketFor = (sipUri: string, opts: { notOnOrAfter?: Date; kek?: Uint8Array; keyName?: string; signer?: typeof issuer } = {}) => {
    const proofKey = randomBytes(32);
    const assertionId = `SamlSecurityToken-${randomBytes(8).toString('hex')}`;
    const xml = buildSignedAssertion(
      {
        AssertionID: assertionId,
        Issuer: 'https://pool.contoso.test/WebTicket',
        IssueInstant: now,
        NotBefore: new Date(now.getTime() - 60_000),
        NotOnOrAfter: opts.notOnOrAfter ?? new Date(now.getTime() + 8 * 3600_000),
        Audience: 'https://pool.contoso.test/',
        SipUri: sipUri,
        AuthenticationMethod: 'urn:oasis:names:tc:SAML:1.0:am:unspecified',
        AuthenticationInstant: now,
        ProofKey: { KeyName: opts.keyName ?? pool.keyName, CipherValue: wrapKey(opts.kek ?? pool.key, proofKey) },
      },
      opts.signer ?? issuer,
    );
    return { xml, proofKey, assertionId };
  };

  it("CreateAuthBrokerSession → signing keys equal to the registrar's, over loopback HTTP", async () => {
    const handler = createAuthBrokerHandler({
      ticketVerifier: createTicketVerifier({
        issuerCertificates: [issuer.certificate],
        poolKeys: [pool],
        clock,
        audience: 'https://pool.contoso.test/Reach/Sip.svc/AuthBroker',
      }),
      credentialSource: { acquire: async () => pki.user },
      registrarTrust: { trustedCertificates: [pki.serverCa.certificate] },
      clock,
      sweepIntervalSeconds: 0,
    });
    const srv = await serve(handler);
    try {
      const t = ticketFor('sip:user1@contoso.test');
      const client = new AuthBrokerClient({
        url: srv.url,
        webTicket: t.xml,
        clock,
        signEnvelope: (envelope, { webTicket, now: n }) =>
          signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now: n }),
      });
      const { sessionId } = await client.createSessionV2();
      expect(await client.acquireCredentialV2(sessionId, SIP_INSTANCE)).toBeGreaterThan(0);
      const peer = registrar('TLSv1.2');
      let last: Awaited<ReturnType<typeof peer.respond>> | undefined;
      const keys = await client.handshake({ sessionId, target: TARGET, version: 2, exchange: async (g) => (last = await peer.respond(g)).gssapiData });
      expect(Buffer.from(keys.clientSigningKey).equals(Buffer.from(last!.keys!.clientSigningKey))).toBe(true);
      expect(Buffer.from(keys.serverSigningKey).equals(Buffer.from(last!.keys!.serverSigningKey))).toBe(true);
      await client.terminateSession(sessionId);

      // Hostile tickets: forged issuer, expired, wrapped for another pool, no proof of possession.
      const rogueIssuer = signerFrom(pki.userCa);
      const cases: [string, ReturnType<typeof ticketFor>, string, boolean][] = [
        ['forged issuer', ticketFor('sip:user1@contoso.test', { signer: rogueIssuer }), '28032', true],
        ['expired', ticketFor('sip:user1@contoso.test', { notOnOrAfter: new Date(now.getTime() - 3600_000) }), '28033', true],
        ['other pool', ticketFor('sip:user1@contoso.test', { kek: randomBytes(32), keyName: 'other:1' }), '28034', true],
        ['no proof of possession', ticketFor('sip:user1@contoso.test'), '28032', false],
      ];
      for (const [name, tk, id, sign] of cases) {
        const c = new AuthBrokerClient({
          url: srv.url,
          webTicket: tk.xml,
          clock,
          ...(sign
            ? {
                signEnvelope: (envelope: string, ctx: { webTicket: string; now: Date }) =>
                  signMessage({ envelope, proofKey: tk.proofKey, assertionId: tk.assertionId, token: ctx.webTicket, now: ctx.now }),
              }
            : {}),
        });
        const err = (await c.createSessionV2().catch((e: unknown) => e)) as AuthBrokerSoapFault;
        expect(err.httpStatus, name).toBe(401);
        expect(err.diagnostics, name).toMatch(new RegExp(`^${id};`));
        // The header is what @ocauth/diagnostics formats and reads strictly; the client parsed it and explains it.
        const strict = parseMsDiagnostics(err.diagnostics, { strict: true });
        expect(strict.ok && strict.value, name).toMatchObject({ errorId: Number(id), source: 'localhost', fault: 'wsse:InvalidSecurityToken' });
        expect(err, name).toMatchObject({ errorId: Number(id), finding: { id: `webticket.${id}` } });
        expect(err.reason, name).toMatch(/^web ticket rejected: /);
      }
    } finally {
      await srv.close();
    }
  });

  it('with requireProofOfPossession: false (ticket as a signed supporting token, as in spec 4.3.1) unsigned requests pass; a bad signature still fails', async () => {
    const handler = createAuthBrokerHandler({
      ticketVerifier: createTicketVerifier({ issuerCertificates: [issuer.certificate], poolKeys: [pool], clock, requireProofOfPossession: false }),
      credentialSource: { acquire: async () => pki.user },
      clock,
      sweepIntervalSeconds: 0,
    });
    const fetch = (async (u: unknown, init?: RequestInit) => handler(new Request(String(u), init))) as typeof globalThis.fetch;
    const t = ticketFor('sip:user1@contoso.test');
    const plain = new AuthBrokerClient({ url: 'https://pool.contoso.test/Reach/Sip.svc/AuthBroker', webTicket: t.xml, clock, fetch });
    const { sessionId, hashAlgorithm } = await plain.createSession();
    expect(hashAlgorithm).toBe('SHA1');
    expect(await plain.acquireCredential(sessionId, SIP_INSTANCE)).toBeGreaterThan(0);
    const badSig = new AuthBrokerClient({
      url: 'https://pool.contoso.test/Reach/Sip.svc/AuthBroker',
      webTicket: t.xml,
      clock,
      fetch,
      signEnvelope: (envelope, ctx) => signMessage({ envelope, proofKey: randomBytes(32), assertionId: t.assertionId, token: ctx.webTicket, now: ctx.now }),
    });
    const err = (await badSig.createSession().catch((e: unknown) => e)) as { httpStatus?: number; diagnostics?: string };
    expect(err.httpStatus).toBe(401);
    expect(err.diagnostics).toMatch(/^28032;/);
  });
});
