// createHttpsFetch: the one `fetch` over node:http(s) that trusts given CA certificates (a pool's CA bundle,
// the reference server's own CA), for clients, the conformance runner and tests: Node's global fetch cannot
// take a per-call trust store without undici's dispatcher.
import { request as httpsRequest, type Agent } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { LookupFunction } from 'node:net';

/** One request and its response, as `onExchange` sees it (bodies decoded as UTF-8). */
export interface HttpsExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  /** Time from sending the request to the end of the response. */
  ms: number;
}

export interface HttpsFetchOptions {
  /** PEM certificates to trust (e.g. RunningServer.caCertificatePem, or a pool's CA bundle); undefined = Node's store. */
  ca?: string | readonly string[] | undefined;
  /** Per-request deadline in ms (default 30 000). */
  timeoutMs?: number;
  /** Keep-alive agent to reuse connections (default: a new connection per request). */
  agent?: Agent;
  /** Host name resolution (node:net's `lookup` signature), e.g. an address found by a settable DNS resolver;
   * TLS still checks the certificate against the URL's host name. Default: the system resolver. */
  lookup?: LookupFunction;
  /** Largest response body accepted, in bytes (default: unlimited); a larger one rejects the request. */
  maxResponseBytes?: number;
  /** Called with every completed request/response (a transcript, e.g. `ocauth doctor`'s). */
  onExchange?: (exchange: HttpsExchange) => void;
}

/**
 * Returns a `fetch`-compatible function for http(s) URLs that trusts `ca`. Transport failures reject as
 * Node's errors do (`code` such as `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ECONNREFUSED`); the protocol
 * clients turn them into their typed transport errors.
 *
 * @throws never synchronously; the returned function rejects with Node's socket / TLS error, or an Error
 *   "… no answer within N ms" on timeout, "… response larger than N bytes" over `maxResponseBytes`, or "aborted"
 *   when the request's signal aborts.
 */
export function createHttpsFetch(options: HttpsFetchOptions = {}): typeof fetch {
  const ca = options.ca === undefined ? undefined : typeof options.ca === 'string' ? [options.ca] : [...options.ca];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    if (body) headers['content-length'] = String(body.length);
    const started = performance.now();
    return await new Promise<Response>((resolve, reject) => {
      const opts = {
        method: req.method,
        headers,
        timeout: timeoutMs,
        ...(ca && url.protocol === 'https:' ? { ca } : {}),
        ...(options.agent ? { agent: options.agent } : {}),
        ...(options.lookup ? { lookup: options.lookup } : {}),
      };
      const r = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, opts, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (options.maxResponseBytes !== undefined && size > options.maxResponseBytes)
            r.destroy(new Error(`${req.method} ${url.origin}${url.pathname}: response larger than ${options.maxResponseBytes} bytes`));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const h = new Headers();
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined) continue;
            for (const x of Array.isArray(v) ? v : [v]) h.append(k, x);
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
      if (req.signal) req.signal.addEventListener('abort', () => r.destroy(new Error('aborted')), { once: true });
      r.end(body);
    });
  };
  return f as typeof fetch;
}
