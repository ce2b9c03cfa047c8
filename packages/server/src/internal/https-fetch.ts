// A fetch over node:https that trusts given CA certificates (the reference server's own CA),
// for clients and tests: Node's global fetch cannot be told about a private CA per call.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';

export interface HttpsFetchOptions {
  /** PEM certificates to trust (e.g. RunningServer.caCertificatePem). */
  ca?: string | readonly string[];
  /** Per-request deadline in ms (default 30 000). */
  timeoutMs?: number;
  /** Keep-alive agent to reuse connections (default: a new connection per request). */
  agent?: import('node:https').Agent;
}

/** Returns a `fetch`-compatible function for http(s) URLs that trusts `ca`. */
export function createHttpsFetch(options: HttpsFetchOptions = {}): typeof fetch {
  const ca = options.ca === undefined ? undefined : typeof options.ca === 'string' ? [options.ca] : [...options.ca];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    if (body) headers['content-length'] = String(body.length);
    return await new Promise<Response>((resolve, reject) => {
      const opts = { method: req.method, headers, timeout: timeoutMs, ...(ca ? { ca } : {}), ...(options.agent ? { agent: options.agent } : {}) };
      const r = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined) continue;
            for (const x of Array.isArray(v) ? v : [v]) h.append(k, x);
          }
          const status = res.statusCode ?? 502;
          const nullBody = status === 204 || status === 304 || req.method === 'HEAD';
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: h }));
        });
      });
      r.on('timeout', () => r.destroy(new Error(`${req.method} ${url.origin}${url.pathname}: no answer within ${timeoutMs} ms`)));
      r.on('error', reject);
      if (req.signal) req.signal.addEventListener('abort', () => r.destroy(new Error('aborted')), { once: true });
      r.end(body);
    });
  };
  return f as typeof fetch;
}
