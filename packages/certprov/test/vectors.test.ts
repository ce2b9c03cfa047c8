// Replays vectors/certprov/csr-policy.json through the handler: each request gets exactly the
// ResponseCode the vector names under its policy (requests mostly produced by OpenSSL).
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildGetAndPublishCertRequest, CertificateAuthority, createCertProvHandler, GetAndPublishCertError, MemoryCertificateStore, parseGetAndPublishCertResponse, type CertProvPolicy } from '@ocauth/certprov';

const file = JSON.parse(readFileSync(new URL('../../../vectors/certprov/csr-policy.json', import.meta.url), 'utf8'));
const ca = CertificateAuthority.create({ keySizeBits: 1024 });
const DEV = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';

describe('vectors/certprov/csr-policy.json', () => {
  it('is complete', () => expect(file.testGroups[0].tests).toHaveLength(file.numberOfTests));
  for (const c of file.testGroups[0].tests as { tcId: number; comment: string; csrBase64: string; policy: CertProvPolicy; responseCode: string }[]) {
    it(`tcId ${c.tcId}: ${c.comment} → ${c.responseCode}`, async () => {
      const handler = createCertProvHandler({ ticketVerifier: { verify: async () => ({ sipUri: 'sip:alice@contoso.com' }) }, ca, store: new MemoryCertificateStore(), policy: c.policy });
      const body = buildGetAndPublishCertRequest({ deviceId: DEV, entity: 'alice@contoso.com', csr: Buffer.from(c.csrBase64, 'base64'), requestId: `v${c.tcId}` });
      const res = await handler(new Request('https://pool/CertProv/CertProvisioningService.svc', { method: 'POST', body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>` }));
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
    });
  }
});
