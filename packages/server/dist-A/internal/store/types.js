// The server's persistent state behind one interface: the user directory the Web Ticket Service
// consults (wstrust UserDirectory), the certificates certprov publishes (CertificateStore, with
// revocations) and the Authentication Broker's session records (AuthBrokerSessionStore).
import { ServerError } from '../errors.js';
/** A store failure (one of the ServerError model's ERR_SERVER_STORE_* / ERR_SERVER_USER codes). */
export class StoreError extends ServerError {
    /** @throws never */
    constructor(code, message, options) {
        super(code, message, options?.cause === undefined ? {} : { cause: options.cause });
        this.name = 'StoreError';
    }
}
export const normEntity = (e) => e.replace(/^sip:/i, '').toLowerCase();
export const normSip = (s) => 'sip:' + s.replace(/^sip:/i, '').toLowerCase();
export function checkSeed(u) {
    if (!u || typeof u.sipUri !== 'string' || !/^sip:[^@\s]+@[^@\s]+$/i.test(u.sipUri))
        throw new StoreError('ERR_SERVER_USER', `users[].sipUri: expected sip:user@domain, received ${JSON.stringify(String(u?.sipUri).slice(0, 100))}`);
    if (u.account !== undefined && (typeof u.account !== 'string' || !/^[^\\\s@/]{1,64}\\[^\\\s@/]{1,104}$/.test(u.account)))
        throw new StoreError('ERR_SERVER_USER', `users[].account: expected DOMAIN\\user, received ${JSON.stringify(String(u.account).slice(0, 100))}`);
    if (u.upn !== undefined && (typeof u.upn !== 'string' || !/^[^@\s\\:]{1,104}@[^@\s\\]{1,255}$/.test(u.upn)))
        throw new StoreError('ERR_SERVER_USER', `users[].upn: expected user@domain, received ${JSON.stringify(String(u.upn).slice(0, 100))}`);
}
/**
 * Every name that denotes the user, lower-cased: the SIP URI with and without `sip:`, phone numbers, the
 * account `DOMAIN\\user`, the UPN and further accounts. Lookups lower-case the name they are given.
 */
export function identitiesOf(u) {
    const sip = normSip(u.sipUri);
    return [
        ...new Set([sip, sip.slice(4), ...(u.phones ?? []), ...(u.account ? [u.account] : []), ...(u.upn ? [u.upn] : []), ...(u.accounts ?? [])].map((s) => s.toLowerCase())),
    ];
}
/** At most this many readings of one UsernameToken are checked (plain, then base64-decoded). */
export const MAX_PASSWORD_CANDIDATES = 2;
//# sourceMappingURL=types.js.map