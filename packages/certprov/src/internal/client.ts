// GetAndPublishCert client — MS-OCAUTHWS 3.1.4.1 and the client side of 1.3.2: generate a key pair and
// a PKCS#10 request for the user's SIP URI, send it with the web ticket and the proof-of-possession
// signature (@ocauth/wstrust), and return a certificate + private key ready for TLS client auth.
import { createPublicKey, randomUUID, type KeyObject, X509Certificate } from 'node:crypto';
import { certificateSubjectKeyIdentifier as subjectKeyIdentifier, NS, parseMsDiagnostics, transportError, withTransportErrors } from '@ocauth/diagnostics';
import { discoverFromResponse, signMessage, type WebTicket, type WebTicketClient } from '@ocauth/wstrust';
import { generateCsr, pemArmour, type CsrHash, type ValidityPeriod } from './csr.js';
import { ACTION_GET_AND_PUBLISH_CERT } from './uris.js';
import { buildGetAndPublishCertRequest, esc } from './request.js';
import { CertificateRequestError, GetAndPublishCertError } from './errors.js';
import { parseGetAndPublishCertResponse } from './response.js';

export interface RequestCertificateOptions {
  /** Certificate Provisioning Service URL (…/CertProv/CertProvisioningService.svc). */
  url: string;
  /** The user's SIP URI (with or without `sip:`): subject CN and Entity. */
  sipUri: string;
  /**
   * Where the web ticket comes from. A WebTicketClient discovers the Web Ticket Service from the
   * service's 401 (or `webTicketUrl`), caches the ticket and signs the request; a ticket signs directly.
   */
  webTicketClient?: WebTicketClient;
  ticket?: WebTicket;
  /** Web Ticket Service URL (skips 401 discovery when using a WebTicketClient). */
  webTicketUrl?: string;
  /** DeviceId GUID with braces (default: a fresh random one, upper case as Lync sends). */
  deviceId?: string;
  /** RSA modulus size (default 2048, what Lync 2013 uses). */
  keySizeBits?: number;
  /** CSR signature hash (default sha256; sha1 for old servers). */
  hash?: CsrHash;
  /** Requested validity (MS-WCCE name-value pairs), e.g. { period: 'Months', units: 6 }. */
  validity?: { period: ValidityPeriod; units: number };
  /**
   * Extended key usages to request in the CSR (PKCS#9 extensionRequest), e.g. [clientAuth] as the
   * spec example CSR does; omitted: none (the service applies clientAuth). A list without clientAuth
   * is answered InvalidEKU.
   */
  extendedKeyUsage?: string[];
  /** Use this key pair instead of generating one. */
  keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
  requestId?: string;
  fetch?: typeof fetch;
  /**
   * Deadline for the exchange (web ticket, request, response body), in milliseconds; default 60000.
   * Past it the call fails with ERR_CERTPROV_TIMEOUT (and the direct fetch is aborted).
   */
  timeoutMs?: number;
  /** Aborts the exchange (fails with ERR_CERTPROV_ABORTED). */
  signal?: AbortSignal;
  clock?: () => Date;
}

export interface ProvisionedCertificate {
  certificate: X509Certificate;
  certificateDer: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  /** PKCS#8 PEM of the private key (for `tls.connect({ key })`). Keep it secret. */
  privateKeyPem: string;
  deviceId: string;
  entity: string;
  requestId: string;
  dispositionMessage: string | undefined;
  /** Issuer chain from the response's PKCS#7 token (without the leaf), when the server sent one. */
  chain: X509Certificate[];
  /** PEM of `chain`, concatenated (for `tls.connect({ cert: certificatePem + chainPem })`). */
  chainPem: string;
}

/**
 * GetAndPublishCert end to end (MS-OCAUTHWS 3.1.4.1): returns the issued certificate and its private key, checked.
 * @throws {CertificateRequestError} ERR_CERTPROV_OPTIONS for unusable options (url, no ticket source, timeoutMs);
 * ERR_CERTPROV_TIMEOUT / ERR_CERTPROV_ABORTED past the deadline or on abort; ERR_CERTPROV_HTTP for an answer other
 * than HTTP 200 (`httpStatus`, `errorId`, `reason` from X-Ms-diagnostics); ERR_CERTPROV_CERTIFICATE_MISMATCH when
 * the certificate or the echoed DeviceId, Entity, RequestID or PKCS#10 are not what was asked for.
 * @throws {GetAndPublishCertError} ERR_CERTPROV_RESPONSE_ERROR when the service answers ErrorInfo (`responseCode`);
 * ERR_CERTPROV_RESPONSE_MALFORMED when the answer is not a usable GetAndPublishCertResponse.
 * @throws {CsrError} ERR_CERTPROV_KEY_SIZE, _HASH, _SIP_URI, _VALIDITY, _EKU for CSR options `generateCsr` refuses;
 * ERR_CERTPROV_BASE64 for a response token that is not base64.
 * @throws {GetAndPublishCertRequestError} ERR_CERTPROV_REQUEST_MALFORMED for a `deviceId` that is not a braced GUID.
 * @throws {TransportError} (@ocauth/diagnostics) ERR_TRANSPORT_TLS_* when the service's TLS certificate is not trusted, ERR_TRANSPORT when
 *   the connection fails otherwise (refused, DNS);
 * errors of the `webTicketClient` (@ocauth/wstrust) pass through.
 */
export async function requestCertificate(o: RequestCertificateOptions): Promise<ProvisionedCertificate> {
  if (!o || typeof o.url !== 'string' || !/^https?:\/\//i.test(o.url))
    throw new CertificateRequestError('ERR_CERTPROV_OPTIONS', `url: expected an http(s) URL, received ${JSON.stringify(o?.url)}`);
  if (!o.webTicketClient && !o.ticket) throw new CertificateRequestError('ERR_CERTPROV_OPTIONS', 'webTicketClient or ticket: expected one, received neither');
  const entity = String(o.sipUri ?? '').replace(/^sip:/i, '');
  const deviceId = o.deviceId ?? `{${randomUUID().toUpperCase()}}`;
  const requestId = o.requestId ?? randomUUID();
  const csr = generateCsr({
    sipUri: entity,
    ...(o.keySizeBits ? { keySizeBits: o.keySizeBits } : {}),
    ...(o.hash ? { hash: o.hash } : {}),
    ...(o.validity ? { validity: o.validity } : {}),
    ...(o.keyPair ? { keyPair: o.keyPair } : {}),
    ...(o.extendedKeyUsage ? { extendedKeyUsage: o.extendedKeyUsage } : {}),
  });
  const body = buildGetAndPublishCertRequest({ deviceId, entity, csr: csr.der, requestId });
  // MS-OCAUTHWS 4.1.1: To and Action headers of the addressing/none namespace.
  const envelope =
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>` +
    `<To s:mustUnderstand="1" xmlns="${NS.wsaNone}">${esc(o.url)}</To><Action s:mustUnderstand="1" xmlns="${NS.wsaNone}">${ACTION_GET_AND_PUBLISH_CERT}</Action>` +
    `</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
  const timeoutMs = o.timeoutMs ?? 60_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new CertificateRequestError('ERR_CERTPROV_OPTIONS', `timeoutMs: expected a positive number, received ${String(o.timeoutMs)}`);
  if (o.signal?.aborted) throw new CertificateRequestError('ERR_CERTPROV_ABORTED', 'GetAndPublishCert: aborted by the caller before sending');
  const ctl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => ctl.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  // One deadline over the whole exchange, body included; the WebTicketClient path cannot take a
  // signal, so the race also covers it.
  const stop = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(
        o.signal?.aborted
          ? new CertificateRequestError('ERR_CERTPROV_ABORTED', 'GetAndPublishCert: aborted by the caller')
          : new CertificateRequestError('ERR_CERTPROV_TIMEOUT', `GetAndPublishCert: expected a response within ${timeoutMs} ms, received none in time`),
      );
    ctl.signal.addEventListener('abort', fail, { once: true });
    timer = setTimeout(() => ctl.abort(), timeoutMs);
  });
  let res: Response;
  let text: string;
  try {
    const exchange = async () => {
      const sendSigned = async (t: WebTicket) => {
        const signed = signMessage({
          envelope,
          proofKey: t.proofKey,
          assertionId: t.assertionId,
          token: t.assertionXml,
          ...(o.clock ? { now: o.clock() } : {}),
        });
        try {
          return await withTransportErrors(o.fetch ?? fetch, 'requestCertificate')(o.url, {
            method: 'POST',
            headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` },
            body: signed,
            signal: ctl.signal,
          });
        } catch (e) {
          // A refused connection or a DNS failure: a TransportError ERR_TRANSPORT naming the URL, not `fetch failed`.
          throw transportError(e, o.url, 'requestCertificate') ?? e;
        }
      };
      if (o.webTicketClient) {
        res = await o.webTicketClient.callService(o.url, envelope, {
          soapAction: ACTION_GET_AND_PUBLISH_CERT,
          ...(o.webTicketUrl ? { webTicketUrl: o.webTicketUrl } : {}),
        });
        // A cached ticket the service no longer accepts (expired by its clock, pool key rotated, ...):
        // one more try with a freshly issued ticket (3.2.4.1.3.4: ask the Web Ticket Service again).
        const wt = res.status === 401 ? (o.webTicketUrl ?? discoverFromResponse(res)) : undefined;
        if (wt) {
          await res.arrayBuffer();
          res = await sendSigned(await o.webTicketClient.requestTicket(o.url, wt));
        }
      } else {
        res = await sendSigned(o.ticket!);
      }
      text = await res.text();
    };
    await Promise.race([exchange(), stop]);
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
  res = res!;
  text = text!;
  if (res.status !== 200) {
    const diag = parseMsDiagnostics(res.headers.get('x-ms-diagnostics') ?? '');
    const d = diag.ok ? diag.value : undefined;
    throw new CertificateRequestError(
      'ERR_CERTPROV_HTTP',
      `GetAndPublishCert: expected HTTP 200, received ${res.status}${d ? ` with X-Ms-diagnostics ErrorId ${d.errorId}${d.reason ? ` (${d.reason})` : ''}` : ''}`,
      {
        httpStatus: res.status,
        ...(d ? { errorId: d.errorId } : {}),
        ...(d?.reason ? { reason: d.reason } : {}),
      },
    );
  }
  const r = parseGetAndPublishCertResponse(text); // ErrorInfo → GetAndPublishCertError with responseCode
  const mismatch = (what: string) => new CertificateRequestError('ERR_CERTPROV_CERTIFICATE_MISMATCH', what);
  if (r.deviceId && r.deviceId.toLowerCase() !== deviceId.toLowerCase()) throw mismatch(`response DeviceId: expected ${deviceId}, received ${r.deviceId}`);
  if (r.entity && r.entity.toLowerCase() !== entity.toLowerCase()) throw mismatch(`response Entity: expected ${entity}, received ${r.entity}`);
  // wstep:RequestID and the echoed PKCS#10 (4.1.2) must be ours when the server sends them.
  if (r.requestId !== undefined && r.requestId !== '' && r.requestId !== requestId)
    throw mismatch(`response RequestID: expected ${requestId}, received ${r.requestId.slice(0, 100)}`);
  if (r.csrDer !== undefined && !Buffer.from(r.csrDer).equals(Buffer.from(csr.der)))
    throw mismatch('response PKCS#10 BinarySecurityToken: expected the echo of our certificate request, received another request');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(r.certificateDer);
  } catch (e) {
    throw new GetAndPublishCertError(
      'ERR_CERTPROV_RESPONSE_MALFORMED',
      `RequestedSecurityToken: expected an X.509 certificate, received bytes that do not parse (${(e as Error).message})`,
      { field: 'RequestedSecurityToken', cause: e },
    );
  }
  const certSpki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const ourSpki = createPublicKey(csr.privateKey).export({ type: 'spki', format: 'der' });
  if (!certSpki.equals(ourSpki)) throw mismatch('certificate public key: expected the key of our CSR, received another key');
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  if (cn === undefined || cn.replace(/^sip:/i, '').toLowerCase() !== entity.toLowerCase())
    throw mismatch(`certificate subject CN: expected ${entity}, received ${cn ?? '(none)'}`);
  const ski = subjectKeyIdentifier(r.certificateDer);
  if (
    ski &&
    Buffer.from(ski).toString('latin1').toLowerCase() !== deviceId.toLowerCase() &&
    Buffer.from(ski).toString('latin1').toLowerCase() !== deviceId.replace(/[{}]/g, '').toLowerCase()
  ) {
    // MS-OCAUTHWS 4.1.2: the SKI carries the DeviceId in ASCII. A CA that uses a key hash instead is tolerated only if it is not text at all.
    if (/^[\x20-\x7e]+$/.test(Buffer.from(ski).toString('latin1')))
      throw mismatch(`certificate SubjectKeyIdentifier: expected the DeviceId ${deviceId}, received ${Buffer.from(ski).toString('latin1')}`);
  }
  const chain = r.chainDer.filter((d) => !Buffer.from(d).equals(Buffer.from(r.certificateDer))).map((d) => new X509Certificate(d));
  if (chain.length > 0 && !chain.some((c) => cert.checkIssued(c) && cert.verify(c.publicKey)))
    throw mismatch(
      `certificate chain: expected the issuer of ${cert.subject.replace(/\n/g, ', ')} among the PKCS#7 certificates, received ${chain.map((c) => c.subject.replace(/\n/g, ', ')).join('; ')}`,
    );
  const now = o.clock?.() ?? new Date();
  if (new Date(cert.validTo).getTime() <= now.getTime())
    throw mismatch(`certificate validity: expected a certificate valid after ${now.toISOString()}, received one that expired ${cert.validTo}`);
  return {
    certificate: cert,
    certificateDer: r.certificateDer,
    certificatePem: pemArmour(r.certificateDer, 'CERTIFICATE'),
    privateKey: csr.privateKey,
    privateKeyPem: csr.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    deviceId,
    entity,
    requestId,
    dispositionMessage: r.dispositionMessage,
    chain,
    chainPem: chain.map((c) => pemArmour(new Uint8Array(c.raw), 'CERTIFICATE')).join(''),
  };
}
