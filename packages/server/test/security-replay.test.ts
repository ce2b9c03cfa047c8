// Issue 16 item 3: replay and body grafting, over HTTPS against startServer. Before the fix: the same
// signed GetAndPublishCert bytes sent twice gave two certificates; a captured wsse:Security header with
// the attacker's own Body (own CSR key, new DeviceId) gave a certificate for the victim on the attacker's
// key; a captured Cert-binding RST replayed with the attacker's Entropy gave a ticket whose proof key the
// attacker computes. SIPE's reuse of one signed Timestamp must keep working.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddressingHeaders, buildEnvelope, buildRequestSecurityToken, signWithCertificate, URI, WebTicketClient, type WebTicket } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer, type RunningServer } from '@ocauth/server';
import { certProvEnvelope, postCertProv, signWith } from './support/attack.js';

let srv: RunningServer;
let f: typeof fetch;
beforeAll(async () => {
  srv = await startServer({ store: { kind: 'memory' }, logger: false });
  f = createHttpsFetch({ ca: srv.caCertificatePem });
});
afterAll(async () => srv?.close());

const pinTicket = (s: RunningServer, appliesTo = s.urls.certProv) =>
  new WebTicketClient({
    credentials: { type: 'pin', identity: s.demoUser.phone, pin: s.demoUser.pin },
    fetch: createHttpsFetch({ ca: s.caCertificatePem }),
  }).requestTicket(appliesTo, s.urls.webTicket);
const entity = (s: RunningServer) => s.demoUser.sipUri.replace(/^sip:/, '');
// SIPE: one Timestamp from the ticket's Created to its Expires, signed once and re-sent
const sipeSign = (t: WebTicket, envelope: string) => {
  const created = t.created ?? new Date();
  return signWith(t, envelope, created, Math.floor((t.expires.getTime() - created.getTime()) / 1000));
};

describe('replay and body grafting (issue 16 item 3)', () => {
  it('the same signed GetAndPublishCert bytes sent twice give one certificate (even where a ticket may get several)', async () => {
    const lax = await startServer({ store: { kind: 'memory' }, logger: false, policy: { certificatesPerTicket: 5 } });
    try {
      const fl = createHttpsFetch({ ca: lax.caCertificatePem });
      const t = await pinTicket(lax);
      const bytes = sipeSign(t, certProvEnvelope(lax, { entity: entity(lax) }));
      expect((await postCertProv(lax, fl, bytes)).certificate).toBeDefined();
      const again = await postCertProv(lax, fl, bytes);
      expect(again.status).toBe(401);
      expect(again.certificate).toBeUndefined();
      expect(await lax.store.certificates.count()).toBe(1);
      // the same reused Timestamp + signature with a new Body (SIPE's behaviour) is not a replay
      expect((await postCertProv(lax, fl, sipeSign(t, certProvEnvelope(lax, { entity: entity(lax) })))).certificate).toBeDefined();
    } finally {
      await lax.close();
    }
  });

  it("a captured Security header grafted onto the attacker's Body (own key, new DeviceId) gets no certificate", async () => {
    const t = await pinTicket(srv);
    const victim = sipeSign(t, certProvEnvelope(srv, { entity: entity(srv) }));
    expect((await postCertProv(srv, f, victim)).certificate).toBeDefined();
    // the attacker keeps the victim's wsse:Security header and swaps in its own Body
    const attackerBody = /<s:Body>[\s\S]*<\/s:Body>/.exec(
      certProvEnvelope(srv, { entity: entity(srv), keyPair: generateKeyPairSync('rsa', { modulusLength: 1024 }) }),
    )![0];
    const grafted = victim.replace(/<s:Body>[\s\S]*<\/s:Body>/, attackerBody);
    expect(grafted).not.toBe(victim);
    const r = await postCertProv(srv, f, grafted);
    expect(r.status).toBe(401);
    expect(r.certificate).toBeUndefined();
  });

  it('a request that got no certificate leaves the ticket usable (the claim is given back)', async () => {
    const t = await pinTicket(srv);
    const bad = await postCertProv(
      srv,
      f,
      sipeSign(t, certProvEnvelope(srv, { entity: entity(srv), keyPair: generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }) })),
    );
    expect(bad.responseCode).toBe('InvalidPublicKey');
    expect((await postCertProv(srv, f, sipeSign(t, certProvEnvelope(srv, { entity: entity(srv) })))).certificate).toBeDefined();
  });

  it('policy.requireSignedBody refuses a request whose Body is not signed', async () => {
    const strict = await startServer({ store: { kind: 'memory' }, logger: false, policy: { requireSignedBody: true } });
    try {
      const t = await pinTicket(strict);
      const r = await postCertProv(
        strict,
        createHttpsFetch({ ca: strict.caCertificatePem }),
        signWith(t, certProvEnvelope(strict, { entity: entity(strict) })),
      );
      expect(r.status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it("Cert binding: a Body not signed by the certificate is refused; a signed one is served once; the attacker's Entropy does not get a ticket", async () => {
    const keyPair = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const wt = new WebTicketClient({ credentials: { type: 'pin', identity: srv.demoUser.phone, pin: srv.demoUser.pin }, fetch: f });
    const c = await requestCertificate({
      url: srv.urls.certProv,
      sipUri: srv.demoUser.sipUri,
      webTicketClient: wt,
      fetch: f,
      keyPair,
      keySizeBits: 1024,
      webTicketUrl: srv.urls.webTicket,
    });
    const endpoint = srv.urls.webTicket + '/Cert';
    const rst = (entropy: Uint8Array) =>
      buildEnvelope({
        headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: `urn:uuid:${randomUUID()}`, to: endpoint }),
        body: buildRequestSecurityToken({
          Context: randomUUID(),
          TokenType: URI.tokenTypeSaml11,
          RequestType: URI.requestTypeIssue,
          AppliesTo: srv.urls.authBroker,
          Entropy: entropy,
          KeyType: URI.keyTypeSymmetric,
        }),
      });
    const post = (xml: string) =>
      f(endpoint, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${URI.actionRstIssue}"` }, body: xml }).then(
        async (r) => ({ status: r.status, text: await r.text() }),
      );
    const sign = (env: string, signBody: boolean) => signWithCertificate({ envelope: env, certificate: c.certificate, privateKey: c.privateKey, signBody });

    expect((await post(sign(rst(randomBytes(32)), false))).status).not.toBe(200);
    const captured = sign(rst(randomBytes(32)), true);
    expect((await post(captured)).status).toBe(200);
    expect((await post(captured)).status).not.toBe(200); // exact replay
    const mine = Buffer.from(randomBytes(32)).toString('base64');
    const withMyEntropy = captured.replace(/(<(?:\w+:)?BinarySecret[^>]*>)[^<]+(<)/, `$1${mine}$2`);
    expect(withMyEntropy).not.toBe(captured);
    expect((await post(withMyEntropy)).status).not.toBe(200);
  });
});
