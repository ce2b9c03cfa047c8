// MS-OCAUTHWS 6.2 Web Ticket Service WSDL and its WS-MEX response, reduced to the served bindings.
import { NS } from '@ocauth/diagnostics';
import type { WebTicketErrorInfo } from './catalog.js';
import { buildSoapFault } from './faults.js';
import { buildAddressingHeaders, buildEnvelope } from './messages.js';

import { escAttr, escText } from './xml.js';
import { WEB_TICKET_SERVICE_WSDL } from './wsdl-data.js';

export function buildFaultEnvelope(
  faultcode: string,
  message: string,
  diag?: Pick<WebTicketErrorInfo, 'errorId' | 'reason'>,
  version: '1.1' | '1.2' = '1.1',
): string {
  return buildEnvelope({ version, body: buildSoapFault(faultcode, message, diag, version) });
}

/** The Web Ticket Service bindings of MS-OCAUTHWS 6.2, with their port address suffixes. */
export type WebTicketPortBinding = 'WinNegotiate' | 'Cert' | 'Pin' | 'Auth' | 'Anon';
const PORTS: [WebTicketPortBinding, string][] = [
  ['WinNegotiate', ''],
  ['Cert', '/Cert'],
  ['Pin', '/Pin'],
  ['Auth', '/Auth'],
  ['Anon', '/Anon'],
];

/**
 * The 6.2 WSDL with a wsdl:service naming this server's port addresses, reduced to the bindings listed:
 * a binding the server does not serve is advertised nowhere (no port, no wsdl:binding, no policy), since
 * real clients pick a port from the metadata and never fall back (pidgin-sipe always takes
 * `WebTicketServiceWinNegotiate` when present, and heads for an Office 365 login when it sees a
 * `WsFedBearer` port, which is therefore never published).
 * `serviceUrl` is the published (external) address of the service.
 */
export function buildWsdl(serviceUrl: string, bindings: readonly WebTicketPortBinding[] = ['WinNegotiate', 'Cert', 'Pin', 'Auth']): string {
  const base = serviceUrl.replace(/\/$/, '');
  const served = PORTS.filter(([b]) => bindings.includes(b));
  let wsdl = WEB_TICKET_SERVICE_WSDL;
  for (const [b] of PORTS) {
    if (bindings.includes(b)) continue;
    wsdl = wsdl
      .replace(new RegExp(`\\n <wsp:Policy wsu:Id="WebTicketService${b}_policy">[\\s\\S]*?\\n </wsp:Policy>`), '')
      .replace(new RegExp(`\\n <wsdl:binding name="WebTicketService${b}" [\\s\\S]*?\\n </wsdl:binding>`), '');
  }
  const service =
    `<wsdl:service name="WebTicketService">` +
    served
      .map(
        ([b, suffix]) =>
          `<wsdl:port name="WebTicketService${b}" binding="tns:WebTicketService${b}"><soap:address location="${escAttr(base + suffix)}"/><wsa10:EndpointReference><wsa10:Address>${escText(base + suffix)}</wsa10:Address></wsa10:EndpointReference></wsdl:port>`,
      )
      .join('') +
    `</wsdl:service>`;
  return wsdl.replace(/<\/wsdl:definitions>\s*$/, `${service}\n</wsdl:definitions>\n`);
}

/** WS-MetadataExchange GetMetadata response carrying the WSDL. */
export function mexResponse(serviceUrl: string, relatesTo: string | undefined, bindings?: readonly WebTicketPortBinding[]): string {
  const wsdl = buildWsdl(serviceUrl, bindings).replace(/^<\?xml[^>]*\?>\s*/, '');
  return buildEnvelope({
    version: '1.2',
    headers: buildAddressingHeaders({ action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse', ...(relatesTo ? { relatesTo } : {}) }),
    body: `<wsx:Metadata xmlns:wsx="${NS.wsx}"><wsx:MetadataSection Dialect="http://schemas.xmlsoap.org/wsdl/" Identifier="http://tempuri.org/">${wsdl}</wsx:MetadataSection></wsx:Metadata>`,
  });
}
