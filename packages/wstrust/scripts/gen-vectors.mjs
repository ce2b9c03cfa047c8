// Generates vectors/wstrust/*.json. Valid messages are signed by xmlsec1 (libxmlsec, independent of
// this package); invalid cases are documented mutations of them. P_SHA1 expectations come from
// `openssl kdf TLS1-PRF` (digest SHA1). Run: node packages/wstrust/scripts/gen-vectors.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const out = new URL('../../../vectors/wstrust/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'wst-vec-'));
const keyHex = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
writeFileSync(join(dir, 'k'), Buffer.from(keyHex, 'hex'));
const AID = 'SamlSecurityToken-7e62744e-bb8b-4f79-a4c8-623c866adf8c';
const xmlsecVersion = execFileSync('xmlsec1', ['--version']).toString().trim();

function tmpl({ sm, dm, id = '_0', extraSm = '' }) {
  return `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><o:Security xmlns:o="${WSSE}" s:mustUnderstand="1"><u:Timestamp xmlns:u="${WSU}" u:Id="${id}"><u:Created>2026-01-01T00:00:00.000Z</u:Created><u:Expires>2026-01-01T00:05:00.000Z</u:Expires></u:Timestamp><Signature xmlns="${DS}"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="${sm}">${extraSm}</SignatureMethod><Reference URI="#${id}"><Transforms><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms><DigestMethod Algorithm="${dm}"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><o:SecurityTokenReference><o:KeyIdentifier ValueType="http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID">${AID}</o:KeyIdentifier></o:SecurityTokenReference></KeyInfo></Signature></o:Security><a:To xmlns:a="http://www.w3.org/2005/08/addressing" s:mustUnderstand="1">https://pool0.example.com/svc</a:To></s:Header><s:Body><Op xmlns="urn:x">1</Op></s:Body></s:Envelope>`;
}
function xmlsecSign(xml) {
  const f = join(dir, 't.xml');
  writeFileSync(f, xml);
  return execFileSync('xmlsec1', ['--sign', '--hmackey', join(dir, 'k'), '--id-attr:Id', `${WSU}:Timestamp`, f])
    .toString()
    .replace(/^<\?xml[^>]*\?>\n/, '')
    .trimEnd();
}
const HS1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  HS256 = 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256';
const S1 = 'http://www.w3.org/2000/09/xmldsig#sha1',
  S256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const base = xmlsecSign(tmpl({ sm: HS1, dm: S1 }));
const tests = [];
let id = 0;
const add = (comment, msg, result, expectedCode, flags = [], now = '2026-01-01T00:01:00.000Z') =>
  tests.push({
    tcId: ++id,
    comment,
    flags,
    msg,
    now,
    result,
    ...(expectedCode ? { expectedCode } : {}),
    source: `xmlsec1 --sign (${xmlsecVersion})${result === 'invalid' ? ', then mutated' : ''}`,
  });
add('HMAC-SHA1 / SHA-1, id _0', base, 'valid');
add('HMAC-SHA256 / SHA-256', xmlsecSign(tmpl({ sm: HS256, dm: S256 })), 'valid');
add('HMAC-SHA1 / SHA-256, custom id', xmlsecSign(tmpl({ sm: HS1, dm: S256, id: 'ts-42' })), 'valid');
add('HMAC-SHA256 / SHA-1', xmlsecSign(tmpl({ sm: HS256, dm: S1 })), 'valid');
add('inside skew after Expires (+4 min)', base, 'valid', undefined, ['ClockSkew'], '2026-01-01T00:09:00.000Z');
add('expired beyond 5 min skew', base, 'invalid', 'ERR_WSTRUST_TIMESTAMP_EXPIRED', ['ClockSkew'], '2026-01-01T00:10:00.000Z');
add('created in the future beyond skew', base, 'invalid', 'ERR_WSTRUST_TIMESTAMP_FUTURE', ['ClockSkew'], '2025-12-31T23:54:59.000Z');
add('Created altered', base.replace('00:00:00.000Z</u:Created>', '00:00:01.000Z</u:Created>'), 'invalid', 'ERR_WSTRUST_DIGEST_MISMATCH', [
  'ModifiedSignedContent',
]);
add(
  'SignatureValue altered',
  base.replace(/<SignatureValue>./, (m) => m.slice(0, -1) + (m.endsWith('A') ? 'B' : 'A')),
  'invalid',
  'ERR_WSTRUST_SIGNATURE_INVALID',
  ['ModifiedSignature'],
);
add(
  'truncated HMAC (HMACOutputLength 80) signed by xmlsec1',
  xmlsecSign(tmpl({ sm: HS1, dm: S1, extraSm: '<HMACOutputLength>80</HMACOutputLength>' })),
  'invalid',
  'ERR_WSTRUST_HMAC_OUTPUT_LENGTH',
  ['TruncatedHmac'],
);
add(
  'signed Timestamp moved to Body, unsigned one in Security',
  base
    .replace(/<u:Timestamp[\s\S]*?<\/u:Timestamp>/, (ts) => ts.replace('u:Id="_0"', 'u:Id="x"'))
    .replace('<s:Body>', '<s:Body>' + /<u:Timestamp[\s\S]*?<\/u:Timestamp>/.exec(base)[0]),
  'invalid',
  'ERR_WSTRUST_REFERENCE_MISSING',
  ['SignatureWrapping'],
);
add('duplicate id', base.replace('<Op xmlns="urn:x">', `<Op xmlns="urn:x"><w xmlns:u="${WSU}" u:Id="_0"/>`), 'invalid', 'ERR_WSTRUST_DUPLICATE_ID', [
  'SignatureWrapping',
]);
add(
  'inclusive c14n transform',
  base.replace('<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>', '<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>'),
  'invalid',
  'ERR_WSTRUST_UNSUPPORTED_ALGORITHM',
  ['UnknownAlgorithm'],
);
add('MD5 digest', base.replace(S1, 'http://www.w3.org/2001/04/xmldsig-more#md5'), 'invalid', 'ERR_WSTRUST_UNSUPPORTED_ALGORITHM', ['UnknownAlgorithm']);
add('no Reference', base.replace(/<Reference[\s\S]*?<\/Reference>/, ''), 'invalid', 'ERR_WSTRUST_REFERENCE_MISSING', ['MissingReference']);
writeFileSync(
  new URL('ws-security-hmac.json', out),
  JSON.stringify(
    {
      algorithm: 'WS-Security HMAC proof of possession over wsu:Timestamp (exclusive c14n)',
      source: 'MS-OCAUTHWS 3.2; messages signed by xmlsec1, mutations documented per case',
      notes: { skewSeconds: 300, keyIdentifier: AID },
      numberOfTests: tests.length,
      testGroups: [{ keyHex, tests }],
    },
    null,
    2,
  ) + '\n',
);

const psha = [];
const kdf = (s, t, n) =>
  execFileSync('openssl', [
    'kdf',
    '-keylen',
    String(n),
    '-kdfopt',
    'digest:SHA1',
    '-kdfopt',
    `hexsecret:${s}`,
    '-kdfopt',
    `hexseed:${t}`,
    '-binary',
    'TLS1-PRF',
  ]).toString('hex');
const spReq = Buffer.from('pElGrLu4aRHp9KKXicKdS3hnHi+6sXCgHEZiqPomYgk=', 'base64').toString('hex');
const spSrv = Buffer.from('rrVofgKABHqpcvaUYgcSkFFt2+ef+dQltq5QDCWa7C8=', 'base64').toString('hex');
let pid = 0;
for (const [comment, s, t, n] of [
  ['MS-OCAUTHWS 4.2 example entropies, 256-bit key', spReq, spSrv, 32],
  ['MS-OCAUTHWS 4.2 example entropies, 128-bit key', spReq, spSrv, 16],
  ['20-byte boundary', '0b'.repeat(16), '0c'.repeat(16), 20],
  ['odd length spanning blocks', 'aa'.repeat(32), 'bb'.repeat(32), 45],
])
  psha.push({
    tcId: ++pid,
    comment,
    flags: [],
    requestorEntropyHex: s,
    issuerEntropyHex: t,
    length: n,
    keyHex: kdf(s, t, n),
    result: 'valid',
    source: 'openssl kdf TLS1-PRF digest:SHA1',
  });
writeFileSync(
  new URL('computed-key-psha1.json', out),
  JSON.stringify(
    { algorithm: 'WS-Trust 1.3 ComputedKey PSHA1 = P_SHA1(requestor entropy, issuer entropy)', numberOfTests: psha.length, testGroups: [{ tests: psha }] },
    null,
    2,
  ) + '\n',
);
console.log(tests.length, psha.length);
