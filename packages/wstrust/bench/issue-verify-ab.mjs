// Microbenchmark of the Web Ticket Service's per-flow server work (issue #20 item 4):
//   issue  — the IssueToken handler answering a PIN RST (MemoryUserDirectory: no scrypt), Request → Response text;
//   verify — createTicketVerifier().verify of a signed CertProv-shaped request (GetAndPublishCert body), given its parse.
// A/B in one process: `BEFORE=/path/to/an/older/dist/index.js node bench/issue-verify-ab.mjs` interleaves the
// older build with this package's dist round by round and prints the medians of each (after `pnpm build`).
// Usage: node bench/issue-verify-ab.mjs [rounds=60] [iterations per round=30] (short rounds, interleaved: on a shared
// machine the load moves within seconds; the minimum of the round means is the least disturbed figure).
import { readFileSync } from 'node:fs';
import { createHash, createPrivateKey, sign, verify, X509Certificate } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { computedKey } from '@ocauth/psha1';
import { parseXml } from '@ocauth/c14n';

const rounds = Number(process.argv[2] ?? 60);
const iters = Number(process.argv[3] ?? 30);
const F = new URL('../test/fixtures/', import.meta.url);
const issuerKey = readFileSync(new URL('issuer-key.pem', F), 'utf8');
const issuerCert = readFileSync(new URL('issuer-cert.pem', F), 'utf8');
const SERVICE = 'https://pool0.example.com/WebTicket/WebTicketService.svc';
const CERTPROV = 'https://pool0.example.com/CertProv/CertProvisioningService.svc';
const T0 = new Date('2026-03-01T10:00:00.000Z');

async function setup(label, modUrl) {
  const W = await import(modUrl);
  const poolKeyBytes = new Uint8Array(32).fill(0x42);
  const poolKey = { keyName: W.keyNameOf(poolKeyBytes), key: poolKeyBytes };
  let n = 0;
  let i = 0;
  const handler = W.createWebTicketHandler({
    serviceUrl: SERVICE,
    signingKey: issuerKey,
    certificate: issuerCert,
    poolKey,
    farm: ['https://pool0.example.com/'],
    userDirectory: new W.MemoryUserDirectory().add({ sipUri: 'sip:alice@example.com', enabled: true }, { pin: '12345', phone: ['+15551234'] }),
    clock: () => T0,
    random: (k) => createHash('sha512').update(`r${i++}`).digest().subarray(0, k),
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });
  const entropy = new Uint8Array(32).map((_, j) => 255 - j);
  const rstBody = W.buildEnvelope({
    headers: W.buildAddressingHeaders({ action: W.URI.actionRstIssue, messageId: 'urn:uuid:5e1f7b0c-0000-4000-8000-000000000001', to: `${SERVICE}/Pin` }),
    body: W.buildRequestSecurityToken({
      Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
      TokenType: W.URI.tokenTypeSaml11,
      RequestType: W.URI.requestTypeIssue,
      AppliesTo: CERTPROV,
      Entropy: entropy,
      KeyType: W.URI.keyTypeSymmetric,
    }),
  });
  const headers = { 'content-type': 'text/xml; charset=utf-8', authorization: `Basic ${Buffer.from('+15551234:12345').toString('base64')}` };
  const issueOnce = async () => {
    const res = await handler(new Request(`${SERVICE}/Pin`, { method: 'POST', body: rstBody, headers }));
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${label}: issue ${res.status} ${text.slice(0, 200)}`);
    return text;
  };
  const rstrc = W.parseRequestSecurityTokenResponseCollection(W.parseEnvelope(await issueOnce()).payload)[0];
  const proofKey = computedKey({ requestorEntropy: entropy, issuerEntropy: rstrc.Entropy, keySizeBits: 256 });
  const token = rstrc.RequestedSecurityToken;
  const request = W.signMessage({
    envelope: W.buildEnvelope({
      headers: W.buildAddressingHeaders({ action: 'http://tempuri.org/ICertProvisioningService/GetAndPublishCert', messageId: 'urn:uuid:1', to: CERTPROV }),
      body: `<GetAndPublishCert xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/"><DeviceId>{5a3e4d8c-0000-4000-8000-000000000001}</DeviceId><Entity>sip:alice@example.com</Entity><PKCS10>${'A'.repeat(900)}</PKCS10></GetAndPublishCert>`,
    }),
    proofKey,
    assertionId: rstrc.AssertionId ?? /AssertionID="([^"]+)"/.exec(token)[1],
    token,
    now: new Date(T0.getTime() + 30_000),
  });
  const vopts = { issuerCertificates: [issuerCert], poolKeys: [poolKey], clock: () => new Date(T0.getTime() + 60_000), audience: CERTPROV };
  // `fresh`: no memory of verified tickets (each request RSA-verifies its ticket, as in one flow per ticket);
  // `repeat`: the default verifier, the same ticket again (a client reusing its ticket). An older build ignores the option.
  const fresh = W.createTicketVerifier({ ...vopts, verifiedTicketCacheSize: 0 });
  const repeat = W.createTicketVerifier(vopts);
  const check = (v) => {
    if (v.sipUri !== 'sip:alice@example.com') throw new Error(`${label}: verify`);
  };
  // As the server calls it: the request already parsed (readSoapRequest), its Document handed over.
  const document = parseXml(request);
  const verifyOnce = async () => check(await fresh.verify(request, { document }));
  const verifyRepeat = async () => check(await repeat.verify(request, { document }));
  await verifyOnce();
  await verifyRepeat();
  // buildSignedAssertion alone (RSA-SHA256 sign included: its floor).
  const signer = { privateKey: createPrivateKey(issuerKey), certificate: new X509Certificate(issuerCert) };
  const fields = {
    AssertionID: 'SamlSecurityToken-00000000-0000-4000-8000-000000000001',
    Issuer: SERVICE,
    IssueInstant: T0,
    NotBefore: T0,
    NotOnOrAfter: new Date(T0.getTime() + 28_800_000),
    Audience: CERTPROV,
    SipUri: 'sip:alice@example.com',
    AuthenticationMethod: W.URI.authMethodUnspecified,
    AuthenticationInstant: T0,
    ProofKey: { KeyName: poolKey.keyName, CipherValue: W.wrapKey(poolKey.key, new Uint8Array(32).fill(7)) },
  };
  const assertOnce = async () => W.buildSignedAssertion(fields, signer);
  return { label, issueOnce, verifyOnce, verifyRepeat, assertOnce };
}

async function time(fn) {
  const t = process.hrtime.bigint();
  for (let k = 0; k < iters; k++) await fn();
  return Number(process.hrtime.bigint() - t) / 1e3 / iters; // µs per call
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

// The floor: one RSA-2048 PKCS#1 v1.5 SHA-256 sign (issuing) and verify (verifying) of a SignedInfo-sized input.
const floorKey = createPrivateKey(issuerKey);
const floorCert = new X509Certificate(issuerCert).publicKey;
const floorData = Buffer.alloc(700, 0x61);
const floorSig = sign('sha256', floorData, floorKey);
const floor = {
  label: 'floor',
  issueOnce: async () => sign('sha256', floorData, floorKey),
  verifyOnce: async () => verify('sha256', floorData, floorCert, floorSig),
};
const variants = [await setup('this', pathToFileURL(new URL('../dist/index.js', import.meta.url).pathname).href)];
if (process.env.BEFORE) variants.unshift(await setup('before', pathToFileURL(process.env.BEFORE).href));
if (variants.length === 2 && (await variants[0].assertOnce()) !== (await variants[1].assertOnce())) throw new Error('the two builds sign different assertions');
const results = Object.fromEntries(variants.map((v) => [v.label, { issue: [], verify: [], repeat: [], assertion: [] }]));
const floorResults = { sign: [], verify: [] };
// Warm up.
for (const v of [...variants, floor]) {
  for (let k = 0; k < 50; k++) {
    await v.issueOnce();
    await v.verifyOnce();
  }
}
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    results[v.label].issue.push(await time(v.issueOnce));
    results[v.label].verify.push(await time(v.verifyOnce));
    results[v.label].repeat.push(await time(v.verifyRepeat));
    results[v.label].assertion.push(await time(v.assertOnce));
  }
  floorResults.sign.push(await time(floor.issueOnce));
  floorResults.verify.push(await time(floor.verifyOnce));
}
console.log(`rounds ${rounds} × ${iters} iterations; µs per call: median of the round means (minimum)`);
for (const v of variants) {
  const r = results[v.label];
  const f = (a) => `${median(a).toFixed(0)} (${Math.min(...a).toFixed(0)})`;
  console.log(
    `${v.label.padEnd(7)} issue ${f(r.issue).padEnd(12)} buildSignedAssertion ${f(r.assertion).padEnd(12)} verify (fresh) ${f(r.verify).padEnd(12)} verify (same ticket again) ${f(r.repeat)}`,
  );
}
console.log(
  `floor   RSA-2048 sign ${median(floorResults.sign).toFixed(0)} (${Math.min(...floorResults.sign).toFixed(0)})   RSA-2048 verify ${median(floorResults.verify).toFixed(0)} (${Math.min(...floorResults.verify).toFixed(0)})`,
);
