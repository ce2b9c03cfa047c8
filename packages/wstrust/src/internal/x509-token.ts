// MS-OCAUTHWS 3.2.4.1 Cert binding: X.509 endorsing token (BinarySecurityToken) signing Timestamp, To and Body, and its verification.
import { NS } from '@ocauth/diagnostics';
import { createHash, createPrivateKey, createSign, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { excC14n } from './c14n.js';
import { SecurityError } from './errors.js';
import { parseEnvelope, type ParsedEnvelope } from './messages.js';
import { URI } from './ns.js';
import { digestReference, insertSecurity, isoUtc, verifyMessage, type KeyReference, type VerifiedMessage } from './security.js';
import { attr, children, serialize, type XElement, type XNode } from './xml.js';

export interface SignWithCertificateOptions {
  envelope: string;
  certificate: X509Certificate | string;
  privateKey: KeyObject | string;
  now?: Date;
  ttlSeconds?: number;
  /** Basic256 of the 6.2 Cert policy: rsa-sha1 + sha1 (default); rsa-sha256 + sha256 also accepted. */
  algorithm?: 'rsa-sha1' | 'rsa-sha256';
  uuid?: () => string;
  /** Also sign the soap:Body (default true; the 6.2 policy names only To, the reference server requires the Body). */
  signBody?: boolean;
}

/**
 * WS-Security X.509 endorsing token (MS-OCAUTHWS 6.2 WebTicketServiceCert_policy): BinarySecurityToken
 * (X509v3), Timestamp, and an RSA signature over the Timestamp and the wsa:To header, KeyInfo a
 * SecurityTokenReference to the token.
 *
 * @throws {SecurityError} ERR_WSTRUST_SIGN_OPTIONS when the envelope has no wsa:To to sign
 * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when the envelope is not a SOAP envelope
 */
export function signWithCertificate(opts: SignWithCertificateOptions): string {
  const cert = typeof opts.certificate === 'string' ? new X509Certificate(opts.certificate) : opts.certificate;
  const key = typeof opts.privateKey === 'string' ? createPrivateKey(opts.privateKey) : opts.privateKey;
  const now = opts.now ?? new Date();
  const exp = new Date(now.getTime() + (opts.ttlSeconds ?? 300) * 1000);
  const alg = opts.algorithm ?? 'rsa-sha1';
  const dAlg = alg === 'rsa-sha1' ? 'sha1' : 'sha256';
  const bstId = `uuid-${(opts.uuid ?? randomUUID)()}-1`;
  // Give wsa:To a wsu:Id so it can be signed.
  const env = parseEnvelope(opts.envelope);
  const to = env.header ? children(env.header, NS.wsa10, 'To')[0] : undefined;
  if (!to) throw new SecurityError('ERR_WSTRUST_SIGN_OPTIONS', 'envelope: expected a wsa:To header to sign (Cert policy SignedParts), received none');
  to.setAttributeNS(NS.wsu, 'u:Id', '_1');
  // The Body (the RST with the client's Entropy) is signed too, so a captured request cannot carry
  // another Body (issue 16 item 3; the reference server requires it on the Cert binding).
  const signBody = opts.signBody !== false;
  if (signBody && !attr(env.body, 'Id', NS.wsu)) env.body.setAttributeNS(NS.wsu, 'u:Id', '_2');
  const bodyId = signBody ? attr(env.body, 'Id', NS.wsu)! : '';
  const withId = serialize(env.doc as unknown as XNode);
  const reparsed = parseEnvelope(withId);
  const toC = excC14n(reparsed.header ? children(reparsed.header, NS.wsa10, 'To')[0]! : to);
  const bodyC = signBody ? excC14n(reparsed.body) : '';
  const ts = `<u:Timestamp xmlns:u="${NS.wsu}" u:Id="_0"><u:Created>${isoUtc(now)}</u:Created><u:Expires>${isoUtc(exp)}</u:Expires></u:Timestamp>`;
  const ref = (id: string, c: string) => digestReference(id, c, dAlg);
  const siInner = `<CanonicalizationMethod Algorithm="${URI.excC14n}"></CanonicalizationMethod><SignatureMethod Algorithm="${alg === 'rsa-sha1' ? URI.rsaSha1 : URI.rsaSha256}"></SignatureMethod>${ref('_0', ts)}${ref('_1', toC)}${signBody ? ref(bodyId, bodyC) : ''}`;
  const sv = createSign(alg === 'rsa-sha1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(`<SignedInfo xmlns="${NS.ds}">${siInner}</SignedInfo>`)
    .sign(key, 'base64');
  const bst = `<o:BinarySecurityToken xmlns:o="${NS.wsse}" xmlns:u="${NS.wsu}" u:Id="${bstId}" ValueType="${URI.x509v3}" EncodingType="${URI.base64Binary}">${cert.raw.toString('base64')}</o:BinarySecurityToken>`;
  const sig = `<Signature xmlns="${NS.ds}"><SignedInfo>${siInner}</SignedInfo><SignatureValue>${sv}</SignatureValue><KeyInfo><o:SecurityTokenReference xmlns:o="${NS.wsse}"><o:Reference URI="#${bstId}" ValueType="${URI.x509v3}"/></o:SecurityTokenReference></KeyInfo></Signature>`;
  return insertSecurity(withId, ts + bst + sig);
}

export interface VerifiedCertificateMessage extends VerifiedMessage {
  certificate: X509Certificate;
}

/**
 * Verify an X.509-endorsed message (Cert binding): RSA signature by the BinarySecurityToken's certificate over Timestamp and To.
 *
 * @throws {SecurityError} ERR_WSTRUST_KEY_REFERENCE, ERR_WSTRUST_CERTIFICATE_INVALID, ERR_WSTRUST_REFERENCE_MISSING and the codes of verifyMessage when the X.509 token does not sign Timestamp, To and Body
 * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when the input is not a SOAP envelope
 */
export function verifyCertificateMessage(input: string | ParsedEnvelope, opts: { now?: Date; skewSeconds?: number } = {}): VerifiedCertificateMessage {
  let certificate: X509Certificate | undefined;
  const v = verifyMessage(input as string, {
    ...opts,
    resolveKey: () => {
      throw new SecurityError('ERR_WSTRUST_KEY_REFERENCE', 'ds:SignatureMethod: expected an RSA signature by the X.509 token, received an HMAC signature');
    },
    resolvePublicKey: (ki: XElement, security: XElement) => {
      const str = children(ki, NS.wsse, 'SecurityTokenReference')[0];
      const r = str && children(str, NS.wsse, 'Reference')[0];
      const kid = str && children(str, NS.wsse, 'KeyIdentifier')[0];
      const bsts = children(security, NS.wsse, 'BinarySecurityToken').filter((b) => attr(b, 'ValueType') === URI.x509v3);
      let bst: XElement | undefined;
      if (r) bst = bsts.find((b) => `#${attr(b, 'Id', NS.wsu)}` === attr(r, 'URI'));
      else if (kid && attr(kid, 'ValueType') === URI.thumbprintSha1ValueType) {
        bst = bsts.find(
          (b) =>
            createHash('sha1')
              .update(Buffer.from((b.textContent ?? '').replace(/\s+/g, ''), 'base64'))
              .digest('base64') === (kid.textContent ?? '').trim(),
        );
      }
      if (!bst)
        throw new SecurityError(
          'ERR_WSTRUST_KEY_REFERENCE',
          'ds:KeyInfo/wsse:SecurityTokenReference: expected a reference to an X509v3 wsse:BinarySecurityToken of this wsse:Security header, received none that resolves',
          { errorId: 28013 },
        );
      try {
        certificate = new X509Certificate(Buffer.from((bst.textContent ?? '').replace(/\s+/g, ''), 'base64'));
      } catch {
        throw new SecurityError(
          'ERR_WSTRUST_CERTIFICATE_INVALID',
          'wsse:BinarySecurityToken: expected a DER X.509 certificate, received bytes that do not parse',
          { errorId: 28012 },
        );
      }
      const reference: KeyReference = { keyIdentifier: attr(bst, 'Id', NS.wsu) ?? '', valueType: URI.x509v3, token: bst };
      return { key: certificate.publicKey, reference };
    },
  });
  const to = v.envelope.header ? children(v.envelope.header, NS.wsa10, 'To') : [];
  if (to.length !== 1 || !v.signedElements.includes(to[0]!))
    throw new SecurityError(
      'ERR_WSTRUST_REFERENCE_MISSING',
      'ds:SignedInfo: expected a Reference covering the wsa:To header (Cert policy SignedParts), received none',
    );
  return { ...v, certificate: certificate! };
}
