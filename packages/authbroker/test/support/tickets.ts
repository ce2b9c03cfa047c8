// A stand-in web ticket issuer/verifier for handler tests: tickets are HMAC-SHA256-signed SAML-like
// assertions. It checks signature, audience and lifetime against the injected clock, so a forged,
// tampered or expired ticket is really rejected. (@ocauth/wstrust's createTicketVerifier is the
// production verifier; see handler-wstrust.test.ts once it lands.)
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuthBrokerTicketVerifier } from '@ocauth/authbroker';

const KEY = Buffer.from('test-ticket-key-0123456789abcdef');

export function issueTicket(sipUri: string, notOnOrAfter: Date, key = KEY): string {
  const id = `SamlSecurityToken-${randomUUID()}`;
  const payload = `${id}|${sipUri}|${notOnOrAfter.toISOString()}`;
  const mac = createHmac('sha256', key).update(payload).digest('base64');
  return `<saml:Assertion MajorVersion="1" MinorVersion="1" AssertionID="${id}" xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"><saml:Conditions NotOnOrAfter="${notOnOrAfter.toISOString()}"/><saml:AuthenticationStatement><saml:Subject><saml:NameIdentifier>${sipUri}</saml:NameIdentifier></saml:Subject></saml:AuthenticationStatement><Mac>${mac}</Mac></saml:Assertion>`;
}

export class TicketError extends Error {
  constructor(
    message: string,
    readonly errorId: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export function testTicketVerifier(clock: () => Date): AuthBrokerTicketVerifier {
  return {
    async verify(envelope: string) {
      const m =
        /<saml:Assertion[^>]*AssertionID="([^"]+)"[\s\S]*?NotOnOrAfter="([^"]+)"[\s\S]*?<saml:NameIdentifier>([^<]+)<\/saml:NameIdentifier>[\s\S]*?<Mac>([^<]+)<\/Mac>/.exec(
          envelope,
        );
      if (!m) throw new TicketError('no web ticket in wsse:Security', 28032, 'ERR_TEST_TICKET_INVALID');
      const [, id, noa, sip, mac] = m as unknown as [string, string, string, string, string];
      const want = createHmac('sha256', KEY).update(`${id}|${sip}|${noa}`).digest();
      const got = Buffer.from(mac, 'base64');
      if (got.length !== want.length || !timingSafeEqual(got, want))
        throw new TicketError('web ticket signature does not verify', 28032, 'ERR_TEST_TICKET_INVALID');
      if (new Date(noa).getTime() <= clock().getTime()) throw new TicketError('web ticket expired', 28033, 'ERR_TEST_TICKET_EXPIRED');
      return { sipUri: sip, assertionId: id, notOnOrAfter: new Date(noa) };
    },
  };
}
