import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger } from './logger.js';
export type WebHandler = (req: Request) => Promise<Response>;
export interface AdapterOptions {
    /** Base URL (scheme://host:port) used to build Request URLs. */
    origin: () => string;
    route: (pathname: string) => WebHandler | undefined;
    logger: Logger;
    /** Largest accepted request body (default 1 MiB): larger bodies get 413 before any parsing. */
    maxBodyBytes: number;
    /** Whole body must arrive within this many ms (default 15 000): 408 otherwise. */
    bodyTimeoutMs: number;
}
/** The `request` listener for a node:http(s) server. */
export declare function createNodeListener(o: AdapterOptions): (req: IncomingMessage, res: ServerResponse) => void;
/**
 * Split a comma-joined WWW-Authenticate value into its challenges (RFC 9110 11.6.1): a comma starts a new
 * challenge when the next item is a token NOT followed by "=" (an auth-param is `token = value`; a
 * token68 only follows a scheme and a space). Quoted strings are skipped whole.
 */
export declare function splitChallenges(value: string): string[];
/** Options of `nodeListener`. */
export interface NodeListenerOptions {
    /** Base URL (scheme://host:port) of the Request URLs the handler sees; a function when the port is known only after listen(). */
    origin: string | (() => string);
    /** Largest request body (default 1 MiB): 413 beyond, before the handler runs. */
    maxBodyBytes?: number;
    /** The whole body must arrive within (default 30 000 ms): 408 otherwise. */
    bodyTimeoutMs?: number;
    /** One JSON entry per request and for handler failures (default: none). */
    logger?: Logger;
}
/**
 * The one Node → web Request adapter: binds a transport-neutral handler (`Request` → `Promise<Response>`,
 * e.g. `createWebTicketHandler`, `createCertProvHandler`, `createAuthBrokerHandler`) to `node:http(s)`
 * request events, with a body cap and deadline; a handler that throws answers 500 and is logged.
 *
 * @throws never: every failure becomes an HTTP answer (400, 408, 413, 500).
 */
export declare function nodeListener(handler: WebHandler, options: NodeListenerOptions): (req: IncomingMessage, res: ServerResponse) => void;
//# sourceMappingURL=node-adapter.d.ts.map