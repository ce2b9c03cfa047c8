import { type ServerStore } from './types.js';
export declare function openPostgresStore(url: string, o?: {
    poolSize?: number;
}): Promise<ServerStore>;
//# sourceMappingURL=postgres.d.ts.map