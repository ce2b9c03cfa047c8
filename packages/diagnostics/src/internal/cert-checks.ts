/**
 * Certificate checks administrators need for MS-OCAUTHWS deployments. Each returns Findings, never throws:
 * - `checkServerCertificate`: the web/registrar certificate covers the exact FQDN clients connect to (and not
 *   only by wildcard: Lync Phone Edition), chains to a given trust list, is within its validity period.
 * - `checkClientCertificate`: key size, EKU clientAuth and validity of a client certificate against server policy.
 * - `checkIssuedCertificate`: an issued certificate's SKI is the ASCII DeviceId (MS-OCAUTHWS 4.1.2 example)
 *   and its CN/SAN is the Entity (3.1.4.1.5.2).
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { certFields, subjectAltNames, subjectKeyIdentifier, type CertFields } from './der.js';
import { FIELD_NOTES, type Finding } from './finding.js';

export type CertificateInput = X509Certificate | string | Uint8Array;

export const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

interface Loaded {
  cert: X509Certificate;
  fields: CertFields | undefined;
}

function load(input: CertificateInput, what: string): Loaded | Finding {
  try {
    const cert =
      input instanceof X509Certificate
        ? input
        : new X509Certificate(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    return { cert, fields: certFields(cert.raw) };
  } catch (e) {
    return {
      id: 'cert.unparseable',
      severity: 'error',
      summary: `The ${what} could not be parsed as an X.509 certificate`,
      cause: `The input is not a PEM or DER X.509 certificate (${String((e as Error).message ?? e).slice(0, 120)}).`,
      remedy: 'Export the certificate as PEM (Base-64 encoded X.509) or DER and pass it again.',
      specSection: 'MS-OCAUTHWS 3.1.4.1.2.4',
      references: [],
    };
  }
}
const isFinding = (x: Loaded | Finding): x is Finding => 'id' in x;

const subjectOf = (c: X509Certificate) => c.subject.replace(/\n/g, ', ');
const dateOf = (s: string) => new Date(s);

function validityFindings(c: X509Certificate, now: Date, who: string, remedyExpired: string, references: string[] = [], warnDays = 30): Finding[] {
  const from = dateOf(c.validFrom);
  const to = dateOf(c.validTo);
  const details = { subject: subjectOf(c), notBefore: from.toISOString(), notAfter: to.toISOString(), now: now.toISOString() };
  if (now < from)
    return [
      {
        id: `cert.${who}.not-yet-valid`,
        severity: 'error',
        summary: `The ${who} certificate is not valid until ${from.toISOString()}`,
        cause:
          'The certificate’s validity starts in the future: a wrong clock on the checking machine or the issuing CA, or a certificate issued with a future start.',
        remedy: 'Check the clocks (NTP) of client, server and CA; reissue the certificate if its start date is wrong.',
        specSection: 'RFC 5280 4.1.2.5',
        references,
        details,
      },
    ];
  if (now > to)
    return [
      {
        id: `cert.${who}.expired`,
        severity: 'error',
        summary: `The ${who} certificate expired on ${to.toISOString()}`,
        cause: 'The certificate’s validity period has ended.',
        remedy: remedyExpired,
        specSection: 'RFC 5280 4.1.2.5',
        references,
        details,
      },
    ];
  if (to.getTime() - now.getTime() < warnDays * 86_400_000)
    return [
      {
        id: `cert.${who}.expiring-soon`,
        severity: 'warning',
        summary: `The ${who} certificate expires on ${to.toISOString()} (in less than ${warnDays} days)`,
        cause: 'The certificate is close to the end of its validity period.',
        remedy: remedyExpired,
        specSection: 'RFC 5280 4.1.2.5',
        references,
        details,
      },
    ];
  return [];
}

/** 16-byte hex of an IPv6 literal, as der.ts renders iPAddress entries. */
function ipv6Hex(ip: string): string {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  let groups = parse(head);
  const rest = tail === undefined ? [] : parse(tail);
  // embedded IPv4 in the last group
  const fix = (g: string[]) =>
    g.flatMap((x) =>
      x.includes('.')
        ? (() => {
            const b = x.split('.').map(Number);
            return [((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)];
          })()
        : [x],
    );
  groups = fix(groups);
  const restFixed = fix(rest);
  const fill = tail === undefined ? [] : new Array(8 - groups.length - restFixed.length).fill('0');
  return [...groups, ...fill, ...restFixed]
    .map((g) => g.padStart(4, '0'))
    .join('')
    .toLowerCase();
}

function normHost(h: string): string {
  return h.trim().replace(/\.$/, '').toLowerCase();
}

/** RFC 6125 6.4.3: a wildcard only as the whole left-most label, matching exactly one label. */
function wildcardMatches(pattern: string, host: string): boolean {
  const p = normHost(pattern);
  if (!p.startsWith('*.')) return false;
  const suffix = p.slice(1); // ".contoso.com"
  if (suffix.split('.').length < 3) return false; // "*.com" never matches
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

/** The firmware from which Lync Phone Edition accepts wildcard certificates (June 2012 cumulative update). */
const PHONE_WILDCARD_FIRMWARE = '4.0.7577.4100';

/** Dotted numeric version comparison; false when `v` is absent or not dotted numbers. */
function firmwareAtLeast(v: string | undefined, min: string): boolean {
  if (v === undefined || !/^\d+(\.\d+)*$/.test(v.trim())) return false;
  const a = v.trim().split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

const selfSigned = (c: X509Certificate) => {
  try {
    return c.checkIssued(c) && c.verify(c.publicKey);
  } catch {
    return false;
  }
};

export interface CheckServerCertificateOptions {
  /** The server (leaf) certificate, or the chain as served with the leaf first. */
  certificate?: CertificateInput;
  chain?: CertificateInput[];
  /** The FQDN the client connects to (e.g. the pool FQDN an SRV record / DHCP option points at). */
  hostname: string;
  /** Trusted roots (what the device trusts). Without it the chain is not checked (info finding). */
  trustList?: CertificateInput[];
  now?: Date;
  /**
   * 'phone' = Lync Phone Edition: needs the exact FQDN it connects to (wildcard-only coverage is a failure), and
   * holds root certificates only (the well-known CAs it ships with and the root chain it downloads), so the chain
   * must end at a self-signed root of the trust list with every intermediate sent by the server. Default 'pc'.
   */
  deviceKind?: 'phone' | 'pc';
  /**
   * Lync Phone Edition firmware (e.g. `4.0.7577.4100`). From 4.0.7577.4100 (the June 2012 cumulative update) the
   * phone accepts a wildcard SubjectAltName, so wildcard-only coverage is a warning, not a failure.
   */
  phoneFirmware?: string;
  /** Warn when the certificate expires within this many days (default 30). */
  expiryWarningDays?: number;
}

function chainFindings(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  roots: X509Certificate[],
  now: Date,
  who: string,
  found: { anchor?: X509Certificate } = {},
): Finding[] {
  const out: Finding[] = [];
  const path: X509Certificate[] = [leaf];
  const same = (a: X509Certificate, b: X509Certificate) => a.raw.equals(b.raw);
  let cur = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (roots.some((r) => same(r, cur))) {
      found.anchor = cur;
      return finishChain(path, now, who, out);
    }
    const issuedBy = (c: X509Certificate) => {
      try {
        return cur.checkIssued(c) && cur.verify(c.publicKey);
      } catch {
        return false;
      }
    };
    const anchor = roots.find(issuedBy);
    if (anchor) {
      path.push(anchor);
      found.anchor = anchor;
      return finishChain(path, now, who, out);
    }
    const next = intermediates.find((c) => !path.some((p) => same(p, c)) && issuedBy(c));
    if (!next) break;
    if (!next.ca) {
      out.push({
        id: `cert.${who}.issuer-not-ca`,
        severity: 'error',
        summary: `The issuer ${subjectOf(next)} is not a CA certificate (basicConstraints cA=false)`,
        cause: 'An end-entity certificate was used to sign another certificate.',
        remedy: 'Issue the certificate from a real CA.',
        specSection: 'RFC 5280 4.2.1.9',
        references: [],
        details: { issuer: subjectOf(next) },
      });
      return out;
    }
    path.push(next);
    cur = next;
  }
  out.push({
    id: `cert.${who}.untrusted-chain`,
    severity: 'error',
    summary: `The ${who} certificate does not chain to the trust list (stopped at ${subjectOf(cur)}, issued by ${cur.issuer.replace(/\n/g, ', ')})`,
    cause:
      'There is no full path of trust from a trusted root CA to the certificate: the issuing CA is not in the trust list, or an intermediate is missing from the chain the server sends. A phone uses the root chain it downloaded from the web server and the well-known CAs it ships with; a certificate it cannot verify makes TLS to Web Services fail.',
    remedy:
      'Issue the server certificate from a CA that chains up to a root the devices trust (a well-known public CA, or publish your internal root), and configure the server to send the full chain including intermediates. A phone can be provisioned meanwhile by USB tethering to a PC running Lync.',
    specSection: 'MS-OCAUTHWS 3.1 (TLS to the Certificate Provisioning Service); RFC 5280 6.1',
    references: [FIELD_NOTES.receiveAndPublish],
    details: { stoppedAt: subjectOf(cur), missingIssuer: cur.issuer.replace(/\n/g, ', '), pathLength: path.length },
  });
  return out;
}

function finishChain(path: X509Certificate[], now: Date, who: string, out: Finding[]): Finding[] {
  for (const c of path.slice(1)) {
    const v = validityFindings(c, now, 'chain', 'Renew the CA/intermediate certificate and redeploy the chain.');
    for (const f of v) if (f.severity === 'error') out.push({ ...f, summary: `${f.summary} (${subjectOf(c)}, in the ${who} certificate’s chain)` });
  }
  if (out.length === 0)
    out.push({
      id: `cert.${who}.chain-ok`,
      severity: 'info',
      summary: `The ${who} certificate chains to the trust list (${path.length} certificate${path.length > 1 ? 's' : ''})`,
      cause: 'Every signature in the path verifies and the anchor is trusted.',
      remedy: 'Nothing to do.',
      specSection: 'RFC 5280 6.1',
      references: [],
      details: { path: path.map(subjectOf).join(' <- ') },
    });
  return out;
}

/** Check a server certificate the way Lync clients and phones do. Never throws. */
function checkServerCertificateImpl(o: CheckServerCertificateOptions): Finding[] {
  const now = o.now ?? new Date();
  const items = [...(o.certificate !== undefined ? [o.certificate] : []), ...(o.chain ?? [])];
  if (items.length === 0)
    return [
      {
        id: 'cert.missing',
        severity: 'error',
        summary: 'No server certificate given',
        cause: 'checkServerCertificate needs `certificate` or `chain`.',
        remedy: 'Pass the certificate the server presents.',
        specSection: 'RFC 5280',
        references: [],
      },
    ];
  const loaded = items.map((c, i) => load(c, i === 0 ? 'server certificate' : `chain certificate ${i}`));
  const bad = loaded.filter(isFinding);
  if (bad.length > 0) return bad;
  const [leaf, ...rest] = loaded as Loaded[];
  const out: Finding[] = [];
  const host = normHost(o.hostname ?? '');
  const kind = o.deviceKind ?? 'pc';
  const san = leaf!.fields ? subjectAltNames(leaf!.fields) : { dns: [], email: [], uri: [], ip: [] };
  const cns = leaf!.fields?.subjectCommonNames ?? [];
  // RFC 6125 6.4.4: the CN is consulted only when there is no DNS SubjectAltName.
  const names = san.dns.length > 0 ? san.dns : cns;
  const details = { hostname: host, dnsNames: names.join(', ').slice(0, 500), subject: subjectOf(leaf!.cert), deviceKind: kind };
  const ipKind = isIP(host.replace(/^\[|\]$/g, ''));
  if (ipKind !== 0) {
    // RFC 6125 / RFC 5280: an IP address is matched against iPAddress SubjectAltNames only.
    const ip = host.replace(/^\[|\]$/g, '');
    const want = ipKind === 4 ? ip : ipv6Hex(ip);
    const hit = san.ip.some((x) => x === want);
    let nodeHit = false;
    try {
      nodeHit = leaf!.cert.checkIP(ip) !== undefined;
    } catch {
      nodeHit = false;
    }
    out.push(
      hit
        ? {
            id: 'cert.server.ip-exact',
            severity: 'info',
            summary: `The certificate names the IP address ${ip} (iPAddress SubjectAltName)`,
            cause: 'The address the client connects to is in the certificate.',
            remedy: 'Nothing to do. Lync clients and phones connect by FQDN; an IP address certificate only suits tests and loopback.',
            specSection: 'RFC 6125 6.4; RFC 5280 4.2.1.6',
            references: [],
            details: { ...details, ips: san.ip.join(', ') },
          }
        : {
            id: 'cert.server.name-mismatch',
            severity: 'error',
            summary: `The certificate does not cover the IP address ${ip}`,
            cause: 'There is no iPAddress SubjectAltName for the address the client connects to (names in the CN or DNS entries never match an IP address).',
            remedy: `Connect by the FQDN the certificate carries, or reissue it with IP:${ip} as a SubjectAltName.`,
            specSection: 'RFC 6125 6.4; RFC 5280 4.2.1.6',
            references: [],
            details,
          },
    );
    if (hit !== nodeHit)
      out.push({
        id: 'cert.server.name-ambiguous',
        severity: 'warning',
        summary: `OpenSSL's IP matching ${nodeHit ? 'accepts' : 'rejects'} ${ip}, unlike the check above`,
        cause: 'Unusual iPAddress encoding.',
        remedy: 'Reissue with a plain iPAddress SubjectAltName.',
        specSection: 'RFC 5280 4.2.1.6',
        references: [],
        details,
      });
  } else if (!host || !/^[a-z0-9.-]+$/.test(host)) {
    out.push({
      id: 'cert.server.bad-hostname',
      severity: 'error',
      summary: `Hostname ${JSON.stringify(o.hostname)} is not a DNS name`,
      cause: 'The check needs the FQDN the client connects to.',
      remedy: 'Pass the FQDN (e.g. pool01.contoso.com).',
      specSection: 'RFC 6125 6.4',
      references: [],
    });
  } else {
    const exact = names.some((n) => normHost(n) === host);
    const wildcard = names.find((n) => wildcardMatches(n, host));
    if (exact) {
      out.push({
        id: 'cert.server.name-exact',
        severity: 'info',
        summary: `The certificate names ${host} exactly${san.dns.length === 0 ? ' (in the subject CN; there is no SubjectAltName)' : ''}`,
        cause: 'The FQDN the client connects to is in the certificate.',
        remedy: 'Nothing to do.',
        specSection: 'RFC 6125 6.4.1',
        references: [],
        details,
      });
      if (san.dns.length === 0)
        out.push({
          id: 'cert.server.cn-only',
          severity: 'warning',
          summary: 'The certificate has no DNS SubjectAltName; the name is only in the subject CN',
          cause: 'Modern TLS clients ignore the CN when matching names.',
          remedy: 'Reissue with the FQDN as a DNS SubjectAltName (and keep it as CN).',
          specSection: 'RFC 6125 6.4.4',
          references: [],
          details,
        });
    } else if (wildcard) {
      // Field note (phone-edition-wildcard-certificates.txt): wildcard support came with the June 2012 CU,
      // firmware 4.0.7577.4100; older phones need the exact FQDN.
      const phone = kind === 'phone' && !firmwareAtLeast(o.phoneFirmware, PHONE_WILDCARD_FIRMWARE);
      out.push({
        id: 'cert.server.wildcard-only',
        severity: phone ? 'error' : 'warning',
        summary: `${host} is covered only by the wildcard ${wildcard}${phone ? ': Lync Phone Edition devices will fail to sign in' : ' (Windows clients accept it; Lync Phone Edition devices do not)'}`,
        cause:
          'Lync Phone Edition requires the server certificate to contain the exact FQDN the device connects to; a wildcard-only entry makes the final sign-in step fail ("Cannot connect to the server. Retrying.") even though the device can download its certificate. Wildcard support came with the June 2012 cumulative update (firmware 4.0.7577.4100), which devices cannot obtain through a wildcard-only deployment, and it still fails for some deployments.',
        remedy: `Add ${host} as an explicit SubjectAltName (and the pool FQDN as CN/SAN) to the Front End/Director/Edge certificates, then restart the front-end service (Restart-Service RTCSRV). Avoid wildcard-only entries for server FQDNs.`,
        specSection: 'RFC 6125 6.4.3',
        references: [FIELD_NOTES.phoneWildcard],
        details: { ...details, wildcard },
      });
    } else {
      out.push({
        id: 'cert.server.name-mismatch',
        severity: 'error',
        summary: `The certificate does not cover ${host}`,
        cause:
          'The FQDN the client connects to is neither in the DNS SubjectAltNames nor matched by a wildcard; TLS fails with a name mismatch (SSPI SEC_E_WRONG_PRINCIPAL).',
        remedy: `Reissue the certificate with ${host} as a SubjectAltName, or point clients (SRV record / DHCP option 120/43) at a name the certificate carries.`,
        specSection: 'RFC 6125 6.4',
        references: [FIELD_NOTES.phoneWildcard],
        details,
      });
    }
    // Field note: a Front End / Edge certificate whose subject is a wildcard was still refused by phones with
    // firmware 4.0.7577.4100 ("The connection was closed before TLS negotiation completed") while a UC
    // certificate from the same CA worked: phones match strictly, so a wildcard CN is a risk even with the exact SAN.
    const wildcardCn = cns.find((n) => n.trim().startsWith('*'));
    if (kind === 'phone' && wildcardCn && exact)
      out.push({
        id: 'cert.server.wildcard-subject',
        severity: 'warning',
        summary: `The certificate's subject is the wildcard CN=${wildcardCn}; Lync Phone Edition matches names strictly`,
        cause:
          'Phones were reported refusing wildcard certificates on the Front End, Director and Edge even with the June 2012 firmware (4.0.7577.4100), while a certificate naming the pool FQDN as CN and SubjectAltName from the same CA worked.',
        remedy: `Issue the registrar / Edge certificate with the pool FQDN (${host}) as subject CN and as SubjectAltName; keep wildcards for the simple URLs only.`,
        specSection: 'RFC 6125 6.4.4',
        references: [FIELD_NOTES.phoneWildcard],
        details: { ...details, commonName: wildcardCn },
      });
    // Consistency with OpenSSL's own matcher through node:crypto.
    let nodeMatch: string | undefined;
    try {
      nodeMatch = leaf!.cert.checkHost(host, { wildcards: true, partialWildcards: false });
    } catch {
      nodeMatch = undefined;
    }
    if ((nodeMatch !== undefined) !== (exact || wildcard !== undefined)) {
      out.push({
        id: 'cert.server.name-ambiguous',
        severity: 'warning',
        summary: `OpenSSL's host matching ${nodeMatch ? 'accepts' : 'rejects'} ${host}, unlike the check above`,
        cause: 'The certificate uses a name form (IDN, partial wildcard, CN with SANs) that client implementations treat differently.',
        remedy: 'Use plain DNS SubjectAltNames with the exact FQDNs.',
        specSection: 'RFC 6125 6.4',
        references: [],
        details,
      });
    }
  }
  const eku = leaf!.cert.keyUsage;
  if (eku && eku.length > 0 && !eku.includes(EKU.serverAuth) && !eku.includes('2.5.29.37.0')) {
    out.push({
      id: 'cert.server.eku',
      severity: 'error',
      summary: 'The server certificate is not valid for server authentication (no serverAuth EKU)',
      cause: `Its Extended Key Usage lists ${eku.join(', ')} but not 1.3.6.1.5.5.7.3.1.`,
      remedy: 'Reissue the certificate from a web server template (Server Authentication EKU).',
      specSection: 'RFC 5280 4.2.1.12',
      references: [],
      details: { eku: eku.join(', ') },
    });
  }
  const key = leaf!.cert.publicKey.asymmetricKeyDetails;
  if (leaf!.cert.publicKey.asymmetricKeyType === 'rsa' && key?.modulusLength !== undefined && key.modulusLength < 2048) {
    out.push({
      id: 'cert.server.weak-key',
      severity: 'warning',
      summary: `The server certificate has a ${key.modulusLength}-bit RSA key`,
      cause: 'RSA keys under 2048 bits are refused by current TLS stacks.',
      remedy: 'Reissue with a 2048-bit (or larger) key.',
      specSection: 'RFC 8603 / NIST SP 800-131A',
      references: [],
      details: { keySize: key.modulusLength },
    });
  }
  out.push(
    ...validityFindings(
      leaf!.cert,
      now,
      'server',
      'Renew the server certificate (same names, full chain) before it expires and restart the services using it.',
      [],
      o.expiryWarningDays ?? 30,
    ),
  );
  if (o.trustList === undefined) {
    out.push({
      id: 'cert.server.chain-not-checked',
      severity: 'info',
      summary: 'Chain not checked: no trust list given',
      cause: 'checkServerCertificate checks the chain only against an explicit trust list (what the device trusts).',
      remedy: 'Pass trustList with the roots your clients and phones trust.',
      specSection: 'RFC 5280 6.1',
      references: [],
    });
  } else {
    const roots = o.trustList.map((c, i) => load(c, `trust list certificate ${i}`));
    const badRoots = roots.filter(isFinding);
    out.push(...badRoots);
    const trusted = (roots.filter((r) => !isFinding(r)) as Loaded[]).map((r) => r.cert);
    const sent = rest.map((r) => r.cert);
    const found: { anchor?: X509Certificate } = {};
    const full = chainFindings(leaf!.cert, sent, trusted, now, 'server', found);
    const untrusted = (fs: Finding[]) => fs.some((f) => f.id === 'cert.server.untrusted-chain');
    // A phone holds root certificates only (field note receive-and-publish-certificate-troubleshooting.txt: the
    // CAs it ships with and the root chain it downloads): the path must end at a self-signed root, and every
    // intermediate must come from the server.
    const rootsOnly = trusted.filter(selfSigned);
    const strict = rootsOnly.length === trusted.length ? full : chainFindings(leaf!.cert, sent, rootsOnly, now, 'server');
    if (!untrusted(full) && untrusted(strict) && found.anchor) {
      const a = found.anchor;
      const wasSent = sent.some((c) => c.raw.equals(a.raw));
      const phone = kind === 'phone';
      out.push({
        id: wasSent ? 'cert.server.anchor-not-root' : 'cert.server.intermediate-not-sent',
        severity: phone ? 'error' : 'warning',
        summary: wasSent
          ? `The chain is trusted only through the intermediate CA ${subjectOf(a)}, not through a root${phone ? ': a phone cannot verify it' : ' (a phone could not verify it)'}`
          : `The server does not send the intermediate CA ${subjectOf(a)}; the chain is trusted only because the trust list holds that intermediate${phone ? ': a phone cannot verify it' : ' (a phone could not verify it)'}`,
        cause:
          'Lync Phone Edition verifies server certificates against root certificates only: the well-known CAs it ships with and the root chain it downloads from the web server. It does not fetch or store intermediate CAs, so the server must send every intermediate and the path must end at a root the device can have.',
        remedy: wasSent
          ? 'Make sure the root CA above this intermediate is a well-known CA or is published to the phones (the root chain the device downloads), and trust that root rather than the intermediate.'
          : 'Bind the full chain (leaf and every intermediate) on the Front End / Director / Edge (and reverse proxy) so the server sends it in the TLS handshake; the root must be a well-known CA or published to the phones.',
        specSection: 'RFC 5280 6.1; MS-OCAUTHWS 3.1',
        references: [FIELD_NOTES.receiveAndPublish],
        details: { anchor: subjectOf(a), sent: sent.length, deviceKind: kind },
      });
      if (!phone) out.push(...full);
    } else out.push(...(kind === 'phone' ? strict : full));
  }
  return out;
}

export interface ClientCertificatePolicy {
  /** Minimum client key size in bits (Lync default 1024). */
  minKeySize?: number;
  /** Maximum client key size in bits (Lync default 16384). */
  maxKeySize?: number;
  /** EKU the certificate must carry (default clientAuth 1.3.6.1.5.5.7.3.2). */
  requiredEku?: string;
  /** Minimum and maximum validity (notAfter − notBefore) in hours (Lync: 8 to 8760, default 4320). */
  minValidityHours?: number;
  maxValidityHours?: number;
}

/** Check a client certificate against the server's policy. Never throws. */
function checkClientCertificateImpl(o: { certificate: CertificateInput; policy?: ClientCertificatePolicy; now?: Date }): Finding[] {
  const l = load(o.certificate, 'client certificate');
  if (isFinding(l)) return [l];
  const c = l.cert;
  const p = o.policy ?? {};
  const now = o.now ?? new Date();
  const out: Finding[] = [];
  const subject = subjectOf(c);
  const type = c.publicKey.asymmetricKeyType ?? 'unknown';
  const kd = c.publicKey.asymmetricKeyDetails ?? {};
  const bits =
    type === 'rsa' || type === 'rsa-pss' || type === 'dsa'
      ? kd.modulusLength
      : type === 'ec'
        ? ({ prime256v1: 256, secp384r1: 384, secp521r1: 521 } as Record<string, number>)[kd.namedCurve ?? '']
        : undefined;
  const details = { subject, keyType: type, ...(bits !== undefined ? { keySize: bits } : {}) };
  const keyNote =
    'Lync 2013 clients use 2048-bit keys; older clients 1024. A server minimum above what clients request makes their certificate requests fail (InvalidPublicKey) and the clients silently fall back to NTLM, which disables certificate authentication.';
  if (bits === undefined) {
    out.push({
      id: 'cert.client.key-unknown',
      severity: 'warning',
      summary: `Key size of the ${type} key could not be determined`,
      cause: 'The key algorithm is not RSA/EC with a known curve.',
      remedy: 'Use an RSA key (what GetAndPublishCert clients generate).',
      specSection: 'MS-OCAUTHWS 3.1.4.1.4.1 (InvalidPublicKey)',
      references: [],
      details,
    });
  } else {
    if (p.minKeySize !== undefined && bits < p.minKeySize)
      out.push({
        id: 'cert.client.key-too-small',
        severity: 'error',
        summary: `The client key is ${bits} bits, below the server minimum of ${p.minKeySize}`,
        cause: `Server policy and client request disagree. ${keyNote}`,
        remedy: `Lower the server minimum key size to ${bits} (Set-CsWebServiceConfiguration) or update the clients to generate ${p.minKeySize}-bit keys. Test before changing production.`,
        specSection: 'MS-OCAUTHWS 3.1.4.1.4.1 (InvalidPublicKey)',
        references: [FIELD_NOTES.certificateProvisioning],
        details: { ...details, minKeySize: p.minKeySize },
      });
    if (p.maxKeySize !== undefined && bits > p.maxKeySize)
      out.push({
        id: 'cert.client.key-too-large',
        severity: 'error',
        summary: `The client key is ${bits} bits, above the server maximum of ${p.maxKeySize}`,
        cause: `Server policy and client request disagree. ${keyNote}`,
        remedy: `Raise the server maximum key size to ${bits} or have clients request smaller keys.`,
        specSection: 'MS-OCAUTHWS 3.1.4.1.4.1 (InvalidPublicKey)',
        references: [FIELD_NOTES.certificateProvisioning],
        details: { ...details, maxKeySize: p.maxKeySize },
      });
  }
  const required = p.requiredEku ?? EKU.clientAuth;
  const eku = c.keyUsage;
  if (!eku || eku.length === 0) {
    out.push({
      id: 'cert.client.eku-missing',
      severity: 'error',
      summary: 'The client certificate has no Extended Key Usage extension',
      cause: `The certificate is not restricted to client authentication (${required}); the Certificate Provisioning Service issues certificates with the clientAuth EKU and rejects requests for others (InvalidEKU).`,
      remedy: 'Use a certificate provisioned by GetAndPublishCert (EKU TLS Web Client Authentication).',
      specSection: 'MS-OCAUTHWS 3.1.4.1.4.1 (InvalidEKU)',
      references: [],
      details: { ...details, requiredEku: required },
    });
  } else if (!eku.includes(required) && !eku.includes('2.5.29.37.0')) {
    out.push({
      id: 'cert.client.eku-wrong',
      severity: 'error',
      summary: `The client certificate's EKU (${eku.join(', ')}) does not include ${required}`,
      cause: 'The certificate is not valid for client authentication.',
      remedy: 'Request only the clientAuth EKU in the CSR / use a provisioned certificate.',
      specSection: 'MS-OCAUTHWS 3.1.4.1.4.1 (InvalidEKU)',
      references: [],
      details: { ...details, eku: eku.join(', '), requiredEku: required },
    });
  }
  const hours = (dateOf(c.validTo).getTime() - dateOf(c.validFrom).getTime()) / 3_600_000;
  const vp =
    'The client requested (MS-WCCE validityPeriod/ValidityPeriodUnits) a lifetime outside the server’s configured minimum/maximum; Lync 2013 asks for 4320 hours. Servers either clamp to their range or reject with InvalidValidityPeriod.';
  if (p.maxValidityHours !== undefined && hours > p.maxValidityHours + 1e-6)
    out.push({
      id: 'cert.client.validity-too-long',
      severity: 'warning',
      summary: `The certificate is valid for ${Math.round(hours)} hours, more than the server maximum of ${p.maxValidityHours}`,
      cause: vp,
      remedy: 'Compare server policy (MaxValidityPeriodHours) with what clients request; widen the range or let the server clamp.',
      specSection: 'MS-OCAUTHWS 3.1.4.1.4.1 (InvalidValidityPeriod)',
      references: [FIELD_NOTES.certificateProvisioning],
      details: { ...details, validityHours: Math.round(hours) },
    });
  if (p.minValidityHours !== undefined && hours < p.minValidityHours - 1e-6)
    out.push({
      id: 'cert.client.validity-too-short',
      severity: 'warning',
      summary: `The certificate is valid for ${Math.round(hours)} hours, less than the server minimum of ${p.minValidityHours}`,
      cause: vp,
      remedy: 'Compare server policy (MinValidityPeriodHours) with what clients request.',
      specSection: 'MS-OCAUTHWS 3.1.4.1.4.1 (InvalidValidityPeriod)',
      references: [FIELD_NOTES.certificateProvisioning],
      details: { ...details, validityHours: Math.round(hours) },
    });
  out.push(
    ...validityFindings(
      c,
      now,
      'client',
      'Let the client provision a new certificate (sign in again so GetAndPublishCert runs); check client and server clocks.',
      [FIELD_NOTES.certificateProvisioning],
      0,
    ),
  );
  if (out.every((f) => f.severity === 'info'))
    out.push({
      id: 'cert.client.ok',
      severity: 'info',
      summary: 'The client certificate meets the policy',
      cause: 'Key size, EKU and validity are within policy.',
      remedy: 'Nothing to do.',
      specSection: 'MS-OCAUTHWS 3.1.4.1',
      references: [],
      details,
    });
  return out;
}

/** Check a certificate returned by GetAndPublishCert against the request's DeviceId and Entity. Never throws. */
function checkIssuedCertificateImpl(o: {
  certificate: CertificateInput;
  entity?: string;
  sipUri?: string;
  deviceId: string;
  issuer?: CertificateInput;
  now?: Date;
}): Finding[] {
  const l = load(o.certificate, 'issued certificate');
  if (isFinding(l)) return [l];
  const c = l.cert;
  const out: Finding[] = [];
  const entity = (o.entity ?? o.sipUri ?? '').replace(/^sip:/i, '');
  const subject = subjectOf(c);
  const f = l.fields;
  // SKI = ASCII of the DeviceId (the spec's 4.1.2 example certificate).
  const ski = f ? subjectKeyIdentifier(f) : undefined;
  const deviceIdAscii = Buffer.from(o.deviceId ?? '', 'latin1');
  if (!ski) {
    out.push({
      id: 'cert.issued.ski-missing',
      severity: 'error',
      summary: 'The issued certificate has no Subject Key Identifier',
      cause: 'The spec example certificate carries the DeviceId as its SKI (ASCII); without it the device cannot be told apart.',
      remedy: 'Issue the certificate with SKI = ASCII bytes of the DeviceId.',
      specSection: 'MS-OCAUTHWS 4.1.2; 3.1.4.1.5.1',
      references: [],
      details: { subject },
    });
  } else if (ski.equals(deviceIdAscii)) {
    out.push({
      id: 'cert.issued.ski-deviceid',
      severity: 'info',
      summary: `SKI is the ASCII DeviceId ${o.deviceId}`,
      cause: 'As in the spec example.',
      remedy: 'Nothing to do.',
      specSection: 'MS-OCAUTHWS 4.1.2',
      references: [],
      details: { deviceId: o.deviceId },
    });
  } else {
    const skiText = ski.toString('latin1');
    const loose = (s: string) => s.replace(/[{}]/g, '').toLowerCase();
    const nearly = /^[\x20-\x7e]+$/.test(skiText) && loose(skiText) === loose(o.deviceId ?? '');
    out.push({
      id: nearly ? 'cert.issued.ski-deviceid-format' : 'cert.issued.ski-deviceid-mismatch',
      severity: nearly ? 'warning' : 'error',
      summary: nearly
        ? `SKI ${JSON.stringify(skiText)} is the DeviceId written differently (${o.deviceId})`
        : `SKI (${ski.toString('hex').slice(0, 80)}) is not the ASCII DeviceId ${o.deviceId}`,
      cause: nearly
        ? 'The GUID differs only in braces or letter case from the DeviceId sent.'
        : 'The certificate was issued for another device, or the server derives the SKI from the key instead of the DeviceId.',
      remedy: nearly
        ? 'Echo the DeviceId exactly as the client sent it.'
        : 'Check that the response belongs to this request (DeviceId attribute) and that the server sets SKI = ASCII DeviceId.',
      specSection: 'MS-OCAUTHWS 4.1.2; 3.1.4.1.5.1',
      references: [],
      details: { deviceId: o.deviceId, ski: ski.toString('hex').slice(0, 160) },
    });
  }
  if (!/^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/.test(o.deviceId ?? '')) {
    out.push({
      id: 'cert.issued.deviceid-not-guid',
      severity: 'warning',
      summary: `DeviceId ${JSON.stringify(String(o.deviceId).slice(0, 60))} is not convertible to a GUID`,
      cause: 'DeviceId MUST be convertible to a GUID (servers answer InvalidDeviceId).',
      remedy: 'Use a GUID such as {161CCE75-E0C7-5F60-BDD1-054099725B0B}.',
      specSection: 'MS-OCAUTHWS 3.1.4.1.5.1',
      references: [],
    });
  }
  // CN and SAN = Entity (SIP URI without "sip:").
  const cns = f?.subjectCommonNames ?? [];
  const san = f ? subjectAltNames(f) : { dns: [], email: [], uri: [], ip: [] };
  const eq = (a: string) => a.replace(/^sip:/i, '').toLowerCase() === entity.toLowerCase();
  if (!entity)
    out.push({
      id: 'cert.issued.entity-missing',
      severity: 'warning',
      summary: 'No entity/sipUri given: CN/SAN not checked',
      cause: 'checkIssuedCertificate needs the Entity of the request.',
      remedy: 'Pass entity (SIP URI without sip:).',
      specSection: 'MS-OCAUTHWS 3.1.4.1.5.2',
      references: [],
    });
  else {
    if (!cns.some(eq))
      out.push({
        id: 'cert.issued.cn-entity-mismatch',
        severity: 'error',
        summary: `Subject CN (${cns.join(', ') || 'none'}) is not the Entity ${entity}`,
        cause: 'The certificate was issued for another user, or the server put another name in the subject.',
        remedy: 'Check the Entity sent matches the authenticated user’s SIP URI (without sip:) and that the response belongs to this request.',
        specSection: 'MS-OCAUTHWS 3.1.4.1.5.2; 4.1.2',
        references: [],
        details: { entity, subject },
      });
    const sanNames = [...san.email, ...san.uri];
    if (sanNames.length > 0 && !sanNames.some(eq))
      out.push({
        id: 'cert.issued.san-entity-mismatch',
        severity: 'error',
        summary: `SubjectAltName (${sanNames.join(', ').slice(0, 200)}) does not name the Entity ${entity}`,
        cause: 'The certificate’s alternative name belongs to another user.',
        remedy: 'Issue with rfc822Name (or sip: URI) = the Entity.',
        specSection: 'MS-OCAUTHWS 4.1.2',
        references: [],
        details: { entity },
      });
    if (sanNames.length === 0)
      out.push({
        id: 'cert.issued.san-missing',
        severity: 'warning',
        summary: 'The issued certificate has no rfc822Name/URI SubjectAltName',
        cause: 'The spec example names the user also as SubjectAltName email.',
        remedy: 'Add rfc822Name = Entity.',
        specSection: 'MS-OCAUTHWS 4.1.2',
        references: [],
        details: { entity },
      });
    if (cns.some(eq) && (sanNames.length === 0 || sanNames.some(eq)))
      out.push({
        id: 'cert.issued.entity',
        severity: 'info',
        summary: `The certificate names the Entity ${entity}`,
        cause: 'CN (and SAN) equal the Entity.',
        remedy: 'Nothing to do.',
        specSection: 'MS-OCAUTHWS 3.1.4.1.5.2',
        references: [],
      });
  }
  const eku = c.keyUsage;
  if (!eku || !eku.includes(EKU.clientAuth))
    out.push({
      id: 'cert.issued.eku',
      severity: 'error',
      summary: 'The issued certificate lacks the clientAuth EKU',
      cause: 'Certificates from the provisioning service authenticate clients (TLS Web Client Authentication).',
      remedy: 'Issue with EKU 1.3.6.1.5.5.7.3.2.',
      specSection: 'MS-OCAUTHWS 4.1.2',
      references: [],
    });
  if (o.issuer !== undefined) {
    const il = load(o.issuer, 'issuer certificate');
    if (isFinding(il)) out.push(il);
    else {
      let ok = false;
      try {
        ok = c.checkIssued(il.cert) && c.verify(il.cert.publicKey);
      } catch {
        ok = false;
      }
      out.push(
        ok
          ? {
              id: 'cert.issued.signature',
              severity: 'info',
              summary: `Signed by ${subjectOf(il.cert)}`,
              cause: 'The signature verifies with the issuer key.',
              remedy: 'Nothing to do.',
              specSection: 'RFC 5280 6.1.3',
              references: [],
            }
          : {
              id: 'cert.issued.bad-signature',
              severity: 'error',
              summary: `Not issued by ${subjectOf(il.cert)}`,
              cause: 'The issuer name or signature does not match the given CA certificate.',
              remedy: 'Check the certificate comes from this pool’s Certificate Provisioning Service CA.',
              specSection: 'RFC 5280 6.1.3',
              references: [],
            },
      );
    }
  }
  if (o.now !== undefined) out.push(...validityFindings(c, o.now, 'issued', 'Provision a new certificate.', [], 0));
  return out;
}

function guarded<A extends object>(name: string, impl: (o: A) => Finding[]): (o: A) => Finding[] {
  return (o: A) => {
    if (typeof o !== 'object' || o === null) {
      return [
        {
          id: 'input.malformed',
          severity: 'error',
          summary: `${name}: expected an options object, received ${o === null ? 'null' : typeof o}`,
          cause: 'The check was called without options.',
          remedy: `Call ${name}({ certificate, … }).`,
          specSection: 'MS-OCAUTHWS',
          references: [],
        },
      ];
    }
    for (const k of ['chain', 'trustList'] as const) {
      const v = (o as Record<string, unknown>)[k];
      if (v !== undefined && !Array.isArray(v))
        return [
          {
            id: 'input.malformed',
            severity: 'error',
            summary: `${name}: expected ${k} to be an array of certificates, received ${typeof v}`,
            cause: 'Wrong option type.',
            remedy: `Pass ${k} as an array (PEM strings, DER bytes or X509Certificate).`,
            specSection: 'MS-OCAUTHWS',
            references: [],
          },
        ];
    }
    const now = (o as { now?: unknown }).now;
    if (now !== undefined && !(now instanceof Date && !Number.isNaN(now.getTime())))
      return [
        {
          id: 'input.malformed',
          severity: 'error',
          summary: `${name}: expected now to be a valid Date, received ${String(now).slice(0, 40)}`,
          cause: 'Wrong option type.',
          remedy: 'Pass now as a Date.',
          specSection: 'MS-OCAUTHWS',
          references: [],
        },
      ];
    try {
      return impl(o);
    } catch (e) {
      return [
        {
          id: 'internal.check-failed',
          severity: 'warning',
          summary: `${name} failed: ${String((e as Error)?.message ?? e).slice(0, 200)}`,
          cause: 'An unexpected error inside @ocauth/diagnostics.',
          remedy: 'Report the input that caused it.',
          specSection: 'MS-OCAUTHWS',
          references: [],
        },
      ];
    }
  };
}

/**
 * Check a server certificate the way Lync clients and phones do. Never throws.
 * @throws never: malformed options and unexpected failures come back as `input.malformed` /
 *   `internal.check-failed` findings.
 */
export const checkServerCertificate: (o: CheckServerCertificateOptions) => Finding[] = guarded('checkServerCertificate', checkServerCertificateImpl);
/**
 * Check a client certificate against the server's policy. Never throws.
 * @throws never: malformed options and unexpected failures come back as `input.malformed` /
 *   `internal.check-failed` findings.
 */
export const checkClientCertificate: (o: { certificate: CertificateInput; policy?: ClientCertificatePolicy; now?: Date }) => Finding[] = guarded(
  'checkClientCertificate',
  checkClientCertificateImpl,
);
/**
 * Check a certificate returned by GetAndPublishCert against the request's DeviceId and Entity. Never throws.
 * @throws never: malformed options and unexpected failures come back as `input.malformed` /
 *   `internal.check-failed` findings.
 */
export const checkIssuedCertificate: (o: {
  certificate: CertificateInput;
  entity?: string;
  sipUri?: string;
  deviceId: string;
  issuer?: CertificateInput;
  now?: Date;
}) => Finding[] = guarded('checkIssuedCertificate', checkIssuedCertificateImpl);
