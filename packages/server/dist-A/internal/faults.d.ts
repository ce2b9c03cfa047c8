import type { TicketVerifier } from '@ocauth/wstrust';
import type { ServerUserDirectory } from './store/types.js';
import type { CertificateStore, CertProvTestFaults } from '@ocauth/certprov';
export interface ServerFaults {
    /** Accept a holder-of-key ticket without checking the proof-of-possession signature (it is removed before verification). */
    skipSignatureCheck?: boolean;
    /** Accept expired tickets and stale/future Timestamps (clock skew of ten years). */
    skipTimestampCheck?: boolean;
    /** Pin binding: any PIN is accepted for a known identity. */
    acceptAnyPin?: boolean;
    /** Do not check a ticket's Audience against this server's services. */
    skipAudienceCheck?: boolean;
    /** Auth binding: any password is accepted for a known user name. */
    acceptAnyPassword?: boolean;
    /** Cert binding: revoked (superseded) certificates still authenticate their user. */
    acceptRevokedCertificates?: boolean;
    /** SIP registrar: a signed REGISTER is accepted whatever its `response=` signature ([MS-SIPAE]). */
    sipSkipSignatureCheck?: boolean;
    /** CertProv: the Entity is not compared with the ticket's SIP URI (3.1.4.1.5.2): any provisioned user's certificate is issued. */
    skipEntityCheck?: boolean;
    /** CertProv: the requested ValidityPeriod/ValidityPeriodUnits are ignored (3.1.4.1.2.3): every certificate gets the policy maximum. */
    ignoreRequestedValidity?: boolean;
    /** CertProv: every refusal is answered ResponseCode InternalError (3.1.4.1.4.1 meanings lost). */
    refusalsAsInternalError?: boolean;
    /** CertProv: a BinarySecurityToken whose ValueType attribute is not #PKCS10 or whose EncodingType attribute is not #base64binary is taken as one (3.1.4.1.2.3). */
    acceptAnyCsrValueType?: boolean;
    /** Web Ticket Service: 128-bit server entropy for the 256-bit key (3.2.4.1.3.4 Entropy "the same as the KeySize"). */
    shortServerEntropy?: boolean;
    /** Autodiscover: a refused X-MS-WebTicket is a bare 401 without X-Ms-diagnostics (3.2). */
    autodiscoverBare401?: boolean;
    /** Authentication Broker: AuthBrokerAcquireCredentialResult in milliseconds instead of seconds (3.3.4.3). */
    credentialLifetimeMilliseconds?: boolean;
    /** Authentication Broker: client and server signing keys swapped (key block bytes 96–127 / 64–127 of [MS-SIPAE] taken the wrong way round). */
    swapTlsDskKeys?: boolean;
    /** A message signature whose ds:SignatureMethod carries ds:HMACOutputLength is not verified (CVE-2009-0217). */
    acceptTruncatedHmac?: boolean;
    /** CertProv: the issuing CA's chain (PKCS#7) is left out of GetAndPublishCertResponse (3.1.1 Trusted Certificate Authorities). */
    omitIssuerChain?: boolean;
    /** Web Ticket Service: the certificate (2) authentication errors 28011–28015 all reported as 28024 "Authentication failed". */
    certErrorIdsCollapsed?: boolean;
    /** Authentication Broker: X-Ms-diagnostics names a component (source="ocauth-authbroker"), not the server's FQDN (3.2.4.1 ABNF). */
    diagnosticsSourceNotFqdn?: boolean;
    /** The service descriptions lose what 6.1, 6.2 and 6.3 print: CertProv ?wsdl without its types and portType, Web Ticket ?wsdl without its messages and portType, no AuthBroker ?wsdl. */
    stubServiceDescriptions?: boolean;
    /** Autodiscover's User links name no AuthBroker (1.5). */
    autodiscoverWithoutBroker?: boolean;
    /** Authentication Broker: a second AuthBrokerAcquireCredential(V2) on a session is answered as the first (3.3.4 "once per session"). */
    acquireCredentialRepeatable?: boolean;
    /** Authentication Broker: MaxSignature 20 on every leg, not 0 before the signing keys (3.3.4.4.3.2). */
    maxSignatureAlwaysSet?: boolean;
    /** Authentication Broker: SHA-256 reported whatever the caller offered (3.3.4.1.3.1, 3.3.4.7.3). */
    hashAlgorithmIgnoresOffer?: boolean;
    /** CertProv: a PKCS#10 in PEM armour inside the BinarySecurityToken (as the 4.1.1 example sends it) is not understood. */
    refusePemArmouredCsr?: boolean;
    /** Authentication Broker: CreateAuthBrokerSession answered without HashAlgorithm (the 4.3.2 / 3.3.4.1.3.1 shape lost). */
    createSessionWithoutHashAlgorithm?: boolean;
    /** Web Ticket Service: an OAuth2 bearer token is taken at its word (its sip/smtp claim names the user; issuer, signature, actor token and audience unchecked: MS-OCAUTHWS 3.2). */
    acceptUnverifiedOAuth2?: boolean;
    /** Web Ticket Service: the errors 28020 / 28021 (SOAP error table) and 28035 (RST table) of 3.2.4.1 reported as 28024 "Authentication failed". */
    securityTokenErrorIdsCollapsed?: boolean;
    /** Web Ticket Service: the RSTR's wst:Lifetime (wsu:Created / wsu:Expires) is left out (3.2.4.1.3.4). */
    omitTicketLifetime?: boolean;
    /** CertProv: a request of any HTTP method is processed as a POST (2.1 / SOAP 1.2 HTTP binding: GetAndPublishCert is a POST; others 405). */
    certProvAnyMethod?: boolean;
    /** Every body cap (listener, pre-authentication gate, CertProv) raised to 64 MiB: an oversized body is read and processed instead of 413. */
    bodyCapIgnored?: boolean;
    /** CertProv: the SOAPAction header and the wsa:Action header are not compared with GetAndPublishCert's action (4.1.1, 6.1). */
    certProvIgnoresAction?: boolean;
    /** CertProv: a SOAP 1.2 request is answered with a SOAP 1.1 envelope and text/xml (2.1). */
    soap12AnsweredAsSoap11?: boolean;
    /** CertProv: a DeviceId with whitespace around its GUID (longer than the 38 characters of the braced form) is trimmed and accepted (3.1.4.1.5.1; issue 16 item 7). */
    deviceIdPaddingAccepted?: boolean;
    /** CertProv: the key-size policy's minimum is 256 bits (an RSA-512 CSR is issued a certificate; 3.1.4.1.4.1 InvalidPublicKey). */
    keySizePolicyIgnored?: boolean;
    /** CertProv: the policy's maximum validity is about 114 years, so a requested validity above the usual maximum is neither clamped nor refused (3.1.4.1.2.3, MS-WCCE). */
    validityUnbounded?: boolean;
    /** Authentication Broker: a disabled account still obtains its (cached) certificate: AcquireCredential answers its remaining lifetime, not 0 (3.3.4.3). */
    disabledAccountCredential?: boolean;
    /** CertProv: a CSR whose key is not RSA (EC P-256) is issued a certificate instead of InvalidPublicKey (3.1.4.1.4.1). */
    nonRsaKeyAccepted?: boolean;
    /** CertProv: a weak RSA key (public exponent 3) is issued a certificate instead of InvalidPublicKey (3.1.4.1.4.1). */
    weakRsaKeyAccepted?: boolean;
    /** CertProv: a CSR asking for serverAuth only is issued a certificate instead of InvalidEKU (3.1.4.1.4.1). */
    ekuNotChecked?: boolean;
}
export declare const FAULT_NAMES: readonly ["skipSignatureCheck", "skipTimestampCheck", "acceptAnyPin", "skipAudienceCheck", "acceptAnyPassword", "acceptRevokedCertificates", "skipEntityCheck", "ignoreRequestedValidity", "refusalsAsInternalError", "acceptAnyCsrValueType", "shortServerEntropy", "autodiscoverBare401", "credentialLifetimeMilliseconds", "swapTlsDskKeys", "acceptTruncatedHmac", "omitIssuerChain", "certErrorIdsCollapsed", "diagnosticsSourceNotFqdn", "stubServiceDescriptions", "autodiscoverWithoutBroker", "acquireCredentialRepeatable", "maxSignatureAlwaysSet", "hashAlgorithmIgnoresOffer", "refusePemArmouredCsr", "createSessionWithoutHashAlgorithm", "sipSkipSignatureCheck", "acceptUnverifiedOAuth2", "securityTokenErrorIdsCollapsed", "omitTicketLifetime", "certProvAnyMethod", "bodyCapIgnored", "certProvIgnoresAction", "soap12AnsweredAsSoap11", "deviceIdPaddingAccepted", "keySizePolicyIgnored", "validityUnbounded", "disabledAccountCredential", "nonRsaKeyAccepted", "weakRsaKeyAccepted", "ekuNotChecked"];
/** nonRsaKeyAccepted / weakRsaKeyAccepted / ekuNotChecked: the CSR checks the certprov handler skips (its `testFaults`). */
export declare function faultyCsrChecks(faults: ServerFaults): {
    testFaults?: CertProvTestFaults;
};
/** acceptUnverifiedOAuth2: the OAuth2 validator of a server that validates nothing (the payload's sip or smtp claim is the user). */
export declare function unverifiedOAuth2(faults: ServerFaults): {
    oauthValidator?: (token: string) => Promise<{
        sipUri: string;
    } | null>;
};
/** stubServiceDescriptions: ?wsdl of CertProv and the Web Ticket Service reduced to their policy and service, of the broker refused. */
export declare function faultyServiceDescription(h: WebHandler, faults: ServerFaults, service: 'certProv' | 'webTicket' | 'authBroker'): WebHandler;
type WebHandler = (req: Request) => Promise<Response>;
/** Remove ds:Signature children of wsse:Security (the proof-of-possession signature), keeping the ticket's own signature. */
export declare function stripMessageSignature(xml: string): string;
/**
 * The ticket verifier with the verifier-level faults: skipSignatureCheck (message signature removed),
 * acceptTruncatedHmac (a signature carrying HMACOutputLength removed, the rest checked by `lax`, a verifier
 * without the proof-of-possession requirement), skipEntityCheck (the SIP URI reported is the request's Entity).
 */
export declare function faultyVerifier(v: TicketVerifier, faults: ServerFaults, lax?: TicketVerifier): TicketVerifier;
/** CertProv with its faults: acceptAnyCsrValueType (request rewritten), refusalsAsInternalError (response rewritten). */
export declare function faultyCertProvHandler(h: WebHandler, faults: ServerFaults): WebHandler;
/** The Web Ticket Service with certErrorIdsCollapsed / securityTokenErrorIdsCollapsed (ErrorId in X-Ms-diagnostics and af:ErrorId rewritten) and omitTicketLifetime. */
export declare function faultyWebTicketHandler(h: WebHandler, faults: ServerFaults): WebHandler;
/** The Authentication Broker with its faults: credentialLifetimeMilliseconds, swapTlsDskKeys, diagnosticsSourceNotFqdn (responses rewritten). */
export declare function faultyBrokerHandler(h: WebHandler, faults: ServerFaults): WebHandler;
/** Autodiscover with autodiscoverBare401 (refusals lose their X-Ms-diagnostics) and autodiscoverWithoutBroker. */
export declare function faultyAutodiscoverHandler(h: WebHandler, faults: ServerFaults): WebHandler;
/** shortServerEntropy: the Web Ticket Service's random source returns 16 bytes when 32 (the 256-bit key's entropy) are asked. */
export declare function faultyRandom(faults: ServerFaults): {
    random?: (n: number) => Uint8Array;
};
/** ignoreRequestedValidity: a policy that gives every certificate the maximum validity whatever was asked. */
export declare function faultyValidityPolicy(faults: ServerFaults): {
    minValidityHours?: number;
    defaultValidityHours?: number;
    maxValidityHours?: number;
    minKeySizeBits?: number;
};
/** bodyCapIgnored: the body cap every layer applies (listener, pre-authentication gate, CertProv) raised to 64 MiB. */
export declare function faultyBodyCap(faults: ServerFaults, cap: number): number;
/** disabledAccountCredential: the broker's account look-ups answer "enabled" for every known user (the cached certificate is handed out). */
export declare function faultyBrokerAccount<U extends {
    enabled: boolean;
}>(faults: ServerFaults, u: U | null | undefined): U | null | undefined;
export declare function faultyDirectory(d: ServerUserDirectory, faults: ServerFaults): ServerUserDirectory;
/** Cert binding validator that ignores revocation (acceptRevokedCertificates). */
export declare function revocationBlindStore(store: CertificateStore): CertificateStore;
export {};
//# sourceMappingURL=faults.d.ts.map