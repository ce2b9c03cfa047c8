/**
 * GetAndPublishCert ResponseCode values (MS-OCAUTHWS 3.1.4.1.4.1) with cause and remedy.
 *
 * ```xml
 * <xs:simpleType name="GetAndPublishCertResponseCodeType">
 *   <xs:restriction base="xs:string">
 *     <xs:enumeration value="NoError" />
 *     <xs:enumeration value="InternalError" />
 *     <xs:enumeration value="InvalidPublicKey" />
 *     <xs:enumeration value="InvalidValidityPeriod" />
 *     <xs:enumeration value="InvalidEKU" />
 *     <xs:enumeration value="InvalidSipUri" />
 *     <xs:enumeration value="InvalidCSR" />
 *     <xs:enumeration value="DataStoreUnavailable" />
 *     <xs:enumeration value="InvalidDeviceId" />
 *     <xs:enumeration value="RequestMalformed" />
 *     <xs:enumeration value="AccountDisabled" />
 *     <xs:enumeration value="UserImproperlyProvisioned" />
 *   </xs:restriction>
 * </xs:simpleType>
 * ```
 * The type is an xs:string enumeration: values have no numbers. `GET_AND_PUBLISH_CERT_RESPONSE_CODES[i].ordinal`
 * is the position in the enumeration, accepted by `getAndPublishCertResponseCode` for tools that log numbers.
 */
export const GetAndPublishCertResponseCode = {
  NoError: 'NoError',
  InternalError: 'InternalError',
  InvalidPublicKey: 'InvalidPublicKey',
  InvalidValidityPeriod: 'InvalidValidityPeriod',
  InvalidEKU: 'InvalidEKU',
  InvalidSipUri: 'InvalidSipUri',
  InvalidCSR: 'InvalidCSR',
  DataStoreUnavailable: 'DataStoreUnavailable',
  InvalidDeviceId: 'InvalidDeviceId',
  RequestMalformed: 'RequestMalformed',
  AccountDisabled: 'AccountDisabled',
  UserImproperlyProvisioned: 'UserImproperlyProvisioned',
} as const;
export type GetAndPublishCertResponseCode = (typeof GetAndPublishCertResponseCode)[keyof typeof GetAndPublishCertResponseCode];

export interface GetAndPublishCertResponseCodeInfo {
  readonly code: GetAndPublishCertResponseCode;
  /** Position in the spec's enumeration (0 = NoError). */
  readonly ordinal: number;
  /** The spec's description (3.1.4.1.4.1). */
  readonly description: string;
  readonly severity: 'info' | 'error';
  readonly cause: string;
  readonly remedy: string;
  readonly specSection: string;
  readonly references: readonly string[];
}

const S = 'MS-OCAUTHWS 3.1.4.1.4.1';
const TROUBLE = 'receive-and-publish-certificate-troubleshooting.txt';
const DEEP = 'certificate-provisioning-deeper-dive.txt';
const rows: [GetAndPublishCertResponseCode, string, string, string, string[]][] = [
  ['NoError', 'Indicates success.', 'The certificate was issued and published.', 'Nothing to do.', []],
  [
    'InternalError',
    'Indicates an unexpected server error.',
    'The Certificate Provisioning Service failed unexpectedly, often because of a problem on the Registrar the device is connecting to.',
    'Check the Registrar’s health (Operations Manager alerts, or Test-CsClientAuth -UserSipAddress <sip> -TargetFqdn <registrar>); collect certprov.log from every server of the pool; then restart the device to retry.',
    [TROUBLE],
  ],
  [
    'InvalidPublicKey',
    'Indicates that the certification request did not contain a valid public key.',
    'The CSR’s public key is unusable or its size is outside the server policy (minimum/maximum client key size). Example: the server minimum was raised to 2048 bits while older clients still request 1024-bit keys.',
    'Compare the client’s key size with the server policy (Get-CsWebServiceConfiguration MinCertificateKeySize/MaxCertificateKeySize… ); lower the minimum or update the clients. Lync 2013 uses 2048-bit keys: a server minimum above 2048 silently disables certificate authentication (clients fall back to NTLM).',
    [DEEP],
  ],
  [
    'InvalidValidityPeriod',
    'Indicates that the CSR contained an invalid or unacceptable validity period.',
    'The client asked (MS-WCCE validityPeriod/ValidityPeriodUnits in the CSR) for a lifetime outside the server’s minimum/maximum certificate validity (Lync 2013 asks for 4320 hours; the default range is 8 hours to one year, default 180 days).',
    'Compare the requested period with the server policy (Get-CsWebServiceConfiguration, MinValidityPeriodHours/MaxValidityPeriodHours); widen the range or configure the server to clamp to its maximum instead of rejecting. Test changes before production.',
    [DEEP],
  ],
  [
    'InvalidEKU',
    'Indicates that the CSR contained invalid Enhanced Key Usage.',
    'The CSR asked for an Extended Key Usage other than client authentication.',
    'Request only the clientAuth EKU (1.3.6.1.5.5.7.3.2) in the CSR.',
    [],
  ],
  [
    'InvalidSipUri',
    'Indicates that the Entity, as defined in section 3.1.4.1.5.2, is invalid.',
    'The Entity attribute is not the SIP URI (without "sip:") of the authenticated user.',
    'Send Entity equal to the user’s SIP address without the sip: prefix, matching the web ticket’s identity.',
    [],
  ],
  [
    'InvalidCSR',
    'Indicates that the CSR is invalid.',
    'The PKCS#10 request could not be decoded, its signature does not verify, or its attributes are unacceptable.',
    'Check the BinarySecurityToken carries a base64 DER PKCS#10 request signed by its own key.',
    [],
  ],
  [
    'DataStoreUnavailable',
    'Indicates that the store where the certificate (2) was supposed to be stored was not available.',
    'Web Services issued the certificate but could not publish it: the User Services data store of the pool where the user is homed was unreachable ("data store unavailable" in the IIS event log). This happens when that store is not on the same server as Web Services.',
    'Check the user’s home pool store and the connectivity between the Registrar/Web Services and it. For a sporadic failure, restart the device (unplug power, wait, reconnect) to retry; run Test-CsPhoneBootstrap -PhoneOrExt <ext> -PIN <pin> -UserSipAddress <sip> -Verbose to see whether the problem is wider. A phone can bypass this step by USB tethering to a PC running Lync, which provisions and installs the certificate.',
    [TROUBLE],
  ],
  [
    'InvalidDeviceId',
    'Indicates that the DeviceId, as defined in section 3.1.4.1.5.1, is invalid.',
    'The DeviceId attribute is not convertible to a GUID.',
    'Send DeviceId as a GUID ({xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}) unique per device and stable across requests.',
    [],
  ],
  [
    'RequestMalformed',
    'Indicates that the wst:RequestSecurityToken, as defined in section 3.1.4.1.2.3, is invalid.',
    'The RequestSecurityToken in the GetAndPublishCert body is missing elements or uses wrong values (TokenType, RequestType, BinarySecurityToken).',
    'Compare the request with the spec example (3.1.4.1.2.3): TokenType X509v3, RequestType Issue, the CSR in a wsse:BinarySecurityToken.',
    [],
  ],
  [
    'AccountDisabled',
    'Indicates that the account of the user operating the client is disabled.',
    'The user’s account is disabled. Note that disabling the Active Directory account does not invalidate certificates already issued.',
    'Re-enable the account if intended; to cut off a disabled user, also revoke their client certificates (Revoke-CsClientCertificate).',
    [DEEP],
  ],
  [
    'UserImproperlyProvisioned',
    'Indicates that the user is not provisioned on a server that supports this protocol.',
    'The user is homed on a pool that does not support certificate provisioning (or is not fully provisioned).',
    'Move the user to a pool that supports this protocol or finish provisioning (SIP enabled, homed, replicated).',
    [],
  ],
];

export const GET_AND_PUBLISH_CERT_RESPONSE_CODES: Readonly<Record<GetAndPublishCertResponseCode, GetAndPublishCertResponseCodeInfo>> = Object.freeze(
  Object.fromEntries(
    rows.map(([code, description, cause, remedy, references], ordinal) => [
      code,
      Object.freeze({
        code,
        ordinal,
        description,
        severity: code === 'NoError' ? 'info' : 'error',
        cause,
        remedy,
        specSection: S,
        references: Object.freeze(references),
      }),
    ]),
  ) as Record<GetAndPublishCertResponseCode, GetAndPublishCertResponseCodeInfo>,
);

/**
 * True for a value of the spec's enumeration (exact, case-sensitive as xs:string enumerations are).
 *
 * @throws never
 */
export function isGetAndPublishCertResponseCode(v: unknown): v is GetAndPublishCertResponseCode {
  return typeof v === 'string' && Object.hasOwn(GET_AND_PUBLISH_CERT_RESPONSE_CODES, v);
}

/**
 * Catalog entry for a ResponseCode name (case-insensitive lookup) or its enumeration ordinal.
 *
 * @throws never: an unknown code gives undefined.
 */
export function getAndPublishCertResponseCode(codeOrOrdinal: string | number): GetAndPublishCertResponseCodeInfo | undefined {
  if (typeof codeOrOrdinal === 'number') return Object.values(GET_AND_PUBLISH_CERT_RESPONSE_CODES).find((c) => c.ordinal === codeOrOrdinal);
  if (isGetAndPublishCertResponseCode(codeOrOrdinal)) return GET_AND_PUBLISH_CERT_RESPONSE_CODES[codeOrOrdinal];
  const lower = codeOrOrdinal.trim().toLowerCase();
  return Object.values(GET_AND_PUBLISH_CERT_RESPONSE_CODES).find((c) => c.code.toLowerCase() === lower);
}
