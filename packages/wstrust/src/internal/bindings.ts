// MS-OCAUTHWS 2.2.4.3 af:Binding: which bindings (WSDL ports) of a Web Ticket Service's 6.2 metadata a client may use.
import { NS } from '@ocauth/diagnostics';
import { attr, children, descendants, parseXmlDocument, type XElement } from './xml.js';

/** One wsdl:binding of a Web Ticket Service WSDL and what its policy says about it. */
export interface WebTicketBindingInfo {
  /** wsdl:binding/@name, e.g. `WebTicketServicePin`. */
  readonly name: string;
  /** wsu:Id of the wsp:Policy its wsp:PolicyReference names, when it names one that exists. */
  readonly policyId: string | undefined;
  /**
   * The policy carries af:Binding (2.2.4.3): the client can communicate with the port. "The absence of this
   * assertion means that the client MUST NOT communicate with the associated WSDL port" (2.2.1, af:BindingType).
   */
  readonly usable: boolean;
  /** soap:address/@location of the wsdl:port using this binding, when the WSDL has a wsdl:service. */
  readonly address: string | undefined;
}

/**
 * The bindings of a Web Ticket Service WSDL (6.2 or a server's), each with its af:Binding verdict.
 *
 * @throws {SoapFormatError} ERR_WSTRUST_SOAP_FORMAT when the metadata is not well-formed XML (cause: the XmlParseError)
 */
export function webTicketBindings(wsdl: string): WebTicketBindingInfo[] {
  const doc = parseXmlDocument(wsdl, 'Web Ticket Service WSDL');
  const policies = new Map<string, XElement>();
  for (const p of descendants(doc, NS.wsp, 'Policy')) {
    const id = attr(p, 'Id', NS.wsu);
    if (id !== undefined) policies.set(id, p);
  }
  const ports = new Map<string, string>();
  for (const port of descendants(doc, NS.wsdl, 'port')) {
    const binding = (attr(port, 'binding') ?? '').replace(/^[^:]*:/, '');
    const address = children(port).find((c) => c.localName === 'address' && (c.namespaceURI === NS.soapWsdl || c.namespaceURI === NS.soap12Wsdl));
    const location = address && attr(address, 'location');
    if (binding && location) ports.set(binding, location);
  }
  return descendants(doc, NS.wsdl, 'binding').map((b) => {
    const name = attr(b, 'name') ?? '';
    const ref = children(b, NS.wsp, 'PolicyReference')[0];
    const uri = ref ? attr(ref, 'URI') : undefined;
    const policyId = uri?.startsWith('#') && policies.has(uri.slice(1)) ? uri.slice(1) : undefined;
    const policy = policyId === undefined ? undefined : policies.get(policyId);
    const usable = policy !== undefined && descendants(policy, NS.af, 'Binding').length > 0;
    return Object.freeze({ name, policyId, usable, address: ports.get(name) });
  });
}
