import { type DirectoryUser, type NtlmCredential, type PasswordCandidate } from '@ocauth/wstrust';
import { type ServerStore, type ServerUserDirectory, type UserSeed } from './types.js';
export declare class MemoryUserStore implements ServerUserDirectory {
    #private;
    useCredentialKey(key: Uint8Array): void;
    upsertUser(u: UserSeed): Promise<void>;
    setEnabled(sipUri: string, enabled: boolean): Promise<boolean>;
    findUserBySipUri(sipUri: string): Promise<DirectoryUser | null>;
    findUserByAccount(account: string): Promise<DirectoryUser | null>;
    findNtlmCredential(names: readonly string[]): Promise<NtlmCredential | null>;
    verifyPin(identity: string, pin: string): Promise<DirectoryUser | null>;
    verifyPassword(username: string, password: string, alternatives?: readonly PasswordCandidate[]): Promise<DirectoryUser | null>;
}
export declare function createMemoryStore(): ServerStore;
//# sourceMappingURL=memory.d.ts.map