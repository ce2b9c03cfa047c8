import { ServerError, type StoreErrorCode } from '../errors.js';
import type { UserDirectory } from '@ocauth/wstrust';
import type { CertificateStore, StoredCertificate } from '@ocauth/certprov';
import type { ClaimGroup } from './sql.js';
import type { AuthBrokerSessionStore } from '@ocauth/authbroker';
import type { SecurityStore } from './security-tables.js';
/** A user to create or replace. PIN and password are stored as scrypt hashes. */
export interface UserSeed {
    /** `sip:user@domain`. */
    sipUri: string;
    enabled?: boolean;
    displayName?: string;
    /** Pin binding secret (identity = SIP URI, phone number or account). */
    pin?: string;
    /** Auth binding / HTTP Basic secret. */
    password?: string;
    /** Phone numbers / extensions accepted as the Pin identity. */
    phones?: string[];
    /** Windows account name `DOMAIN\\user` (Auth binding user name, NTLM). */
    account?: string;
    /** User principal name `user@domain` (Auth binding user name, NTLM with an empty domain). */
    upn?: string;
    /** Further names (DOMAIN\\user, UPN) accepted as user name. */
    accounts?: string[];
}
export interface ServerUserDirectory extends UserDirectory {
    upsertUser(user: UserSeed): Promise<void>;
    setEnabled(sipUri: string, enabled: boolean): Promise<boolean>;
    /**
     * The key NT hashes are sealed under (AES-256-GCM; openStore passes dataDir/credential-key.bin). From then
     * on, setting a password also stores its NT hash for NTLM; without a key no NT hash is stored.
     */
    useCredentialKey?(key: Uint8Array): void;
}
export interface ServerStore {
    readonly kind: 'memory' | 'sqlite' | 'postgres';
    readonly users: ServerUserDirectory;
    readonly certificates: CertificateStore & {
        count(): Promise<number>;
        /** Publish and record `claims` in one transaction (SQL stores); throws ClaimLostError, publishing nothing, when a group has no free key. */
        publishClaiming?(cert: StoredCertificate, now: Date, claims: readonly ClaimGroup[]): Promise<{
            revoked: string[];
        }>;
    };
    readonly sessions: AuthBrokerSessionStore;
    /** Sign-in failure counters and the replay cache (shared by a pool's servers). */
    readonly security: SecurityStore;
    close(): Promise<void>;
}
export type StoreConfig = {
    kind: 'memory';
} | {
    kind: 'sqlite';
    file?: string;
} | {
    kind: 'postgres';
    url: string;
    poolSize?: number;
};
/** A store failure (one of the ServerError model's ERR_SERVER_STORE_* / ERR_SERVER_USER codes). */
export declare class StoreError extends ServerError {
    readonly code: StoreErrorCode;
    /** @throws never */
    constructor(code: StoreErrorCode, message: string, options?: {
        cause?: unknown;
    });
}
export declare const normEntity: (e: string) => string;
export declare const normSip: (s: string) => string;
export declare function checkSeed(u: UserSeed): void;
/**
 * Every name that denotes the user, lower-cased: the SIP URI with and without `sip:`, phone numbers, the
 * account `DOMAIN\\user`, the UPN and further accounts. Lookups lower-case the name they are given.
 */
export declare function identitiesOf(u: UserSeed): string[];
/** At most this many readings of one UsernameToken are checked (plain, then base64-decoded). */
export declare const MAX_PASSWORD_CANDIDATES = 2;
//# sourceMappingURL=types.d.ts.map