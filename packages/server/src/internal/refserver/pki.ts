// Zero-setup key material: the issuing CA (certprov CertificateAuthority), the HTTPS server certificate
// (signed by that CA; SAN farm FQDN + localhost + 127.0.0.1) and the pool key that wraps web-ticket
// proof keys (MS-OCAUTHWS 3.2: proof tickets are only valid in the pool that issued them). Generated on
// first start into dataDir (files written atomically, private keys mode 0600) and reused afterwards.
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { CertificateAuthority } from '@ocauth/certprov';
import { keyNameOf, type PoolKey } from '@ocauth/wstrust';
import { writeFileAtomic } from './atomic-file.js';

export interface ServerPki {
  ca: CertificateAuthority;
  tlsKey: KeyObject;
  tlsKeyPem: string;
  tlsCertificatePem: string;
  tlsCertificate: X509Certificate;
  poolKey: PoolKey;
}

export const PKI_FILES = { caCert: 'ca.pem', caKey: 'ca.key', tlsCert: 'tls.pem', tlsKey: 'tls.key', poolKey: 'pool.key' } as const;

function tlsCertificate(caKey: KeyObject, ca: X509Certificate, names: string[], now: Date): { keyPem: string; certPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const c = forge.pki.createCertificate();
  c.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  c.serialNumber = serial.toString('hex');
  c.validity.notBefore = new Date(now.getTime() - 3600_000);
  c.validity.notAfter = new Date(now.getTime() + 825 * 86400_000);
  c.setSubject([{ name: 'commonName', value: names[0]! }]);
  c.setIssuer(forge.pki.certificateFromPem(ca.toString()).subject.attributes);
  const altNames = [...new Set(names)].map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n }));
  c.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
  ]);
  c.sign(forge.pki.privateKeyFromPem(caKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: forge.pki.certificateToPem(c) };
}

/** Load the key material from dataDir, creating whatever is missing (a new CA re-issues the TLS certificate). */
export function loadOrCreatePki(dataDir: string, o: { farmFqdn: string; host: string; clock: () => Date }): ServerPki {
  const p = (f: string) => join(dataDir, f);
  let ca: CertificateAuthority;
  let caKey: KeyObject;
  let freshCa = false;
  if (existsSync(p(PKI_FILES.caCert)) && existsSync(p(PKI_FILES.caKey))) {
    caKey = createPrivateKey(readFileSync(p(PKI_FILES.caKey)));
    ca = CertificateAuthority.load(readFileSync(p(PKI_FILES.caCert), 'utf8'), caKey, { clock: o.clock });
  } else {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    caKey = pair.privateKey;
    ca = CertificateAuthority.create({ commonName: 'ocauth Communications Server CA', keyPair: pair, clock: o.clock });
    writeFileAtomic(p(PKI_FILES.caKey), caKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    writeFileAtomic(p(PKI_FILES.caCert), ca.certificatePem, 0o644);
    freshCa = true;
  }
  const names = [o.farmFqdn, 'localhost', '127.0.0.1', ...(o.host !== '0.0.0.0' && o.host !== '::' ? [o.host] : [])];
  let tlsKeyPem: string | undefined;
  let tlsCertPem: string | undefined;
  if (!freshCa && existsSync(p(PKI_FILES.tlsCert)) && existsSync(p(PKI_FILES.tlsKey))) {
    tlsCertPem = readFileSync(p(PKI_FILES.tlsCert), 'utf8');
    tlsKeyPem = readFileSync(p(PKI_FILES.tlsKey), 'utf8');
    const x = new X509Certificate(tlsCertPem);
    const san = x.subjectAltName ?? '';
    const covers = names.every((n) => san.includes(isIP(n) ? `IP Address:${n}` : `DNS:${n}`));
    const valid = Date.parse(x.validTo) > o.clock().getTime() + 86400_000;
    if (!covers || !valid || !x.verify(ca.certificate.publicKey)) tlsCertPem = undefined; // re-issued below
  }
  if (!tlsCertPem || !tlsKeyPem) {
    const t = tlsCertificate(caKey, ca.certificate, names, o.clock());
    tlsKeyPem = t.keyPem;
    tlsCertPem = t.certPem;
    writeFileAtomic(p(PKI_FILES.tlsKey), tlsKeyPem, 0o600);
    writeFileAtomic(p(PKI_FILES.tlsCert), tlsCertPem, 0o644);
  }
  let pool: Buffer;
  if (existsSync(p(PKI_FILES.poolKey))) {
    pool = Buffer.from(readFileSync(p(PKI_FILES.poolKey), 'utf8').trim(), 'base64');
  } else {
    pool = randomBytes(32);
    writeFileAtomic(p(PKI_FILES.poolKey), pool.toString('base64') + '\n', 0o600);
  }
  if (pool.length !== 32) throw new Error(`${p(PKI_FILES.poolKey)}: expected a base64 256-bit key, received ${pool.length * 8} bits`);
  return {
    ca, tlsKey: createPrivateKey(tlsKeyPem), tlsKeyPem, tlsCertificatePem: tlsCertPem, tlsCertificate: new X509Certificate(tlsCertPem),
    poolKey: { keyName: keyNameOf(pool), key: new Uint8Array(pool) },
  };
}
