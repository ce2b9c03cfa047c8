/** The registrar's TLS-DSK challenge (`WWW-Authenticate: TLS-DSK realm=…, targetname=…, sts-uri=…, version=…`). */
export interface SipTlsDskChallenge {
    realm: string;
    /** The registrar's FQDN: the `target` of the TLS-DSK negotiation (MS-OCAUTHWS 3.3.4.4). */
    targetname: string;
    /** The Certificate Provisioning Service URL where a client without a certificate obtains one. */
    stsUri: string | undefined;
    version: number;
}
/** The TLS-DSK signing keys ([MS-SIPAE] 3.2.5.1), e.g. from `AuthBrokerClient.handshake()`. */
export interface SipTlsDskKeys {
    clientSigningKey: Uint8Array;
    serverSigningKey: Uint8Array;
    /** The negotiated OpenSSL cipher name, when known: `*-MD5` suites sign with HMAC-MD5, all others HMAC-SHA1. */
    cipher?: string;
}
/** Send one TLS-DSK token (base64 gssapi-data) to the registrar; resolves with its answer, or null when it sent none. */
export type SipGssapiExchange = (gssapiData: string) => Promise<string | null>;
export interface RegisterSipOptions {
    /** The registrar's address (e.g. `RunningServer.sip`). */
    host: string;
    port: number;
    /** PEM CA certificate(s) to trust for the registrar's TLS certificate (default: Node's store). */
    ca?: string | readonly string[];
    /** TLS server name to check the registrar's certificate against (default: `host`). */
    servername?: string;
    /** The user registering: the From / To URI (`sip:alice@contoso.com`). */
    sipUri: string;
    /**
     * Run the TLS-DSK handshake for this challenge, sending each token with `exchange`, and resolve with
     * the signing keys. Through the Authentication Broker:
     * `(c, exchange) => broker.handshake({ sessionId, target: c.targetname, exchange })`.
     */
    tlsDsk: (challenge: SipTlsDskChallenge, exchange: SipGssapiExchange) => Promise<SipTlsDskKeys>;
    /** Expires asked for, in seconds (default: none, the registrar's choice). */
    expires?: number;
    /** Deadline of each SIP response (default 15 000 ms). */
    timeoutMs?: number;
}
/** A completed registration: the registrar answered 200 OK and its rspauth verified with the server signing key. */
export interface SipRegistration {
    status: 200;
    /** Expires the registrar granted, in seconds. */
    expires: number;
    targetname: string;
    version: number;
    /** The REGISTER / response start lines and auth headers, gssapi-data shortened (no key material). */
    transcript: string[];
}
/**
 * Register `sipUri` with a SIP registrar that authenticates with TLS-DSK ([MS-SIPAE] 3.2.5), such as
 * `ocauth-server --sip-port` or a Lync / Skype for Business front end. The TLS-DSK legs are run by
 * `options.tlsDsk` (through the Authentication Broker, or a local TLS-DSK client with the user's
 * certificate); the final REGISTER is signed with the client signing key and the 200 OK's rspauth is
 * verified with the server signing key before this resolves.
 *
 * @throws {ServerError} ERR_SERVER_SIP_TRANSPORT when the registrar cannot be reached, its TLS certificate is not trusted (`ca`), or it does not answer in time
 * @throws {ServerError} ERR_SERVER_SIP_REGISTER when the registrar refuses a step (no TLS-DSK challenge, a failed leg, a refused signed REGISTER)
 * @throws {ServerError} ERR_SERVER_SIP_SIGNATURE when the 200 OK is unsigned or its rspauth does not verify with the server signing key
 * @throws whatever `options.tlsDsk` throws (e.g. AuthBrokerError ERR_AUTHBROKER_NEGOTIATION)
 */
export declare function registerSip(options: RegisterSipOptions): Promise<SipRegistration>;
//# sourceMappingURL=client.d.ts.map