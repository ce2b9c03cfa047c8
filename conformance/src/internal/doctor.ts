// ocauth doctor: the synthetic transaction an administrator runs against a pool (like
// Test-CsPhoneBootstrap / Test-CsClientAuth): TLS certificate checks, discovery, web ticket,
// certificate, Authentication Broker. Each step reports timing, what was sent and received (secrets
// redacted) and, on failure, an explanation from @ocauth/diagnostics.
import { X509Certificate } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { signMessage, WebTicketClient, type WebTicket, type WebTicketCredentials } from '@ocauth/wstrust';
import { buildGetAndPublishCertRequest, requestCertificate, type ProvisionedCertificate } from '@ocauth/certprov';
import { AuthBrokerClient } from '@ocauth/authbroker';
import {
  checkClientCertificate,
  checkIssuedCertificate,
  checkServerCertificate,
  explainAll,
  formatFindings,
  getServerCertificateChain,
  type Finding,
} from '@ocauth/diagnostics';
import { createHttpsFetch } from '@ocauth/server';
import { parseFlags, targetFromFlags } from './flags.js';
import { paths, type Target } from './target.js';
import { runSipLeg } from './sip-leg.js';
import { discover, makeResolver, registrarCandidates, resolveHost, sipDomainOf, type DiscoveryResult } from './discovery.js';

export interface DoctorExchange {
  request: string;
  response: string;
  ms: number;
}
export interface DoctorStep {
  name: 'dns' | 'registrar-cert' | 'edge-cert' | 'tls' | 'discovery' | 'ticket' | 'certificate' | 'broker' | 'sip';
  ok: boolean;
  skipped?: string;
  ms: number;
  summary: string;
  exchanges: DoctorExchange[];
  findings: Finding[];
  /** The step passed but could not check everything (e.g. no --ca: the TLS chain is not verified). */
  warning?: string;
}
export interface DoctorReport {
  target: string;
  ok: boolean;
  steps: DoctorStep[];
  discovery?: DiscoveryResult;
}
export interface DoctorOptions {
  /** The pool and test user. `baseUrl: ''` with `domain`: the pool's URL comes from Autodiscover. */
  target: Target;
  device?: 'phone' | 'pc';
  /**
   * The SIP domain to start from, as a client does (discovery.ts): SRV `_sipinternaltls._tcp` / `_sip._tls`,
   * lyncdiscover(internal), Autodiscover; then the registrar's and Edge's certificates (Phone Edition rules)
   * and the TLS-DSK leg against the registrar found.
   */
  domain?: string | undefined;
  /** DNS servers to ask (`IP` or `IP:PORT`); default: the system's resolver. */
  dnsServers?: readonly string[] | undefined;
  /** HTTPS port of lyncdiscover(internal).<domain> (default 443). */
  autodiscoverPort?: number | undefined;
  /** Lync Phone Edition firmware the wildcard rule is judged for (see checkServerCertificate). */
  phoneFirmware?: string | undefined;
}

const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';

/**
 * Redact what must never reach a transcript: Authorization / X-MS-WebTicket values, passwords,
 * entropy (wst:BinarySecret), encrypted proof keys (xenc:CipherValue), and truncate tickets
 * (saml:Assertion) to their first bytes.
 */
export function redact(s: string, secrets: readonly (string | undefined)[] = []): string {
  let out = s
    .replace(/(authorization:\s*\w+)\s+[^\r\n]+/gi, '$1 [redacted]')
    .replace(/(x-ms-webticket:\s*)[^\r\n]+/gi, '$1[redacted]')
    .replace(/(<(?:[\w-]+:)?(?:Password|BinarySecret|CipherValue|Nonce)\b[^>]*>)[^<]*/g, '$1[redacted]')
    .replace(/<((?:[\w-]+:)?Assertion)\b[\s\S]*?<\/\1>/g, (a) => `${a.slice(0, 80)}…[ticket truncated, ${a.length} bytes]`)
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[private key redacted]');
  for (const x of secrets) if (x && x.length >= 3) out = out.split(x).join('[redacted]');
  return out;
}

/** Transport failures explain() does not cover (Node's TLS and socket error codes), with what to check. */
const TRANSPORT: Record<string, { summary: string; cause: string; remedy: string; specSection: string }> = {
  ECONNREFUSED: {
    summary: 'Nothing accepts connections at the pool address',
    cause: 'The host answered but no service listens on that port, or a firewall rejects the connection.',
    remedy: 'Check the pool URL and port (443 for the external web services), that the IIS web services are running, and the firewall / reverse proxy rules.',
    specSection: 'MS-OCAUTHWS 2.1',
  },
  ENOTFOUND: {
    summary: 'The pool host name does not resolve',
    cause: 'DNS has no record for the web services FQDN the client uses.',
    remedy: 'Check the internal / external web services FQDN in DNS (split-brain DNS often has only one of them).',
    specSection: 'MS-OCAUTHWS 2.1',
  },
  EAI_AGAIN: {
    summary: 'DNS lookup of the pool host failed temporarily',
    cause: 'The resolver did not answer.',
    remedy: 'Check the DNS servers the client uses, then retry.',
    specSection: 'MS-OCAUTHWS 2.1',
  },
  ERR_DOCTOR_PLAIN_HTTP: {
    summary: 'This port speaks plain HTTP, not TLS',
    cause:
      'The URL points at a listener without TLS (an HTTP port, or a reverse-proxy rule that does not terminate TLS); the MS-OCAUTHWS services are reached over HTTPS.',
    remedy:
      'Use the HTTPS port of the web services (https://HOST:PORT; 443 for the external web services, 4443 for the internal ones on Lync / Skype for Business), or enable TLS on that listener.',
    specSection: 'MS-OCAUTHWS 2.1',
  },
  ETIMEDOUT: {
    summary: 'The pool did not answer in time',
    cause: 'Packets are dropped on the way (firewall, proxy) or the server is overloaded.',
    remedy: 'Check reachability of the web services port from the client network and the reverse proxy.',
    specSection: 'MS-OCAUTHWS 2.1',
  },
  ECONNRESET: {
    summary: 'The connection was reset by the pool or a device in between',
    cause: 'A proxy, load balancer or the server closed the connection (often TLS protocol or cipher mismatch).',
    remedy: 'Check TLS versions and ciphers on the load balancer / reverse proxy; older phones need TLS 1.0/1.2 with RSA key exchange.',
    specSection: 'MS-OCAUTHWS 2.1',
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    summary: 'The pool presents a self-signed certificate that is not trusted',
    cause: 'The web services certificate is self-signed and not in the trust list.',
    remedy: 'Issue the web certificate from a CA the clients trust, or pass that CA with --ca.',
    specSection: 'RFC 5280 6.1',
  },
  SELF_SIGNED_CERT_IN_CHAIN: {
    summary: 'The pool certificate chains to an untrusted root',
    cause: 'The root CA of the chain is not in the trust list.',
    remedy: "Add the root CA to the clients' (and phones') trust store, or pass it with --ca.",
    specSection: 'RFC 5280 6.1',
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    summary: 'The pool certificate cannot be verified (missing intermediate or untrusted issuer)',
    cause: 'The server does not send the intermediate CA, or the issuer is not trusted.',
    remedy: 'Bind the full chain (leaf + intermediates) on the web services / reverse proxy and pass the root with --ca.',
    specSection: 'RFC 5280 6.1',
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    summary: 'The issuer of the pool certificate is unknown',
    cause: 'The issuing CA is neither sent by the server nor in the trust list.',
    remedy: 'Bind the full chain on the server and pass the root with --ca.',
    specSection: 'RFC 5280 6.1',
  },
  CERT_HAS_EXPIRED: {
    summary: 'The pool certificate has expired',
    cause: 'notAfter of the web services certificate is in the past.',
    remedy: 'Renew the web services certificate (same names, full chain) and re-bind it.',
    specSection: 'RFC 5280 4.1.2.5',
  },
};
function transportFinding(e: unknown): Finding | undefined {
  for (let x = e as { code?: unknown; cause?: unknown; message?: unknown } | undefined, n = 0; x && n < 4; x = x.cause as typeof x, n++) {
    // The code, or (errors that wrap without a cause, e.g. getServerCertificateChain's) the code named in the message.
    const code =
      typeof x.code === 'string' && TRANSPORT[x.code]
        ? x.code
        : Object.keys(TRANSPORT).find((k) => typeof x!.message === 'string' && new RegExp(`\\b${k}\\b`).test(x!.message));
    if (code) return { id: `transport.${code}`, severity: 'error', ...TRANSPORT[code]!, references: [] } as Finding;
  }
  return undefined;
}

/** After a failed TLS handshake: does the port answer an HTTP/1.0 request in clear text? (the status line, or undefined) */
function plainHttpStatusLine(host: string, port: number, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = netConnect({ host, port });
    let buf = '';
    const done = (v: string | undefined) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.once('connect', () => s.write(`HEAD / HTTP/1.0\r\nHost: ${host}\r\n\r\n`));
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.includes('\n') || buf.length > 200) done(/^HTTP\/\d/.test(buf) ? buf.split(/\r?\n/)[0]!.slice(0, 100) : undefined);
    });
    s.once('error', () => done(undefined));
    s.once('end', () => done(/^HTTP\/\d/.test(buf) ? buf.split(/\r?\n/)[0]!.slice(0, 100) : undefined));
  });
}

function explainError(e: unknown): Finding[] {
  const t = transportFinding(e);
  if (t) return [t];
  const f = explainAll(e);
  if (f.length && !f.every((x) => /unrecogni[sz]ed/.test(x.id))) return f;
  const msg = e instanceof Error ? e.message : String(e);
  return [
    {
      id: 'doctor.error',
      severity: 'error',
      summary: msg.slice(0, 300),
      cause: (e as { code?: string })?.code ?? 'unexpected error',
      remedy: 'See the transcript of this step.',
      specSection: 'MS-OCAUTHWS',
      references: [],
    } as Finding,
  ];
}

export async function runDoctor(o: DoctorOptions, progress: (s: DoctorStep) => void = () => {}): Promise<DoctorReport> {
  let t = o.target;
  const device = o.device ?? (t.pin ? 'phone' : 'pc');
  const pre: DoctorStep[] = [];
  let found: DiscoveryResult | undefined;
  let registrar: { host: string; port: number; address: string } | undefined;
  if (o.domain !== undefined) {
    const d = await discoveryPrelude(o, device, (s) => {
      pre.push(s);
      progress(s);
    });
    found = d.discovery;
    registrar = d.registrar;
    if (!t.baseUrl && d.discovery?.autodiscover) t = { ...t, baseUrl: d.discovery.autodiscover.poolBaseUrl };
    if (!t.sip && registrar) t = { ...t, sip: { host: registrar.host, port: registrar.port } };
    if (!t.baseUrl) {
      const rep: DoctorReport = { target: o.domain, ok: false, steps: pre, ...(found ? { discovery: found } : {}) };
      const s: DoctorStep = {
        name: 'tls',
        ok: false,
        skipped: 'no pool URL: Autodiscover did not answer (give --target https://POOL)',
        ms: 0,
        summary: '',
        exchanges: [],
        findings: [],
      };
      rep.steps.push(s);
      progress(s);
      return rep;
    }
  }
  const p = paths(t);
  const secrets = [t.pin, t.password];
  let current: DoctorExchange[] = [];
  const f = createHttpsFetch({
    ca: t.ca,
    timeoutMs: 15_000,
    onExchange: (x) => {
      const req = `${x.method} ${x.url}\n${Object.entries(x.requestHeaders)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n${x.requestBody}`;
      const res = `HTTP ${x.status}\n${Object.entries(x.responseHeaders)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n${x.responseBody}`;
      current.push({ request: redact(req, secrets).slice(0, 4000), response: redact(res, secrets).slice(0, 4000), ms: Math.round(x.ms * 10) / 10 });
    },
  });
  const steps: DoctorStep[] = [...pre];
  let failed = false;
  async function step(name: DoctorStep['name'], fn: () => Promise<{ summary: string; findings?: Finding[]; ok?: boolean; warning?: string }>, skip?: string) {
    current = [];
    const t0 = performance.now();
    let s: DoctorStep;
    if (skip || failed) s = { name, ok: !failed, skipped: skip ?? 'an earlier step failed', ms: 0, summary: '', exchanges: [], findings: [] };
    else {
      try {
        const r = await fn();
        s = {
          name,
          ok: r.ok ?? true,
          ms: Math.round((performance.now() - t0) * 10) / 10,
          summary: redact(r.summary, secrets),
          exchanges: current,
          findings: r.findings ?? [],
          ...(r.warning ? { warning: r.warning } : {}),
        };
      } catch (e) {
        s = {
          name,
          ok: false,
          ms: Math.round((performance.now() - t0) * 10) / 10,
          summary: redact(e instanceof Error ? e.message : String(e), secrets),
          exchanges: current,
          findings: explainError(e),
        };
      }
      if (!s.ok) failed = true;
    }
    steps.push(s);
    progress(s);
  }

  await step('tls', async () => {
    const u = new URL(t.baseUrl);
    const port = Number(u.port || 443);
    let chain: X509Certificate[];
    try {
      chain = await getServerCertificateChain({ host: u.hostname, port, timeoutMs: 10_000 });
    } catch (e) {
      // A plain-HTTP listener makes OpenSSL report a "wrong version number": say what it is instead.
      const status = await plainHttpStatusLine(u.hostname, port);
      if (status)
        throw Object.assign(new Error(`this port speaks plain HTTP, not TLS: ${u.hostname}:${port} answered an HTTP request with "${status}"`), {
          code: 'ERR_DOCTOR_PLAIN_HTTP',
        });
      throw e;
    }
    const trust = t.ca ? (t.ca.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((x) => new X509Certificate(x)) : [];
    const findings = checkServerCertificate({
      certificate: chain[0]!,
      chain: chain.slice(1),
      hostname: u.hostname,
      ...(trust.length ? { trustList: trust } : {}),
      deviceKind: device,
    });
    const errors = findings.filter((x) => x.severity === 'error');
    return {
      ok: errors.length === 0,
      findings,
      summary: `${chain[0]?.subject.replace(/\n/g, ',')} (chain of ${chain.length}); ${errors.length} errors, ${findings.length - errors.length} other findings`,
      ...(trust.length
        ? {}
        : {
            warning:
              'not verified: no --ca given, so the chain was not checked against a trust anchor (pass the CA that issued the pool certificate with --ca)',
          }),
    };
  });

  let webTicketUrl = p.webTicket;
  await step('discovery', async () => {
    const notes: string[] = [];
    const ad = await f(p.autodiscover, { headers: { accept: 'application/vnd.microsoft.rtc.autodiscover+xml; v=1' } });
    const xml = await ad.text();
    const links = [...xml.matchAll(/<Link\s+token="([^"]+)"\s+href="([^"]+)"/g)].map((m) => `${m[1]}=${m[2]}`);
    notes.push(
      ad.status === 200
        ? `Autodiscover: ${links.length} links${links.some((l) => /AuthBroker/.test(l)) ? ' incl. AuthBroker' : ''}`
        : `Autodiscover: HTTP ${ad.status}`,
    );
    // MS-OCAUTHWS 1.3: an unauthenticated call to a service returns 401 with X-MS-WebTicketURL.
    const probe = await f(p.certProv, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' },
      body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${buildGetAndPublishCertRequest({ deviceId: '{00000000-0000-4000-8000-000000000000}', entity: (t.user ?? 'probe@example.invalid').replace(/^sip:/i, ''), csr: new Uint8Array([0x30, 0]), requestId: 'doctor-probe' })}</s:Body></s:Envelope>`,
    });
    await probe.arrayBuffer();
    const wt = probe.headers.get('x-ms-webticketurl');
    if (wt) webTicketUrl = wt.replace(/\/(Pin|Auth|Cert|WinNegotiate|mex)$/i, '');
    notes.push(
      wt ? `CertProv 401 names the Web Ticket Service ${wt}` : `CertProv answered HTTP ${probe.status} without X-MS-WebTicketURL; using ${webTicketUrl}`,
    );
    return { summary: notes.join('; ') };
  });

  let ticket: WebTicket | undefined;
  const creds: WebTicketCredentials | undefined =
    device === 'phone' && t.pin
      ? { type: 'pin', identity: t.phone ?? t.user ?? '', pin: t.pin }
      : t.password && t.user
        ? { type: 'password', username: t.user, password: t.password }
        : undefined;
  await step(
    'ticket',
    async () => {
      const c = new WebTicketClient({ credentials: creds!, fetch: f, ...(t.user ? { sipUri: t.user } : {}) });
      ticket = await c.requestTicket(p.certProv, webTicketUrl);
      return {
        summary: `${creds!.type === 'pin' ? 'Pin' : 'Auth'} binding: ticket ${ticket.assertionId.slice(0, 24)}… for ${ticket.appliesTo}, expires ${ticket.expires.toISOString()}`,
      };
    },
    creds ? undefined : 'no credentials (--pin or --password)',
  );

  let cert: ProvisionedCertificate | undefined;
  await step(
    'certificate',
    async () => {
      cert = await requestCertificate({ url: p.certProv, sipUri: t.user!, ticket: ticket!, keySizeBits: 2048, fetch: f });
      // The issued certificate against the GetAndPublishCert rules (CN = Entity, SKI = DeviceId, EKU, issuer).
      // The issuer: as given (--issuer-ca), else the one in the response's PKCS#7 chain that signed the leaf.
      const issuer =
        t.issuerCertificates?.[0] ??
        cert.chain
          .find((x) => {
            try {
              return cert!.certificate.checkIssued(x) && cert!.certificate.verify(x.publicKey);
            } catch {
              return false;
            }
          })
          ?.toString();
      const findings = [
        ...checkIssuedCertificate({
          certificate: cert.certificatePem,
          entity: t.user!.replace(/^sip:/i, ''),
          deviceId: cert.deviceId,
          ...(issuer ? { issuer } : {}),
        }),
        ...checkClientCertificate({ certificate: cert.certificatePem }),
      ];
      const errors = findings.filter((f) => f.severity === 'error');
      return {
        ok: errors.length === 0,
        findings,
        summary: `issued ${cert.certificate.subject.replace(/\n/g, ',')} serial ${cert.certificate.serialNumber}, valid to ${cert.certificate.validTo}, DeviceId ${cert.deviceId}`,
      };
    },
    t.user ? undefined : 'no user (--user)',
  );

  await step('broker', async () => {
    const bt = await new WebTicketClient({ credentials: creds!, fetch: f }).requestTicket(p.authBroker, webTicketUrl);
    const c = new AuthBrokerClient({
      url: p.authBroker,
      webTicket: bt.assertionXml,
      fetch: f,
      signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: bt.proofKey, assertionId: bt.assertionId, token: webTicket, now }),
    });
    const { sessionId } = await c.createSession();
    const life = await c.acquireCredential(sessionId, SIP_INSTANCE);
    await c.terminateSession(sessionId);
    if (life <= 0)
      return {
        ok: false,
        findings: explainError({ code: 'ERR_AUTHBROKER_CREDENTIAL' }),
        summary: 'AuthBrokerAcquireCredential returned lifetime 0 (no certificate for the user)',
      };
    return { summary: `session created, credential lifetime ${life} s, session terminated` };
  });

  // The SIP leg of a sign-in with the certificate just issued ([MS-SIPAE] TLS-DSK; sip-leg.ts).
  await step(
    'sip',
    async () => {
      // A registrar found by discovery is reached at the address the settable resolver gave, and its
      // certificate is checked against the SRV target's name (as the client connects to it).
      const via = registrar && registrar.host === t.sip!.host && registrar.port === t.sip!.port ? registrar : undefined;
      const r = await runSipLeg({
        host: via?.address ?? t.sip!.host,
        ...(via ? { servername: via.host } : {}),
        port: t.sip!.port,
        ca: t.ca,
        sipUri: t.user!,
        certificatePem: cert!.certificatePem,
        privateKey: cert!.privateKey,
        clientCertificate: cert!.certificate,
      });
      current.push(...r.transcript.map((x) => ({ request: `SIP REGISTER sips:${t.sip!.host}:${t.sip!.port}`, response: redact(x, secrets), ms: 0 })));
      return { summary: r.summary };
    },
    failed ? undefined : !t.sip ? 'no SIP registrar (--sip HOST:PORT)' : !cert ? 'no certificate' : undefined,
  );
  return { target: o.domain ?? t.baseUrl, ok: steps.every((s) => s.ok), steps, ...(found ? { discovery: found } : {}) };
}

const stepOf = (
  name: DoctorStep['name'],
  t0: number,
  r: { ok: boolean; summary: string; findings: Finding[]; exchanges?: DoctorExchange[]; warning?: string; skipped?: string },
): DoctorStep => ({
  name,
  ok: r.ok,
  ms: Math.round((performance.now() - t0) * 10) / 10,
  summary: r.summary,
  exchanges: r.exchanges ?? [],
  findings: r.findings,
  ...(r.warning ? { warning: r.warning } : {}),
  ...(r.skipped ? { skipped: r.skipped } : {}),
});

/**
 * Discovery from the SIP domain, then the certificates of the registrar (`_sipinternaltls._tcp`, else the
 * Autodiscover's SIP access point) and of the Access Edge (`_sip._tls`), judged as the device kind does
 * (Lync Phone Edition: exact FQDN, roots only). These steps report but do not stop the later ones.
 */
async function discoveryPrelude(
  o: DoctorOptions,
  device: 'phone' | 'pc',
  emit: (s: DoctorStep) => void,
): Promise<{ discovery?: DiscoveryResult; registrar?: { host: string; port: number; address: string } }> {
  let t0 = performance.now();
  let d: DiscoveryResult;
  try {
    d = await discover({ domain: o.domain!, dnsServers: o.dnsServers, autodiscoverPort: o.autodiscoverPort, ca: o.target.ca });
  } catch (e) {
    emit(stepOf('dns', t0, { ok: false, summary: (e as Error).message, findings: explainError(e) }));
    return {};
  }
  const errors = d.findings.filter((f) => f.severity === 'error');
  emit(
    stepOf('dns', t0, {
      ok: errors.length === 0,
      summary: d.log.join('; '),
      findings: d.findings,
      exchanges: d.log.map((l) => ({ request: l.split(':')[0]!, response: l.slice(l.indexOf(':') + 1).trim(), ms: 0 })),
    }),
  );
  const resolver = makeResolver(o.dnsServers);
  const trust = o.target.ca
    ? (o.target.ca.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((x) => new X509Certificate(x))
    : [];
  const checkCert = async (name: 'registrar-cert' | 'edge-cert', host: string, port: number, role: string): Promise<string | undefined> => {
    t0 = performance.now();
    const address = (await resolveHost(resolver, host))[0];
    if (!address) {
      emit(
        stepOf(name, t0, {
          ok: false,
          summary: `${role} ${host}:${port}: the host name does not resolve`,
          findings: [
            {
              id: 'discovery.target-unresolved',
              severity: 'error',
              summary: `${host} (the ${role} DNS names) has no address`,
              cause: 'The SRV record / Autodiscover points at a host name without an A record.',
              remedy: `Publish an A record for ${host}, or correct the SRV target.`,
              specSection: 'RFC 2782',
              references: [],
            },
          ],
        }),
      );
      return undefined;
    }
    try {
      const chain = await getServerCertificateChain({ host: address, servername: host, port, timeoutMs: 10_000 });
      const findings = checkServerCertificate({
        certificate: chain[0]!,
        chain: chain.slice(1),
        hostname: host,
        deviceKind: device,
        ...(o.phoneFirmware ? { phoneFirmware: o.phoneFirmware } : {}),
        ...(trust.length ? { trustList: trust } : {}),
      });
      const bad = findings.filter((f) => f.severity === 'error');
      emit(
        stepOf(name, t0, {
          ok: bad.length === 0,
          findings,
          summary: `${role} ${host}:${port} (${address}): ${chain[0]!.subject.replace(/\n/g, ',')} (chain of ${chain.length}) for a ${device === 'phone' ? 'Lync Phone Edition device' : 'PC client'}; ${bad.length} errors, ${findings.length - bad.length} other findings`,
          ...(trust.length ? {} : { warning: 'chain not verified: no --ca given' }),
        }),
      );
      return address;
    } catch (e) {
      emit(stepOf(name, t0, { ok: false, summary: `${role} ${host}:${port} (${address}): ${(e as Error).message}`, findings: explainError(e) }));
      return undefined;
    }
  };
  const fromAutodiscover = d.autodiscover ? registrarCandidates(d.autodiscover.sip)[0] : undefined;
  const reg = d.srv.internal[0] ? { host: d.srv.internal[0].name, port: d.srv.internal[0].port } : fromAutodiscover;
  let registrar: { host: string; port: number; address: string } | undefined;
  if (reg) {
    const address = await checkCert(
      'registrar-cert',
      reg.host,
      reg.port,
      d.srv.internal[0] ? `registrar (SRV ${`_sipinternaltls._tcp.${d.domain}`})` : 'registrar (Autodiscover)',
    );
    if (address) registrar = { ...reg, address };
  } else
    emit(
      stepOf('registrar-cert', performance.now(), {
        ok: true,
        skipped: 'no registrar found (no _sipinternaltls._tcp SRV record, no Autodiscover SIP access point)',
        summary: '',
        findings: [],
      }),
    );
  const edge = d.srv.edge[0];
  if (edge) await checkCert('edge-cert', edge.name, edge.port, `Access Edge (SRV _sip._tls.${d.domain})`);
  else
    emit(
      stepOf('edge-cert', performance.now(), {
        ok: true,
        skipped: `no _sip._tls.${d.domain} SRV record (no Access Edge published in this DNS view)`,
        summary: '',
        findings: [],
      }),
    );
  return { discovery: d, ...(registrar ? { registrar } : {}) };
}

export function formatDoctorStep(s: DoctorStep, verbose = false): string {
  const head = `${s.skipped ? 'SKIP' : !s.ok ? 'FAIL' : s.warning ? 'WARN' : 'OK  '} ${s.name.padEnd(12)} ${s.ms.toFixed(0).padStart(5)} ms  ${s.skipped ?? (s.warning && s.ok ? `${s.warning}; ${s.summary}` : s.summary)}`;
  const lines = [head];
  if (verbose || !s.ok)
    for (const x of s.exchanges)
      lines.push(
        `  > ${x.request.split('\n')[0]}`,
        ...(verbose
          ? x.request
              .split('\n')
              .slice(1)
              .map((l) => `    ${l}`)
          : []),
        `  < ${x.response.split('\n')[0]} (${x.ms.toFixed(0)} ms)`,
        ...(verbose || !s.ok
          ? x.response
              .split('\n')
              .slice(1)
              .filter(Boolean)
              .slice(0, 12)
              .map((l) => `    ${l.slice(0, 300)}`)
          : []),
      );
  if (s.findings.length && (!s.ok || verbose))
    lines.push(
      formatFindings(s.findings)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  return lines.join('\n');
}

/**
 * `ocauth doctor [<sip-domain-or-url>] [flags]`: a SIP domain (or sip:user@domain) starts from discovery; an
 * https:// URL is the pool (as --target); neither: the embedded reference target.
 */
export async function runDoctorCli(args: string[], out: (s: string) => void): Promise<number> {
  const subject = args[0] !== undefined && !args[0].startsWith('--') ? args[0] : undefined;
  const { flags, errors } = parseFlags(subject === undefined ? args : args.slice(1));
  if (errors.length) {
    out(errors.join('\n'));
    return 2;
  }
  const device = flags.get('device');
  if (device !== undefined && device !== 'phone' && device !== 'pc') {
    out(`--device: expected phone or pc, received ${JSON.stringify(device)}`);
    return 2;
  }
  let domain: string | undefined;
  if (subject !== undefined) {
    if (/^https:\/\//i.test(subject)) {
      if (flags.has('target') && flags.get('target') !== subject) {
        out(`doctor: expected one pool URL, received ${JSON.stringify(subject)} and --target ${JSON.stringify(flags.get('target'))}`);
        return 2;
      }
      flags.set('target', subject);
    } else {
      try {
        domain = sipDomainOf(subject);
      } catch (e) {
        out((e as Error).message);
        return 2;
      }
    }
  }
  const dns = flags
    .get('dns')
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  let target: Target;
  let close = async () => {};
  if (domain !== undefined && !flags.has('target')) {
    // The pool's URL comes from Autodiscover; the rest of the target (user, credentials, --ca, --sip) from the flags.
    try {
      target = { ...targetFromFlags(new Map([...flags, ['target', 'https://pool.invalid']])), baseUrl: '' };
    } catch (e) {
      out((e as Error).message);
      return 2;
    }
  } else if (!flags.has('target')) {
    const { startEmbeddedTarget } = await import('./embedded.js');
    const e = await startEmbeddedTarget();
    target = e;
    close = e.close;
    out(`no --target: checking the embedded reference target at ${e.baseUrl}`);
  } else {
    try {
      target = targetFromFlags(flags);
    } catch (e) {
      out((e as Error).message);
      return 2;
    }
  }
  try {
    const rep = await runDoctor(
      {
        target,
        ...(device === 'phone' || device === 'pc' ? { device } : {}),
        ...(domain !== undefined ? { domain } : {}),
        ...(dns?.length ? { dnsServers: dns } : {}),
        ...(flags.has('phone-firmware') ? { phoneFirmware: flags.get('phone-firmware') } : {}),
      },
      (s) => out(formatDoctorStep(s, flags.has('verbose'))),
    );
    out(rep.ok ? 'doctor: all steps passed' : 'doctor: FAILED (see the explanation above)');
    return rep.ok ? 0 : 1;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_DOCTOR_DISCOVERY_INPUT') {
      out((e as Error).message);
      return 2;
    }
    throw e;
  } finally {
    await close();
  }
}
