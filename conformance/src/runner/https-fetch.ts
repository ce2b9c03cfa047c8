// A `fetch` over node:https that trusts a given CA (the target's, or the embedded server's) instead of
// the system store, so the protocol clients (WebTicketClient, requestCertificate, AuthBrokerClient)
// can talk to a pool with a private CA. Loopback/real pools only; no redirects are followed.
import https from 'node:https';
import http from 'node:http';

export type FetchLike = typeof fetch;

export interface HttpsFetchOptions {
  /** PEM trust anchors for the server certificate (undefined: the system store). */
  ca?: string | readonly string[];
  /** Abort a request after this many ms (default 30 000). */
  timeoutMs?: number;
  /** Largest response body accepted (default 8 MiB). */
  maxResponseBytes?: number;
}

async function bodyBytes(body: unknown): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  throw new TypeError(`httpsFetch: body: expected string, Uint8Array, ArrayBuffer or Blob, received ${Object.prototype.toString.call(body)}`);
}

/** fetch-compatible function; `Response` objects are web-standard. */
export function httpsFetch(opts: HttpsFetchOptions = {}): FetchLike {
  const ca = opts.ca === undefined ? undefined : typeof opts.ca === 'string' ? [opts.ca] : [...opts.ca];
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const max = opts.maxResponseBytes ?? 8 * 1024 * 1024;
  const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : undefined;
    const url = new URL(req ? req.url : String(input));
    const method = init?.method ?? req?.method ?? 'GET';
    const headers = new Headers(init?.headers ?? req?.headers);
    const body = init?.body !== undefined ? await bodyBytes(init.body) : req && req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    if (body) headers.set('content-length', String(body.length));
    const signal = init?.signal ?? req?.signal ?? undefined;
    const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!mod) throw new TypeError(`httpsFetch: url: expected an https: or http: URL, received ${url.protocol}`);
    return await new Promise<Response>((resolve, reject) => {
      const r = mod.request(
        url,
        { method, headers: Object.fromEntries(headers), ...(url.protocol === 'https:' && ca ? { ca } : {}), timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          let n = 0;
          res.on('data', (c: Buffer) => {
            n += c.length;
            if (n > max) { res.destroy(new Error(`httpsFetch: response body: expected at most ${max} bytes, received more`)); return; }
            chunks.push(c);
          });
          res.on('error', reject);
          res.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (Array.isArray(v)) for (const x of v) h.append(k, x);
              else if (v !== undefined) h.set(k, v);
            }
            const status = res.statusCode ?? 0;
            const noBody = status === 204 || status === 304 || method === 'HEAD';
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: h }));
          });
        },
      );
      r.on('timeout', () => r.destroy(new Error(`httpsFetch: ${method} ${url.origin}${url.pathname}: no response within ${timeoutMs} ms`)));
      r.on('error', reject);
      if (signal) {
        if (signal.aborted) r.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal.addEventListener('abort', () => r.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted')), { once: true });
      }
      r.end(body);
    });
  };
  return f as FetchLike;
}
