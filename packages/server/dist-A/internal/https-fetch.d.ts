import { type Agent } from 'node:https';
import type { LookupFunction } from 'node:net';
/** One request and its response, as `onExchange` sees it (bodies decoded as UTF-8). */
export interface HttpsExchange {
    method: string;
    url: string;
    requestHeaders: Record<string, string>;
    requestBody: string;
    status: number;
    responseHeaders: Record<string, string>;
    responseBody: string;
    /** Time from sending the request to the end of the response. */
    ms: number;
}
export interface HttpsFetchOptions {
    /** PEM certificates to trust (e.g. RunningServer.caCertificatePem, or a pool's CA bundle); undefined = Node's store. */
    ca?: string | readonly string[] | undefined;
    /** Per-request deadline in ms (default 30 000). */
    timeoutMs?: number;
    /** Keep-alive agent to reuse connections (default: a new connection per request). */
    agent?: Agent;
    /** Host name resolution (node:net's `lookup` signature), e.g. an address found by a settable DNS resolver;
     * TLS still checks the certificate against the URL's host name. Default: the system resolver. */
    lookup?: LookupFunction;
    /** Largest response body accepted, in bytes (default: unlimited); a larger one rejects the request. */
    maxResponseBytes?: number;
    /** Called with every completed request/response (a transcript, e.g. `ocauth doctor`'s). */
    onExchange?: (exchange: HttpsExchange) => void;
}
/**
 * Returns a `fetch`-compatible function for http(s) URLs that trusts `ca`. Transport failures reject as
 * Node's errors do (`code` such as `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ECONNREFUSED`); the protocol
 * clients turn them into their typed transport errors.
 *
 * @throws never synchronously; the returned function rejects with Node's socket / TLS error, or an Error
 *   "… no answer within N ms" on timeout, "… response larger than N bytes" over `maxResponseBytes`, or "aborted"
 *   when the request's signal aborts.
 */
export declare function createHttpsFetch(options?: HttpsFetchOptions): typeof fetch;
//# sourceMappingURL=https-fetch.d.ts.map