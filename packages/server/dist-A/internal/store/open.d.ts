import { type ServerStore, type StoreConfig } from './types.js';
/**
 * Open the configured store (the SQLite file defaults to dataDir/ocauth.sqlite); NT hashes are sealed
 * under dataDir/credential-key.bin (created when missing).
 *
 * @throws {StoreError} ERR_SERVER_STORE_CONFIG when the store configuration is invalid, ERR_SERVER_STORE_OPEN when the database cannot be opened or migrated
 */
export declare function openStore(config: StoreConfig, dataDir: string): Promise<ServerStore>;
//# sourceMappingURL=open.d.ts.map