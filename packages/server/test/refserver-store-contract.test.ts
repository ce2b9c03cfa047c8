// One contract suite for every ServerStore: memory (the sibling packages' reference implementations),
// SQLite (sql.js, file in a temp dir) and PostgreSQL (only with OCAUTH_TEST_PG_URL; under CI=true a
// missing URL fails). Same inputs, same observable behaviour: users (hashed PIN/password), issued
// certificates (publish supersedes the device's previous one, revocation), broker session records.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStoreError, storeCertificateValidator, type StoredCertificate } from '@ocauth/certprov';
import type { AuthBrokerSessionRecord } from '@ocauth/authbroker';
import { openStore, type ServerStore, type StoreConfig } from '../src/internal/refserver/index.js';
import { openStore as openPackageStore } from '@ocauth/server';
import { freshPostgresDatabase } from './refserver-support/pg.js';

const PG_URL = process.env.OCAUTH_TEST_PG_URL;

describe('PostgreSQL availability', () => {
  it('OCAUTH_TEST_PG_URL is set under CI (the Postgres store must be tested there)', () => {
    if (process.env.CI === 'true') expect(PG_URL, 'OCAUTH_TEST_PG_URL must be set under CI=true').toBeTruthy();
  });
});

const kinds: { name: string; open: () => Promise<{ store: ServerStore; cleanup: () => Promise<void>; raw: () => Promise<string> }> }[] = [
  { name: 'memory', open: async () => ({ store: await openStore({ kind: 'memory' }, tmpdir()), cleanup: async () => {}, raw: async () => '' }) },
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ocauth-store-'));
      const cfg: StoreConfig = { kind: 'sqlite' };
      const store = await openStore(cfg, dir);
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }), raw: async () => readFileSync(join(dir, 'ocauth.sqlite')).toString('latin1') };
    },
  },
];
if (PG_URL) {
  kinds.push({
    name: 'postgres',
    open: async () => {
      const db = await freshPostgresDatabase(PG_URL);
      const store = await openStore({ kind: 'postgres', url: db.url }, tmpdir());
      const dump = async () => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          const r = await c.query('SELECT * FROM ocauth_users');
          return JSON.stringify(r.rows);
        } finally {
          await c.end();
        }
      };
      return { store, cleanup: () => db.drop(), raw: dump };
    },
  });
}

// The same suite also checks the package entry's stores (engineer A's src/internal/store), through a
// shim for its user-seeding method name: two independent implementations held to one contract.
type PackageStore = Awaited<ReturnType<typeof openPackageStore>>;
const shim = (a: PackageStore): ServerStore => ({
  kind: a.kind, certificates: a.certificates, sessions: a.sessions, close: () => a.close(),
  users: {
    findUserBySipUri: (x) => a.users.findUserBySipUri(x),
    findUserByAccount: (x) => a.users.findUserByAccount!(x),
    verifyPin: (i, p) => a.users.verifyPin(i, p),
    verifyPassword: (i, p) => a.users.verifyPassword(i, p),
    putUser: (u: Parameters<ServerStore['users']['putUser']>[0]) =>
      a.users.upsertUser({ sipUri: u.sipUri, ...(u.enabled !== undefined ? { enabled: u.enabled } : {}), ...(u.displayName ? { displayName: u.displayName } : {}), ...(u.pin !== undefined ? { pin: u.pin } : {}), ...(u.password !== undefined ? { password: u.password } : {}), phones: u.phone ?? [], accounts: u.accounts ?? [] }),
  },
});
kinds.push({
  name: 'package-entry sqlite',
  open: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-store-a-'));
    const store = shim(await openPackageStore({ kind: 'sqlite' }, dir));
    const file = () => { const f = readdirSync(dir).find((n: string) => n.endsWith('.sqlite') || n.endsWith('.db')); return f ? readFileSync(join(dir, f)).toString('latin1') : ''; };
    return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }), raw: async () => file() };
  },
});
if (PG_URL) {
  kinds.push({
    name: 'package-entry postgres',
    open: async () => {
      const db = await freshPostgresDatabase(PG_URL);
      const store = shim(await openPackageStore({ kind: 'postgres', url: db.url }, tmpdir()));
      const dump = async () => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          const tables = await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
          const out: unknown[] = [];
          for (const t of tables.rows as { table_name: string }[]) out.push((await c.query(`SELECT * FROM "${t.table_name}"`)).rows);
          return JSON.stringify(out);
        } finally {
          await c.end();
        }
      };
      return { store, cleanup: () => db.drop(), raw: dump };
    },
  });
}

const T0 = new Date('2026-11-23T08:00:00Z');
const cert = (entity: string, deviceId: string, serial = randomBytes(16).toString('hex').toUpperCase(), notBefore = T0): StoredCertificate => ({
  entity, deviceId, serialNumber: serial, der: new Uint8Array(randomBytes(300)), notBefore, notAfter: new Date(notBefore.getTime() + 8 * 3600_000),
});
const session = (id: string, sipUri: string, lastActivity: number): AuthBrokerSessionRecord => ({
  id, sipUri, version: 2, protocol: 'TLSv1.2', hashAlgorithm: 'SHA256', createdAt: lastActivity, lastActivity, credentialRequested: false, sipInstance: null, credentialNotAfter: null,
});
const DEV_A = '{11111111-2222-3333-4444-555555555555}';
const DEV_B = '{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}';

describe.each(kinds)('$name store (ServerStore contract)', ({ name, open }) => {
  let store: ServerStore;
  let cleanup: () => Promise<void>;
  let raw: () => Promise<string>;
  beforeAll(async () => {
    ({ store, cleanup, raw } = await open());
    await store.users.putUser({ sipUri: 'sip:Alice@Contoso.test', pin: '13579', password: 'pw-Alice-1', phone: ['+15550100'], accounts: ['CONTOSO\\alice'], displayName: 'Alice' });
    await store.users.putUser({ sipUri: 'sip:bob@contoso.test', enabled: false, pin: '24680', phone: ['+15550200'] });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('users: found by SIP URI case-insensitively, with enabled flag and display name', async () => {
    expect(await store.users.findUserBySipUri('sip:alice@contoso.test')).toMatchObject({ sipUri: 'sip:Alice@Contoso.test', enabled: true });
    expect(await store.users.findUserBySipUri('sip:bob@contoso.test')).toMatchObject({ enabled: false });
    expect(await store.users.findUserBySipUri('sip:nobody@contoso.test')).toBeNull();
  });

  it('users: PIN by phone number or SIP URI; a wrong PIN, unknown identity or PIN of another user is null', async () => {
    expect((await store.users.verifyPin('+15550100', '13579'))?.sipUri).toBe('sip:Alice@Contoso.test');
    expect((await store.users.verifyPin('sip:alice@contoso.test', '13579'))?.sipUri).toBe('sip:Alice@Contoso.test');
    expect(await store.users.verifyPin('+15550100', '13578')).toBeNull();
    expect(await store.users.verifyPin('+15550100', '24680')).toBeNull();
    expect(await store.users.verifyPin('+15559999', '13579')).toBeNull();
    expect(await store.users.verifyPin('+15550100', '')).toBeNull();
    // a disabled user still authenticates: the handler answers "not SIP enabled" (28000) itself
    expect(await store.users.verifyPin('+15550200', '24680')).toMatchObject({ enabled: false });
  });

  it('users: password by SIP URI or account; account lookup for integrated authentication', async () => {
    expect((await store.users.verifyPassword('sip:alice@contoso.test', 'pw-Alice-1'))?.sipUri).toBe('sip:Alice@Contoso.test');
    expect((await store.users.verifyPassword('contoso\\ALICE', 'pw-Alice-1'))?.sipUri).toBe('sip:Alice@Contoso.test');
    expect(await store.users.verifyPassword('sip:alice@contoso.test', 'pw-alice-1')).toBeNull();
    expect(await store.users.verifyPassword('sip:bob@contoso.test', '')).toBeNull(); // bob has no password
    expect((await store.users.findUserByAccount!('CONTOSO\\alice'))?.sipUri).toBe('sip:Alice@Contoso.test');
  });

  it('users: putUser replaces secrets and identities (the old PIN and phone stop working)', async () => {
    await store.users.putUser({ sipUri: 'sip:carol@contoso.test', pin: '1111', phone: ['+15550300'] });
    expect(await store.users.verifyPin('+15550300', '1111')).not.toBeNull();
    await store.users.putUser({ sipUri: 'sip:carol@contoso.test', pin: '2222', phone: ['+15550301'] });
    expect(await store.users.verifyPin('+15550301', '1111')).toBeNull();
    expect(await store.users.verifyPin('+15550301', '2222')).not.toBeNull();
    expect(await store.users.verifyPin('+15550300', '2222')).toBeNull();
  });

  it.runIf(name !== 'memory')('users: PINs and passwords are stored hashed, never in clear', async () => {
    const dump = await raw();
    expect(dump.length).toBeGreaterThan(0);
    expect(dump).toContain('scrypt$');
    for (const secret of ['13579', 'pw-Alice-1', '24680']) expect(dump.includes(secret), `secret ${secret.length} chars in the store`).toBe(false);
  });

  it('certificates: publish then findBySerial returns the same bytes and dates (serial case-insensitive)', async () => {
    const c = cert('alice@contoso.test', DEV_A);
    expect(await store.certificates.publish(c, T0)).toEqual({ revoked: [] });
    const got = await store.certificates.findBySerial(c.serialNumber.toLowerCase());
    expect(got).toBeDefined();
    expect(Buffer.from(got!.der).equals(Buffer.from(c.der))).toBe(true);
    expect(got!.notBefore.getTime()).toBe(c.notBefore.getTime());
    expect(got!.notAfter.getTime()).toBe(c.notAfter.getTime());
    expect(got!.revokedAt).toBeUndefined();
    expect(got!.deviceId).toBe(DEV_A);
    expect(await store.certificates.findBySerial('00')).toBeUndefined();
  });

  it('certificates: a new certificate for the same user and device supersedes (revokes) the previous one only', async () => {
    const e = `dev-${name}@contoso.test`;
    const a = cert(e, DEV_A), b = cert(e, DEV_B), a2 = cert(e.toUpperCase(), DEV_A.toLowerCase(), undefined, new Date(T0.getTime() + 1000));
    await store.certificates.publish(a, T0);
    await store.certificates.publish(b, T0);
    const t1 = new Date(T0.getTime() + 60_000);
    expect(await store.certificates.publish(a2, t1)).toEqual({ revoked: [a.serialNumber] });
    const list = await store.certificates.listForEntity(`sip:${e.toUpperCase()}`);
    expect(list.map((c) => c.serialNumber).sort()).toEqual([a.serialNumber, b.serialNumber, a2.serialNumber].sort());
    expect(list.find((c) => c.serialNumber === a.serialNumber)!.revokedAt?.getTime()).toBe(t1.getTime());
    expect(list.find((c) => c.serialNumber === b.serialNumber)!.revokedAt).toBeUndefined();
    expect(list.find((c) => c.serialNumber === a2.serialNumber)!.revokedAt).toBeUndefined();
  });

  it('certificates: a duplicate serial is refused with ERR_CERTPROV_STORE_DUPLICATE_SERIAL and changes nothing', async () => {
    const e = `dup-${name}@contoso.test`;
    const a = cert(e, DEV_A);
    await store.certificates.publish(a, T0);
    const err = await store.certificates.publish({ ...cert(e, DEV_B), serialNumber: a.serialNumber }, T0).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(CertificateStoreError);
    expect(err).toMatchObject({ code: 'ERR_CERTPROV_STORE_DUPLICATE_SERIAL' });
    expect((err as Error).message).toContain(a.serialNumber);
    const list = await store.certificates.listForEntity(e);
    expect(list).toHaveLength(1);
    expect(list[0]!.revokedAt).toBeUndefined();
  });

  it('certificates: revoke is true once, false again and for unknown serials; the validator then refuses the certificate', async () => {
    const c = cert('rev@contoso.test', DEV_A);
    await store.certificates.publish(c, T0);
    const validator = storeCertificateValidator(store.certificates, { clock: () => new Date(T0.getTime() + 1000) });
    const x509 = { serialNumber: c.serialNumber, raw: Buffer.from(c.der) } as never;
    expect(await validator.validate(x509)).toEqual({ sipUri: 'sip:rev@contoso.test' });
    expect(await store.certificates.revoke(c.serialNumber, T0)).toBe(true);
    expect(await store.certificates.revoke(c.serialNumber, T0)).toBe(false);
    expect(await store.certificates.revoke('DEADBEEF', T0)).toBe(false);
    expect(await validator.validate(x509)).toBeNull();
  });

  it('certificates: concurrent publishes for one device leave exactly one unrevoked certificate', async () => {
    const e = `race-${name}@contoso.test`;
    const certs = Array.from({ length: 12 }, () => cert(e, DEV_A));
    const results = await Promise.all(certs.map((c) => store.certificates.publish(c, T0)));
    const list = await store.certificates.listForEntity(e);
    expect(list).toHaveLength(12);
    expect(list.filter((c) => !c.revokedAt)).toHaveLength(1);
    expect(results.flatMap((r) => r.revoked).sort()).toEqual(list.filter((c) => c.revokedAt).map((c) => c.serialNumber).sort());
  });

  it('sessions: set/get round trip (copies), replace, countForUser, delete', async () => {
    const id = randomUUID();
    const r = session(id, 'sip:alice@contoso.test', 1000);
    await store.sessions.set(r);
    r.credentialRequested = true; // the store keeps its own copy
    expect(await store.sessions.get(id)).toEqual({ ...r, credentialRequested: false });
    await store.sessions.set({ ...r, sipInstance: 'X', lastActivity: 2000 });
    expect(await store.sessions.get(id)).toMatchObject({ sipInstance: 'X', lastActivity: 2000, credentialRequested: true });
    expect(await store.sessions.countForUser!('sip:alice@contoso.test')).toBe(1);
    await store.sessions.delete(id);
    expect(await store.sessions.get(id)).toBeUndefined();
    expect(await store.sessions.countForUser!('sip:alice@contoso.test')).toBe(0);
  });

  it('sessions: sweep removes exactly the records idle before the cut-off and size follows', async () => {
    const before = await store.sessions.size();
    const old = [randomUUID(), randomUUID()], fresh = [randomUUID()];
    for (const id of old) await store.sessions.set(session(id, 'sip:s@contoso.test', 10));
    for (const id of fresh) await store.sessions.set(session(id, 'sip:s@contoso.test', 5000));
    expect(await store.sessions.size()).toBe(before + 3);
    expect((await store.sessions.sweep(100)).sort()).toEqual([...old].sort());
    expect(await store.sessions.size()).toBe(before + 1);
    expect(await store.sessions.get(fresh[0]!)).toBeDefined();
  });
});
