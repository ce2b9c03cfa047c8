// In-memory store: the sibling packages' memory implementations behind the ServerStore shape.
import { MemoryUserDirectory, type DirectoryUser } from '@ocauth/wstrust';
import { MemoryCertificateStore } from '@ocauth/certprov';
import { MemoryAuthBrokerSessionStore } from '@ocauth/authbroker';
import type { SeedUser, ServerStore, ServerUserDirectory } from './types.js';

class MemoryServerUsers implements ServerUserDirectory {
  #dir = new MemoryUserDirectory();
  #seeds = new Map<string, SeedUser>();
  async putUser(u: SeedUser): Promise<void> {
    this.#seeds.set(u.sipUri.toLowerCase(), u);
    const dir = new MemoryUserDirectory();
    for (const s of this.#seeds.values()) {
      const user: DirectoryUser = { sipUri: s.sipUri, enabled: s.enabled ?? true, ...(s.displayName ? { displayName: s.displayName } : {}) };
      dir.add(user, { ...(s.pin !== undefined ? { pin: s.pin } : {}), ...(s.password !== undefined ? { password: s.password } : {}), phone: s.phone ?? [], accounts: s.accounts ?? [] });
    }
    this.#dir = dir;
  }
  findUserBySipUri(s: string) { return this.#dir.findUserBySipUri(s); }
  findUserByAccount(a: string) { return this.#dir.findUserByAccount(a); }
  verifyPin(i: string, p: string) { return this.#dir.verifyPin(i, p); }
  verifyPassword(u: string, p: string) { return this.#dir.verifyPassword(u, p); }
}

export function createMemoryStore(): ServerStore {
  return { kind: 'memory', users: new MemoryServerUsers(), certificates: new MemoryCertificateStore(), sessions: new MemoryAuthBrokerSessionStore(), close: async () => {} };
}
