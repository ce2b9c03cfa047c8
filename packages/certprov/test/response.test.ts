import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GetAndPublishCertError, parseCsr, parseGetAndPublishCertResponse } from '@ocauth/certprov';

const vec = (f: string) => new URL(`../../../vectors/spec/${f}`, import.meta.url);
const csrPem = readFileSync(vec('4.1-example-csr.pem'), 'utf8')
  .replace('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST')
  .replace('END CERTIFICATE REQUEST', 'END NEW CERTIFICATE REQUEST');
const certB64 = readFileSync(vec('4.1-example-certificate.b64'), 'utf8').trim();
// Shape of the MS-OCAUTHWS 4.1.2 example with the certificate in several encodings (the byte-exact
// reconstruction is vectors/spec/4.1-get-and-publish-cert-response.xml, replayed by spec-examples.test.ts).
const response = (cert: string) => `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<GetAndPublishCertResponse ResponseClass="Success" DeviceId="{161CCE75-E0C7-5F60-BDD1-054099725B0B}" Entity="alice@contoso.com" xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/">
<RequestSecurityTokenResponse xmlns="http://docs.oasis-open.org/ws-sx/ws-trust/200512/">
<TokenType>http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3</TokenType>
<DispositionMessage xml:lang="en-US" xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollment">Issued</DispositionMessage>
<BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" ValueType="http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">${csrPem}</BinarySecurityToken>
<RequestedSecurityToken><BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">${cert}</BinarySecurityToken></RequestedSecurityToken>
<RequestID xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollment">4792483c-70b5-4591-b138-1a503a26d65b</RequestID>
</RequestSecurityTokenResponse></GetAndPublishCertResponse></s:Body></s:Envelope>`;

describe('parseGetAndPublishCertResponse', () => {
  it.each([
    ['plain base64', certB64],
    ['base64 with line breaks', certB64.replace(/(.{64})/g, '$1\n             ')],
    ['PEM armoured', readFileSync(vec('4.1-example-certificate.pem'), 'utf8')],
  ])('reads the issued certificate (%s)', (_n, cert) => {
    const r = parseGetAndPublishCertResponse(response(cert));
    expect(r.responseClass).toBe('Success');
    expect(r.deviceId).toBe('{161CCE75-E0C7-5F60-BDD1-054099725B0B}');
    expect(r.entity).toBe('alice@contoso.com');
    expect(r.dispositionMessage).toBe('Issued');
    expect(r.requestId).toBe('4792483c-70b5-4591-b138-1a503a26d65b');
    expect(new X509Certificate(r.certificateDer).subject).toBe('CN=nk1@ocsdev.nttest.microsoft.com');
    expect(parseCsr(r.csrDer!).signatureValid).toBe(true);
  });

  it('turns ErrorInfo into a typed error carrying the ResponseCode', () => {
    const xml = `<GetAndPublishCertResponse ResponseClass="Error" DeviceId="{x}" Entity="a@b.c" xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/"><ErrorInfo ResponseCode="InvalidCSR"><Description>bad signature</Description></ErrorInfo></GetAndPublishCertResponse>`;
    try {
      parseGetAndPublishCertResponse(xml);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GetAndPublishCertError);
      expect((e as GetAndPublishCertError).responseCode).toBe('InvalidCSR');
      expect((e as GetAndPublishCertError).message).toMatch(/InvalidCSR: bad signature/);
      // the @ocauth/diagnostics catalog entry travels with the error
      expect((e as GetAndPublishCertError).responseCodeInfo?.specSection).toBe('MS-OCAUTHWS 3.1.4.1.4.1');
      expect((e as GetAndPublishCertError).responseCodeInfo?.description).toBe('Indicates that the CSR is invalid.');
    }
  });

  it.each([
    ['DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><x/>'],
    ['not XML', '<<<'],
    ['wrong element', '<x/>'],
    ['missing certificate', response('').replace(/<RequestedSecurityToken>.*<\/RequestedSecurityToken>/s, '')],
    ['bad base64', response('***')],
  ])('rejects %s with a typed error', (_n, xml) => {
    expect(() => parseGetAndPublishCertResponse(xml)).toThrow(Error);
    try {
      parseGetAndPublishCertResponse(xml);
    } catch (e) {
      expect((e as { code?: string }).code).toMatch(/^ERR_CERTPROV_/);
    }
  });
});
