// Load: N concurrent clients, each repeating the flow a Lync client runs on sign-in — a web ticket on
// the Pin binding, then GetAndPublishCert with a signed CSR — against the reference server over HTTPS
// (real TLS, SQLite store persisted per transaction by default). Reports sustained flows/s, p50/p99
// latency of a flow over HTTPS, failed flows (must be 0) and certificates stored (must equal the flows),
// as ratios against two same-run references measured in interleaved rounds:
//  1. the same flows with the same concurrency through RunningServer.handler in-process (no TLS, no
//     sockets): the cost of the HTTPS transport and adapter;
//  2. raw node:crypto RSA-2048 SHA-256 signatures ÷ 2 (the server signs twice per flow: the ticket and
//     the certificate): the fraction of the crypto-bound ceiling the server sustains.
import { Agent } from 'node:https';
import { generateKeyPairSync, sign } from 'node:crypto';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer } from '../dist/index.js';

const QUICK = process.env.OCAUTH_BENCH_QUICK === '1';
const CLIENTS = Number(process.env.OCAUTH_LOAD_CLIENTS ?? 16);
const SECONDS = Number(process.env.OCAUTH_LOAD_SECONDS ?? (QUICK ? 4 : 12));
const STORE = process.env.OCAUTH_LOAD_STORE ?? 'sqlite';

export default async function (h) {
  const srv = await startServer({ logger: false, store: STORE === 'postgres' ? { kind: 'postgres', url: process.env.OCAUTH_TEST_PG_URL } : { kind: STORE } });
  try {
    const agent = new Agent({ keepAlive: true, ca: srv.caCertificatePem, maxSockets: CLIENTS * 2 });
    const https = createHttpsFetch({ ca: srv.caCertificatePem, agent });
    const inProcess = async (input, init) => srv.handler(input instanceof Request ? input : new Request(input, init));
    const keys = Array.from({ length: CLIENTS }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));
    let failures = 0;
    const errors = new Map();
    const flow = async (f, i) => {
      const client = new WebTicketClient({
        credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin },
        fetch: f,
        sipUri: srv.demoUser.sipUri,
      });
      await requestCertificate({
        url: srv.urls.certProv,
        sipUri: srv.demoUser.sipUri,
        webTicketClient: client,
        fetch: f,
        keyPair: keys[i],
        webTicketUrl: srv.urls.webTicket,
      });
    };
    /** CLIENTS loops for `ms`; returns flows/s and pushes latencies. */
    const phase = async (f, ms, latencies) => {
      const end = Date.now() + ms;
      const started = process.hrtime.bigint();
      let n = 0;
      await Promise.all(
        keys.map(async (_, i) => {
          while (Date.now() < end) {
            const t0 = process.hrtime.bigint();
            try {
              await flow(f, i);
              n++;
              latencies?.push(Number(process.hrtime.bigint() - t0) / 1e6);
            } catch (e) {
              failures++;
              const k = e?.code ?? e?.name ?? 'error';
              errors.set(k, (errors.get(k) ?? 0) + 1);
            }
          }
        }),
      );
      return { n, rate: n / (Number(process.hrtime.bigint() - started) / 1e9) };
    };
    await phase(https, 500); // warm-up (TLS sessions, JIT)
    await phase(inProcess, 300);
    const certsBefore = await srv.store.certificates.count();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const tbs = Buffer.alloc(700, 1);
    const rounds = QUICK ? 2 : 4;
    const latencies = [];
    const rows = { https: [], local: [], rsa: [] };
    let done = 0;
    let localDone = 0;
    for (let r = 0; r < rounds; r++) {
      const slice = (SECONDS * 1000) / rounds / 2;
      const a = await phase(https, slice, latencies);
      const b = await phase(inProcess, slice);
      done += a.n;
      localDone += b.n;
      const rsa = await h.throughput({ name: 'raw RSA-2048 SHA-256 sign', fn: () => sign('sha256', tbs, privateKey), time: QUICK ? 300 : 500 });
      rows.https.push(a.rate);
      rows.local.push(b.rate);
      rows.rsa.push(rsa.subjectOpsPerSec / 2);
    }
    const certsAfter = await srv.store.certificates.count();
    agent.destroy();
    const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const ratio = (a, b) => med(a.map((x, i) => x / b[i]));
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    const stored = certsAfter - certsBefore;
    const ok = failures === 0 && stored === done + localDone;
    if (failures) console.error(`load: ${failures} failed flows: ${JSON.stringify(Object.fromEntries(errors))}`);
    if (stored !== done + localDone) console.error(`load: ${done + localDone} flows completed but ${stored} certificates stored`);
    const label = `${CLIENTS} clients × (Pin ticket + certificate), ${STORE}, ${SECONDS}s`;
    const extra = { clients: CLIENTS, store: STORE, p50Ms: pct(50), p99Ms: pct(99), failures, flows: done + localDone, certificatesStored: stored };
    return [
      {
        name: `server load over HTTPS vs in-process handler: ${label} — HTTPS p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, ${done + localDone} flows, ${failures} failed, ${stored} certificates stored`,
        subject: 'HTTPS flows',
        subjectOpsPerSec: med(rows.https),
        reference: 'in-process flows',
        referenceOpsPerSec: med(rows.local),
        ratio: ratio(rows.https, rows.local),
        target: undefined,
        met: ok ? undefined : false,
        ...extra,
      },
      {
        name: `server load over HTTPS vs crypto ceiling: ${label}`,
        subject: 'HTTPS flows',
        subjectOpsPerSec: med(rows.https),
        reference: 'RSA-2048 signs ÷ 2',
        referenceOpsPerSec: med(rows.rsa),
        ratio: ratio(rows.https, rows.rsa),
        target: undefined,
        met: ok ? undefined : false,
        ...extra,
      },
    ];
  } finally {
    await srv.close();
  }
}
