// Discovery of a Lync / Skype for Business deployment from its SIP domain, the way clients find it when
// sign-in fails in the field (../shared/reference: phone-edition-wildcard-certificates.txt, the Lync client
// "performs a DNS SRV lookup for _sipinternaltls._tcp.<domain>", then connects to port 5061 of the target):
// - DNS SRV `_sipinternaltls._tcp.<domain>` (the internal registrar: Front End / Director pool) and
//   `_sip._tls.<domain>` (the Access Edge, from outside);
// - the Autodiscover host names `lyncdiscoverinternal.<domain>` and `lyncdiscover.<domain>` (MS-OCAUTHWS 1.5
//   points at Autodiscover for the User links; MS-OCDISCWS), and the Autodiscover root they serve: the
//   web services' base URL and the SIP access points (SipServerInternalAccess / SipClientExternalAccess …).
// The resolver is settable (DNS servers as `HOST` or `HOST:PORT`): tests run a DNS server on loopback.
// `_sipfederationtls._tcp` is not looked up: it is federation between organisations, not a client's sign-in,
// and the field notes do not involve it.
import { promises as dnsPromises } from 'node:dns';
import { createHttpsFetch } from '@ocauth/server';
import { isIP } from 'node:net';
import { DOMParser } from '@xmldom/xmldom';
import type { Finding } from '@ocauth/diagnostics';

/** An SRV answer ([RFC 2782]), in the order a client tries them (priority ascending, then weight descending). */
export interface SrvTarget {
  name: string;
  port: number;
  priority: number;
  weight: number;
}
/** A SIP access point: a host name and a port. */
export interface HostPort {
  host: string;
  port: number;
}

/** The SRV names a Lync client looks up, by role. */
export const SRV_NAMES = {
  /** Internal registrar (Front End / Director pool); Lync clients, phones inside the network. */
  internal: '_sipinternaltls._tcp',
  /** Access Edge (clients outside the network). */
  edge: '_sip._tls',
} as const;

/** The Autodiscover host names, in the order clients try them (internal first). */
export const LYNCDISCOVER_HOSTS = ['lyncdiscoverinternal', 'lyncdiscover'] as const;

export interface DiscoveryOptions {
  /** The SIP domain (`contoso.com`, or a SIP URI `sip:alice@contoso.com` whose domain is used). */
  domain: string;
  /** DNS servers to ask (`HOST` or `HOST:PORT`, as node:dns setServers takes them); default: the system's. */
  dnsServers?: readonly string[] | undefined;
  /** Per-query timeout (default 3000 ms). */
  dnsTimeoutMs?: number | undefined;
  /** HTTPS port of the lyncdiscover hosts (default 443). */
  autodiscoverPort?: number | undefined;
  /** PEM bundle trusted for the Autodiscover HTTPS certificate (default: the system store). */
  ca?: string | undefined;
  /** Skip the Autodiscover HTTPS request (DNS only). */
  dnsOnly?: boolean | undefined;
}

export interface AutodiscoverAnswer {
  /** The URL that answered. */
  url: string;
  /** Which host name answered (lyncdiscoverinternal.<domain> or lyncdiscover.<domain>). */
  host: string;
  /** The IP address the host resolved to (the HTTPS request went there). */
  address: string;
  /** AccessLocation of the response (Internal / External). */
  accessLocation?: string | undefined;
  /** token → href of the User links (Internal/WebTicket, External/AuthBroker, …). */
  links: Record<string, string>;
  /** SipServerInternalAccess, SipClientInternalAccess, SipServerExternalAccess, SipClientExternalAccess. */
  sip: Partial<Record<'SipServerInternalAccess' | 'SipClientInternalAccess' | 'SipServerExternalAccess' | 'SipClientExternalAccess', HostPort>>;
  /** The web services' base URL (origin of the Internal/External Autodiscover link, else of the URL that answered). */
  poolBaseUrl: string;
}

export interface DiscoveryResult {
  domain: string;
  srv: { internal: SrvTarget[]; edge: SrvTarget[] };
  /** lyncdiscover host → its IPv4 addresses (empty: no record). */
  hosts: Record<string, string[]>;
  autodiscover?: AutodiscoverAnswer | undefined;
  /** What was asked and answered, one line each. */
  log: string[];
  findings: Finding[];
}

/** Invalid discovery input (a domain that is not a DNS name, a malformed DNS server). */
export class DiscoveryError extends Error {
  readonly code = 'ERR_DOCTOR_DISCOVERY_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/**
 * The SIP domain of `contoso.com`, `sip:alice@contoso.com` or `alice@contoso.com` (lower case, no trailing dot).
 * @throws {DiscoveryError} ERR_DOCTOR_DISCOVERY_INPUT when the input is not a DNS name with at least two labels.
 */
export function sipDomainOf(input: string): string {
  const d = input
    .trim()
    .replace(/^sips?:/i, '')
    .replace(/^[^@]*@/, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (!/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(d))
    throw new DiscoveryError(`SIP domain: expected a DNS name such as contoso.com (or sip:user@contoso.com), received ${JSON.stringify(input.slice(0, 100))}`);
  return d;
}

const finding = (f: Omit<Finding, 'references'> & { references?: string[] }): Finding => ({ references: [], ...f });
const NO_RECORD = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN', 'ENONAME']);
const PHONE_NOTE = 'phone-edition-wildcard-certificates.txt';

/**
 * A node:dns resolver asking `servers` (default: the system's).
 * @throws {DiscoveryError} ERR_DOCTOR_DISCOVERY_INPUT when a server is not an IP address with an optional port.
 */
export function makeResolver(servers: readonly string[] | undefined, timeoutMs = 3000): dnsPromises.Resolver {
  const r = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers && servers.length > 0) {
    try {
      r.setServers([...servers]);
    } catch (e) {
      throw new DiscoveryError(
        `DNS server: expected IP or IP:PORT (e.g. 10.0.0.2 or 127.0.0.1:5353), received ${JSON.stringify(servers.join(','))} (${(e as Error).message})`,
      );
    }
  }
  return r;
}

/**
 * A's of `host` through `resolver`, else (no answer there) the system's getaddrinfo; [] when nothing resolves.
 * @throws never: a name that does not resolve gives [].
 */
export async function resolveHost(resolver: dnsPromises.Resolver, host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    return await resolver.resolve4(host);
  } catch {
    try {
      return (await dnsPromises.lookup(host, { all: true, family: 4 })).map((a) => a.address);
    } catch {
      return [];
    }
  }
}

/** SRV records of `name`, sorted as a client tries them; [] for NXDOMAIN / no data. Other DNS failures throw. */
async function srv(resolver: dnsPromises.Resolver, name: string): Promise<SrvTarget[]> {
  try {
    const rs = await resolver.resolveSrv(name);
    return rs
      .map((r) => ({ name: r.name.replace(/\.$/, '').toLowerCase(), port: r.port, priority: r.priority, weight: r.weight }))
      .sort((a, b) => a.priority - b.priority || b.weight - a.weight || a.name.localeCompare(b.name));
  } catch (e) {
    if (NO_RECORD.has((e as { code?: string }).code ?? '')) return [];
    throw e;
  }
}

/** The Autodiscover root's User links and SIP access points (XML of the 1.5 sample / Lync Server 2013). */
function parseAutodiscover(xml: string): Pick<AutodiscoverAnswer, 'accessLocation' | 'links' | 'sip'> {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') errors.push(msg);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (errors.length || !root || root.localName !== 'AutodiscoverResponse')
    throw new Error(`Autodiscover: expected an AutodiscoverResponse document, received ${errors[0] ?? `<${root?.nodeName ?? '?'}>`}`);
  const links: Record<string, string> = {};
  const sip: AutodiscoverAnswer['sip'] = {};
  const users = Array.from(root.getElementsByTagName('User'));
  for (const user of users) {
    for (const l of Array.from(user.getElementsByTagName('Link'))) {
      const token = l.getAttribute('token');
      const href = l.getAttribute('href');
      if (token && href) links[token] = href;
    }
    for (const name of ['SipServerInternalAccess', 'SipClientInternalAccess', 'SipServerExternalAccess', 'SipClientExternalAccess'] as const) {
      const e = user.getElementsByTagName(name)[0];
      const host = e?.getAttribute('fqdn');
      const port = Number(e?.getAttribute('port'));
      if (host && Number.isInteger(port) && port > 0 && port < 65536) sip[name] = { host: host.toLowerCase(), port };
    }
  }
  return { accessLocation: root.getAttribute('AccessLocation') ?? undefined, links, sip };
}

/**
 * The SIP registrar the Autodiscover response of a pool names, in the order a client inside the network
 * tries them (SipClientInternalAccess, SipServerInternalAccess, then the external ones), without duplicates.
 * @throws never.
 */
export function registrarCandidates(sip: AutodiscoverAnswer['sip']): HostPort[] {
  const out: HostPort[] = [];
  for (const k of ['SipClientInternalAccess', 'SipServerInternalAccess', 'SipClientExternalAccess', 'SipServerExternalAccess'] as const) {
    const x = sip[k];
    if (x && !out.some((o) => o.host === x.host && o.port === x.port)) out.push(x);
  }
  return out;
}

/**
 * GET the Autodiscover root of a pool (`<base>/Autodiscover/AutodiscoverService.svc/root`, anonymous, XML).
 * @throws {Error} the transport error (code ECONNREFUSED, certificate errors, …) or a message naming what the answer lacked.
 */
export async function fetchAutodiscover(
  url: string,
  o: { ca?: string | undefined; address?: string | undefined; timeoutMs?: number } = {},
): Promise<Pick<AutodiscoverAnswer, 'accessLocation' | 'links' | 'sip'> & { url: string }> {
  // The address comes from the settable resolver; TLS still checks the certificate against the host name.
  const lookup = o.address
    ? (_h: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
        opts.all ? cb(null, [{ address: o.address, family: isIP(o.address!) }]) : cb(null, o.address, isIP(o.address!))
    : undefined;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const get = createHttpsFetch({ ...(o.ca ? { ca: o.ca } : {}), ...(lookup ? { lookup: lookup as never } : {}), timeoutMs, maxResponseBytes: 1 << 20 });
  const res = await get(url, { headers: { accept: 'application/vnd.microsoft.rtc.autodiscover+xml; v=1' } }).catch((e: unknown) => {
    // A timeout keeps the code the doctor's findings key on.
    throw /no answer within/.test((e as Error)?.message ?? '')
      ? Object.assign(new Error(`GET ${url}: no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })
      : e;
  });
  const status = res.status;
  const body = await res.text();
  if (status !== 200) throw Object.assign(new Error(`Autodiscover ${url}: expected HTTP 200, received ${status}`), { code: 'ERR_DOCTOR_AUTODISCOVER' });
  return { url, ...parseAutodiscover(body) };
}

/**
 * Find a deployment from its SIP domain: SRV records, the lyncdiscover hosts, the Autodiscover root.
 * Never throws for what it finds (a missing record is a Finding, typed with a remedy).
 * @throws {DiscoveryError} ERR_DOCTOR_DISCOVERY_INPUT for a domain that is not a DNS name or a malformed DNS server.
 */
export async function discover(o: DiscoveryOptions): Promise<DiscoveryResult> {
  const domain = sipDomainOf(o.domain);
  const resolver = makeResolver(o.dnsServers, o.dnsTimeoutMs);
  const log: string[] = [];
  const findings: Finding[] = [];
  const res: DiscoveryResult = { domain, srv: { internal: [], edge: [] }, hosts: {}, log, findings };

  for (const role of ['internal', 'edge'] as const) {
    const name = `${SRV_NAMES[role]}.${domain}`;
    try {
      res.srv[role] = await srv(resolver, name);
      log.push(`SRV ${name}: ${res.srv[role].map((t) => `${t.priority} ${t.weight} ${t.port} ${t.name}`).join(', ') || 'no record'}`);
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'error';
      log.push(`SRV ${name}: ${code}`);
      findings.push(
        finding({
          id: 'discovery.dns-error',
          severity: 'error',
          summary: `The DNS lookup of ${name} failed (${code})`,
          cause: 'The DNS server did not answer, or answered with an error (SERVFAIL, REFUSED, timeout).',
          remedy: "Check the DNS servers the clients use (--dns to ask a specific one) and that the SIP domain's zone is served by them.",
          specSection: 'RFC 2782',
          details: { name, code },
        }),
      );
    }
  }
  const outside = (t: SrvTarget) => t.name !== domain && !t.name.endsWith(`.${domain}`);
  for (const t of [...res.srv.internal, ...res.srv.edge].filter(outside)) {
    // Field note: "Because the targeted host record is in the same domain as the SIP domain then this is a
    // valid configuration"; a target in another namespace needs its exact FQDN in the certificate (phones).
    findings.push(
      finding({
        id: 'discovery.srv-target-outside-domain',
        severity: 'warning',
        summary: `The SRV target ${t.name} is not in the SIP domain ${domain}`,
        cause:
          'Lync clients accept an SRV target outside the SIP domain only if the server certificate names it; Lync Phone Edition needs the exact target FQDN in the certificate (a wildcard does not do).',
        remedy: `Put ${t.name} as an explicit SubjectAltName on the registrar / Edge certificate, or point the SRV record at a host in ${domain} that the certificate names.`,
        specSection: 'RFC 2782',
        references: [PHONE_NOTE],
        details: { target: t.name, domain },
      }),
    );
  }
  if (res.srv.internal.length === 0 && res.srv.edge.length === 0 && !findings.some((f) => f.id === 'discovery.dns-error'))
    findings.push(
      finding({
        id: 'discovery.no-srv',
        severity: 'error',
        summary: `Neither ${SRV_NAMES.internal}.${domain} nor ${SRV_NAMES.edge}.${domain} has an SRV record`,
        cause:
          'Clients that find the registrar by DNS (Lync 2010/2013 automatic configuration, phones, pidgin-sipe) have nowhere to connect; DHCP option 120 or a manual server name is then needed.',
        remedy: `Publish ${SRV_NAMES.internal}.${domain} SRV 0 0 5061 <pool FQDN> in the internal zone and ${SRV_NAMES.edge}.${domain} SRV 0 0 443 <Access Edge FQDN> in the external zone.`,
        specSection: 'RFC 2782',
        details: { domain },
      }),
    );
  else if (res.srv.internal.length === 0)
    findings.push(
      finding({
        id: 'discovery.no-srv-internal',
        severity: 'warning',
        summary: `${SRV_NAMES.internal}.${domain} has no SRV record`,
        cause: 'Clients inside the network do not find the internal registrar by DNS and fall back to the Edge (or fail).',
        remedy: `Publish ${SRV_NAMES.internal}.${domain} SRV 0 0 5061 <pool FQDN> in the internal zone.`,
        specSection: 'RFC 2782',
        details: { domain },
      }),
    );

  for (const h of LYNCDISCOVER_HOSTS) {
    const host = `${h}.${domain}`;
    const addrs = await resolveHost(resolver, host);
    res.hosts[host] = addrs;
    log.push(`A ${host}: ${addrs.join(', ') || 'no record'}`);
  }
  const reachable = LYNCDISCOVER_HOSTS.map((h) => `${h}.${domain}`).filter((host) => res.hosts[host]!.length > 0);
  if (reachable.length === 0)
    findings.push(
      finding({
        id: 'discovery.no-lyncdiscover',
        severity: res.srv.internal.length || res.srv.edge.length ? 'warning' : 'error',
        summary: `Neither lyncdiscoverinternal.${domain} nor lyncdiscover.${domain} resolves`,
        cause:
          'Lync 2013, Skype for Business and mobile clients find the web services (Web Ticket, Certificate Provisioning, Authentication Broker) through Autodiscover at these names.',
        remedy: `Publish lyncdiscoverinternal.${domain} (internal zone) and lyncdiscover.${domain} (external zone) as CNAME/A of the Director or Front End web services, and add both names to their certificates.`,
        specSection: 'MS-OCAUTHWS 1.5',
        details: { domain },
      }),
    );

  if (!o.dnsOnly) {
    const failures: string[] = [];
    for (const host of reachable) {
      const address = res.hosts[host]![0]!;
      const url = `https://${host}${o.autodiscoverPort && o.autodiscoverPort !== 443 ? `:${o.autodiscoverPort}` : ''}/Autodiscover/AutodiscoverService.svc/root`;
      try {
        const a = await fetchAutodiscover(url, { ca: o.ca, address });
        const base = a.links['Internal/Autodiscover'] ?? a.links['External/Autodiscover'] ?? url;
        res.autodiscover = { ...a, host, address, poolBaseUrl: new URL(base).origin };
        log.push(
          `Autodiscover ${url} (${address}): ${a.accessLocation ?? '?'}; ${Object.keys(a.links).length} links; SIP ${
            registrarCandidates(a.sip)
              .map((x) => `${x.host}:${x.port}`)
              .join(', ') || 'none'
          }`,
        );
        break;
      } catch (e) {
        const code = (e as { code?: string; cause?: { code?: string } }).code ?? (e as { cause?: { code?: string } }).cause?.code ?? 'error';
        failures.push(`${url}: ${code} ${(e as Error).message}`.slice(0, 300));
        log.push(`Autodiscover ${url} (${address}): ${code}`);
      }
    }
    if (reachable.length > 0 && !res.autodiscover)
      findings.push(
        finding({
          id: 'discovery.autodiscover-failed',
          severity: 'error',
          summary: `Autodiscover did not answer at ${reachable.join(' or ')}`,
          cause: `The name resolves but the HTTPS request failed: ${failures.join('; ').slice(0, 400)}`,
          remedy:
            'Check that the name points at the Director / Front End web services (or the reverse proxy), that HTTPS is published on port 443, and that the certificate names the lyncdiscover host.',
          specSection: 'MS-OCAUTHWS 1.5',
          details: { hosts: reachable.join(', ') },
        }),
      );
    else if (res.autodiscover && registrarCandidates(res.autodiscover.sip).length === 0)
      findings.push(
        finding({
          id: 'discovery.autodiscover-no-sip',
          severity: 'warning',
          summary: 'The Autodiscover response names no SIP access point',
          cause: 'Its User element has no SipServerInternalAccess / SipClientExternalAccess: clients that rely on Autodiscover cannot find the registrar.',
          remedy: 'Check the Autodiscover service configuration of the pool (the internal/external SIP access FQDN and port).',
          specSection: 'MS-OCAUTHWS 1.5',
          details: { url: res.autodiscover.url },
        }),
      );
  }
  return res;
}
