// Store outages: a database that cannot be reached at start is a typed error; one that fails while
// serving turns into the protocol's answers (CertProv ErrorInfo DataStoreUnavailable, HTTP 5xx for
// the Web Ticket Service) while the server keeps running.
import { describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { GetAndPublishCertError, requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer, type LogEntry } from '@ocauth/server';

describe('store outages', () => {
  it('an unreachable PostgreSQL at start rejects startServer with ERR_SERVER_STORE_OPEN', async () => {
    const e = await startServer({ store: { kind: 'postgres', url: 'postgres://ocauth@127.0.0.1:1/none' }, logger: false }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ERR_SERVER_STORE_OPEN' });
  });

  it('a store failing while serving: CertProv answers DataStoreUnavailable, the Web Ticket Service 5xx, the server stays up', async () => {
    const logs: LogEntry[] = [];
    const srv = await startServer({ logger: (l) => logs.push(l) }); // SQLite
    try {
      const f = createHttpsFetch({ ca: srv.caCertificatePem });
      const client = new WebTicketClient({ credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin }, fetch: f, sipUri: srv.demoUser.sipUri });
      const ticket = await client.getTicket(srv.urls.certProv, srv.urls.webTicket);
      await srv.store.close(); // the database goes away under the running server
      const e = await requestCertificate({ url: srv.urls.certProv, sipUri: srv.demoUser.sipUri, ticket, fetch: f, keySizeBits: 1024 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(GetAndPublishCertError);
      // certprov answers a failing user lookup with InternalError (publish failures are DataStoreUnavailable).
      expect(['DataStoreUnavailable', 'InternalError']).toContain((e as GetAndPublishCertError).responseCode);
      expect(logs.some((l) => l.level === 'error' && l.msg === 'certprov internal error' && l.code === 'ERR_SERVER_STORE_CLOSED')).toBe(true);
      const r = await f(srv.urls.webTicket + '/Pin', { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from(`${srv.demoUser.phone}:${srv.demoUser.pin}`).toString('base64'), 'content-type': 'text/xml' }, body: '<x/>' });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect((await f(srv.urls.autodiscover)).status).toBe(200);
    } finally {
      await srv.close();
    }
    expect(JSON.stringify(logs)).not.toContain(srv.demoUser.pin);
  });
});
