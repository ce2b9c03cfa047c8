// The server's key material, created on first start in dataDir and reused afterwards:
// the issuing CA (certprov CertificateAuthority), the HTTPS certificate it signs (SAN = farm FQDN,
// localhost, 127.0.0.1; also the Web Ticket signing certificate) and the pool key under which the
// Web Ticket Service wraps proof keys (MS-OCAUTHWS 3.2: shared by the pool's servers).
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { CertificateAuthority } from '@ocauth/certprov';
import { keyNameOf } from '@ocauth/wstrust';
import { atomicWriteFileSync } from './atomic-file.js';
import { ServerError } from './errors.js';
export const PKI_FILES = { caCert: 'ca-cert.pem', caKey: 'ca-key.pem', tlsCert: 'tls-cert.pem', tlsKey: 'tls-key.pem', poolKey: 'pool-key.bin' };
/**
 * Issue a TLS server certificate (RSA 2048, serverAuth + clientAuth, SAN = `names`: DNS names or IPv4
 * literals) signed by the CA, valid for `days` (default 825): e.g. a SIP registrar's identity for TLS-DSK.
 *
 * @throws {ServerError} ERR_SERVER_CERTIFICATE when `names` is empty or holds something that is not a DNS name / IPv4 literal, `days` is not a positive integer, or the CA certificate / key PEM cannot be read
 */
export function issueServerCertificate(caCertPem, caKeyPem, names, days = 825) {
    const bad = names.find((n) => typeof n !== 'string' || !/^(?:[A-Za-z0-9*](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(n));
    if (names.length === 0 || bad !== undefined)
        throw new ServerError('ERR_SERVER_CERTIFICATE', `names: expected one or more DNS names or IPv4 literals, received ${names.length === 0 ? 'none' : JSON.stringify(bad)}`, { field: 'names' });
    if (!Number.isInteger(days) || days < 1 || days > 36_500)
        throw new ServerError('ERR_SERVER_CERTIFICATE', `days: expected an integer in 1..36500, received ${JSON.stringify(days)}`, { field: 'days' });
    let caCert;
    let caKey;
    try {
        caCert = forge.pki.certificateFromPem(caCertPem);
    }
    catch (e) {
        throw new ServerError('ERR_SERVER_CERTIFICATE', `caCertPem: expected a PEM RSA CA certificate, received something node-forge cannot read (${e.message})`, { field: 'caCertPem', cause: e });
    }
    try {
        caKey = forge.pki.privateKeyFromPem(caKeyPem);
    }
    catch (e) {
        throw new ServerError('ERR_SERVER_CERTIFICATE', 'caKeyPem: expected the PEM RSA private key of the CA, received something that does not parse', {
            field: 'caKeyPem',
            cause: e,
        });
    }
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const c = forge.pki.createCertificate();
    c.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    c.serialNumber = '01' + randomBytes(15).toString('hex');
    const now = Date.now();
    c.validity.notBefore = new Date(now - 3600_000);
    c.validity.notAfter = new Date(now + days * 86_400_000);
    c.setSubject([{ name: 'commonName', value: names[0] ?? 'localhost' }]);
    c.setIssuer(caCert.subject.attributes);
    c.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        { name: 'subjectAltName', altNames: names.map((n) => (/^\d+\.\d+\.\d+\.\d+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    ]);
    c.sign(caKey, forge.md.sha256.create());
    return { certificatePem: forge.pki.certificateToPem(c), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
/** Load the PKI from dataDir, creating what is missing (and re-issuing the TLS certificate when its names changed). */
export function loadOrCreatePki(dataDir, farmFqdn, extraNames = []) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const p = (f) => join(dataDir, f);
    let created = false;
    let ca;
    if (existsSync(p(PKI_FILES.caCert)) && existsSync(p(PKI_FILES.caKey))) {
        ca = CertificateAuthority.load(readFileSync(p(PKI_FILES.caCert), 'utf8'), readFileSync(p(PKI_FILES.caKey), 'utf8'));
    }
    else {
        const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
        ca = CertificateAuthority.create({ commonName: 'ocauth Communications Server CA', keyPair });
        atomicWriteFileSync(p(PKI_FILES.caKey), keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
        atomicWriteFileSync(p(PKI_FILES.caCert), ca.certificatePem, 0o644);
        created = true;
    }
    const caCertificatePem = ca.certificatePem;
    const names = [...new Set([farmFqdn, 'localhost', '127.0.0.1', ...extraNames])];
    let tlsCertificatePem = existsSync(p(PKI_FILES.tlsCert)) ? readFileSync(p(PKI_FILES.tlsCert), 'utf8') : '';
    let tlsKeyPem = existsSync(p(PKI_FILES.tlsKey)) ? readFileSync(p(PKI_FILES.tlsKey), 'utf8') : '';
    const fits = (() => {
        if (!tlsCertificatePem || !tlsKeyPem)
            return false;
        const x = new X509Certificate(tlsCertificatePem);
        const san = x.subjectAltName ?? '';
        return (x.checkIssued(ca.certificate) &&
            x.verify(ca.certificate.publicKey) &&
            Date.parse(x.validTo) > Date.now() + 86_400_000 &&
            names.every((n) => san.includes(/^\d+\.\d+\.\d+\.\d+$/.test(n) ? `IP Address:${n}` : `DNS:${n}`)) &&
            x.checkPrivateKey(createPrivateKey(tlsKeyPem)));
    })();
    if (!fits) {
        const caKeyPem = readFileSync(p(PKI_FILES.caKey), 'utf8');
        const issued = issueServerCertificate(caCertificatePem, caKeyPem, names);
        tlsCertificatePem = issued.certificatePem;
        tlsKeyPem = issued.privateKeyPem;
        atomicWriteFileSync(p(PKI_FILES.tlsKey), tlsKeyPem);
        atomicWriteFileSync(p(PKI_FILES.tlsCert), tlsCertificatePem, 0o644);
    }
    let poolBytes;
    if (existsSync(p(PKI_FILES.poolKey)) && readFileSync(p(PKI_FILES.poolKey)).length === 32)
        poolBytes = readFileSync(p(PKI_FILES.poolKey));
    else {
        poolBytes = randomBytes(32);
        atomicWriteFileSync(p(PKI_FILES.poolKey), poolBytes);
    }
    return {
        ca,
        caCertificatePem,
        tlsCertificatePem,
        tlsKey: createPrivateKey(tlsKeyPem),
        tlsKeyPem,
        poolKey: { keyName: keyNameOf(poolBytes), key: new Uint8Array(poolBytes) },
        created,
    };
}
//# sourceMappingURL=pki.js.map