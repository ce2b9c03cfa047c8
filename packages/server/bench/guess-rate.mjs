// Online guessing rate against the reference server after sign-in throttling (issue 16 item 1).
// One attacker address, 8 concurrent connections, wrong PINs as fast as the server answers, for
// DURATION seconds (default 20): (a) all against one account, (b) spread over unknown accounts.
// "evaluated" counts the guesses the server actually checked (the store's failure counters); the rest
// were answered by the lockout / source block without a chance to succeed.
// Usage: pnpm build && node packages/server/bench/guess-rate.mjs [seconds]
import { WebTicketClient } from '@ocauth/wstrust';
import { createHttpsFetch, startServer } from '@ocauth/server';

const seconds = Number(process.argv[2] ?? 20);
async function run(label, identityOf) {
  const srv = await startServer({ store: { kind: 'memory' }, logger: false });
  const f = createHttpsFetch({ ca: srv.caCertificatePem });
  let sent = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < end) {
        const c = new WebTicketClient({ credentials: { type: 'pin', identity: identityOf(sent), pin: String(100000 + sent) }, fetch: f });
        sent++;
        await c.requestTicket(srv.urls.certProv, srv.urls.webTicket).catch(() => {});
      }
    }),
  );
  const now = Date.now();
  const acct = await srv.store.security.getAttempts(`pin:user:${srv.demoUser.sipUri.toLowerCase()}`, now);
  const src = await srv.store.security.getAttempts('src:127.0.0.1', now);
  const evaluated = (s, max) => (s ? s.strikes * max + s.failures : 0);
  const e = label === 'one account' ? evaluated(acct, 10) : evaluated(src, 20);
  console.log(
    `${label}: ${sent} attempts in ${seconds} s (${(sent / seconds).toFixed(1)}/s answered), ${e} guesses evaluated (${(e / seconds).toFixed(2)}/s); account locked: ${!!acct && acct.lockedUntil > now}; source blocked: ${!!src && src.lockedUntil > now}`,
  );
  await srv.close();
}
await run('one account', () => '+15550100');
await run('many accounts', (i) => `+1777${String(i).padStart(7, '0')}`);
