import { type KeyObject } from 'node:crypto';
import { CertificateAuthority } from '@ocauth/certprov';
import { type PoolKey } from '@ocauth/wstrust';
export interface ServerPki {
    ca: CertificateAuthority;
    caCertificatePem: string;
    tlsCertificatePem: string;
    tlsKey: KeyObject;
    tlsKeyPem: string;
    poolKey: PoolKey;
    /** true when this start created the CA. */
    created: boolean;
}
export declare const PKI_FILES: {
    readonly caCert: "ca-cert.pem";
    readonly caKey: "ca-key.pem";
    readonly tlsCert: "tls-cert.pem";
    readonly tlsKey: "tls-key.pem";
    readonly poolKey: "pool-key.bin";
};
/**
 * Issue a TLS server certificate (RSA 2048, serverAuth + clientAuth, SAN = `names`: DNS names or IPv4
 * literals) signed by the CA, valid for `days` (default 825): e.g. a SIP registrar's identity for TLS-DSK.
 *
 * @throws {ServerError} ERR_SERVER_CERTIFICATE when `names` is empty or holds something that is not a DNS name / IPv4 literal, `days` is not a positive integer, or the CA certificate / key PEM cannot be read
 */
export declare function issueServerCertificate(caCertPem: string, caKeyPem: string, names: readonly string[], days?: number): {
    certificatePem: string;
    privateKeyPem: string;
};
/** Load the PKI from dataDir, creating what is missing (and re-issuing the TLS certificate when its names changed). */
export declare function loadOrCreatePki(dataDir: string, farmFqdn: string, extraNames?: readonly string[]): ServerPki;
//# sourceMappingURL=pki.d.ts.map