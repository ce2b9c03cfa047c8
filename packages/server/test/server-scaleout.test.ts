// Restart on the same dataDir (SQLite: CA, TLS certificate, demo user and certificates reused) and
// scale-out: two servers on one PostgreSQL see each other's certificates and broker sessions.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { signMessage, WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { AuthBrokerClient } from '@ocauth/authbroker';
import { createHttpsFetch, startServer, type RunningServer } from '@ocauth/server';
import { pgUrlOrSkip } from './support/pg.js';

const pgUrl = pgUrlOrSkip();
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

async function certificateFrom(srv: RunningServer) {
  const f = createHttpsFetch({ ca: srv.caCertificatePem });
  const client = new WebTicketClient({
    credentials: { type: 'pin', identity: srv.demoUser.sipUri.slice(4), pin: srv.demoUser.pin },
    fetch: f,
    sipUri: srv.demoUser.sipUri,
  });
  return requestCertificate({ url: srv.urls.certProv, sipUri: srv.demoUser.sipUri, webTicketClient: client, fetch: f, keySizeBits: 1024 });
}

describe('SQLite (default store): restart on the same dataDir', () => {
  it('reuses CA, TLS certificate and demo user; issued certificates are still there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-srv-'));
    const a = await startServer({ dataDir, logger: false });
    expect(a.store.kind).toBe('sqlite');
    const issued = await certificateFrom(a);
    await a.close();
    const b = await startServer({ dataDir, logger: false });
    try {
      expect(b.caCertificatePem).toBe(a.caCertificatePem);
      expect(b.tlsCertificatePem).toBe(a.tlsCertificatePem);
      expect(b.demoUser).toEqual(a.demoUser);
      expect(await b.store.certificates.findBySerial(issued.certificate.serialNumber)).toMatchObject({ entity: 'demo@ocauth.test' });
      // the old PIN still works against the restarted server (users persisted, hashed)
      await certificateFrom(b);
    } finally {
      await b.close();
    }
  });
});

describe.skipIf(!pgUrl)('PostgreSQL: two servers share one database', () => {
  it("each server accepts the other's certificates (Cert binding) and continues the other's broker sessions", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-srv-')); // shared PKI: CA, ticket signer, pool key
    const [pa, pb] = await Promise.all([freePort(), freePort()]);
    const farm = [`https://127.0.0.1:${pa}/`, `https://127.0.0.1:${pb}/`]; // one pool behind two addresses
    const a = await startServer({ dataDir, port: pa, farm, store: { kind: 'postgres', url: pgUrl! }, logger: false });
    const b = await startServer({ dataDir, port: pb, farm, store: { kind: 'postgres', url: pgUrl! }, logger: false });
    try {
      const issued = await certificateFrom(a);
      expect(await b.store.certificates.findBySerial(issued.certificate.serialNumber)).toBeDefined();
      const fb = createHttpsFetch({ ca: b.caCertificatePem });
      const certClient = new WebTicketClient({
        credentials: { type: 'certificate', certificate: issued.certificate, privateKey: issued.privateKey },
        fetch: fb,
      });
      const ticket = await certClient.getTicket(b.urls.authBroker, b.urls.webTicket);
      const broker = (srv: RunningServer) =>
        new AuthBrokerClient({
          url: srv.urls.authBroker,
          webTicket: ticket.assertionXml,
          fetch: createHttpsFetch({ ca: srv.caCertificatePem }),
          signEnvelope: (envelope, { webTicket, now }) =>
            signMessage({ envelope, proofKey: ticket.proofKey, assertionId: ticket.assertionId, token: webTicket, now }),
        });
      // The ticket was issued by b but applies to the farm; a's verifier trusts the same signer and pool key.
      const { sessionId } = await broker(b).createSessionV2();
      expect(await a.store.sessions.get(sessionId)).toMatchObject({ id: sessionId });
      expect(await broker(a).acquireCredentialV2(sessionId, '71F297D2-197D-545B-AA97-5701F5B5134D', ['SHA256'])).toBeGreaterThan(0);
      expect(await b.store.sessions.get(sessionId)).toMatchObject({ credentialRequested: true });
      await broker(b).terminateSession(sessionId);
      expect(await a.store.sessions.get(sessionId)).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
