// Helpers of the security-*.test.ts attack tests: an HTTPS fetch from a chosen loopback source address
// (Linux routes all of 127.0.0.0/8 to lo, so each address is a distinct "client machine"), and a PIN /
// password sign-in attempt that keeps the server's raw answer for shape comparisons.
import { Agent } from 'node:https';
import { WebTicketClient } from '@ocauth/wstrust';
import { createHttpsFetch, type RunningServer } from '@ocauth/server';

export function fetchFrom(srv: RunningServer, localAddress = '127.0.0.1'): typeof fetch {
  return createHttpsFetch({ ca: srv.caCertificatePem, timeoutMs: 20_000, agent: new Agent({ ca: srv.caCertificatePem, localAddress, keepAlive: false }) });
}

export interface Answer { ok: boolean; status: number; diagnostics: string | null; body: string }

/** One sign-in on the Pin or Auth binding; the server's answer with its variable parts (ids, times) blanked. */
export async function signIn(srv: RunningServer, f: typeof fetch, cred: { type: 'pin'; identity: string; pin: string } | { type: 'password'; username: string; password: string }): Promise<Answer> {
  let last: Answer | undefined;
  const recording: typeof fetch = async (input, init) => {
    const res = await f(input, init);
    const body = await res.clone().text();
    last = { ok: res.status === 200, status: res.status, diagnostics: res.headers.get('x-ms-diagnostics'), body: body.replace(/urn:uuid:[0-9a-f-]+/gi, 'urn:uuid:X').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T') };
    return res;
  };
  const c = new WebTicketClient({ credentials: cred, fetch: recording });
  try {
    await c.requestTicket(srv.urls.certProv, srv.urls.webTicket);
  } catch {
    /* the answer is in `last` */
  }
  if (!last) throw new Error('no answer');
  return last;
}
