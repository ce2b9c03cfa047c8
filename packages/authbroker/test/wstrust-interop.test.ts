// Interoperation with @ocauth/wstrust: the client signs requests with the web ticket's proof key
// through wstrust's signMessage (holder-of-key proof of possession, MS-OCAUTHWS 3.2), and wstrust's
// verifyMessage accepts what the broker receives.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signMessage, verifyMessage } from '@ocauth/wstrust';
import { AuthBrokerClient, parseAuthBrokerRequest, type AuthBrokerTicketVerifier, createAuthBrokerHandler } from '@ocauth/authbroker';
import { pki, SIP_INSTANCE } from './support/fixture.js';

describe('holder-of-key proof of possession with @ocauth/wstrust', () => {
  const proofKey = randomBytes(32);
  const assertionId = 'SamlSecurityToken-5b1c2eaf-5806-4f8c-840d-e1254d4ff134';
  const ticket = `<saml:Assertion MajorVersion="1" MinorVersion="1" AssertionID="${assertionId}" xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"><saml:AuthenticationStatement><saml:Subject><saml:NameIdentifier>sip:user1@contoso.test</saml:NameIdentifier></saml:Subject></saml:AuthenticationStatement></saml:Assertion>`;
  const seen: string[] = [];
  // A verifier checking the proof-of-possession signature with wstrust's verifyMessage.
  const verifier: AuthBrokerTicketVerifier = {
    async verify(envelope) {
      seen.push(envelope);
      const v = verifyMessage(envelope, {
        resolveKey: (ref) => {
          if (ref.keyIdentifier !== assertionId) throw new Error(`unknown token ${ref.keyIdentifier}`);
          return proofKey;
        },
      });
      expect(v.timestamp.expires.getTime()).toBeGreaterThan(v.timestamp.created.getTime());
      return { sipUri: 'sip:user1@contoso.test', assertionId };
    },
  };
  const handler = createAuthBrokerHandler({ ticketVerifier: verifier, credentialSource: { acquire: async () => pki.user }, sweepIntervalSeconds: 0 });
  const client = (key: Uint8Array) =>
    new AuthBrokerClient({
      url: 'https://pool.contoso.test/Reach/Sip.svc/AuthBroker',
      webTicket: ticket,
      fetch: (async (u: unknown, init?: RequestInit) => handler(new Request(String(u), init))) as typeof fetch,
      signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: key, assertionId, token: webTicket, now }),
    });

  it('signed requests pass wstrust verification end to end and keep their SOAP body', async () => {
    const c = client(proofKey);
    const { sessionId } = await c.createSession();
    expect(await c.acquireCredential(sessionId, SIP_INSTANCE)).toBeGreaterThan(0);
    const parsed = parseAuthBrokerRequest(seen.at(-1)!);
    expect(parsed.operation).toBe('AuthBrokerAcquireCredential');
    expect(parsed.body).toEqual({ sessionId, sipInstance: SIP_INSTANCE });
    expect(seen.at(-1)).toContain('Signature');
    expect(seen.at(-1)).toContain(assertionId);
  });

  it('a request signed with the wrong proof key is rejected with 401', async () => {
    const err = await client(randomBytes(32))
      .createSession()
      .catch((e: unknown) => e as { code: string; httpStatus: number });
    expect(err).toMatchObject({ code: 'ERR_AUTHBROKER_SOAP_FAULT', httpStatus: 401 });
  });
});
