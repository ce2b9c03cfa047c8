// Certificate Provisioning Service handler — MS-OCAUTHWS 3.1.4.1: authenticate the request (web
// ticket + proof of possession via the injected verifier), enforce policy, issue, publish, answer.
// Errors are GetAndPublishCertResponse/ErrorInfo with a ResponseCode (3.1.4.1.4.1), never SOAP faults.
import type { CertificateAuthority } from './ca.js';
import { parseCsr } from './csr.js';
import { parseGetAndPublishCertRequest, type GetAndPublishCertRequest } from './request.js';
import { NS_AUTHWS, NS_ENROLLMENT, NS_WSSE, NS_WST } from './response.js';
import type { CertificateStore } from './store.js';

export interface CertProvTicketVerifier {
  verify(envelopeXml: string): Promise<{ sipUri: string }>;
}
export interface CertProvUserDirectory {
  findUser(sipUri: string): Promise<{ enabled: boolean } | undefined>;
}
export interface CertProvPolicy {
  minKeySizeBits?: number;
  maxKeySizeBits?: number;
  minValidityHours?: number;
  defaultValidityHours?: number;
  maxValidityHours?: number;
  /** 'clamp' (default) brings an out-of-range request into range; 'reject' answers InvalidCSR. */
  validityOutOfRange?: 'clamp' | 'reject';
}
export interface CertProvHandlerOptions {
  ticketVerifier: CertProvTicketVerifier;
  ca: CertificateAuthority;
  store: CertificateStore;
  policy?: CertProvPolicy;
  userDirectory?: CertProvUserDirectory;
  clock?: () => Date;
}

class PolicyError extends Error {
  constructor(readonly responseCode: string, message: string) {
    super(message);
  }
}
const GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/>/g, '&gt;');
const envelope = (body: string) =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Action s:mustUnderstand="1" xmlns="http://schemas.microsoft.com/ws/2005/05/addressing/none">http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCertResponse</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`;

function errorResponse(deviceId: string, entity: string, code: string, description: string): Response {
  const body = `<GetAndPublishCertResponse ResponseClass="Error" DeviceId="${esc(deviceId)}" Entity="${esc(entity)}" xmlns="${NS_AUTHWS}"><ErrorInfo ResponseCode="${code}"><Description>${esc(description)}</Description></ErrorInfo></GetAndPublishCertResponse>`;
  return new Response(envelope(body), { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
}

/** Validity requested through the MS-WCCE name-value pairs, in hours (undefined when absent). */
function requestedHours(pairs: Array<{ name: string; value: string }>): number | undefined {
  const get = (n: string) => pairs.find((p) => p.name.toLowerCase() === n.toLowerCase())?.value;
  const period = get('validityPeriod');
  const units = get('ValidityPeriodUnits');
  if (period === undefined && units === undefined) return undefined;
  const u = Number(units);
  const per = { hours: 1, days: 24, weeks: 168, months: 730, years: 8760 }[(period ?? '').toLowerCase()];
  if (!per || !Number.isInteger(u) || u <= 0) throw new PolicyError('InvalidCSR', `validityPeriod/ValidityPeriodUnits: expected a period (Hours/Days/Months) and positive units, received ${period}/${units}`);
  return u * per;
}

export function createCertProvHandler(o: CertProvHandlerOptions): (req: Request) => Promise<Response> {
  const p = { minKeySizeBits: 1024, maxKeySizeBits: 16384, minValidityHours: 8, defaultValidityHours: 4320, maxValidityHours: 8760, validityOutOfRange: 'clamp' as const, ...o.policy };
  const clock = o.clock ?? (() => new Date());
  return async (req: Request): Promise<Response> => {
    let parsed: GetAndPublishCertRequest | undefined;
    try {
      const xml = await req.text();
      try {
        parsed = parseGetAndPublishCertRequest(xml);
      } catch (e) {
        throw new PolicyError('RequestMalformed', (e as Error).message);
      }
      const r = parsed;
      let sipUri: string;
      try {
        ({ sipUri } = await o.ticketVerifier.verify(xml));
      } catch (e) {
        // Authentication failures are the verifier's to report (28032/28033/28034 faults + 401).
        const status = (e as { httpStatus?: number }).httpStatus ?? 401;
        return new Response(null, { status, headers: { 'x-ms-diagnostics': `${(e as { errorId?: number }).errorId ?? 28032};reason="${esc((e as Error).message).slice(0, 200)}"` } });
      }
      if (!GUID.test(r.deviceId)) throw new PolicyError('InvalidDeviceId', `DeviceId: expected a GUID in braces, received ${JSON.stringify(r.deviceId)}`);
      if (r.entity.toLowerCase() !== sipUri.replace(/^sip:/i, '').toLowerCase())
        throw new PolicyError('InvalidSipUri', `Entity: expected the ticket's SIP URI ${sipUri.replace(/^sip:/i, '')}, received ${r.entity}`);
      if (o.userDirectory) {
        const user = await o.userDirectory.findUser(`sip:${r.entity}`);
        if (!user) throw new PolicyError('UserImproperlyProvisioned', `Entity: expected a provisioned user, received ${r.entity}`);
        if (!user.enabled) throw new PolicyError('AccountDisabled', `Entity: the account of ${r.entity} is disabled`);
      }
      let csr;
      try {
        csr = parseCsr(r.csrDer);
      } catch (e) {
        throw new PolicyError('InvalidCSR', (e as Error).message);
      }
      if (!csr.signatureValid) throw new PolicyError('InvalidCSR', 'CSR: expected a valid self-signature, received one that does not verify');
      if (csr.publicKey.asymmetricKeyType !== 'rsa' || csr.keySizeBits === undefined || csr.keySizeBits < p.minKeySizeBits || csr.keySizeBits > p.maxKeySizeBits)
        throw new PolicyError('InvalidPublicKey', `CSR public key: expected RSA of ${p.minKeySizeBits}..${p.maxKeySizeBits} bits, received ${csr.publicKey.asymmetricKeyType} ${csr.keySizeBits ?? '?'} bits`);
      let hours = requestedHours(csr.nameValuePairs) ?? p.defaultValidityHours;
      if (hours < p.minValidityHours || hours > p.maxValidityHours) {
        if (p.validityOutOfRange === 'reject') throw new PolicyError('InvalidCSR', `validity: expected ${p.minValidityHours}..${p.maxValidityHours} hours, received ${hours}`);
        hours = Math.min(Math.max(hours, p.minValidityHours), p.maxValidityHours);
      }
      const now = clock();
      const cert = o.ca.issue({ publicKey: csr.spkiDer, entity: r.entity, deviceId: r.deviceId, validityHours: hours, notBefore: now });
      try {
        await o.store.publish({ entity: r.entity, deviceId: r.deviceId, serialNumber: cert.serialNumber, der: cert.der, notBefore: now, notAfter: new Date(now.getTime() + hours * 3_600_000) }, now);
      } catch {
        throw new PolicyError('DataStoreUnavailable', 'certificate store: the certificate could not be published; nothing was issued');
      }
      const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
      const body =
        `<GetAndPublishCertResponse ResponseClass="Success" DeviceId="${esc(r.deviceId)}" Entity="${esc(r.entity)}" xmlns="${NS_AUTHWS}">` +
        `<RequestSecurityTokenResponse xmlns="${NS_WST}"><TokenType>http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3</TokenType>` +
        `<DispositionMessage xml:lang="en-US" xmlns="${NS_ENROLLMENT}">Issued</DispositionMessage>` +
        `<BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" ValueType="http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10" xmlns="${NS_WSSE}">${b64(r.csrDer)}</BinarySecurityToken>` +
        `<RequestedSecurityToken><BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" xmlns="${NS_WSSE}">${b64(cert.der)}</BinarySecurityToken></RequestedSecurityToken>` +
        `<RequestID xmlns="${NS_ENROLLMENT}">${esc(r.requestId)}</RequestID></RequestSecurityTokenResponse></GetAndPublishCertResponse>`;
      return new Response(envelope(body), { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
    } catch (e) {
      if (e instanceof PolicyError) return errorResponse(parsed?.deviceId ?? '', parsed?.entity ?? '', e.responseCode, e.message);
      return errorResponse(parsed?.deviceId ?? '', parsed?.entity ?? '', 'InternalError', 'internal error');
    }
  };
}
