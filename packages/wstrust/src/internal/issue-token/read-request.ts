// MS-OCAUTHWS 2.1 / 3.2.4.1: the IssueToken request as a SOAP envelope, and its wsa:Action.
import { parseEnvelope, type ParsedEnvelope } from '../messages.js';
import { URI } from '../ns.js';
import { readSoapRequest, SoapRequestError } from '../soap-request.js';
import type { XDocument } from '../xml.js';
import { Refusal, soapFault, xmlResponse } from './respond.js';
import { buildFaultEnvelope } from '../metadata.js';

/** Largest IssueToken / WS-MEX request accepted (bytes). */
const MAX_REQUEST_BYTES = 1024 * 1024;
/** Deepest element nesting accepted below the Envelope. */
const MAX_DEPTH = 64;

/**
 * The request as a SOAP envelope (readSoapRequest: streamed with a cap, strict UTF-8, DOCTYPE refused). Too large
 * is 413, a Content-Type contradicting the envelope's version 415, both without a body; anything else unreadable
 * is a SOAP 1.1 s:Client fault (HTTP 500).
 */
export async function readEnvelope(req: Request): Promise<ParsedEnvelope> {
  try {
    const soap = await readSoapRequest(req, { maxBytes: MAX_REQUEST_BYTES, maxDepth: MAX_DEPTH + 1 });
    return parseEnvelope(soap.document as unknown as XDocument);
  } catch (e) {
    if (e instanceof SoapRequestError && (e.code === 'ERR_SOAP_TOO_LARGE' || e.code === 'ERR_SOAP_VERSION' || e.code === 'ERR_SOAP_METHOD')) {
      throw new Refusal(new Response(null, { status: e.status, ...(e.code === 'ERR_SOAP_METHOD' ? { headers: { allow: 'POST' } } : {}) }));
    }
    const message = e instanceof SoapRequestError && e.code === 'ERR_SOAP_XML' ? `SOAP envelope: ${(e.cause as Error).message}` : (e as Error).message;
    throw new Refusal(xmlResponse(500, buildFaultEnvelope('s:Client', message)));
  }
}

/** The 2005/02 IssueToken action older clients send. */
const ACTION_RST_ISSUE_2005_02 = 'http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue';

/** MS-OCAUTHWS 3.2.4.1: wsa:Action, when present, names IssueToken (checked before authentication). */
export function checkAction(fqdn: string, env: ParsedEnvelope): void {
  const action = env.addressing.action;
  if (action !== undefined && action !== URI.actionRstIssue && action !== ACTION_RST_ISSUE_2005_02) {
    throw soapFault(fqdn, 's:Client', `wsa:Action: expected ${URI.actionRstIssue}, received ${JSON.stringify(action.slice(0, 120))}`, undefined, env.version);
  }
}
