// registerSip through the Authentication Broker against `startServer({ sip: { port: 0 } })`: the last leg of
// the README's first flow (issue 18 item 6). PIN ticket → broker session and credential → REGISTER →
// TLS-DSK legs run by the broker (MS-OCAUTHWS 3.3.4.4) → REGISTER signed with the client key → 200 OK
// whose rspauth verifies with the server key. Also the typed errors a user meets on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, WebTicketClient } from '@ocauth/wstrust';
import { AuthBrokerClient } from '@ocauth/authbroker';
import { createHttpsFetch, registerSip, ServerError, startServer, type LogEntry, type RunningServer } from '@ocauth/server';

let srv: RunningServer;
let f: typeof fetch;
const logs: LogEntry[] = [];

beforeAll(async () => {
  srv = await startServer({ store: { kind: 'memory' }, sip: { port: 0 }, logger: (e) => logs.push(e) });
  f = createHttpsFetch({ ca: srv.caCertificatePem });
});
afterAll(async () => srv?.close());

async function brokerSession() {
  const { sipUri, phone, pin } = srv.demoUser;
  const tickets = new WebTicketClient({ credentials: { type: 'pin', identity: phone, pin }, sipUri, fetch: f });
  const t = await tickets.getTicket(srv.urls.authBroker, srv.urls.webTicket);
  const broker = new AuthBrokerClient({
    url: srv.urls.authBroker,
    webTicket: t,
    fetch: f,
    signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: webTicket, now }),
  });
  const { sessionId } = await broker.createSession();
  await broker.acquireCredential(sessionId, '71F297D2-197D-545B-AA97-5701F5B5134D');
  return { broker, sessionId };
}

describe('registerSip (issue 18 item 6: the first flow ends registered)', () => {
  it('registers the demo user: TLS-DSK through the broker, signed REGISTER, 200 OK with a verified rspauth', async () => {
    const { broker, sessionId } = await brokerSession();
    let legs = 0;
    const reg = await registerSip({
      host: '127.0.0.1',
      port: srv.sip!.port,
      ca: srv.caCertificatePem,
      sipUri: srv.demoUser.sipUri,
      tlsDsk: (c, exchange) => broker.handshake({ sessionId, target: c.targetname, exchange: (d) => (legs++, exchange(d)) }),
    });
    expect(reg).toMatchObject({ status: 200, targetname: srv.sip!.fqdn, version: 4 });
    expect(reg.expires).toBeGreaterThan(0);
    expect(legs).toBeGreaterThanOrEqual(2);
    expect(reg.transcript[1]).toMatch(/^SIP\/2\.0 401 .*TLS-DSK realm="SIP Communications Service"/);
    expect(reg.transcript.at(-1)).toMatch(/^SIP\/2\.0 200 OK \| TLS-DSK .*rspauth=/);
    // the registrar's own account of it
    expect(logs.some((l) => l.msg === 'sip tls-dsk handshake complete' && l.sipUri === srv.demoUser.sipUri)).toBe(true);
    expect(logs.some((l) => l.msg === 'sip registered' && l.sipUri === srv.demoUser.sipUri)).toBe(true);
    await broker.terminateSession(sessionId);
  });

  it("keys that are not the handshake's: the registrar refuses the signed REGISTER (ERR_SERVER_SIP_REGISTER)", async () => {
    const { broker, sessionId } = await brokerSession();
    const e = await registerSip({
      host: '127.0.0.1',
      port: srv.sip!.port,
      ca: srv.caCertificatePem,
      sipUri: srv.demoUser.sipUri,
      tlsDsk: async (c, exchange) => {
        const k = await broker.handshake({ sessionId, target: c.targetname, exchange });
        return { clientSigningKey: k.serverSigningKey, serverSigningKey: k.serverSigningKey };
      },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServerError);
    expect(e).toMatchObject({
      code: 'ERR_SERVER_SIP_REGISTER',
      message: expect.stringMatching(/^signed REGISTER: expected 200 OK, received 401 .*signature does not verify/),
    });
  });

  it('a 200 OK whose rspauth does not verify with the server key is not taken for a registration (ERR_SERVER_SIP_SIGNATURE)', async () => {
    const { broker, sessionId } = await brokerSession();
    const e = await registerSip({
      host: '127.0.0.1',
      port: srv.sip!.port,
      ca: srv.caCertificatePem,
      sipUri: srv.demoUser.sipUri,
      tlsDsk: async (c, exchange) => {
        const k = await broker.handshake({ sessionId, target: c.targetname, exchange });
        return { clientSigningKey: k.clientSigningKey, serverSigningKey: k.clientSigningKey };
      },
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ERR_SERVER_SIP_SIGNATURE', field: 'rspauth' });
  });

  it("without the pool CA the registrar's certificate is not trusted: ERR_SERVER_SIP_TRANSPORT naming `ca`", async () => {
    const e = await registerSip({
      host: '127.0.0.1',
      port: srv.sip!.port,
      sipUri: srv.demoUser.sipUri,
      tlsDsk: () => Promise.reject(new Error('not reached')),
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ERR_SERVER_SIP_TRANSPORT', field: 'ca', message: expect.stringContaining('pass the pool CA as `ca`') });
  });
});
