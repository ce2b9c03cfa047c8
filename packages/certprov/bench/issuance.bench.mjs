// Issuance per second — CSR parse + self-signature verify, certificate build + RSA-SHA256 signature
// by the CA, publish to the in-memory store — against raw node:crypto RSA-SHA256 signing with a key of
// the same size (2048), in the same run. Target: ratio ≥ 0.6.
import { generateKeyPairSync, sign } from 'node:crypto';
import { CertificateAuthority, generateCsr, MemoryCertificateStore, parseCsr } from '../dist/index.js';

export default async function (h) {
  const caKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ca = CertificateAuthority.create({ keyPair: caKeys });
  const userKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const csr = generateCsr({ sipUri: 'sip:alice@contoso.com', keyPair: userKeys, validity: { period: 'Hours', units: 4320 } }).der;
  const store = new MemoryCertificateStore();
  const now = new Date();
  const tbsSizedInput = Buffer.alloc(700, 1); // about the size of an issued TBSCertificate
  let i = 0;
  return [
    await h.compare({
      name: 'certprov issuance (CSR verify + issue + publish) vs raw RSA-2048 SHA-256 sign',
      subjectName: 'issue',
      referenceName: 'crypto.sign',
      target: { atLeast: 0.6 },
      subject: async () => {
        const p = parseCsr(csr);
        if (!p.signatureValid) throw new Error('CSR did not verify');
        const deviceId = `{00000000-0000-0000-0000-${String(i++).padStart(12, '0')}}`;
        const c = ca.issue({ publicKey: p.spkiDer, entity: 'alice@contoso.com', deviceId, validityHours: 4320 });
        await store.publish({ entity: 'alice@contoso.com', deviceId, serialNumber: c.serialNumber, der: c.der, notBefore: now, notAfter: now }, now);
      },
      reference: () => {
        sign('sha256', tbsSizedInput, caKeys.privateKey);
      },
    }),
  ];
}
