export interface AutodiscoverLinks {
    /** Base URL clients use inside the network, e.g. https://pool1.contoso.com */
    internalBase: string;
    /** Base URL from outside (reverse proxy); defaults to internalBase. */
    externalBase: string;
}
/** token → href, in the order of the 1.5 sample (Autodiscover, AuthBroker) plus the services of this server. */
export declare function autodiscoverLinks(o: AutodiscoverLinks): {
    token: string;
    href: string;
}[];
export interface AutodiscoverHandlerOptions {
    links: () => AutodiscoverLinks;
    sip: () => {
        fqdn: string;
        port: number;
    };
    /** Web Ticket Service URL advertised (X-MS-WebTicketURL) when /root/user is asked without a ticket. */
    webTicketUrl: () => string;
    /** Checks an X-MS-WebTicket value (or an Authorization `Bearer cwt=…` value); resolves with the ticket's SIP URI or throws. */
    verifyTicket: (headerValue: string) => Promise<{
        sipUri: string;
    }>;
    /** FQDN named as `source` in X-Ms-diagnostics (MS-OCAUTHWS 3.2: source = FQDN of the server). */
    serverFqdn?: string;
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
export declare function createAutodiscoverHandler(o: AutodiscoverHandlerOptions): (req: Request) => Promise<Response>;
/** The two port/policy names of the CertProv metadata (see certProvMetadata). */
export declare const CERTPROV_PORT_NAMES: readonly ["CertProvisioningServiceWebTicketProof_SHA1", "CertProvisioningService"];
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
export declare function certProvMetadata(certProvUrl: string, webTicketUrl: string): string;
//# sourceMappingURL=autodiscover.d.ts.map