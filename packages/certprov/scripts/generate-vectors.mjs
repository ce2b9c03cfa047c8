#!/usr/bin/env node
// Writes vectors/certprov/csr-policy.json: PKCS#10 requests and the GetAndPublishCert ResponseCode a
// server with the given policy must answer (MS-OCAUTHWS 3.1.4.1.4.1). Requests come from OpenSSL
// (an independent encoder) where it can express them, and from @ocauth/certprov generateCsr for the
// MS-WCCE name-value pairs OpenSSL cannot write. Run after `pnpm --filter @ocauth/certprov build`:
//   node packages/certprov/scripts/generate-vectors.mjs
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCsr } from '../dist/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'certprov-vectors-'));
const version = execFileSync('openssl', ['version']).toString().trim();
function openssl(name, keyArgs, extra = []) {
  const out = join(dir, `${name}.der`);
  execFileSync(
    'openssl',
    ['req', '-new', '-nodes', ...keyArgs, '-keyout', join(dir, `${name}.key`), '-subj', '/CN=alice@contoso.com', '-outform', 'DER', '-out', out, ...extra],
    { stdio: 'ignore' },
  );
  return readFileSync(out).toString('base64');
}
const ours = (o) => Buffer.from(generateCsr({ sipUri: 'alice@contoso.com', ...o }).der).toString('base64');
const k1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const tests = [];
const add = (comment, csrBase64, expected, source, policy = {}, flags = []) =>
  tests.push({
    tcId: tests.length + 1,
    comment,
    flags,
    csrBase64,
    policy,
    responseCode: expected,
    result: expected === 'Success' ? 'valid' : 'invalid',
    source,
  });
const O = `openssl req (${version})`,
  G = '@ocauth/certprov generateCsr (MS-WCCE name-value pairs)';

add('RSA 2048, SHA-256, no attributes', openssl('rsa2048', ['-newkey', 'rsa:2048', '-sha256']), 'Success', O);
add('RSA 2048, SHA-1 (old clients)', openssl('rsa2048sha1', ['-newkey', 'rsa:2048', '-sha1']), 'Success', O);
add('RSA 1024 at the default minimum', openssl('rsa1024', ['-newkey', 'rsa:1024', '-sha256']), 'Success', O);
add('RSA 1024 under a 2048-bit minimum', openssl('rsa1024b', ['-newkey', 'rsa:1024', '-sha256']), 'InvalidPublicKey', O, { minKeySizeBits: 2048 });
add('RSA 512 below the default minimum', openssl('rsa512', ['-newkey', 'rsa:512', '-sha256']), 'InvalidPublicKey', O, {}, ['WeakKey']);
add('EC P-256 key (not RSA)', openssl('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha256']), 'InvalidPublicKey', O);
add('RSA 4096 above a 2048-bit maximum', openssl('rsa4096', ['-newkey', 'rsa:4096', '-sha256']), 'InvalidPublicKey', O, { maxKeySizeBits: 2048 });
add('EKU serverAuth only', openssl('ekuServer', ['-newkey', 'rsa:1024', '-sha256'], ['-addext', 'extendedKeyUsage=serverAuth']), 'InvalidEKU', O);
add('EKU clientAuth', openssl('ekuClient', ['-newkey', 'rsa:1024', '-sha256'], ['-addext', 'extendedKeyUsage=clientAuth']), 'Success', O);
add('EKU serverAuth + clientAuth', openssl('ekuBoth', ['-newkey', 'rsa:1024', '-sha256'], ['-addext', 'extendedKeyUsage=serverAuth,clientAuth']), 'Success', O);
add('EKU emailProtection only', openssl('ekuMail', ['-newkey', 'rsa:1024', '-sha256'], ['-addext', 'extendedKeyUsage=emailProtection']), 'InvalidEKU', O);
const tampered = Buffer.from(openssl('tamper', ['-newkey', 'rsa:1024', '-sha256']), 'base64');
tampered[tampered.length - 5] ^= 0x01;
add('self-signature does not verify (one bit flipped in the signature)', tampered.toString('base64'), 'InvalidCSR', O, {}, ['Tampered']);
const body = Buffer.from(openssl('tamper2', ['-newkey', 'rsa:1024', '-sha256']), 'base64');
add('truncated DER', body.subarray(0, body.length - 20).toString('base64'), 'InvalidCSR', O, {}, ['Malformed']);
add('Months 6 (Lync: 4320 hours)', ours({ keyPair: k1024, validity: { period: 'Months', units: 6 } }), 'Success', G);
add('Hours 8 (the minimum)', ours({ keyPair: k1024, validity: { period: 'Hours', units: 8 } }), 'Success', G);
add('Hours 2 clamped to 8 by default', ours({ keyPair: k1024, validity: { period: 'Hours', units: 2 } }), 'Success', G, {}, ['Clamped']);
add('Hours 2 rejected under validityOutOfRange=reject', ours({ keyPair: k1024, validity: { period: 'Hours', units: 2 } }), 'InvalidValidityPeriod', G, {
  validityOutOfRange: 'reject',
});
add(
  'Days 400 rejected under validityOutOfRange=reject (max 8760 h)',
  ours({ keyPair: k1024, validity: { period: 'Days', units: 400 } }),
  'InvalidValidityPeriod',
  G,
  { validityOutOfRange: 'reject' },
);
add('Days 365 = 8760 hours, the maximum', ours({ keyPair: k1024, validity: { period: 'Days', units: 365 } }), 'Success', G, { validityOutOfRange: 'reject' });
add('no CertificateTemplate pair', ours({ keyPair: k1024, certificateTemplate: null }), 'Success', G);
writeFileSync(
  join(root, 'vectors/certprov/csr-policy.json'),
  JSON.stringify(
    {
      algorithm: 'GetAndPublishCert CSR policy (MS-OCAUTHWS 3.1.4.1): ResponseCode per request and server policy',
      generator: 'packages/certprov/scripts/generate-vectors.mjs',
      defaultPolicy: {
        minKeySizeBits: 1024,
        maxKeySizeBits: 16384,
        minValidityHours: 8,
        defaultValidityHours: 4320,
        maxValidityHours: 8760,
        validityOutOfRange: 'clamp',
      },
      notes: 'Entity alice@contoso.com, ticket for sip:alice@contoso.com, DeviceId {161CCE75-E0C7-5F60-BDD1-054099725B0B}. policy overrides defaultPolicy.',
      numberOfTests: tests.length,
      testGroups: [{ tests }],
    },
    null,
    2,
  ) + '\n',
);
rmSync(dir, { recursive: true, force: true });
console.log(`wrote ${tests.length} cases to vectors/certprov/csr-policy.json`);
