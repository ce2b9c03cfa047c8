// MS-OCAUTHWS 3.1.4.1 respond: the GetAndPublishCertResponse in its SOAP envelope; failures as ErrorInfo (3.1.4.1.4.1), never SOAP faults.
import { buildGetAndPublishCertErrorResponse, NS, toDiagnosticsText, type GetAndPublishCertResponseCode } from '@ocauth/diagnostics';
import { ACTION_GET_AND_PUBLISH_CERT_RESPONSE } from '../uris.js';
import type { GetAndPublishCertRequest } from '../request.js';

export type SoapVersion = '1.1' | '1.2';

/**
 * A refusal answered with ErrorInfo: the step that refuses names the spec's ResponseCode
 * (GetAndPublishCertResponseCodeType, 3.1.4.1.4.1; the catalog is @ocauth/diagnostics').
 */
export class Refusal extends Error {
  constructor(
    readonly responseCode: Exclude<GetAndPublishCertResponseCode, 'NoError'>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'Refusal';
  }
}

/** The SOAP version a request declares by its Content-Type (before its envelope is read). */
export function declaredSoapVersion(req: Request): SoapVersion {
  return /^\s*application\/soap\+xml/i.test(req.headers.get('content-type') ?? '') ? '1.2' : '1.1';
}

// MS-OCAUTHWS 2.1 binds SOAP 1.1 (4.1.2 example); a SOAP 1.2 request is answered in SOAP 1.2.
const envelope = (body: string, v: SoapVersion) =>
  `<s:Envelope xmlns:s="${v === '1.2' ? NS.soap12 : NS.soap11}"><s:Header><Action s:mustUnderstand="1" xmlns="${NS.wsaNone}">${ACTION_GET_AND_PUBLISH_CERT_RESPONSE}</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`;

/** HTTP 200 with `body` (a GetAndPublishCertResponse element) in a SOAP envelope of version `v`. */
export function respond(body: string, v: SoapVersion): Response {
  return new Response(envelope(body, v), {
    status: 200,
    headers: {
      'content-type': v === '1.2' ? `application/soap+xml; charset=utf-8; action="${ACTION_GET_AND_PUBLISH_CERT_RESPONSE}"` : 'text/xml; charset=utf-8',
    },
  });
}

/**
 * MS-OCAUTHWS 3.1.4.1: "If an error occurs during processing, an error response MUST be sent using the
 * ErrorInfo element in GetAndPublishCertResponse ... SOAP faults SHOULD NOT be used." A Refusal is answered
 * with its ResponseCode; anything else is InternalError, its cause passed to `onError`, never to the client.
 */
export function respondWithError(
  e: unknown,
  request: GetAndPublishCertRequest | undefined,
  v: SoapVersion,
  onError: ((error: unknown) => void) | undefined,
): Response {
  if (!(e instanceof Refusal)) onError?.(e);
  const [code, description] = e instanceof Refusal ? [e.responseCode, e.message] : (['InternalError', 'internal error'] as const);
  const body = buildGetAndPublishCertErrorResponse({
    deviceId: toDiagnosticsText(request?.deviceId ?? '', 64).replace(/^-$/, ''),
    entity: toDiagnosticsText(request?.entity ?? '', 256).replace(/^-$/, ''),
    responseCode: code,
    description: toDiagnosticsText(description, 512),
  });
  return respond(body, v);
}
