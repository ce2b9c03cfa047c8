// MS-OCAUTHWS 2.1 / 3.1.4.1.1.1 read the GetAndPublishCertMsg: the SOAP request body (capped), its shape and its action.
import { ACTION_GET_AND_PUBLISH_CERT } from '../namespaces.js';
import { parseGetAndPublishCertRequest, type GetAndPublishCertRequest } from '../request.js';
import { Refusal } from './respond.js';

/** The request as read: its text and the GetAndPublishCert it carries (3.1.4.1.2.3). */
export interface ReadRequest {
  xml: string;
  request: GetAndPublishCertRequest;
}

async function readBody(req: Request, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads the body (at most `maxBodyBytes`; undefined past it, answered 413) and parses the GetAndPublishCert
 * it carries; a request that is not one is refused RequestMalformed.
 */
export async function readRequest(req: Request, maxBodyBytes: number): Promise<ReadRequest | undefined> {
  const xml = await readBody(req, maxBodyBytes);
  if (xml === undefined) return undefined;
  try {
    return { xml, request: parseGetAndPublishCertRequest(xml) };
  } catch (e) {
    throw new Refusal('RequestMalformed', (e as Error).message, { cause: e });
  }
}

/** The SOAP action of the request: SOAP 1.1 SOAPAction header or the SOAP 1.2 content-type action parameter. */
function requestAction(req: Request): string | undefined {
  const h = req.headers.get('soapaction');
  if (h !== null) return h.trim().replace(/^"(.*)"$/, '$1');
  const m = /;\s*action\s*=\s*"?([^";]*)"?/i.exec(req.headers.get('content-type') ?? '');
  return m?.[1];
}

/**
 * The action, when the request names one, is GetAndPublishCert's. SIPE and Lync send SOAPAction
 * "http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"; the spec's example carries the same
 * URI as the addressing Action header (4.1.1).
 */
export function checkAction(req: Request, r: GetAndPublishCertRequest): void {
  const action = requestAction(req);
  if (action !== undefined && action !== '' && action !== ACTION_GET_AND_PUBLISH_CERT)
    throw new Refusal('RequestMalformed', `SOAPAction: expected ${ACTION_GET_AND_PUBLISH_CERT}, received ${JSON.stringify(action.slice(0, 200))}`);
  if (r.action !== undefined && r.action !== ACTION_GET_AND_PUBLISH_CERT)
    throw new Refusal('RequestMalformed', `Action header: expected ${ACTION_GET_AND_PUBLISH_CERT}, received ${JSON.stringify(r.action.slice(0, 200))}`);
}
