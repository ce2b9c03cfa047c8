// Certificate Provisioning Service handler — MS-OCAUTHWS 3.1.4.1 GetAndPublishCert as a pipeline of the spec's steps.
import { authenticate, ticketRejected } from './get-and-publish-cert/authenticate.js';
import { checkCsr } from './get-and-publish-cert/csr-policy.js';
import { checkDeviceId } from './get-and-publish-cert/device-id.js';
import { checkEntity } from './get-and-publish-cert/entity.js';
import { issueAndPublish, TicketRefusedAtPublish } from './get-and-publish-cert/issue.js';
import { checkAction, readRequest } from './get-and-publish-cert/read.js';
import { declaredSoapVersion, respond, respondWithError } from './get-and-publish-cert/respond.js';
import { checkValidity } from './get-and-publish-cert/validity.js';
import { resolveHandlerOptions, type CertProvHandlerOptions, type HandlerConfig } from './handler-options.js';
import type { ParsedCsr } from './csr.js';
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
    let checks: ReturnType<typeof requestChecks> | undefined;
    try {
      const read = await readRequest(req, c.maxBodyBytes); // MS-OCAUTHWS 2.1, 3.1.4.1.2.3
      if (read instanceof Response) return read;
      ({ request } = read);
      version = read.soap.version;
      checkAction(read.soap); // MS-OCAUTHWS 4.1.1
      checks = requestChecks(request, c, options);
      const user = await authenticate(req, read.soap, c, checks.whileStateIsRead); // MS-OCAUTHWS 3.2
      if (user instanceof Response) return user;
      const checked = checks.results(); // each step's outcome, refused below in the spec's order
      const deviceKey = unwrap(checked.deviceKey); // MS-OCAUTHWS 3.1.4.1.5.1
      const entity = await checkEntity(request.entity, user.sipUri, options.userDirectory); // MS-OCAUTHWS 3.1.4.1.5.2
      const csr = unwrap(checked.csr); // MS-OCAUTHWS 3.1.4.1.2.3
      const validityHours = unwrap(checked.validityHours!); // MS-WCCE validity pairs
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
    } finally {
      checks?.drop(); // a refused request leaves no check scheduled
    }
  };
}

/** A step's value, or what it threw (kept to be thrown in the pipeline's order). */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
function settle<T>(step: () => T): Settled<T> {
  try {
    return { ok: true, value: step() };
  } catch (error) {
    return { ok: false, error };
  }
}
function unwrap<T>(s: Settled<T>): T {
  if (!s.ok) throw s.error;
  return s.value;
}

/**
 * The checks of the request that need no user (DeviceId, CSR, validity): made when the pipeline reaches them, or
 * earlier, while a ticket verifier reads its state after the ticket and its proof-of-possession signature
 * verified (`whileStateIsRead`, TicketVerifier.verify's onProven: e.g. the server's replay and used-ticket read
 * on PostgreSQL), on the next turn of the event loop. Either way each runs once, its refusal is thrown in the
 * pipeline's order after authentication, and nothing is checked for a request whose ticket never verified.
 */
function requestChecks(request: GetAndPublishCertRequest, c: HandlerConfig, options: CertProvHandlerOptions) {
  let results: { deviceKey: Settled<string>; csr: Settled<ParsedCsr>; validityHours: Settled<number> | undefined } | undefined;
  let dropped = false;
  const run = () =>
    (results ??= (() => {
      const deviceKey = settle(() => checkDeviceId(request.deviceId));
      const csr = settle(() => checkCsr(request.csrDer, c.policy, options.testFaults));
      return { deviceKey, csr, validityHours: csr.ok ? settle(() => checkValidity(csr.value, c.policy)) : undefined };
    })());
  return {
    whileStateIsRead: () => {
      setImmediate(() => {
        if (!dropped) run();
      });
    },
    results: run,
    drop: () => {
      dropped = true;
    },
  };
}
