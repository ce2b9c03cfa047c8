// MS-OCAUTHWS 4.1.1 / 4.1.2 reconstructed from the specification text
// (packages/certprov/scripts/extract-spec-examples.mjs): parsed by our parsers, consistent with the
// separately extracted example CSR and certificate, and accepted by the handler.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../../../testing/tools.js';
import {
  ACTION_GET_AND_PUBLISH_CERT,
  buildGetAndPublishCertRequest,
  CertificateAuthority,
  createCertProvHandler,
  MemoryCertificateStore,
  parseCsr,
  parseGetAndPublishCertRequest,
  parseGetAndPublishCertResponse,
} from '@ocauth/certprov';
import { certificateSubjectKeyIdentifier as subjectKeyIdentifier } from '@ocauth/diagnostics';

const vec = (f: string) => readFileSync(new URL(`../../../vectors/spec/${f}`, import.meta.url));
const request = vec('4.1-get-and-publish-cert-request.xml').toString('utf8');
const response = vec('4.1-get-and-publish-cert-response.xml').toString('utf8');

describe('spec 4.1 GetAndPublishCert examples', () => {
  it('4.1.1 request parses to the example values; its CSR is the 4.1 example CSR', () => {
    const r = parseGetAndPublishCertRequest(request);
    expect(r.deviceId).toBe('{161CCE75-E0C7-5F60-BDD1-054099725B0B}');
    expect(r.entity).toBe('alice@contoso.com');
    expect(r.requestId).toBe('4792483c-70b5-4591-b138-1a503a26d65b');
    expect(r.action).toBe(ACTION_GET_AND_PUBLISH_CERT);
    expect(Buffer.from(r.csrDer).equals(vec('4.1-example-csr.der'))).toBe(true);
    const csr = parseCsr(r.csrDer);
    expect(csr.signatureValid).toBe(true);
    expect(csr.nameValuePairs).toEqual([
      { name: 'validityPeriod', value: 'Months' },
      { name: 'ValidityPeriodUnits', value: '6' },
      { name: 'CertificateTemplate', value: 'User' },
    ]);
    expect(csr.extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it('4.1.2 response parses: Issued, the echoed CSR, the example certificate (SKI = ASCII DeviceId), the RequestID', () => {
    const r = parseGetAndPublishCertResponse(response);
    expect(r.responseClass).toBe('Success');
    expect(r.dispositionMessage).toBe('Issued');
    expect(r.requestId).toBe('4792483c-70b5-4591-b138-1a503a26d65b');
    expect(Buffer.from(r.csrDer!).equals(vec('4.1-example-csr.der'))).toBe(true);
    expect(Buffer.from(r.certificateDer).equals(vec('4.1-example-certificate.der'))).toBe(true);
    expect(Buffer.from(subjectKeyIdentifier(r.certificateDer)!).toString('latin1')).toBe('{161CCE75-E0C7-5F60-BDD1-054099725B0B}');
    // a negative serial (two's complement F551EC89C418DB636DD8), as the spec example has
    expect(new X509Certificate(r.certificateDer).serialNumber).toBe('-0AAE13763BE7249C9228');
  });

  it('the handler accepts the 4.1.1 request shape (example CSR, 6 months = 4320 hours) and answers the 4.1.2 shape', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const ca = CertificateAuthority.create({ clock: () => now, keySizeBits: 1024 });
    const handler = createCertProvHandler({
      ticketVerifier: { verify: async () => ({ sipUri: 'sip:alice@contoso.com' }) },
      ca,
      store: new MemoryCertificateStore(),
      clock: () => now,
    });
    const res = await handler(
      new Request('https://server.contoso.com/CertProv/CertProvisioningService.svc', {
        method: 'POST',
        body: request,
        headers: { soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` },
      }),
    );
    const r = parseGetAndPublishCertResponse(await res.text());
    expect([r.deviceId, r.entity, r.requestId, r.dispositionMessage]).toEqual([
      '{161CCE75-E0C7-5F60-BDD1-054099725B0B}',
      'alice@contoso.com',
      '4792483c-70b5-4591-b138-1a503a26d65b',
      'Issued',
    ]);
    const c = new X509Certificate(r.certificateDer);
    expect(c.subject).toBe('CN=alice@contoso.com');
    expect(new Date(c.validTo).getTime() - new Date(c.validFrom).getTime()).toBe(4320 * 3_600_000);
  });

  it('round trip: the 4.1.1 request rebuilt by buildGetAndPublishCertRequest parses to the same values and CSR bytes', () => {
    const r = parseGetAndPublishCertRequest(request);
    const rebuilt = buildGetAndPublishCertRequest({ deviceId: r.deviceId, entity: r.entity, csr: r.csrDer, requestId: r.requestId });
    const again = parseGetAndPublishCertRequest(request.replace(/<GetAndPublishCert [\s\S]*<\/GetAndPublishCert>/, rebuilt));
    expect(again).toEqual(r);
  });

  it.runIf(hasTool('xmllint', ['--version']))('both examples are well-formed XML for libxml2 (xmllint)', () => {
    for (const f of ['4.1-get-and-publish-cert-request.xml', '4.1-get-and-publish-cert-response.xml']) {
      expect(() => runTool('xmllint', ['--noout', '-'], vec(f)), f).not.toThrow();
    }
  });

  // The specification text travels with the repository (vectors/spec/MS-OCAUTHWS.txt).
  const specText = fileURLToPath(new URL('../../../vectors/spec/MS-OCAUTHWS.txt', import.meta.url));
  it('the .xml files are what the extraction script reconstructs from the specification text (--check)', () => {
    const out = execFileSync(process.execPath, [
      fileURLToPath(new URL('../scripts/extract-spec-examples.mjs', import.meta.url)),
      '--check',
      specText,
    ]).toString();
    expect(out).toMatch(/ok +4\.1-get-and-publish-cert-request\.xml/);
    expect(out).toMatch(/ok +4\.1-get-and-publish-cert-response\.xml/);
  });
});
