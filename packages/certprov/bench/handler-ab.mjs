// GetAndPublishCert server path, in process: the handler (createCertProvHandler) with a MemoryCertificateStore and a
// trivial ticket verifier, plus its parts (parseCsr, checkCsr's key check, CertificateAuthority.issue), timed as
// median-of-rounds µs per operation. With several dist directories (e.g. a copy of an older build) every build is
// measured in the same process, rounds interleaved, so A/B figures share the machine's noise.
//
//   node packages/certprov/bench/handler-ab.mjs [N=300] [rounds=9] [distDir ...]
//   (default distDir: packages/certprov/dist; an older build can be copied to packages/certprov/node_modules/.old-dist
//    so that its imports resolve, and passed as a second directory)
import { generateKeyPairSync } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [nArg, roundsArg, ...dirs] = process.argv.slice(2);
const N = Number(nArg ?? 300);
const ROUNDS = Number(roundsArg ?? 9);
const distDirs = dirs.length > 0 ? dirs.map((d) => resolve(d)) : [resolve(here, '../dist')];

const caKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const userKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const now = new Date('2026-12-05T00:00:00Z');
const DEV = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';

async function load(dir) {
  const m = await import(pathToFileURL(resolve(dir, 'index.js')).href);
  const csrMod = await import(pathToFileURL(resolve(dir, 'internal/csr.js')).href);
  const ca = m.CertificateAuthority.create({ keyPair: caKeys, clock: () => now });
  const csr = m.generateCsr({ sipUri: 'sip:alice@contoso.com', keyPair: userKeys, validity: { period: 'Hours', units: 4320 } }).der;
  // A fresh store (and handler) every round: the figures are per-request CPU, not the growth of one device's
  // history in the memory store (which the older build walked on every publish).
  const makeHandler = () =>
    m.createCertProvHandler({
      ticketVerifier: { verify: async () => ({ sipUri: 'sip:alice@contoso.com' }) },
      ca,
      store: new m.MemoryCertificateStore(),
      clock: () => now,
    });
  let handler = makeHandler();
  const body = m.buildGetAndPublishCertRequest({ deviceId: DEV, entity: 'alice@contoso.com', csr, requestId: 'r1' });
  const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
  const request = () =>
    new Request('http://127.0.0.1/CertProv/CertProvisioningService.svc', {
      method: 'POST',
      body: xml,
      headers: { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' },
    });
  // Sanity: the handler really issues (a bench of refusals would measure nothing useful).
  const res = await handler(request());
  const parsed = m.parseGetAndPublishCertResponse(await res.text());
  if (!parsed.certificateDer) throw new Error(`${dir}: handler did not issue`);
  const p = m.parseCsr(csr);
  if (!p.signatureValid) throw new Error(`${dir}: CSR did not verify`);
  return {
    reset: () => {
      handler = makeHandler();
    },
    handler: async () => {
      const r = await handler(request());
      await r.arrayBuffer();
    },
    // The Request object is built outside the timed part of `handler` in the server; time it alone for subtraction.
    request: () => request(),
    parseCsr: () => m.parseCsr(csr),
    keyCheck: () => csrMod.rsaPublicKeyProblem(p.publicKey),
    issue: () => ca.issue({ publicKey: p.spkiDer, entity: 'alice@contoso.com', deviceId: DEV, validityHours: 4320, notBefore: now }),
  };
}

const builds = [];
for (const d of distDirs) builds.push({ dir: d, ops: await load(d) });
const parts = ['handler', 'request', 'parseCsr', 'keyCheck', 'issue'];
const samples = new Map(); // `${dir}|${part}` → µs per op, one per round

for (let round = 0; round < ROUNDS + 1; round++) {
  for (const b of builds) b.ops.reset();
  for (const part of parts) {
    for (const b of builds) {
      const op = b.ops[part];
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await op();
      const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
      if (round === 0) continue; // warm-up
      const k = `${b.dir}|${part}`;
      samples.set(k, [...(samples.get(k) ?? []), us]);
    }
  }
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
console.log(`N=${N} per round, ${ROUNDS} rounds (+1 warm-up), median µs/op`);
console.log(['part', ...builds.map((b) => b.dir.replace(/.*\/packages\//, ''))].join('\t'));
for (const part of parts) console.log([part, ...builds.map((b) => median(samples.get(`${b.dir}|${part}`)).toFixed(1))].join('\t'));
