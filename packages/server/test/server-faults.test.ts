// Deliberately broken configurations (for the conformance runner's negative self-test): each fault
// disables exactly one check, shown by a request the correct server refuses and the faulty one accepts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { CertificateRequestError, requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer, type RunningServer, type ServerFaults } from '@ocauth/server';
import { configFromArgs } from '../src/cli.js';

const servers: Record<string, RunningServer> = {};
const start = async (name: string, faults: ServerFaults) => (servers[name] = await startServer({ store: { kind: 'memory' }, faults, logger: false }));
beforeAll(async () => {
  await Promise.all([
    start('correct', {}),
    start('skipSignatureCheck', { skipSignatureCheck: true }),
    start('skipTimestampCheck', { skipTimestampCheck: true }),
    start('acceptAnyPin', { acceptAnyPin: true }),
  ]);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

const pinClient = (s: RunningServer, pin = s.demoUser.pin, clock?: () => Date) =>
  new WebTicketClient({
    credentials: { type: 'pin', identity: s.demoUser.phone, pin },
    fetch: createHttpsFetch({ ca: s.caCertificatePem }),
    sipUri: s.demoUser.sipUri,
    ...(clock ? { clock } : {}),
  });

async function certificateWithWrongProofKey(s: RunningServer): Promise<unknown> {
  const ticket = await pinClient(s).getTicket(s.urls.certProv, s.urls.webTicket);
  return requestCertificate({
    url: s.urls.certProv,
    sipUri: s.demoUser.sipUri,
    ticket: { ...ticket, proofKey: randomBytes(32) },
    fetch: createHttpsFetch({ ca: s.caCertificatePem }),
    keySizeBits: 1024,
  }).catch((e: unknown) => e);
}
async function certificateWithStaleTimestamp(s: RunningServer): Promise<unknown> {
  const ticket = await pinClient(s).getTicket(s.urls.certProv, s.urls.webTicket);
  const stale = () => new Date(Date.now() - 2 * 3600_000);
  return requestCertificate({
    url: s.urls.certProv,
    sipUri: s.demoUser.sipUri,
    ticket,
    clock: stale,
    fetch: createHttpsFetch({ ca: s.caCertificatePem }),
    keySizeBits: 1024,
  }).catch((e: unknown) => e);
}

describe('faults', () => {
  it('skipSignatureCheck: a request signed with the wrong proof key gets a certificate (correct server: 401 28032)', async () => {
    const ok = await certificateWithWrongProofKey(servers.correct!);
    expect(ok).toBeInstanceOf(CertificateRequestError);
    expect((ok as CertificateRequestError & { errorId?: number }).errorId).toBe(28032);
    const broken = await certificateWithWrongProofKey(servers.skipSignatureCheck!);
    expect(broken).not.toBeInstanceOf(Error);
  });

  it('skipTimestampCheck: a Timestamp two hours old is accepted (correct server: 401)', async () => {
    expect(await certificateWithStaleTimestamp(servers.correct!)).toBeInstanceOf(CertificateRequestError);
    expect(await certificateWithStaleTimestamp(servers.skipTimestampCheck!)).not.toBeInstanceOf(Error);
  });

  it('acceptAnyPin: a wrong PIN gets a ticket (correct server: 28024)', async () => {
    const e = (await pinClient(servers.correct!, '000000')
      .getTicket(servers.correct!.urls.certProv, servers.correct!.urls.webTicket)
      .catch((x: unknown) => x)) as { errorId?: number };
    expect(e.errorId).toBe(28024);
    const t = await pinClient(servers.acceptAnyPin!, '000000').getTicket(servers.acceptAnyPin!.urls.certProv, servers.acceptAnyPin!.urls.webTicket);
    expect(t.assertionXml).toContain(servers.acceptAnyPin!.demoUser.sipUri);
  });
});

describe('ocauth-server flags', () => {
  it('map to ServerConfig (flags override the config file) and reject unknown values with a typed error', () => {
    const { config, json } = configFromArgs([
      '--port',
      '8443',
      '--farm-fqdn',
      'pool0.contoso.test',
      '--pg-url',
      'postgres://x@127.0.0.1/db',
      '--min-key-size',
      '2048',
      '--ticket-lifetime',
      '600',
      '--fault',
      'acceptAnyPin',
      '--json',
    ]);
    expect(config).toMatchObject({
      port: 8443,
      farmFqdn: 'pool0.contoso.test',
      store: { kind: 'postgres', url: 'postgres://x@127.0.0.1/db' },
      policy: { minKeySize: 2048, ticketLifetimeSeconds: 600 },
      faults: { acceptAnyPin: true },
    });
    expect(json).toBe(true);
    expect(() => configFromArgs(['--fault', 'disableEverything'])).toThrow(/--fault: expected one of skipSignatureCheck/);
    expect(() => configFromArgs(['--port', 'eighty'])).toThrow(/--port: expected a non-negative integer, received "eighty"/);
    expect(() => configFromArgs(['--store', 'postgres'])).toThrow(/--pg-url/);
    expect(() => configFromArgs(['--config', '/nonexistent/ocauth.json'])).toThrow(/--config: expected a readable file/);
  });

  it('read a JSON config file (users, policy, faults); flags override its fields', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'ocauth-cfg-')), 'server.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 9443,
        farmFqdn: 'pool1.contoso.test',
        users: [{ sipUri: 'sip:carol@contoso.test', pin: '1357' }],
        policy: { maxValidityHours: 100 },
        faults: { skipTimestampCheck: true },
      }),
    );
    const { config } = configFromArgs(['-c', file, '--port', '9444', '--max-key-size', '4096']);
    expect(config).toMatchObject({
      port: 9444,
      farmFqdn: 'pool1.contoso.test',
      users: [{ sipUri: 'sip:carol@contoso.test', pin: '1357' }],
      policy: { maxValidityHours: 100, maxKeySize: 4096 },
      faults: { skipTimestampCheck: true },
    });
    writeFileSync(file, '{ "port": 9443, ');
    expect(() => configFromArgs(['-c', file])).toThrow(/expected JSON/);
    writeFileSync(file, '[1, 2]');
    expect(() => configFromArgs(['-c', file])).toThrow(/expected a JSON object/);
  });
});

describe('skipAudienceCheck', () => {
  it("a ticket for another pool's CertProv is refused by a correct server and accepted by the faulty one", async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-aud-')); // same keys: only the audience differs
    const other = await startServer({ dataDir, store: { kind: 'memory' }, logger: false });
    const correct = await startServer({ dataDir, store: { kind: 'memory' }, logger: false });
    const faulty = await startServer({ dataDir, store: { kind: 'memory' }, logger: false, faults: { skipAudienceCheck: true } });
    try {
      const ticket = await pinClient(other).getTicket(other.urls.certProv, other.urls.webTicket);
      const at = (s: RunningServer) =>
        requestCertificate({
          url: s.urls.certProv,
          sipUri: s.demoUser.sipUri,
          ticket,
          fetch: createHttpsFetch({ ca: s.caCertificatePem }),
          keySizeBits: 1024,
        }).catch((e: unknown) => e);
      const refused = await at(correct);
      expect(refused).toBeInstanceOf(CertificateRequestError);
      expect((refused as { httpStatus?: number }).httpStatus).toBe(401);
      expect(await at(faulty)).not.toBeInstanceOf(Error);
    } finally {
      await Promise.all([other.close(), correct.close(), faulty.close()]);
    }
  });

  it('RunningServer.handler serves the same routes in-process (no HTTPS)', async () => {
    const s = servers.correct!;
    const r = await s.handler(new Request(s.urls.autodiscover));
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Internal/AuthBroker');
    expect((await s.handler(new Request(`${s.url}/nope`))).status).toBe(404);
  });
});

describe('startServer config validation', () => {
  it('refuses bad values with ServerConfigError naming the field (never echoing a database password)', async () => {
    const bad: [Parameters<typeof startServer>[0], RegExp][] = [
      [{ port: 70000 }, /^port: expected an integer in 0\.\.65535, received 70000$/],
      [{ farmFqdn: 'pool 0' }, /^farmFqdn: expected a DNS name/],
      [{ policy: { minKeySize: 4096, maxKeySize: 2048 } }, /^policy\.minKeySize: expected at most maxKeySize \(2048\), received 4096$/],
      [{ store: { kind: 'mysql' } as never }, /^store\.kind: expected memory, sqlite or postgres, received "mysql"$/],
      [{ store: { kind: 'postgres', url: 'mysql://u:hunter2@db/x' } }, /^store\.url: expected a postgres:\/\/ URL, received "mysql:\/\/u:\*\*\*@db\/x"$/],
      [{ faults: { disableEverything: true } as never }, /^faults\.disableEverything: expected one of/],
    ];
    for (const [config, message] of bad) {
      const e = await startServer({ ...config, logger: false }).catch((x: unknown) => x);
      expect(e, JSON.stringify(config)).toMatchObject({ code: 'ERR_SERVER_CONFIG', name: 'ServerConfigError' });
      expect((e as Error).message).toMatch(message);
    }
  });
});

describe('acceptAnyPassword and acceptRevokedCertificates', () => {
  it('each disables only its own check', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const run = async (faults: ServerFaults) => {
      const s = await startServer({ dataDir: mkdtempSync(join(tmpdir(), 'ocauth-f-')), store: { kind: 'memory' }, logger: false, faults });
      const f = createHttpsFetch({ ca: s.caCertificatePem });
      try {
        const pw = await new WebTicketClient({ credentials: { type: 'password', username: s.demoUser.phone, password: 'not-the-password' }, fetch: f })
          .getTicket(s.urls.certProv, s.urls.webTicket)
          .then(
            () => 'ticket',
            (e: { errorId?: number }) => e.errorId,
          );
        // Two certificates for one device: the second supersedes (revokes) the first.
        const first = await requestCertificate({ url: s.urls.certProv, sipUri: s.demoUser.sipUri, webTicketClient: pinClient(s), fetch: f, keySizeBits: 1024 });
        await requestCertificate({
          url: s.urls.certProv,
          sipUri: s.demoUser.sipUri,
          webTicketClient: pinClient(s),
          fetch: f,
          keySizeBits: 1024,
          deviceId: first.deviceId,
        });
        const revoked = await new WebTicketClient({
          credentials: { type: 'certificate', certificate: first.certificate, privateKey: first.privateKey },
          fetch: f,
        })
          .getTicket(s.urls.certProv, s.urls.webTicket)
          .then(
            () => 'ticket',
            (e: { errorId?: number }) => e.errorId,
          );
        return { pw, revoked };
      } finally {
        await s.close();
      }
    };
    const [correct, anyPassword, revokedOk] = await Promise.all([run({}), run({ acceptAnyPassword: true }), run({ acceptRevokedCertificates: true })]);
    expect(correct.pw).toBe(28020); // a real pool's wrong-password answer on /Auth (No valid security token.)
    expect(typeof correct.revoked).toBe('number'); // refused with a 280xx error id
    expect(anyPassword).toEqual({ pw: 'ticket', revoked: correct.revoked });
    expect(revokedOk).toEqual({ pw: 28020, revoked: 'ticket' });
  });
});
