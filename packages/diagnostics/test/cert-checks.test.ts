// Certificate checks against certificates made by `openssl req/x509/ca` in a temp dir, cross-checked with
// `openssl verify` (chains) and `openssl x509 -checkhost` (name matching).
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:tls';
import {
  certificateSubjectKeyIdentifier,
  checkClientCertificate,
  checkIssuedCertificate,
  checkServerCertificate,
  getServerCertificateChain,
  type Finding,
} from '@ocauth/diagnostics';
import { hasTool, runTool } from '../../../testing/tools.js';

const HAVE = hasTool('openssl', ['version']);
const dir = mkdtempSync(join(tmpdir(), 'ocauth-diag-certs-'));
const p = (f: string) => join(dir, f);
const ids = (fs: Finding[]) => fs.map((f) => f.id);
const DEVICE_ID = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';
const certs: Record<string, X509Certificate> = {};
const pem = (n: string) => readFileSync(p(`${n}.pem`), 'utf8');
let now: Date;

function issue(name: string, opts: { subj: string; ext: string[]; ca?: string; key?: string; days?: number }) {
  const args = [
    'req',
    '-x509',
    '-config',
    p('min.cnf'),
    '-extensions',
    'none',
    '-subj',
    opts.subj,
    '-days',
    String(opts.days ?? 365),
    '-sha256',
    '-out',
    p(`${name}.pem`),
  ];
  if (opts.key) args.push('-key', p(opts.key));
  else args.push('-newkey', 'rsa:2048', '-nodes', '-keyout', p(`${name}.key`));
  if (opts.ca) args.push('-CA', p(`${opts.ca}.pem`), '-CAkey', p(`${opts.ca}.key`));
  for (const e of opts.ext) args.push('-addext', e);
  runTool('openssl', args);
  certs[name] = new X509Certificate(pem(name));
}

beforeAll(() => {
  if (!HAVE) return;
  writeFileSync(p('min.cnf'), '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n[none]\nsubjectKeyIdentifier = none\n');
  runTool('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', p('leaf.key')]);
  runTool('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', p('small.key')]);
  const ca = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
  issue('root', { subj: '/CN=ocauth Test Root', ext: ca, days: 3650 });
  issue('inter', { subj: '/CN=ocauth Test Issuing CA', ext: ca, ca: 'root', days: 1825 });
  issue('otherroot', { subj: '/CN=Unrelated Root', ext: ca, days: 3650 });
  const server = ['basicConstraints=CA:FALSE', 'extendedKeyUsage=serverAuth'];
  issue('exact', { subj: '/CN=pool01.contoso.com', ext: [...server, 'subjectAltName=DNS:pool01.contoso.com,DNS:*.contoso.com'], ca: 'inter', key: 'leaf.key' });
  issue('wildcard', { subj: '/CN=*.contoso.com', ext: [...server, 'subjectAltName=DNS:*.contoso.com,DNS:contoso.com'], ca: 'inter', key: 'leaf.key' });
  issue('exactwildcn', { subj: '/CN=*.contoso.com', ext: [...server, 'subjectAltName=DNS:sip.contoso.com,DNS:*.contoso.com'], ca: 'inter', key: 'leaf.key' });
  issue('cnwildonly', { subj: '/CN=*.contoso.com', ext: [...server], ca: 'inter', key: 'leaf.key' });
  issue('loopback', { subj: '/CN=localhost', ext: [...server, 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'], ca: 'inter', key: 'leaf.key' });
  issue('selfsigned', { subj: '/CN=pool01.contoso.com', ext: [...server, 'subjectAltName=DNS:pool01.contoso.com'], key: 'leaf.key' });
  issue('clientgood', { subj: '/CN=alice@contoso.com', ext: ['extendedKeyUsage=clientAuth'], ca: 'inter', key: 'leaf.key', days: 180 });
  issue('client1024', { subj: '/CN=bob@contoso.com', ext: ['extendedKeyUsage=clientAuth'], ca: 'inter', key: 'small.key', days: 180 });
  issue('clientnoeku', { subj: '/CN=carol@contoso.com', ext: ['keyUsage=digitalSignature'], ca: 'inter', key: 'leaf.key', days: 180 });
  issue('issued', {
    subj: '/CN=alice@contoso.com',
    ext: [
      'extendedKeyUsage=clientAuth',
      `subjectKeyIdentifier=${Buffer.from(DEVICE_ID)
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1:')}`,
      'subjectAltName=email:alice@contoso.com',
    ],
    ca: 'inter',
    key: 'leaf.key',
    days: 180,
  });
  // A certificate that really is expired: `openssl ca` with explicit dates (req/x509 of OpenSSL 3.0 cannot backdate).
  writeFileSync(p('index.txt'), '');
  writeFileSync(p('serial'), '1000\n');
  writeFileSync(
    p('ca.cnf'),
    `[ca]\ndefault_ca = d\n[d]\ndatabase = ${p('index.txt')}\nnew_certs_dir = ${dir}\nserial = ${p('serial')}\ndefault_md = sha256\npolicy = pol\nunique_subject = no\ncopy_extensions = copy\n[pol]\ncommonName = supplied\n`,
  );
  runTool('openssl', [
    'req',
    '-new',
    '-config',
    p('min.cnf'),
    '-key',
    p('leaf.key'),
    '-subj',
    '/CN=pool01.contoso.com',
    '-addext',
    'subjectAltName=DNS:pool01.contoso.com',
    '-addext',
    'extendedKeyUsage=serverAuth',
    '-out',
    p('expired.csr'),
  ]);
  runTool('openssl', [
    'ca',
    '-batch',
    '-config',
    p('ca.cnf'),
    '-cert',
    p('inter.pem'),
    '-keyfile',
    p('inter.key'),
    '-in',
    p('expired.csr'),
    '-out',
    p('expired.pem'),
    '-notext',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20210101000000Z',
  ]);
  certs.expired = new X509Certificate(pem('expired'));
  now = new Date(new Date(certs.exact!.validFrom).getTime() + 86_400_000);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opensslHostMatch = (name: string, host: string) =>
  /does match/.test(runTool('openssl', ['x509', '-in', p(`${name}.pem`), '-noout', '-checkhost', host]).toString());
const opensslVerify = (name: string, roots: string[], untrusted: string[], attime: Date) => {
  writeFileSync(p('roots.pem'), roots.map(pem).join(''));
  writeFileSync(p('untrusted.pem'), untrusted.map(pem).join('') || '');
  const args = ['verify', '-attime', String(Math.floor(attime.getTime() / 1000)), '-CAfile', p('roots.pem')];
  if (untrusted.length) args.push('-untrusted', p('untrusted.pem'));
  try {
    runTool('openssl', [...args, p(`${name}.pem`)]);
    return true;
  } catch (e) {
    lastVerifyError = (e as Error).message;
    return false;
  }
};
let lastVerifyError = '';

describe.skipIf(!HAVE)('checkServerCertificate', () => {
  it('exact FQDN in the SAN, chain to the trust list: info only; agrees with openssl', () => {
    const f = checkServerCertificate({
      certificate: certs.exact!,
      chain: [pem('inter')],
      hostname: 'pool01.contoso.com',
      trustList: [pem('root')],
      now,
      deviceKind: 'phone',
    });
    expect(ids(f)).toEqual(['cert.server.name-exact', 'cert.server.chain-ok']);
    expect(f.every((x) => x.severity === 'info')).toBe(true);
    expect(opensslHostMatch('exact', 'pool01.contoso.com')).toBe(true);
    expect(opensslVerify('exact', ['root'], ['inter'], now)).toBe(true);
  });
  it('wildcard-only coverage fails for Lync Phone Edition, warns for PCs; openssl accepts the wildcard', () => {
    const phone = checkServerCertificate({
      certificate: pem('wildcard'),
      chain: [pem('inter')],
      hostname: 'sip.contoso.com',
      trustList: [pem('root')],
      now,
      deviceKind: 'phone',
    });
    const w = phone.find((x) => x.id === 'cert.server.wildcard-only')!;
    expect(w.severity).toBe('error');
    expect(w.references).toEqual(['phone-edition-wildcard-certificates.txt']);
    expect(w.remedy).toMatch(/sip\.contoso\.com as an explicit SubjectAltName/);
    const pc = checkServerCertificate({ certificate: pem('wildcard'), chain: [pem('inter')], hostname: 'sip.contoso.com', trustList: [pem('root')], now });
    expect(pc.find((x) => x.id === 'cert.server.wildcard-only')!.severity).toBe('warning');
    expect(opensslHostMatch('wildcard', 'sip.contoso.com')).toBe(true);
    // The same certificate names the apex exactly; a wildcard never covers two labels.
    expect(ids(checkServerCertificate({ certificate: pem('wildcard'), hostname: 'contoso.com', now }))).toContain('cert.server.name-exact');
    const deep = checkServerCertificate({ certificate: pem('wildcard'), hostname: 'a.b.contoso.com', now });
    expect(ids(deep)).toContain('cert.server.name-mismatch');
    expect(opensslHostMatch('wildcard', 'a.b.contoso.com')).toBe(false);
  });
  it('Phone Edition wildcard rule: firmware 4.0.7577.4100 (June 2012 CU) accepts a wildcard SAN; a wildcard CN alone fails; a wildcard subject with the exact SAN is a warning', () => {
    const wild = (fw: string | undefined) =>
      checkServerCertificate({
        certificate: pem('wildcard'),
        hostname: 'sip.contoso.com',
        now,
        deviceKind: 'phone',
        ...(fw ? { phoneFirmware: fw } : {}),
      }).find((x) => x.id === 'cert.server.wildcard-only')!.severity;
    expect(wild(undefined)).toBe('error');
    expect(wild('4.0.7577.107')).toBe('error'); // CU1, the firmware of the field note's failing CX600
    expect(wild('4.0.7577.4051')).toBe('error');
    expect(wild('4.0.7577.4100')).toBe('warning');
    expect(wild('4.0.7577.4487')).toBe('warning');
    expect(wild('garbage')).toBe('error');
    // No SubjectAltName, the wildcard only in the CN: still wildcard-only for a phone (openssl agrees it matches).
    const cn = checkServerCertificate({ certificate: pem('cnwildonly'), hostname: 'sip.contoso.com', now, deviceKind: 'phone' });
    expect(cn.find((x) => x.id === 'cert.server.wildcard-only')?.severity).toBe('error');
    // Exact SAN, wildcard subject CN: the name matches; a warning for phones only.
    const both = checkServerCertificate({ certificate: pem('exactwildcn'), hostname: 'sip.contoso.com', now, deviceKind: 'phone' });
    expect(ids(both)).toEqual(expect.arrayContaining(['cert.server.name-exact', 'cert.server.wildcard-subject']));
    expect(both.find((x) => x.id === 'cert.server.wildcard-subject')!.severity).toBe('warning');
    expect(ids(checkServerCertificate({ certificate: pem('exactwildcn'), hostname: 'sip.contoso.com', now }))).not.toContain('cert.server.wildcard-subject');
    expect(opensslHostMatch('exactwildcn', 'sip.contoso.com')).toBe(true);
  });
  it('the root chain a phone needs: intermediates sent by the server, the path ending at a self-signed root', () => {
    // The server does not send the intermediate; the trust list holds it (a PC's store may): a PC passes with a
    // warning, a phone (roots only) fails. openssl verify with only the root agrees that the chain is incomplete.
    const base = { certificate: pem('exact'), hostname: 'pool01.contoso.com', trustList: [pem('root'), pem('inter')], now };
    const phone = checkServerCertificate({ ...base, deviceKind: 'phone' });
    const ns = phone.find((x) => x.id === 'cert.server.intermediate-not-sent')!;
    expect(ns.severity).toBe('error');
    expect(ns.summary).toContain('ocauth Test Issuing CA');
    expect(ns.remedy).toMatch(/full chain/);
    expect(ids(phone)).not.toContain('cert.server.chain-ok');
    const pc = checkServerCertificate(base);
    expect(pc.find((x) => x.id === 'cert.server.intermediate-not-sent')!.severity).toBe('warning');
    expect(ids(pc)).toContain('cert.server.chain-ok');
    expect(opensslVerify('exact', ['root'], [], now)).toBe(false);
    expect(opensslVerify('exact', ['root', 'inter'], [], now)).toBe(true);
    // The intermediate is sent, but only the intermediate is trusted: the path ends at no root.
    const interOnly = checkServerCertificate({
      certificate: pem('exact'),
      chain: [pem('inter')],
      hostname: 'pool01.contoso.com',
      trustList: [pem('inter')],
      now,
      deviceKind: 'phone',
    });
    expect(interOnly.find((x) => x.id === 'cert.server.anchor-not-root')?.severity).toBe('error');
    // Intermediate sent, root trusted: fine for a phone, even when the trust list also holds the intermediate.
    expect(
      ids(
        checkServerCertificate({
          certificate: pem('exact'),
          chain: [pem('inter')],
          hostname: 'pool01.contoso.com',
          trustList: [pem('root'), pem('inter')],
          now,
          deviceKind: 'phone',
        }),
      ),
    ).toEqual(['cert.server.name-exact', 'cert.server.chain-ok']);
  });
  it('IP addresses match iPAddress SANs only (the ocauth server listens on 127.0.0.1); agrees with openssl -checkip', () => {
    for (const [ip, want] of [
      ['127.0.0.1', true],
      ['::1', true],
      ['[::1]', true],
      ['0:0:0:0:0:0:0:1', true],
      ['10.0.0.1', false],
    ] as const) {
      const f = checkServerCertificate({ certificate: pem('loopback'), hostname: ip, now });
      expect(ids(f)[0], ip).toBe(want ? 'cert.server.ip-exact' : 'cert.server.name-mismatch');
      expect(ids(f), ip).not.toContain('cert.server.name-ambiguous');
      const o = runTool('openssl', ['x509', '-in', p('loopback.pem'), '-noout', '-checkip', ip.replace(/^\[|\]$/g, '')]).toString();
      expect(/does match/.test(o), `openssl -checkip ${ip}`).toBe(want);
    }
    expect(ids(checkServerCertificate({ certificate: pem('exact'), hostname: '127.0.0.1', now }))[0]).toBe('cert.server.name-mismatch');
  });
  it('a name the certificate does not carry', () => {
    const f = checkServerCertificate({ certificate: pem('exact'), hostname: 'lyncdiscover.fabrikam.com', now });
    expect(f.find((x) => x.id === 'cert.server.name-mismatch')?.cause).toMatch(/WRONG_PRINCIPAL/);
    expect(opensslHostMatch('exact', 'lyncdiscover.fabrikam.com')).toBe(false);
  });
  it('untrusted chains: missing intermediate, other root, self-signed; agrees with openssl verify', () => {
    const cases: [string, Parameters<typeof checkServerCertificate>[0], string[], string[]][] = [
      ['exact', { certificate: pem('exact'), hostname: 'pool01.contoso.com', trustList: [pem('root')], now }, ['root'], []],
      [
        'exact',
        { certificate: pem('exact'), chain: [pem('inter')], hostname: 'pool01.contoso.com', trustList: [pem('otherroot')], now },
        ['otherroot'],
        ['inter'],
      ],
      ['selfsigned', { certificate: pem('selfsigned'), hostname: 'pool01.contoso.com', trustList: [pem('root')], now }, ['root'], []],
    ];
    for (const [name, opts, roots, untrusted] of cases) {
      const f = checkServerCertificate(opts);
      const u = f.find((x) => x.id === 'cert.server.untrusted-chain');
      expect(u, `${name} vs ${roots}`).toBeDefined();
      expect(u!.references).toEqual(['receive-and-publish-certificate-troubleshooting.txt']);
      expect(opensslVerify(name, roots, untrusted, now), `openssl verify ${name}`).toBe(false);
    }
    // Trusting the leaf itself (pinning) is a trusted chain.
    expect(ids(checkServerCertificate({ certificate: pem('selfsigned'), hostname: 'pool01.contoso.com', trustList: [pem('selfsigned')], now }))).toContain(
      'cert.server.chain-ok',
    );
  });
  it('expired and not-yet-valid', () => {
    const f = checkServerCertificate({ certificate: pem('expired'), chain: [pem('inter')], hostname: 'pool01.contoso.com', trustList: [pem('root')], now });
    expect(ids(f)).toContain('cert.server.expired');
    expect(f.find((x) => x.id === 'cert.server.expired')!.summary).toMatch(/2021-01-01/);
    expect(opensslVerify('expired', ['root'], ['inter'], now)).toBe(false);
    expect(lastVerifyError).toMatch(/certificate has expired/);
    const early = checkServerCertificate({ certificate: pem('exact'), hostname: 'pool01.contoso.com', now: new Date('2000-01-01T00:00:00Z') });
    expect(ids(early)).toContain('cert.server.not-yet-valid');
    const late = checkServerCertificate({
      certificate: pem('exact'),
      hostname: 'pool01.contoso.com',
      now: new Date(new Date(certs.exact!.validTo).getTime() - 5 * 86_400_000),
    });
    expect(ids(late)).toContain('cert.server.expiring-soon');
  });
  it('garbage in → a finding, not a throw', () => {
    expect(ids(checkServerCertificate({ certificate: 'not a cert', hostname: 'x.y' }))).toEqual(['cert.unparseable']);
    expect(ids(checkServerCertificate({ hostname: 'x.y' }))).toEqual(['cert.missing']);
    expect(ids(checkServerCertificate({ certificate: pem('exact'), hostname: 'bad host!', now }))).toContain('cert.server.bad-hostname');
    const any = (x: unknown) => x as never;
    expect(ids(checkServerCertificate(any(null)))).toEqual(['input.malformed']);
    expect(ids(checkServerCertificate(any({ certificate: pem('exact'), hostname: 'x.y', trustList: 'root' })))[0]).toBe('input.malformed');
    expect(checkServerCertificate(any({ certificate: pem('exact'), hostname: 'x.y', now: new Date('nope') }))[0]!.summary).toMatch(/valid Date/);
    expect(ids(checkClientCertificate(any(undefined)))).toEqual(['input.malformed']);
    expect(ids(checkIssuedCertificate(any({ certificate: new Uint8Array([0x30, 0x03, 1, 2, 3]), deviceId: 'x' })))).toEqual(['cert.unparseable']);
  });
});

describe.skipIf(!HAVE)('checkClientCertificate', () => {
  const policy = { minKeySize: 2048, maxKeySize: 4096, minValidityHours: 8, maxValidityHours: 8760 };
  it('a good client certificate', () => {
    expect(ids(checkClientCertificate({ certificate: pem('clientgood'), policy, now }))).toEqual(['cert.client.ok']);
  });
  it('1024-bit key below the server minimum (openssl agrees on the size)', () => {
    const f = checkClientCertificate({ certificate: pem('client1024'), policy, now });
    const k = f.find((x) => x.id === 'cert.client.key-too-small')!;
    expect(k.details).toMatchObject({ keySize: 1024, minKeySize: 2048 });
    expect(k.cause).toMatch(/fall back to NTLM/);
    expect(k.references).toContain('certificate-provisioning-deeper-dive.txt');
    expect(runTool('openssl', ['x509', '-in', p('client1024.pem'), '-noout', '-text']).toString()).toMatch(/Public-Key: \(1024 bit\)/);
    expect(ids(checkClientCertificate({ certificate: pem('clientgood'), policy: { maxKeySize: 1024 }, now }))).toContain('cert.client.key-too-large');
  });
  it('missing EKU, wrong EKU, expired, validity over policy', () => {
    expect(ids(checkClientCertificate({ certificate: pem('clientnoeku'), policy, now }))).toContain('cert.client.eku-missing');
    expect(runTool('openssl', ['x509', '-in', p('clientnoeku.pem'), '-noout', '-ext', 'extendedKeyUsage']).toString()).not.toMatch(/Client Authentication/);
    expect(ids(checkClientCertificate({ certificate: pem('exact'), policy, now }))).toContain('cert.client.eku-wrong');
    expect(ids(checkClientCertificate({ certificate: pem('clientgood'), policy, now: new Date('2100-01-01T00:00:00Z') }))).toContain('cert.client.expired');
    const v = checkClientCertificate({ certificate: pem('clientgood'), policy: { maxValidityHours: 8 }, now });
    expect(v.find((x) => x.id === 'cert.client.validity-too-long')!.cause).toMatch(/4320 hours/);
  });
});

describe('checkIssuedCertificate', () => {
  it('the spec example certificate (4.1.2): SKI = ASCII DeviceId, CN/SAN = Entity, clientAuth', () => {
    const example = readFileSync(new URL('../../../vectors/spec/4.1-example-certificate.pem', import.meta.url), 'utf8');
    const f = checkIssuedCertificate({ certificate: example, entity: 'nk1@ocsdev.nttest.microsoft.com', deviceId: DEVICE_ID });
    expect(ids(f)).toEqual(['cert.issued.ski-deviceid', 'cert.issued.entity']);
    const wrong = checkIssuedCertificate({ certificate: example, sipUri: 'sip:eve@contoso.com', deviceId: '{00000000-0000-0000-0000-000000000000}' });
    expect(ids(wrong)).toEqual(['cert.issued.ski-deviceid-mismatch', 'cert.issued.cn-entity-mismatch', 'cert.issued.san-entity-mismatch']);
    const braces = checkIssuedCertificate({ certificate: example, entity: 'nk1@ocsdev.nttest.microsoft.com', deviceId: DEVICE_ID.slice(1, -1).toLowerCase() });
    expect(ids(braces)[0]).toBe('cert.issued.ski-deviceid-format');
  });
  it.skipIf(!HAVE)('an openssl-made issued certificate with SKI = ASCII DeviceId, checked against its issuer', () => {
    expect(runTool('openssl', ['x509', '-in', p('issued.pem'), '-noout', '-ext', 'subjectKeyIdentifier']).toString()).toMatch(/7B:31:36:31:43/);
    const f = checkIssuedCertificate({ certificate: pem('issued'), entity: 'Alice@Contoso.com', deviceId: DEVICE_ID, issuer: pem('inter'), now });
    expect(ids(f)).toEqual(['cert.issued.ski-deviceid', 'cert.issued.entity', 'cert.issued.signature']);
    const other = checkIssuedCertificate({ certificate: pem('issued'), entity: 'alice@contoso.com', deviceId: DEVICE_ID, issuer: pem('otherroot') });
    expect(ids(other)).toContain('cert.issued.bad-signature');
    const noSki = checkIssuedCertificate({ certificate: pem('clientnoeku'), entity: 'carol@contoso.com', deviceId: 'not-a-guid' });
    expect(ids(noSki)).toEqual([
      'cert.issued.ski-missing',
      'cert.issued.deviceid-not-guid',
      'cert.issued.san-missing',
      'cert.issued.entity',
      'cert.issued.eku',
    ]);
  });
  it.skipIf(!HAVE)('certificateSubjectKeyIdentifier reads the SKI openssl wrote, and nothing from certificates without one or from non-certificates', () => {
    const der = (n: string) => new X509Certificate(pem(n)).raw;
    expect(Buffer.from(certificateSubjectKeyIdentifier(der('issued'))!).toString('latin1')).toBe(DEVICE_ID);
    // OpenSSL's own default: SKI = SHA-1 hash of the public key.
    runTool('openssl', ['req', '-x509', '-key', p('leaf.key'), '-subj', '/CN=ski.contoso.com', '-days', '1', '-out', p('hashski.pem')]);
    const hashSki = runTool('openssl', ['x509', '-in', p('hashski.pem'), '-noout', '-ext', 'subjectKeyIdentifier'])
      .toString()
      .split('\n')[1]!
      .trim()
      .replace(/:/g, '');
    expect(hashSki).toMatch(/^[0-9A-F]{40}$/);
    expect(
      Buffer.from(certificateSubjectKeyIdentifier(der('hashski'))!)
        .toString('hex')
        .toUpperCase(),
    ).toBe(hashSki);
    expect(certificateSubjectKeyIdentifier(der('clientnoeku'))).toBeUndefined();
    expect(certificateSubjectKeyIdentifier(new Uint8Array([0x30, 0x82, 0xff, 0xff, 1, 2, 3]))).toBeUndefined();
    expect(certificateSubjectKeyIdentifier(der('issued').subarray(0, 200))).toBeUndefined();
  });
});

describe.skipIf(!HAVE)('end to end: probe a live TLS endpoint on 127.0.0.1, then check what it serves', () => {
  const serve = (leaf: string) =>
    new Promise<{ server: Server; port: number }>((resolve) => {
      const server = createServer({ key: readFileSync(p('leaf.key')), cert: pem(leaf) + pem('inter') }, (s) => s.end());
      server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
    });
  it('exact-FQDN certificate with its intermediate: the chain as served checks out', async () => {
    const { server, port } = await serve('exact');
    try {
      const chain = await getServerCertificateChain({ host: '127.0.0.1', port, servername: 'pool01.contoso.com' });
      expect(chain.map((c) => c.subject)).toEqual(['CN=pool01.contoso.com', 'CN=ocauth Test Issuing CA']);
      const f = checkServerCertificate({ chain, hostname: 'pool01.contoso.com', trustList: [pem('root')], now, deviceKind: 'phone' });
      expect(ids(f)).toEqual(['cert.server.name-exact', 'cert.server.chain-ok']);
    } finally {
      server.close();
    }
  });
  it('wildcard-only certificate fails for a phone; a server that omits the intermediate is untrusted', async () => {
    const { server, port } = await serve('wildcard');
    try {
      const chain = await getServerCertificateChain({ host: '127.0.0.1', port, servername: 'sip.contoso.com' });
      expect(ids(checkServerCertificate({ chain, hostname: 'sip.contoso.com', trustList: [pem('root')], now, deviceKind: 'phone' }))).toEqual([
        'cert.server.wildcard-only',
        'cert.server.chain-ok',
      ]);
      expect(ids(checkServerCertificate({ chain: chain.slice(0, 1), hostname: 'sip.contoso.com', trustList: [pem('root')], now }))).toContain(
        'cert.server.untrusted-chain',
      );
    } finally {
      server.close();
    }
  });
  it('connection failures and bad options reject with a typed error', async () => {
    await expect(getServerCertificateChain({ host: '127.0.0.1', port: 0 })).rejects.toMatchObject({ code: 'ERR_DIAGNOSTICS_INPUT' });
    const { server, port } = await serve('exact');
    server.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(getServerCertificateChain({ host: '127.0.0.1', port, timeoutMs: 2000 })).rejects.toThrow(/127\.0\.0\.1:\d+ failed/);
  });
});
