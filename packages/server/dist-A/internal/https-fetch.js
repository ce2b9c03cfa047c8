// createHttpsFetch: the one `fetch` over node:http(s) that trusts given CA certificates (a pool's CA bundle,
// the reference server's own CA), for clients, the conformance runner and tests: Node's global fetch cannot
// take a per-call trust store without undici's dispatcher.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
/**
 * Returns a `fetch`-compatible function for http(s) URLs that trusts `ca`. Transport failures reject as
 * Node's errors do (`code` such as `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ECONNREFUSED`); the protocol
 * clients turn them into their typed transport errors.
 *
 * @throws never synchronously; the returned function rejects with Node's socket / TLS error, or an Error
 *   "… no answer within N ms" on timeout, "… response larger than N bytes" over `maxResponseBytes`, or "aborted"
 *   when the request's signal aborts.
 */
export function createHttpsFetch(options = {}) {
    const ca = options.ca === undefined ? undefined : typeof options.ca === 'string' ? [options.ca] : [...options.ca];
    const timeoutMs = options.timeoutMs ?? 30_000;
    const f = async (input, init) => {
        const req = input instanceof Request ? input : new Request(input, init);
        const url = new URL(req.url);
        const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
        const headers = {};
        req.headers.forEach((v, k) => {
            headers[k] = v;
        });
        if (body)
            headers['content-length'] = String(body.length);
        const started = performance.now();
        return await new Promise((resolve, reject) => {
            const opts = {
                method: req.method,
                headers,
                timeout: timeoutMs,
                ...(ca && url.protocol === 'https:' ? { ca } : {}),
                ...(options.agent ? { agent: options.agent } : {}),
                ...(options.lookup ? { lookup: options.lookup } : {}),
            };
            const r = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, opts, (res) => {
                const chunks = [];
                let size = 0;
                res.on('data', (c) => {
                    size += c.length;
                    if (options.maxResponseBytes !== undefined && size > options.maxResponseBytes)
                        r.destroy(new Error(`${req.method} ${url.origin}${url.pathname}: response larger than ${options.maxResponseBytes} bytes`));
                    else
                        chunks.push(c);
                });
                res.on('error', reject);
                res.on('end', () => {
                    const buf = Buffer.concat(chunks);
                    const h = new Headers();
                    const flat = {};
                    for (const [k, v] of Object.entries(res.headers)) {
                        if (v === undefined)
                            continue;
                        for (const x of Array.isArray(v) ? v : [v])
                            h.append(k, x);
                        flat[k] = Array.isArray(v) ? v.join(', ') : v;
                    }
                    const status = res.statusCode ?? 502;
                    options.onExchange?.({
                        method: req.method,
                        url: req.url,
                        requestHeaders: headers,
                        requestBody: body?.toString('utf8') ?? '',
                        status,
                        responseHeaders: flat,
                        responseBody: buf.toString('utf8'),
                        ms: performance.now() - started,
                    });
                    const nullBody = status === 204 || status === 304 || req.method === 'HEAD';
                    resolve(new Response(nullBody ? null : buf, { status, statusText: res.statusMessage ?? '', headers: h }));
                });
            });
            r.on('timeout', () => r.destroy(new Error(`${req.method} ${url.origin}${url.pathname}: no answer within ${timeoutMs} ms`)));
            r.on('error', reject);
            if (req.signal)
                req.signal.addEventListener('abort', () => r.destroy(new Error('aborted')), { once: true });
            r.end(body);
        });
    };
    return f;
}
//# sourceMappingURL=https-fetch.js.map