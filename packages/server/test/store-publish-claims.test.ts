// Issue 20 item 4: on the SQL stores a Certificate Provisioning request's claims (its replay key, one of its
// ticket's certificate slots) are recorded in the same transaction as the certificate's publication — one
// durable commit per flow instead of three. The security behaviour must not move: a lost claim publishes
// nothing (not even the revocation of the device's previous certificate), concurrent publications racing
// for one claim have exactly one winner, and over HTTPS an exact replay is refused, a ticket gets one
// certificate, and a request that got none leaves the ticket usable while its own replay stays refused.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { WebTicketClient, type WebTicket } from '@ocauth/wstrust';
import { createHttpsFetch, openStore, startServer, type RunningServer, type ServerStore, type StoreConfig } from '@ocauth/server';
import { certProvEnvelope, postCertProv, signWith } from './support/attack.js';
import { pgUrlOrSkip } from './support/pg.js';
import { sharedLookups } from '../src/internal/store/sql.js';

const pgUrl = pgUrlOrSkip();
const kinds: [string, () => StoreConfig | undefined][] = [
  ['sqlite', () => ({ kind: 'sqlite' })],
  ['postgres', () => (pgUrl ? { kind: 'postgres', url: pgUrl } : undefined)],
];
const hex = () => randomBytes(8).toString('hex').toUpperCase();
const cert = (entity: string, deviceId: string) => ({
  entity,
  deviceId,
  serialNumber: hex(),
  der: new Uint8Array(randomBytes(64)),
  notBefore: new Date(1_700_000_000_000),
  notAfter: new Date(1_800_000_000_000),
});
const FAR = Date.now() + 3_600_000;

for (const [name, config] of kinds) {
  describe.skipIf(!config())(`publication with claims: ${name}`, () => {
    const stores: ServerStore[] = [];
    const open = async () => {
      const s = await openStore(config()!, mkdtempSync(join(tmpdir(), 'ocauth-pubclaims-')));
      stores.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of stores) await s.close().catch(() => {});
    });

    it('a won claim is recorded with the certificate; a lost one publishes nothing and revokes nothing', async () => {
      const s = await open();
      expect(s.certificates.publishClaiming).toBeTypeOf('function');
      const dev = hex();
      const entity = `pc${hex().toLowerCase()}@contoso.test`;
      const replay = `test|replay|${hex()}`;
      const first = cert(entity, dev);
      expect(await s.certificates.publishClaiming!(first, new Date(), [{ keys: [replay], expiresAt: FAR }])).toEqual({ revoked: [] });
      expect([...(await s.security.liveClaims([replay], Date.now()))]).toEqual([replay]);
      const second = cert(entity, dev);
      const other = `test|other|${hex()}|`; // distinct per run (PostgreSQL is shared)
      const e = await s.certificates.publishClaiming!(second, new Date(), [
        { keys: [`${other}0`], expiresAt: FAR },
        { keys: [replay], expiresAt: FAR },
      ]).catch((x: unknown) => x);
      expect((e as { code?: string }).code).toBe('ERR_SERVER_CLAIM_LOST');
      expect(await s.certificates.findBySerial(second.serialNumber)).toBeUndefined();
      expect((await s.certificates.findBySerial(first.serialNumber))?.revokedAt).toBeUndefined();
      // the group before the lost one was rolled back too
      expect(await s.security.countClaims(other, Date.now())).toBe(0);
    });

    it('a group takes its first free key (certificate slots of a ticket)', async () => {
      const s = await open();
      const t = `test|ticketcert|${hex()}|`;
      expect(await s.security.claimOnce(`${t}0`, FAR, Date.now())).toBe(true);
      await s.certificates.publishClaiming!(cert(`pc${hex().toLowerCase()}@contoso.test`, hex()), new Date(), [
        { keys: [`${t}0`, `${t}1`, `${t}2`], expiresAt: FAR },
      ]);
      expect([...(await s.security.liveClaims([`${t}0`, `${t}1`, `${t}2`], Date.now()))].sort()).toEqual([`${t}0`, `${t}1`]);
    });

    it('concurrent publications claiming one key (two store instances on one backend) have exactly one winner', async () => {
      const s1 = await open();
      const s2 = name === 'postgres' ? await open() : s1; // SQLite: one process owns the file
      const key = `test|race|${hex()}`;
      const entity = `pc${hex().toLowerCase()}@contoso.test`;
      const certs = Array.from({ length: 12 }, () => cert(entity, hex()));
      const results = await Promise.allSettled(
        certs.map((c, i) => (i % 2 ? s2 : s1).certificates.publishClaiming!(c, new Date(), [{ keys: [key], expiresAt: FAR }])),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('ERR_SERVER_CLAIM_LOST');
      const published = await Promise.all(certs.map((c) => s1.certificates.findBySerial(c.serialNumber)));
      expect(published.filter(Boolean)).toHaveLength(1);
    });

    it('within one sign-in attempt (sharedLookups) a user row is read once; outside it every lookup reads the store', async () => {
      const s = await open();
      const tag = hex().toLowerCase();
      await s.users.upsertUser({ sipUri: `sip:sl${tag}@contoso.test`, pin: '135792', phones: [`+1777${tag}`] });
      const seen = await sharedLookups(async () => {
        const before = await s.users.findUserByAccount!(`+1777${tag}`);
        await s.users.setEnabled(`sip:sl${tag}@contoso.test`, false);
        // the throttle's lookup and the PIN check that follows it share the row read first
        return [before?.enabled, (await s.users.verifyPin(`+1777${tag}`, '135792'))?.enabled];
      });
      expect(seen).toEqual([true, true]);
      expect((await s.users.findUserByAccount!(`+1777${tag}`))?.enabled).toBe(false);
      expect((await s.users.verifyPin(`+1777${tag}`, '135792'))?.enabled).toBe(false);
    });

    it('over HTTPS: one certificate per ticket, exact replays refused, a refused request leaves the ticket usable', { timeout: 60_000 }, async () => {
      const tag = hex().toLowerCase();
      const user = { sipUri: `sip:pc${tag}@ocauth.test`, pin: '246813', phones: [`+1888${tag}`] };
      const srv: RunningServer = await startServer({
        store: config()!,
        dataDir: mkdtempSync(join(tmpdir(), 'ocauth-pubclaims-srv-')),
        logger: false,
        demoUser: false,
        users: [user],
      });
      try {
        const f = createHttpsFetch({ ca: srv.caCertificatePem });
        const ticket = () =>
          new WebTicketClient({ credentials: { type: 'pin', identity: user.phones[0]!, pin: user.pin }, fetch: f }).requestTicket(
            srv.urls.certProv,
            srv.urls.webTicket,
          );
        const sign = (t: WebTicket, envelope: string) => signWith(t, envelope, t.created ?? new Date(), 600);
        const entity = user.sipUri.slice(4);
        const t = await ticket();
        // refused (exponent 3): no certificate, the ticket stays usable, and this exact request stays refused
        const badBytes = sign(t, certProvEnvelope(srv, { entity, keyPair: generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }) }));
        expect((await postCertProv(srv, f, badBytes)).responseCode).toBe('InvalidPublicKey');
        expect((await postCertProv(srv, f, badBytes)).status).toBe(401);
        const bytes = sign(t, certProvEnvelope(srv, { entity }));
        expect((await postCertProv(srv, f, bytes)).certificate).toBeDefined();
        const again = await postCertProv(srv, f, bytes);
        expect(again.status).toBe(401);
        expect(again.certificate).toBeUndefined();
        // a new Body with the same ticket: the ticket's one certificate was issued
        const second = await postCertProv(srv, f, sign(t, certProvEnvelope(srv, { entity })));
        expect(second.status).toBe(401);
        expect(second.certificate).toBeUndefined();
        expect((await srv.store.certificates.listForEntity(entity)).length).toBe(1);
        // a fresh ticket gets its certificate
        expect((await postCertProv(srv, f, sign(await ticket(), certProvEnvelope(srv, { entity })))).certificate).toBeDefined();

        // Requests racing for one ticket (different Bodies, sent together): one certificate; every loser is
        // answered as a used ticket (401), whether the verifier's read or the publication's commit caught it —
        // never DataStoreUnavailable, which would send a client to retry against a store that is fine.
        // The store holds every publication until all six have passed the verifier, so the race is decided at
        // commit (ClaimLostError), the path a plain burst reaches only by chance.
        const raced = await ticket();
        const bodies = Array.from({ length: 6 }, () => sign(raced, certProvEnvelope(srv, { entity })));
        const certs = srv.store.certificates;
        const real = certs.publishClaiming!.bind(certs);
        let arrived = 0;
        let release!: () => void;
        const allThere = new Promise<void>((r) => (release = r));
        certs.publishClaiming = async (...a) => {
          if (++arrived === bodies.length) release();
          await Promise.race([allThere, new Promise((r) => setTimeout(r, 5_000))]);
          return real(...a);
        };
        const answers = await Promise.all(bodies.map((b) => postCertProv(srv, f, b)));
        certs.publishClaiming = real;
        expect(arrived).toBe(bodies.length);
        expect(answers.filter((a) => a.certificate).length).toBe(1);
        expect(answers.filter((a) => !a.certificate).map((a) => [a.status, a.responseCode])).toEqual(Array(5).fill([401, undefined]));
      } finally {
        await srv.close();
      }
    });
  });
}
