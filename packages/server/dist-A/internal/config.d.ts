import type { Logger } from './logger.js';
import { type ServerFaults } from './faults.js';
import type { ServerStore, StoreConfig, UserSeed } from './store/types.js';
import { type SignInThrottlePolicy } from './throttle.js';
export interface ServerPolicy {
    /** Certificate Provisioning: RSA modulus limits of CSRs (defaults 1024 / 16384). */
    minKeySize?: number;
    maxKeySize?: number;
    /** Certificate validity in hours (defaults 8 / 4320 / 8760). */
    minValidityHours?: number;
    defaultValidityHours?: number;
    maxValidityHours?: number;
    /** Out-of-range validity: clamp (default true) or answer InvalidValidityPeriod. */
    clampValidity?: boolean;
    /** Web ticket lifetime for public computers in seconds (default 900, MS-OCAUTHWS 3.2.4.1). */
    ticketLifetimeSeconds?: number;
    /** Web ticket lifetime for private computers (`X-MS-Computer-Type: private`; default 28 800). */
    privateTicketLifetimeSeconds?: number;
    /** Accepted clock skew for tickets and Timestamps (default 300). */
    clockSkewSeconds?: number;
    /** Authentication Broker session expiration timer (default 600). */
    brokerSessionIdleSeconds?: number;
    /** Validity of the certificates the broker obtains for its sessions (default 8 h). */
    brokerCertificateValidityHours?: number;
    /**
     * Sign-in throttling of the Pin and Auth bindings (issue 16): per-account lockout windows (PIN and
     * password separately) and per-source blocking, shared through the store. `false` turns it off.
     */
    signInThrottle?: SignInThrottlePolicy | false;
    /**
     * Authentication Broker: accept a web ticket without proof of possession (no signature with its proof
     * key), as the spec's example 4.3.1 shows. Off by default: the ticket alone would be a bearer token.
     */
    brokerAcceptUnsignedTickets?: boolean;
    /** Refuse CertProv / broker requests whose soap:Body is not signed with the ticket's proof key (default false: SIPE does not sign it). */
    requireSignedBody?: boolean;
    /** Certificates one web ticket may obtain (default 1). */
    certificatesPerTicket?: number;
    /** Web Ticket Service Cert binding: accept a Body not signed by the certificate key (default false; the 6.2 policy names only To). */
    certBindingAcceptUnsignedBody?: boolean;
    /** OpenSSL cipher list for TLS 1.2 on the HTTPS listener (default: ECDHE with AES-GCM or ChaCha20-Poly1305 only). */
    tlsCiphers?: string;
    /**
     * Certificate Provisioning accepts a compact web ticket in `X-MS-WebTicket: cwt=…` /
     * `Authorization: Bearer cwt=…` (default false: only the signed SAML ticket of MS-OCAUTHWS
     * 3.1.4.1, with proof of possession, the replay cache and the certificates-per-ticket limit). true: a bearer
     * compact ticket alone obtains a certificate until it expires. A SAML ticket in a header is never accepted there: it is holder-of-key
     * and must be proven (wstrust README "Compact web tickets").
     */
    certProvCompactTickets?: boolean;
}
export interface ServerLimits {
    /** Largest request body (default 1 MiB): 413 beyond. */
    maxBodyBytes?: number;
    /** Request headers must be complete within (default 10 000 ms): slowloris connections are closed. */
    headersTimeoutMs?: number;
    /** Whole request (headers + body) within (default 30 000 ms). */
    requestTimeoutMs?: number;
    /** Idle keep-alive connections closed after (default 5 000 ms). */
    keepAliveTimeoutMs?: number;
    /** Simultaneous connections; further ones are refused (default 4096). */
    maxConnections?: number;
    /** A TLS handshake must complete within (default 5 000 ms): silent and slow-TLS sockets are closed. */
    tlsHandshakeTimeoutMs?: number;
    /** An established connection must send its first request within (default 10 000 ms). */
    firstRequestTimeoutMs?: number;
    /** Sockets still in the TLS handshake, counted apart from established ones; beyond, the oldest is closed (default 512). */
    maxPendingHandshakes?: number;
    /** The same per source address (default 64). */
    maxPendingHandshakesPerSource?: number;
    /** Established connections per source address; further ones are closed (default 256). */
    maxConnectionsPerSource?: number;
    /** Largest request body the services parse before authenticating it (default 64 KiB; 413 beyond). */
    maxUnauthenticatedBodyBytes?: number;
    /** Requests handled concurrently (default 64); further ones wait. */
    maxConcurrentRequests?: number;
    /** Requests waiting for a slot (default 1024); beyond, 503. */
    maxQueuedRequests?: number;
}
export interface ServerConfig {
    /** Listen address (default 127.0.0.1). */
    host?: string;
    /** Listen port (default 0: an ephemeral port). */
    port?: number;
    /** Pool FQDN (default localhost): in the TLS certificate's SAN, the ticket farm and Autodiscover. */
    farmFqdn?: string;
    /** Public base URL when the server sits behind a proxy (default https://HOST:PORT). */
    externalUrl?: string;
    /**
     * Further URL prefixes of the pool (other servers, the load balancer): tickets whose AppliesTo /
     * Audience starts with one are accepted and issued (MS-OCAUTHWS 3.2.1 server farm).
     */
    farm?: string[];
    /**
     * The laboratory SIP-over-TLS registrar (TLS-DSK, [MS-SIPAE]): with `port` set (0 = ephemeral) it
     * listens on `host` (default: the server's host) and Autodiscover advertises it; without `port`,
     * Autodiscover advertises fqdn:5061 and no registrar runs. `fqdn` (default farmFqdn) is its targetname.
     */
    sip?: {
        fqdn?: string;
        port?: number;
        host?: string;
    };
    /** Where the CA, TLS key, pool key and SQLite file live (default: a new temporary directory, removed by close()). */
    dataDir?: string;
    /** Default: SQLite in dataDir. */
    store?: StoreConfig;
    /** Users to create or replace on start (secrets are stored hashed). */
    users?: UserSeed[];
    /** Create the demo user (default true). */
    demoUser?: boolean;
    /**
     * Integrated Windows authentication (NTLM, MS-NLMP) on the Web Ticket WinNegotiate binding (default on):
     * the NetBIOS domain (default OCAUTH; the demo user is OCAUTH\\demo) and the bound on half-open contexts;
     * `false` turns the binding off.
     */
    ntlm?: false | {
        netbiosDomain?: string;
        maxPendingContexts?: number;
    };
    policy?: ServerPolicy;
    limits?: ServerLimits;
    /** Trust anchors for SIP registrars the broker negotiates TLS-DSK with (default: this server's CA). */
    registrarTrustedCertificates?: string[];
    clock?: () => Date;
    /** Deliberately broken behaviours (conformance negative tests). Never in production. */
    faults?: ServerFaults;
    /** Structured log sink (default: JSON lines on stderr; `false` for none). */
    logger?: Logger | false;
}
export interface DemoUser {
    sipUri: string;
    /** Windows account name (DOMAIN\\user) and UPN: the Auth binding and NTLM accept them as user name. */
    account: string;
    upn: string;
    pin: string;
    password: string;
    /** Phone number accepted as the Pin binding identity. */
    phone: string;
}
export interface RunningServer {
    /** https://HOST:PORT */
    url: string;
    port: number;
    caCertificatePem: string;
    tlsCertificatePem: string;
    demoUser: DemoUser;
    paths: {
        webTicket: string;
        certProv: string;
        authBroker: string;
        autodiscover: string;
    };
    /** Absolute URLs of the services on the listen origin (where this process answers). */
    urls: {
        webTicket: string;
        certProv: string;
        authBroker: string;
        autodiscover: string;
    };
    /** `externalUrl` (default: url), without a trailing slash. */
    externalUrl: string;
    /**
     * The services' published addresses under `externalUrl`: what MEX/WSDL documents, Autodiscover links,
     * `X-MS-WebTicketURL` and a TLS-DSK `sts-uri` name. Equal to `urls` without an externalUrl.
     */
    externalUrls: {
        webTicket: string;
        certProv: string;
        authBroker: string;
        autodiscover: string;
    };
    dataDir: string;
    store: ServerStore;
    farmFqdn: string;
    /** The SIP registrar, when `sip.port` was configured. */
    sip?: {
        port: number;
        fqdn: string;
    };
    /**
     * The same routing and handlers without HTTPS: a web Request (URL on this server's origin) to its
     * Response, for in-process tests and measurements. Unknown paths answer 404.
     */
    handler(req: Request): Promise<Response>;
    close(): Promise<void>;
}
/** TLS 1.2 suites of the HTTPS listener: ECDHE key exchange (forward secrecy) with AEAD ciphers only. */
export declare const TLS12_AEAD_CIPHERS: string;
export declare const SERVICE_PATHS: {
    readonly webTicket: "/WebTicket/WebTicketService.svc";
    readonly certProv: "/CertProv/CertProvisioningService.svc";
    readonly authBroker: "/Reach/Sip.svc/AuthBroker";
    readonly autodiscover: "/Autodiscover/AutodiscoverService.svc/root";
};
/** Refuse an invalid configuration before anything is created. @throws {ServerConfigError} ERR_SERVER_CONFIG naming the field */
export declare function checkConfig(c: ServerConfig): void;
//# sourceMappingURL=config.d.ts.map