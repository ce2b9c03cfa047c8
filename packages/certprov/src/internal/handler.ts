// Certificate Provisioning Service handler — MS-OCAUTHWS 3.1.4.1 GetAndPublishCert as a pipeline of the spec's steps.
import { authenticate, ticketRejected } from './get-and-publish-cert/authenticate.js';
import { checkCsr } from './get-and-publish-cert/csr-policy.js';
import { checkDeviceId } from './get-and-publish-cert/device-id.js';
import { checkEntity } from './get-and-publish-cert/entity.js';
import { issueAndPublish, TicketRefusedAtPublish } from './get-and-publish-cert/issue.js';
import { checkAction, readRequest } from './get-and-publish-cert/read.js';
import { declaredSoapVersion, respond, respondWithError } from './get-and-publish-cert/respond.js';
import { checkValidity } from './get-and-publish-cert/validity.js';
import { resolveHandlerOptions, type CertProvHandlerOptions } from './handler-options.js';
import type { GetAndPublishCertRequest } from './request.js';
import { buildGetAndPublishCertResponse } from './response.js';

/**
 * The GetAndPublishCert handler (web-standard Request → Response): authenticate the request's web ticket,
 * check DeviceId, Entity, CSR and validity, issue and publish the certificate, answer. Every refusal is an
 * ErrorInfo ResponseCode (3.1.4.1.4.1) in HTTP 200; ticket failures are HTTP 401 with X-Ms-diagnostics.
 * @throws {CertProvHandlerOptionsError} ERR_CERTPROV_HANDLER_OPTIONS when the options cannot work (at
 * construction; the returned handler itself never throws).
 */
export function createCertProvHandler(options: CertProvHandlerOptions): (req: Request) => Promise<Response> {
  const c = resolveHandlerOptions(options);
  return async (req: Request): Promise<Response> => {
    let version = declaredSoapVersion(req);
    let request: GetAndPublishCertRequest | undefined;
    try {
      const read = await readRequest(req, c.maxBodyBytes); // MS-OCAUTHWS 2.1, 3.1.4.1.2.3
      if (read instanceof Response) return read;
      ({ request } = read);
      version = read.soap.version;
      checkAction(read.soap); // MS-OCAUTHWS 4.1.1
      const user = await authenticate(req, read.soap, c); // MS-OCAUTHWS 3.2
      if (user instanceof Response) return user;
      const deviceKey = checkDeviceId(request.deviceId); // MS-OCAUTHWS 3.1.4.1.5.1
      const entity = await checkEntity(request.entity, user.sipUri, options.userDirectory); // MS-OCAUTHWS 3.1.4.1.5.2
      const csr = checkCsr(request.csrDer, c.policy, options.testFaults); // MS-OCAUTHWS 3.1.4.1.2.3
      const validityHours = checkValidity(csr, c.policy); // MS-WCCE validity pairs
      const cert = await issueAndPublish({ spkiDer: csr.spkiDer, entity, deviceId: request.deviceId, deviceKey, validityHours }, c); // 3.1.4.1, 1.3.2
      const { deviceId, entity: requestEntity, requestId, csrDer } = request;
      const chainDer = c.chainDer ? [cert.der, ...c.chainDer] : undefined;
      return respond(
        buildGetAndPublishCertResponse({ deviceId, entity: requestEntity, requestId, csrDer, certificateDer: cert.der, ...(chainDer ? { chainDer } : {}) }),
        version,
      ); // 3.1.4.1.2.2
    } catch (e) {
      if (e instanceof TicketRefusedAtPublish) return ticketRejected(e.refusal, c); // MS-OCAUTHWS 3.2: 401, as a refused ticket
      return respondWithError(e, request, version, options.onError); // MS-OCAUTHWS 3.1.4.1.4.1
    }
  };
}
