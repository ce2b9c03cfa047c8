// MS-OCAUTHWS 6.1 and 6.3 (the WSDLs of the Certificate Provisioning and Authentication Broker
// services) and the 1.5 Autodiscover sample: what the target serves is compared, by its own DOM reads,
// with the documents extracted from the spec text into vectors/spec.
import type { Document, Element } from '@xmldom/xmldom';
import { expectThat, type RunContext } from '../context.js';
import type { Requirement } from '../requirements.js';
import { dom, specFile } from './common.js';

const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP = 'http://schemas.xmlsoap.org/wsdl/soap/';
const XS = 'http://www.w3.org/2001/XMLSchema';

const vector = (name: string): string => specFile(name, 'spec document');
const parse = (xml: string, what: string): Document => dom(xml, what);
const els = (d: Document | Element, ns: string, local: string): Element[] => Array.from(d.getElementsByTagNameNS(ns, local)) as Element[];
/** Named components: "xs:element GetAndPublishCert", "wsdl:operation GetAndPublishCert in=…" … */
function names(d: Document, kinds: [string, string][]): Set<string> {
  const out = new Set<string>();
  for (const [ns, local] of kinds) for (const e of els(d, ns, local)) if (e.getAttribute('name')) out.add(`${local} ${e.getAttribute('name')}`);
  return out;
}
async function served(ctx: RunContext, url: string): Promise<string> {
  const r = await ctx.fetch(url);
  const text = await r.text();
  expectThat(r.status === 200, `GET ${url}: expected 200 and the service description, received HTTP ${r.status}`);
  return text;
}

export const SERVICE_DESCRIPTION_CHECKS: readonly Requirement[] = [
  {
    id: 'OCAUTH-6.1-01',
    section: '6.1',
    level: 'SHOULD',
    text: 'Certificate Provisioning Service WSDL [editorial: the served description carries the schema components, messages and portType operation of 6.1]',
    async check(ctx) {
      const spec = parse(vector('6.1-certificate-provisioning-service.wsdl'), 'vectors/spec 6.1');
      const got = parse(await served(ctx, `${ctx.paths.certProv}?wsdl`), 'CertProv ?wsdl');
      const kinds: [string, string][] = [
        [XS, 'element'],
        [XS, 'complexType'],
        [XS, 'simpleType'],
        [WSDL, 'message'],
        [WSDL, 'portType'],
        [WSDL, 'operation'],
      ];
      const want = names(spec, kinds);
      const have = names(got, kinds);
      const missing = [...want].filter((n) => !have.has(n));
      expectThat(missing.length === 0, `CertProv ?wsdl: expected the components of 6.1, missing ${missing.join(', ')}`);
      const op = els(got, WSDL, 'portType')
        .flatMap((p) => els(p, WSDL, 'operation'))
        .find((o) => o.getAttribute('name') === 'GetAndPublishCert');
      const io = op ? [els(op, WSDL, 'input')[0]?.getAttribute('message'), els(op, WSDL, 'output')[0]?.getAttribute('message')] : [];
      expectThat(
        /GetAndPublishCertMsg$/.test(io[0] ?? '') && /GetAndPublishCertResponseMsg$/.test(io[1] ?? ''),
        `portType GetAndPublishCert: expected input GetAndPublishCertMsg and output GetAndPublishCertResponseMsg, received ${io.join(' / ') || 'none'}`,
      );
      return `${want.size} components of 6.1 present`;
    },
  },
  {
    id: 'OCAUTH-6.2-01',
    section: '6.2',
    level: 'SHOULD',
    text: 'Web Ticket Service WSDL [editorial: the served description carries the messages and the IWebTicketService portType of 6.2, IssueToken with its wsaw:Action values]',
    async check(ctx) {
      const spec = parse(vector('6.2-web-ticket-service.wsdl'), 'vectors/spec 6.2');
      const got = parse(await served(ctx, `${ctx.paths.webTicket}?wsdl`), 'Web Ticket ?wsdl');
      const WSAW = 'http://www.w3.org/2006/05/addressing/wsdl';
      const kinds: [string, string][] = [
        [WSDL, 'message'],
        [WSDL, 'portType'],
      ];
      const missing = [...names(spec, kinds)].filter((n) => !names(got, kinds).has(n));
      expectThat(missing.length === 0, `Web Ticket ?wsdl: expected the messages and portType of 6.2, missing ${missing.join(', ')}`);
      const actions = (d: Document) =>
        els(d, WSDL, 'portType')
          .flatMap((p) => els(p, WSDL, 'operation'))
          .flatMap((o) => ['input', 'output'].map((io) => `${o.getAttribute('name')} ${io} ${els(o, WSDL, io)[0]?.getAttributeNS(WSAW, 'Action') ?? ''}`));
      const lost = actions(spec).filter((a) => !actions(got).includes(a));
      expectThat(lost.length === 0, `Web Ticket ?wsdl portType: expected ${lost.join('; ')} as printed in 6.2, received ${actions(got).join('; ') || 'none'}`);
      return `messages, portType and ${actions(spec).length} wsaw:Action values of 6.2 present`;
    },
  },
  {
    id: 'OCAUTH-6.3-01',
    section: '6.3',
    level: 'SHOULD',
    text: 'Authentication Broker Service WSDL [editorial: the served description carries the operations of 6.3 with their soapAction, and the schema elements of their messages]',
    async check(ctx) {
      const spec = parse(vector('6.3-authentication-broker-service.wsdl'), 'vectors/spec 6.3');
      const got = parse(await served(ctx, `${ctx.paths.authBroker}?wsdl`), 'AuthBroker ?wsdl');
      const actions = (d: Document) =>
        new Set(
          els(d, WSDL, 'binding')
            .flatMap((b) => els(b, WSDL, 'operation'))
            .map((o) => `${o.getAttribute('name')} ${els(o, SOAP, 'operation')[0]?.getAttribute('soapAction') ?? ''}`),
        );
      const want = actions(spec);
      const have = actions(got);
      const missing = [...want].filter((a) => !have.has(a));
      expectThat(
        want.size >= 7 && missing.length === 0,
        `AuthBroker ?wsdl: expected the ${want.size} operations of 6.3 with their soapAction, missing ${missing.join(', ')}`,
      );
      const elements = (d: Document) =>
        new Set(
          els(d, XS, 'element')
            .map((e) => e.getAttribute('name'))
            .filter(Boolean),
        );
      const lost = [...elements(spec)].filter((n) => !elements(got).has(n));
      expectThat(lost.length === 0, `AuthBroker ?wsdl: expected the schema elements of 6.3, missing ${lost.join(', ')}`);
      // The issued token the broker asks for: holder-of-key, as the Web Ticket Service issues (3.2.4.1.3.3).
      const keyType = /<(?:\w+:)?KeyType\b[^>]*>([^<]*)</.exec(await served(ctx, `${ctx.paths.authBroker}?wsdl`))?.[1]?.trim();
      return `${want.size} operations; issued-token KeyType ${keyType ?? 'none'} (printed 6.3: Bearer)`;
    },
  },
  {
    id: 'OCAUTH-1.5-01',
    section: '1.5',
    level: 'SHOULD',
    text: 'In order to use the Authentication Broker Service, a protocol client needs to retrieve the Internal/External AuthBroker Service URL, which is included as part of the User type in the response of the Lync Autodiscover Web Service',
    async check(ctx) {
      const sample = parse(vector('1.5-autodiscover-response.xml'), 'vectors/spec 1.5');
      expectThat(sample.documentElement?.localName === 'AutodiscoverResponse', '1.5 sample: expected AutodiscoverResponse');
      const r = await ctx.fetch(ctx.paths.autodiscover, { headers: { accept: 'application/vnd.microsoft.rtc.autodiscover+xml; v=1' } });
      const d = parse(await r.text(), 'Autodiscover …/root');
      expectThat(
        r.status === 200 && d.documentElement?.localName === 'AutodiscoverResponse',
        `Autodiscover …/root: expected 200 and an AutodiscoverResponse as in the 1.5 sample, received HTTP ${r.status} ${d.documentElement?.localName}`,
      );
      const links = (x: Document) =>
        Object.fromEntries(
          Array.from(x.getElementsByTagName('User'))
            .flatMap((u) => Array.from((u as unknown as Element).getElementsByTagName('Link')))
            .map((l) => [(l as unknown as Element).getAttribute('token'), (l as unknown as Element).getAttribute('href')]),
        );
      const got = links(d);
      const broker = got['Internal/AuthBroker'] ?? got['External/AuthBroker'];
      expectThat(
        broker,
        `Autodiscover User: expected Link token="Internal/AuthBroker" or "External/AuthBroker" as in the 1.5 sample, received tokens ${Object.keys(got).join(', ') || 'none'}`,
      );
      // The link names the service as the sample does (…/Reach/sip.svc); the broker endpoint is …/AuthBroker under it.
      expectThat(
        ctx.paths.authBroker.toLowerCase().startsWith(broker.toLowerCase().replace(/\/$/, '')),
        `AuthBroker link ${broker}: expected the prefix of this pool's broker ${ctx.paths.authBroker}`,
      );
      const sampleTokens = Object.keys(links(sample)).filter((t) => /AuthBroker|Autodiscover/.test(t!));
      const absent = sampleTokens.filter((t) => !(t! in got));
      return `AuthBroker ${broker}${absent.length ? `; the sample's ${absent.join(', ')} not offered` : ''}`;
    },
  },
];
