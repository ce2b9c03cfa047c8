// Public API of @ocauth/authbroker: the Authentication Broker Service of MS-OCAUTHWS 3.3 and the TLS-DSK engine of MS-SIPAE.
// SecurityStatus values and their explanations are @ocauth/diagnostics' (SecurityStatus, explain({ securityStatus })).
export { AuthBrokerError, TlsDskError, type AuthBrokerErrorCode, type AuthBrokerErrorOptions } from './internal/errors.js';
export { AuthBrokerSoapFault, type AuthBrokerSoapFaultInit } from './internal/messages.js';

// The service (MS-OCAUTHWS 3.3).
export { createAuthBrokerHandler } from './internal/handler.js';
export type {
  AuthBrokerHandler,
  AuthBrokerHandlerOptions,
  AuthBrokerTicket,
  AuthBrokerTicketVerifier,
  CredentialSource,
  CredentialRequest,
  AcquiredCredential,
} from './internal/options.js';
export { certProvCredentialSource, deviceIdFor, type CertProvCredentialSourceOptions } from './internal/certprov-credential-source.js';
export { MemoryAuthBrokerSessionStore, type AuthBrokerSessionRecord, type AuthBrokerSessionStore } from './internal/session-store.js';

// The client.
export { AuthBrokerClient, type AuthBrokerClientOptions, type WebTicketInput, type NegotiateSaResult, type GssapiExchange } from './internal/client.js';

// The messages (MS-OCAUTHWS 3.3.4, WSDL 6.3).
export { AUTH_BROKER_OPERATIONS, type AuthBrokerOperation } from './internal/actions.js';
export { HASH_ALGORITHMS, type HashAlgorithmName } from './internal/hash-algorithm.js';
export {
  buildAuthBrokerRequest,
  buildAuthBrokerResponse,
  parseAuthBrokerRequest,
  parseAuthBrokerResponse,
  type AuthBrokerRequestBodies,
  type AuthBrokerResponseBodies,
  type AuthBrokerRequestHeaders,
  type BuildOptions,
  type ParsedAuthBrokerRequest,
  type ParsedAuthBrokerResponse,
  // The message types, named after the spec's elements (3.3.4.n.2 / 3.3.4.n.3).
  type CreateAuthBrokerSession,
  type CreateAuthBrokerSessionResponse,
  type TerminateAuthBrokerSession,
  type TerminateAuthBrokerSessionResponse,
  type AuthBrokerAcquireCredential,
  type AuthBrokerAcquireCredentialResponse,
  type AuthBrokerNegotiateSecurityAssociation,
  type NegotiateSaResponse,
  type CreateAuthBrokerSessionV2,
  type CreateAuthBrokerSessionV2Response,
  type AuthBrokerAcquireCredentialV2,
  type AuthBrokerAcquireCredentialV2Response,
  type AuthBrokerNegotiateSecurityAssociationV2,
  type NegotiateSaResponseV2,
} from './internal/messages.js';

// TLS-DSK (MS-SIPAE): the broker's engine and the SIP registrar's side.
export { TlsDskClient, type TlsDskClientOptions, type TlsDskStep, type TlsDskClientState } from './internal/tls-dsk-client.js';
export { TlsDskRegistrarPeer, type TlsDskRegistrarPeerOptions, type TlsDskRegistrarResult } from './internal/tls-dsk-registrar-peer.js';
export type { TlsDskCredential, TlsDskKeys, TlsDskProtocol } from './internal/tls-dsk-common.js';
