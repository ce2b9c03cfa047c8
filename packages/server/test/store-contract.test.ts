// One contract suite for every ServerStore: memory, SQLite (better-sqlite3, WAL) and PostgreSQL. The same
// assertions cover the user directory (hashed secrets), certificate publication with supersession,
// revocation and the Authentication Broker's session records.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CertificateStoreError } from '@ocauth/certprov';
import type { AuthBrokerSessionRecord } from '@ocauth/authbroker';
import { openStore, StoreError, type ServerStore, type StoreConfig } from '@ocauth/server';
import { pgUrlOrSkip } from './support/pg.js';

const pgUrl = pgUrlOrSkip();
const kinds: [string, () => StoreConfig | undefined][] = [
  ['memory', () => ({ kind: 'memory' })],
  ['sqlite', () => ({ kind: 'sqlite' })],
  ['postgres', () => (pgUrl ? { kind: 'postgres', url: pgUrl } : undefined)],
];

const cert = (entity: string, deviceId: string, serial = randomBytes(8).toString('hex').toUpperCase()) => ({
  entity,
  deviceId,
  serialNumber: serial,
  der: new Uint8Array(randomBytes(64)),
  notBefore: new Date(1_700_000_000_000),
  notAfter: new Date(1_800_000_000_000),
});
const session = (sipUri: string, lastActivity: number): AuthBrokerSessionRecord => ({
  id: randomUUID(),
  sipUri,
  version: 2,
  protocol: 'TLSv1.2',
  hashAlgorithm: 'SHA256',
  createdAt: lastActivity,
  lastActivity,
  credentialRequested: false,
  sipInstance: null,
  credentialNotAfter: null,
});

for (const [name, config] of kinds) {
  describe.skipIf(!config())(`ServerStore contract: ${name}`, () => {
    const stores: ServerStore[] = [];
    const open = async () => {
      const s = await openStore(config()!, mkdtempSync(join(tmpdir(), 'ocauth-store-')));
      stores.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of stores) await s.close().catch(() => {});
    });
    const u = `u${randomBytes(4).toString('hex')}`; // distinct users per run (PostgreSQL is shared)

    it('users: PIN by phone or SIP URI, password by account; secrets stored hashed; disabled flag', async () => {
      const s = await open();
      await s.users.upsertUser({ sipUri: `sip:${u}@Contoso.test`, pin: '13579', password: 'pa55 word', phones: [`+1555${u}`], accounts: [`CONTOSO\\${u}`] });
      expect(await s.users.findUserBySipUri(`sip:${u}@contoso.test`)).toMatchObject({ sipUri: `sip:${u}@Contoso.test`, enabled: true });
      expect(await s.users.verifyPin(`+1555${u}`, '13579')).toMatchObject({ enabled: true });
      expect(await s.users.verifyPin(`sip:${u}@contoso.test`, '13579')).not.toBeNull();
      expect(await s.users.verifyPin(`+1555${u}`, '13578')).toBeNull();
      expect(await s.users.verifyPin('+nobody', '13579')).toBeNull();
      expect(await s.users.verifyPassword(`contoso\\${u}`, 'pa55 word')).not.toBeNull();
      expect(await s.users.verifyPassword(`contoso\\${u}`, '13579')).toBeNull();
      expect(await s.users.findUserByAccount!(`CONTOSO\\${u}`)).toMatchObject({ sipUri: `sip:${u}@Contoso.test` });
      expect(await s.users.setEnabled(`sip:${u}@contoso.test`, false)).toBe(true);
      expect(await s.users.findUserBySipUri(`sip:${u}@contoso.test`)).toMatchObject({ enabled: false });
      expect(await s.users.setEnabled('sip:nobody@contoso.test', false)).toBe(false);
      await expect(s.users.upsertUser({ sipUri: 'alice' })).rejects.toMatchObject({ code: 'ERR_SERVER_USER' });
      await expect(s.users.upsertUser({ sipUri: 'alice' })).rejects.toBeInstanceOf(StoreError);
    });

    it('users: account and UPN; DOMAIN\\user, user@domain, sip:user@domain and bare user@domain name one user, case-insensitively; NT hash sealed at rest', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ocauth-store-'));
      const s = await openStore(config()!, dir);
      stores.push(s);
      await s.users.upsertUser({
        sipUri: `sip:${u}n@Contoso.test`,
        account: `CONTOSO\\${u}N`,
        upn: `${u}N@corp.contoso.test`,
        password: 'Password',
        displayName: 'N',
      });
      const want = { sipUri: `sip:${u}n@Contoso.test`, account: `CONTOSO\\${u}N`, upn: `${u}N@corp.contoso.test`, enabled: true };
      for (const name of [`contoso\\${u}n`, `CONTOSO\\${u.toUpperCase()}N`, `${u}n@CORP.contoso.test`, `SIP:${u}N@contoso.TEST`, `${u}n@contoso.test`]) {
        expect(await s.users.findUserByAccount!(name), name).toMatchObject(want);
        expect(await s.users.verifyPassword(name, 'Password'), name).toMatchObject(want);
      }
      expect(await s.users.findUserBySipUri(`sip:${u}n@contoso.test`)).toMatchObject(want);
      expect(await s.users.findUserByAccount!(`OTHER\\${u}n`)).toBeNull();
      // NTLM: the first existing name wins; the NT hash is MD4(UTF-16LE "Password") (MS-NLMP 4.2.2.1.2).
      const cred = await s.users.findNtlmCredential!([`NOPE\\${u}n`, `${u}n@corp.contoso.test`]);
      expect(cred?.user).toMatchObject(want);
      expect(Buffer.from(cred!.ntHash!).toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
      expect(await s.users.findNtlmCredential!([`NOPE\\${u}n`])).toBeNull();
      // a user without a password has no NT hash; setting the password creates it
      await s.users.upsertUser({ sipUri: `sip:${u}p@contoso.test`, account: `CONTOSO\\${u}p`, pin: '1234' });
      expect(await s.users.findNtlmCredential!([`CONTOSO\\${u}p`])).toMatchObject({ ntHash: null });
      await s.users.upsertUser({ sipUri: `sip:${u}p@contoso.test`, account: `CONTOSO\\${u}p`, password: 'Password' });
      expect((await s.users.findNtlmCredential!([`CONTOSO\\${u}p`]))?.ntHash).not.toBeNull();
      // UsernameToken readings: one call, plain first, then the alternative
      expect(
        await s.users.verifyPassword(Buffer.from(`CONTOSO\\${u}n`).toString('base64'), Buffer.from('Password').toString('base64'), [
          { username: `CONTOSO\\${u}n`, password: 'Password' },
        ]),
      ).toMatchObject(want);
      expect(await s.users.verifyPassword(`CONTOSO\\${u}n`, 'wrong', [{ username: `CONTOSO\\${u}n`, password: 'also wrong' }])).toBeNull();
      await expect(s.users.upsertUser({ sipUri: `sip:${u}x@contoso.test`, account: 'no-backslash' })).rejects.toMatchObject({ code: 'ERR_SERVER_USER' });
      await expect(s.users.upsertUser({ sipUri: `sip:${u}x@contoso.test`, upn: 'no-at-sign' })).rejects.toMatchObject({ code: 'ERR_SERVER_USER' });
      // at rest: the credential key lives in dataDir (0600); the database holds no NT hash in any encoding
      expect(statSync(join(dir, 'credential-key.bin')).mode & 0o777).toBe(0o600);
      const nt = Buffer.from('a4f49c406510bdcab6824ee7c30fd852', 'hex');
      let image: Buffer | undefined;
      if (name === 'sqlite') {
        await s.certificates.count(); // after the writes above were flushed
        image = readFileSync(join(dir, 'ocauth.sqlite'));
      } else if (name === 'postgres') {
        const pg = (await import('pg')).default;
        const c = new pg.Client({ connectionString: pgUrl! });
        await c.connect();
        const r = await c.query(`SELECT a.* FROM ocauth_user_accounts a WHERE a.sip_uri_norm = $1`, [`sip:${u}n@contoso.test`]);
        await c.end();
        expect(String(r.rows[0].nt_hash_sealed)).toMatch(/^aes256gcm\$/);
        image = Buffer.from(JSON.stringify(r.rows));
      }
      if (image)
        for (const form of [nt, Buffer.from(nt.toString('hex')), Buffer.from(nt.toString('base64').replace(/=+$/, ''))])
          expect(image.includes(form)).toBe(false);
      if (name !== 'memory') {
        // under another server key the sealed hash does not open (NTLM unavailable), the password still works
        const d2 = mkdtempSync(join(tmpdir(), 'ocauth-store-')); // a new dataDir: another credential key
        // WAL mode: committed pages may still be in ocauth.sqlite-wal (copied with the database)
        if (name === 'sqlite') for (const f of ['ocauth.sqlite', 'ocauth.sqlite-wal']) if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(d2, f));
        const other = await openStore(config()!, d2);
        stores.push(other);
        expect(await other.users.findNtlmCredential!([`CONTOSO\\${u}n`])).toMatchObject({ ntHash: null });
        expect(await other.users.verifyPassword(`CONTOSO\\${u}n`, 'Password')).toMatchObject(want);
      }
    });

    it('certificates: publish supersedes the same device, other devices untouched; duplicate serial refused; revoke', async () => {
      const s = await open();
      const dev1 = `{${randomUUID().toUpperCase()}}`,
        dev2 = `{${randomUUID().toUpperCase()}}`;
      const a = cert(`${u}@contoso.test`, dev1),
        b = cert(`${u}@contoso.test`, dev2),
        c = cert(`${u}@CONTOSO.test`, dev1.toLowerCase());
      const before = await s.certificates.count();
      expect(await s.certificates.publish(a, new Date(1_750_000_000_000))).toEqual({ revoked: [] });
      expect(await s.certificates.publish(b, new Date(1_750_000_000_000))).toEqual({ revoked: [] });
      expect(await s.certificates.publish(c, new Date(1_750_000_001_000))).toEqual({ revoked: [a.serialNumber] });
      expect((await s.certificates.findBySerial(a.serialNumber))?.revokedAt).toEqual(new Date(1_750_000_001_000));
      expect((await s.certificates.findBySerial(b.serialNumber))?.revokedAt).toBeUndefined();
      const got = await s.certificates.findBySerial(c.serialNumber.toLowerCase());
      expect(got && Buffer.from(got.der).equals(Buffer.from(c.der))).toBe(true);
      expect(got?.notAfter).toEqual(c.notAfter);
      expect((await s.certificates.listForEntity(`sip:${u}@contoso.test`)).map((x) => x.serialNumber).sort()).toEqual(
        [a, b, c].map((x) => x.serialNumber).sort(),
      );
      const dup = await s.certificates.publish({ ...cert(`${u}@contoso.test`, dev2), serialNumber: b.serialNumber }, new Date()).catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(CertificateStoreError);
      expect((dup as CertificateStoreError).code).toBe('ERR_CERTPROV_STORE_DUPLICATE_SERIAL');
      expect((await s.certificates.findBySerial(b.serialNumber))?.revokedAt).toBeUndefined(); // failed publish changed nothing
      expect(await s.certificates.revoke(b.serialNumber, new Date(1_760_000_000_000))).toBe(true);
      expect(await s.certificates.revoke(b.serialNumber, new Date(1_760_000_000_000))).toBe(false);
      expect(await s.certificates.count()).toBe(before + 3);
    });

    it('sessions: set/get round-trip, per-user count, sweep by idleness, delete', async () => {
      const s = await open();
      const sip = `sip:${u}@contoso.test`;
      const old = session(sip, 1000),
        fresh = session(sip, 5000);
      await s.sessions.set(old);
      await s.sessions.set(fresh);
      expect(await s.sessions.get(old.id)).toEqual(old);
      await s.sessions.set({ ...fresh, credentialRequested: true, sipInstance: 'X', lastActivity: 6000 });
      expect(await s.sessions.get(fresh.id)).toMatchObject({ credentialRequested: true, sipInstance: 'X', lastActivity: 6000 });
      expect(await s.sessions.countForUser!(sip)).toBe(2);
      expect(await s.sessions.sweep(2000)).toContain(old.id);
      expect(await s.sessions.get(old.id)).toBeUndefined();
      await s.sessions.delete(fresh.id);
      expect(await s.sessions.get(fresh.id)).toBeUndefined();
    });

    it('concurrent publishes for one device (two store instances where the backend is shared) leave exactly one valid certificate', async () => {
      const s1 = await open();
      const s2 = name === 'postgres' ? await open() : s1; // PostgreSQL: two pools, as two server processes
      const dev = `{${randomUUID().toUpperCase()}}`;
      const certs = Array.from({ length: 12 }, () => cert(`${u}c@contoso.test`, dev));
      const results = await Promise.all(certs.map((c, i) => (i % 2 ? s2 : s1).certificates.publish(c, new Date(1_750_000_000_000 + i))));
      const all = await s1.certificates.listForEntity(`${u}c@contoso.test`);
      expect(all).toHaveLength(12);
      expect(all.filter((c) => !c.revokedAt)).toHaveLength(1);
      // every certificate but the surviving one was revoked by exactly one later publish
      expect(results.flatMap((r) => r.revoked).sort()).toEqual(
        all
          .filter((c) => c.revokedAt)
          .map((c) => c.serialNumber)
          .sort(),
      );
    });

    if (name !== 'memory')
      it('calls after close() fail with typed errors, never hang', async () => {
        const s = await openStore(config()!, mkdtempSync(join(tmpdir(), 'ocauth-store-')));
        await s.close();
        const e = await s.certificates.publish(cert(`${u}@contoso.test`, `{${randomUUID().toUpperCase()}}`), new Date()).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(CertificateStoreError);
        expect((e as CertificateStoreError).code).toBe('ERR_CERTPROV_STORE_UNAVAILABLE');
        await expect(s.users.findUserBySipUri('sip:a@b.c')).rejects.toBeInstanceOf(Error);
      });

    if (name !== 'memory')
      it('state survives close and reopen', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ocauth-store-'));
        const cfg = config()!;
        const s1 = await openStore(cfg, dir);
        const c = cert(`${u}@contoso.test`, `{${randomUUID().toUpperCase()}}`);
        await s1.certificates.publish(c, new Date());
        const sess = session(`sip:${u}@contoso.test`, Date.now());
        await s1.sessions.set(sess);
        await s1.close();
        const s2 = await openStore(cfg, dir);
        stores.push(s2);
        expect(await s2.certificates.findBySerial(c.serialNumber)).toMatchObject({ serialNumber: c.serialNumber });
        expect(await s2.sessions.get(sess.id)).toEqual(sess);
      });
  });
}

it('an unreadable SQLite file is a typed error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocauth-store-'));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'ocauth.sqlite'), 'not a database at all, just text that is long enough');
  await expect(openStore({ kind: 'sqlite' }, dir)).rejects.toMatchObject({ code: 'ERR_SERVER_STORE_OPEN' });
});

it('SQLite: a transaction that fails midway leaves nothing behind (rolled back), and the store carries on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocauth-store-'));
  const s = await openStore({ kind: 'sqlite' }, dir);
  const dev = `{${randomUUID().toUpperCase()}}`;
  const first = cert('alice@contoso.test', dev);
  try {
    await s.certificates.publish(first, new Date());
    // The second publish revokes `first`, then its INSERT fails (a DER SQLite cannot bind): all of it is undone.
    const bad = { ...cert('alice@contoso.test', dev), der: { not: 'bytes' } as never };
    const e = await s.certificates.publish(bad, new Date()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CertificateStoreError);
    expect((e as CertificateStoreError).code).toBe('ERR_CERTPROV_STORE_UNAVAILABLE');
    expect(await s.certificates.findBySerial(bad.serialNumber)).toBeUndefined();
    expect((await s.certificates.findBySerial(first.serialNumber))?.revokedAt).toBeUndefined();
    const ok = cert('alice@contoso.test', dev);
    await s.certificates.publish(ok, new Date());
    expect(await s.certificates.findBySerial(ok.serialNumber)).toBeDefined();
  } finally {
    await s.close();
  }
  const again = await openStore({ kind: 'sqlite' }, dir);
  expect(await again.certificates.count()).toBe(2);
  await again.close();
});
