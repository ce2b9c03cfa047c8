// The node:http(s) adapter's catch-all: a handler that throws (or returns garbage) is answered 500
// with a structured log entry, and the server keeps serving.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodeListener } from '../src/internal/node-adapter.js';
import type { LogEntry } from '@ocauth/server';

const logs: LogEntry[] = [];
const server = createServer(
  createNodeListener({
    origin: () => 'http://127.0.0.1',
    logger: (e) => logs.push(e),
    maxBodyBytes: 1024,
    bodyTimeoutMs: 500,
    route: (p) =>
      p === '/throw'
        ? async () => {
            throw Object.assign(new Error('boom'), { code: 'ERR_TEST' });
          }
        : p === '/bad'
          ? ((async () => ({ nope: true })) as never)
          : p === '/echo'
            ? async (req) => new Response(await req.text(), { status: 200 })
            : undefined,
  }),
);
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('a throwing handler gets 500 and one error log entry with its code; the server keeps serving', async () => {
  const r = await fetch(`${base}/throw`);
  expect(r.status).toBe(500);
  expect(await r.text()).toBe('internal error\n'); // no internals leak to the client
  expect(logs.find((l) => l.msg === 'handler failed')).toMatchObject({ level: 'error', code: 'ERR_TEST' });
  expect((await fetch(`${base}/bad`)).status).toBe(500);
  const ok = await fetch(`${base}/echo`, { method: 'POST', body: 'hello' });
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe('hello');
});

it('a body that stalls is answered 408 after the body timeout', async () => {
  const { request } = await import('node:http');
  const status = await new Promise<number>((resolve) => {
    const req = request(`${base}/echo`, { method: 'POST', headers: { 'content-length': '100' } }, (res) => resolve(res.statusCode ?? 0));
    req.write('only part of it');
    req.on('error', () => resolve(-1));
  });
  expect(status).toBe(408);
});
