import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority, CertificateAuthorityError, generateCsr, parseCsr } from '@ocauth/certprov';
import { hasTool } from '../../../testing/tools.js';

const vec = (f: string) => new URL(`../../../vectors/spec/${f}`, import.meta.url);
const clock = () => new Date('2026-01-01T00:00:00Z');
const ca = CertificateAuthority.create({ clock, keySizeBits: 2048 });
const user = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DEVICE = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';

const openssl = (args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

describe('spec 4.1.2 example certificate', () => {
  it('parses: negative serial, OIW sha1WithRSA, SKI = ASCII DeviceId', () => {
    const x = new X509Certificate(readFileSync(vec('4.1-example-certificate.der')));
    expect(x.subject).toBe('CN=nk1@ocsdev.nttest.microsoft.com');
    expect(x.issuer).toBe('CN=Communications Server');
    expect(x.subjectAltName).toBe('email:nk1@ocsdev.nttest.microsoft.com');
    if (hasTool('openssl')) {
      const t = openssl(['x509', '-inform', 'DER', '-in', fileURL('4.1-example-certificate.der'), '-noout', '-text', '-serial']);
      expect(t.out).toMatch(/serial=-0AAE13763BE7249C9228/);
      expect(t.out).toMatch(/sha1WithRSA/);
      expect(t.out).toMatch(/TLS Web Client Authentication/);
    }
    // SKI OCTET STRING content is the DeviceId in ASCII
    expect(Buffer.from(x.raw).includes(Buffer.from(DEVICE, 'ascii'))).toBe(true);
  });
});

function fileURL(f: string): string {
  return new URL(`../../../vectors/spec/${f}`, import.meta.url).pathname;
}

describe('CertificateAuthority', () => {
  it('issues a certificate with the spec shape, verified by node and openssl', () => {
    const csr = parseCsr(generateCsr({ sipUri: 'sip:alice@contoso.com', keyPair: user }).der);
    const c = ca.issue({ publicKey: csr.publicKey, entity: 'alice@contoso.com', deviceId: DEVICE, validityHours: 4320 });
    expect(c.x509.subject).toBe('CN=alice@contoso.com');
    expect(c.x509.issuer).toBe('CN=Communications Server');
    expect(c.x509.subjectAltName).toBe('email:alice@contoso.com');
    expect(c.x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(c.x509.verify(ca.certificate.publicKey)).toBe(true);
    expect(c.x509.checkPrivateKey(user.privateKey)).toBe(true);
    expect(new Date(c.x509.validTo).getTime() - new Date(c.x509.validFrom).getTime()).toBe(4320 * 3_600_000);
    expect(Buffer.from(c.der).includes(Buffer.from(DEVICE))).toBe(true);
    if (hasTool('openssl')) {
      const dir = mkdtempSync(join(tmpdir(), 'certprov-ca-'));
      writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
      writeFileSync(join(dir, 'leaf.pem'), c.pem);
      const v = openssl([
        'verify',
        '-attime',
        String(Date.parse('2026-01-02T00:00:00Z') / 1000),
        '-purpose',
        'sslclient',
        '-CAfile',
        join(dir, 'ca.pem'),
        join(dir, 'leaf.pem'),
      ]);
      expect(v.out).toMatch(/leaf\.pem: OK/);
      expect(v.code).toBe(0);
      const other = CertificateAuthority.create({ clock, keySizeBits: 1024 });
      writeFileSync(join(dir, 'other.pem'), other.certificatePem);
      expect(
        openssl(['verify', '-attime', String(Date.parse('2026-01-02T00:00:00Z') / 1000), '-CAfile', join(dir, 'other.pem'), join(dir, 'leaf.pem')]).code,
      ).not.toBe(0);
      const text = openssl(['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-text']).out;
      expect(text).toMatch(/sha256WithRSAEncryption/);
      expect(text).toMatch(/X509v3 Authority Key Identifier/);
      expect(text).toMatch(/email:alice@contoso\.com/);
    }
  });

  it('uses unique positive serials and supports SHA-1 for old clients', () => {
    const a = ca.issue({ publicKey: user.publicKey, entity: 'a@b.c', deviceId: DEVICE, validityHours: 8, hash: 'sha1' });
    const b = ca.issue({ publicKey: user.publicKey, entity: 'a@b.c', deviceId: DEVICE, validityHours: 8 });
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.serialNumber).toBe(a.x509.serialNumber);
    expect(a.x509.verify(ca.certificate.publicKey)).toBe(true);
    if (hasTool('openssl')) {
      const dir = mkdtempSync(join(tmpdir(), 'certprov-ca-'));
      writeFileSync(join(dir, 'a.pem'), a.pem);
      expect(openssl(['x509', '-in', join(dir, 'a.pem'), '-noout', '-text']).out).toMatch(/sha1WithRSAEncryption/);
    }
  });

  it('loads from PEM and rejects a mismatched key', () => {
    const kp = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const made = CertificateAuthority.create({ clock, keyPair: kp, commonName: 'Example CA' });
    const dup = CertificateAuthority.load(made.certificatePem, kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    expect(dup.commonName).toBe('Example CA');
    expect(dup.issue({ publicKey: user.publicKey, entity: 'a@b.c', deviceId: DEVICE, validityHours: 8 }).x509.verify(made.certificate.publicKey)).toBe(true);
    expect(() => CertificateAuthority.load(ca.certificatePem, user.privateKey)).toThrow(CertificateAuthorityError);
    expect(() => ca.issue({ publicKey: user.publicKey, entity: 'a@b.c', deviceId: DEVICE, validityHours: 0 })).toThrow(/validityHours/);
  });

  it('Node TLS accepts the issued certificate as a client certificate (127.0.0.1)', async () => {
    const serverKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const serverCert = ca.issue({
      publicKey: serverKey.publicKey,
      entity: 'server@contoso.com',
      deviceId: DEVICE,
      validityHours: 24,
      notBefore: new Date(Date.now() - 60_000),
    });
    const client = ca.issue({
      publicKey: user.publicKey,
      entity: 'alice@contoso.com',
      deviceId: DEVICE,
      validityHours: 24,
      notBefore: new Date(Date.now() - 60_000),
    });
    const seen = await new Promise<string>((resolve, reject) => {
      const server = tls.createServer(
        {
          key: serverKey.privateKey.export({ type: 'pkcs8', format: 'pem' }),
          cert: serverCert.pem,
          ca: [ca.certificatePem],
          requestCert: true,
          rejectUnauthorized: true,
        },
        (s) => {
          const peer = s.getPeerCertificate();
          s.end();
          server.close();
          resolve(`${s.authorized}:${peer.subject.CN}`);
        },
      );
      server.on('tlsClientError', reject);
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        const c = tls.connect({
          host: '127.0.0.1',
          port,
          key: user.privateKey.export({ type: 'pkcs8', format: 'pem' }),
          cert: client.pem,
          rejectUnauthorized: false /* the test server's cert is a client-auth-only leaf; only the server-side check is under test */,
        });
        c.on('error', () => undefined);
        c.resume();
      });
    });
    expect(seen).toBe('true:alice@contoso.com');
  });
});

describe('CertificateAuthority chains (issuing CA under a root)', () => {
  const root = CertificateAuthority.create({ clock, commonName: 'Contoso Root CA', keySizeBits: 1024, validityDays: 3650 });
  const issuing = CertificateAuthority.create({ clock, commonName: 'Contoso Issuing CA', keySizeBits: 1024, validityDays: 20000, issuer: root });

  it('create({ issuer }) makes a CA certificate signed by the root (pathLen 0, AKI = root key id, validity capped)', () => {
    expect(issuing.certificate.issuer).toBe('CN=Contoso Root CA');
    expect(issuing.certificate.ca).toBe(true);
    expect(issuing.certificate.verify(root.certificate.publicKey)).toBe(true);
    expect(issuing.certificate.checkIssued(root.certificate)).toBe(true);
    expect(issuing.chain.map((c) => c.subject)).toEqual(['CN=Contoso Issuing CA', 'CN=Contoso Root CA']);
    expect(issuing.root.subject).toBe('CN=Contoso Root CA');
    expect(root.chain).toHaveLength(1);
    expect(new Date(issuing.certificate.validTo).getTime()).toBe(new Date(root.certificate.validTo).getTime());
    if (hasTool('openssl')) {
      const dir = mkdtempSync(join(tmpdir(), 'certprov-ca-chain-'));
      writeFileSync(join(dir, 'issuing.pem'), issuing.certificatePem);
      const t = openssl(['x509', '-in', join(dir, 'issuing.pem'), '-noout', '-text']);
      expect(t.out).toMatch(/CA:TRUE, pathlen:0/);
      expect(t.out).toMatch(/Authority Key Identifier/);
    }
  });

  it('issued certificates chain leaf → issuing → root (openssl verify with the root as the only anchor)', () => {
    const c = issuing.issue({ publicKey: user.publicKey, entity: 'alice@contoso.com', deviceId: DEVICE, validityHours: 8 });
    expect(c.x509.issuer).toBe('CN=Contoso Issuing CA');
    expect(c.x509.verify(issuing.certificate.publicKey)).toBe(true);
    if (hasTool('openssl')) {
      const dir = mkdtempSync(join(tmpdir(), 'certprov-ca-chain-'));
      writeFileSync(join(dir, 'root.pem'), root.certificatePem);
      writeFileSync(join(dir, 'issuing.pem'), issuing.certificatePem);
      writeFileSync(join(dir, 'leaf.pem'), c.pem);
      const at = String(Date.parse('2026-01-01T01:00:00Z') / 1000);
      expect(
        openssl([
          'verify',
          '-attime',
          at,
          '-purpose',
          'sslclient',
          '-CAfile',
          join(dir, 'root.pem'),
          '-untrusted',
          join(dir, 'issuing.pem'),
          join(dir, 'leaf.pem'),
        ]).out,
      ).toMatch(/leaf\.pem: OK/);
      expect(openssl(['verify', '-attime', at, '-CAfile', join(dir, 'root.pem'), join(dir, 'leaf.pem')]).code).not.toBe(0);
    }
  });

  it('load(cert, key, { chain }) keeps the chain and refuses one that did not issue the CA', () => {
    const kp = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const sub = CertificateAuthority.create({ clock, commonName: 'Contoso Issuing CA 2', keyPair: kp, issuer: root });
    const loaded = CertificateAuthority.load(sub.certificatePem, kp.privateKey, { chain: [root.certificatePem] });
    expect(loaded.chain.map((c) => c.subject)).toEqual(['CN=Contoso Issuing CA 2', 'CN=Contoso Root CA']);
    expect(loaded.issue({ publicKey: user.publicKey, entity: 'alice@contoso.com', deviceId: DEVICE, validityHours: 8 }).x509.verify(kp.publicKey)).toBe(true);
    const stranger = CertificateAuthority.create({ clock, commonName: 'Contoso Root CA', keySizeBits: 1024 });
    expect(() => CertificateAuthority.load(sub.certificatePem, kp.privateKey, { chain: [stranger.certificate] })).toThrow(
      expect.objectContaining({ code: 'ERR_CERTPROV_CA_CHAIN', message: expect.stringMatching(/chain\[0\]: expected the issuer of CN=Contoso Issuing CA 2/) }),
    );
    expect(() => CertificateAuthority.create({ commonName: 'X', keySizeBits: 1024, issuer: root, chain: [root.certificate] })).toThrow(
      expect.objectContaining({ code: 'ERR_CERTPROV_CA_OPTIONS' }),
    );
  });
});
