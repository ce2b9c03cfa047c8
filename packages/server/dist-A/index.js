// @ocauth/server: the reference MS-OCAUTHWS pool (3.1 CertProv, 3.2 Web Ticket, 3.3 AuthBroker, 1.5 Autodiscover) and its SIP registrar.
// the server
export { startServer } from './internal/server.js';
export { SERVICE_PATHS } from './internal/config.js';
export { ServerError, ServerConfigError } from './internal/errors.js';
// clients and glue for a first flow
export { createHttpsFetch } from './internal/https-fetch.js';
export { registerSip, } from './internal/sip/client.js';
export { issueServerCertificate } from './internal/pki.js';
export { nodeListener } from './internal/node-adapter.js';
// service descriptions, for composing the protocol packages' handlers yourself
export { certProvMetadata } from './internal/autodiscover.js';
export { authBrokerWsdl } from './internal/spec-wsdl.js';
// stores
export { openStore } from './internal/store/open.js';
export { StoreError } from './internal/store/types.js';
// deliberately broken servers (conformance self-test only)
export { FAULT_NAMES } from './internal/faults.js';
//# sourceMappingURL=index.js.map