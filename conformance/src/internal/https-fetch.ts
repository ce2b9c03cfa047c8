// A `fetch` over node:https that trusts exactly the CA bundle it is given (a pool's --ca FILE, or the
// embedded server's self-signed TLS certificate). Node's global fetch cannot take a per-call trust
// store without undici's dispatcher, so the runner brings its own.
import https from 'node:https';
import http from 'node:http';

export interface HttpsFetchOptions {
  /** PEM bundle to trust; undefined = the system store. */
  ca?: string | undefined;
  /** Abort a request after this many ms (default 15 000). */
  timeoutMs?: number;
  /** Called for every request/response (the doctor's transcript). */
  onExchange?: (e: { method: string; url: string; requestHeaders: Record<string, string>; requestBody: string; status: number; responseHeaders: Record<string, string>; responseBody: string; ms: number }) => void;
}

export function httpsFetch(opts: HttpsFetchOptions = {}): typeof fetch {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(req.url);
    const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await req.arrayBuffer());
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    if (body.length) headers['content-length'] = String(body.length);
    const started = performance.now();
    const lib = url.protocol === 'http:' ? http : https;
    return await new Promise<Response>((resolve, reject) => {
      const r = lib.request(url, { method: req.method, headers, ...(url.protocol === 'https:' && opts.ca ? { ca: opts.ca } : {}), timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const h = new Headers();
          const rh: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined) continue;
            for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
            rh[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          opts.onExchange?.({ method: req.method, url: req.url, requestHeaders: headers, requestBody: body.toString('utf8'), status: res.statusCode ?? 0, responseHeaders: rh, responseBody: buf.toString('utf8'), ms: performance.now() - started });
          const status = res.statusCode ?? 500;
          resolve(new Response(status === 204 || status === 304 ? null : buf, { status, headers: h }));
        });
      });
      r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.url}: no response within ${timeoutMs} ms`)));
      r.on('error', reject);
      r.end(body);
    });
  };
  return f as typeof fetch;
}
