import { ServerError } from '../errors.js';
import { type SipMessage } from './message.js';
export declare class SipAuthHeaderError extends ServerError {
    readonly code: 'ERR_SIP_AUTH_HEADER';
    constructor(message: string);
}
export interface AuthHeader {
    scheme: string;
    params: Map<string, string>;
}
/** `TLS-DSK qop="auth", realm="…", gssapi-data="…", version=4` → scheme + params (names lower-cased). */
export declare function parseAuthHeader(value: string): AuthHeader;
export interface SignatureFields {
    protocol: string;
    rand: string;
    num: string;
    realm: string;
    targetname: string;
}
/**
 * The signature buffer of a message ([MS-SIPAE] 3.2.5.2; version ≥ 3 adds to-url and the asserted
 * identities): `<protocol><rand><num><realm><targetname><call-id><cseq-number><method><from-url>
 * <from-tag><to-url><to-tag><pai-sip><pai-tel><expires>` followed by `<status>` for responses.
 */
export declare function signatureBuffer(m: SipMessage, f: SignatureFields, version: number, cseqMethodForResponse?: string): string;
/**
 * The signature digest follows the negotiated cipher suite's MAC, as SIPE's sip-sec-tls-dsk.c does:
 * HMAC-MD5 for the *_MD5 suites, HMAC-SHA1 otherwise (OpenSSL cipher names: RC4-MD5, AES128-SHA, …).
 */
export type SignatureDigest = 'sha1' | 'md5';
export declare const digestForCipher: (cipher: string) => SignatureDigest;
/** HMAC of the buffer in upper-case hex (as SIPE's buff_to_hex_str writes it). */
export declare function sign(key: Uint8Array, buffer: string, digest?: SignatureDigest): string;
/** Constant-time check of a hex signature (either case). */
export declare function verifySignature(key: Uint8Array, buffer: string, hex: string, digest?: SignatureDigest): boolean;
//# sourceMappingURL=signature.d.ts.map