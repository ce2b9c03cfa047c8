export { startServer, SERVICE_PATHS } from './internal/server.js';
export { ServerError, ServerConfigError, type ServerErrorCode } from './internal/errors.js';
export { registerSip, type RegisterSipOptions, type SipRegistration, type SipTlsDskChallenge, type SipTlsDskKeys, type SipGssapiExchange } from './internal/sip/client.js';
export type { ServerConfig, ServerPolicy, ServerLimits, RunningServer, DemoUser } from './internal/server.js';
export type { ServerFaults } from './internal/faults.js';
export { FAULT_NAMES } from './internal/faults.js';
export { createHttpsFetch } from './internal/https-fetch.js';
export type { HttpsFetchOptions } from './internal/https-fetch.js';
export { autodiscoverLinks, certProvMetadata } from './internal/autodiscover.js';
export type { AutodiscoverLinks } from './internal/autodiscover.js';
export { authBrokerWsdl } from './internal/spec-wsdl.js';
export { redact, stderrLogger } from './internal/logger.js';
export type { Logger, LogEntry } from './internal/logger.js';
export { issueServerCertificate } from './internal/pki.js';
// stores
export { openStore } from './internal/store/open.js';
export { createMemoryStore, MemoryUserStore } from './internal/store/memory.js';
export { StoreError } from './internal/store/types.js';
export type { ServerStore, ServerUserDirectory, UserSeed, StoreConfig } from './internal/store/types.js';
// security
export { THROTTLE_DEFAULTS } from './internal/throttle.js';
export type { SignInThrottlePolicy } from './internal/throttle.js';
export type { SecurityStore, AttemptState } from './internal/store/security-tables.js';
