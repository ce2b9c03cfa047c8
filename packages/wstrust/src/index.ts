export { NS, URI } from './internal/ns.js';
export { WsTrustError, SoapFormatError, InvalidRequestError, InvalidResponseError, SecurityError, TicketError, WebTicketServiceError } from './internal/errors.js';
export { pSha1, computeProofKey } from './internal/psha1.js';
export { excC14n } from './internal/c14n.js';
export { parseXmlDocument } from './internal/xml.js';
export type { XDocument, XElement } from './internal/xml.js';
export {
  buildEnvelope,
  buildAddressingHeaders,
  buildAddressingNoneHeaders,
  parseEnvelope,
  buildRequestSecurityToken,
  parseRequestSecurityToken,
  claimedSipUri,
  buildRequestSecurityTokenResponse,
  buildRequestSecurityTokenResponseCollection,
  parseRequestSecurityTokenResponse,
  parseRequestSecurityTokenResponseCollection,
} from './internal/messages.js';
export { buildCompactTicketResponseCollection, parseCompactTicketResponse } from './internal/messages.js';
export type { SoapVersion, AddressingHeaders, ParsedEnvelope, RequestSecurityToken, RequestSecurityTokenResponse, CompactTicketResponse } from './internal/messages.js';
export { signMessage, verifyMessage, insertSecurity, MemoryReplayCache, isoUtc, parseUtc } from './internal/security.js';
export type { SignMessageOptions, VerifyMessageOptions, VerifiedMessage, KeyReference, ReplayCache, DigestAlgorithm, HmacAlgorithm } from './internal/security.js';
export { buildSignedAssertion, parseAssertion, verifyAssertionSignature, wrapKey, unwrapKey, keyNameOf, certificateThumbprintSha1, AssertionError } from './internal/saml.js';
export type { WebTicketAssertion } from './internal/saml.js';
export { createTicketVerifier, parseWebTicketHeaderValue, formatWebTicketHeaderValue } from './internal/verifier.js';
export { mintCompactWebTicket, openCompactWebTicket, deriveCompactTicketKey, formatCompactWebTicketHeaderValue, compactTicketOfHeader, CWT_VERSION, CWT_MAX_LENGTH } from './internal/cwt.js';
export type { CompactWebTicketClaims } from './internal/cwt.js';
export type { TicketVerifier, TicketVerifierOptions, VerifiedTicket, PoolKey } from './internal/verifier.js';
export { MemoryUserDirectory, usernameTokenCandidates, decodeBase64Text, ntHash } from './internal/directory.js';
export type { UserDirectory, DirectoryUser, ClientCertificateValidator, NtlmCredential, PasswordCandidate } from './internal/directory.js';
export { readSoapRequest, SoapRequestError } from './internal/soap-request.js';
export type { SoapRequest, SoapRequestErrorCode, ReadSoapRequestOptions } from './internal/soap-request.js';
export { createWebTicketHandler } from './internal/handler.js';
export type { WebTicketHandlerOptions, WebTicketBinding } from './internal/handler.js';
export { WEB_TICKET_ERRORS, formatMsDiagnosticsHeader, parseMsDiagnosticsHeader } from './internal/catalog.js';
export type { WebTicketErrorInfo } from './internal/catalog.js';
export { buildSoapFault } from './internal/faults.js';
export { buildWsdl, buildFaultEnvelope } from './internal/metadata.js';
export type { WebTicketPortBinding } from './internal/metadata.js';
export { WebTicketClient, discoverFromMetadata, discoverFromResponse } from './internal/client.js';
export type { WebTicketClientOptions, WebTicketCredentials, WebTicket, WebTicketDiscovery, CompactWebTicket } from './internal/client.js';
export { signWithCertificate, verifyCertificateMessage } from './internal/x509-token.js';
export type { SignWithCertificateOptions, VerifiedCertificateMessage } from './internal/x509-token.js';
export { ntlmAuthorizer, md4, ntowfv2, ntlmNegotiateMessage, parseNtlmChallenge, ntlmAuthenticateMessage, ntlmv2Responses, NtlmError } from './internal/ntlm.js';
export type { NtlmChallenge } from './internal/ntlm.js';
export { createNtlmAuthenticator, buildNtlmChallenge, parseNtlmAuthenticate, parseNtlmNegotiate, parseAvPairs, ntlmAccountNames, NTLMSSP, MSV_AV } from './internal/ntlm-server.js';
export type { NtlmAuthenticator, NtlmAuthenticatorOptions, NtlmConnection, NtlmEvent, WindowsAuthResult, NtlmAuthenticate } from './internal/ntlm-server.js';
export { parseSpnego, buildNegTokenResp, buildNegTokenInit } from './internal/spnego.js';
export type { SpnegoToken } from './internal/spnego.js';
