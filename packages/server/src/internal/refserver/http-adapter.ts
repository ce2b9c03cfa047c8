// node:http(s) ⇄ web-standard Request/Response, with the limits a public endpoint needs: request
// body size (413), header/request timeouts (set on the server), a catch-all 500 that logs one
// structured line and never lets an exception escape into the process.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorFields, type ServerLogger } from './log.js';

export type WebHandler = (req: Request) => Promise<Response>;

export interface AdapterOptions {
  /** Origin used to build Request URLs (the server's own URL; the Host header is not trusted). */
  origin: () => string;
  maxBodyBytes: number;
  logger: ServerLogger;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks)); } });
    req.on('error', (e) => { if (!done) { done = true; reject(e); } });
    req.on('aborted', () => { if (!done) { done = true; reject(new Error('request aborted')); } });
  });
}

function toRequest(req: IncomingMessage, body: Buffer, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i]!, v = req.rawHeaders[i + 1]!;
    if (k.startsWith(':')) continue;
    try { headers.append(k, v); } catch { /* a value WHATWG Headers refuses: dropped */ }
  }
  const target = req.url ?? '/';
  // Only origin-form targets ("/path?query"); absolute-form or "//host" targets resolve to our origin's root.
  const url = new URL(target.startsWith('/') && !target.startsWith('//') ? target : '/', origin);
  const method = (req.method ?? 'GET').toUpperCase();
  return new Request(url, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
}

async function send(res: ServerResponse, r: Response, head: boolean): Promise<void> {
  const body = head || r.status === 204 || r.status === 304 ? undefined : Buffer.from(await r.arrayBuffer());
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => { headers[k] = v; });
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(r.status, headers);
  res.end(body);
}

/** A node:http request listener that runs `handler`, answering 413/400/500 itself when needed. */
export function nodeListener(handler: WebHandler, o: AdapterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?')[0]!.slice(0, 200);
    const log = (status: number, extra: Record<string, unknown> = {}) =>
      o.logger({ level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info', msg: 'request', requestId, method: req.method, path, status, ms: Number(process.hrtime.bigint() - started) / 1e6, ...extra });
    const fail = (status: number, extra: Record<string, unknown> = {}) => {
      log(status, extra);
      if (res.headersSent) { res.destroy(); return; }
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, connection: 'close' });
      res.end(JSON.stringify({ error: status === 413 ? 'request body too large' : status === 400 ? 'bad request' : 'internal server error', requestId }));
    };
    (async () => {
      const body = await readBody(req, o.maxBodyBytes);
      if (body === 'too-large') return fail(413, { limit: o.maxBodyBytes });
      let request: Request;
      try {
        request = toRequest(req, body, o.origin());
      } catch (e) {
        return fail(400, errorFields(e));
      }
      const response = await handler(request);
      await send(res, response, request.method === 'HEAD');
      log(response.status);
    })().catch((e: unknown) => {
      try { fail(500, errorFields(e)); } catch { res.destroy(); }
    });
  };
}
