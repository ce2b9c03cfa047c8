// openStore: the configured ServerStore (memory, SQLite in dataDir, or PostgreSQL) with the NT-hash sealing key of dataDir.
import { mkdirSync } from 'node:fs';
import { loadOrCreateCredentialKey } from '../secrets.js';
import { createMemoryStore } from './memory.js';
import { StoreError, type ServerStore, type StoreConfig } from './types.js';

/**
 * Open the configured store (the SQLite file defaults to dataDir/ocauth.sqlite); NT hashes are sealed
 * under dataDir/credential-key.bin (created when missing).
 *
 * @throws {StoreError} ERR_SERVER_STORE_CONFIG when the store configuration is invalid, ERR_SERVER_STORE_OPEN when the database cannot be opened or migrated
 */
export async function openStore(config: StoreConfig, dataDir: string): Promise<ServerStore> {
  const store = await openStoreKind(config, dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    store.users.useCredentialKey?.(loadOrCreateCredentialKey(dataDir));
  } catch (e) {
    await store.close().catch(() => {});
    throw new StoreError(
      'ERR_SERVER_STORE_OPEN',
      `credential key in ${dataDir}: expected a readable or creatable 32-byte file, received ${(e as Error).message}`,
      { cause: e },
    );
  }
  return store;
}

async function openStoreKind(config: StoreConfig, dataDir: string): Promise<ServerStore> {
  switch (config.kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite.js');
      return openSqliteStore(config.file ?? `${dataDir}/ocauth.sqlite`);
    }
    case 'postgres': {
      const { openPostgresStore } = await import('./postgres.js');
      return openPostgresStore(config.url, {
        ...(config.poolSize === undefined ? {} : { poolSize: config.poolSize }),
        ...(config.preparedStatements === undefined ? {} : { preparedStatements: config.preparedStatements }),
      });
    }
    default:
      throw new StoreError(
        'ERR_SERVER_STORE_CONFIG',
        `store.kind: expected memory, sqlite or postgres, received ${JSON.stringify((config as { kind?: unknown }).kind)}`,
      );
  }
}
