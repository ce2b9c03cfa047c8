import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildGetAndPublishCertRequest, GetAndPublishCertRequestError, parseCsr, parseGetAndPublishCertRequest } from '@ocauth/certprov';

const csr = new Uint8Array(readFileSync(new URL('../../../vectors/spec/4.1-example-csr.der', import.meta.url)));
const DEV = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';

describe('GetAndPublishCert request (3.1.4.1.2.3)', () => {
  it('round-trips build → parse with the spec example CSR', () => {
    const xml = buildGetAndPublishCertRequest({ deviceId: DEV, entity: 'alice@contoso.com', csr, requestId: '4792483c-70b5-4591-b138-1a503a26d65b' });
    const r = parseGetAndPublishCertRequest(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${xml}</s:Body></s:Envelope>`);
    expect(r).toMatchObject({ deviceId: DEV, entity: 'alice@contoso.com', requestId: '4792483c-70b5-4591-b138-1a503a26d65b' });
    expect(Buffer.from(r.csrDer).equals(Buffer.from(csr))).toBe(true);
    expect(parseCsr(r.csrDer).signatureValid).toBe(true);
  });

  it.each([
    ['DeviceId without braces', { deviceId: '161CCE75-E0C7-5F60-BDD1-054099725B0B', entity: 'a@b.c' }, /DeviceId/],
    ['Entity with sip:', { deviceId: DEV, entity: 'sip:a@b.c' }, /Entity/],
  ])('builder refuses %s', (_n, o, re) => {
    expect(() => buildGetAndPublishCertRequest({ ...o, csr, requestId: 'x' })).toThrow(GetAndPublishCertRequestError);
    expect(() => buildGetAndPublishCertRequest({ ...o, csr, requestId: 'x' })).toThrow(re);
  });

  it.each([
    ['wrong TokenType', (x: string) => x.replace('#X509v3', '#X509')],
    ['wrong RequestType', (x: string) => x.replace('/Issue', '/Renew')],
    ['no token', (x: string) => x.replace(/<BinarySecurityToken.*<\/BinarySecurityToken>/, '')],
    ['bad base64', (x: string) => x.replace(/(ValueType="[^"]*" xmlns="[^"]*">)[^<]*/, '$1%%%')],
    ['DOCTYPE', (x: string) => `<!DOCTYPE a>${x}`],
    ['truncated', (x: string) => x.slice(0, 50)],
  ])('parser refuses %s with ERR_CERTPROV_REQUEST_MALFORMED', (_n, mutate) => {
    const xml = mutate(buildGetAndPublishCertRequest({ deviceId: DEV, entity: 'a@b.c', csr, requestId: 'r' }));
    expect(() => parseGetAndPublishCertRequest(xml)).toThrow(expect.objectContaining({ code: 'ERR_CERTPROV_REQUEST_MALFORMED' }));
  });
});

describe('GetAndPublishCert request parser against wrapping and duplicates', () => {
  const body = buildGetAndPublishCertRequest({ deviceId: DEV, entity: 'alice@contoso.com', csr, requestId: 'r' });
  const other = buildGetAndPublishCertRequest({ deviceId: DEV, entity: 'mallory@contoso.com', csr, requestId: 'r' });
  const env = (header: string, inBody: string) =>
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>${header}</s:Header><s:Body>${inBody}</s:Body></s:Envelope>`;
  it.each([
    ['a second GetAndPublishCert in the Header', env(other, body), /expected exactly one element, received 2/],
    ['two GetAndPublishCert in the Body', env('', body + other), /expected exactly one element, received 2/],
    [
      'GetAndPublishCert wrapped in another Body element',
      env('', `<x:Wrap xmlns:x="urn:x">${body}</x:Wrap>`),
      /soap:Body: expected exactly one Body whose only element is GetAndPublishCert/,
    ],
    ['an extra element beside it in the Body', env('', `${body}<x:Extra xmlns:x="urn:x"/>`), /soap:Body/],
    [
      'two RequestSecurityToken',
      body.replace(/(<RequestSecurityToken[\s\S]*<\/RequestSecurityToken>)/, '$1$1'),
      /RequestSecurityToken: expected exactly one, received 2/,
    ],
    ['two BinarySecurityToken', body.replace(/(<BinarySecurityToken[\s\S]*<\/BinarySecurityToken>)/, '$1$1'), /BinarySecurityToken: expected exactly one/],
    ['a BinarySecurityToken of another ValueType', body.replace('AuthWebServices.xsd#PKCS10', 'AuthWebServices.xsd#X509v3'), /ValueType: expected/],
    ['a BinarySecurityToken of another EncodingType', body.replace('secext-1.0.xsd#base64binary', 'secext-1.0.xsd#HexBinary'), /EncodingType: expected/],
    [
      'GetAndPublishCert below another root',
      `<x:Root xmlns:x="urn:x">${body}</x:Root>`,
      /expected a SOAP Envelope or a GetAndPublishCert element, received Root/,
    ],
  ])('refuses %s (RequestMalformed)', (_n, xml, re) => {
    expect(() => parseGetAndPublishCertRequest(xml)).toThrow(
      expect.objectContaining({ code: 'ERR_CERTPROV_REQUEST_MALFORMED', message: expect.stringMatching(re) }),
    );
  });
  it("accepts EncodingType #Base64Binary (pidgin-sipe's WSS spelling) and no EncodingType", () => {
    expect(body).toContain('#base64binary');
    expect(parseGetAndPublishCertRequest(body.replace('#base64binary', '#Base64Binary')).entity).toBe('alice@contoso.com');
    expect(parseGetAndPublishCertRequest(body.replace(/ EncodingType="[^"]*"/, '')).entity).toBe('alice@contoso.com');
  });
  it('accepts the element alone and the element in a SOAP 1.2 envelope', () => {
    expect(parseGetAndPublishCertRequest(body).entity).toBe('alice@contoso.com');
    const r = parseGetAndPublishCertRequest(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>${body}</e:Body></e:Envelope>`);
    expect([r.entity, r.soapVersion]).toEqual(['alice@contoso.com', '1.2']);
  });
});
