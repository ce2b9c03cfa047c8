// Store outages: a database that cannot be reached at start is a typed error; one that fails while
// serving turns into the protocol's answers (CertProv ErrorInfo DataStoreUnavailable, HTTP 5xx for
// the Web Ticket Service) while the server keeps running.
import { describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildAddressingHeaders, buildEnvelope, buildRequestSecurityToken, URI, WebTicketClient } from '@ocauth/wstrust';
import { GetAndPublishCertError, requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer, type LogEntry } from '@ocauth/server';

describe('store outages', () => {
  it('an unreachable PostgreSQL at start rejects startServer with ERR_SERVER_STORE_OPEN', async () => {
    const e = await startServer({ store: { kind: 'postgres', url: 'postgres://ocauth@127.0.0.1:1/none' }, logger: false }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ERR_SERVER_STORE_OPEN' });
  });

  it('a store failing while serving: CertProv answers InternalError, the Web Ticket Service 5xx, the server stays up', async () => {
    const logs: LogEntry[] = [];
    const srv = await startServer({ logger: (l) => logs.push(l) }); // SQLite
    try {
      const f = createHttpsFetch({ ca: srv.caCertificatePem });
      const client = new WebTicketClient({
        credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin },
        fetch: f,
        sipUri: srv.demoUser.sipUri,
      });
      const ticket = await client.getTicket(srv.urls.certProv, srv.urls.webTicket);
      // One well-formed IssueToken request, answered with a ticket while the store is up: afterwards its
      // failure can only come from the store (a malformed body would be refused before the store is read).
      const issue = () => {
        const url = srv.urls.webTicket + '/Pin';
        const rst = buildRequestSecurityToken({
          Context: randomUUID(),
          TokenType: URI.tokenTypeSaml11,
          RequestType: URI.requestTypeIssue,
          AppliesTo: srv.urls.certProv,
          Entropy: randomBytes(32),
          KeyType: URI.keyTypeSymmetric,
        });
        const body = buildEnvelope({
          headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: `urn:uuid:${randomUUID()}`, to: url }),
          body: rst,
        });
        return f(url, {
          method: 'POST',
          headers: {
            authorization: 'Basic ' + Buffer.from(`${srv.demoUser.phone}:${srv.demoUser.pin}`).toString('base64'),
            'content-type': 'text/xml; charset=utf-8',
            soapaction: `"${URI.actionRstIssue}"`,
          },
          body,
        });
      };
      const before = await issue();
      expect(before.status, await before.text()).toBe(200);
      await srv.store.close(); // the database goes away under the running server
      const e = await requestCertificate({ url: srv.urls.certProv, sipUri: srv.demoUser.sipUri, ticket, fetch: f, keySizeBits: 1024 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(GetAndPublishCertError);
      // The store fails at the user lookup, before any certificate is issued: certprov answers InternalError
      // (DataStoreUnavailable is for a certificate that could not be published, 3.1.4.1.4.1).
      expect((e as GetAndPublishCertError).responseCode).toBe('InternalError');
      expect(logs.some((l) => l.level === 'error' && l.msg === 'certprov internal error' && l.code === 'ERR_SERVER_STORE_CLOSED')).toBe(true);
      const r = await issue();
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect((await f(srv.urls.autodiscover)).status).toBe(200);
    } finally {
      await srv.close();
    }
    expect(JSON.stringify(logs)).not.toContain(srv.demoUser.pin);
  });
});
