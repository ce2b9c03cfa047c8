const contexts = new WeakMap();
const socketIds = new WeakMap();
let nextConnectionId = 1;
/** Record the connection a Request arrived on (node adapter). */
export function bindRequestContext(req, socket) {
    let id = socket ? socketIds.get(socket) : undefined;
    if (socket && id === undefined)
        socketIds.set(socket, (id = nextConnectionId++));
    const ctx = { connectionId: id ?? nextConnectionId++, remoteAddress: socket?.remoteAddress ?? '', socket };
    contexts.set(req, ctx);
    return ctx;
}
/** The connection facts of a Request built by the node adapter; undefined for in-process Requests. */
export function requestContext(req) {
    return contexts.get(req);
}
//# sourceMappingURL=request-context.js.map