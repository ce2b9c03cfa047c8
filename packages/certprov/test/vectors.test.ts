// Replays vectors/certprov/*.json:
//  - csr-policy.json and csr-key-limits.json through the handler: each request gets exactly the
//    ResponseCode the vector names under its policy (requests mostly produced by OpenSSL);
//  - responses.json through parseGetAndPublishCertResponse: the fields a client must report, or the
//    typed error (code + ResponseCode).
import { readFileSync } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildGetAndPublishCertRequest,
  CertificateAuthority,
  createCertProvHandler,
  GetAndPublishCertError,
  MemoryCertificateStore,
  parseCsr,
  parseGetAndPublishCertResponse,
  type CertProvPolicy,
} from '@ocauth/certprov';

const load = (f: string) => JSON.parse(readFileSync(new URL(`../../../vectors/certprov/${f}`, import.meta.url), 'utf8'));
const ca = CertificateAuthority.create({ keySizeBits: 1024 });
const DEV = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';
type PolicyCase = { tcId: number; comment: string; flags: string[]; csrBase64: string; policy: CertProvPolicy; responseCode: string };

for (const name of ['csr-policy.json', 'csr-key-limits.json']) {
  const file = load(name);
  describe(`vectors/certprov/${name}`, () => {
    it('is complete', () => expect(file.testGroups[0].tests).toHaveLength(file.numberOfTests));
    for (const c of file.testGroups[0].tests as PolicyCase[]) {
      it(`tcId ${c.tcId}: ${c.comment} → ${c.responseCode}`, async () => {
        const handler = createCertProvHandler({
          ticketVerifier: { verify: async () => ({ sipUri: 'sip:alice@contoso.com' }) },
          ca,
          store: new MemoryCertificateStore(),
          policy: c.policy,
        });
        const body = buildGetAndPublishCertRequest({
          deviceId: DEV,
          entity: 'alice@contoso.com',
          csr: Buffer.from(c.csrBase64, 'base64'),
          requestId: `v${c.tcId}`,
        });
        const res = await handler(
          new Request('https://pool/CertProv/CertProvisioningService.svc', {
            method: 'POST',
            body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`,
          }),
        );
        let got: string | undefined;
        try {
          const r = parseGetAndPublishCertResponse(await res.text());
          got = 'Success';
          const x = new X509Certificate(r.certificateDer);
          const hours = (new Date(x.validTo).getTime() - new Date(x.validFrom).getTime()) / 3_600_000;
          expect(hours, `tcId ${c.tcId}: validity within policy`).toBeGreaterThanOrEqual(c.policy.minValidityHours ?? 8);
          expect(hours, `tcId ${c.tcId}: validity within policy`).toBeLessThanOrEqual(c.policy.maxValidityHours ?? 8760);
        } catch (e) {
          if (!(e instanceof GetAndPublishCertError)) throw e;
          got = e.responseCode;
        }
        expect(got, `tcId ${c.tcId} (${c.comment})`).toBe(c.responseCode);
        // The multi-prime requests are signed by the generator's own BigInt signer: where OpenSSL can
        // verify (modulus ≤ 16384 bits) it must agree that the self-signature is valid.
        if (c.flags.includes('MultiPrime') && !c.flags.includes('LargeKey'))
          expect(parseCsr(c.csrBase64).signatureValid, `tcId ${c.tcId}: signature verifies`).toBe(true);
      });
    }
  });
}

type ResponseCase = {
  tcId: number;
  comment: string;
  xml: string;
  result: 'valid' | 'invalid';
  expected?: {
    responseClass: string;
    deviceId: string;
    entity: string;
    dispositionMessage: string | null;
    requestId: string | null;
    certificateSha256: string;
    certificateSubject: string;
    csrSha256: string | null;
    chainSubjects: string[];
  };
  error?: { code: string; responseCode: string | null };
};
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const responses = load('responses.json');
describe('vectors/certprov/responses.json', () => {
  it('is complete', () => expect(responses.testGroups[0].tests).toHaveLength(responses.numberOfTests));
  for (const c of responses.testGroups[0].tests as ResponseCase[]) {
    it(`tcId ${c.tcId}: ${c.comment} (${c.result})`, () => {
      const m = `tcId ${c.tcId} (${c.comment})`;
      if (c.result === 'valid') {
        const r = parseGetAndPublishCertResponse(c.xml);
        const e = c.expected!;
        expect(
          {
            responseClass: r.responseClass,
            deviceId: r.deviceId,
            entity: r.entity,
            dispositionMessage: r.dispositionMessage ?? null,
            requestId: r.requestId ?? null,
            certificateSha256: sha256(r.certificateDer),
            certificateSubject: new X509Certificate(r.certificateDer).subject,
            csrSha256: r.csrDer ? sha256(r.csrDer) : null,
            chainSubjects: r.chainDer.map((d) => new X509Certificate(d).subject),
          },
          m,
        ).toEqual(e);
      } else {
        let err: unknown;
        try {
          parseGetAndPublishCertResponse(c.xml);
        } catch (x) {
          err = x;
        }
        expect(err, `${m}: throws`).toBeInstanceOf(Error);
        expect((err as { code?: string }).code, `${m}: code`).toBe(c.error!.code);
        expect((err as { responseCode?: string }).responseCode ?? null, `${m}: ResponseCode`).toBe(c.error!.responseCode);
      }
    });
  }
});
