// Load on engineer B's server (src/internal/refserver): C concurrent clients, each running the sign-in
// flow of a Lync client — a web ticket on the Pin binding, then GetAndPublishCert with a signed CSR —
// over HTTPS (real TLS, SQLite persisted per transaction). Reference in the same run: the same flows
// with the same concurrency calling the server's router in process (no sockets, no TLS), so the ratio
// is the share of throughput the HTTPS transport and adapter keep. Any failed flow aborts the bench.
import { generateKeyPairSync } from 'node:crypto';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer } from '../dist/internal/refserver/index.js';

const CLIENTS = Number(process.env.OCAUTH_LOAD_CLIENTS ?? 8);

export default async function (h) {
  const srv = await startServer({ logger: false, farmFqdn: 'pool.contoso.test' });
  const https = createHttpsFetch({ ca: srv.caCertificatePem, maxSockets: CLIENTS * 2 });
  const inProcess = async (u, init) => srv.handler(new Request(u, init));
  const keys = Array.from({ length: CLIENTS }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const latencies = [];
  let flows = 0;
  const batch = (fetch, record) => async () => {
    await Promise.all(keys.map(async (keyPair) => {
      const t0 = performance.now();
      const client = new WebTicketClient({ credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin }, fetch, sipUri: srv.demoUser.sipUri });
      const c = await requestCertificate({ url: srv.urls.certProv, sipUri: srv.demoUser.sipUri, webTicketClient: client, webTicketUrl: srv.urls.webTicket, fetch, keyPair });
      if (!c.certificate) throw new Error('flow returned no certificate'); // any failure rejects the task: zero failures required
      if (record) { latencies.push(performance.now() - t0); flows++; }
    }));
  };
  try {
    const row = await h.compare({
      name: `server load: ${CLIENTS} concurrent clients, ticket (Pin) + certificate per flow (batch of ${CLIENTS} flows)`,
      subject: batch(https, true), subjectName: 'HTTPS (refserver)',
      reference: batch(inProcess, false), referenceName: 'in-process router',
    });
    const sorted = [...latencies].sort((a, b) => a - b);
    const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
    const stored = (await srv.store.certificates.listForEntity(srv.demoUser.sipUri)).length;
    return [{ ...row, flowsPerSec: row.subjectOpsPerSec * CLIENTS, p50Ms: pct(50), p99Ms: pct(99), flows, failures: 0, certificatesStored: stored }];
  } finally {
    https.close();
    await srv.close();
  }
}
