// Issue 16 item 7: input that grows what it should not or names the wrong thing. Over HTTPS against
// startServer: a whitespace-padded DeviceId (copied into ~880 KB certificates before), an Entity spelled
// with a look-alike (U+212A KELVIN SIGN) or in another case (the certificate must carry the directory's
// canonical SIP URI), CSRs with small public exponents, and a PIN followed by NUL bytes.
import { generateKeyPairSync, randomUUID, type X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, startServer, type RunningServer } from '@ocauth/server';
import { certProvEnvelope, postCertProv, signIn, signWith } from './support/attack.js';

let srv: RunningServer;
let f: typeof fetch;
beforeAll(async () => {
  srv = await startServer({ store: { kind: 'memory' }, logger: false, users: [{ sipUri: 'sip:kim@ocauth.test', pin: '864209', phones: ['+15550401'] }] });
  f = createHttpsFetch({ ca: srv.caCertificatePem });
});
afterAll(async () => srv?.close());

const kim = () => new WebTicketClient({ credentials: { type: 'pin', identity: '+15550401', pin: '864209' }, fetch: f });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const attempt = (o: {
  sipUri?: string;
  deviceId?: string;
  keyPair?: { privateKey: import('node:crypto').KeyObject; publicKey: import('node:crypto').KeyObject };
}) =>
  requestCertificate({
    url: srv.urls.certProv,
    sipUri: o.sipUri ?? 'kim@ocauth.test',
    webTicketClient: kim(),
    fetch: f,
    webTicketUrl: srv.urls.webTicket,
    keyPair: o.keyPair ?? rsa1024,
    keySizeBits: 1024,
    ...(o.deviceId ? { deviceId: o.deviceId } : {}),
  }).then(
    (c) => ({ ok: true as const, cert: c.certificate }),
    (e: { responseCode?: string }) => ({ ok: false as const, responseCode: e.responseCode }),
  );

describe('input checks (issue 16 item 7)', () => {
  it('a DeviceId padded with whitespace is refused, and nothing is stored', async () => {
    const before = await srv.store.certificates.count();
    const t = await kim().requestTicket(srv.urls.certProv, srv.urls.webTicket);
    for (const deviceId of [`{${randomUUID().toUpperCase()}}${' '.repeat(30_000)}`, `  {${randomUUID().toUpperCase()}}`]) {
      const r = await postCertProv(srv, f, signWith(t, certProvEnvelope(srv, { entity: 'kim@ocauth.test', deviceId })));
      expect(r).toEqual({ status: 200, responseCode: 'InvalidDeviceId' });
    }
    expect(await srv.store.certificates.count()).toBe(before);
    // the same request with the bare GUID is served
    expect((await postCertProv(srv, f, signWith(t, certProvEnvelope(srv, { entity: 'kim@ocauth.test' })))).certificate).toBeDefined();
  });

  it('an Entity with a KELVIN SIGN look-alike is refused; another case gets the canonical SIP URI in CN and SAN', async () => {
    const t = await kim().requestTicket(srv.urls.certProv, srv.urls.webTicket);
    expect(await postCertProv(srv, f, signWith(t, certProvEnvelope(srv, { entity: '\u212Aim@ocauth.test' })))).toEqual({
      status: 200,
      responseCode: 'InvalidSipUri',
    });
    const r = await attempt({ sipUri: 'KIM@OCAUTH.TEST' });
    expect(r.ok).toBe(true);
    const cert = (r as { cert: X509Certificate }).cert;
    expect(cert.subject).toBe('CN=kim@ocauth.test');
    expect(cert.subjectAltName).toBe('email:kim@ocauth.test');
  });

  it('CSR keys with public exponent 3 or 65535 are refused (InvalidPublicKey); 65537 is certified', async () => {
    for (const publicExponent of [3, 65535])
      expect(await attempt({ keyPair: generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent }) })).toEqual({
        ok: false,
        responseCode: 'InvalidPublicKey',
      });
    expect((await attempt({})).ok).toBe(true);
  });

  it('a PIN followed by NUL bytes, or with other control characters, does not sign in', async () => {
    const fr = createHttpsFetch({ ca: srv.caCertificatePem });
    expect((await signIn(srv, fr, { type: 'pin', identity: '+15550401', pin: '864209\u0000\u0000' })).ok).toBe(false);
    expect((await signIn(srv, fr, { type: 'pin', identity: '+15550401\u0000', pin: '864209' })).ok).toBe(false);
    expect((await signIn(srv, fr, { type: 'pin', identity: '+15550401', pin: '864209' })).ok).toBe(true);
  });
});
