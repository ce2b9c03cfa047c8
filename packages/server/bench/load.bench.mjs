// Load: N concurrent clients, each repeating the flow a Lync client runs on sign-in — a web ticket on
// the Pin binding, then GetAndPublishCert with a signed CSR — against the reference server over HTTPS
// (real TLS, SQLite store persisted per transaction). Reports sustained flows/s, p50/p99 latency of a
// flow and the number of failed flows (must be 0), and the ratio against a same-run reference: the
// rate of raw node:crypto RSA-2048 SHA-256 signatures divided by 2 (the server signs twice per flow:
// the ticket and the certificate), i.e. the fraction of the crypto-bound ceiling the server sustains.
import { Agent } from 'node:https';
import { generateKeyPairSync, sign } from 'node:crypto';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer } from '../dist/index.js';

const QUICK = process.env.OCAUTH_BENCH_QUICK === '1';
const CLIENTS = Number(process.env.OCAUTH_LOAD_CLIENTS ?? 16);
const SECONDS = Number(process.env.OCAUTH_LOAD_SECONDS ?? (QUICK ? 3 : 10));

export default async function (h) {
  const STORE = process.env.OCAUTH_LOAD_STORE ?? 'sqlite';
  const srv = await startServer({ logger: false, store: STORE === 'postgres' ? { kind: 'postgres', url: process.env.OCAUTH_TEST_PG_URL } : { kind: STORE } });
  try {
    const agent = new Agent({ keepAlive: true, ca: srv.caCertificatePem, maxSockets: CLIENTS * 2 });
    const f = createHttpsFetch({ ca: srv.caCertificatePem, agent });
    const keys = Array.from({ length: CLIENTS }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));
    const latencies = [];
    let failures = 0;
    const errors = new Map();
    const flow = async (i) => {
      const client = new WebTicketClient({ credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin }, fetch: f, sipUri: srv.demoUser.sipUri });
      await requestCertificate({ url: srv.urls.certProv, sipUri: srv.demoUser.sipUri, webTicketClient: client, fetch: f, keyPair: keys[i], webTicketUrl: srv.urls.webTicket });
    };
    // warm-up
    await Promise.all(keys.map((_, i) => flow(i)));
    const certsBefore = await srv.store.certificates.count();
    // Alternate load phases with reference phases so both see the same machine load (shared CPUs).
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const tbs = Buffer.alloc(700, 1);
    const rounds = QUICK ? 2 : 5;
    const ratios = [];
    const flowRates = [];
    const refRates = [];
    let done = 0;
    let elapsed = 0;
    for (let r = 0; r < rounds; r++) {
      const end = Date.now() + (SECONDS * 1000) / rounds;
      const started = process.hrtime.bigint();
      let n = 0;
      await Promise.all(
        keys.map(async (_, i) => {
          while (Date.now() < end) {
            const t0 = process.hrtime.bigint();
            try {
              await flow(i);
              n++;
              latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            } catch (e) {
              failures++;
              const k = e?.code ?? e?.name ?? 'error';
              errors.set(k, (errors.get(k) ?? 0) + 1);
            }
          }
        }),
      );
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      done += n;
      elapsed += secs;
      const rsa = await h.throughput({ name: 'raw RSA-2048 SHA-256 sign', fn: () => sign('sha256', tbs, privateKey), time: QUICK ? 300 : 600 });
      flowRates.push(n / secs);
      refRates.push(rsa.subjectOpsPerSec / 2);
      ratios.push(n / secs / (rsa.subjectOpsPerSec / 2));
    }
    const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const certsAfter = await srv.store.certificates.count();
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    const ceiling = med(refRates);
    if (failures) console.error(`load: ${failures} failed flows: ${JSON.stringify(Object.fromEntries(errors))}`);
    if (certsAfter - certsBefore !== done) console.error(`load: ${done} flows completed but ${certsAfter - certsBefore} certificates stored`);
    return [
      {
        name: `server load: ${CLIENTS} clients × (Pin ticket + certificate) over HTTPS, ${STORE}, ${SECONDS}s — p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, ${done} flows, ${failures} failed, ${certsAfter - certsBefore} certificates stored`,
        subject: 'flows',
        subjectOpsPerSec: med(flowRates),
        reference: 'RSA-2048 signs ÷ 2',
        referenceOpsPerSec: ceiling,
        ratio: med(ratios),
        target: undefined,
        met: failures === 0 && certsAfter - certsBefore === done ? undefined : false,
        clients: CLIENTS,
        p50Ms: pct(50),
        p99Ms: pct(99),
        failures,
      },
    ];
  } finally {
    await srv.close();
  }
}
