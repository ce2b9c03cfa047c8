// The service descriptions of MS-OCAUTHWS 6.1 (Certificate Provisioning) and 6.3 (Authentication
// Broker) as this server serves them: the printed documents (spec-documents.ts, extracted from the
// spec text) with only what must name this deployment substituted, each substitution listed here.
import { escapeAttr } from '@ocauth/c14n';
import { SPEC_WSDL_6_1, SPEC_WSDL_6_3 } from './spec-documents.js';
/**
 * MS-OCAUTHWS 6.1's wsdl:types, wsdl:message and wsdl:portType, to be placed inside a wsdl:definitions
 * whose `tns` is http://schemas.microsoft.com/OCS/AuthWebServices/ (the xs and wst prefixes the schema
 * uses are declared on wsdl:types). Unchanged from the printed text.
 */
export function certProvWsdlTypesAndPortType() {
    const inner = /<wsdl:types>[\s\S]*<\/wsdl:portType>/.exec(SPEC_WSDL_6_1)[0];
    return inner.replace('<wsdl:types>', '<wsdl:types xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:wst="http://docs.oasis-open.org/ws-sx/ws-trust/200512/">');
}
/**
 * MS-OCAUTHWS 6.3 for this deployment. Substitutions: (1) the Web Ticket Service address and its mex
 * address (printed https://Server.Vdomain.com/…) → this server's; (2) the issued token's KeyType
 * Bearer → SymmetricKey: the Web Ticket Service issues holder-of-key tickets only, as 3.2.4.1.3.3 says
 * ("MUST be set to …/SymmetricKey"), so the policy names what clients must ask for; (3) a wsdl:service
 * with the broker's soap:address appended (the printed document has none).
 *
 * @throws never: the URLs are escaped into attributes as given.
 */
export function authBrokerWsdl(brokerUrl, webTicketUrl) {
    return SPEC_WSDL_6_3.replace('https://Server.Vdomain.com/WebTicket/WebTicketService.svc<', `${escapeAttr(webTicketUrl)}<`)
        .replace('https://Server.Vdomain.com/WebTicketService.svc/mex<', `${escapeAttr(webTicketUrl)}/mex<`)
        .replace('http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer</trust:KeyType>', 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey</trust:KeyType>')
        .replace('</wsdl:definitions>', `  <wsdl:service name="RemoteService">\n    <wsdl:port name="WS2007FedHttpBinding_WebTicketBearerTokenAuth_IAuthBroker" binding="tns:WS2007FedHttpBinding_WebTicketBearerTokenAuth_IAuthBroker">\n      <soap:address location="${escapeAttr(brokerUrl)}" />\n    </wsdl:port>\n  </wsdl:service>\n</wsdl:definitions>`);
}
//# sourceMappingURL=spec-wsdl.js.map