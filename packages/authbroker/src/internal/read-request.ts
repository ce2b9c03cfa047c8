// MS-OCAUTHWS 3.3.4: reading an IAuthBroker request (the one SOAP request reader, then the operation of its wsa:Action).
import { readSoapRequest, SoapRequestError, type SoapRequest, type SoapRequestErrorCode } from '@ocauth/wstrust';
import { AuthBrokerError, describeReceived, type AuthBrokerErrorCode } from './errors.js';
import { actionOf } from './actions.js';
import { BrokerFault } from './fault.js';
import { parseAuthBrokerRequest, type ParsedAuthBrokerRequest } from './messages.js';
import { MAX_XML_DEPTH } from './xml.js';

/** A request as read: its text (what the ticket verifier sees), its SOAPAction and its parsed operation. */
export interface BrokerRequest {
  text: string;
  soapAction: string | undefined;
  parsed: ParsedAuthBrokerRequest;
}

/** How each refusal of @ocauth/wstrust's readSoapRequest is answered: HTTP status and the broker's code. */
const SOAP_REFUSALS: Readonly<Record<SoapRequestErrorCode, AuthBrokerErrorCode>> = {
  ERR_SOAP_METHOD: 'ERR_AUTHBROKER_HTTP', // 405
  ERR_SOAP_TOO_LARGE: 'ERR_AUTHBROKER_HTTP', // 413
  ERR_SOAP_VERSION: 'ERR_AUTHBROKER_HTTP', // 415
  ERR_SOAP_ENCODING: 'ERR_AUTHBROKER_XML',
  ERR_SOAP_XML: 'ERR_AUTHBROKER_XML',
  ERR_SOAP_ENVELOPE: 'ERR_AUTHBROKER_MESSAGE',
};

/**
 * Read the request with the one SOAP request reader (@ocauth/wstrust readSoapRequest: streamed with a cap,
 * fatal UTF-8, c14n parseXml) and parse its IAuthBroker operation; every refusal is a BrokerFault.
 */
export async function readBrokerRequest(request: Request, maxBodyBytes: number): Promise<BrokerRequest> {
  let soap: SoapRequest;
  try {
    soap = await readSoapRequest(request, { maxBytes: maxBodyBytes, maxDepth: MAX_XML_DEPTH });
  } catch (e) {
    if (!(e instanceof SoapRequestError)) throw e;
    throw new BrokerFault(e.status, 'Client', SOAP_REFUSALS[e.code], e.message, { cause: e });
  }
  let parsed: ParsedAuthBrokerRequest;
  try {
    parsed = parseAuthBrokerRequest(soap.document);
  } catch (e) {
    if (e instanceof AuthBrokerError) throw new BrokerFault(400, 'Client', e.code, e.message, { cause: e });
    throw e;
  }
  return { text: soap.text, soapAction: soap.soapAction, parsed };
}

/** A SOAPAction (header, or the Content-Type action parameter), when present and not empty, names the same operation as wsa:Action. */
export function checkSoapAction({ soapAction, parsed }: BrokerRequest): void {
  const expected = actionOf(parsed.operation, 'request');
  if (soapAction !== undefined && soapAction !== '' && soapAction !== expected) {
    throw new BrokerFault(
      400,
      'Client',
      'ERR_AUTHBROKER_ACTION',
      `SOAPAction: expected "${expected}" (the wsa:Action), received ${describeReceived(soapAction)}`,
      { field: 'SOAPAction' },
    );
  }
}
