// Lync Autodiscover, as far as MS-OCAUTHWS needs it (1.5): the User links that tell a client where
// the Authentication Broker (and the other authentication services) live. The XML shape is the 1.5
// sample (AutodiscoverResponse/User/Link@token/@href); with `Accept: application/json` the same links
// come as the JSON resource clients such as Lync mobile read ({ AccessLocation, User: { Links: [...] } }).
import { escapeAttr } from '@ocauth/c14n';
import { certProvWsdlTypesAndPortType } from './spec-wsdl.js';
import { formatMsDiagnostics, toDiagnosticsText, webTicketDiagnostics, webTicketError } from '@ocauth/diagnostics';
/** token → href, in the order of the 1.5 sample (Autodiscover, AuthBroker) plus the services of this server. */
export function autodiscoverLinks(o) {
    const out = [];
    for (const [side, base] of [
        ['Internal', o.internalBase],
        ['External', o.externalBase],
    ]) {
        out.push({ token: `${side}/Autodiscover`, href: `${base}/Autodiscover/AutodiscoverService.svc/root` }, 
        // MS-OCAUTHWS 1.5: "Internal/External AuthBroker Service URL ... part of the User type" (href as in the sample).
        { token: `${side}/AuthBroker`, href: `${base}/Reach/sip.svc` }, 
        // Not in the 1.5 sample: ocauth also advertises the Web Ticket and Certificate Provisioning services.
        { token: `${side}/WebTicket`, href: `${base}/WebTicket/WebTicketService.svc` }, { token: `${side}/CertProvisioningService`, href: `${base}/CertProv/CertProvisioningService.svc` });
    }
    return out;
}
/**
 * Lync Autodiscover (MS-OCAUTHWS 1.5 points at [MS-OCDISCWS] for it):
 * - `GET …/root` (anonymous): `AutodiscoverResponse/Root/Link` with the `User` link real clients follow
 *   (pidgin-sipe reads Root/Link token="User"), and — so that a client needing only the 1.5 User links
 *   can read them without a ticket — the `User` element as well.
 * - `GET …/root/user`: the User resource; it requires a web ticket (`X-MS-WebTicket`), otherwise 401
 *   with `X-MS-WebTicketURL`, the discovery MS-OCAUTHWS 1.3.1 describes for non-web-service applications.
 * XML (`application/vnd.microsoft.rtc.autodiscover+xml; v=1`, the type clients check) unless the Accept
 * header asks for JSON.
 */
export function createAutodiscoverHandler(o) {
    return async (req) => {
        if (req.method !== 'GET' && req.method !== 'HEAD')
            return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
        const url = new URL(req.url);
        const isUser = /\/root\/user\/?$/i.test(url.pathname);
        if (isUser) {
            // X-MS-WebTicket (opaque=… SAML or cwt=… compact ticket), or the compact ticket as an OAuth-style
            // bearer (`Authorization: Bearer cwt=…`, as UCWA-style clients send their access_token).
            const authz = req.headers.get('authorization');
            const header = req.headers.get('x-ms-webticket') ?? (authz && /^\s*bearer\s+cwt\s*=/i.test(authz) ? authz : null);
            let ok = false;
            let diagnostics;
            if (header) {
                try {
                    await o.verifyTicket(header);
                    ok = true;
                }
                catch (e) {
                    // MS-OCAUTHWS 3.2: "If the Web ticket fails validation, an error response MUST be returned with an
                    // HTTP extension header called X-Ms-diagnostics" (28032 invalid, 28033 expired, 28034 other server).
                    const id = e.errorId;
                    const errorId = typeof id === 'number' && webTicketError(id) ? id : 28032;
                    diagnostics = formatMsDiagnostics(webTicketDiagnostics(errorId, {
                        ...(o.serverFqdn ? { source: o.serverFqdn } : {}),
                        reason: toDiagnosticsText(e?.message ?? 'invalid web ticket', 200),
                    }));
                }
            }
            if (!ok)
                return new Response(null, {
                    status: 401,
                    headers: {
                        'x-ms-webticketurl': o.webTicketUrl(),
                        'www-authenticate': 'MsRtcOAuth, Bearer',
                        ...(diagnostics ? { 'x-ms-diagnostics': diagnostics } : {}),
                    },
                });
        }
        const l = o.links();
        const internal = new URL(l.internalBase).hostname === url.hostname || l.internalBase === l.externalBase;
        const access = internal ? 'Internal' : 'External';
        const base = internal ? l.internalBase : l.externalBase;
        const root = `${base}/Autodiscover/AutodiscoverService.svc/root`;
        const rootLinks = [
            { token: 'User', href: `${root}/user` },
            { token: 'Self', href: root },
        ];
        const userLinks = [...autodiscoverLinks(l), { token: 'Self', href: `${root}/user` }];
        const s = o.sip();
        const access4 = ['SipServerInternalAccess', 'SipClientInternalAccess', 'SipServerExternalAccess', 'SipClientExternalAccess'];
        if ((req.headers.get('accept') ?? '').toLowerCase().includes('json')) {
            const user = { ...Object.fromEntries(access4.map((e) => [e, { fqdn: s.fqdn, port: s.port }])), Links: userLinks };
            const body = isUser ? { AccessLocation: access, User: user } : { AccessLocation: access, Root: { Links: rootLinks }, User: user };
            return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/vnd.microsoft.rtc.autodiscover+json; v=1' } });
        }
        const link = (x) => `<Link token="${escapeAttr(x.token)}" href="${escapeAttr(x.href)}"/>`;
        // Element order of the Lync Server 2013 documentation's response (SipServer/SipClient Internal/External
        // access, then the links, then Self).
        const userXml = `<User>` + access4.map((e) => `<${e} fqdn="${escapeAttr(s.fqdn)}" port="${s.port}"/>`).join('') + userLinks.map(link).join('') + `</User>`;
        const xml = `<?xml version="1.0" encoding="utf-8"?>\n<AutodiscoverResponse AccessLocation="${access}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
            (isUser ? '' : `<Root>${rootLinks.map(link).join('')}</Root>`) +
            userXml +
            `</AutodiscoverResponse>`;
        return new Response(xml, { status: 200, headers: { 'content-type': 'application/vnd.microsoft.rtc.autodiscover+xml; v=1' } });
    };
}
/** The two port/policy names of the CertProv metadata (see certProvMetadata). */
export const CERTPROV_PORT_NAMES = ['CertProvisioningServiceWebTicketProof_SHA1', 'CertProvisioningService'];
/**
 * WSDL/WS-MEX metadata of the Certificate Provisioning Service, reduced to what clients read from it:
 * the policy naming the Web Ticket Service as sp:IssuedToken issuer under EndorsingSupportingTokens
 * (MS-OCAUTHWS 1.3.2 / 6.1), so `discoverFromMetadata` finds where tickets come from.
 *
 * Two names for the same policy and port: `CertProvisioningService` (ocauth's first name, kept for
 * existing readers) and `CertProvisioningServiceWebTicketProof_SHA1`, the name real pools publish and
 * pidgin-sipe looks for (sipe-certificate.c / sipe-webticket.c: direct child `Policy` of the document
 * element with `Id` = `…WebTicketProof_SHA1_policy`, then
 * `ExactlyOne/All/EndorsingSupportingTokens/Policy/IssuedToken/Issuer/Address`, then the
 * `service/port[@name="CertProvisioningServiceWebTicketProof_SHA1"]/address/@location` it posts to).
 * The document element is `wsdl:definitions` itself, as SIPE's `GET …/mex` expects (no SOAP envelope).
 * Both addresses are the published (external) ones.
 *
 * @throws never: the URLs are escaped into attributes as given.
 */
export function certProvMetadata(certProvUrl, webTicketUrl) {
    const policy = (name) => `<wsp:Policy wsu:Id="${name}_policy"><wsp:ExactlyOne><wsp:All>
<sp:TransportBinding><wsp:Policy><sp:TransportToken><wsp:Policy><sp:HttpsToken RequireClientCertificate="false"/></wsp:Policy></sp:TransportToken><sp:IncludeTimestamp/></wsp:Policy></sp:TransportBinding>
<sp:EndorsingSupportingTokens><wsp:Policy><sp:IssuedToken sp:IncludeToken="http://schemas.xmlsoap.org/ws/2005/07/securitypolicy/IncludeToken/AlwaysToRecipient"><sp:Issuer><wsa10:Address>${escapeAttr(webTicketUrl)}</wsa10:Address></sp:Issuer><sp:RequestSecurityTokenTemplate><t:TokenType xmlns:t="http://schemas.xmlsoap.org/ws/2005/02/trust">urn:oasis:names:tc:SAML:1.0:assertion</t:TokenType><t:KeyType xmlns:t="http://schemas.xmlsoap.org/ws/2005/02/trust">http://schemas.xmlsoap.org/ws/2005/02/trust/SymmetricKey</t:KeyType></sp:RequestSecurityTokenTemplate><wsp:Policy><sp:RequireInternalReference/></wsp:Policy></sp:IssuedToken></wsp:Policy></sp:EndorsingSupportingTokens>
</wsp:All></wsp:ExactlyOne></wsp:Policy>
`;
    const binding = (name) => `<wsdl:binding name="${name}" type="tns:CertProvisioningService"><wsp:PolicyReference URI="#${name}_policy"/><soap:binding transport="http://schemas.xmlsoap.org/soap/http"/><wsdl:operation name="GetAndPublishCert"><soap:operation soapAction="http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert" style="document"/></wsdl:operation></wsdl:binding>
`;
    const port = (name) => `<wsdl:port name="${name}" binding="tns:${name}"><soap:address location="${escapeAttr(certProvUrl)}"/></wsdl:port>`;
    return `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions name="CertProvisioningService" targetNamespace="http://schemas.microsoft.com/OCS/AuthWebServices/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:tns="http://schemas.microsoft.com/OCS/AuthWebServices/" xmlns:wsa10="http://www.w3.org/2005/08/addressing" xmlns:sp="http://schemas.xmlsoap.org/ws/2005/07/securitypolicy">
${CERTPROV_PORT_NAMES.map(policy).join('')}${certProvWsdlTypesAndPortType()}
${CERTPROV_PORT_NAMES.map(binding).join('')}<wsdl:service name="CertProvisioningService">${CERTPROV_PORT_NAMES.map(port).join('')}</wsdl:service>
</wsdl:definitions>
`;
}
//# sourceMappingURL=autodiscover.js.map