/**
 * The Web Ticket Service error catalog: every ErrorId that MS-OCAUTHWS defines (3.2, 3.2.4.1) with its
 * faultcode, HTTP status, reason and when it occurs, plus a plain-language cause and remedy for admins.
 *
 * The faultcode column and ErrorId/Reason pairs come from the spec's tables (reasons verbatim, with the
 * glossary marker "certificate (2)" written "certificate"). The spec gives HTTP status codes only for the
 * Integrated Windows authentication table (403/500); SOAP faults travel with HTTP 500 (SOAP 1.1 §6.2) and
 * web-ticket rejections by a participating service with 401 (what the ocauth server sends).
 * ErrorIds 28002–28010, 28016 and 28029–28031 are not defined by MS-OCAUTHWS (their reason strings are in
 * [MS-OCER] 7.22, which this package does not have): `webTicketError` returns undefined for them.
 */
export type WebTicketErrorName =
  | 'UserNotSipEnabled'
  | 'IwaInternalError'
  | 'CertificateExpired'
  | 'CertificateInvalid'
  | 'CertificateNotFound'
  | 'CertificateUserNotFound'
  | 'CertificateInternalError'
  | 'LiveIdSigningKeyUnresolved'
  | 'LiveIdIncorrectSitePolicy'
  | 'LiveIdIdentityNotAssociated'
  | 'NoValidSecurityToken'
  | 'UnsupportedSecurityTokenType'
  | 'NoValidSubjectStatement'
  | 'NoValidMessageSecurity'
  | 'AuthenticationFailed'
  | 'NoValidSecurityPrincipal'
  | 'NoValidSecurityIdentity'
  | 'NoValidMessageSecurityAfterAuthentication'
  | 'LiveIdEncryptionKeyUnresolved'
  | 'WebTicketInvalid'
  | 'WebTicketExpired'
  | 'ProofWebTicketWrongServer'
  | 'SipUriMismatch';

/** Which authentication path / processing stage reports the error. */
export type WebTicketErrorStage =
  | 'integrated-windows-auth'
  | 'live-id'
  | 'certificate-auth'
  | 'after-authentication'
  | 'rst-processing'
  | 'web-ticket-validation';

export interface WebTicketErrorInfo {
  /** af:ErrorId (2.2.4.1) / X-Ms-diagnostics errorId (3.2.4.1). */
  readonly errorId: number;
  /** Stable ocauth name (the spec gives none). */
  readonly name: WebTicketErrorName;
  /** Qualified faultcode / SubCode from the spec's table (`wsse:FailedAuthentication`). */
  readonly faultcode: string;
  readonly httpStatus: number;
  /** Reason string as in the spec's table. */
  readonly reason: string;
  /** When the error occurs (the spec's "Type of error" / table context). */
  readonly when: string;
  readonly stage: WebTicketErrorStage;
  /** How the error reaches the client: X-Ms-diagnostics header, OCSDiagnosticsFault SOAP detail, or both. */
  readonly transport: readonly ('x-ms-diagnostics' | 'soap-fault')[];
  readonly specSection: string;
  /** Plain-language cause, for an administrator. */
  readonly cause: string;
  /** What to check or change. */
  readonly remedy: string;
  /** Field notes (files in the reference set) the cause/remedy draws on. */
  readonly references: readonly string[];
}

const IWA = 'MS-OCAUTHWS 3.2.4.1 (Integrated Windows authentication errors)';
const SOAP = 'MS-OCAUTHWS 3.2.4.1 (SOAP Faults)';
const CERT = 'MS-OCAUTHWS 3.2.4.1 (certificate authentication errors)';
const INTERNAL = 'MS-OCAUTHWS 3.2.4.1 (internal failures after authentication)';
const RST = 'MS-OCAUTHWS 3.2.4.1 (failures while processing the RST)';
const TICKET = 'MS-OCAUTHWS 3.2 (sending the Web ticket as credentials)';
const CERT_NOTE = 'certificate-provisioning-deeper-dive.txt';
const SIGN_NOTE = 'signing-with-issued-token-proof-key.txt';

type Row = Omit<WebTicketErrorInfo, 'errorId'>;
const rows: Record<number, Row> = {
  28000: {
    name: 'UserNotSipEnabled',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 403,
    reason: 'User is not SIP enabled.',
    when: 'The user was authenticated (Integrated Windows authentication) but could not be found in the UAS database.',
    stage: 'integrated-windows-auth',
    transport: ['x-ms-diagnostics'],
    specSection: IWA,
    cause: 'The Windows account authenticated correctly, but it is not enabled for Lync/Skype for Business (no SIP address in the user database of the pool).',
    remedy: 'Enable the account for SIP (Enable-CsUser) and wait for replication to the user’s home pool, or sign in with an account that is SIP enabled.',
    references: [],
  },
  28001: {
    name: 'IwaInternalError',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 500,
    reason: 'Internal error while processing Integrated Windows authentication or authorization.',
    when: 'Some unexpected error occurred in the system during Integrated Windows authentication.',
    stage: 'integrated-windows-auth',
    transport: ['x-ms-diagnostics'],
    specSection: IWA,
    cause:
      'The Web Ticket Service failed internally while handling Kerberos/NTLM authentication or looking the user up (often a domain controller or the user store being unreachable).',
    remedy:
      'Check the Web Services event log on the server named in the header’s source field, domain controller reachability and the health of the user’s home pool; retry after the dependency recovers.',
    references: [],
  },
  28011: {
    name: 'CertificateExpired',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 500,
    reason: 'The certificate is expired.',
    when: 'The client authenticated with a UAS-signed certificate whose validity period has ended.',
    stage: 'certificate-auth',
    transport: ['soap-fault', 'x-ms-diagnostics'],
    specSection: CERT,
    cause:
      'The client certificate issued by the Certificate Provisioning Service has expired (default lifetime 180 days, client may request 8 hours to a year), or the client clock is far off.',
    remedy: 'Let the client obtain a new certificate: sign in once with PIN/credentials so GetAndPublishCert runs again; check client and server clocks.',
    references: [CERT_NOTE],
  },
  28012: {
    name: 'CertificateInvalid',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 500,
    reason: 'The certificate is invalid.',
    when: 'The UAS-signed client certificate failed validation (signature, chain, revocation or content).',
    stage: 'certificate-auth',
    transport: ['soap-fault', 'x-ms-diagnostics'],
    specSection: CERT,
    cause:
      'The presented client certificate was not issued by this deployment’s provisioning service, was revoked (Revoke-CsClientCertificate), or its contents do not match the user.',
    remedy:
      'Remove the stale certificate from the client’s personal store and let it request a new one; verify the certificate’s issuer is the pool’s provisioning CA.',
    references: [CERT_NOTE],
  },
  28013: {
    name: 'CertificateNotFound',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 500,
    reason: 'The certificate is not found.',
    when: 'The client certificate presented is not published for the user in the UAS data store.',
    stage: 'certificate-auth',
    transport: ['soap-fault', 'x-ms-diagnostics'],
    specSection: CERT,
    cause:
      'The certificate is not published in the user’s home pool store: publishing failed when it was issued (data store unavailable), or it was revoked/removed since.',
    remedy:
      'Have the client provision a new certificate (GetAndPublishCert); if publishing keeps failing, check the user’s home pool store (see DataStoreUnavailable).',
    references: ['receive-and-publish-certificate-troubleshooting.txt'],
  },
  28014: {
    name: 'CertificateUserNotFound',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 500,
    reason: 'The user was not found when queried in the database.',
    when: 'The certificate is valid but its user does not exist in the UAS database.',
    stage: 'certificate-auth',
    transport: ['soap-fault', 'x-ms-diagnostics'],
    specSection: CERT,
    cause: 'The user the certificate was issued to has been removed, disabled for SIP or moved so that this pool no longer finds it.',
    remedy: 'Check the user is still SIP enabled and homed on a pool this server can query; re-provision the client certificate after moving the user.',
    references: [],
  },
  28015: {
    name: 'CertificateInternalError',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 500,
    reason: 'There was an internal error while processing a certificate authentication or authorization provided by the UAS.',
    when: 'An unexpected server error occurred while processing UAS-signed certificate authentication.',
    stage: 'certificate-auth',
    transport: ['soap-fault', 'x-ms-diagnostics'],
    specSection: CERT,
    cause: 'The server failed internally while validating the certificate or looking up the user (store or registrar problem).',
    remedy: 'Check the server event log and the Registrar/user store health (e.g. Test-CsClientAuth), then retry.',
    references: ['receive-and-publish-certificate-troubleshooting.txt'],
  },
  28017: {
    name: 'LiveIdSigningKeyUnresolved',
    faultcode: 'wsse:SecurityTokenUnavailable',
    httpStatus: 500,
    reason: 'The Live ID token signing key cannot be resolved. Check that the token is obtained from the appropriate Live ID environment.',
    when: 'Live ID authentication: the key that signed the token could not be located in stores the server knows.',
    stage: 'live-id',
    transport: ['soap-fault'],
    specSection: SOAP,
    cause:
      'The Live ID token was signed by a key this server does not know: it was obtained from a different Live ID environment than the one in the server’s MSWebAuthentication policy.',
    remedy: 'Obtain the token from the Live ID environment advertised in the service metadata (af:MSWebAuthentication policy).',
    references: [],
  },
  28018: {
    name: 'LiveIdIncorrectSitePolicy',
    faultcode: 'wsse:UnsupportedSecurityToken',
    httpStatus: 500,
    reason: 'The Live ID token was produced with the incorrect site policy.',
    when: 'Live ID authentication: the token was constructed using a policy the server does not understand.',
    stage: 'live-id',
    transport: ['soap-fault'],
    specSection: SOAP,
    cause: 'The Live ID token was requested with a site policy the server does not accept.',
    remedy: 'Request the Live ID token with the policy named in the server’s MSWebAuthentication assertion.',
    references: [],
  },
  28019: {
    name: 'LiveIdIdentityNotAssociated',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 500,
    reason: 'The Live ID token identity is not associated with a user account.',
    when: 'Live ID authentication: the token is valid but its identity maps to no user.',
    stage: 'live-id',
    transport: ['soap-fault'],
    specSection: SOAP,
    cause: 'The Live ID identity in the token is not linked to any user account of the deployment.',
    remedy: 'Associate the Live ID with the user account, or sign in with the identity that is associated.',
    references: [],
  },
  28020: {
    name: 'NoValidSecurityToken',
    faultcode: 'wsse:InvalidSecurity',
    httpStatus: 500,
    reason: 'There is no valid security token.',
    when: 'The request carried no security token the server could use.',
    stage: 'live-id',
    transport: ['soap-fault', 'x-ms-diagnostics'],
    specSection: SOAP,
    cause: 'The request carried no usable security token (missing wsse:Security header, wrong token type, or a token the server cannot decrypt).',
    remedy: 'Check the client sends the token inside wsse:Security as the service policy (MEX) requires.',
    references: [],
  },
  28021: {
    name: 'UnsupportedSecurityTokenType',
    faultcode: 'wsse:UnsupportedSecurityTokenType',
    httpStatus: 500,
    reason: 'The security token type is unsupported.',
    when: 'The security token presented is of a type the server does not accept.',
    stage: 'live-id',
    transport: ['soap-fault'],
    specSection: SOAP,
    cause: 'The client presented a token type (ValueType/TokenType) this endpoint does not accept.',
    remedy: 'Use the token type the endpoint’s policy lists (SAML 1.1 web ticket, X.509 UAS certificate, Live ID SAML).',
    references: [],
  },
  28022: {
    name: 'NoValidSubjectStatement',
    faultcode: 'wsse:InvalidSecurityToken',
    httpStatus: 500,
    reason: 'There is no valid subject statement.',
    when: 'The security token has no usable SAML subject statement.',
    stage: 'live-id',
    transport: ['soap-fault'],
    specSection: SOAP,
    cause: 'The SAML token lacks a subject (NameIdentifier / confirmation) the server can map to a user.',
    remedy: 'Check the token issuer includes a subject statement with the user’s identity.',
    references: [],
  },
  28023: {
    name: 'NoValidMessageSecurity',
    faultcode: 'wsse:InvalidSecurity',
    httpStatus: 500,
    reason: 'There is no valid message security.',
    when: 'The message security (signature / timestamp) could not be validated.',
    stage: 'live-id',
    transport: ['soap-fault'],
    specSection: SOAP,
    cause:
      'The WS-Security header is missing, expired or its signature does not verify: typically the timestamp has expired (clock skew) or the message was signed with a different key than the proof key derived from both entropies (PSHA1).',
    remedy:
      'Check client/server clocks and the Timestamp lifetime; check the client derives the proof key with P_SHA1(requestor entropy, issuer entropy) and signs the Timestamp (#_0) with it.',
    references: [CERT_NOTE, SIGN_NOTE],
  },
  28024: {
    name: 'AuthenticationFailed',
    faultcode: 'wsse:FailedAuthentication',
    httpStatus: 500,
    reason: 'Authentication failed.',
    when: 'Authentication with the presented credentials failed.',
    stage: 'live-id',
    transport: ['soap-fault'],
    specSection: SOAP,
    cause: 'The credentials presented were rejected.',
    remedy: 'Check the user name/PIN/password or token and that the account is enabled.',
    references: [],
  },
  28025: {
    name: 'NoValidSecurityPrincipal',
    faultcode: 'wsse:InvalidSecurity',
    httpStatus: 500,
    reason: 'There is no valid security principal.',
    when: 'After successful Integrated Windows or UAS certificate authentication, no security principal was established.',
    stage: 'after-authentication',
    transport: ['soap-fault'],
    specSection: INTERNAL,
    cause: 'Authentication succeeded but the server could not build a security principal for the user (internal failure).',
    remedy: 'Check the server event log; verify the user object in the directory and the Web Services configuration.',
    references: [],
  },
  28026: {
    name: 'NoValidSecurityIdentity',
    faultcode: 'wsse:InvalidSecurity',
    httpStatus: 500,
    reason: 'There is no valid security identity.',
    when: 'After successful authentication, no security identity was established.',
    stage: 'after-authentication',
    transport: ['soap-fault'],
    specSection: INTERNAL,
    cause: 'Authentication succeeded but no identity could be bound to the request (internal failure).',
    remedy: 'Check the server event log and the user’s directory object; retry.',
    references: [],
  },
  28027: {
    name: 'NoValidMessageSecurityAfterAuthentication',
    faultcode: 'wsse:InvalidSecurity',
    httpStatus: 500,
    reason: 'There is no valid message security.',
    when: 'After successful authentication, the message security could not be established.',
    stage: 'after-authentication',
    transport: ['soap-fault'],
    specSection: INTERNAL,
    cause: 'Authentication succeeded but the message security context was not valid (internal failure or a signature/timestamp problem).',
    remedy: 'Check clocks, the signed Timestamp and the server event log.',
    references: [SIGN_NOTE],
  },
  28028: {
    name: 'LiveIdEncryptionKeyUnresolved',
    faultcode: 'wsse:SecurityTokenUnavailable',
    httpStatus: 500,
    reason: 'The Live ID token encryption key cannot be resolved. Check that the token is obtained for this site in the appropriate Live ID environment.',
    when: 'Live ID authentication: the key the token was encrypted for could not be located.',
    stage: 'live-id',
    transport: ['soap-fault'],
    specSection: SOAP,
    cause: 'The Live ID token was encrypted for another site or another Live ID environment.',
    remedy: 'Obtain the token for this site (AppliesTo) in the Live ID environment the server advertises.',
    references: [],
  },
  28032: {
    name: 'WebTicketInvalid',
    faultcode: 'wsse:InvalidSecurityToken',
    httpStatus: 401,
    reason: 'The Web ticket is invalid.',
    when: 'A participating Web service rejected the Web ticket (signature, issuer, audience or format).',
    stage: 'web-ticket-validation',
    transport: ['soap-fault', 'x-ms-diagnostics'],
    specSection: TICKET,
    cause:
      'The web ticket failed validation: not signed by a Web Ticket Service this server trusts, altered, for another audience, or the request signature made with its proof key does not verify.',
    remedy:
      'Request a fresh web ticket from the Web Ticket Service of the pool you are calling; check the proof-key signature (P_SHA1 of both entropies over the Timestamp).',
    references: [SIGN_NOTE, CERT_NOTE],
  },
  28033: {
    name: 'WebTicketExpired',
    faultcode: 'wsse:InvalidSecurityToken',
    httpStatus: 401,
    reason: 'The Web ticket has expired.',
    when: 'A participating Web service received a Web ticket past its lifetime.',
    stage: 'web-ticket-validation',
    transport: ['soap-fault', 'x-ms-diagnostics'],
    specSection: TICKET,
    cause: 'The web ticket’s lifetime ended (by default 15 minutes for external, 8 hours for internal tickets) or the client and server clocks disagree.',
    remedy: 'Request a new web ticket before the old one expires (refresh interval 10 minutes external / 6 hours internal); check clocks.',
    references: [CERT_NOTE],
  },
  28034: {
    name: 'ProofWebTicketWrongServer',
    faultcode: 'wsse:InvalidSecurityToken',
    httpStatus: 401,
    reason: 'Proof Web tickets are only valid at the same Web server where they were requested.',
    when: 'A proof-of-possession Web ticket was presented to a different Web server than the one that issued it.',
    stage: 'web-ticket-validation',
    transport: ['soap-fault'],
    specSection: TICKET,
    cause:
      'The proof web ticket was issued by another web server (e.g. the load balancer sent the request to a different pool member or pool) than the one it was presented to.',
    remedy: 'Request the ticket from the same web server/pool you call (check load-balancer affinity and the AppliesTo address).',
    references: [],
  },
  28035: {
    name: 'SipUriMismatch',
    faultcode: 'wst:RequestFailed',
    httpStatus: 500,
    reason: 'The SIP URI in the claim type requirements of the Web ticket request does not match the SIP URI associated with the presented credentials.',
    when: 'While processing the RST: the requested SIP URI claim differs from the authenticated user.',
    stage: 'rst-processing',
    transport: ['soap-fault'],
    specSection: RST,
    cause: 'The client asked for a ticket for a SIP URI other than the one of the account it authenticated with.',
    remedy: 'Sign in with the SIP address that belongs to the credentials (or fix the user’s SIP address / UPN mapping).',
    references: [],
  },
};

/** Every Web Ticket Service error MS-OCAUTHWS defines, keyed by ErrorId. */
export const WEB_TICKET_ERRORS: Readonly<Record<number, WebTicketErrorInfo>> = Object.freeze(
  Object.fromEntries(
    Object.entries(rows).map(([id, r]) => [
      id,
      Object.freeze({ errorId: Number(id), ...r, transport: Object.freeze([...r.transport]), references: Object.freeze([...r.references]) }),
    ]),
  ),
);

const byName = new Map<string, WebTicketErrorInfo>(Object.values(WEB_TICKET_ERRORS).map((e) => [e.name, e]));

/**
 * The catalog entry for an ErrorId (number or decimal string) or a name; undefined when MS-OCAUTHWS does not define it.
 *
 * @throws never: an unknown ErrorId or name gives undefined.
 */
export function webTicketError(errorIdOrName: number | string): WebTicketErrorInfo | undefined {
  if (typeof errorIdOrName === 'string' && !/^\d+$/.test(errorIdOrName)) return byName.get(errorIdOrName);
  const n = Number(errorIdOrName);
  return Number.isSafeInteger(n) ? WEB_TICKET_ERRORS[n] : undefined;
}

/**
 * True when the ErrorId lies in the Web Ticket Service range 28000–28035 (defined or not).
 *
 * @throws never
 */
export function isWebTicketErrorRange(errorId: number): boolean {
  return Number.isInteger(errorId) && errorId >= 28000 && errorId <= 28035;
}
