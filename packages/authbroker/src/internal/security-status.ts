/**
 * SecurityStatus of tns:AuthReturnValuePair (MS-OCAUTHWS 3.3.4.4.3.3), an `xs:int` carrying SSPI
 * status codes.
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
 * Departure (pinned in test/security-status.test.ts): the spec's table lists `0x00090312 OK`,
 * `0x00090313 ContinueNeeded`, `0x00090314 CompAndContinue`. Those are the SSPI values
 * SEC_I_CONTINUE_NEEDED, SEC_I_COMPLETE_NEEDED and SEC_I_COMPLETE_AND_CONTINUE: the table lost the
 * row `0 OK` and shifted the names of the first three informational rows by one. The spec's own
 * example (4.6.2) returns `<b:SecurityStatus>0</b:SecurityStatus>` with the signing keys, i.e. OK = 0.
 * This enum therefore follows the SSPI values (OK = 0, ContinueNeeded = 0x00090312,
 * CompleteNeeded = 0x00090313, CompAndContinue = 0x00090314); every other row is as in the table.
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

const byValue = new Map<number, SecurityStatusName>(
  (Object.entries(SecurityStatus) as [SecurityStatusName, number][]).map(([k, v]) => [v, k]),
);

/** Name of a SecurityStatus value (`'ContinueNeeded'`), or undefined for a value outside the table. */
export function securityStatusName(value: number): SecurityStatusName | undefined {
  return byValue.get(value | 0);
}

/** True for success and informational values (severity bit clear). */
export function isSecurityStatusSuccess(value: number): boolean {
  return (value | 0) >= 0;
}

/** `0x80090325 (UntrustedRoot)` — for messages. */
export function formatSecurityStatus(value: number): string {
  const hex = `0x${((value | 0) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  const name = securityStatusName(value);
  return name ? `${hex} (${name})` : hex;
}
