#!/usr/bin/env node
// Writes two vector files (run once; the files are data, regenerate only to change the cases):
//  - vectors/certprov/csr-key-limits.json: RSA keys at and beyond the policy's key-size limits,
//    including a correctly signed 16488-bit multi-prime key above the default maximum (16384) that
//    OpenSSL can neither generate in reasonable time nor verify (its RSA public operations stop at
//    16384 bits): signed here with BigInt CRT over 17 primes of 970 bits, the signature checked with
//    BigInt s^e mod n before writing.
//  - vectors/certprov/responses.json: GetAndPublishCertResponse variants (MS-OCAUTHWS 3.1.4.1.2.4 /
//    3.1.4.1.3.3) around the spec 4.1.2 example certificate and CSR: certificate encodings (plain
//    base64, line breaks, PEM armour), a PKCS#7 certs-only chain written by `openssl crl2pkcs7`
//    (an independent encoder), optional elements absent, ErrorInfo for every ResponseCode, and
//    malformed responses, with the fields or the typed error a client must report.
// Usage: node packages/certprov/scripts/generate-extra-vectors.mjs
import { execFileSync } from 'node:child_process';
import { createHash, generatePrimeSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'certprov-xvectors-'));
const version = execFileSync('openssl', ['version']).toString().trim();
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// ---- DER helpers (tiny, for the multi-prime CSR) ----
const len = (n) =>
  n < 0x80
    ? Buffer.from([n])
    : (() => {
        const b = [];
        while (n > 0) {
          b.unshift(n & 0xff);
          n >>= 8;
        }
        return Buffer.from([0x80 | b.length, ...b]);
      })();
const tlv = (tag, ...parts) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const bigBytes = (x) => {
  let h = x.toString(16);
  if (h.length % 2) h = `0${h}`;
  return Buffer.from(h, 'hex');
};
const int = (x) => {
  let b = bigBytes(x);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
};
const OID = {
  rsa: Buffer.from('06092a864886f70d010101', 'hex'),
  sha256Rsa: Buffer.from('06092a864886f70d01010b', 'hex'),
  cn: Buffer.from('0603550403', 'hex'),
};
const NULL = Buffer.from('0500', 'hex');
const modPow = (b, e, m) => {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
};
const egcdInv = (a, m) => {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
};

function multiPrimeCsr(primeCount, primeBits, cn, exactBits) {
  const e = 65537n;
  let primes;
  let n;
  do {
    primes = [];
    while (primes.length < primeCount) {
      const p = generatePrimeSync(primeBits, { bigint: true });
      if ((p - 1n) % e !== 0n && !primes.includes(p)) primes.push(p);
    }
    n = primes.reduce((a, p) => a * p, 1n);
  } while (exactBits !== undefined && n.toString(2).length !== exactBits);
  const k = bigBytes(n).length;
  const spki = tlv(0x30, tlv(0x30, OID.rsa, NULL), tlv(0x03, Buffer.from([0]), tlv(0x30, int(n), int(e))));
  const subject = tlv(0x30, tlv(0x31, tlv(0x30, OID.cn, tlv(0x0c, Buffer.from(cn, 'utf8')))));
  const info = tlv(0x30, tlv(0x02, Buffer.from([0])), subject, spki, tlv(0xa0));
  // EMSA-PKCS1-v1_5 with SHA-256 (RFC 8017 9.2)
  const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(info).digest()]);
  const em = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(k - digestInfo.length - 3, 0xff), Buffer.from([0]), digestInfo]);
  const m = BigInt(`0x${em.toString('hex')}`);
  // CRT: s ≡ m^(d mod (p-1)) (mod p) for each prime, combined.
  let s = 0n;
  for (const p of primes) {
    const sp = modPow(m, egcdInv(e, p - 1n), p);
    const np = n / p;
    s = (s + sp * np * egcdInv(np % p, p)) % n;
  }
  if (modPow(s, e, n) !== m) throw new Error('multi-prime signature does not verify');
  const sig = Buffer.concat([Buffer.alloc(k - bigBytes(s).length), bigBytes(s)]);
  return { der: tlv(0x30, info, tlv(0x30, OID.sha256Rsa, NULL), tlv(0x03, Buffer.from([0]), sig)), bits: n.toString(2).length };
}

function openssl(name, keyArgs) {
  const out = join(dir, `${name}.der`);
  execFileSync(
    'openssl',
    ['req', '-new', '-nodes', ...keyArgs, '-keyout', join(dir, `${name}.key`), '-subj', '/CN=alice@contoso.com', '-outform', 'DER', '-out', out],
    { stdio: 'ignore' },
  );
  return readFileSync(out);
}

// ---- csr-key-limits.json ----
const keyTests = [];
const addKey = (comment, der, responseCode, source, policy = {}, flags = []) =>
  keyTests.push({
    tcId: keyTests.length + 1,
    comment,
    flags,
    csrBase64: Buffer.from(der).toString('base64'),
    policy,
    responseCode,
    result: responseCode === 'Success' ? 'valid' : 'invalid',
    source,
  });
const big = multiPrimeCsr(17, 970, 'alice@contoso.com');
addKey(
  `RSA ${big.bits}-bit (17-prime) key above the default maximum 16384; signature valid (checked with BigInt), beyond OpenSSL's verify limit`,
  big.der,
  'InvalidPublicKey',
  'scripts/generate-extra-vectors.mjs (BigInt CRT signer)',
  {},
  ['LargeKey', 'MultiPrime'],
);
addKey(
  'same request under maxKeySizeBits 20000: the key is in range but its signature cannot be verified by OpenSSL (16384-bit limit), so it is refused as a CSR',
  big.der,
  'InvalidCSR',
  'scripts/generate-extra-vectors.mjs (BigInt CRT signer)',
  { maxKeySizeBits: 20000 },
  ['LargeKey', 'MultiPrime', 'VerifierLimit'],
);
const small = multiPrimeCsr(3, 341, 'alice@contoso.com', 1023);
addKey(
  `RSA ${small.bits}-bit (3-prime) key: one bit under the default minimum 1024`,
  small.der,
  'InvalidPublicKey',
  'scripts/generate-extra-vectors.mjs (BigInt CRT signer)',
  {},
  ['MultiPrime'],
);
addKey('RSA 1536 exactly at a 1536-bit maximum', openssl('r1536', ['-newkey', 'rsa:1536', '-sha256']), 'Success', `openssl req (${version})`, {
  maxKeySizeBits: 1536,
});
addKey('RSA 1536 one bit above a 1535-bit maximum', openssl('r1536b', ['-newkey', 'rsa:1536', '-sha256']), 'InvalidPublicKey', `openssl req (${version})`, {
  maxKeySizeBits: 1535,
});
addKey('RSA 2048 exactly at a 2048-bit minimum', openssl('r2048', ['-newkey', 'rsa:2048', '-sha256']), 'Success', `openssl req (${version})`, {
  minKeySizeBits: 2048,
});
writeFileSync(
  join(root, 'vectors/certprov/csr-key-limits.json'),
  `${JSON.stringify(
    {
      algorithm: 'GetAndPublishCert CSR key-size limits (MS-OCAUTHWS 3.1.4.1): ResponseCode per request and server policy',
      generator: 'packages/certprov/scripts/generate-extra-vectors.mjs',
      notes: 'Same replay as csr-policy.json (defaultPolicy there); policy overrides it.',
      numberOfTests: keyTests.length,
      testGroups: [{ tests: keyTests }],
    },
    null,
    2,
  )}\n`,
);

// ---- responses.json ----
const spec = (f) => readFileSync(join(root, 'vectors/spec', f));
const certB64 = spec('4.1-example-certificate.b64').toString().trim();
const certPem = spec('4.1-example-certificate.pem').toString();
const csrB64 = spec('4.1-example-csr.b64').toString().trim();
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-new',
    '-nodes',
    '-newkey',
    'rsa:1024',
    '-keyout',
    join(dir, 'ca.key'),
    '-subj',
    '/CN=Communications Server',
    '-days',
    '3650',
    '-out',
    join(dir, 'ca.pem'),
  ],
  { stdio: 'ignore' },
);
writeFileSync(join(dir, 'leaf.pem'), certPem);
execFileSync('openssl', [
  'crl2pkcs7',
  '-nocrl',
  '-certfile',
  join(dir, 'leaf.pem'),
  '-certfile',
  join(dir, 'ca.pem'),
  '-outform',
  'DER',
  '-out',
  join(dir, 'chain.p7b'),
]);
const p7b64 = readFileSync(join(dir, 'chain.p7b')).toString('base64');
const caSubject = new X509Certificate(readFileSync(join(dir, 'ca.pem'))).subject;
const leafSubject = new X509Certificate(spec('4.1-example-certificate.der')).subject;

const A = 'http://schemas.microsoft.com/OCS/AuthWebServices/';
const WST = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const ENR = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment';
const B64 = `${WSSE}#base64binary`;
const DEV = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';
const RID = '4792483c-70b5-4591-b138-1a503a26d65b';
const env = (body) =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Action s:mustUnderstand="1" xmlns="http://schemas.microsoft.com/ws/2005/05/addressing/none">http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCertResponse</Action></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
function success({ cert = certB64, csr = csrB64, disposition = true, requestId = true, pkcs7, envelope = true } = {}) {
  const body =
    `<GetAndPublishCertResponse ResponseClass="Success" DeviceId="${DEV}" Entity="alice@contoso.com" xmlns="${A}">` +
    `<RequestSecurityTokenResponse xmlns="${WST}"><TokenType>http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3</TokenType>` +
    (disposition ? `<DispositionMessage xml:lang="en-US" xmlns="${ENR}">Issued</DispositionMessage>` : '') +
    (csr
      ? `<BinarySecurityToken EncodingType="${B64}" ValueType="http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10" xmlns="${WSSE}">${csr}</BinarySecurityToken>`
      : '') +
    `<RequestedSecurityToken><BinarySecurityToken EncodingType="${B64}" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" xmlns="${WSSE}">${cert}</BinarySecurityToken></RequestedSecurityToken>` +
    (pkcs7
      ? `<BinarySecurityToken EncodingType="${B64}" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#PKCS7" xmlns="${WSSE}">${pkcs7}</BinarySecurityToken>`
      : '') +
    (requestId ? `<RequestID xmlns="${ENR}">${RID}</RequestID>` : '') +
    `</RequestSecurityTokenResponse></GetAndPublishCertResponse>`;
  return envelope ? env(body) : body;
}
const errorResp = (code, desc = 'details') =>
  env(
    `<GetAndPublishCertResponse ResponseClass="Error" DeviceId="${DEV}" Entity="alice@contoso.com" xmlns="${A}"><ErrorInfo ResponseCode="${code}"><Description>${desc}</Description></ErrorInfo></GetAndPublishCertResponse>`,
  );
const certSha = sha256(spec('4.1-example-certificate.der'));
const csrSha = sha256(spec('4.1-example-csr.der'));
const respTests = [];
const ok = (comment, xml, expected, flags = []) =>
  respTests.push({
    tcId: respTests.length + 1,
    comment,
    flags,
    xml,
    result: 'valid',
    expected: {
      responseClass: 'Success',
      deviceId: DEV,
      entity: 'alice@contoso.com',
      dispositionMessage: 'Issued',
      requestId: RID,
      certificateSha256: certSha,
      certificateSubject: leafSubject,
      csrSha256: csrSha,
      chainSubjects: [],
      ...expected,
    },
    source: 'MS-OCAUTHWS 4.1.2 example certificate and CSR',
  });
const bad = (comment, xml, error, flags = []) =>
  respTests.push({ tcId: respTests.length + 1, comment, flags, xml, result: 'invalid', error, source: 'MS-OCAUTHWS 3.1.4.1.2.4 / 3.1.4.1.3.3' });

ok('plain base64 certificate (as 4.1.2)', success());
ok('certificate base64 wrapped at 64 columns with CRLF and indentation', success({ cert: certB64.replace(/(.{64})/g, '$1\r\n        ') }), {}, ['Whitespace']);
ok('certificate PEM-armoured', success({ cert: certPem }), {}, ['Pem']);
ok(
  'echoed CSR PEM-armoured as NEW CERTIFICATE REQUEST',
  success({ csr: `-----BEGIN NEW CERTIFICATE REQUEST-----\n${csrB64.replace(/(.{76})/g, '$1\n')}\n-----END NEW CERTIFICATE REQUEST-----` }),
  {},
  ['Pem'],
);
ok('bare GetAndPublishCertResponse element (no SOAP envelope)', success({ envelope: false }));
ok(
  'no DispositionMessage, no echoed CSR, no RequestID (all optional)',
  success({ disposition: false, csr: null, requestId: false }),
  { dispositionMessage: null, requestId: null, csrSha256: null },
  ['MinimalResponse'],
);
ok(`PKCS#7 certs-only chain written by openssl crl2pkcs7 (${version})`, success({ pkcs7: p7b64 }), { chainSubjects: [leafSubject, caSubject] }, ['Pkcs7']);
for (const code of [
  'InternalError',
  'InvalidPublicKey',
  'InvalidValidityPeriod',
  'InvalidEKU',
  'InvalidSipUri',
  'InvalidCSR',
  'DataStoreUnavailable',
  'InvalidDeviceId',
  'RequestMalformed',
  'AccountDisabled',
  'UserImproperlyProvisioned',
])
  bad(`ErrorInfo ResponseCode ${code}`, errorResp(code), { code: 'ERR_CERTPROV_RESPONSE_ERROR', responseCode: code });
bad(
  'ErrorInfo with a ResponseCode outside the enumeration is still reported',
  errorResp('QuotaExceeded'),
  { code: 'ERR_CERTPROV_RESPONSE_ERROR', responseCode: 'QuotaExceeded' },
  ['UnknownCode'],
);
bad(
  'ResponseClass Error without ErrorInfo',
  env(`<GetAndPublishCertResponse ResponseClass="Error" DeviceId="${DEV}" Entity="alice@contoso.com" xmlns="${A}"/>`),
  { code: 'ERR_CERTPROV_RESPONSE_ERROR', responseCode: null },
);
bad(
  'Success without RequestSecurityTokenResponse',
  env(`<GetAndPublishCertResponse ResponseClass="Success" DeviceId="${DEV}" Entity="alice@contoso.com" xmlns="${A}"/>`),
  { code: 'ERR_CERTPROV_RESPONSE_MALFORMED', responseCode: null },
);
bad('Success without RequestedSecurityToken', success().replace(/<RequestedSecurityToken>.*<\/RequestedSecurityToken>/s, ''), {
  code: 'ERR_CERTPROV_RESPONSE_MALFORMED',
  responseCode: null,
});
bad('certificate token that is not base64', success({ cert: 'not*base64' }), { code: 'ERR_CERTPROV_BASE64', responseCode: null });
bad(
  'PKCS#7 token that is not a SignedData',
  success({ pkcs7: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]).toString('base64') }),
  { code: 'ERR_CERTPROV_RESPONSE_MALFORMED', responseCode: null },
  ['Pkcs7'],
);
bad(
  'DOCTYPE with an internal entity (never expanded)',
  `<!DOCTYPE s [<!ENTITY e "x">]>${success()}`,
  { code: 'ERR_CERTPROV_RESPONSE_MALFORMED', responseCode: null },
  ['Doctype'],
);
bad('not XML', 'HTTP/1.1 502 Bad Gateway', { code: 'ERR_CERTPROV_RESPONSE_MALFORMED', responseCode: null });
bad(
  'a SOAP fault instead of ErrorInfo',
  env('<s:Fault><faultcode>s:Server</faultcode><faultstring>oops</faultstring></s:Fault>'),
  { code: 'ERR_CERTPROV_RESPONSE_MALFORMED', responseCode: null },
  ['SoapFault'],
);
bad('GetAndPublishCertResponse in another namespace', success().replace(`xmlns="${A}"`, 'xmlns="urn:other"'), {
  code: 'ERR_CERTPROV_RESPONSE_MALFORMED',
  responseCode: null,
});
writeFileSync(
  join(root, 'vectors/certprov/responses.json'),
  `${JSON.stringify(
    {
      algorithm: 'GetAndPublishCertResponse parsing (MS-OCAUTHWS 3.1.4.1.2.4, 3.1.4.1.3.3)',
      generator: 'packages/certprov/scripts/generate-extra-vectors.mjs',
      notes:
        'valid: the fields a client must report (hashes are SHA-256 of the DER; null = absent). invalid: the typed error code and the ResponseCode (null = none).',
      numberOfTests: respTests.length,
      testGroups: [{ tests: respTests }],
    },
    null,
    2,
  )}\n`,
);
rmSync(dir, { recursive: true, force: true });
console.log(`wrote ${keyTests.length} key-limit cases and ${respTests.length} response cases`);
