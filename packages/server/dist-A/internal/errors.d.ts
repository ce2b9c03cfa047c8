/** The codes of StoreError (openStore and the stores). */
export type StoreErrorCode = 'ERR_SERVER_STORE_CONFIG' | 'ERR_SERVER_STORE_OPEN' | 'ERR_SERVER_STORE_CLOSED' | 'ERR_SERVER_STORE_WRITE' | 'ERR_SERVER_USER';
/** Every `code` a ServerError of this package can carry. */
export type ServerErrorCode = 
/** A ServerConfig value is out of range or malformed (the message names the field). */
'ERR_SERVER_CONFIG'
/** issueServerCertificate: a name, the validity or the CA's PEM is invalid. */
 | 'ERR_SERVER_CERTIFICATE'
/** A web ticket names an account that is unknown or disabled (MS-OCAUTHWS 2.2.2.1 ErrorId 28000). */
 | 'ERR_SERVER_ACCOUNT_DISABLED'
/** registerSip: the SIP registrar could not be reached, or the connection failed or timed out. */
 | 'ERR_SERVER_SIP_TRANSPORT'
/** registerSip: the registrar refused a step of the REGISTER / TLS-DSK exchange ([MS-SIPAE] 3.2.5). */
 | 'ERR_SERVER_SIP_REGISTER'
/** registerSip: the 200 OK's rspauth does not verify with the TLS-DSK server signing key. */
 | 'ERR_SERVER_SIP_SIGNATURE'
/** Stores: a bad store configuration, a store that cannot be opened, is closed, or refused a write; a bad user seed. */
 | StoreErrorCode
/** A publication's replay or certificate claim was won by a concurrent request (nothing was published). */
 | 'ERR_SERVER_CLAIM_LOST'
/** A SIP message is malformed (RFC 3261 7) or too large. */
 | 'ERR_SIP_MALFORMED' | 'ERR_SIP_TOO_LARGE'
/** A SIP Authorization / WWW-Authenticate header does not parse. */
 | 'ERR_SIP_AUTH_HEADER';
/** Base class of every error @ocauth/server throws: a stable `code`, the offending `field` when there is one, and the underlying `cause`. */
export declare class ServerError extends Error {
    readonly code: ServerErrorCode;
    readonly field: string | undefined;
    /** @throws never */
    constructor(code: ServerErrorCode, message: string, options?: {
        field?: string;
        cause?: unknown;
    });
}
/** A ServerConfig value is invalid; `field` is its path (e.g. `limits.maxBodyBytes`). Code ERR_SERVER_CONFIG. */
export declare class ServerConfigError extends ServerError {
    readonly code: 'ERR_SERVER_CONFIG';
    /** `field` defaults to the path the message starts with (`limits.maxBodyBytes: expected …`). @throws never */
    constructor(message: string, options?: {
        field?: string;
        cause?: unknown;
    });
}
//# sourceMappingURL=errors.d.ts.map