// CertProv's claims read starts before the ticket is verified (issue 20): its round trip overlaps the signature
// checks. Its answer is used only when the verified ticket yields the same keys, and never decides a request
// whose ticket fails verification.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '@ocauth/c14n';
import { parseEnvelope, type TicketVerifier, type VerifiedTicket } from '@ocauth/wstrust';
import { openStore, type ServerStore } from '@ocauth/server';
import { proofGuards, unverifiedSubject } from '../src/internal/replay.js';

let store: ServerStore;
beforeAll(async () => {
  store = await openStore({ kind: 'memory' }, mkdtempSync(join(tmpdir(), 'ocauth-readahead-')));
});
afterAll(async () => store?.close());

const now = new Date('2026-06-01T10:00:00Z');
const request = (assertionId: string, signatureValue: string, sip = 'sip:ann@ocauth.test') =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>` +
  `<o:Security xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">` +
  `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" AssertionID="${assertionId}"><saml:AuthenticationStatement><saml:Subject><saml:NameIdentifier>${sip}</saml:NameIdentifier></saml:Subject></saml:AuthenticationStatement></saml:Assertion>` +
  `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>${signatureValue}</ds:SignatureValue></ds:Signature>` +
  `</o:Security></s:Header><s:Body><GetAndPublishCert xmlns="urn:x"/></s:Body></s:Envelope>`;

/** A CertProv verify call inside the handler context, with an inner verifier that takes 15 ms; the order of events. */
async function run(xml: string, inner: (env: VerifiedTicket['envelope']) => Promise<VerifiedTicket>) {
  const events: string[] = [];
  const security = new Proxy(store.security, {
    get(t, p) {
      const v = Reflect.get(t, p, t) as unknown;
      if (p === 'liveClaims')
        return (keys: string[], at: number) => {
          events.push(`read ${keys.filter((k) => k.startsWith('ticketcert|')).join(',')}`);
          return (v as (k: string[], a: number) => Promise<Set<string>>).call(t, keys, at);
        };
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(t) : v;
    },
  });
  const guards = proofGuards(security, {}, () => now, 300_000);
  guards.certificateStore(store.certificates);
  const verifier = guards.certProvGuarded({
    verify: async (_input, parsed) => {
      events.push('verify start');
      await new Promise((r) => setTimeout(r, 15));
      const t = await inner(parseEnvelope(parsed!.document!));
      events.push('verify end');
      return t;
    },
    verifyToken: async () => {
      throw new Error('unused');
    },
  } as TicketVerifier);
  let outcome: unknown;
  await guards.certProvHandler(async () => {
    try {
      outcome = await verifier.verify(xml, { document: parseXml(xml) as never });
    } catch (e) {
      outcome = e;
    }
    return new Response(null, { status: 204 });
  })(new Request('https://x.test/CertProv'));
  return { events, outcome };
}
const ticket = (assertionId: string, envelope: VerifiedTicket['envelope']) =>
  ({
    sipUri: 'sip:ann@ocauth.test',
    assertionId,
    notOnOrAfter: new Date(now.getTime() + 600_000),
    envelope,
    timestamp: { created: now, expires: new Date(now.getTime() + 300_000) },
    signedElements: [],
  }) as unknown as VerifiedTicket;

describe('CertProv claims read ahead of verification', () => {
  it('is made once, before the ticket is verified, when the verified ticket has the keys the request showed', async () => {
    const { events, outcome } = await run(request('A-1', 'c2lnLTE='), async (env) => ticket('A-1', env));
    expect((outcome as VerifiedTicket).assertionId).toBe('A-1');
    expect(events).toEqual(['read ticketcert|A-1|0', 'verify start', 'verify end']); // red when the read waits for the verdict
  });

  it('is made again with the verified keys when they differ, and its answer decides', async () => {
    await store.security.claimOnce('ticketcert|B-verified|0', now.getTime() + 600_000, now.getTime()); // that ticket has its certificate
    const { events, outcome } = await run(request('B-shown', 'c2lnLTI='), async (env) => ticket('B-verified', env));
    expect(events).toEqual(['read ticketcert|B-shown|0', 'verify start', 'verify end', 'read ticketcert|B-verified|0']);
    expect((outcome as Error).message).toMatch(/B-verified.*has not obtained a certificate/);
  });

  it('a ticket that fails verification is refused by the verifier, whatever the read found', async () => {
    const { events, outcome } = await run(request('C-1', 'c2lnLTM='), async () => {
      throw Object.assign(new Error('bad signature'), { errorId: 28032 });
    });
    expect((outcome as Error).message).toBe('bad signature');
    expect(events).toEqual(['read ticketcert|C-1|0', 'verify start']);
  });

  it('unverifiedSubject names the SIP URI only when the NameIdentifiers agree', () => {
    expect(unverifiedSubject(parseXml(request('D', 'x')))).toBe('sip:ann@ocauth.test');
    const two = request('D', 'x').replace(
      '</saml:AuthenticationStatement>',
      '</saml:AuthenticationStatement><saml:AttributeStatement><saml:Subject><saml:NameIdentifier>sip:bob@ocauth.test</saml:NameIdentifier></saml:Subject></saml:AttributeStatement>',
    );
    expect(unverifiedSubject(parseXml(two))).toBeUndefined();
    expect(unverifiedSubject(parseXml('<a/>'))).toBeUndefined();
  });
});
