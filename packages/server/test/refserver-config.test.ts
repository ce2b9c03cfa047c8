// Bad configuration is refused before anything listens, with typed errors naming the field; a
// corrupt SQLite file or an unreachable PostgreSQL is a typed store error, not a crash.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, startServer } from '../src/internal/refserver/index.js';

describe('refserver configuration errors', () => {
  it.each([
    [{ port: -1 }, 'port: expected an integer 0–65535, received -1'],
    [{ port: 1.5 }, 'port: expected an integer 0–65535, received 1.5'],
    [{ farmFqdn: 'not a name' }, 'farmFqdn: expected a DNS name, received "not a name"'],
    [{ users: [{ sipUri: 'alice@contoso.test' }] }, 'users[].sipUri: expected sip:user@domain, received "alice@contoso.test"'],
    [{ limits: { maxBodyBytes: 10 } }, 'limits.maxBodyBytes: expected an integer >= 1024, received 10'],
  ])('%j → ERR_SERVER_CONFIG', async (config, message) => {
    await expect(startServer({ ...config, logger: false } as never)).rejects.toMatchObject({ code: 'ERR_SERVER_CONFIG', name: 'ServerConfigError', message });
  });

  it('a corrupt SQLite file and an unreachable PostgreSQL give ERR_SERVER_STORE_OPEN; an unknown store kind ERR_SERVER_STORE_CONFIG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-cfg-'));
    try {
      writeFileSync(join(dir, 'ocauth.sqlite'), 'this is not a database, just text that is long enough to have a header..........');
      await expect(openStore({ kind: 'sqlite' }, dir)).rejects.toMatchObject({ code: 'ERR_SERVER_STORE_OPEN' });
      await expect(openStore({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' }, dir)).rejects.toMatchObject({ code: 'ERR_SERVER_STORE_OPEN', message: expect.stringContaining('PostgreSQL store: expected a reachable database') });
      await expect(openStore({ kind: 'mongo' } as never, dir)).rejects.toMatchObject({ code: 'ERR_SERVER_STORE_CONFIG', message: 'store.kind: expected memory, sqlite or postgres, received "mongo"' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a SQLite file is owned by one process: a second open is ERR_SERVER_STORE_LOCKED; a dead owner\'s lock is taken over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-cfg-'));
    try {
      const first = await openStore({ kind: 'sqlite' }, dir);
      await expect(openStore({ kind: 'sqlite' }, dir)).rejects.toMatchObject({ code: 'ERR_SERVER_STORE_LOCKED', message: expect.stringContaining(`pid ${process.pid}`) });
      await first.close();
      const again = await openStore({ kind: 'sqlite' }, dir);
      await again.close();
      writeFileSync(join(dir, 'ocauth.sqlite.lock'), '999999999'); // no such process
      const takeover = await openStore({ kind: 'sqlite' }, dir);
      await takeover.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('identities that look like SQL are just unknown identities', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-cfg-'));
    const store = await openStore({ kind: 'sqlite' }, dir);
    try {
      await store.users.putUser({ sipUri: 'sip:alice@contoso.test', pin: '1234', phone: ['+1555'] });
      for (const id of ["' OR '1'='1", "+1555' --", '%', '_']) expect(await store.users.verifyPin(id, '1234')).toBeNull();
      expect(await store.users.verifyPin('+1555', "' OR '1'='1")).toBeNull();
      expect(await store.users.verifyPin('+1555', '1234')).not.toBeNull();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
