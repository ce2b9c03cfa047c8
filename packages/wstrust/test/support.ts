import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createWebTicketHandler, MemoryUserDirectory, keyNameOf, type WebTicketHandlerOptions } from './internals.js';

const F = new URL('./fixtures/', import.meta.url);
export const issuerKey = readFileSync(new URL('issuer-key.pem', F), 'utf8');
export const issuerCert = readFileSync(new URL('issuer-cert.pem', F), 'utf8');
export const otherKey = readFileSync(new URL('other-key.pem', F), 'utf8');
export const otherCert = readFileSync(new URL('other-cert.pem', F), 'utf8');
export const poolKeyBytes = new Uint8Array(32).fill(0x42);
export const poolKey = { keyName: keyNameOf(poolKeyBytes), key: poolKeyBytes };
export const SERVICE = 'https://pool0.example.com/WebTicket/WebTicketService.svc';

/** Deterministic randomness: SHA-256 counter stream. */
export function seededRandom(seed = 'wstrust'): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32)
      out.set(
        createHash('sha256')
          .update(`${seed}:${i++}`)
          .digest()
          .subarray(0, Math.min(32, n - off)),
        off,
      );
    return out;
  };
}

export function directory(): MemoryUserDirectory {
  return new MemoryUserDirectory()
    .add(
      { sipUri: 'sip:alice@example.com', enabled: true },
      { pin: '12345', phone: ['+15551234', '1234'], password: 'correct horse', accounts: ['EXAMPLE\\alice'] },
    )
    .add({ sipUri: 'sip:bob@example.com', enabled: false }, { pin: '999', phone: ['+15550000'], password: 'pw', accounts: ['EXAMPLE\\bob'] });
}

export function makeHandler(now: () => Date, over: { [K in keyof WebTicketHandlerOptions]?: WebTicketHandlerOptions[K] | undefined } = {}) {
  let n = 0;
  return createWebTicketHandler({
    serviceUrl: SERVICE,
    signingKey: issuerKey,
    certificate: issuerCert,
    poolKey,
    farm: ['https://pool0.example.com/'],
    userDirectory: directory(),
    clock: now,
    random: seededRandom(),
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    windowsAuthenticator: async (authz) =>
      authz === 'Negotiate dGVzdA==' ? { account: 'EXAMPLE\\alice' } : authz === 'Negotiate Ym9i' ? { account: 'EXAMPLE\\bob' } : null,
    oauthValidator: async (t) => (t === 'good-token' ? { sipUri: 'sip:alice@example.com' } : null),
    ...over,
  } as WebTicketHandlerOptions);
}
