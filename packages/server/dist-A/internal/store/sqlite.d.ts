import { type ServerStore } from './types.js';
export declare function openSqliteStore(path: string): Promise<ServerStore>;
//# sourceMappingURL=sqlite.d.ts.map