export { AuthBrokerError, TlsDskError, type AuthBrokerErrorCode } from './internal/errors.js';
export { SecurityStatus, securityStatusName, isSecurityStatusSuccess, formatSecurityStatus, type SecurityStatusName } from './internal/security-status.js';
export {
  splitKeyBlock,
  TLS_DSK_KEY_LABEL,
  TLS_DSK_KEY_BLOCK_LENGTH,
  type TlsDskCredential,
  type TlsDskKeys,
  type TlsDskProtocol,
} from './internal/tls-dsk-common.js';
export { TlsDskClient, type TlsDskClientOptions, type TlsDskStep, type TlsDskClientState } from './internal/tls-dsk-client.js';
export { certProvCredentialSource, deviceIdFor, type CertProvCredentialSourceOptions } from './internal/certprov-credential-source.js';
export { TlsDskRegistrarPeer, type TlsDskRegistrarPeerOptions, type TlsDskRegistrarResult } from './internal/tls-dsk-registrar-peer.js';
export { NS as AUTH_BROKER_NS } from './internal/xml.js';
export { AUTH_BROKER_OPERATIONS, AUTH_BROKER_ACTION_BASE, actionOf, operationOfAction, type AuthBrokerOperation } from './internal/actions.js';
export {
  HASH_ALGORITHMS,
  HASH_ALGORITHM_IDS,
  HASH_DIGEST_BYTES,
  normalizeHashAlgorithm,
  hashAlgorithmFromId,
  negotiateHashAlgorithm,
  type HashAlgorithmName,
} from './internal/hash-algorithm.js';
export {
  buildAuthBrokerRequest,
  buildAuthBrokerResponse,
  buildSoapFault,
  parseAuthBrokerRequest,
  parseAuthBrokerResponse,
  AuthBrokerSoapFault,
  type AuthBrokerRequestHeaders,
  type BuildOptions,
  type ParsedAuthBrokerRequest,
  type ParsedAuthBrokerResponse,
  type AuthBrokerRequestBodies,
  type AuthBrokerResponseBodies,
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
export { MemoryAuthBrokerSessionStore, type AuthBrokerSessionRecord, type AuthBrokerSessionStore } from './internal/session-store.js';
export { createAuthBrokerHandler } from './internal/handler.js';
export {
  type AuthBrokerHandler,
  type AuthBrokerHandlerOptions,
  type AuthBrokerTicket,
  type AuthBrokerTicketVerifier,
  type CredentialSource,
  type CredentialRequest,
  type AcquiredCredential,
} from './internal/options.js';
export { AuthBrokerClient, type AuthBrokerClientOptions, type WebTicketInput, type NegotiateSaResult, type GssapiExchange } from './internal/client.js';
export { tlsPrf, deriveTlsDskKeys } from './internal/tls-prf.js';
