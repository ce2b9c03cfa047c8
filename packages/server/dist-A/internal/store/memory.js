// In-memory ServerStore (tests, ephemeral demos): the same behaviour as the SQL stores, nothing persisted.
import { MemoryCertificateStore } from '@ocauth/certprov';
import { MemoryAuthBrokerSessionStore } from '@ocauth/authbroker';
import { ntHash } from '@ocauth/wstrust';
import { randomBytes } from 'node:crypto';
import { hashSecret, openSecret, sealSecret, verifySecret } from '../secrets.js';
import { MemorySecurityStore } from './security-tables.js';
import { checkSeed, identitiesOf, MAX_PASSWORD_CANDIDATES, normSip, StoreError } from './types.js';
let dummyHash;
export class MemoryUserStore {
    #rows = new Map();
    // Even in memory the NT hash is kept sealed (a heap dump shows no password equivalent); the key is
    // per process unless openStore hands the dataDir's credential key over.
    #credentialKey = new Uint8Array(randomBytes(32));
    useCredentialKey(key) {
        if (key.length !== 32)
            throw new StoreError('ERR_SERVER_STORE_CONFIG', `credential key: expected 32 bytes, received ${key.length}`);
        this.#credentialKey = new Uint8Array(key);
    }
    async upsertUser(u) {
        checkSeed(u);
        const [pinHash, passwordHash] = await Promise.all([
            u.pin === undefined ? null : hashSecret(u.pin),
            u.password === undefined ? null : hashSecret(u.password),
        ]);
        const key = normSip(u.sipUri);
        const ntHashSealed = u.password === undefined ? null : sealSecret(this.#credentialKey, ntHash(u.password), key);
        const user = {
            sipUri: u.sipUri,
            enabled: u.enabled ?? true,
            ...(u.displayName ? { displayName: u.displayName } : {}),
            ...(u.account ? { account: u.account } : {}),
            ...(u.upn ? { upn: u.upn } : {}),
        };
        this.#rows.set(key, { user, pinHash, passwordHash, ntHashSealed, identities: identitiesOf(u) });
    }
    async setEnabled(sipUri, enabled) {
        const r = this.#rows.get(normSip(sipUri));
        if (!r)
            return false;
        r.user = { ...r.user, enabled };
        return true;
    }
    #byIdentity(id) {
        const k = id.toLowerCase();
        for (const r of this.#rows.values())
            if (r.identities.includes(k))
                return r;
        return undefined;
    }
    async findUserBySipUri(sipUri) {
        const r = this.#rows.get(normSip(sipUri));
        return r ? { ...r.user } : null;
    }
    async findUserByAccount(account) {
        const r = this.#byIdentity(account);
        return r ? { ...r.user } : null;
    }
    async findNtlmCredential(names) {
        for (const n of names.slice(0, 4)) {
            const r = this.#byIdentity(n);
            if (r)
                return { user: { ...r.user }, ntHash: openSecret(this.#credentialKey, r.ntHashSealed, normSip(r.user.sipUri)) };
        }
        return null;
    }
    async #check(stored, secret) {
        if (!stored) {
            await verifySecret(secret, await (dummyHash ??= hashSecret('ocauth-dummy'))); // a miss costs as much as a wrong secret
            return false;
        }
        return verifySecret(secret, stored);
    }
    async verifyPin(identity, pin) {
        const r = this.#byIdentity(identity);
        return (await this.#check(r?.pinHash, pin)) ? { ...r.user } : null;
    }
    async verifyPassword(username, password, alternatives = []) {
        let found = null;
        for (const c of [{ username, password }, ...alternatives].slice(0, MAX_PASSWORD_CANDIDATES)) {
            const r = this.#byIdentity(c.username);
            if ((await this.#check(r?.passwordHash, c.password)) && !found)
                found = { ...r.user };
        }
        return found;
    }
}
class CountingCertificateStore extends MemoryCertificateStore {
    #n = 0;
    async publish(...a) {
        const r = await super.publish(...a);
        this.#n++;
        return r;
    }
    async count() {
        return this.#n;
    }
}
export function createMemoryStore() {
    return {
        kind: 'memory',
        users: new MemoryUserStore(),
        certificates: new CountingCertificateStore(),
        sessions: new MemoryAuthBrokerSessionStore(),
        security: new MemorySecurityStore(),
        close: async () => { },
    };
}
//# sourceMappingURL=memory.js.map