import type { WebTicketErrorInfo } from './catalog.js';
import { buildSoapFault } from './faults.js';
import { buildAddressingHeaders, buildEnvelope } from './messages.js';
import { NS } from './ns.js';
import { escAttr, escText } from './xml.js';
import { WEB_TICKET_SERVICE_WSDL } from './wsdl-data.js';

export function buildFaultEnvelope(faultcode: string, message: string, diag?: Pick<WebTicketErrorInfo, 'errorId' | 'reason'>, version: '1.1' | '1.2' = '1.1'): string {
  return buildEnvelope({ version, body: buildSoapFault(faultcode, message, diag, version) });
}

const PORTS: [string, string][] = [
  ['WebTicketServiceWinNegotiate', ''],
  ['WebTicketServiceCert', '/Cert'],
  ['WebTicketServicePin', '/Pin'],
  ['WebTicketServiceAuth', '/Auth'],
  ['WebTicketServiceAnon', '/Anon'],
];

/** The 6.2 WSDL (five policies and bindings) with a wsdl:service naming this server's port addresses. */
export function buildWsdl(serviceUrl: string): string {
  const base = serviceUrl.replace(/\/$/, '');
  const service =
    `<wsdl:service name="WebTicketService">` +
    PORTS.map(([b, suffix]) => `<wsdl:port name="${b}" binding="tns:${b}"><soap:address location="${escAttr(base + suffix)}"/><wsa10:EndpointReference><wsa10:Address>${escText(base + suffix)}</wsa10:Address></wsa10:EndpointReference></wsdl:port>`).join('') +
    `</wsdl:service>`;
  return WEB_TICKET_SERVICE_WSDL.replace(/<\/wsdl:definitions>\s*$/, `${service}\n</wsdl:definitions>\n`);
}

/** WS-MetadataExchange GetMetadata response carrying the WSDL. */
export function mexResponse(serviceUrl: string, relatesTo: string | undefined): string {
  const wsdl = buildWsdl(serviceUrl).replace(/^<\?xml[^>]*\?>\s*/, '');
  return buildEnvelope({
    version: '1.2',
    headers: buildAddressingHeaders({ action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse', ...(relatesTo ? { relatesTo } : {}) }),
    body: `<wsx:Metadata xmlns:wsx="${NS.mex}"><wsx:MetadataSection Dialect="http://schemas.xmlsoap.org/wsdl/" Identifier="http://tempuri.org/">${wsdl}</wsx:MetadataSection></wsx:Metadata>`,
  });
}
