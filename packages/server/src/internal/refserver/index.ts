// Engineer B's implementation of the @ocauth/server contract (see COORDINATION.md): the lead can make
// it the package entry with `export * from './internal/refserver/index.js'` in src/index.ts.
export { startServer, ServerConfigError, SERVICE_PATHS } from './server.js';
export type { ServerConfig, RunningServer, ServerPolicy, ServerFaults } from './server.js';
export type { ServerLogger, LogEntry } from './log.js';
export { openStore } from './stores/open.js';
export type { StoreConfig } from './stores/open.js';
export { createMemoryStore } from './stores/memory.js';
export { ServerStoreError } from './stores/types.js';
export type { ServerStore, ServerUserDirectory, SeedUser } from './stores/types.js';
export { createAutodiscoverHandler, userLinks } from './autodiscover.js';
export type { AutodiscoverUrls } from './autodiscover.js';
export { nodeListener } from './http-adapter.js';
export type { AdapterOptions, WebHandler } from './http-adapter.js';
export { createHttpsFetch } from './https-fetch.js';
export type { HttpsFetchOptions } from './https-fetch.js';
