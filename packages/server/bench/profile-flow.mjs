// Profiling aid for the per-flow cost (not a bench row): runs N in-process flows (Pin ticket +
// GetAndPublishCert) against startServer(...).handler and prints the store statements each flow issues.
// node packages/server/bench/profile-flow.mjs [sqlite|postgres|memory] [N] [out.cpuprofile]
// With a third argument, the measured loop (only) is CPU-profiled into that file (node:inspector).
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { startServer } from '../dist/index.js';

const kind = process.argv[2] ?? 'sqlite';
const N = Number(process.argv[3] ?? 50);
const statements = new Map();
const origQuery = pg.Client.prototype.query;
const statementMs = new Map();
// Per statement: wall time from the query's write to its callback, and how much of it was waiting for
// PostgreSQL's first response byte (the rest is the driver parsing and the event loop).
const wire = [];
pg.Client.prototype.query = function (text, ...rest) {
  const k = (typeof text === 'string' ? text : (text?.text ?? '?')).slice(0, 90);
  statements.set(k, (statements.get(k) ?? 0) + 1);
  const t0 = performance.now();
  const sock = this.connection?.stream;
  let first;
  const onData = () => {
    first ??= performance.now();
  };
  sock?.prependListener('data', onData);
  const done = () => {
    statementMs.set(k, (statementMs.get(k) ?? 0) + performance.now() - t0);
    if (first !== undefined) wire.push(first - t0);
    sock?.off('data', onData);
  };
  const cb = rest.length && typeof rest[rest.length - 1] === 'function' ? rest.pop() : undefined;
  if (cb)
    return origQuery.call(this, text, ...rest, (...a) => {
      done();
      cb(...a);
    });
  const r = origQuery.call(this, text, ...rest);
  if (r && typeof r.then === 'function') r.then(done, () => {});
  return r;
};
const u = { sipUri: 'sip:prof@bench.ocauth.test', pin: '246810', phones: ['+15550300001'], displayName: 'Prof' };
const srv = await startServer({
  logger: false,
  demoUser: false,
  users: [u],
  store: kind === 'postgres' ? { kind: 'postgres', url: process.env.OCAUTH_TEST_PG_URL } : { kind },
});
const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
let inHandler = 0;
const f = async (input, init) => {
  const req = input instanceof Request ? input : new Request(input, init);
  const t0 = performance.now();
  const res = await srv.handler(req);
  const body = await res.arrayBuffer();
  inHandler += performance.now() - t0;
  return new Response(body, { status: res.status, headers: res.headers });
};
const flow = async () => {
  const client = new WebTicketClient({ credentials: { type: 'pin', identity: u.phones[0], pin: u.pin }, fetch: f, sipUri: u.sipUri });
  await requestCertificate({ url: srv.urls.certProv, sipUri: u.sipUri, webTicketClient: client, fetch: f, keyPair, webTicketUrl: srv.urls.webTicket });
};
for (let i = 0; i < 3; i++) await flow();
statements.clear();
statementMs.clear();
wire.length = 0;
inHandler = 0;
const out = process.argv[4];
const session = out ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
const t0 = performance.now();
for (let i = 0; i < N; i++) await flow();
if (session) writeFileSync(out, JSON.stringify((await session.post('Profiler.stop')).profile));
console.log(`${kind}: ${N} flows, ${((performance.now() - t0) / N).toFixed(1)} ms/flow total, ${(inHandler / N).toFixed(1)} ms/flow in handler`);
if (wire.length) {
  const w = wire.sort((a, b) => a - b);
  console.log(`  PostgreSQL: query written → first response byte p50 ${w[w.length >> 1].toFixed(3)} ms, p90 ${w[Math.floor(w.length * 0.9)].toFixed(3)} ms`);
}
for (const [k, v] of [...statements].sort((a, b) => b[1] - a[1]))
  console.log(`  ${(v / N).toFixed(2)}/flow  ${((statementMs.get(k) ?? 0) / N).toFixed(2)} ms/flow  ${k}`);
await srv.close();
