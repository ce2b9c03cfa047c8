import { NS } from './ns.js';
import { escText } from './xml.js';
import type { WebTicketErrorInfo } from './catalog.js';

const FAULT_NS: Record<string, string> = { wsse: NS.wsse, wst: NS.wst, wsu: NS.wsu, s: NS.soap11 };

/** SOAP 1.1 Fault, with af:OCSDiagnosticsFault detail when an ErrorId applies (MS-OCAUTHWS 2.2.4.1). */
export function buildSoapFault(faultcode: string, faultstring: string, diag?: WebTicketErrorInfo): string {
  const prefix = faultcode.split(':')[0] ?? 's';
  const nsDecl = prefix !== 's' && FAULT_NS[prefix] ? ` xmlns:${prefix}="${FAULT_NS[prefix]}"` : '';
  const detail = diag
    ? `<detail><af:OCSDiagnosticsFault xmlns:af="${NS.af}"><af:Ms-Diagnostics-Fault><af:ErrorId>${diag.errorId}</af:ErrorId><af:Reason>${escText(diag.reason)}</af:Reason></af:Ms-Diagnostics-Fault></af:OCSDiagnosticsFault></detail>`
    : '';
  return `<s:Fault><faultcode${nsDecl}>${escText(faultcode)}</faultcode><faultstring xml:lang="en-US">${escText(faultstring)}</faultstring>${detail}</s:Fault>`;
}
