// CertProv's ticket verifier (replay.ts certProvGuarded) tells its caller when the ticket's proof verified and only
// its store read remains (TicketVerifier.verify's onProven, issue 20): CertProv checks the CSR meanwhile.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketVerifier, VerifiedTicket } from '@ocauth/wstrust';
import { openStore, type ServerStore } from '@ocauth/server';
import { proofGuards } from '../src/internal/replay.js';

let store: ServerStore;
beforeAll(async () => {
  store = await openStore({ kind: 'memory' }, mkdtempSync(join(tmpdir(), 'ocauth-onproven-')));
});
afterAll(async () => store?.close());

const now = new Date('2026-06-01T10:00:00Z');
const ticket = (id: string) =>
  ({
    sipUri: 'sip:ann@ocauth.test',
    assertionId: id,
    notOnOrAfter: new Date(now.getTime() + 600_000),
    envelope: undefined,
    timestamp: undefined,
  }) as unknown as VerifiedTicket;

function guarded(inner: TicketVerifier['verify']) {
  const events: string[] = [];
  const security = new Proxy(store.security, {
    get(t, p) {
      const v = Reflect.get(t, p, t) as unknown;
      if (p === 'liveClaims' || p === 'claimOnce')
        return (...a: unknown[]) => {
          events.push(`store ${String(p)}`);
          return (v as (...x: unknown[]) => unknown).apply(t, a);
        };
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(t) : v;
    },
  });
  const verifier = proofGuards(security, {}, () => now, 300_000).certProvGuarded({ verify: inner, verifyToken: async () => ticket('x') });
  return { verifier, events };
}

describe('certProvGuarded: onProven', () => {
  it('is called once, after the ticket verified and before the store is read', async () => {
    const g = guarded(async () => ticket('ok-1'));
    const r = await g.verifier.verify('<x/>', { onProven: () => g.events.push('onProven') });
    expect(r.assertionId).toBe('ok-1');
    expect(g.events[0]).toBe('onProven'); // red when it is called after the read, or never
    expect(g.events.filter((e) => e === 'onProven')).toHaveLength(1);
    expect(g.events.length).toBeGreaterThan(1);
  });

  it('is not called for a ticket the inner verifier refuses', async () => {
    const g = guarded(async () => {
      throw Object.assign(new Error('bad signature'), { errorId: 28032 });
    });
    await expect(g.verifier.verify('<x/>', { onProven: () => g.events.push('onProven') })).rejects.toThrow('bad signature');
    expect(g.events).toEqual([]);
  });

  it('a hook that throws changes nothing', async () => {
    const g = guarded(async () => ticket('ok-2'));
    const r = await g.verifier.verify('<x/>', {
      onProven: () => {
        throw new Error('hook');
      },
    });
    expect(r.assertionId).toBe('ok-2');
  });
});
