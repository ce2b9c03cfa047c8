// A fetch over node:https that trusts given CA certificates (Node's global fetch takes no per-call
// trust store): what clients of a server with its own CA (tests, the conformance runner) need.
import https from 'node:https';

export interface HttpsFetchOptions {
  /** Trust anchors (PEM). */
  ca: string | string[];
  /** Abort after this many milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Keep-alive agent options (default: keep-alive, 64 sockets). */
  maxSockets?: number;
}

export function createHttpsFetch(o: HttpsFetchOptions): typeof fetch & { close(): void } {
  const agent = new https.Agent({ ca: o.ca, keepAlive: true, maxSockets: o.maxSockets ?? 64 });
  const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.from(await req.arrayBuffer());
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => { headers[k] = v; });
    if (body) headers['content-length'] = String(body.length);
    const url = new URL(req.url);
    return new Promise<Response>((resolve, reject) => {
      const r = https.request(url, { method: req.method, headers, agent, timeout: o.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) for (const x of Array.isArray(v) ? v : [v]) h.append(k, x);
          const status = res.statusCode ?? 500;
          resolve(new Response(status === 204 || status === 304 || req.method === 'HEAD' ? null : Buffer.concat(chunks), { status, headers: h }));
        });
      });
      r.on('timeout', () => r.destroy(new Error(`request to ${url.origin}${url.pathname} timed out`)));
      r.on('error', reject);
      init?.signal?.addEventListener('abort', () => r.destroy(new Error('aborted')));
      r.end(body);
    });
  };
  return Object.assign(f as typeof fetch, { close: () => agent.destroy() });
}
