#!/usr/bin/env node
// Long fuzz run of the Authentication Broker handler (not part of the test suite): mutates valid
// requests of all seven operations (byte flips, splices, truncation, duplication of elements,
// random gssapi-data) and checks every answer is a SOAP envelope with status 200/401/500/503 —
// never an exception, a hang or a non-SOAP body. Usage: node scripts/fuzz-handler.mjs [iterations] [seed]
import { createAuthBrokerHandler, buildAuthBrokerRequest, AUTH_BROKER_OPERATIONS } from '../dist/index.js';

const N = Number(process.argv[2] ?? 20000);
let seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
console.log(`fuzz-handler: ${N} iterations, seed ${seed}`);
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = (a) => a[Math.floor(rnd() * a.length)];

const handler = createAuthBrokerHandler({
  ticketVerifier: {
    verify: async (xml) => {
      if (!xml.includes('Assertion')) throw Object.assign(new Error('no ticket'), { errorId: 28032 });
      return { sipUri: 'sip:fuzz@x' };
    },
  },
  credentialSource: { acquire: async () => null },
  sweepIntervalSeconds: 0,
  maxSessions: 1000,
});
const ticket = '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" AssertionID="a"/>';
const sessions = ['00000000-0000-0000-0000-000000000000'];
const bodies = {
  CreateAuthBrokerSession: () => ({ supportedHashAlgorithms: ['SHA1', 'SHA256', 'MD5', ''].filter(() => rnd() < 0.6) }),
  CreateAuthBrokerSessionV2: () => ({}),
  TerminateAuthBrokerSession: () => ({ sessionId: pick(sessions) }),
  AuthBrokerAcquireCredential: () => ({ sessionId: pick(sessions), sipInstance: 'i' }),
  AuthBrokerAcquireCredentialV2: () => ({ sessionId: pick(sessions), sipInstance: 'i', supportedHashAlgorithms: ['SHA256'] }),
  AuthBrokerNegotiateSecurityAssociation: () => ({
    sessionId: pick(sessions),
    target: 't',
    ...(rnd() < 0.5 ? { input: Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256))).toString('base64') } : {}),
  }),
  AuthBrokerNegotiateSecurityAssociationV2: () => ({ sessionId: pick(sessions), target: 't' }),
};
const mutate = (s) => {
  const k = Math.floor(rnd() * 6);
  const i = Math.floor(rnd() * s.length);
  const j = Math.floor(rnd() * s.length);
  if (k === 0) return s.slice(0, i) + String.fromCharCode(Math.floor(rnd() * 128)) + s.slice(i + 1);
  if (k === 1) return s.slice(0, Math.min(i, j)) + s.slice(Math.max(i, j));
  if (k === 2) return s.slice(0, i);
  if (k === 3) return s.slice(0, i) + s.slice(Math.min(i, j), Math.max(i, j)) + s.slice(i);
  if (k === 4) return s.replace(/<\/s:Body>/, '<x:y xmlns:x="urn:x"/></s:Body>');
  return s;
};
const counts = {};
const t0 = Date.now();
for (let n = 0; n < N; n++) {
  const op = pick(AUTH_BROKER_OPERATIONS);
  let xml = buildAuthBrokerRequest(op, bodies[op](), { messageId: `urn:uuid:${n}`, webTicket: ticket });
  const m = Math.floor(rnd() * 3);
  for (let k = 0; k < m; k++) xml = mutate(xml);
  const res = await Promise.race([
    handler(new Request('http://127.0.0.1/ab', { method: 'POST', body: xml })),
    new Promise((_, rej) => setTimeout(() => rej(new Error(`hang at iteration ${n}`)), 5000)),
  ]);
  const text = await res.text();
  if (![200, 401, 500, 503].includes(res.status) || !text.startsWith('<s:Envelope')) {
    console.error(`iteration ${n} (seed ${process.argv[3] ?? '?'}): unexpected answer ${res.status}\n${xml}\n→ ${text.slice(0, 300)}`);
    process.exit(1);
  }
  const sid = /<b:SessionId>([^<]+)</.exec(text)?.[1] ?? /<SessionId>([^<]+)</.exec(text)?.[1];
  if (sid) sessions.push(sid);
  counts[res.status] = (counts[res.status] ?? 0) + 1;
}
console.log(`ok: ${N} requests in ${Date.now() - t0} ms, statuses ${JSON.stringify(counts)}, sessions ${await handler.sessionCount()}`);
handler.close();
