// Certificate Provisioning Service handler — MS-OCAUTHWS 3.1.4.1: authenticate the request (web
// ticket + proof of possession via the injected verifier), enforce policy, issue, publish, answer.
// Errors are GetAndPublishCertResponse/ErrorInfo with a ResponseCode (3.1.4.1.4.1), never SOAP faults.
import { X509Certificate } from 'node:crypto';
import type { CertificateAuthority } from './ca.js';
import { OID_ANY_EXTENDED_KEY_USAGE, OID_KP_CLIENT_AUTH, parseCsr, rsaPublicKeyProblem } from './csr.js';
import { ACTION_GET_AND_PUBLISH_CERT, esc, parseGetAndPublishCertRequest, type GetAndPublishCertRequest } from './request.js';
import { NS_AUTHWS, NS_ENROLLMENT, NS_WSSE, NS_WST, VALUE_TYPE_PKCS7 } from './response.js';
import type { CertificateStore } from './store.js';
import {
  buildGetAndPublishCertErrorResponse, buildOcsDiagnosticsFault, formatMsDiagnostics, toDiagnosticsText, webTicketDiagnostics, webTicketError, type GetAndPublishCertResponseCode,
} from '@ocauth/diagnostics';

export interface CertProvTicketVerifier {
  verify(envelopeXml: string): Promise<{ sipUri: string }>;
}
/**
 * Verifies a ticket presented in an HTTP header (`X-MS-WebTicket: cwt=…` or `Authorization: Bearer cwt=…`,
 * the compact web tickets of the Lync 2013 / Skype for Business clients); resolves with its SIP URI or
 * throws (an `errorId` 28032/28033/28034 on the error is reported as such).
 */
export interface CertProvHeaderTicketVerifier {
  verifyHeader(value: string): Promise<{ sipUri: string }>;
}
export interface CertProvUserDirectory {
  /** The user (its canonical `sipUri`, when known, names the certificate's subject). */
  findUser(sipUri: string): Promise<{ enabled: boolean; sipUri?: string } | undefined>;
}
export interface CertProvPolicy {
  minKeySizeBits?: number;
  maxKeySizeBits?: number;
  minValidityHours?: number;
  defaultValidityHours?: number;
  maxValidityHours?: number;
  /** 'clamp' (default) brings an out-of-range request into range; 'reject' answers InvalidValidityPeriod. */
  validityOutOfRange?: 'clamp' | 'reject';
}
export interface CertProvHandlerOptions {
  ticketVerifier: CertProvTicketVerifier;
  ca: CertificateAuthority;
  store: CertificateStore;
  policy?: CertProvPolicy;
  userDirectory?: CertProvUserDirectory;
  clock?: () => Date;
  /**
   * The Web Ticket Service URL advertised in `X-MS-WebTicketURL` when a request carries no (valid)
   * ticket, so clients can discover where to get one (MS-OCAUTHWS 3.2).
   */
  webTicketUrl?: string;
  /**
   * Accept a ticket in an HTTP header instead of the SOAP Security header (README "Header tickets"):
   * without it only the signed SAML ticket of MS-OCAUTHWS 3.1.4.1 authenticates a request. When a request
   * carries `X-MS-WebTicket` or `Authorization: Bearer cwt=…`, that header alone authenticates it.
   */
  headerTicketVerifier?: CertProvHeaderTicketVerifier;
  /**
   * Longest wait for the store's publish (default 15000 ms); past it the answer is DataStoreUnavailable
   * and a publish that completes later is revoked.
   */
  storeTimeoutMs?: number;
  /** Largest accepted request body in bytes (default 1 MiB); larger requests get HTTP 413. */
  maxBodyBytes?: number;
  /** FQDN reported as `source` in X-Ms-diagnostics. */
  serverFqdn?: string;
  /** Called with unexpected errors (answered as InternalError); never receives keys or tickets. */
  onError?: (error: unknown) => void;
  /**
   * Send the chain: a PKCS#7 certs-only SignedData BinarySecurityToken (ValueType …#PKCS7) in the RSTR
   * holding the issued certificate, the CA's `chain` (issuing CA up to its root, see
   * `CertificateAuthority.create({ issuer })` / `load(…, { chain })`) and these further certificates
   * (duplicates dropped), so clients can build the path without fetching it. Default: not sent (as the
   * 4.1.2 example).
   */
  chain?: { include: boolean; certificates?: ReadonlyArray<X509Certificate | string | Uint8Array> };
}

/** DER TLV with a definite length. */
function derTlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}
// RFC 2315 degenerate SignedData ("certs-only"): ContentInfo { signedData, [0] SignedData { version 1,
// digestAlgorithms {}, contentInfo { data }, certificates [0] IMPLICIT the DERs as given, signerInfos {} } }.
// Encoded directly: the certificates keep their exact bytes (parsing and re-encoding each one through
// node-forge cost ~1 ms per response); openssl pkcs7 -print_certs reads it in the handler tests.
const OID_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');
const SIGNED_DATA_HEAD = Buffer.from('020101' + '3100' + '300b06092a864886f70d010701', 'hex');
function pkcs7CertsOnly(ders: Uint8Array[]): Uint8Array {
  const signedData = derTlv(0x30, Buffer.concat([SIGNED_DATA_HEAD, derTlv(0xa0, Buffer.concat(ders)), Buffer.from('3100', 'hex')]));
  return new Uint8Array(derTlv(0x30, Buffer.concat([OID_SIGNED_DATA, derTlv(0xa0, signedData)])));
}

/** A refusal answered with ErrorInfo; codes are the @ocauth/diagnostics catalog's (3.1.4.1.4.1). */
class PolicyError extends Error {
  constructor(readonly responseCode: Exclude<GetAndPublishCertResponseCode, 'NoError'>, message: string) {
    super(message);
  }
}
/**
 * MS-OCAUTHWS 3.1.4.1.5.1: "DeviceId MUST be convertible to a GUID". Accepts the .NET Guid.Parse
 * forms B `{…}` (what Lync and SIPE send), D (hyphenated), N (32 digits) and P `(…)`; returns the
 * canonical B form in upper case (the device key of the store), or undefined.
 */
export function canonicalDeviceId(s: string): string | undefined {
  const m = /^(?:\{([0-9A-Fa-f-]{36})\}|\(([0-9A-Fa-f-]{36})\)|([0-9A-Fa-f-]{36})|([0-9A-Fa-f]{32}))$/.exec(s.trim());
  if (!m) return undefined;
  const d = m[1] ?? m[2] ?? m[3];
  const hex = d !== undefined ? (/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(d) ? d.replace(/-/g, '') : undefined) : m[4];
  if (hex === undefined) return undefined;
  const u = hex.toUpperCase();
  return `{${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}}`;
}
const RESPONSE_ACTION = 'http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCertResponse';
type SoapVersion = '1.1' | '1.2';
// MS-OCAUTHWS 2.1 binds SOAP 1.1 (4.1.2 example); a SOAP 1.2 request is answered in SOAP 1.2.
const envelope = (body: string, v: SoapVersion) =>
  `<s:Envelope xmlns:s="${v === '1.2' ? 'http://www.w3.org/2003/05/soap-envelope' : 'http://schemas.xmlsoap.org/soap/envelope/'}"><s:Header><Action s:mustUnderstand="1" xmlns="http://schemas.microsoft.com/ws/2005/05/addressing/none">${RESPONSE_ACTION}</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
const soapResponse = (body: string, v: SoapVersion) =>
  new Response(envelope(body, v), { status: 200, headers: { 'content-type': v === '1.2' ? `application/soap+xml; charset=utf-8; action="${RESPONSE_ACTION}"` : 'text/xml; charset=utf-8' } });

// MS-OCAUTHWS 3.1.4.1: "If an error occurs during processing, an error response MUST be sent using the
// ErrorInfo element in GetAndPublishCertResponse ... SOAP faults SHOULD NOT be used."
function errorResponse(deviceId: string, entity: string, code: GetAndPublishCertResponseCode, description: string, v: SoapVersion): Response {
  const body = buildGetAndPublishCertErrorResponse({ deviceId: toDiagnosticsText(deviceId, 64).replace(/^-$/, ''), entity: toDiagnosticsText(entity, 256).replace(/^-$/, ''), responseCode: code, description: toDiagnosticsText(description, 512) });
  return soapResponse(body, v);
}

/** The SOAP action of the request: SOAP 1.1 SOAPAction header or the SOAP 1.2 content-type action parameter. */
function requestAction(req: Request): string | undefined {
  const h = req.headers.get('soapaction');
  if (h !== null) return h.trim().replace(/^"(.*)"$/, '$1');
  const m = /;\s*action\s*=\s*"?([^";]*)"?/i.exec(req.headers.get('content-type') ?? '');
  return m?.[1];
}

async function readBody(req: Request, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Validity requested through the MS-WCCE name-value pairs, in hours (undefined when absent). */
function requestedHours(pairs: Array<{ name: string; value: string }>): number | undefined {
  const get = (n: string) => pairs.find((p) => p.name.toLowerCase() === n.toLowerCase())?.value;
  const period = get('validityPeriod');
  const units = get('ValidityPeriodUnits');
  if (period === undefined && units === undefined) return undefined;
  const u = Number(units);
  // A month is 30 days: Lync asks for 6 Months and the default is 180 days = 4320 hours (field notes).
  const per = { hours: 1, days: 24, weeks: 168, months: 720, years: 8760 }[(period ?? '').toLowerCase()];
  if (!per || !Number.isInteger(u) || u <= 0) throw new PolicyError('InvalidValidityPeriod', `validityPeriod/ValidityPeriodUnits: expected a period (Hours/Days/Months) and positive units, received ${period}/${units}`);
  return u * per;
}

/** A handler configuration that cannot work (thrown by createCertProvHandler, never per request). */
export class CertProvHandlerOptionsError extends Error {
  readonly code = 'ERR_CERTPROV_HANDLER_OPTIONS';
  constructor(message: string) {
    super(message);
    this.name = 'CertProvHandlerOptionsError';
  }
}

function checkOptions(o: CertProvHandlerOptions, p: Required<CertProvPolicy>): void {
  const fail = (m: string): never => { throw new CertProvHandlerOptionsError(m); };
  if (!o || typeof o !== 'object') fail(`options: expected an object, received ${o === null ? 'null' : typeof o}`);
  if (typeof o.ticketVerifier?.verify !== 'function') fail('ticketVerifier: expected an object with verify(envelopeXml), received none');
  if (typeof o.ca?.issue !== 'function') fail('ca: expected a CertificateAuthority, received none');
  if (typeof o.store?.publish !== 'function') fail('store: expected a CertificateStore, received none');
  for (const k of ['minKeySizeBits', 'maxKeySizeBits', 'minValidityHours', 'defaultValidityHours', 'maxValidityHours'] as const) {
    if (!Number.isInteger(p[k]) || p[k] <= 0) fail(`policy.${k}: expected a positive integer, received ${String(p[k])}`);
  }
  if (p.minKeySizeBits > p.maxKeySizeBits) fail(`policy.minKeySizeBits: expected at most maxKeySizeBits ${p.maxKeySizeBits}, received ${p.minKeySizeBits}`);
  if (!(p.minValidityHours <= p.defaultValidityHours && p.defaultValidityHours <= p.maxValidityHours))
    fail(`policy validity hours: expected min <= default <= max, received ${p.minValidityHours} / ${p.defaultValidityHours} / ${p.maxValidityHours}`);
  if (p.validityOutOfRange !== 'clamp' && p.validityOutOfRange !== 'reject') fail(`policy.validityOutOfRange: expected 'clamp' or 'reject', received ${JSON.stringify(p.validityOutOfRange)}`);
  if (o.storeTimeoutMs !== undefined && (!Number.isFinite(o.storeTimeoutMs) || o.storeTimeoutMs <= 0)) fail(`storeTimeoutMs: expected a positive number, received ${String(o.storeTimeoutMs)}`);
  if (o.maxBodyBytes !== undefined && (!Number.isInteger(o.maxBodyBytes) || o.maxBodyBytes <= 0)) fail(`maxBodyBytes: expected a positive integer, received ${String(o.maxBodyBytes)}`);
}

/** The header ticket of a request: X-MS-WebTicket, else an Authorization `Bearer cwt=…` value. */
function headerTicketOf(req: Request): string | undefined {
  const x = req.headers.get('x-ms-webticket');
  if (x !== null && x.trim() !== '') return x;
  const a = req.headers.get('authorization');
  return a !== null && /^\s*bearer\s+cwt\s*=/i.test(a) ? a : undefined;
}

export function createCertProvHandler(o: CertProvHandlerOptions): (req: Request) => Promise<Response> {
  const p: Required<CertProvPolicy> = { minKeySizeBits: 1024, maxKeySizeBits: 16384, minValidityHours: 8, defaultValidityHours: 4320, maxValidityHours: 8760, validityOutOfRange: 'clamp', ...Object.fromEntries(Object.entries(o?.policy ?? {}).filter(([, v]) => v !== undefined)) };
  // Without an explicit default, the default validity follows a narrowed range (e.g. max 24 hours).
  if (o?.policy?.defaultValidityHours === undefined && Number.isInteger(p.minValidityHours) && Number.isInteger(p.maxValidityHours))
    p.defaultValidityHours = Math.min(Math.max(p.defaultValidityHours, p.minValidityHours), p.maxValidityHours);
  checkOptions(o, p);
  const clock = o.clock ?? (() => new Date());
  const maxBody = o.maxBodyBytes ?? 1 << 20;
  const storeTimeoutMs = o.storeTimeoutMs ?? 15_000;
  const toDer = (c: X509Certificate | string | Uint8Array): Uint8Array => (c instanceof Uint8Array ? c : new Uint8Array((typeof c === 'string' ? new X509Certificate(c) : c).raw));
  const chainDer = o.chain?.include
    ? [...o.ca.chain.map(toDer), ...(o.chain.certificates ?? []).map(toDer)].filter((d, i, all) => all.findIndex((x) => Buffer.from(x).equals(Buffer.from(d))) === i)
    : undefined;
  return async (req: Request): Promise<Response> => {
    let parsed: GetAndPublishCertRequest | undefined;
    const declaredVersion: SoapVersion = /^\s*application\/soap\+xml/i.test(req.headers.get('content-type') ?? '') ? '1.2' : '1.1';
    const version = (): SoapVersion => parsed?.soapVersion ?? declaredVersion;
    if (req.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    try {
      const xml = await readBody(req, maxBody);
      if (xml === undefined) return new Response(null, { status: 413 });
      const action = requestAction(req);
      try {
        parsed = parseGetAndPublishCertRequest(xml);
      } catch (e) {
        throw new PolicyError('RequestMalformed', (e as Error).message);
      }
      // SIPE and Lync send SOAPAction "http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert";
      // the spec's example carries the same URI as the addressing Action header (4.1.1).
      if (action !== undefined && action !== '' && action !== ACTION_GET_AND_PUBLISH_CERT)
        throw new PolicyError('RequestMalformed', `SOAPAction: expected ${ACTION_GET_AND_PUBLISH_CERT}, received ${JSON.stringify(action.slice(0, 200))}`);
      if (parsed.action !== undefined && parsed.action !== ACTION_GET_AND_PUBLISH_CERT)
        throw new PolicyError('RequestMalformed', `Action header: expected ${ACTION_GET_AND_PUBLISH_CERT}, received ${JSON.stringify(parsed.action.slice(0, 200))}`);
      const r = parsed;
      let sipUri: string;
      try {
        const header = o.headerTicketVerifier ? headerTicketOf(req) : undefined;
        ({ sipUri } = header !== undefined ? await o.headerTicketVerifier!.verifyHeader(header) : await o.ticketVerifier.verify(xml));
      } catch (e) {
        // A verifier that could not reach its state (e.g. the server's replay cache in the store) says so.
        const rc = (e as { responseCode?: unknown })?.responseCode;
        if (rc === 'DataStoreUnavailable' || rc === 'InternalError') {
          o.onError?.(e);
          throw new PolicyError(rc, `web ticket: could not be checked (${(e as Error).message}); nothing was issued`);
        }
        // Authentication failures are the ticket verifier's (28032 invalid / 28033 expired / 28034 other
        // server's proof ticket): HTTP 401 with X-Ms-diagnostics, and the Web Ticket Service to ask.
        const id = (e as { errorId?: number }).errorId;
        const errorId = typeof id === 'number' && webTicketError(id) ? id : 28032;
        const status = (e as { httpStatus?: number }).httpStatus ?? 401;
        const headers: Record<string, string> = {
          'x-ms-diagnostics': formatMsDiagnostics(webTicketDiagnostics(errorId, { ...(o.serverFqdn ? { source: o.serverFqdn } : {}), reason: toDiagnosticsText((e as Error)?.message ?? 'invalid web ticket', 200) })),
        };
        if (o.webTicketUrl) headers['x-ms-webticketurl'] = o.webTicketUrl;
        // MS-OCAUTHWS 3.2: "If the Web ticket fails validation, OCSDiagnosticsFaultType ... SHOULD be returned"
        // (2.2.4.1), with the faultcode of the 3.2 table (wsse:InvalidSecurityToken for 28032–28034).
        headers['content-type'] = 'text/xml; charset=utf-8';
        return new Response(buildOcsDiagnosticsFault({ errorId, envelope: true }), { status, headers });
      }
      // Security (issue 16 item 7): the DeviceId goes into the certificate, so only the GUID itself
      // (at most the 38 characters of the braced form), never padding around it.
      if (r.deviceId.length > 38 || r.deviceId !== r.deviceId.trim())
        throw new PolicyError('InvalidDeviceId', `DeviceId: expected a GUID without surrounding whitespace (at most 38 characters), received ${r.deviceId.length} characters`);
      const deviceKey = canonicalDeviceId(r.deviceId);
      if (deviceKey === undefined) throw new PolicyError('InvalidDeviceId', `DeviceId: expected a GUID ({xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, or without braces), received ${JSON.stringify(r.deviceId.slice(0, 100))}`);
      // ASCII case folding only: String#toLowerCase folds look-alikes (U+212A KELVIN SIGN → k).
      const fold = (x: string) => x.replace(/[A-Z]/g, (c) => c.toLowerCase());
      if (fold(r.entity) !== fold(sipUri.replace(/^sip:/i, '')))
        throw new PolicyError('InvalidSipUri', `Entity: expected the ticket's SIP URI ${sipUri.replace(/^sip:/i, '')}, received ${r.entity}`);
      // The certificate names the user as the directory spells its SIP URI (else as the ticket does),
      // never as the client spelled the Entity.
      let subjectEntity = sipUri.replace(/^sip:/i, '');
      if (o.userDirectory) {
        const user = await o.userDirectory.findUser(`sip:${r.entity}`);
        if (!user) throw new PolicyError('UserImproperlyProvisioned', `Entity: expected a provisioned user, received ${r.entity}`);
        if (!user.enabled) throw new PolicyError('AccountDisabled', `Entity: the account of ${r.entity} is disabled`);
        if (typeof user.sipUri === 'string' && user.sipUri) subjectEntity = user.sipUri.replace(/^sip:/i, '');
      }
      let csr;
      try {
        csr = parseCsr(r.csrDer);
      } catch (e) {
        throw new PolicyError('InvalidCSR', (e as Error).message);
      }
      // The key is judged before the signature: a modulus above OpenSSL's 16384-bit limit cannot be
      // verified at all, and the useful answer for it is InvalidPublicKey, not InvalidCSR.
      if (csr.publicKey.asymmetricKeyType !== 'rsa' || csr.keySizeBits === undefined || csr.keySizeBits < p.minKeySizeBits || csr.keySizeBits > p.maxKeySizeBits)
        throw new PolicyError('InvalidPublicKey', `CSR public key: expected RSA of ${p.minKeySizeBits}..${p.maxKeySizeBits} bits, received ${csr.publicKey.asymmetricKeyType} ${csr.keySizeBits ?? '?'} bits`);
      const keyProblem = rsaPublicKeyProblem(csr.publicKey);
      if (keyProblem) throw new PolicyError('InvalidPublicKey', `CSR public key: ${keyProblem}`);
      if (!csr.signatureValid) throw new PolicyError('InvalidCSR', 'CSR: expected a valid self-signature, received one that does not verify');
      // The CSR's own subject is not constrained (the spec's 4.1 example CSR says CN=test@test.com for
      // Entity alice@contoso.com); the issued certificate's CN is the Entity (3.1.4.1.2.4 (5)).
      // A requested EKU must allow client authentication: the certificate exists for TLS client auth.
      if (csr.extendedKeyUsage !== undefined && !csr.extendedKeyUsage.includes(OID_KP_CLIENT_AUTH) && !csr.extendedKeyUsage.includes(OID_ANY_EXTENDED_KEY_USAGE))
        throw new PolicyError('InvalidEKU', `CSR extendedKeyUsage: expected clientAuth (${OID_KP_CLIENT_AUTH}), received ${csr.extendedKeyUsage.join(', ') || 'an empty list'}`);
      let hours = requestedHours(csr.nameValuePairs) ?? p.defaultValidityHours;
      if (hours < p.minValidityHours || hours > p.maxValidityHours) {
        if (p.validityOutOfRange === 'reject') throw new PolicyError('InvalidValidityPeriod', `validity: expected ${p.minValidityHours}..${p.maxValidityHours} hours, received ${hours}`);
        hours = Math.min(Math.max(hours, p.minValidityHours), p.maxValidityHours);
      }
      const now = clock();
      const cert = o.ca.issue({ publicKey: csr.spkiDer, entity: subjectEntity, deviceId: r.deviceId, validityHours: hours, notBefore: now });
      // The store keys devices by the canonical GUID, so {a-…}, A-… and A… are one device.
      const publishing = o.store.publish({ entity: subjectEntity, deviceId: deviceKey, serialNumber: cert.serialNumber, der: cert.der, notBefore: now, notAfter: new Date(now.getTime() + hours * 3_600_000) }, now);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        publishing.then(() => 'published' as const, () => 'failed' as const),
        new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), storeTimeoutMs); }),
      ]).finally(() => clearTimeout(timer));
      if (outcome === 'timeout') {
        // The client is told nothing was issued; if the write lands later, revoke what it published
        // so no certificate the client never received stays valid.
        publishing.then(() => o.store.revoke(cert.serialNumber, clock())).catch((e: unknown) => o.onError?.(e));
      }
      if (outcome !== 'published') throw new PolicyError('DataStoreUnavailable', `certificate store: the certificate could not be published${outcome === 'timeout' ? ` within ${storeTimeoutMs} ms` : ''}; nothing was issued`);
      const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
      const body =
        `<GetAndPublishCertResponse ResponseClass="Success" DeviceId="${esc(r.deviceId)}" Entity="${esc(r.entity)}" xmlns="${NS_AUTHWS}">` +
        `<RequestSecurityTokenResponse xmlns="${NS_WST}"><TokenType>http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3</TokenType>` +
        `<DispositionMessage xml:lang="en-US" xmlns="${NS_ENROLLMENT}">Issued</DispositionMessage>` +
        `<BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" ValueType="http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10" xmlns="${NS_WSSE}">${b64(r.csrDer)}</BinarySecurityToken>` +
        `<RequestedSecurityToken><BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" xmlns="${NS_WSSE}">${b64(cert.der)}</BinarySecurityToken></RequestedSecurityToken>` +
        (chainDer ? `<BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" ValueType="${VALUE_TYPE_PKCS7}" xmlns="${NS_WSSE}">${b64(pkcs7CertsOnly([cert.der, ...chainDer]))}</BinarySecurityToken>` : '') +
        `<RequestID xmlns="${NS_ENROLLMENT}">${esc(r.requestId)}</RequestID></RequestSecurityTokenResponse></GetAndPublishCertResponse>`;
      return soapResponse(body, version());
    } catch (e) {
      if (e instanceof PolicyError) return errorResponse(parsed?.deviceId ?? '', parsed?.entity ?? '', e.responseCode, e.message, version());
      o.onError?.(e);
      return errorResponse(parsed?.deviceId ?? '', parsed?.entity ?? '', 'InternalError', 'internal error', version());
    }
  };
}
