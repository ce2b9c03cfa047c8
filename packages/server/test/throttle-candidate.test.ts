// SignInHooks.onCandidate (issue 20): the throttled directory names the user while the PIN's KDF runs, so the Web
// Ticket Service can prepare the ticket — only when nothing but that check can still refuse the sign-in.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryUser } from '@ocauth/wstrust';
import { openStore, type ServerStore } from '@ocauth/server';
import { throttledDirectory, withSignInSource } from '../src/internal/throttle.js';

let store: ServerStore;
let now = Date.parse('2026-06-01T10:00:00Z');
beforeAll(async () => {
  store = await openStore({ kind: 'memory' }, mkdtempSync(join(tmpdir(), 'ocauth-candidate-')));
  await store.users.upsertUser({ sipUri: 'sip:ann@ocauth.test', pin: '135790', phones: ['+15550301'] });
  await store.users.upsertUser({ sipUri: 'sip:ben@ocauth.test', pin: '246802', phones: ['+15550302'] });
  await store.users.upsertUser({ sipUri: 'sip:off@ocauth.test', pin: '111111', phones: ['+15550303'] });
  await store.users.setEnabled('sip:off@ocauth.test', false);
});
afterAll(async () => store?.close());

/** One PIN sign-in from `source`: the verdict and the candidates the hook was given (and when, relative to the check). */
async function attempt(identity: string, pin: string, source = '127.0.0.1') {
  const d = throttledDirectory(store.users, store.security, { blockedDelayMs: 1 }, () => new Date(now));
  const candidates: DirectoryUser[] = [];
  let settled = false;
  const verdict = await withSignInSource(source, () => {
    const p = d.verifyPin(identity, pin, { onCandidate: (u) => candidates.push({ ...u, settledBefore: settled } as DirectoryUser) });
    void p.then(() => (settled = true));
    return p;
  });
  return { verdict, candidates };
}

describe('throttled directory: onCandidate', () => {
  it('names the user once, before the verdict, for the right PIN and for a wrong one (the verdict decides)', async () => {
    const ok = await attempt('+15550301', '135790');
    expect(ok.verdict?.sipUri).toBe('sip:ann@ocauth.test');
    expect(ok.candidates.map((u) => u.sipUri)).toEqual(['sip:ann@ocauth.test']);
    expect((ok.candidates[0] as unknown as { settledBefore: boolean }).settledBefore).toBe(false);
    const wrong = await attempt('+15550301', '000000');
    expect(wrong.verdict).toBeNull();
    expect(wrong.candidates.map((u) => u.sipUri)).toEqual(['sip:ann@ocauth.test']);
  });

  it('names no one for an unknown identity, a disabled user or control characters in the credentials', async () => {
    expect((await attempt('+19999999', '135790')).candidates).toEqual([]);
    expect((await attempt('+15550303', '111111')).candidates).toEqual([]);
    expect((await attempt('+15550301', '135790\u0000')).candidates).toEqual([]);
  });

  it('names no one while the account is locked or the source is blocked (the answer is a refusal whatever the PIN)', async () => {
    for (let i = 0; i < 10; i++) await attempt('+15550302', String(400000 + i), '127.0.0.2');
    const locked = await attempt('+15550302', '246802', '127.0.0.3');
    expect(locked.verdict).toBeNull();
    expect(locked.candidates).toEqual([]);
    for (let i = 0; i < 20; i++) await attempt(`+1555099${String(i).padStart(2, '0')}`, '000000', '127.0.0.4');
    const blocked = await attempt('+15550301', '135790', '127.0.0.4');
    expect(blocked.verdict).toBeNull();
    expect(blocked.candidates).toEqual([]);
    now += 3600_000; // the account lock is over: named again
    expect((await attempt('+15550302', '246802', '127.0.0.3')).candidates.map((u) => u.sipUri)).toEqual(['sip:ben@ocauth.test']);
  });

  it('a hook that throws changes nothing', async () => {
    const d = throttledDirectory(store.users, store.security, {}, () => new Date(now));
    const u = await withSignInSource('127.0.0.9', () =>
      d.verifyPin('+15550301', '135790', {
        onCandidate: () => {
          throw new Error('hook');
        },
      }),
    );
    expect(u?.sipUri).toBe('sip:ann@ocauth.test');
  });
});
