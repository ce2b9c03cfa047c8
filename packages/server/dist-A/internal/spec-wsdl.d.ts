/**
 * MS-OCAUTHWS 6.1's wsdl:types, wsdl:message and wsdl:portType, to be placed inside a wsdl:definitions
 * whose `tns` is http://schemas.microsoft.com/OCS/AuthWebServices/ (the xs and wst prefixes the schema
 * uses are declared on wsdl:types). Unchanged from the printed text.
 */
export declare function certProvWsdlTypesAndPortType(): string;
/**
 * MS-OCAUTHWS 6.3 for this deployment. Substitutions: (1) the Web Ticket Service address and its mex
 * address (printed https://Server.Vdomain.com/…) → this server's; (2) the issued token's KeyType
 * Bearer → SymmetricKey: the Web Ticket Service issues holder-of-key tickets only, as 3.2.4.1.3.3 says
 * ("MUST be set to …/SymmetricKey"), so the policy names what clients must ask for; (3) a wsdl:service
 * with the broker's soap:address appended (the printed document has none).
 *
 * @throws never: the URLs are escaped into attributes as given.
 */
export declare function authBrokerWsdl(brokerUrl: string, webTicketUrl: string): string;
//# sourceMappingURL=spec-wsdl.d.ts.map