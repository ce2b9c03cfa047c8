import { type RunningServer, type ServerConfig } from './config.js';
/**
 * Start the reference server. Resolves once it listens; `close()` stops it and closes the store.
 *
 * @throws {ServerConfigError} ERR_SERVER_CONFIG when a ServerConfig value is invalid (`field` names it)
 * @throws {StoreError} ERR_SERVER_STORE_CONFIG / ERR_SERVER_STORE_OPEN when the store cannot be opened, ERR_SERVER_USER when a seeded user is invalid
 * @throws Node's listen error (`EADDRINUSE`, `EACCES`) when the HTTPS or SIP port cannot be bound
 */
export declare function startServer(config?: ServerConfig): Promise<RunningServer>;
//# sourceMappingURL=server.d.ts.map