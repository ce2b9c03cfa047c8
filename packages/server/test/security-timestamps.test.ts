// Issue 16 item 9: a proof-of-possession Timestamp whose Created lay 1–6 h in the past was accepted as
// long as Expires was in the future, and `2026-13-05` parsed as 2027-01-05. The Timestamp must lie within
// the ticket's lifetime (plus skew): SIPE's Timestamp spans exactly that and keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { createHttpsFetch, startServer, type RunningServer } from '@ocauth/server';
import { certProvEnvelope, postCertProv, signWith } from './support/attack.js';

let srv: RunningServer;
let f: typeof fetch;
beforeAll(async () => {
  // several certificates per ticket, so that reusing one Timestamp (SIPE) is shown on its own
  srv = await startServer({ store: { kind: 'memory' }, logger: false, policy: { certificatesPerTicket: 5 } });
  f = createHttpsFetch({ ca: srv.caCertificatePem });
});
afterAll(async () => srv?.close());
const ticket = () =>
  new WebTicketClient({ credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin }, fetch: f }).requestTicket(
    srv.urls.certProv,
    srv.urls.webTicket,
  );
const entity = () => srv.demoUser.sipUri.replace(/^sip:/, '');

describe('Timestamp bounds (issue 16 item 9)', () => {
  it('Created an hour before the ticket was issued is refused, though Expires is in the future', async () => {
    const t = await ticket();
    const signed = signWith(t, certProvEnvelope(srv, { entity: entity() }), new Date(Date.now() - 3600_000), 3900);
    const r = await postCertProv(srv, f, signed);
    expect(r.status).toBe(401);
    expect(r.certificate).toBeUndefined();
  });

  it('Expires beyond the ticket expiry plus skew is refused', async () => {
    const t = await ticket();
    const r = await postCertProv(srv, f, signWith(t, certProvEnvelope(srv, { entity: entity() }), new Date(), 30 * 86400));
    expect(r.status).toBe(401);
  });

  it("SIPE's shape — one Timestamp from the ticket's Created to its Expires, reused across requests — is served", async () => {
    const t = await ticket();
    const created = t.created ?? new Date();
    const ttl = Math.floor((t.expires.getTime() - created.getTime()) / 1000);
    for (let i = 0; i < 2; i++)
      expect((await postCertProv(srv, f, signWith(t, certProvEnvelope(srv, { entity: entity() }), created, ttl))).certificate).toBeDefined();
  });
});
