// Lync Autodiscover (MS-OCDISCWS), as far as MS-OCAUTHWS 1.5 needs it: the root resource links to
// the user resource; the user resource lists the Internal/External AuthBroker URLs (and, as ocauth
// extensions, the Web Ticket and Certificate Provisioning URLs). XML by default (the 1.5 sample),
// JSON when the client asks for it (Accept containing "json").

export interface AutodiscoverUrls {
  root: string;
  user: string;
  authBroker: string;
  webTicket: string;
  certProv: string;
}

const xmlEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** The User links of MS-OCAUTHWS 1.5 (AuthBroker is the Reach/Sip.svc base, as in the sample). */
export function userLinks(u: AutodiscoverUrls): { token: string; href: string }[] {
  const reach = u.authBroker.replace(/\/AuthBroker$/i, '');
  return [
    { token: 'Internal/Autodiscover', href: u.root },
    { token: 'Internal/AuthBroker', href: reach },
    { token: 'External/Autodiscover', href: u.root },
    { token: 'External/AuthBroker', href: reach },
    // ocauth extensions (not in the 1.5 sample): where the other two services of this protocol live.
    { token: 'Internal/WebTicket', href: u.webTicket },
    { token: 'Internal/CertProvisioning', href: u.certProv },
  ];
}

export function createAutodiscoverHandler(urls: () => AutodiscoverUrls): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    const u = urls();
    const path = new URL(req.url).pathname.replace(/\/+$/, '').toLowerCase();
    const json = /json/i.test(req.headers.get('accept') ?? '');
    const isRoot = path === new URL(u.root).pathname.toLowerCase();
    const isUser = path === new URL(u.user).pathname.toLowerCase();
    if (!isRoot && !isUser) return new Response(null, { status: 404 });
    if (json) {
      const body = isRoot
        ? { _links: { self: { href: u.root }, user: { href: u.user } } }
        : { AccessLocation: 'Internal', _links: { self: { href: u.user } }, User: { Links: userLinks(u) } };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/vnd.microsoft.rtc.autodiscover+json; v=1' } });
    }
    const links = isRoot
      ? `<Root><Link token="Self" href="${xmlEsc(u.root)}"/><Link token="User" href="${xmlEsc(u.user)}"/></Root>`
      : `<User>${userLinks(u).map((l) => `<Link token="${l.token}" href="${xmlEsc(l.href)}"/>`).join('')}</User>`;
    const xml = `<AutodiscoverResponse AccessLocation="Internal" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${links}</AutodiscoverResponse>`;
    return new Response(xml, { status: 200, headers: { 'content-type': 'application/vnd.microsoft.rtc.autodiscover+xml; v=1' } });
  };
}
