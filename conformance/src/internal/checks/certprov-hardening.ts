// MS-OCAUTHWS 2.1 / 3.1.4.1: what GetAndPublishCert refuses before it issues (method, body size, action,
// DeviceId padding, key size, validity above the maximum) and the SOAP version of its answer. Each check
// judges the raw HTTP answer with its own DOM reads; each has a server fault that turns it red.
import { spawnSync } from 'node:child_process';
import { ACTION_GET_AND_PUBLISH_CERT, generateCsr } from '@ocauth/certprov';
import { expectThat, manual } from '../context.js';
import { hasOpenSsl } from '../openssl-registrar.js';
import type { RawResponse } from '../context.js';
import type { Requirement } from '../requirements.js';
import { NS_AUTHWS, NS_SOAP, certProvAnswer, certProvEnvelope, dom, els, expectErrorInfo, issued, postCertProv, show, signed } from './common.js';

const NS_SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

/** A PKCS#10 (DER) made by the openssl binary (no ocauth code), with `-newkey` options, for CN=`cn`. */
function opensslCsr(cn: string, newkey: string[]): Buffer {
  if (!hasOpenSsl()) manual('making this CSR needs the openssl binary on the PATH');
  const r = spawnSync('openssl', ['req', '-new', '-nodes', '-keyout', '/dev/null', ...newkey, '-subj', `/CN=${cn}`, '-outform', 'DER'], { encoding: 'buffer' });
  expectThat(r.status === 0 && r.stdout.length > 0, `openssl req ${newkey.join(' ')}: expected a CSR, received ${r.stderr.toString('utf8').slice(0, 200)}`);
  return r.stdout;
}

/** A request refused without a certificate: ErrorInfo RequestMalformed (3.1.4.1.4.1), or an HTTP error status (a SOAP fault or a bare refusal). */
function expectRefused(r: RawResponse, what: string): string {
  expectThat(!issued(r), `${what}: expected no certificate, received one`);
  let code: string | null | undefined;
  try {
    const d = dom(r.text);
    code = els(d, NS_AUTHWS, 'ErrorInfo')[0]?.getAttribute('ResponseCode');
  } catch {
    /* not XML: judged by the status */
  }
  if (code) {
    expectErrorInfo(r, what, ['RequestMalformed']);
    return `ResponseCode ${code}`;
  }
  expectThat(r.status >= 400, `${what}: expected ErrorInfo RequestMalformed or an HTTP error status, received ${show(r)}`);
  return `HTTP ${r.status}`;
}

export const CERT_PROV_HARDENING_CHECKS: readonly Requirement[] = [
  {
    id: 'HOSTILE-15-CERTPROV-METHOD',
    section: '2.1',
    level: 'SHOULD',
    category: 'hostile',
    enforces: ['OCAUTH-2.1-01'],
    text: "GetAndPublishCert sent with PUT or GET (not POST, the method of the SOAP 1.2 HTTP binding's request-response exchange that 2.1 names) is answered 405, without a certificate",
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const body = await signed(ctx, unsigned);
      const got: string[] = [];
      for (const method of ['PUT', 'GET'] as const) {
        const res = await ctx.fetch(ctx.paths.certProv, {
          method,
          headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` },
          ...(method === 'PUT' ? { body } : {}),
        });
        const r: RawResponse = { status: res.status, headers: res.headers, text: await res.text() };
        expectThat(!issued(r), `${method} GetAndPublishCert: expected no certificate, received one`);
        expectThat(r.status === 405, `${method} GetAndPublishCert: expected HTTP 405 (RFC 9110 15.5.6), received ${show(r)}`);
        got.push(`${method} → 405${r.headers.get('allow') ? ` (Allow: ${r.headers.get('allow')})` : ''}`);
      }
      return got.join('; ');
    },
  },
  {
    id: 'HOSTILE-16-CERTPROV-OVERSIZED',
    section: '2.1',
    level: 'SHOULD',
    category: 'hostile',
    enforces: ['OCAUTH-2.1-01'],
    text: "A GetAndPublishCert request of 4 MiB (a valid signed request padded with whitespace; over WCF's default maxReceivedMessageSize of 64 KiB and ocauth's 1 MiB cap) is answered 413, without a certificate",
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const body = (await signed(ctx, unsigned)).replace(/(<\/(?:\w+:)?Header>)/, `$1${' '.repeat(4 * 1024 * 1024)}`);
      expectThat(body.length > 4 * 1024 * 1024, 'request: expected the padding to be inserted after the SOAP Header');
      const r = await postCertProv(ctx, body).catch((e: Error) => e);
      if (r instanceof Error) throw new Error(`4 MiB GetAndPublishCert: expected HTTP 413, received a broken connection (${r.message})`);
      expectThat(!issued(r), '4 MiB GetAndPublishCert: expected no certificate, received one');
      expectThat(r.status === 413, `4 MiB GetAndPublishCert: expected HTTP 413 (RFC 9110 15.5.14), received ${show(r)}`);
      return 'HTTP 413';
    },
  },
  {
    id: 'HOSTILE-17-CERTPROV-WRONG-ACTION',
    section: '3.1.4.1',
    level: 'SHOULD',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1-01'],
    text: 'GetAndPublishCert whose SOAPAction, or whose addressing Action header (4.1.1 prints http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert), names another operation is refused, without a certificate',
    async check(ctx) {
      const other = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue';
      const a = await certProvEnvelope(ctx);
      const byHeader = expectRefused(await ctx.post(ctx.paths.certProv, await signed(ctx, a.unsigned), { soapaction: `"${other}"` }), `SOAPAction "${other}"`);
      const b = await certProvEnvelope(ctx);
      const wsa = b.unsigned.replace(`>${ACTION_GET_AND_PUBLISH_CERT}</Action>`, `>${other}</Action>`);
      expectThat(wsa !== b.unsigned, 'request: expected to replace the Action header');
      const byWsa = expectRefused(await postCertProv(ctx, await signed(ctx, wsa)), `Action header ${other}`);
      return `wrong SOAPAction: ${byHeader}; wrong Action header: ${byWsa}`;
    },
  },
  {
    id: 'OCAUTH-2.1-02',
    section: '2.1',
    level: 'MUST',
    text: 'This protocol uses the SOAP message protocol for formatting request and response messages, as specified in [SOAP1.2-1/2007] and [SOAP1.2-2/2007].',
    async check(ctx) {
      // A SOAP 1.2 GetAndPublishCert (application/soap+xml with the action parameter, SOAP 1.2 HTTP binding):
      // the answer is a SOAP 1.2 envelope with the SOAP 1.2 media type, and the certificate is issued.
      const { unsigned } = await certProvEnvelope(ctx);
      const soap12 = unsigned.replaceAll(NS_SOAP, NS_SOAP12);
      const r = await ctx.post(ctx.paths.certProv, await signed(ctx, soap12), {
        'content-type': `application/soap+xml; charset=utf-8; action="${ACTION_GET_AND_PUBLISH_CERT}"`,
      });
      const type = r.headers.get('content-type') ?? '';
      expectThat(r.status === 200, `SOAP 1.2 GetAndPublishCert: expected HTTP 200, received ${show(r)}`);
      expectThat(
        /^application\/soap\+xml\b/i.test(type),
        `SOAP 1.2 GetAndPublishCert: expected an application/soap+xml answer (SOAP 1.2 Part 2, 7.1.4), received Content-Type ${type}`,
      );
      const root = dom(r.text).documentElement;
      expectThat(
        root?.localName === 'Envelope' && root.namespaceURI === NS_SOAP12,
        `SOAP 1.2 GetAndPublishCert: expected a ${NS_SOAP12} Envelope, received {${root?.namespaceURI}}${root?.localName}`,
      );
      expectThat(issued(r) && certProvAnswer(r.text).certificate, `SOAP 1.2 GetAndPublishCert: expected a certificate, received ${show(r)}`);
      return `SOAP 1.2 answered in SOAP 1.2 (${type.split(';')[0]}), certificate issued`;
    },
  },
  {
    id: 'HOSTILE-18-DEVICEID-PADDED',
    section: '3.1.4.1.5.1',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1.5.1-01'],
    text: 'A DeviceId with whitespace around its GUID (longer than the 38 characters of the braced form) is refused InvalidDeviceId: the DeviceId is written into the certificate (its SKI, 3.1.4.1.2.4), so nothing but the GUID may reach it',
    async check(ctx) {
      const got: string[] = [];
      for (const pad of ['  ', '\t']) {
        const { unsigned, deviceId } = await certProvEnvelope(ctx);
        const padded = unsigned.replace(`DeviceId="${deviceId}"`, `DeviceId="${pad}${deviceId}${pad}"`);
        expectThat(padded !== unsigned, 'request: expected to pad the DeviceId');
        got.push(
          expectErrorInfo(
            await postCertProv(ctx, await signed(ctx, padded)),
            `DeviceId ${JSON.stringify(pad + deviceId + pad)} (${deviceId.length + 2 * pad.length} characters)`,
            ['InvalidDeviceId'],
          ),
        );
      }
      return `padded DeviceIds: ${got.join(', ')}`;
    },
  },
  {
    id: 'HOSTILE-19-VALIDITY-ABOVE-MAXIMUM',
    section: '3.1.4.1.2.3',
    level: 'SHOULD',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1.2.3-05'],
    text: "A CSR asking for 1200 Months (100 years) is refused InvalidValidityPeriod or issued a certificate clamped to the server's maximum (the field notes: Lync Server clamps to its configured maximum; 3.1.4.1.4.1 InvalidValidityPeriod)",
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const csr = generateCsr({ sipUri: user, keySizeBits: 2048, validity: { period: 'Months', units: 1200 } });
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: csr.der });
      const r = await postCertProv(ctx, await signed(ctx, unsigned));
      if (!issued(r)) return `ResponseCode ${expectErrorInfo(r, '1200 Months requested', ['InvalidValidityPeriod'])}`;
      const x = certProvAnswer(r.text).certificate;
      expectThat(x, `1200 Months requested: expected ErrorInfo or a certificate, received ${show(r)}`);
      const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000;
      // 1200 months of 30 days (MS-WCCE's month, as Lync counts it) are 36 000 days; the server's maximum is far below.
      expectThat(
        days < 36_000 - 1,
        `1200 Months requested: expected the validity clamped to the server's maximum, received ${days.toFixed(0)} days (${x.validFrom} to ${x.validTo})`,
      );
      return `clamped to ${days.toFixed(0)} days`;
    },
  },
  {
    id: 'HOSTILE-20-CSR-NON-RSA-KEY',
    section: '3.1.4.1.4.1',
    level: 'SHOULD',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1-01'],
    text: 'A CSR with an EC P-256 key (made by openssl) is refused InvalidPublicKey (3.1.4.1.4.1 "did not contain a valid public key"): the certificate serves the TLS client authentication and TLS-DSK of clients that use RSA, and the field notes\' key-length policy is in RSA bits',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: opensslCsr(user, ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']) });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'CSR with an EC P-256 key', ['InvalidPublicKey'])}`;
    },
  },
  {
    id: 'HOSTILE-21-CSR-WEAK-RSA-KEY',
    section: '3.1.4.1.4.1',
    level: 'SHOULD',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1-01'],
    text: 'A CSR with a 2048-bit RSA key of public exponent 3 (made by openssl) is refused InvalidPublicKey (3.1.4.1.4.1 "did not contain a valid public key"; NIST SP 800-56B asks e >= 65537, e = 3 invites low-exponent attacks)',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: opensslCsr(user, ['-newkey', 'rsa:2048', '-pkeyopt', 'rsa_keygen_pubexp:3']) });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'CSR with an RSA key of exponent 3', ['InvalidPublicKey'])}`;
    },
  },
];
