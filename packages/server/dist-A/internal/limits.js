export function guardConnections(server, o) {
    // Insertion order of a Map = age order: the first entry is the oldest pending handshake.
    const pending = new Map();
    const pendingBySource = new Map();
    const established = new Map();
    const dropped = {};
    const drop = (s, reason) => {
        dropped[reason] = (dropped[reason] ?? 0) + 1;
        o.onDrop?.(reason);
        s.destroy();
    };
    const keyOf = (s) => `${s.remoteAddress ?? ''}|${s.remotePort ?? 0}`;
    const forget = (key) => {
        const p = pending.get(key);
        if (!p)
            return undefined;
        clearTimeout(p.timer);
        pending.delete(key);
        const bySource = pendingBySource.get(p.source);
        bySource?.delete(key);
        if (bySource && bySource.size === 0)
            pendingBySource.delete(p.source);
        return p;
    };
    const onConnection = (socket) => {
        const key = keyOf(socket);
        const source = socket.remoteAddress ?? '';
        const timer = setTimeout(() => {
            const p = forget(key);
            if (p)
                drop(p.socket, 'handshake-timeout');
        }, o.handshakeTimeoutMs);
        timer.unref();
        const entry = { socket, source, timer };
        pending.set(key, entry);
        let bySource = pendingBySource.get(source);
        if (!bySource)
            pendingBySource.set(source, (bySource = new Map()));
        bySource.set(key, entry);
        socket.once('close', () => forget(key));
        // Too many handshakes pending from this source, then overall: close the oldest.
        if (bySource.size > o.maxPendingHandshakesPerSource) {
            const oldest = bySource.keys().next().value;
            const p = forget(oldest);
            if (p)
                drop(p.socket, 'pending-evicted');
        }
        if (pending.size > o.maxPendingHandshakes) {
            const oldest = pending.keys().next().value;
            const p = forget(oldest);
            if (p)
                drop(p.socket, 'pending-evicted');
        }
    };
    const onSecure = (tls) => {
        forget(keyOf(tls));
        const source = tls.remoteAddress ?? '';
        const n = (established.get(source) ?? 0) + 1;
        established.set(source, n);
        let counted = true;
        tls.once('close', () => {
            if (!counted)
                return;
            counted = false;
            const m = (established.get(source) ?? 1) - 1;
            if (m <= 0)
                established.delete(source);
            else
                established.set(source, m);
        });
        if (n > o.maxConnectionsPerSource)
            return drop(tls, 'per-source-limit');
        const timer = setTimeout(() => drop(tls, 'first-request-timeout'), o.firstRequestTimeoutMs);
        timer.unref();
        firstRequest.set(tls, timer);
        tls.once('close', () => clearTimeout(timer));
    };
    const firstRequest = new WeakMap();
    const onRequest = (req) => {
        const t = firstRequest.get(req.socket);
        if (t) {
            clearTimeout(t);
            firstRequest.delete(req.socket);
        }
    };
    server.on('connection', onConnection);
    server.on('secureConnection', onSecure);
    server.on('request', onRequest);
    return {
        stats: () => ({ pendingHandshakes: pending.size, established: [...established.values()].reduce((a, b) => a + b, 0), dropped: { ...dropped } }),
        close: () => {
            for (const k of [...pending.keys()])
                forget(k)?.socket.destroy(); // server.close() does not wait for them
            server.off('connection', onConnection);
            server.off('secureConnection', onSecure);
            server.off('request', onRequest);
        },
    };
}
/**
 * Cheap checks before the services parse anything (issue 16 item 5): a body cap far below the transport
 * limit (a GetAndPublishCert or broker request with its ticket is a few KB; 800 KB credential-less
 * bodies cost ~0.3 s of CPU each to parse), and a bound on concurrently handled requests.
 */
export function preAuthGate(o) {
    let active = 0;
    const waiting = [];
    const acquire = async () => {
        if (active < o.maxConcurrent) {
            active++;
            return true;
        }
        if (waiting.length >= o.maxQueued)
            return false;
        await new Promise((resolve) => waiting.push(resolve));
        return true; // the slot was handed over by release()
    };
    const release = () => {
        const next = waiting.shift();
        if (next)
            next();
        else
            active--;
    };
    return (h) => async (req) => {
        // The body was read by the node adapter with this cap as its limit (413 before any parsing, declared
        // or chunked); a declared length above it never gets here. Checked again for other callers.
        const declared = Number(req.headers.get('content-length') ?? NaN);
        if (Number.isFinite(declared) && declared > o.maxBodyBytes)
            return new Response(`request body: expected at most ${o.maxBodyBytes} bytes before authentication\n`, {
                status: 413,
                headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close' },
            });
        if (!(await acquire()))
            return new Response('busy\n', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' } });
        try {
            return await h(req); // the same Request object: its connection context (source address) stays bound
        }
        finally {
            release();
        }
    };
}
//# sourceMappingURL=limits.js.map