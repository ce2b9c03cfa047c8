// The error model: every error @ocauth/certprov throws is a CertProvError with a code of the closed union; XML
// that does not parse keeps c14n's XmlParseError as the cause.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { XmlParseError } from '@ocauth/c14n';
import {
  buildGetAndPublishCertRequest,
  CertificateAuthority,
  CertificateAuthorityError,
  CertificateRequestError,
  CertificateStoreError,
  CertProvError,
  CertProvHandlerOptionsError,
  createCertProvHandler,
  CsrError,
  generateCsr,
  GetAndPublishCertError,
  GetAndPublishCertRequestError,
  MemoryCertificateStore,
  parseCsr,
  parseGetAndPublishCertRequest,
  parseGetAndPublishCertResponse,
  requestCertificate,
} from '@ocauth/certprov';

const caught = async (f: () => unknown): Promise<unknown> => {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};

describe('CertProvError', () => {
  it('is the base of every error class, each with its own name and a code of the union', async () => {
    const ca = CertificateAuthority.create({ keySizeBits: 1024 });
    const store = new MemoryCertificateStore();
    store.failNext();
    const cases: Array<[unknown, new (...a: never[]) => CertProvError, string, string]> = [
      [await caught(() => parseCsr('not base64!')), CsrError, 'CsrError', 'ERR_CERTPROV_BASE64'],
      [
        await caught(() =>
          ca.issue({ publicKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, entity: 'a@b.c', deviceId: '{x}', validityHours: 0 }),
        ),
        CertificateAuthorityError,
        'CertificateAuthorityError',
        'ERR_CERTPROV_VALIDITY',
      ],
      [
        await caught(() =>
          store.publish(
            { entity: 'a@b.c', deviceId: '{x}', serialNumber: '01', der: new Uint8Array(1), notBefore: new Date(0), notAfter: new Date(1) },
            new Date(0),
          ),
        ),
        CertificateStoreError,
        'CertificateStoreError',
        'ERR_CERTPROV_STORE_UNAVAILABLE',
      ],
      [
        await caught(() => buildGetAndPublishCertRequest({ deviceId: 'x', entity: 'a@b.c', csr: new Uint8Array(1), requestId: 'r' })),
        GetAndPublishCertRequestError,
        'GetAndPublishCertRequestError',
        'ERR_CERTPROV_REQUEST_MALFORMED',
      ],
      [await caught(() => parseGetAndPublishCertResponse('<x/>')), GetAndPublishCertError, 'GetAndPublishCertError', 'ERR_CERTPROV_RESPONSE_MALFORMED'],
      [await caught(() => createCertProvHandler({} as never)), CertProvHandlerOptionsError, 'CertProvHandlerOptionsError', 'ERR_CERTPROV_HANDLER_OPTIONS'],
      [await caught(() => requestCertificate({ url: 'ftp://x', sipUri: 'a@b.c' })), CertificateRequestError, 'CertificateRequestError', 'ERR_CERTPROV_OPTIONS'],
    ];
    for (const [e, cls, name, code] of cases) {
      expect(e, name).toBeInstanceOf(cls);
      expect(e, name).toBeInstanceOf(CertProvError);
      expect([(e as Error).name, (e as CertProvError).code]).toEqual([name, code]);
    }
  });

  it('names the field at fault when there is one', async () => {
    const e = (await caught(() =>
      createCertProvHandler({
        ticketVerifier: { verify: async () => ({ sipUri: 'sip:a@b.c' }) },
        ca: CertificateAuthority.create({ keySizeBits: 1024 }),
        store: new MemoryCertificateStore(),
        maxBodyBytes: -1,
      }),
    )) as CertProvError;
    expect([e.code, e.field]).toEqual(['ERR_CERTPROV_HANDLER_OPTIONS', 'maxBodyBytes']);
  });

  it.each([
    ['malformed XML', '<GetAndPublishCert', 'ERR_XML_PARSE'],
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', 'ERR_XML_DOCTYPE'],
  ])('keeps the XmlParseError as the cause of %s (request and response parsers)', (_n, xml, xmlCode) => {
    for (const parse of [parseGetAndPublishCertRequest, parseGetAndPublishCertResponse]) {
      const e = (() => {
        try {
          parse(xml);
        } catch (x) {
          return x;
        }
        return undefined;
      })() as CertProvError;
      expect(e).toBeInstanceOf(CertProvError);
      expect(e.cause).toBeInstanceOf(XmlParseError);
      expect((e.cause as XmlParseError).code).toBe(xmlCode);
    }
  });

  it('keeps the spec ResponseCode apart from the code', () => {
    const xml =
      '<GetAndPublishCertResponse ResponseClass="Error" DeviceId="{x}" Entity="a@b.c" xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/"><ErrorInfo ResponseCode="InvalidEKU"/></GetAndPublishCertResponse>';
    const e = (() => {
      try {
        parseGetAndPublishCertResponse(xml);
      } catch (x) {
        return x;
      }
      return undefined;
    })() as GetAndPublishCertError;
    expect([e.code, e.responseCode, e.responseCodeInfo?.specSection]).toEqual(['ERR_CERTPROV_RESPONSE_ERROR', 'InvalidEKU', 'MS-OCAUTHWS 3.1.4.1.4.1']);
  });

  it('a CsrError from generateCsr is a CertProvError too', () => {
    expect(() => generateCsr({ sipUri: 'a@b.c', hash: 'md5' as never })).toThrow(expect.objectContaining({ code: 'ERR_CERTPROV_HASH', name: 'CsrError' }));
  });
});
