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
export { TlsDskRegistrarPeer, type TlsDskRegistrarPeerOptions, type TlsDskRegistrarResult } from './internal/tls-dsk-registrar-peer.js';
