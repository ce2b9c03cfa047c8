// Authentication Broker TLS-DSK handshakes per second (in process, web-standard Request/Response, no
// HTTP), compared with a plain Node TLS 1.2 handshake with client certificate authentication over an
// in-memory duplex pair, same certificates, same run:
//  1. a handshake = the three AuthBrokerNegotiateSecurityAssociationV2 legs (SOAP both ways, ticket
//     check, TLS-DSK engine) against the registrar peer, in an existing session (target ≥ 0.6, issue 20
//     item 4);
//  2. a whole session = CreateAuthBrokerSessionV2 + AuthBrokerAcquireCredentialV2 + the three legs +
//     TerminateAuthBrokerSession (informational).
// Both sides are warmed to steady state first (see below).
import { generateKeyPairSync } from 'node:crypto';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import forge from 'node-forge';
import { AuthBrokerClient, createAuthBrokerHandler, TlsDskRegistrarPeer } from '../dist/index.js';

function issue(cn, issuer, ca = false, san) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const c = forge.pki.createCertificate();
  c.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ format: 'pem', type: 'spki' }).toString());
  c.serialNumber = '0' + Math.floor(Math.random() * 1e9).toString(16);
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

function pair() {
  const a = new Duplex({
    read() {},
    write(chunk, _e, cb) {
      b.push(chunk);
      cb();
    },
  });
  const b = new Duplex({
    read() {},
    write(chunk, _e, cb) {
      a.push(chunk);
      cb();
    },
  });
  return [a, b];
}

export default async function (h) {
  const ca = issue('bench CA', undefined, true);
  const server = issue('sip.bench.test', ca, false, 'sip.bench.test');
  const user = issue('user@bench.test', ca);
  const url = 'https://bench.test/Reach/Sip.svc/AuthBroker';
  const handler = createAuthBrokerHandler({
    ticketVerifier: { verify: async () => ({ sipUri: 'sip:user@bench.test' }) },
    credentialSource: { acquire: async () => ({ certificate: user.certificate, privateKey: user.privateKey }) },
    registrarTrust: { trustedCertificates: [ca.certificate] },
  });
  const client = new AuthBrokerClient({
    url,
    webTicket: '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"/>',
    fetch: async (u, init) => handler(new Request(u, init)),
  });

  async function brokerSession() {
    const { sessionId } = await client.createSessionV2();
    await client.acquireCredentialV2(sessionId, 'bench-instance');
    const peer = new TlsDskRegistrarPeer({ credential: server, trustedClientCertificates: [ca.certificate], protocol: 'TLSv1.2' });
    const keys = await client.handshake({ sessionId, target: 'sip.bench.test', version: 2, exchange: async (t) => (await peer.respond(t)).gssapiData });
    if (keys.clientSigningKey.length !== 32) throw new Error('no keys');
    await client.terminateSession(sessionId);
  }

  // One session, many handshakes: each is a fresh security association (client_hello without input
  // restarts the SA for the target) — the three NegotiateSecurityAssociationV2 legs over SOAP.
  const { sessionId: shared } = await client.createSessionV2();
  await client.acquireCredentialV2(shared, 'bench-instance');
  async function brokerHandshake() {
    const peer = new TlsDskRegistrarPeer({ credential: server, trustedClientCertificates: [ca.certificate], protocol: 'TLSv1.2' });
    const keys = await client.handshake({ sessionId: shared, target: 'sip.bench.test', version: 2, exchange: async (t) => (await peer.respond(t)).gssapiData });
    if (keys.clientSigningKey.length !== 32) throw new Error('no keys');
  }

  const opts = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
  const srv = tls.createServer({ ...opts, cert: server.certificate, key: server.privateKey, ca: ca.certificate, requestCert: true, rejectUnauthorized: true });
  const clientCtx = tls.createSecureContext({ ...opts, cert: user.certificate, key: user.privateKey, ca: ca.certificate });
  async function plainHandshake() {
    const [a, b] = pair();
    const serverSide = new Promise((resolve, reject) => {
      const ok = (s) => {
        srv.off('tlsClientError', bad);
        resolve(s);
      };
      const bad = (e) => {
        srv.off('secureConnection', ok);
        reject(e);
      };
      srv.once('secureConnection', ok);
      srv.once('tlsClientError', bad);
    });
    srv.emit('connection', b);
    const c = tls.connect({ socket: a, secureContext: clientCtx, servername: 'sip.bench.test', ...opts });
    await new Promise((resolve, reject) => {
      c.once('secureConnect', resolve);
      c.once('error', reject);
    });
    const s = await serverSide;
    if (!s.authorized) throw new Error('client not authorized');
    c.exportKeyingMaterial(128, 'client EAP encryption');
    c.destroy();
    s.destroy();
  }

  // Warm-up to steady state before the measured rounds (OCAUTH_HANDSHAKE_WARMUP_SECONDS, default 2 s, alternating
  // both sides): a broker serves for hours, and the first seconds of a fresh process run the JavaScript path
  // unoptimized while the reference is mostly OpenSSL's C; measured cold, the ratio understates the steady rate.
  const warmup = Number(process.env.OCAUTH_HANDSHAKE_WARMUP_SECONDS ?? (process.env.OCAUTH_BENCH_QUICK === '1' ? 0.3 : 2));
  for (const end = performance.now() + warmup * 1000; performance.now() < end; ) {
    await brokerSession();
    await brokerHandshake();
    await plainHandshake();
  }
  await brokerSession();
  await brokerHandshake();
  await plainHandshake();
  return [
    await h.compare({
      name: 'TLS-DSK handshake via the broker (3 × NegotiateSecurityAssociationV2 over SOAP in process + registrar peer) vs plain Node TLS 1.2 handshake with client auth',
      subject: brokerHandshake,
      reference: plainHandshake,
      subjectName: 'broker handshake',
      referenceName: 'node tls handshake',
      target: { atLeast: 0.6 },
    }),
    await h.compare({
      name: 'whole broker session (CreateSessionV2, AcquireCredentialV2, 3 legs, Terminate) vs plain Node TLS 1.2 handshake with client auth',
      subject: brokerSession,
      reference: plainHandshake,
      subjectName: 'broker session',
      referenceName: 'node tls handshake',
    }),
  ];
}
