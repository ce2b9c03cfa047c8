import { NS } from './ns.js';
import { escText } from './xml.js';
import type { WebTicketErrorInfo } from './catalog.js';

const FAULT_NS: Record<string, string> = { wsse: NS.wsse, wst: NS.wst, wsu: NS.wsu, s: NS.soap11 };

/** SOAP 1.1 Fault, with af:OCSDiagnosticsFault detail when an ErrorId applies (MS-OCAUTHWS 2.2.4.1). */
export function buildSoapFault(faultcode: string, faultstring: string, diag?: WebTicketErrorInfo, version: '1.1' | '1.2' = '1.1'): string {
  if (version === '1.2') return buildSoap12Fault(faultcode, faultstring, diag);
  const prefix = faultcode.split(':')[0] ?? 's';
  const nsDecl = prefix !== 's' && FAULT_NS[prefix] ? ` xmlns:${prefix}="${FAULT_NS[prefix]}"` : '';
  const detail = diag
    ? `<detail><af:OCSDiagnosticsFault xmlns:af="${NS.af}"><af:Ms-Diagnostics-Fault><af:ErrorId>${diag.errorId}</af:ErrorId><af:Reason>${escText(diag.reason)}</af:Reason></af:Ms-Diagnostics-Fault></af:OCSDiagnosticsFault></detail>`
    : '';
  return `<s:Fault><faultcode${nsDecl}>${escText(faultcode)}</faultcode><faultstring xml:lang="en-US">${escText(faultstring)}</faultstring>${detail}</s:Fault>`;
}

/** SOAP 1.2 Fault: env:Sender/env:Receiver with the WS-Security/WS-Trust code as Subcode (SOAP 1.2 part 1 §5.4). */
function buildSoap12Fault(faultcode: string, reason: string, diag?: WebTicketErrorInfo): string {
  const prefix = faultcode.split(':')[0] ?? 's';
  const isClient = faultcode === 's:Client';
  const sub = prefix !== 's' && FAULT_NS[prefix] ? `<s:Subcode><s:Value xmlns:${prefix}="${FAULT_NS[prefix]}">${escText(faultcode)}</s:Value></s:Subcode>` : '';
  const detail = diag
    ? `<s:Detail><af:OCSDiagnosticsFault xmlns:af="${NS.af}"><af:Ms-Diagnostics-Fault><af:ErrorId>${diag.errorId}</af:ErrorId><af:Reason>${escText(diag.reason)}</af:Reason></af:Ms-Diagnostics-Fault></af:OCSDiagnosticsFault></s:Detail>`
    : '';
  return `<s:Fault><s:Code><s:Value>${isClient || prefix !== 's' ? 's:Sender' : 's:Receiver'}</s:Value>${sub}</s:Code><s:Reason><s:Text xml:lang="en-US">${escText(reason)}</s:Text></s:Reason>${detail}</s:Fault>`;
}
