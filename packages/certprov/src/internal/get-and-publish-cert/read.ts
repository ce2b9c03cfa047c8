// MS-OCAUTHWS 2.1 / 3.1.4.1.1.1 read the GetAndPublishCertMsg: the SOAP request (@ocauth/wstrust readSoapRequest), its GetAndPublishCert and its action.
import { readSoapRequest, SoapRequestError, type SoapRequest } from '@ocauth/wstrust';
import { ACTION_GET_AND_PUBLISH_CERT } from '../uris.js';
import { requestOfDocument, type GetAndPublishCertRequest } from '../request.js';
import { Refusal } from './respond.js';

/** The request as read: the SOAP message (text, document, version, actions) and the GetAndPublishCert it carries. */
export interface ReadRequest {
  soap: SoapRequest;
  request: GetAndPublishCertRequest;
}

/**
 * Reads the SOAP request (body streamed with the `maxBodyBytes` cap, strict UTF-8, parsed once) and the
 * GetAndPublishCert it carries (3.1.4.1.2.3). A request that cannot be read at the HTTP level is answered with
 * its bare status (405 not POST, 413 too large, 415 a Content-Type of the other SOAP version); one that is not
 * a GetAndPublishCert SOAP message (encoding, XML, envelope, shape) is refused RequestMalformed.
 */
export async function readRequest(req: Request, maxBodyBytes: number): Promise<ReadRequest | Response> {
  let soap: SoapRequest;
  try {
    soap = await readSoapRequest(req, { maxBytes: maxBodyBytes });
  } catch (e) {
    if (!(e instanceof SoapRequestError)) throw e;
    if (e.code === 'ERR_SOAP_METHOD') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    if (e.code === 'ERR_SOAP_TOO_LARGE' || e.code === 'ERR_SOAP_VERSION') return new Response(null, { status: e.status });
    throw new Refusal('RequestMalformed', `request: ${e.message}`, { cause: e });
  }
  try {
    return { soap, request: requestOfDocument(soap.document) };
  } catch (e) {
    throw new Refusal('RequestMalformed', (e as Error).message, { cause: e });
  }
}

/**
 * The action, when the request names one, is GetAndPublishCert's. SIPE and Lync send SOAPAction
 * "http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"; the spec's example carries the same
 * URI as the addressing Action header (4.1.1).
 */
export function checkAction(soap: SoapRequest): void {
  if (soap.soapAction !== undefined && soap.soapAction !== '' && soap.soapAction !== ACTION_GET_AND_PUBLISH_CERT)
    throw new Refusal('RequestMalformed', `SOAPAction: expected ${ACTION_GET_AND_PUBLISH_CERT}, received ${JSON.stringify(soap.soapAction.slice(0, 200))}`);
  if (soap.action !== undefined && soap.action !== ACTION_GET_AND_PUBLISH_CERT)
    throw new Refusal('RequestMalformed', `Action header: expected ${ACTION_GET_AND_PUBLISH_CERT}, received ${JSON.stringify(soap.action.slice(0, 200))}`);
}
