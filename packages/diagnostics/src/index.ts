// @ocauth/diagnostics — MS-OCAUTHWS error catalog, header/fault codecs, findings and certificate checks.
export { DiagnosticsError } from './internal/errors.js';
export type { DiagnosticsErrorCode, ParseIssue, ParseResult } from './internal/errors.js';
export { NS, type NamespacePrefix } from './internal/ns.js';

export { WEB_TICKET_ERRORS, webTicketError, isWebTicketErrorRange } from './internal/web-ticket-errors.js';
export type { WebTicketErrorInfo, WebTicketErrorName, WebTicketErrorStage } from './internal/web-ticket-errors.js';

export {
  GetAndPublishCertResponseCode,
  GET_AND_PUBLISH_CERT_RESPONSE_CODES,
  getAndPublishCertResponseCode,
  isGetAndPublishCertResponseCode,
} from './internal/response-codes.js';
export type { GetAndPublishCertResponseCodeInfo } from './internal/response-codes.js';

export {
  SecurityStatus,
  SECURITY_STATUSES,
  securityStatus,
  securityStatusName,
  isSecurityStatusSuccess,
  formatSecurityStatus,
  parseSecurityStatusNumber,
} from './internal/security-status.js';
export type { SecurityStatusName, SecurityStatusInfo } from './internal/security-status.js';

export { formatMsDiagnostics, parseMsDiagnostics, toDiagnosticsText, webTicketDiagnostics } from './internal/ms-diagnostics.js';
export type { MsDiagnostics, MsDiagnosticsParseResult, FormatMsDiagnosticsOptions, ParseMsDiagnosticsOptions } from './internal/ms-diagnostics.js';

export { formatWebTicketHeader, parseWebTicketHeader, parseWebTicketUrlHeader, webTicketTokenText } from './internal/web-ticket-header.js';
export type { WebTicketHeader, WebTicketUrlHeader, FormatWebTicketHeaderOptions, ParseWebTicketHeaderOptions } from './internal/web-ticket-header.js';

export { buildOcsDiagnosticsFault, buildOcsDiagnosticsFaultDetail, buildSoapFault, parseOcsDiagnosticsFault, parseSoapFault } from './internal/ocs-fault.js';
export type { BuildOcsDiagnosticsFaultOptions, BuildSoapFaultOptions, MsDiagnosticsFault, OcsDiagnosticsFault, SoapFault } from './internal/ocs-fault.js';

export { buildErrorInfo, buildGetAndPublishCertErrorResponse, parseErrorInfo } from './internal/error-info.js';
export type { ErrorInfo, ParsedErrorInfo } from './internal/error-info.js';
export type { SafeXmlOptions } from './internal/xml.js';

export type { Finding } from './internal/finding.js';
export { FIELD_NOTES, formatFindings } from './internal/finding.js';
export { explain, explainAll, findingForWebTicketError, findingForResponseCode, findingForSecurityStatus } from './internal/explain.js';
export { checkServerCertificate, checkClientCertificate, checkIssuedCertificate, EKU } from './internal/cert-checks.js';
export { certificateSubjectKeyIdentifier } from './internal/der.js';
export type { CertificateInput, CheckServerCertificateOptions, ClientCertificatePolicy } from './internal/cert-checks.js';
export { getServerCertificateChain } from './internal/tls-probe.js';
export type { ServerCertificateChainOptions } from './internal/tls-probe.js';
export { TransportError, transportError, withTransportErrors } from './internal/transport.js';
export type { TransportErrorCode } from './internal/transport.js';
