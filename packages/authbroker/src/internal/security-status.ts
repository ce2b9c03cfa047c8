// MS-OCAUTHWS 3.3.4.4.3.3 SecurityStatus: @ocauth/diagnostics' SSPI status catalog, used by the engine and handler.
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
 * The enum and its helpers are @ocauth/diagnostics' (one catalog for the whole project, with the SSPI
 * constant, cause and remedy of each value: `SECURITY_STATUSES`, `explain({ securityStatus })`); this module
 * re-exports them under authbroker's names. Values pinned by vectors/authbroker/security-status.json.
 *
 * Departure (pinned in test/vectors.test.ts): the spec's table lists `0x00090312 OK`,
 * `0x00090313 ContinueNeeded`, `0x00090314 CompAndContinue`. Those are the SSPI values
 * SEC_I_CONTINUE_NEEDED, SEC_I_COMPLETE_NEEDED and SEC_I_COMPLETE_AND_CONTINUE: the table lost the
 * row `0 OK` and shifted the names of the first two informational rows by one (its 0x00090314
 * CompAndContinue and the rest are SSPI's own names; 0x00090317 "ContentExpired" is a typo of ContextExpired). The spec's own
 * example (4.6.2) returns `<b:SecurityStatus>0</b:SecurityStatus>` with the signing keys, i.e. OK = 0.
 * This enum therefore follows the SSPI values (OK = 0, ContinueNeeded = 0x00090312,
 * CompleteNeeded = 0x00090313, CompAndContinue = 0x00090314); every other row is as in the table.
 */
export { SecurityStatus, securityStatusName, isSecurityStatusSuccess, formatSecurityStatus } from '@ocauth/diagnostics';
export type { SecurityStatusName } from '@ocauth/diagnostics';
