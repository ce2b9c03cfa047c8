// Issue 16 items 4 and 6: the Authentication Broker took a holder-of-key ticket as a bearer token (the
// ticket XML alone, no Timestamp or signature, opened a session and got an 8-hour credential), and it
// served a user disabled after the ticket was issued. Both attacks over HTTPS against startServer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, WebTicketClient, type WebTicket } from '@ocauth/wstrust';
import { AuthBrokerClient } from '@ocauth/authbroker';
import { createHttpsFetch, startServer, type RunningServer } from '@ocauth/server';

const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';
let srv: RunningServer;
let f: typeof fetch;
beforeAll(async () => {
  srv = await startServer({ store: { kind: 'memory' }, logger: false, users: [{ sipUri: 'sip:mallory@ocauth.test', pin: '777111', phones: ['+15550301'] }] });
  f = createHttpsFetch({ ca: srv.caCertificatePem });
});
afterAll(async () => srv?.close());

const ticketFor = (s: RunningServer, identity: string, pin: string) =>
  new WebTicketClient({ credentials: { type: 'pin', identity, pin }, fetch: createHttpsFetch({ ca: s.caCertificatePem }) }).requestTicket(
    s.urls.authBroker,
    s.urls.webTicket,
  );
const signed = (s: RunningServer, t: WebTicket) =>
  new AuthBrokerClient({
    url: s.urls.authBroker,
    webTicket: t.assertionXml,
    fetch: createHttpsFetch({ ca: s.caCertificatePem }),
    signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }),
  });

describe('Authentication Broker: proof of possession and account state (issue 16 items 4, 6)', () => {
  it('a captured ticket sent without proof of possession opens no session and gets no credential', async () => {
    const t = await ticketFor(srv, srv.demoUser.phone, srv.demoUser.pin);
    const thief = new AuthBrokerClient({ url: srv.urls.authBroker, webTicket: t.assertionXml, fetch: f }); // Timestamp + ticket, unsigned (spec 4.3.1 shape)
    const e = (await thief.createSessionV2().catch((x: unknown) => x)) as { status?: number; errorId?: number };
    expect(e).toBeInstanceOf(Error);
    expect(e.status ?? 401).toBe(401);
    // the owner, signing with the proof key, is served
    const owner = signed(srv, t);
    const { sessionId } = await owner.createSessionV2();
    expect(await owner.acquireCredentialV2(sessionId, SIP_INSTANCE, ['SHA256'])).toBeGreaterThan(3600);
    // and the thief cannot use the owner's session either
    await expect(thief.acquireCredentialV2(sessionId, SIP_INSTANCE, ['SHA256'])).rejects.toBeInstanceOf(Error);
  });

  it('policy.brokerAcceptUnsignedTickets admits the unsigned example shape (off by default)', async () => {
    const lax = await startServer({ store: { kind: 'memory' }, logger: false, policy: { brokerAcceptUnsignedTickets: true } });
    try {
      const t = await ticketFor(lax, lax.demoUser.phone, lax.demoUser.pin);
      const c = new AuthBrokerClient({ url: lax.urls.authBroker, webTicket: t.assertionXml, fetch: createHttpsFetch({ ca: lax.caCertificatePem }) });
      expect((await c.createSessionV2()).sessionId).toBeTruthy();
    } finally {
      await lax.close();
    }
  });

  it('a user disabled after the ticket was issued gets no session, and an open session gets no credential', async () => {
    const t = await ticketFor(srv, '+15550301', '777111');
    const c = signed(srv, t);
    const { sessionId } = await c.createSessionV2();
    await srv.store.users.setEnabled('sip:mallory@ocauth.test', false);
    try {
      await expect(c.acquireCredentialV2(sessionId, SIP_INSTANCE, ['SHA256'])).rejects.toBeInstanceOf(Error);
      await expect(c.createSessionV2()).rejects.toBeInstanceOf(Error);
    } finally {
      await srv.store.users.setEnabled('sip:mallory@ocauth.test', true);
    }
    expect((await c.createSessionV2()).sessionId).toBeTruthy();
  });
});
