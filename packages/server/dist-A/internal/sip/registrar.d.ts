import { type X509Certificate } from 'node:crypto';
import { type Logger } from '../logger.js';
export declare const SIP_REALM = "SIP Communications Service";
export interface SipRegistrarOptions {
    host: string;
    port: number;
    /** The registrar's TLS certificate and key (SIP over TLS, and the TLS-DSK server identity). */
    certificatePem: string;
    privateKeyPem: string;
    /** CA of the certificates CertProv issues (trust anchor for TLS-DSK client certificates). */
    clientCaPem: string;
    /** targetname ([MS-SIPAE] 2.2.1): the registrar's FQDN. */
    fqdn: string;
    /** The CertProv URL sent as sts-uri (follows externalUrl). */
    stsUri: () => string;
    /** Is this certificate one CertProv issued, published and did not revoke? → its SIP URI. */
    certificateValidator: {
        validate(cert: X509Certificate): Promise<{
            sipUri: string;
        } | null>;
    };
    /** Is the user known and enabled? */
    userEnabled: (sipUri: string) => Promise<boolean>;
    logger: Logger;
    /** REGISTER Expires granted (default 7200 s). */
    registrationSeconds?: number;
    /** Largest SIP headers / body (defaults 16 KiB / 64 KiB). */
    maxHeaderBytes?: number;
    maxBodyBytes?: number;
    /** TLS-DSK handshakes in progress, server-wide (default 256); further ones get 503. */
    maxHandshakes?: number;
    /** TLS-DSK handshakes in progress on one SIP connection (default 4); further ones get 503. */
    maxHandshakesPerConnection?: number;
    /** Established security associations kept (default 4096; the oldest is dropped). */
    maxAssociations?: number;
    /** A handshake must finish within (default 60 000 ms). */
    handshakeTimeoutMs?: number;
    /** Idle SIP connections are closed after (default 300 000 ms). */
    idleTimeoutMs?: number;
    maxConnections?: number;
    /** FAULT (conformance self-test only): accept any `response=` signature. */
    skipSignatureCheck?: boolean;
}
export interface RunningSipRegistrar {
    port: number;
    close(): Promise<void>;
}
export declare function startSipRegistrar(o: SipRegistrarOptions): Promise<RunningSipRegistrar>;
//# sourceMappingURL=registrar.d.ts.map