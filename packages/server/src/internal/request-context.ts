// The transport facts of a web Request that the Request object itself cannot carry: which TCP/TLS
// connection it arrived on and from which address. Connection-bound authentication (NTLM's
// NEGOTIATE → CHALLENGE → AUTHENTICATE on one keep-alive connection) and per-source throttling read it.
import type { Socket } from 'node:net';

export interface RequestContext {
  /** Process-unique id of the connection the request arrived on (stable across its keep-alive requests). */
  connectionId: number;
  /** Peer address as the socket reports it ('' when unknown). */
  remoteAddress: string;
  /** The socket itself (for per-connection state that must end with the connection). */
  socket: Socket | undefined;
}

const contexts = new WeakMap<Request, RequestContext>();
const socketIds = new WeakMap<Socket, number>();
let nextConnectionId = 1;

/** Record the connection a Request arrived on (node adapter). */
export function bindRequestContext(req: Request, socket: Socket | undefined): RequestContext {
  let id = socket ? socketIds.get(socket) : undefined;
  if (socket && id === undefined) socketIds.set(socket, (id = nextConnectionId++));
  const ctx: RequestContext = { connectionId: id ?? nextConnectionId++, remoteAddress: socket?.remoteAddress ?? '', socket };
  contexts.set(req, ctx);
  return ctx;
}

/** The connection facts of a Request built by the node adapter; undefined for in-process Requests. */
export function requestContext(req: Request): RequestContext | undefined {
  return contexts.get(req);
}
