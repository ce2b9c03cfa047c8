import type { Socket } from 'node:net';
export interface RequestContext {
    /** Process-unique id of the connection the request arrived on (stable across its keep-alive requests). */
    connectionId: number;
    /** Peer address as the socket reports it ('' when unknown). */
    remoteAddress: string;
    /** The socket itself (for per-connection state that must end with the connection). */
    socket: Socket | undefined;
}
/** Record the connection a Request arrived on (node adapter). */
export declare function bindRequestContext(req: Request, socket: Socket | undefined): RequestContext;
/** The connection facts of a Request built by the node adapter; undefined for in-process Requests. */
export declare function requestContext(req: Request): RequestContext | undefined;
//# sourceMappingURL=request-context.d.ts.map