// Options of the Certificate Provisioning Service handler (MS-OCAUTHWS 3.1.4.1) and their checks (3.1.3 initialization).
import { X509Certificate } from 'node:crypto';
import type { XDocument } from '@ocauth/c14n';
import type { CertificateAuthority } from './ca.js';
import { CertProvHandlerOptionsError } from './errors.js';
import type { CertificateStore } from './store.js';

/**
 * Verifies the web ticket of a SOAP request (MS-OCAUTHWS 3.2): resolves with its SIP URI or throws (an
 * `errorId` 28032/28033/28034 on the error is reported as such). `parsed.document` is the request as the
 * handler parsed it (@ocauth/c14n `parseXml`), so a verifier such as @ocauth/wstrust's need not parse it again.
 */
export interface CertProvTicketVerifier {
  verify(envelopeXml: string, parsed?: { document?: XDocument }): Promise<{ sipUri: string }>;
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
  /**
   * Deliberately broken CSR checks, for the negative self-test of ocauth's conformance suite only
   * (`@ocauth/server` faults): each one turns a refusal of 3.1.4.1.4.1 into an issued certificate so the
   * suite can show its check fails. Never set in a deployment.
   */
  testFaults?: CertProvTestFaults;
}

/** The CSR checks `CertProvHandlerOptions.testFaults` can switch off (negative self-test only). */
export interface CertProvTestFaults {
  /** A CSR whose key is not RSA (EC, Ed25519) is not refused InvalidPublicKey. */
  acceptNonRsaKeys?: boolean;
  /** A weak RSA key (public exponent below 65537, small prime factors) is not refused InvalidPublicKey. */
  acceptWeakRsaKeys?: boolean;
  /** A requested EKU without client authentication is not refused InvalidEKU. */
  ignoreRequestedEku?: boolean;
}

/** The options with their defaults applied and checked: what the pipeline's steps read. */
export interface HandlerConfig {
  options: CertProvHandlerOptions;
  policy: Required<CertProvPolicy>;
  clock: () => Date;
  maxBodyBytes: number;
  storeTimeoutMs: number;
  /** DER of the chain sent beside the issued certificate (duplicates dropped), when `chain.include`. */
  chainDer: Uint8Array[] | undefined;
}

/**
 * Applies the defaults and checks the options (MS-OCAUTHWS 3.1.3: the CA and its key pair, the store).
 * @throws {CertProvHandlerOptionsError} ERR_CERTPROV_HANDLER_OPTIONS when a required dependency is missing
 * or a bound is not a positive integer, inverted or unknown.
 */
export function resolveHandlerOptions(o: CertProvHandlerOptions): HandlerConfig {
  const p: Required<CertProvPolicy> = {
    minKeySizeBits: 1024,
    maxKeySizeBits: 16384,
    minValidityHours: 8,
    defaultValidityHours: 4320,
    maxValidityHours: 8760,
    validityOutOfRange: 'clamp',
    ...Object.fromEntries(Object.entries(o?.policy ?? {}).filter(([, v]) => v !== undefined)),
  };
  // Without an explicit default, the default validity follows a narrowed range (e.g. max 24 hours).
  if (o?.policy?.defaultValidityHours === undefined && Number.isInteger(p.minValidityHours) && Number.isInteger(p.maxValidityHours))
    p.defaultValidityHours = Math.min(Math.max(p.defaultValidityHours, p.minValidityHours), p.maxValidityHours);
  checkOptions(o, p);
  const toDer = (c: X509Certificate | string | Uint8Array): Uint8Array =>
    c instanceof Uint8Array ? c : new Uint8Array((typeof c === 'string' ? new X509Certificate(c) : c).raw);
  const chainDer = o.chain?.include
    ? [...o.ca.chain.map(toDer), ...(o.chain.certificates ?? []).map(toDer)].filter(
        (d, i, all) => all.findIndex((x) => Buffer.from(x).equals(Buffer.from(d))) === i,
      )
    : undefined;
  return {
    options: o,
    policy: p,
    clock: o.clock ?? (() => new Date()),
    maxBodyBytes: o.maxBodyBytes ?? 1 << 20,
    storeTimeoutMs: o.storeTimeoutMs ?? 15_000,
    chainDer,
  };
}

function checkOptions(o: CertProvHandlerOptions, p: Required<CertProvPolicy>): void {
  const fail = (field: string, m: string): never => {
    throw new CertProvHandlerOptionsError(m, { field });
  };
  if (!o || typeof o !== 'object') fail('options', `options: expected an object, received ${o === null ? 'null' : typeof o}`);
  if (typeof o.ticketVerifier?.verify !== 'function') fail('ticketVerifier', 'ticketVerifier: expected an object with verify(envelopeXml), received none');
  if (typeof o.ca?.issue !== 'function') fail('ca', 'ca: expected a CertificateAuthority, received none');
  if (typeof o.store?.publish !== 'function') fail('store', 'store: expected a CertificateStore, received none');
  for (const k of ['minKeySizeBits', 'maxKeySizeBits', 'minValidityHours', 'defaultValidityHours', 'maxValidityHours'] as const) {
    if (!Number.isInteger(p[k]) || p[k] <= 0) fail(`policy.${k}`, `policy.${k}: expected a positive integer, received ${String(p[k])}`);
  }
  if (p.minKeySizeBits > p.maxKeySizeBits)
    fail('policy.minKeySizeBits', `policy.minKeySizeBits: expected at most maxKeySizeBits ${p.maxKeySizeBits}, received ${p.minKeySizeBits}`);
  if (!(p.minValidityHours <= p.defaultValidityHours && p.defaultValidityHours <= p.maxValidityHours))
    fail('policy', `policy validity hours: expected min <= default <= max, received ${p.minValidityHours} / ${p.defaultValidityHours} / ${p.maxValidityHours}`);
  if (p.validityOutOfRange !== 'clamp' && p.validityOutOfRange !== 'reject')
    fail('policy.validityOutOfRange', `policy.validityOutOfRange: expected 'clamp' or 'reject', received ${JSON.stringify(p.validityOutOfRange)}`);
  if (o.storeTimeoutMs !== undefined && (!Number.isFinite(o.storeTimeoutMs) || o.storeTimeoutMs <= 0))
    fail('storeTimeoutMs', `storeTimeoutMs: expected a positive number, received ${String(o.storeTimeoutMs)}`);
  if (o.maxBodyBytes !== undefined && (!Number.isInteger(o.maxBodyBytes) || o.maxBodyBytes <= 0))
    fail('maxBodyBytes', `maxBodyBytes: expected a positive integer, received ${String(o.maxBodyBytes)}`);
}
