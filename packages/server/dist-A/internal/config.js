import { FAULT_NAMES } from './faults.js';
import { THROTTLE_DEFAULTS } from './throttle.js';
import { ServerConfigError } from './errors.js';
/** TLS 1.2 suites of the HTTPS listener: ECDHE key exchange (forward secrecy) with AEAD ciphers only. */
export const TLS12_AEAD_CIPHERS = [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');
export const SERVICE_PATHS = {
    webTicket: '/WebTicket/WebTicketService.svc',
    certProv: '/CertProv/CertProvisioningService.svc',
    authBroker: '/Reach/Sip.svc/AuthBroker',
    autodiscover: '/Autodiscover/AutodiscoverService.svc/root',
};
/** Refuse an invalid configuration before anything is created. @throws {ServerConfigError} ERR_SERVER_CONFIG naming the field */
export function checkConfig(c) {
    const intIn = (name, v, min, max) => {
        if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max))
            throw new ServerConfigError(`${name}: expected an integer in ${min}..${max}, received ${JSON.stringify(v)}`);
    };
    intIn('port', c.port, 0, 65535);
    intIn('sip.port', c.sip?.port, 0, 65535);
    intIn('policy.minKeySize', c.policy?.minKeySize, 512, 16384);
    intIn('policy.maxKeySize', c.policy?.maxKeySize, 512, 16384);
    intIn('policy.ticketLifetimeSeconds', c.policy?.ticketLifetimeSeconds, 1, 7 * 86400);
    intIn('policy.clockSkewSeconds', c.policy?.clockSkewSeconds, 0, 86400);
    intIn('limits.maxBodyBytes', c.limits?.maxBodyBytes, 1024, 64 * 1024 * 1024);
    intIn('limits.maxConnections', c.limits?.maxConnections, 1, 1_000_000);
    intIn('limits.headersTimeoutMs', c.limits?.headersTimeoutMs, 100, 600_000);
    intIn('limits.requestTimeoutMs', c.limits?.requestTimeoutMs, 100, 600_000);
    intIn('limits.tlsHandshakeTimeoutMs', c.limits?.tlsHandshakeTimeoutMs, 100, 600_000);
    intIn('limits.firstRequestTimeoutMs', c.limits?.firstRequestTimeoutMs, 100, 600_000);
    intIn('limits.maxPendingHandshakes', c.limits?.maxPendingHandshakes, 1, 1_000_000);
    intIn('limits.maxPendingHandshakesPerSource', c.limits?.maxPendingHandshakesPerSource, 1, 1_000_000);
    intIn('limits.maxConnectionsPerSource', c.limits?.maxConnectionsPerSource, 1, 1_000_000);
    intIn('limits.maxUnauthenticatedBodyBytes', c.limits?.maxUnauthenticatedBodyBytes, 1024, 64 * 1024 * 1024);
    intIn('limits.maxConcurrentRequests', c.limits?.maxConcurrentRequests, 1, 100_000);
    intIn('limits.maxQueuedRequests', c.limits?.maxQueuedRequests, 0, 1_000_000);
    intIn('policy.minValidityHours', c.policy?.minValidityHours, 1, 87_600);
    intIn('policy.defaultValidityHours', c.policy?.defaultValidityHours, 1, 87_600);
    intIn('policy.maxValidityHours', c.policy?.maxValidityHours, 1, 87_600);
    intIn('policy.certificatesPerTicket', c.policy?.certificatesPerTicket, 1, 1000);
    if (c.policy?.signInThrottle !== undefined && c.policy.signInThrottle !== false) {
        const t = c.policy.signInThrottle;
        if (typeof t !== 'object' || t === null)
            throw new ServerConfigError(`policy.signInThrottle: expected an object or false, received ${JSON.stringify(t)}`);
        for (const k of Object.keys(t))
            if (!(k in THROTTLE_DEFAULTS))
                throw new ServerConfigError(`policy.signInThrottle.${k}: expected one of ${Object.keys(THROTTLE_DEFAULTS).join(', ')}`);
        intIn('policy.signInThrottle.maxPinFailures', t.maxPinFailures, 1, 1000);
        intIn('policy.signInThrottle.maxPasswordFailures', t.maxPasswordFailures, 1, 1000);
        intIn('policy.signInThrottle.failureWindowSeconds', t.failureWindowSeconds, 1, 7 * 86400);
        intIn('policy.signInThrottle.lockoutSeconds', t.lockoutSeconds, 1, 7 * 86400);
        intIn('policy.signInThrottle.maxSourceFailures', t.maxSourceFailures, 1, 100_000);
        intIn('policy.signInThrottle.sourceBlockSeconds', t.sourceBlockSeconds, 1, 86400);
        intIn('policy.signInThrottle.blockedDelayMs', t.blockedDelayMs, 0, 60_000);
        intIn('policy.signInThrottle.familiarSourceDays', t.familiarSourceDays, 0, 3650);
    }
    if (c.store !== undefined && !['memory', 'sqlite', 'postgres'].includes(c.store?.kind ?? ''))
        throw new ServerConfigError(`store.kind: expected memory, sqlite or postgres, received ${JSON.stringify(c.store?.kind)}`);
    if (c.store?.kind === 'postgres' && (typeof c.store.url !== 'string' || !/^postgres(ql)?:\/\//.test(c.store.url)))
        throw new ServerConfigError(`store.url: expected a postgres:// URL, received ${JSON.stringify(typeof c.store.url === 'string' ? c.store.url.replace(/:[^:@/]*@/, ':***@') : c.store.url)}`);
    if (c.faults !== undefined)
        for (const k of Object.keys(c.faults))
            if (!FAULT_NAMES.includes(k))
                throw new ServerConfigError(`faults.${k}: expected one of ${FAULT_NAMES.join(', ')}`);
    if (c.ntlm !== undefined && c.ntlm !== false && (typeof c.ntlm !== 'object' || c.ntlm === null))
        throw new ServerConfigError(`ntlm: expected false or an object, received ${JSON.stringify(c.ntlm)}`);
    if (c.ntlm &&
        c.ntlm.netbiosDomain !== undefined &&
        (typeof c.ntlm.netbiosDomain !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,14}$/.test(c.ntlm.netbiosDomain)))
        throw new ServerConfigError(`ntlm.netbiosDomain: expected a NetBIOS domain name (1-15 letters, digits, - or _), received ${JSON.stringify(c.ntlm.netbiosDomain)}`);
    if (c.ntlm)
        intIn('ntlm.maxPendingContexts', c.ntlm.maxPendingContexts, 1, 1_000_000);
    if (c.externalUrl !== undefined) {
        let u;
        try {
            u = typeof c.externalUrl === 'string' ? new URL(c.externalUrl) : undefined;
        }
        catch {
            u = undefined;
        }
        if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.search || u.hash || u.username || u.password)
            throw new ServerConfigError(`externalUrl: expected an absolute https URL without query, fragment or credentials (the public base of the services), received ${JSON.stringify(typeof c.externalUrl === 'string' ? c.externalUrl.slice(0, 200) : c.externalUrl)}`);
    }
    if (c.farmFqdn !== undefined && !/^[A-Za-z0-9.-]{1,253}$/.test(c.farmFqdn))
        throw new ServerConfigError(`farmFqdn: expected a DNS name, received ${JSON.stringify(c.farmFqdn)}`);
    if (c.policy?.minKeySize && c.policy.maxKeySize && c.policy.minKeySize > c.policy.maxKeySize)
        throw new ServerConfigError(`policy.minKeySize: expected at most maxKeySize (${c.policy.maxKeySize}), received ${c.policy.minKeySize}`);
}
//# sourceMappingURL=config.js.map