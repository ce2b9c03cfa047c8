// `ocauth doctor <sip-domain>` (issue 17 item 7): discovery through a DNS server on loopback (the wire format
// written by discovery-dns-server.ts), Autodiscover and the SIP registrar of the reference server, the
// registrar's certificate under the Phone Edition rules, and the TLS-DSK leg against the registrar found.
// The server's TLS certificate is made by openssl (its names are the scenario: exact FQDN or wildcard only).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@ocauth/server';
import { CertificateAuthority } from '@ocauth/certprov';
import { runDoctor, type DoctorReport } from '../src/internal/doctor.js';
import { main } from '../src/internal/cli-main.js';
import { startDnsServer } from './discovery-dns-server.js';
import { hasTool, runTool } from '../../testing/tools.js';

const HAVE = hasTool('openssl', ['version']);
const DOMAIN = 'ocauth.test';
const REGISTRAR = 'pool.ocauth.test';

/** A data directory whose CA and TLS certificate are openssl's, with the given DNS SubjectAltNames. */
function dataDirWithCertificate(dnsNames: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ocauth-doctor-'));
  const p = (f: string) => join(dir, f);
  writeFileSync(p('min.cnf'), '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n[none]\n');
  // The pool's CA as the server makes it (it also issues the users' certificates); the TLS certificate is openssl's.
  const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(p('ca-key.pem'), keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  writeFileSync(p('ca-cert.pem'), CertificateAuthority.create({ commonName: 'ocauth doctor test root', keyPair }).certificatePem);
  runTool('openssl', [
    'req',
    '-x509',
    '-config',
    p('min.cnf'),
    '-extensions',
    'none',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('tls-key.pem'),
    '-CA',
    p('ca-cert.pem'),
    '-CAkey',
    p('ca-key.pem'),
    '-subj',
    `/CN=${dnsNames[0]}`,
    '-days',
    '365',
    '-sha256',
    '-addext',
    'basicConstraints=CA:FALSE',
    '-addext',
    'extendedKeyUsage=serverAuth,clientAuth',
    '-addext',
    `subjectAltName=${[...dnsNames.map((n) => `DNS:${n}`), 'DNS:localhost', 'IP:127.0.0.1'].join(',')}`,
    '-out',
    p('tls-cert.pem'),
  ]);
  rmSync(p('min.cnf'));
  return dir;
}

async function scenario(dnsNames: string[], edge?: string) {
  const dataDir = dataDirWithCertificate(dnsNames);
  const srv = await startServer({ dataDir, logger: false, farmFqdn: 'localhost', sip: { port: 0, fqdn: REGISTRAR } });
  const dns = await startDnsServer({
    [DOMAIN]: [],
    [`_sipinternaltls._tcp.${DOMAIN}`]: [{ type: 'SRV', priority: 0, weight: 0, port: srv.sip!.port, target: REGISTRAR }],
    [REGISTRAR]: [{ type: 'A', address: '127.0.0.1' }],
    // The Access Edge: here the same laboratory registrar under another name.
    ...(edge
      ? {
          [`_sip._tls.${DOMAIN}`]: [{ type: 'SRV' as const, priority: 0, weight: 0, port: srv.sip!.port, target: edge }],
          [edge]: [{ type: 'A' as const, address: '127.0.0.1' }],
        }
      : {}),
    [`lyncdiscoverinternal.${DOMAIN}`]: [{ type: 'A', address: '127.0.0.1' }],
  });
  const port = Number(new URL(srv.url).port);
  const target = {
    baseUrl: '',
    user: srv.demoUser.sipUri,
    phone: srv.demoUser.phone,
    pin: srv.demoUser.pin,
    password: srv.demoUser.password,
    ca: srv.caCertificatePem,
  };
  return {
    srv,
    dns,
    port,
    target,
    close: async () => {
      await dns.close();
      await srv.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
const step = (r: DoctorReport, name: string) => r.steps.find((s) => s.name === name)!;
const ids = (r: DoctorReport, name: string) => step(r, name).findings.map((f) => `${f.severity} ${f.id}`);

describe.skipIf(!HAVE)('doctor from a SIP domain: the certificate names the registrar exactly', () => {
  let s: Awaited<ReturnType<typeof scenario>>;
  beforeAll(async () => {
    s = await scenario([REGISTRAR, `lyncdiscoverinternal.${DOMAIN}`]);
  }, 60_000);
  afterAll(() => s?.close());

  it('finds the registrar by SRV and the pool by lyncdiscoverinternal, checks the registrar certificate, and runs the TLS-DSK leg against it', async () => {
    expect(s.srv.demoUser.sipUri).toMatch(new RegExp(`@${DOMAIN.replace('.', '\\.')}$`));
    const r = await runDoctor({ target: { ...s.target, pin: undefined }, domain: DOMAIN, dnsServers: [s.dns.server], autodiscoverPort: s.port, device: 'pc' });
    const failed = r.steps.filter((x) => !x.ok).map((x) => `${x.name}: ${x.summary} ${x.findings.map((f) => f.id).join(',')}`);
    expect(failed, failed.join('\n')).toEqual([]);
    expect(r.steps.map((x) => `${x.name}${x.skipped ? ' (skipped)' : ''}`)).toEqual([
      'dns',
      'registrar-cert',
      'edge-cert (skipped)',
      'tls',
      'discovery',
      'ticket',
      'certificate',
      'broker',
      'sip',
    ]);
    expect(r.discovery!.srv.internal).toEqual([{ name: REGISTRAR, port: s.srv.sip!.port, priority: 0, weight: 0 }]);
    expect(r.discovery!.autodiscover!.host).toBe(`lyncdiscoverinternal.${DOMAIN}`);
    expect(r.discovery!.autodiscover!.sip.SipServerInternalAccess).toEqual({ host: REGISTRAR, port: s.srv.sip!.port });
    expect(r.discovery!.autodiscover!.poolBaseUrl).toBe(s.srv.url);
    expect(ids(r, 'registrar-cert')).toEqual(['info cert.server.name-exact', 'info cert.server.chain-ok']);
    expect(step(r, 'registrar-cert').summary).toContain(`${REGISTRAR}:${s.srv.sip!.port} (127.0.0.1)`);
    expect(step(r, 'sip').summary).toMatch(/rspauth verified/);
    expect(s.dns.queries).toEqual(
      expect.arrayContaining([`SRV _sipinternaltls._tcp.${DOMAIN}`, `SRV _sip._tls.${DOMAIN}`, `A ${REGISTRAR}`, `A lyncdiscoverinternal.${DOMAIN}`]),
    );
  });

  it('the CLI takes the SIP domain as its argument; a domain without records fails with the finding, a non-domain is a usage error', async () => {
    const lines: string[] = [];
    const code = await main(['doctor', 'nowhere.test', '--dns', s.dns.server, '--verbose'], (l) => lines.push(l));
    expect(code).toBe(1);
    const text = lines.join('\n');
    expect(text).toMatch(/FAIL dns/);
    expect(text).toContain('ERROR discovery.no-srv');
    expect(text).toContain('_sipinternaltls._tcp.nowhere.test SRV 0 0 5061');
    expect(text).toContain('no pool URL: Autodiscover did not answer');
    const err: string[] = [];
    expect(
      await main(
        ['doctor', 'not a domain'],
        (l) => err.push(l),
        (l) => err.push(l),
      ),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/expected a DNS name such as contoso.com/);
    expect(
      await main(
        ['doctor', 'a.test', 'b.test'],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/expected at most one SIP domain or pool URL/);
  });
});

describe.skipIf(!HAVE)('doctor from a SIP domain: the registrar is covered only by a wildcard', () => {
  let s: Awaited<ReturnType<typeof scenario>>;
  beforeAll(async () => {
    s = await scenario([`lyncdiscoverinternal.${DOMAIN}`, `*.${DOMAIN}`], `sip.${DOMAIN}`);
  }, 60_000);
  afterAll(() => s?.close());

  it('fails the registrar certificate for a Lync Phone Edition device (the PC client and Node accept it; the SIP leg still runs)', async () => {
    const phone = await runDoctor({ target: s.target, domain: DOMAIN, dnsServers: [s.dns.server], autodiscoverPort: s.port, device: 'phone' });
    expect(phone.ok).toBe(false);
    expect(step(phone, 'registrar-cert').ok).toBe(false);
    expect(ids(phone, 'registrar-cert')).toContain('error cert.server.wildcard-only');
    // The Edge (SRV _sip._tls) is judged by the same rule, under the name the SRV record gives.
    expect(step(phone, 'edge-cert').ok).toBe(false);
    expect(step(phone, 'edge-cert').findings.find((f) => f.id === 'cert.server.wildcard-only')!.summary).toContain(
      `sip.${DOMAIN} is covered only by the wildcard *.${DOMAIN}`,
    );
    expect(step(phone, 'registrar-cert').findings.find((f) => f.id === 'cert.server.wildcard-only')!.remedy).toContain(
      `Add ${REGISTRAR} as an explicit SubjectAltName`,
    );
    // The registrar's certificate is a finding, not a stop: the rest of the sign-in is still diagnosed.
    expect(step(phone, 'ticket').summary).toMatch(/^Pin binding/);
    expect(step(phone, 'sip').ok).toBe(true);
    expect(step(phone, 'sip').summary).toMatch(/rspauth verified/);
    // Firmware 4.0.7577.4100 (June 2012 CU) and later accept the wildcard: a warning.
    const updated = await runDoctor({
      target: s.target,
      domain: DOMAIN,
      dnsServers: [s.dns.server],
      autodiscoverPort: s.port,
      device: 'phone',
      phoneFirmware: '4.0.7577.4100',
    });
    expect(ids(updated, 'registrar-cert')).toContain('warning cert.server.wildcard-only');
    expect(ids(updated, 'edge-cert')).toContain('warning cert.server.wildcard-only');
    expect(
      updated.ok,
      updated.steps
        .filter((x) => !x.ok)
        .map((x) => x.name)
        .join(','),
    ).toBe(true);
  });
});
