// A/B aid (not a bench row): the broker handshake and the TLS-DSK engine alone, of two builds in one process.
//   node packages/authbroker/bench/ab-handshake.mjs <before-dist-dir> [rounds=16] [ms=300]
// <before-dist-dir> is another build of this package (e.g. `git worktree add /tmp/before <commit>`, build it,
// pass /tmp/before/packages/authbroker/dist). Rounds alternate the builds' order; each round runs each build
// for `ms` and records CPU time per handshake (process.cpuUsage: less disturbed than wall time on a shared
// machine). Prints the medians and the median of the per-round after/before ratios.
import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';

const [beforeDir, roundsArg, msArg] = process.argv.slice(2);
if (!beforeDir) throw new Error('usage: ab-handshake.mjs <before-dist-dir> [rounds] [ms]');
const rounds = Number(roundsArg ?? 16);
const ms = Number(msArg ?? 300);

function issue(cn, issuer, ca = false, san) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const c = forge.pki.createCertificate();
  c.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ format: 'pem', type: 'spki' }).toString());
  c.serialNumber = `0${Math.floor(Math.random() * 1e9).toString(16)}`;
  c.validity.notBefore = new Date(Date.now() - 3600_000);
  c.validity.notAfter = new Date(Date.now() + 86400_000);
  c.setSubject([{ name: 'commonName', value: cn }]);
  c.setIssuer(issuer ? issuer.cert.subject.attributes : [{ name: 'commonName', value: cn }]);
  const ext = [{ name: 'basicConstraints', cA: ca, critical: true }];
  if (san) ext.push({ name: 'subjectAltName', altNames: [{ type: 2, value: san }] });
  c.setExtensions(ext);
  const key = forge.pki.privateKeyFromPem(pem);
  c.sign(issuer ? issuer.key : key, forge.md.sha256.create());
  return { cert: c, key, certificate: forge.pki.certificateToPem(c), privateKey: pem };
}

const ca = issue('bench CA', undefined, true);
const server = issue('sip.bench.test', ca, false, 'sip.bench.test');
const user = issue('user@bench.test', ca);

/** The bench's broker handshake (same handler, client and registrar construction) and the engine alone. */
async function subjects(dist) {
  const { AuthBrokerClient, createAuthBrokerHandler, TlsDskClient, TlsDskRegistrarPeer } = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  const handler = createAuthBrokerHandler({
    ticketVerifier: { verify: async () => ({ sipUri: 'sip:user@bench.test' }) },
    credentialSource: { acquire: async () => ({ certificate: user.certificate, privateKey: user.privateKey }) },
    registrarTrust: { trustedCertificates: [ca.certificate] },
  });
  const client = new AuthBrokerClient({
    url: 'https://bench.test/Reach/Sip.svc/AuthBroker',
    webTicket: '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"/>',
    fetch: async (u, init) => handler(new Request(u, init)),
  });
  const { sessionId } = await client.createSessionV2();
  await client.acquireCredentialV2(sessionId, 'bench-instance');
  const peer = () => new TlsDskRegistrarPeer({ credential: server, trustedClientCertificates: [ca.certificate], protocol: 'TLSv1.2' });
  const b64 = (u) => Buffer.from(u).toString('base64');
  return {
    broker: async () => {
      const p = peer();
      const keys = await client.handshake({ sessionId, target: 'sip.bench.test', version: 2, exchange: async (t) => (await p.respond(t)).gssapiData });
      if (keys.clientSigningKey.length !== 32) throw new Error('no keys');
    },
    engine: async () => {
      const p = peer();
      const c = new TlsDskClient({ credential: user, protocol: 'TLSv1.2', target: 'sip.bench.test', trustedCertificates: [ca.certificate] });
      let s = await c.step();
      let r = await p.respond(b64(s.output));
      s = await c.step(Buffer.from(r.gssapiData, 'base64'));
      r = await p.respond(b64(s.output));
      s = await c.step(Buffer.from(r.gssapiData, 'base64'));
      if (s.keys?.clientSigningKey.length !== 32) throw new Error('no keys');
    },
  };
}

const builds = [
  ['before', await subjects(beforeDir)],
  ['after', await subjects(new URL('../dist', import.meta.url).pathname)],
];
async function cpuPerOp(f) {
  for (let i = 0; i < 5; i++) await f();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await f();
    n++;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const subject of ['broker', 'engine']) {
  const t = { before: [], after: [] };
  for (let r = 0; r < rounds; r++) for (const [name, s] of r % 2 ? builds : [...builds].reverse()) t[name].push(await cpuPerOp(s[subject]));
  const ratios = t.after.map((x, i) => x / t.before[i]);
  console.log(
    `${subject}: before ${median(t.before).toFixed(3)} ms, after ${median(t.after).toFixed(3)} ms CPU per handshake; after/before median ${median(ratios).toFixed(3)} (${rounds} rounds)`,
  );
}
