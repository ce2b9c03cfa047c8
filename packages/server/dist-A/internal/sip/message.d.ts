import { ServerError } from '../errors.js';
export declare class SipMessageError extends ServerError {
    readonly code: 'ERR_SIP_MALFORMED' | 'ERR_SIP_TOO_LARGE';
    /** The SIP status to answer with (400 Bad Request, 513 Message Too Large; RFC 3261 21.4.1 / 21.5.9). */
    readonly status: number;
    constructor(code: 'ERR_SIP_MALFORMED' | 'ERR_SIP_TOO_LARGE', status: number, message: string);
}
export interface SipHeader {
    name: string;
    value: string;
}
export interface SipMessage {
    /** Request method, or undefined for a response. */
    method?: string;
    requestUri?: string;
    status?: number;
    reason?: string;
    headers: SipHeader[];
    body: Buffer;
}
export declare const canonicalHeaderName: (n: string) => string;
/** First header of that name (case-insensitive, compact forms understood). */
export declare function header(m: SipMessage, name: string): string | undefined;
export declare function headers(m: SipMessage, name: string): string[];
export interface SipParserLimits {
    /** Largest start line + headers (default 16 KiB). */
    maxHeaderBytes?: number | undefined;
    /** Largest body (default 64 KiB). */
    maxBodyBytes?: number | undefined;
    /** Most header lines (default 100). */
    maxHeaders?: number;
}
/**
 * Incremental parser of a SIP byte stream. `push()` bytes, then take complete messages with `next()`;
 * CRLF keep-alives between messages (RFC 5626 4.4.1, SIPE sends "\r\n\r\n") are skipped.
 */
export declare class SipStreamParser {
    private buf;
    private readonly maxHeaderBytes;
    private readonly maxBodyBytes;
    private readonly maxHeaders;
    constructor(limits?: SipParserLimits);
    push(chunk: Buffer): void;
    /** The next complete message, undefined when more bytes are needed; throws SipMessageError. */
    next(): SipMessage | undefined;
    get buffered(): number;
}
/** The URI of a From/To/Contact value (`"Name" <sip:u@d>;tag=x` → `sip:u@d`), as SIPE's parse_from reads it. */
export declare function addressOf(value: string | undefined): string;
/** The `;tag=` parameter of a From/To value (after the URI), '' when absent. */
export declare function tagOf(value: string | undefined): string;
/** Serialize a response; Content-Length is set from the body. */
export declare function formatResponse(status: number, reason: string, hdrs: SipHeader[], body?: Buffer): Buffer;
//# sourceMappingURL=message.d.ts.map