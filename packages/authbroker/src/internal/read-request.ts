// MS-OCAUTHWS 3.3.4: reading an IAuthBroker request (HTTP POST, size cap, UTF-8, SOAP 1.1, wsa:Action = SOAPAction).
import { AuthBrokerError, describeReceived } from './errors.js';
import { actionOf } from './actions.js';
import { BrokerFault } from './fault.js';
import { parseAuthBrokerRequest, type ParsedAuthBrokerRequest } from './messages.js';

/** A request as read: its text (what the ticket verifier sees) and its parsed operation. */
export interface BrokerRequest {
  text: string;
  parsed: ParsedAuthBrokerRequest;
}

/** Read and parse the request; every refusal is a BrokerFault (405, 413, or 400 with the parser's code). */
export async function readBrokerRequest(request: Request, maxBodyBytes: number): Promise<BrokerRequest> {
  if (request.method !== 'POST') throw new BrokerFault(405, 'Client', 'ERR_AUTHBROKER_HTTP', `HTTP method: expected POST, received ${request.method}`);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBodyBytes) throw new BrokerFault(413, 'Client', 'ERR_AUTHBROKER_HTTP', `body: expected at most ${maxBodyBytes} bytes, received ${declared}`);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBodyBytes) throw new BrokerFault(413, 'Client', 'ERR_AUTHBROKER_HTTP', `body: expected at most ${maxBodyBytes} bytes, received ${bytes.byteLength}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new BrokerFault(400, 'Client', 'ERR_AUTHBROKER_XML', 'body: expected UTF-8 XML, received bytes that are not UTF-8', { cause: e });
  }
  let parsed: ParsedAuthBrokerRequest;
  try {
    parsed = parseAuthBrokerRequest(text);
  } catch (e) {
    if (e instanceof AuthBrokerError) throw new BrokerFault(400, 'Client', e.code, e.message, { cause: e });
    throw e;
  }
  return { text, parsed };
}

/** A SOAPAction header, when present and not empty, names the same operation as wsa:Action. */
export function checkSoapAction(request: Request, parsed: ParsedAuthBrokerRequest): void {
  const header = request.headers.get('soapaction');
  const soapAction = header?.replace(/^"|"$/g, '') ?? '';
  const expected = actionOf(parsed.operation, 'request');
  if (soapAction !== '' && soapAction !== expected) {
    throw new BrokerFault(400, 'Client', 'ERR_AUTHBROKER_ACTION', `SOAPAction: expected "${expected}" (the wsa:Action), received ${describeReceived(header)}`, { field: 'SOAPAction' });
  }
}
