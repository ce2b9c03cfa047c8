// Helpers of the security-*.test.ts attack tests: an HTTPS fetch from a chosen loopback source address
// (Linux routes all of 127.0.0.0/8 to lo, so each address is a distinct "client machine"), and a PIN /
// password sign-in attempt that keeps the server's raw answer for shape comparisons.
import { Agent } from 'node:https';
import { WebTicketClient } from '@ocauth/wstrust';
import { createHttpsFetch, type RunningServer } from '@ocauth/server';

export function fetchFrom(srv: RunningServer, localAddress = '127.0.0.1'): typeof fetch {
  return createHttpsFetch({ ca: srv.caCertificatePem, timeoutMs: 20_000, agent: new Agent({ ca: srv.caCertificatePem, localAddress, keepAlive: false }) });
}

export interface Answer {
  ok: boolean;
  status: number;
  diagnostics: string | null;
  body: string;
}

/** One sign-in on the Pin or Auth binding; the server's answer with its variable parts (ids, times) blanked. */
export async function signIn(
  srv: RunningServer,
  f: typeof fetch,
  cred: { type: 'pin'; identity: string; pin: string } | { type: 'password'; username: string; password: string },
): Promise<Answer> {
  let last: Answer | undefined;
  const recording: typeof fetch = async (input, init) => {
    const res = await f(input, init);
    const body = await res.clone().text();
    last = {
      ok: res.status === 200,
      status: res.status,
      diagnostics: res.headers.get('x-ms-diagnostics'),
      body: body.replace(/urn:uuid:[0-9a-f-]+/gi, 'urn:uuid:X').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T'),
    };
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

// --- GetAndPublishCert built by hand (the attacks need bodies the real client refuses to build) ---
import { randomUUID } from 'node:crypto';
import { signMessage, type WebTicket } from '@ocauth/wstrust';
import { ACTION_GET_AND_PUBLISH_CERT, buildGetAndPublishCertRequest, generateCsr, parseGetAndPublishCertResponse } from '@ocauth/certprov';

export const ADDR_NONE = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';

/** An unsigned GetAndPublishCert envelope; `deviceId` is put in verbatim (after a valid body is built). */
export function certProvEnvelope(
  srv: RunningServer,
  o: { entity: string; deviceId?: string; keyPair?: { privateKey: import('node:crypto').KeyObject; publicKey: import('node:crypto').KeyObject } },
): string {
  const good = `{${randomUUID().toUpperCase()}}`;
  const csr = generateCsr({ sipUri: o.entity, keySizeBits: 1024, ...(o.keyPair ? { keyPair: o.keyPair } : {}) });
  let body = buildGetAndPublishCertRequest({ deviceId: good, entity: o.entity.replace(/[^\x20-\x7e]/g, 'x'), csr: csr.der, requestId: randomUUID() });
  body = body.replace(`DeviceId="${good}"`, `DeviceId="${o.deviceId ?? good}"`).replace(/Entity="[^"]*"/, `Entity="${o.entity}"`);
  return `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><To s:mustUnderstand="1" xmlns="${ADDR_NONE}">${srv.urls.certProv}</To><Action s:mustUnderstand="1" xmlns="${ADDR_NONE}">${ACTION_GET_AND_PUBLISH_CERT}</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

export const signWith = (t: WebTicket, envelope: string, now = new Date(), ttlSeconds = 300) =>
  signMessage({ envelope, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now, ttlSeconds });

/** POST a (signed) GetAndPublishCert; the outcome: issued certificate DER (base64) or the ErrorInfo code / HTTP status. */
export async function postCertProv(srv: RunningServer, f: typeof fetch, xml: string): Promise<{ status: number; certificate?: string; responseCode?: string }> {
  const res = await f(srv.urls.certProv, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` },
    body: xml,
  });
  const text = await res.text();
  let cert: string | undefined;
  let code: string | undefined;
  if (res.status === 200) {
    try {
      cert = Buffer.from(parseGetAndPublishCertResponse(text).certificateDer).toString('base64');
    } catch (e) {
      code = (e as { responseCode?: string }).responseCode;
    }
  }
  return { status: res.status, ...(cert ? { certificate: cert } : {}), ...(code ? { responseCode: code } : {}) };
}
