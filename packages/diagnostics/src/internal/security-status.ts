/**
 * SecurityStatus of tns:AuthReturnValuePair (MS-OCAUTHWS 3.3.4.4.3.3): an `xs:int` carrying SSPI status codes.
 *
 * ```xml
 * <xs:complexType name="AuthReturnValuePair">
 *   <xs:sequence>
 *     <xs:element minOccurs="0" name="OutString" nillable="true" type="xs:string" />
 *     <xs:element minOccurs="0" name="SecurityStatus" type="xs:int" />
 *   </xs:sequence>
 * </xs:complexType>
 * ```
 *
 * Departure (same as @ocauth/authbroker, pinned in vectors/authbroker/security-status.json): the spec's table
 * lists `0x00090312 OK`, `0x00090313 ContinueNeeded`, `0x00090314 CompAndContinue`, `0x00090317 ContentExpired`.
 * Those are the SSPI values SEC_I_CONTINUE_NEEDED, SEC_I_COMPLETE_NEEDED, SEC_I_COMPLETE_AND_CONTINUE and
 * SEC_I_CONTEXT_EXPIRED: the table lost the row `0 OK` and shifted the first names by one; the spec's own
 * example (4.6.2) returns SecurityStatus 0 with the signing keys. Values follow SSPI; `specName` keeps the
 * table's name where it differs.
 */
export const SecurityStatus = {
  OK: 0x00000000,
  ContinueNeeded: 0x00090312,
  CompleteNeeded: 0x00090313,
  CompAndContinue: 0x00090314,
  ContextExpired: 0x00090317,
  CredentialsNeeded: 0x00090320,
  Renegotiate: 0x00090321,
  OutOfMemory: 0x80090300 | 0,
  InvalidHandle: 0x80090301 | 0,
  Unsupported: 0x80090302 | 0,
  TargetUnknown: 0x80090303 | 0,
  InternalError: 0x80090304 | 0,
  PackageNotFound: 0x80090305 | 0,
  NotOwner: 0x80090306 | 0,
  CannotInstall: 0x80090307 | 0,
  InvalidToken: 0x80090308 | 0,
  CannotPack: 0x80090309 | 0,
  QopNotSupported: 0x8009030a | 0,
  NoImpersonation: 0x8009030b | 0,
  LogonDenied: 0x8009030c | 0,
  UnknownCredentials: 0x8009030d | 0,
  NoCredentials: 0x8009030e | 0,
  MessageAltered: 0x8009030f | 0,
  OutOfSequence: 0x80090310 | 0,
  NoAuthenticatingAuthority: 0x80090311 | 0,
  IncompleteMessage: 0x80090318 | 0,
  IncompleteCredentials: 0x80090320 | 0,
  BufferNotEnough: 0x80090321 | 0,
  WrongPrincipal: 0x80090322 | 0,
  TimeSkew: 0x80090324 | 0,
  UntrustedRoot: 0x80090325 | 0,
  IllegalMessage: 0x80090326 | 0,
  CertUnknown: 0x80090327 | 0,
  CertExpired: 0x80090328 | 0,
  AlgorithmMismatch: 0x80090331 | 0,
  SecurityQosFailed: 0x80090332 | 0,
  SmartcardLogonRequired: 0x8009033e | 0,
  UnsupportedPreauth: 0x80090343 | 0,
} as const;

export type SecurityStatusName = keyof typeof SecurityStatus;
export type SecurityStatus = (typeof SecurityStatus)[SecurityStatusName];

export interface SecurityStatusInfo {
  readonly name: SecurityStatusName;
  /** Signed 32-bit value as carried in the xs:int. */
  readonly value: number;
  /** `0x80090325`. */
  readonly hex: string;
  /** Windows SSPI constant (`SEC_E_UNTRUSTED_ROOT`). */
  readonly sspiConstant: string;
  /** The spec table's name when it differs from `name` (shifted rows); undefined if the table has no such row. */
  readonly specName: string | undefined;
  readonly severity: 'info' | 'error';
  readonly cause: string;
  readonly remedy: string;
  readonly specSection: string;
  readonly references: readonly string[];
}

const hex8 = (v: number) => `0x${((v | 0) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
const RETRY = 'Retry the AuthBroker session; if it persists, capture both sides’ logs.';
const TROUBLE = 'receive-and-publish-certificate-troubleshooting.txt';
type Row = [SecurityStatusName, string, string | undefined, string, string, string[]?];
const rows: Row[] = [
  ['OK', 'SEC_E_OK', undefined, 'Negotiation is complete; ClientSigningKey, ServerSigningKey and MaxSignature are populated.', 'Nothing to do.'],
  [
    'ContinueNeeded',
    'SEC_I_CONTINUE_NEEDED',
    'OK',
    'The TLS-DSK handshake needs another round trip: send the next gssapi-data in OutString.',
    'Continue the negotiation (normal during the handshake). The spec table calls this value "OK" because its rows are shifted; SSPI success is 0.',
  ],
  [
    'CompleteNeeded',
    'SEC_I_COMPLETE_NEEDED',
    'ContinueNeeded',
    'The security context must be completed (CompleteAuthToken) before use.',
    'Complete the token and continue.',
  ],
  [
    'CompAndContinue',
    'SEC_I_COMPLETE_AND_CONTINUE',
    'CompAndContinue',
    'Complete the token, then continue the negotiation.',
    'Complete the token and send the next leg.',
  ],
  [
    'ContextExpired',
    'SEC_I_CONTEXT_EXPIRED',
    'ContentExpired',
    'The security context has expired (the table’s "ContentExpired").',
    'Start a new AuthBroker session.',
  ],
  [
    'CredentialsNeeded',
    'SEC_I_INCOMPLETE_CREDENTIALS',
    'CredentialsNeeded',
    'The server asked for credentials the client did not supply (a client certificate during TLS-DSK).',
    'Provide the client certificate (provision one with GetAndPublishCert) and continue.',
  ],
  ['Renegotiate', 'SEC_I_RENEGOTIATE', 'Renegotiate', 'The peer requested renegotiation.', 'Renegotiate the TLS-DSK session.'],
  ['OutOfMemory', 'SEC_E_INSUFFICIENT_MEMORY', 'OutOfMemory', 'The security package ran out of memory.', 'Check server resources; ' + RETRY],
  [
    'InvalidHandle',
    'SEC_E_INVALID_HANDLE',
    'InvalidHandle',
    'The session/context handle is unknown, e.g. the AuthBroker session expired or was created on another server.',
    'Create a new AuthBroker session on the same server (check load-balancer affinity).',
  ],
  [
    'Unsupported',
    'SEC_E_UNSUPPORTED_FUNCTION',
    'Unsupported',
    'The requested function or protocol version is not supported (e.g. TLS 1.2 through the V1 operation).',
    'Use CreateAuthBrokerSessionV2 for TLS 1.2, or a protocol both sides support.',
  ],
  ['TargetUnknown', 'SEC_E_TARGET_UNKNOWN', 'TargetUnknown', 'The target of the authentication is unknown.', 'Check the registrar FQDN/target name.'],
  ['InternalError', 'SEC_E_INTERNAL_ERROR', 'InternalError', 'The security package failed internally.', RETRY],
  ['PackageNotFound', 'SEC_E_SECPKG_NOT_FOUND', 'PackageNotFound', 'The requested security package is not available.', 'Check the server supports TLS-DSK.'],
  ['NotOwner', 'SEC_E_NOT_OWNER', 'NotOwner', 'The caller does not own the credentials.', RETRY],
  ['CannotInstall', 'SEC_E_CANNOT_INSTALL', 'CannotInstall', 'The security package could not be initialised.', 'Check the server installation.'],
  [
    'InvalidToken',
    'SEC_E_INVALID_TOKEN',
    'InvalidToken',
    'The gssapi-data (TLS record) sent was malformed or out of place.',
    'Check the client base64-encodes complete TLS records in OutString order.',
  ],
  ['CannotPack', 'SEC_E_CANNOT_PACK', 'CannotPack', 'The package could not marshal the context.', RETRY],
  [
    'QopNotSupported',
    'SEC_E_QOP_NOT_SUPPORTED',
    'QopNotSupported',
    'The quality of protection is not supported.',
    'Use the protection level the server supports.',
  ],
  ['NoImpersonation', 'SEC_E_NO_IMPERSONATION', 'NoImpersonation', 'No impersonation is allowed for this context.', RETRY],
  [
    'LogonDenied',
    'SEC_E_LOGON_DENIED',
    'LogonDenied',
    'The logon attempt failed: the credentials (client certificate) were rejected.',
    'Check the client certificate is the one provisioned for this user and not revoked.',
  ],
  [
    'UnknownCredentials',
    'SEC_E_UNKNOWN_CREDENTIALS',
    'UnknownCredentials',
    'The credentials supplied were not recognised.',
    'Provision a new client certificate.',
  ],
  [
    'NoCredentials',
    'SEC_E_NO_CREDENTIALS',
    'NoCredentials',
    'No credentials are available (e.g. the server has no certificate configured).',
    'Check the server’s certificate configuration.',
  ],
  [
    'MessageAltered',
    'SEC_E_MESSAGE_ALTERED',
    'MessageAltered',
    'A message failed its integrity check (altered in transit or wrong key).',
    'Check nothing rewrites the messages; restart the session.',
  ],
  [
    'OutOfSequence',
    'SEC_E_OUT_OF_SEQUENCE',
    'OutOfSequence',
    'A message arrived out of sequence.',
    'Do not replay or reorder handshake legs; restart the session.',
  ],
  [
    'NoAuthenticatingAuthority',
    'SEC_E_NO_AUTHENTICATING_AUTHORITY',
    'NoAuthenticatingAuthority',
    'No authority could be contacted for authentication.',
    'Check connectivity to domain controllers / the CA.',
  ],
  [
    'IncompleteMessage',
    'SEC_E_INCOMPLETE_MESSAGE',
    'IncompleteMessage',
    'Only part of a TLS record was received.',
    'Send complete records; check nothing truncates OutString.',
  ],
  [
    'IncompleteCredentials',
    'SEC_E_INCOMPLETE_CREDENTIALS',
    'IncompleteCredentials',
    'The credentials supplied were incomplete.',
    'Supply the full client certificate chain.',
  ],
  ['BufferNotEnough', 'SEC_E_BUFFER_TOO_SMALL', 'BufferNotEnough', 'The supplied buffer was too small (MaxSignature).', RETRY],
  [
    'WrongPrincipal',
    'SEC_E_WRONG_PRINCIPAL',
    'WrongPrincipal',
    'The target principal name is incorrect: the server certificate does not match the name the client connected to.',
    'Make the server certificate carry the exact FQDN clients connect to (not only a wildcard; Lync Phone Edition requires the exact name).',
    ['phone-edition-wildcard-certificates.txt'],
  ],
  ['TimeSkew', 'SEC_E_TIME_SKEW', 'TimeSkew', 'Client and server clocks differ too much.', 'Synchronise clocks (NTP) on client and server.'],
  [
    'UntrustedRoot',
    'SEC_E_UNTRUSTED_ROOT',
    'UntrustedRoot',
    'The certificate chain was issued by an authority that is not trusted.',
    'Issue the server certificate from a CA that chains to a root the device trusts (phones ship with well-known public roots and download the rest from the web server); install the full chain.',
    [TROUBLE],
  ],
  [
    'IllegalMessage',
    'SEC_E_ILLEGAL_MESSAGE',
    'IllegalMessage',
    'The message received was unexpected or badly formatted (a TLS alert or protocol mismatch).',
    'Check both sides agree on the TLS version and cipher suites.',
  ],
  [
    'CertUnknown',
    'SEC_E_CERT_UNKNOWN',
    'CertUnknown',
    'An unknown error occurred while processing the certificate.',
    'Check the certificate’s encoding and extensions.',
  ],
  [
    'CertExpired',
    'SEC_E_CERT_EXPIRED',
    'CertExpired',
    'The received certificate has expired.',
    'Renew the expired certificate (client: provision again; server: renew the web/registrar certificate).',
  ],
  [
    'AlgorithmMismatch',
    'SEC_E_ALGORITHM_MISMATCH',
    'AlgorithmMismatch',
    'Client and server share no cipher suite / algorithm.',
    'Enable a common TLS version and cipher suite.',
  ],
  [
    'SecurityQosFailed',
    'SEC_E_SECURITY_QOS_FAILED',
    'SecurityQosFailed',
    'The security context could not be established with the requested quality of service.',
    RETRY,
  ],
  ['SmartcardLogonRequired', 'SEC_E_SMARTCARD_LOGON_REQUIRED', 'SmartcardLogonRequired', 'Smart card logon is required.', 'Sign in with a smart card.'],
  [
    'UnsupportedPreauth',
    'SEC_E_UNSUPPORTED_PREAUTH',
    'UnsupportedPreauth',
    'An unsupported pre-authentication mechanism was presented.',
    'Use a supported authentication mechanism.',
  ],
];

export const SECURITY_STATUSES: Readonly<Record<SecurityStatusName, SecurityStatusInfo>> = Object.freeze(
  Object.fromEntries(
    rows.map(([name, sspiConstant, specName, cause, remedy, references]) => {
      const value = SecurityStatus[name];
      return [
        name,
        Object.freeze({
          name,
          value,
          hex: hex8(value),
          sspiConstant,
          specName: specName === name ? undefined : specName,
          severity: value >= 0 ? 'info' : 'error',
          cause,
          remedy,
          specSection: 'MS-OCAUTHWS 3.3.4.4.3.3',
          references: Object.freeze(references ?? []),
        } satisfies SecurityStatusInfo),
      ];
    }),
  ) as Record<SecurityStatusName, SecurityStatusInfo>,
);

const byValue = new Map<number, SecurityStatusInfo>(Object.values(SECURITY_STATUSES).map((s) => [s.value, s]));

/**
 * Catalog entry for a SecurityStatus value (signed or unsigned 32-bit) or name.
 *
 * @throws never: an unknown status gives undefined.
 */
export function securityStatus(valueOrName: number | string): SecurityStatusInfo | undefined {
  if (typeof valueOrName === 'string') {
    if (Object.hasOwn(SECURITY_STATUSES, valueOrName)) return SECURITY_STATUSES[valueOrName as SecurityStatusName];
    const n = parseSecurityStatusNumber(valueOrName);
    return n === undefined ? undefined : byValue.get(n);
  }
  if (!Number.isInteger(valueOrName) || valueOrName < -0x80000000 || valueOrName > 0xffffffff) return undefined;
  return byValue.get(valueOrName | 0);
}

/**
 * Name of a SecurityStatus value (`'ContinueNeeded'`), or undefined for a value outside the table.
 *
 * @throws never
 */
export function securityStatusName(value: number): SecurityStatusName | undefined {
  return securityStatus(value)?.name;
}

/**
 * True for success and informational values (severity bit clear).
 *
 * @throws never
 */
export function isSecurityStatusSuccess(value: number): boolean {
  return (value | 0) >= 0;
}

/**
 * `0x80090325 (UntrustedRoot)` — for messages.
 *
 * @throws never
 */
export function formatSecurityStatus(value: number): string {
  const name = securityStatusName(value);
  return name ? `${hex8(value)} (${name})` : hex8(value);
}

/**
 * `"0x80090325"`, `"-2146893019"`, `"2148074277"` → signed int; undefined when not a 32-bit number.
 *
 * @throws never: text that is no 32-bit number gives undefined.
 */
export function parseSecurityStatusNumber(s: string): number | undefined {
  const t = s.trim();
  let n: number;
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) n = Number.parseInt(t.slice(2), 16);
  else if (/^-?\d{1,10}$/.test(t)) n = Number(t);
  else return undefined;
  if (n < -0x80000000 || n > 0xffffffff) return undefined;
  return n | 0;
}
