// @ocauth/wstrust — MS-OCAUTHWS 3.2 Web Ticket Service (client, IssueToken handler, ticket verifier) over SOAP,
// WS-Addressing, WS-Security and SAML 1.1; the public API (internals under src/internal/).

// Errors: one base class, closed codes.
export {
  WsTrustError,
  SoapFormatError,
  InvalidRequestError,
  InvalidResponseError,
  SecurityError,
  AssertionError,
  TicketError,
  NtlmError,
  WebTicketServiceError,
} from './internal/errors.js';
export type { WsTrustErrorCode, WsTrustErrorOptions, SecurityErrorCode, AssertionErrorCode, TicketErrorCode } from './internal/errors.js';

// Web Ticket Service: client, handler, ticket verifier.
export { WebTicketClient, discoverFromMetadata, discoverFromResponse } from './internal/client.js';
export { webTicketBindings } from './internal/bindings.js';
export type { WebTicketBindingInfo } from './internal/bindings.js';
export type { WebTicketClientOptions, WebTicketCredentials, WebTicket, WebTicketDiscovery, CompactWebTicket } from './internal/client.js';
export { createWebTicketHandler } from './internal/handler.js';
export type { WebTicketHandlerOptions, WebTicketBinding } from './internal/issue-token/options.js';
export { createTicketVerifier } from './internal/verifier.js';
export type { TicketVerifier, TicketVerifierOptions, VerifiedTicket, PoolKey } from './internal/verifier.js';
export { mintCompactWebTicket, openCompactWebTicket, compactTicketOfHeader } from './internal/cwt.js';
export type { CompactWebTicketClaims } from './internal/cwt.js';
export { MemoryUserDirectory, ntHash } from './internal/directory.js';
export type { UserDirectory, DirectoryUser, ClientCertificateValidator, NtlmCredential, PasswordCandidate, SignInHooks } from './internal/directory.js';
export { createNtlmAuthenticator } from './internal/ntlm-server.js';
export type { NtlmAuthenticator, NtlmAuthenticatorOptions, NtlmConnection, NtlmEvent, WindowsAuthResult } from './internal/ntlm-server.js';
export { ntlmAuthorizer } from './internal/ntlm.js';

// SOAP and WS-Trust messages.
export { URI } from './internal/ns.js';
export { readSoapRequest, SoapRequestError } from './internal/soap-request.js';
export type { SoapRequest, SoapRequestErrorCode, ReadSoapRequestOptions } from './internal/soap-request.js';
export {
  buildEnvelope,
  buildAddressingHeaders,
  parseEnvelope,
  buildRequestSecurityToken,
  parseRequestSecurityToken,
  parseRequestSecurityTokenResponseCollection,
  parseCompactTicketResponse,
} from './internal/messages.js';
export type {
  SoapVersion,
  AddressingHeaders,
  ParsedEnvelope,
  RequestSecurityToken,
  RequestSecurityTokenResponse,
  CompactTicketResponse,
} from './internal/messages.js';

// WS-Security and SAML 1.1.
export { signMessage, verifyMessage, MemoryReplayCache } from './internal/security.js';
export type {
  SignMessageOptions,
  VerifyMessageOptions,
  VerifiedMessage,
  KeyReference,
  ReplayCache,
  DigestAlgorithm,
  HmacAlgorithm,
} from './internal/security.js';
export { signWithCertificate, verifyCertificateMessage } from './internal/x509-token.js';
export type { SignWithCertificateOptions, VerifiedCertificateMessage } from './internal/x509-token.js';
export { buildSignedAssertion, parseAssertion, wrapKey, keyNameOf } from './internal/saml.js';
export type { WebTicketAssertion } from './internal/saml.js';
