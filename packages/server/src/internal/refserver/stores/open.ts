import { ServerStoreError, type ServerStore } from './types.js';
import { createMemoryStore } from './memory.js';

export type StoreConfig = { kind: 'memory' } | { kind: 'sqlite'; path?: string } | { kind: 'postgres'; url: string; poolSize?: number };

export async function openStore(c: StoreConfig, dataDir: string): Promise<ServerStore> {
  switch (c.kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite.js');
      return openSqliteStore(c.path ?? `${dataDir}/ocauth.sqlite`);
    }
    case 'postgres': {
      const { openPostgresStore } = await import('./postgres.js');
      return openPostgresStore(c.url, c.poolSize === undefined ? {} : { poolSize: c.poolSize });
    }
    default:
      throw new ServerStoreError('ERR_SERVER_STORE_CONFIG', `store.kind: expected memory, sqlite or postgres, received ${JSON.stringify((c as { kind?: unknown }).kind)}`);
  }
}
