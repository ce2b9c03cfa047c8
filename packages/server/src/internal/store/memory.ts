// In-memory ServerStore (tests, ephemeral demos): the same behaviour as the SQL stores, nothing persisted.
import { MemoryCertificateStore } from '@ocauth/certprov';
import { MemoryAuthBrokerSessionStore } from '@ocauth/authbroker';
import type { DirectoryUser } from '@ocauth/wstrust';
import { hashSecret, verifySecret } from '../secrets.js';
import { MemorySecurityStore } from './security-tables.js';
import { checkSeed, identitiesOf, normSip, type ServerStore, type ServerUserDirectory, type UserSeed } from './types.js';

// Security (issue 16 item 11): an unknown user or a user without that secret costs the same scrypt as a wrong secret.
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashSecret(`ocauth-dummy-${Math.random()}`));

interface Row { user: DirectoryUser; pinHash: string | null; passwordHash: string | null; identities: string[] }

export class MemoryUserStore implements ServerUserDirectory {
  readonly #rows = new Map<string, Row>();
  async upsertUser(u: UserSeed): Promise<void> {
    checkSeed(u);
    const [pinHash, passwordHash] = await Promise.all([u.pin === undefined ? null : hashSecret(u.pin), u.password === undefined ? null : hashSecret(u.password)]);
    this.#rows.set(normSip(u.sipUri), { user: { sipUri: u.sipUri, enabled: u.enabled ?? true, ...(u.displayName ? { displayName: u.displayName } : {}) }, pinHash, passwordHash, identities: identitiesOf(u) });
  }
  async setEnabled(sipUri: string, enabled: boolean): Promise<boolean> {
    const r = this.#rows.get(normSip(sipUri));
    if (!r) return false;
    r.user = { ...r.user, enabled };
    return true;
  }
  #byIdentity(id: string): Row | undefined {
    const k = id.toLowerCase();
    for (const r of this.#rows.values()) if (r.identities.includes(k)) return r;
    return undefined;
  }
  async findUserBySipUri(sipUri: string): Promise<DirectoryUser | null> {
    const r = this.#rows.get(normSip(sipUri));
    return r ? { ...r.user } : null;
  }
  async findUserByAccount(account: string): Promise<DirectoryUser | null> {
    const r = this.#byIdentity(account);
    return r ? { ...r.user } : null;
  }
  async verifyPin(identity: string, pin: string): Promise<DirectoryUser | null> {
    const r = this.#byIdentity(identity);
    return (await verifySecret(pin, r?.pinHash || (await dummyHash()))) && r?.pinHash ? { ...r.user } : null; // a miss costs a hash too
  }
  async verifyPassword(username: string, password: string): Promise<DirectoryUser | null> {
    const r = this.#byIdentity(username);
    return (await verifySecret(password, r?.passwordHash || (await dummyHash()))) && r?.passwordHash ? { ...r.user } : null; // a miss costs a hash too
  }
}

class CountingCertificateStore extends MemoryCertificateStore {
  #n = 0;
  override async publish(...a: Parameters<MemoryCertificateStore['publish']>) {
    const r = await super.publish(...a);
    this.#n++;
    return r;
  }
  async count() {
    return this.#n;
  }
}

export function createMemoryStore(): ServerStore {
  return { kind: 'memory', users: new MemoryUserStore(), certificates: new CountingCertificateStore(), sessions: new MemoryAuthBrokerSessionStore(), security: new MemorySecurityStore(), close: async () => {} };
}
