export { startServer } from './internal/server.js';
export { SERVICE_PATHS, type ServerConfig, type ServerPolicy, type ServerLimits, type RunningServer, type DemoUser } from './internal/config.js';
export type { SignInThrottlePolicy } from './internal/throttle.js';
export type { Logger, LogEntry } from './internal/logger.js';
export { ServerError, ServerConfigError, type ServerErrorCode, type StoreErrorCode } from './internal/errors.js';
export { createHttpsFetch } from './internal/https-fetch.js';
export type { HttpsFetchOptions, HttpsExchange } from './internal/https-fetch.js';
export { registerSip, type RegisterSipOptions, type SipRegistration, type SipTlsDskChallenge, type SipTlsDskKeys, type SipGssapiExchange, } from './internal/sip/client.js';
export { issueServerCertificate } from './internal/pki.js';
export { nodeListener, type NodeListenerOptions, type WebHandler } from './internal/node-adapter.js';
export { certProvMetadata } from './internal/autodiscover.js';
export { authBrokerWsdl } from './internal/spec-wsdl.js';
export { openStore } from './internal/store/open.js';
export { StoreError } from './internal/store/types.js';
export type { ServerStore, ServerUserDirectory, UserSeed, StoreConfig } from './internal/store/types.js';
export type { SecurityStore, AttemptState } from './internal/store/security-tables.js';
export type { ClaimGroup } from './internal/store/sql.js';
export { FAULT_NAMES, type ServerFaults } from './internal/faults.js';
//# sourceMappingURL=index.d.ts.map