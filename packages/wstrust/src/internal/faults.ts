import { NS } from './ns.js';
import { escText } from './xml.js';
import { buildOcsDiagnosticsFault } from '@ocauth/diagnostics';
import type { WebTicketErrorInfo } from './catalog.js';

// `a` is how a real pool binds the WS-Security namespace in its FailedAuthentication faultcode (a:FailedAuthentication).
const FAULT_NS: Record<string, string> = { wsse: NS.wsse, wst: NS.wst, wsu: NS.wsu, s: NS.soap11, a: NS.wsse };

// Characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/U+FFFF) become '?' in a faultstring (not U+FFFD: xmldom-based readers, @ocauth/diagnostics' among them, refuse it).
const NON_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\uD800-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * SOAP 1.1 (or 1.2) Fault, with af:OCSDiagnosticsFault detail when an ErrorId applies (MS-OCAUTHWS 2.2.4.1);
 * faults carrying an ErrorId are built by @ocauth/diagnostics `buildOcsDiagnosticsFault`.
 */
export function buildSoapFault(faultcode: string, faultstring: string, diag?: Pick<WebTicketErrorInfo, 'errorId' | 'reason'>, version: '1.1' | '1.2' = '1.1'): string {
  if (diag) {
    // Keep this package's namespace for the faultcode prefix: WS-Trust 1.3 is .../ws-trust/200512 without the
    // trailing slash (what the spec's 4.2 response uses); @ocauth/diagnostics defaults to the 1.5 table's form.
    const prefix = faultcode.split(':')[0] ?? 's';
    const faultcodeNamespace = prefix !== 's' ? FAULT_NS[prefix] : undefined;
    return buildOcsDiagnosticsFault({
      errorId: diag.errorId, reason: diag.reason.replace(NON_XML, '?'), faultcode, faultstring: faultstring.replace(NON_XML, '?'), soapVersion: version,
      ...(faultcodeNamespace !== undefined ? { faultcodeNamespace } : {}),
    });
  }
  if (version === '1.2') return buildSoap12Fault(faultcode, faultstring.replace(NON_XML, '?'));
  const prefix = faultcode.split(':')[0] ?? 's';
  const nsDecl = prefix !== 's' && FAULT_NS[prefix] ? ` xmlns:${prefix}="${FAULT_NS[prefix]}"` : '';
  return `<s:Fault><faultcode${nsDecl}>${escText(faultcode)}</faultcode><faultstring xml:lang="en-US">${escText(faultstring.replace(NON_XML, '?'))}</faultstring></s:Fault>`;
}

/** SOAP 1.2 Fault: env:Sender/env:Receiver with the WS-Security/WS-Trust code as Subcode (SOAP 1.2 part 1 §5.4). */
function buildSoap12Fault(faultcode: string, reason: string): string {
  const prefix = faultcode.split(':')[0] ?? 's';
  const isClient = faultcode === 's:Client';
  const sub = prefix !== 's' && FAULT_NS[prefix] ? `<s:Subcode><s:Value xmlns:${prefix}="${FAULT_NS[prefix]}">${escText(faultcode)}</s:Value></s:Subcode>` : '';
  return `<s:Fault><s:Code><s:Value>${isClient || prefix !== 's' ? 's:Sender' : 's:Receiver'}</s:Value>${sub}</s:Code><s:Reason><s:Text xml:lang="en-US">${escText(reason)}</s:Text></s:Reason></s:Fault>`;
}
