// Issue 16 item 1: online guessing of PINs and passwords over HTTPS. Before the fix one client made
// 93–182 wrong-PIN guesses per second and the right PIN worked after ~1,000 wrong ones. Each test here
// performs the attack against startServer and shows it refused: per-account lockout (PIN and password
// counted separately), per-source blocking that does not lock the victim out, one answer shape, and the
// counts shared by two servers on one PostgreSQL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@ocauth/server';
import { fetchFrom, signIn } from './support/attack.js';
import { pgUrlOrSkip } from './support/pg.js';

let now = Date.parse('2026-06-01T10:00:00Z');
const clock = () => new Date(now);
let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer({
    store: { kind: 'memory' },
    logger: false,
    clock,
    policy: { signInThrottle: { blockedDelayMs: 20 } },
    users: [
      { sipUri: 'sip:alice@ocauth.test', pin: '135790', password: 'alice-pw-1', phones: ['+15550201'], accounts: ['OCAUTH\\alice'] },
      { sipUri: 'sip:carol@ocauth.test', pin: '246813', phones: ['+15550202'] },
      { sipUri: 'sip:dave@ocauth.test', pin: '975310', phones: ['+15550203'] },
      { sipUri: 'sip:erin@ocauth.test', pin: '112358', password: 'erin-pw-1', phones: ['+15550204'] },
    ],
  });
});
afterAll(async () => srv?.close());

const same = (a: { status: number; diagnostics: string | null; body: string }, b: typeof a) =>
  expect({ status: a.status, diagnostics: a.diagnostics, body: a.body }).toEqual({ status: b.status, diagnostics: b.diagnostics, body: b.body });

describe('sign-in throttling over HTTPS (issue 16 item 1)', () => {
  it('10 wrong PINs lock the account: the right PIN is then refused with the wrong-PIN answer until the lockout ends', async () => {
    const f = fetchFrom(srv, '127.0.0.1');
    const wrong = [];
    // the attacker rotates the account's spellings: they share one counter
    for (const identity of [
      '+15550201',
      'sip:alice@ocauth.test',
      'alice@ocauth.test',
      'OCAUTH\\alice',
      '+15550201',
      '+15550201',
      '+15550201',
      '+15550201',
      '+15550201',
      '+15550201',
    ])
      wrong.push(await signIn(srv, f, { type: 'pin', identity, pin: String(100000 + wrong.length) }));
    expect(wrong.every((a) => !a.ok)).toBe(true);
    const locked = await signIn(srv, f, { type: 'pin', identity: '+15550201', pin: '135790' });
    expect(locked.ok).toBe(false);
    same(locked, wrong[9]!);
    // password sign-in is counted separately: still open
    expect((await signIn(srv, f, { type: 'password', username: 'OCAUTH\\alice', password: 'alice-pw-1' })).ok).toBe(true);
    now += 901_000; // the lockout (900 s) is over
    expect((await signIn(srv, f, { type: 'pin', identity: '+15550201', pin: '135790' })).ok).toBe(true);
  });

  it('10 wrong passwords lock password sign-in (not PIN sign-in)', async () => {
    const f = fetchFrom(srv, '127.0.0.7');
    const wrong = [];
    for (let i = 0; i < 10; i++) wrong.push(await signIn(srv, f, { type: 'password', username: 'erin@ocauth.test', password: `guess-${i}` }));
    const locked = await signIn(srv, f, { type: 'password', username: 'erin@ocauth.test', password: 'erin-pw-1' });
    expect(locked.ok).toBe(false);
    same(locked, wrong[9]!);
    expect((await signIn(srv, f, { type: 'pin', identity: '+15550204', pin: '112358' })).ok).toBe(true);
    now += 901_000;
    expect((await signIn(srv, f, { type: 'password', username: 'erin@ocauth.test', password: 'erin-pw-1' })).ok).toBe(true);
  });

  it('a source spreading guesses over many accounts is blocked after 20 failures; its further guesses neither succeed nor lock the victim', async () => {
    const attacker = fetchFrom(srv, '127.0.0.3');
    for (let i = 0; i < 20; i++) await signIn(srv, attacker, { type: 'pin', identity: `+1555099${String(i).padStart(2, '0')}`, pin: '000000' });
    // blocked: even the right PIN of a real account fails, answered like any wrong PIN
    const blocked = await signIn(srv, attacker, { type: 'pin', identity: '+15550202', pin: '246813' });
    expect(blocked.ok).toBe(false);
    same(blocked, await signIn(srv, attacker, { type: 'pin', identity: '+15550202', pin: '000001' }));
    // 30 more guesses against carol from the blocked source: not counted against carol, and not hashed
    // (a blocked source costs the server no KDF work: the directory's secret check is never reached)
    const users = srv.store.users;
    const real = users.verifyPin.bind(users);
    let checks = 0;
    users.verifyPin = (i, p) => {
      checks++;
      return real(i, p);
    };
    try {
      for (let i = 0; i < 30; i++) await signIn(srv, attacker, { type: 'pin', identity: '+15550202', pin: String(200000 + i) });
      expect(checks).toBe(0);
      expect((await signIn(srv, fetchFrom(srv, '127.0.0.4'), { type: 'pin', identity: '+15550202', pin: '246813' })).ok).toBe(true);
      expect(checks).toBe(1); // the spy sees the checks a source that is not blocked makes
    } finally {
      users.verifyPin = real;
    }
  });

  it('while an attacker keeps an account locked, its owner signs in from a familiar address', async () => {
    const owner = fetchFrom(srv, '127.0.0.6');
    expect((await signIn(srv, owner, { type: 'pin', identity: '+15550203', pin: '975310' })).ok).toBe(true);
    const attacker = fetchFrom(srv, '127.0.0.5');
    for (let i = 0; i < 10; i++) await signIn(srv, attacker, { type: 'pin', identity: '+15550203', pin: String(300000 + i) });
    expect((await signIn(srv, attacker, { type: 'pin', identity: '+15550203', pin: '975310' })).ok).toBe(false); // locked for everyone else
    expect((await signIn(srv, fetchFrom(srv, '127.0.0.8'), { type: 'pin', identity: '+15550203', pin: '975310' })).ok).toBe(false);
    expect((await signIn(srv, owner, { type: 'pin', identity: '+15550203', pin: '975310' })).ok).toBe(true);
  });
});

const pgUrl = pgUrlOrSkip();
describe.skipIf(!pgUrl)('two servers on one PostgreSQL share the failure counts', () => {
  it('5 wrong PINs on each server lock the account on both', async () => {
    const u = `t${randomBytes(4).toString('hex')}`;
    const phone = `+1666${parseInt(u.slice(1), 16) % 10_000_000}`;
    const users = [{ sipUri: `sip:${u}@ocauth.test`, pin: '424242', phones: [phone] }];
    // PostgreSQL keeps the counts across runs: fresh source addresses per run (a source blocked by an
    // earlier run would, by design, no longer count against the account)
    const addr = () => `127.${1 + (randomBytes(1)[0]! % 250)}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0]! % 250)}`;
    const [attacker, owner] = [addr(), addr()];
    const a = await startServer({ store: { kind: 'postgres', url: pgUrl! }, logger: false, users, demoUser: false });
    const b = await startServer({ store: { kind: 'postgres', url: pgUrl! }, logger: false, users, demoUser: false, dataDir: a.dataDir });
    try {
      for (let i = 0; i < 5; i++) {
        expect((await signIn(a, fetchFrom(a, attacker), { type: 'pin', identity: phone, pin: String(500000 + i) })).ok).toBe(false);
        expect((await signIn(b, fetchFrom(b, attacker), { type: 'pin', identity: phone, pin: String(600000 + i) })).ok).toBe(false);
      }
      expect((await signIn(a, fetchFrom(a, owner), { type: 'pin', identity: phone, pin: '424242' })).ok).toBe(false);
      expect((await signIn(b, fetchFrom(b, owner), { type: 'pin', identity: phone, pin: '424242' })).ok).toBe(false);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
