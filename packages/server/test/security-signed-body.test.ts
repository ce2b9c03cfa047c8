// Issue 16 item 3, last part: "when a client signs the Body, it is verified", and a strict server
// (`policy.requireSignedBody`) serves a client that signs it. The client side is wstrust's
// signMessage({ signBody: true }) (HMAC-SHA1 with the ticket's proof key over the Timestamp and the Body);
// the tampering is done on the bytes after signing, as an attacker on a captured request would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, WebTicketClient, type WebTicket } from '@ocauth/wstrust';
import { createHttpsFetch, startServer, type RunningServer } from '@ocauth/server';
import { certProvEnvelope, postCertProv } from './support/attack.js';

let lax: RunningServer;
let strict: RunningServer;
beforeAll(async () => {
  [lax, strict] = await Promise.all([
    startServer({ store: { kind: 'memory' }, logger: false }),
    startServer({ store: { kind: 'memory' }, logger: false, policy: { requireSignedBody: true } }),
  ]);
});
afterAll(async () => Promise.all([lax?.close(), strict?.close()]));

const fetchOf = (s: RunningServer) => createHttpsFetch({ ca: s.caCertificatePem });
const pinTicket = (s: RunningServer): Promise<WebTicket> =>
  new WebTicketClient({ credentials: { type: 'pin', identity: s.demoUser.phone, pin: s.demoUser.pin }, fetch: fetchOf(s) }).requestTicket(
    s.urls.certProv,
    s.urls.webTicket,
  );
const entity = (s: RunningServer) => s.demoUser.sipUri.replace(/^sip:/, '');
const signBody = (t: WebTicket, envelope: string) =>
  signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, signBody: true });

describe('a signed Body is verified (issue 16 item 3)', () => {
  it('the signature references the Body: one Reference per signed part, the Body carrying the wsu:Id it names', async () => {
    const t = await pinTicket(lax);
    const xml = signBody(t, certProvEnvelope(lax, { entity: entity(lax) }));
    // the proof-of-possession signature is the last one in wsse:Security (the assertion before it carries its own)
    const sig = xml.slice(xml.lastIndexOf('<Signature '), xml.lastIndexOf('</Signature>'));
    const refs = [...sig.matchAll(/<Reference URI="#([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toHaveLength(2);
    expect(refs[0]).toBe('_0');
    expect(new RegExp(`<s:Body[^>]*u:Id="${refs[1]}"`).test(xml)).toBe(true);
  });

  for (const which of ['lax', 'strict'] as const) {
    it(`${which} server: a Body-signed request is served once; the same header on an edited Body is refused`, async () => {
      const s = which === 'lax' ? lax : strict;
      const f = fetchOf(s);
      const t = await pinTicket(s);
      const signed = signBody(t, certProvEnvelope(s, { entity: entity(s) }));
      // an attacker edits the signed Body (another DeviceId) and keeps the signature: the Body's digest no longer matches
      const edited = signed.replace(/DeviceId="\{([0-9A-F])/, (_m, c: string) => `DeviceId="{${c === 'A' ? 'B' : 'A'}`);
      expect(edited).not.toBe(signed);
      const r1 = await postCertProv(s, f, edited);
      expect(r1.status).toBe(401);
      expect(r1.certificate).toBeUndefined();
      const r2 = await postCertProv(s, f, signed);
      expect(r2.certificate).toBeDefined();
      expect(await s.store.certificates.count()).toBe(1);
    });
  }
});
