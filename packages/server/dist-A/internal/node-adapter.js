import { randomUUID } from 'node:crypto';
import { errorFields } from './logger.js';
import { bindRequestContext } from './request-context.js';
const text = (res, status, body, extra = {}) => {
    if (res.headersSent) {
        res.destroy();
        return;
    }
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...extra });
    res.end(body);
};
/** The `request` listener for a node:http(s) server. */
export function createNodeListener(o) {
    return (req, res) => {
        const started = process.hrtime.bigint();
        const id = randomUUID();
        let pathname = '/';
        try {
            pathname = new URL(req.url ?? '/', 'https://x').pathname;
        }
        catch {
            /* answered 400 below */
        }
        const log = (status, extra = {}) => o.logger({
            level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
            msg: 'request',
            id,
            method: req.method,
            path: pathname.slice(0, 200),
            status,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            ...extra,
        });
        void (async () => {
            try {
                let url;
                try {
                    url = new URL(req.url ?? '/', o.origin());
                    if (!(req.url ?? '').startsWith('/'))
                        throw new Error('not origin-form');
                }
                catch {
                    text(res, 400, 'request-target: expected an origin-form path\n');
                    return log(400);
                }
                const handler = o.route(url.pathname);
                if (!handler) {
                    text(res, 404, 'not found\n');
                    return log(404);
                }
                const declared = Number(req.headers['content-length'] ?? 0);
                if (Number.isFinite(declared) && declared > o.maxBodyBytes) {
                    text(res, 413, `request body: expected at most ${o.maxBodyBytes} bytes, received Content-Length ${declared}\n`, { connection: 'close' });
                    req.resume();
                    return log(413);
                }
                const body = await readBody(req, o.maxBodyBytes, o.bodyTimeoutMs);
                if (typeof body === 'number') {
                    // Answer first, then drop the connection (the rest of the body is never read).
                    res.once('finish', () => setImmediate(() => req.destroy()));
                    text(res, body, body === 413 ? `request body: expected at most ${o.maxBodyBytes} bytes\n` : `request body: expected within ${o.bodyTimeoutMs} ms\n`, {
                        connection: 'close',
                    });
                    return log(body);
                }
                const headers = new Headers();
                for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
                    const k = req.rawHeaders[i];
                    if (k.startsWith(':'))
                        continue;
                    try {
                        headers.append(k, req.rawHeaders[i + 1]);
                    }
                    catch {
                        /* a header Fetch refuses is dropped */
                    }
                }
                const method = req.method ?? 'GET';
                const request = new Request(url, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
                bindRequestContext(request, req.socket);
                let response;
                try {
                    response = await handler(request);
                }
                catch (e) {
                    o.logger({ level: 'error', msg: 'handler failed', id, path: pathname, ...errorFields(e) });
                    text(res, 500, 'internal error\n');
                    return log(500);
                }
                const out = Buffer.from(await response.arrayBuffer());
                const h = {};
                response.headers.forEach((v, k) => {
                    if (k === 'set-cookie')
                        h[k] = response.headers.getSetCookie();
                    // Fetch Headers join repeated fields with ", "; challenges go out one per header line (as IIS
                    // sends them: SIPE matches a scheme by the prefix of each WWW-Authenticate value).
                    else if (k === 'www-authenticate')
                        h[k] = splitChallenges(v);
                    else
                        h[k] = v;
                });
                h['content-length'] = String(out.length);
                res.writeHead(response.status, h);
                res.end(method === 'HEAD' ? undefined : out);
                const diag = response.headers.get('x-ms-diagnostics');
                log(response.status, diag ? { diagnostics: diag.slice(0, 300) } : {});
            }
            catch (e) {
                o.logger({ level: 'error', msg: 'request failed', id, path: pathname, ...errorFields(e) });
                try {
                    text(res, 500, 'internal error\n');
                }
                catch {
                    res.destroy();
                }
            }
        })();
    };
}
function readBody(req, max, timeoutMs) {
    return new Promise((resolve) => {
        const chunks = [];
        let size = 0;
        let done = false;
        const finish = (v) => {
            if (done)
                return;
            done = true;
            clearTimeout(timer);
            req.off('data', onData);
            resolve(v);
        };
        const timer = setTimeout(() => finish(408), timeoutMs);
        const onData = (c) => {
            size += c.length;
            if (size > max)
                return finish(413);
            chunks.push(c);
        };
        req.on('data', onData);
        req.on('end', () => finish(Buffer.concat(chunks)));
        req.on('error', () => finish(408));
        req.on('aborted', () => finish(408));
    });
}
/**
 * Split a comma-joined WWW-Authenticate value into its challenges (RFC 9110 11.6.1): a comma starts a new
 * challenge when the next item is a token NOT followed by "=" (an auth-param is `token = value`; a
 * token68 only follows a scheme and a space). Quoted strings are skipped whole.
 */
export function splitChallenges(value) {
    const out = [];
    let start = 0;
    for (let i = 0; i < value.length; i++) {
        const c = value[i];
        if (c === '"') {
            for (i++; i < value.length && value[i] !== '"'; i++)
                if (value[i] === '\\')
                    i++;
            continue;
        }
        if (c !== ',')
            continue;
        const rest = value.slice(i + 1);
        const m = /^[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:[ \t]*(=))?/.exec(rest);
        if (m && !m[2]) {
            const part = value.slice(start, i).replace(/^[\s,]+|[\s,]+$/g, '');
            if (part)
                out.push(part);
            start = i + 1;
        }
    }
    const last = value.slice(start).replace(/^[\s,]+|[\s,]+$/g, ''); // empty list elements (RFC 9110 5.6.1)
    if (last)
        out.push(last);
    return out;
}
/**
 * The one Node → web Request adapter: binds a transport-neutral handler (`Request` → `Promise<Response>`,
 * e.g. `createWebTicketHandler`, `createCertProvHandler`, `createAuthBrokerHandler`) to `node:http(s)`
 * request events, with a body cap and deadline; a handler that throws answers 500 and is logged.
 *
 * @throws never: every failure becomes an HTTP answer (400, 408, 413, 500).
 */
export function nodeListener(handler, options) {
    const origin = options.origin;
    return createNodeListener({
        origin: typeof origin === 'string' ? () => origin : origin,
        route: () => handler,
        logger: options.logger ?? (() => { }),
        maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
        bodyTimeoutMs: options.bodyTimeoutMs ?? 30_000,
    });
}
//# sourceMappingURL=node-adapter.js.map