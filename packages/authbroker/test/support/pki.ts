// Test PKI built in-process with node:crypto keys and node-forge certificates (no dependency on
// certprov's CA): a CA for users, a CA for SIP servers, a registrar certificate, user certificates,
// a rogue user certificate from an untrusted CA and an expired user certificate.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface Issued {
  certificate: string;
  privateKey: string;
}

function keyPair(bits = 2048): { pub: forge.pki.PublicKey; priv: forge.pki.PrivateKey; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  return {
    pem,
    priv: forge.pki.privateKeyFromPem(pem),
    pub: forge.pki.publicKeyFromPem(publicKey.export({ format: 'pem', type: 'spki' }).toString()),
  };
}

let serial = 1;
function issue(opts: {
  cn: string;
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.PrivateKey };
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  san?: string[];
  uri?: string;
}): Issued & { cert: forge.pki.Certificate; key: forge.pki.PrivateKey } {
  const kp = keyPair();
  const c = forge.pki.createCertificate();
  c.publicKey = kp.pub;
  c.serialNumber = (serial++).toString(16).padStart(2, '0');
  c.validity.notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
  c.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 8 * 3600_000);
  c.setSubject([{ name: 'commonName', value: opts.cn }]);
  c.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : [{ name: 'commonName', value: opts.cn }]);
  const ext: object[] = [{ name: 'basicConstraints', cA: !!opts.ca, critical: true }];
  if (opts.ca) ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
  else ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true });
  const alt: object[] = [];
  for (const d of opts.san ?? []) alt.push({ type: 2, value: d });
  if (opts.uri) alt.push({ type: 6, value: opts.uri });
  if (alt.length) ext.push({ name: 'subjectAltName', altNames: alt });
  c.setExtensions(ext);
  c.sign((opts.issuer?.key ?? kp.priv) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert: c, key: kp.priv, certificate: forge.pki.certificateToPem(c), privateKey: kp.pem };
}

export interface TestPki {
  userCa: Issued;
  serverCa: Issued;
  registrar: Issued;
  user: Issued;
  user2: Issued;
  rogueUser: Issued;
  expiredUser: Issued;
}

let cached: TestPki | undefined;

export function testPki(): TestPki {
  if (cached) return cached;
  const userCa = issue({ cn: 'ocauth test user CA', ca: true });
  const serverCa = issue({ cn: 'ocauth test server CA', ca: true });
  const rogueCa = issue({ cn: 'rogue CA', ca: true });
  const registrar = issue({ cn: 'sip.contoso.test', issuer: serverCa, san: ['sip.contoso.test', 'BL20D10FES04.infra.contoso.com'] });
  const user = issue({ cn: 'user1@contoso.test', issuer: userCa, uri: 'sip:user1@contoso.test' });
  const user2 = issue({ cn: 'user2@contoso.test', issuer: userCa, uri: 'sip:user2@contoso.test' });
  const rogueUser = issue({ cn: 'user1@contoso.test', issuer: rogueCa, uri: 'sip:user1@contoso.test' });
  const expiredUser = issue({
    cn: 'user1@contoso.test',
    issuer: userCa,
    notBefore: new Date(Date.now() - 10 * 86400_000),
    notAfter: new Date(Date.now() - 86400_000),
  });
  const strip = (x: Issued): Issued => ({ certificate: x.certificate, privateKey: x.privateKey });
  cached = {
    userCa: strip(userCa),
    serverCa: strip(serverCa),
    registrar: strip(registrar),
    user: strip(user),
    user2: strip(user2),
    rogueUser: strip(rogueUser),
    expiredUser: strip(expiredUser),
  };
  return cached;
}
