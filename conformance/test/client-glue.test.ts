// The glue of a first flow, as a newcomer writes it: clients without a CA get a typed error naming the
// option that fixes it (not "TypeError: fetch failed"), and a WebTicket object is accepted where the
// broker wants the ticket (or a typed error for anything else).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { AuthBrokerClient, AuthBrokerError } from '@ocauth/authbroker';
import { TransportError } from '@ocauth/diagnostics';
import { createHttpsFetch } from '@ocauth/server';
import { startEmbeddedTarget, type EmbeddedTarget } from '../src/index.js';
import { paths } from '../src/internal/target.js';

let t: EmbeddedTarget;
beforeAll(async () => {
  t = await startEmbeddedTarget();
});
afterAll(() => t.close());

describe('clients against a pool whose CA the caller did not pass', () => {
  it('WebTicketClient: TransportError ERR_TRANSPORT_TLS_UNTRUSTED naming its fetch option', async () => {
    const p = paths(t);
    const c = new WebTicketClient({ credentials: { type: 'pin', identity: t.phone!, pin: t.pin! }, sipUri: t.user! });
    const e = await c.requestTicket(p.certProv, p.webTicket).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).code).toBe('ERR_TRANSPORT_TLS_UNTRUSTED');
    expect((e as TransportError).causeCode).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|ISSUER/);
    expect((e as Error).message).toMatch(
      /^WebTicketClient: the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(\w+\); pass WebTicketClient's `fetch` option a fetch that trusts the pool's CA/,
    );
  });

  it('requestCertificate and AuthBrokerClient say the same (the broker inside its ERR_AUTHBROKER_HTTP)', async () => {
    const p = paths(t);
    const ticket = await new WebTicketClient({
      credentials: { type: 'pin', identity: t.phone!, pin: t.pin! },
      sipUri: t.user!,
      fetch: createHttpsFetch({ ca: t.ca! }),
    }).requestTicket(p.certProv, p.webTicket);
    const e = await requestCertificate({ url: p.certProv, sipUri: t.user!, ticket, keySizeBits: 2048 }).catch((x: unknown) => x);
    expect((e as { code?: string }).code).toBe('ERR_TRANSPORT_TLS_UNTRUSTED');
    expect((e as Error).message).toContain("pass requestCertificate's `fetch` option");
    const b = await new AuthBrokerClient({ url: p.authBroker, webTicket: ticket }).createSession().catch((x: unknown) => x);
    expect(b).toBeInstanceOf(AuthBrokerError);
    expect((b as Error).message).toContain('AuthBrokerClient: the TLS certificate of 127.0.0.1');
    expect(((b as Error).cause as TransportError).code).toBe('ERR_TRANSPORT_TLS_UNTRUSTED');
  });
});

describe('clients against a port where nothing listens', () => {
  it('WebTicketClient and requestCertificate: TransportError ERR_TRANSPORT naming the URL, not `fetch failed`', async () => {
    const { createServer } = await import('node:net');
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const url = `https://127.0.0.1:${closed}/WebTicket/WebTicketService.svc`;
    const c = new WebTicketClient({ credentials: { type: 'pin', identity: t.phone!, pin: t.pin! }, sipUri: t.user! });
    const e = await c.requestTicket(`https://127.0.0.1:${closed}/CertProv/CertProvisioningService.svc`, url).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).code).toBe('ERR_TRANSPORT');
    expect((e as Error).message).toMatch(new RegExp(`^WebTicketClient: request to https://127\\.0\\.0\\.1:${closed}/\\S+ failed \\(ECONNREFUSED\\)`));
    const p = paths(t);
    const ticket = await new WebTicketClient({
      credentials: { type: 'pin', identity: t.phone!, pin: t.pin! },
      sipUri: t.user!,
      fetch: createHttpsFetch({ ca: t.ca! }),
    }).requestTicket(p.certProv, p.webTicket);
    const r = await requestCertificate({
      url: `https://127.0.0.1:${closed}/CertProv/CertProvisioningService.svc`,
      sipUri: t.user!,
      ticket,
      keySizeBits: 2048,
    }).catch((x: unknown) => x);
    expect(r).toBeInstanceOf(TransportError);
    expect((r as TransportError).code).toBe('ERR_TRANSPORT');
    expect((r as Error).message).toMatch(
      /^requestCertificate: request to https:\/\/127\.0\.0\.1:\d+\/CertProv\/CertProvisioningService\.svc failed \(ECONNREFUSED\)/,
    );
  });
});

describe('AuthBrokerClient webTicket', () => {
  it('accepts a WebTicket object (its assertionXml), refuses anything else with a typed error', async () => {
    const p = paths(t);
    const f = createHttpsFetch({ ca: t.ca! });
    const ticket = await new WebTicketClient({ credentials: { type: 'pin', identity: t.phone!, pin: t.pin! }, sipUri: t.user!, fetch: f }).requestTicket(
      p.authBroker,
      p.webTicket,
    );
    // The server requires proof of possession at the broker (issue 16 item 4): sign with the ticket's proof key.
    const c = new AuthBrokerClient({
      url: p.authBroker,
      webTicket: ticket,
      fetch: f,
      signEnvelope: (envelope, { webTicket, now }) =>
        signMessage({ envelope, proofKey: ticket.proofKey, assertionId: ticket.assertionId, token: webTicket, now }),
    });
    const { sessionId } = await c.createSession();
    expect(sessionId).toMatch(/\S/);
    await c.terminateSession(sessionId);
    const bad = () => new AuthBrokerClient({ url: p.authBroker, webTicket: 42 as never, fetch: f });
    expect(bad).toThrow(AuthBrokerError);
    expect(bad).toThrow(/webTicket: expected the saml:Assertion XML string or a WebTicket \(with assertionXml\), received/);
    const lazy = new AuthBrokerClient({ url: p.authBroker, webTicket: () => ({ assertionXml: 1 }) as never, fetch: f });
    await expect(lazy.createSession()).rejects.toMatchObject({ code: 'ERR_AUTHBROKER_TICKET' });
  });
});
