import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  URI,
  buildEnvelope,
  buildAddressingHeaders,
  buildRequestSecurityToken,
  signWithCertificate,
  verifyCertificateMessage,
  SecurityError,
  WebTicketClient,
  type ClientCertificateValidator,
} from './internals.js';
import { makeHandler, otherCert, otherKey, SERVICE } from './support.js';

const F = new URL('./fixtures/', import.meta.url);
const clientCert = readFileSync(new URL('client-cert.pem', F), 'utf8');
const clientKey = readFileSync(new URL('client-key.pem', F), 'utf8');
const x = new X509Certificate(clientCert);
const T = new Date(Date.parse(x.validFrom) + 3600_000);
const validator: ClientCertificateValidator = { validate: async (c) => (c.fingerprint256 === x.fingerprint256 ? { sipUri: 'sip:alice@example.com' } : null) };
const rstEnv = () =>
  buildEnvelope({
    headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:1', to: SERVICE + '/Cert' }),
    body: buildRequestSecurityToken({
      Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
      TokenType: URI.tokenTypeSaml11,
      RequestType: URI.requestTypeIssue,
      AppliesTo: 'https://pool0.example.com/x',
      Entropy: new Uint8Array(32).fill(3),
      KeyType: URI.keyTypeSymmetric,
    }),
  });
const post = (body: string) => new Request(SERVICE + '/Cert', { method: 'POST', body });

describe('X.509 endorsing token (Cert binding)', () => {
  it('signWithCertificate output verifies; Timestamp, To and Body are signed', () => {
    const signed = signWithCertificate({ envelope: rstEnv(), certificate: clientCert, privateKey: clientKey, now: T });
    const v = verifyCertificateMessage(signed, { now: T });
    expect(v.certificate.fingerprint256).toBe(x.fingerprint256);
    expect(v.signedElements.map((e) => e.localName)).toEqual(['Timestamp', 'To', 'Body']);
    expect(signWithCertificate({ envelope: rstEnv(), certificate: clientCert, privateKey: clientKey, now: T, signBody: false })).not.toContain('URI="#_2"');
    for (const algorithm of ['rsa-sha256'] as const)
      verifyCertificateMessage(signWithCertificate({ envelope: rstEnv(), certificate: clientCert, privateKey: clientKey, now: T, algorithm }), { now: T });
  });
  it('a changed To, a swapped certificate or a stale Timestamp fail', () => {
    const signed = signWithCertificate({ envelope: rstEnv(), certificate: clientCert, privateKey: clientKey, now: T });
    const code = (s: string, now = T) => {
      try {
        verifyCertificateMessage(s, { now });
        return 'ok';
      } catch (e) {
        expect(e).toBeInstanceOf(SecurityError);
        return (e as SecurityError).code;
      }
    };
    expect(code(signed.replace(`${SERVICE}/Cert</a:To>`, `${SERVICE}/Pin</a:To>`))).toBe('ERR_WSTRUST_DIGEST_MISMATCH');
    const otherDer = new X509Certificate(otherCert).raw.toString('base64');
    expect(code(signed.replace(/(<o:BinarySecurityToken[^>]*>)[^<]*/, `$1${otherDer}`))).toBe('ERR_WSTRUST_SIGNATURE_INVALID');
    expect(code(signed, new Date(T.getTime() + 3600_000))).toBe('ERR_WSTRUST_TIMESTAMP_EXPIRED');
  });
  it('handler issues a ticket for a known certificate; unknown → 28012; expired → 28011; no token → 28013; validator failure → 28015', async () => {
    const h = makeHandler(() => T, { certificateValidator: validator });
    const ok = await h(post(signWithCertificate({ envelope: rstEnv(), certificate: clientCert, privateKey: clientKey, now: T })));
    expect(ok.status, await ok.clone().text()).toBe(200);
    const unknown = await h(post(signWithCertificate({ envelope: rstEnv(), certificate: otherCert, privateKey: otherKey, now: T })));
    expect(await unknown.text()).toContain('<af:ErrorId>28012</af:ErrorId>');
    const late = new Date(Date.parse(x.validTo) + 86400_000);
    const expired = await makeHandler(() => late, { certificateValidator: validator })(
      post(signWithCertificate({ envelope: rstEnv(), certificate: clientCert, privateKey: clientKey, now: late })),
    );
    expect(await expired.text()).toContain('<af:ErrorId>28011</af:ErrorId>');
    const none = await h(post(rstEnv()));
    expect(await none.text()).toContain('<af:ErrorId>28013</af:ErrorId>');
    const broken = makeHandler(() => T, {
      certificateValidator: {
        validate: async () => {
          throw new Error('db down');
        },
      },
    });
    expect(await (await broken(post(signWithCertificate({ envelope: rstEnv(), certificate: clientCert, privateKey: clientKey, now: T })))).text()).toContain(
      '<af:ErrorId>28015</af:ErrorId>',
    );
  });
  it('WebTicketClient with certificate credentials', async () => {
    const h = makeHandler(() => T, { certificateValidator: validator });
    const client = new WebTicketClient({
      credentials: { type: 'certificate', certificate: clientCert, privateKey: clientKey },
      clock: () => T,
      fetch: (async (u: string, i: RequestInit) => h(new Request(u, i))) as typeof fetch,
    });
    const t = await client.requestTicket('https://pool0.example.com/x', SERVICE);
    expect(t.appliesTo).toBe('https://pool0.example.com/');
  });
});
