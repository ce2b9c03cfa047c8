import { StoreError, type ServerStore } from './types.js';
import { ServerError } from '../errors.js';
export type Row = Record<string, unknown>;
/** One statement with $1, $2 … placeholders, inside the current unit of work. */
export type Query = (sql: string, params?: unknown[]) => Promise<Row[]>;
export interface SqlBackend {
    readonly kind: 'sqlite' | 'postgres';
    read<T>(fn: (q: Query) => Promise<T>): Promise<T>;
    /** A transaction: committed (and durable) when fn resolves, rolled back when it throws. */
    write<T>(fn: (q: Query) => Promise<T>): Promise<T>;
    /** One statement, atomic and durable on its own (PostgreSQL: autocommitted, one round trip). */
    writeOne(sql: string, params?: unknown[]): Promise<Row[]>;
    /** Serialise writers touching the same key within a transaction (PostgreSQL advisory lock; SQLite writers are serial). */
    lock(q: Query, key: string): Promise<void>;
    /**
     * The whole publication (lock, duplicate check, revocation of the device's live certificates, insert)
     * as one call when the backend has it (PostgreSQL: one server-side function, one round trip instead of
     * six); the serials revoked. With `q`, inside that unit of work (a transaction of `write`). Throws CertificateStoreError ERR_CERTPROV_STORE_DUPLICATE_SERIAL for a serial
     * already published.
     */
    publishCertificate?(row: CertificateRow, now: number, q?: Query): Promise<string[]>;
    /**
     * The publication with the request's claims, as one atomic call when the backend has it (PostgreSQL: one
     * server-side function, one round trip): each group won by its first key not live, then publishCertificate's
     * steps. Throws ClaimLostError (nothing committed) when a group has no free key.
     */
    publishClaiming?(row: CertificateRow, now: number, claims: readonly ClaimGroup[]): Promise<string[]>;
    close(): Promise<void>;
}
/** A certificate row as stored (normalised keys beside the names as issued). */
export interface CertificateRow {
    serial: string;
    entity: string;
    entityNorm: string;
    deviceId: string;
    deviceNorm: string;
    der: Uint8Array;
    notBefore: number;
    notAfter: number;
    revokedAt: number | null;
}
/** Schema version 1 (migrations append statements; `ocauth_schema` records the applied version). */
export declare function schema(blob: 'BLOB' | 'BYTEA'): string[];
export declare const SCHEMA_VERSION = 1;
/**
 * Run `fn` (one sign-in attempt) with directory lookups shared: the same names looked up twice within it are
 * read from the store once (the throttle canonicalises the account, then the directory checks its secret).
 */
export declare function sharedLookups<T>(fn: () => Promise<T>): Promise<T>;
/** One claim a publication records: the first of `keys` not live now is recorded until `expiresAt`. */
export interface ClaimGroup {
    keys: readonly string[];
    expiresAt: number;
}
/** A claim group had no free key when its publication committed (a concurrent request won it): nothing was published. */
export declare class ClaimLostError extends ServerError {
    readonly group: ClaimGroup;
    readonly code: 'ERR_SERVER_CLAIM_LOST';
    /** @throws never */
    constructor(group: ClaimGroup);
}
export declare function sqlStore(db: SqlBackend): ServerStore;
export { StoreError };
//# sourceMappingURL=sql.d.ts.map