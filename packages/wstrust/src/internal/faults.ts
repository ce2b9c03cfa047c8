// SOAP faults of the Web Ticket Service (MS-OCAUTHWS 2.2.4.1, 3.2.4.1), built by @ocauth/diagnostics' one SOAP Fault builder.
import { NS } from '@ocauth/diagnostics';

import { buildOcsDiagnosticsFault, buildSoapFault as buildDiagnosticsSoapFault } from '@ocauth/diagnostics';
import type { WebTicketErrorInfo } from './catalog.js';

// `a` is how a real pool binds the WS-Security namespace in its FailedAuthentication faultcode (a:FailedAuthentication).
const FAULT_NS: Record<string, string> = { wsse: NS.wsse, wst: NS.trust, wsu: NS.wsu, s: NS.soap11, a: NS.wsse };

// Characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/U+FFFF) become '?' in a faultstring (not U+FFFD: xmldom-based readers, @ocauth/diagnostics' among them, refuse it).
const NON_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\uD800-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * SOAP 1.1 (or 1.2) Fault, with af:OCSDiagnosticsFault detail when an ErrorId applies (MS-OCAUTHWS 2.2.4.1);
 * faults carrying an ErrorId are built by @ocauth/diagnostics `buildOcsDiagnosticsFault`.
 */
export function buildSoapFault(
  faultcode: string,
  faultstring: string,
  diag?: Pick<WebTicketErrorInfo, 'errorId' | 'reason'>,
  version: '1.1' | '1.2' = '1.1',
): string {
  if (diag) {
    // Keep this package's namespace for the faultcode prefix: WS-Trust 1.3 is .../ws-trust/200512 without the
    // trailing slash (what the spec's 4.2 response uses); @ocauth/diagnostics defaults to the 1.5 table's form.
    const prefix = faultcode.split(':')[0] ?? 's';
    const faultcodeNamespace = prefix !== 's' ? FAULT_NS[prefix] : undefined;
    return buildOcsDiagnosticsFault({
      errorId: diag.errorId,
      reason: diag.reason.replace(NON_XML, '?'),
      faultcode,
      faultstring: faultstring.replace(NON_XML, '?'),
      soapVersion: version,
      ...(faultcodeNamespace !== undefined ? { faultcodeNamespace } : {}),
    });
  }
  const prefix = faultcode.split(':')[0] ?? 's';
  const faultcodeNamespace = prefix !== 's' ? FAULT_NS[prefix] : undefined;
  return buildDiagnosticsSoapFault({
    faultcode,
    faultstring: faultstring.replace(NON_XML, '?'),
    soapVersion: version,
    ...(faultcodeNamespace !== undefined ? { faultcodeNamespace } : {}),
  });
}
