// PINs and passwords are stored as scrypt hashes (never in clear), compared in constant time; NT hashes
// (NTLM) are stored sealed under the server's credential key.
import { createCipheriv, createDecipheriv, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFileSync } from './atomic-file.js';
const N = 4096, R = 8, P = 1, LEN = 32;
function derive(secret, salt, n, r, p) {
    return new Promise((resolve, reject) => scrypt(secret, salt, LEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (e, k) => (e ? reject(e) : resolve(k))));
}
/** `scrypt$N$r$p$salt$hash` (base64). */
export async function hashSecret(secret) {
    const salt = randomBytes(16);
    const k = await derive(secret, salt, N, R, P);
    return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${k.toString('base64')}`;
}
export async function verifySecret(secret, stored) {
    if (!stored)
        return false;
    const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
    if (!m)
        return false;
    const expected = Buffer.from(m[5], 'base64');
    const k = await derive(secret, Buffer.from(m[4], 'base64'), Number(m[1]), Number(m[2]), Number(m[3]));
    return k.length === expected.length && timingSafeEqual(k, expected);
}
// NT hashes (MD4 of the UTF-16LE password) are password-equivalent for NTLM: they are stored only
// sealed with AES-256-GCM under the server's credential key (dataDir/credential-key.bin, created on first
// start like the pool key; servers sharing a database share the dataDir key material), the user's
// normalised SIP URI as additional data so a sealed value cannot be moved to another user.
export const CREDENTIAL_KEY_FILE = 'credential-key.bin';
/** The 32-byte credential key of dataDir, created (mode 0600) when missing. */
export function loadOrCreateCredentialKey(dataDir) {
    const f = join(dataDir, CREDENTIAL_KEY_FILE);
    if (existsSync(f)) {
        const k = readFileSync(f);
        if (k.length === 32)
            return new Uint8Array(k);
    }
    const k = randomBytes(32);
    atomicWriteFileSync(f, k);
    return new Uint8Array(k);
}
/** `aes256gcm$iv$ciphertext$tag` (base64) of a secret, bound to `context`. */
export function sealSecret(key, secret, context) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([c.update(secret), c.final()]);
    return `aes256gcm$${iv.toString('base64')}$${ct.toString('base64')}$${c.getAuthTag().toString('base64')}`;
}
/** The secret sealed by sealSecret, or null when it does not open under this key and context. */
export function openSecret(key, sealed, context) {
    if (!sealed)
        return null;
    const m = /^aes256gcm\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]*)\$([A-Za-z0-9+/=]+)$/.exec(sealed);
    if (!m)
        return null;
    try {
        const d = createDecipheriv('aes-256-gcm', key, Buffer.from(m[1], 'base64'));
        d.setAAD(Buffer.from(context, 'utf8'));
        d.setAuthTag(Buffer.from(m[3], 'base64'));
        return new Uint8Array(Buffer.concat([d.update(Buffer.from(m[2], 'base64')), d.final()]));
    }
    catch {
        return null;
    }
}
//# sourceMappingURL=secrets.js.map