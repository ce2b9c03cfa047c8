// Scale-out: two server processes' worth of startServer on one PostgreSQL database and one dataDir
// (shared CA, pool key and ticket-signing certificate). A ticket from one is accepted by the other,
// a certificate issued by one is seen (and accepted by the Cert binding's validator) by the other,
// and broker sessions are in the shared store. Runs only with OCAUTH_TEST_PG_URL (required under CI).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signMessage, WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate, storeCertificateValidator } from '@ocauth/certprov';
import { AuthBrokerClient } from '@ocauth/authbroker';
import { createHttpsFetch, startServer } from '../src/internal/refserver/index.js';
import { freshPostgresDatabase } from './refserver-support/pg.js';

const PG_URL = process.env.OCAUTH_TEST_PG_URL;

describe('two servers on one PostgreSQL', () => {
  it.runIf(PG_URL || process.env.CI === 'true')('share users, certificates, tickets and broker sessions', async () => {
    expect(PG_URL, 'OCAUTH_TEST_PG_URL').toBeTruthy();
    const db = await freshPostgresDatabase(PG_URL!);
    const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-scaleout-'));
    const demoUser = { sipUri: 'sip:scale@contoso.test', pin: '97531', password: 'pw-scale', phone: '+15550777' };
    const common = { dataDir, farmFqdn: 'pool.contoso.test', store: { kind: 'postgres' as const, url: db.url }, logger: false as const };
    const a = await startServer({ ...common, demoUser });
    const b = await startServer({ ...common, demoUser: false });
    const f = createHttpsFetch({ ca: a.caCertificatePem });
    try {
      expect(b.caCertificatePem).toBe(a.caCertificatePem);
      // the user seeded by A authenticates at B
      const wtB = new WebTicketClient({ credentials: { type: 'pin', identity: demoUser.phone, pin: demoUser.pin }, fetch: f });
      const ticketFromB = await wtB.getTicket(b.urls.certProv, b.urls.webTicket);
      // certificate issued by A with a ticket from A; visible and valid through B's store
      const wtA = new WebTicketClient({ credentials: { type: 'pin', identity: demoUser.phone, pin: demoUser.pin }, fetch: f });
      const cert = await requestCertificate({ url: a.urls.certProv, sipUri: demoUser.sipUri, webTicketClient: wtA, webTicketUrl: a.urls.webTicket, fetch: f, keySizeBits: 1024 });
      expect(await b.store.certificates.findBySerial(cert.certificate.serialNumber)).toMatchObject({ serialNumber: cert.certificate.serialNumber });
      expect(await storeCertificateValidator(b.store.certificates).validate(cert.certificate)).toEqual({ sipUri: demoUser.sipUri });
      // a broker session opened at A (ticket from A) is in the store B reads
      const ticket = await wtA.getTicket(a.urls.authBroker, a.urls.webTicket);
      const broker = new AuthBrokerClient({
        url: a.urls.authBroker, webTicket: ticket.assertionXml, fetch: f,
        signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: ticket.proofKey, assertionId: ticket.assertionId, token: webTicket, now }),
      });
      const { sessionId } = await broker.createSessionV2();
      expect(ticketFromB.assertionXml).toContain(demoUser.sipUri);
      expect(await b.store.sessions.get(sessionId)).toMatchObject({ sipUri: demoUser.sipUri });
    } finally {
      f.close();
      await a.close();
      await b.close();
      rmSync(dataDir, { recursive: true, force: true });
      await db.drop();
    }
  }, 60_000);
});
