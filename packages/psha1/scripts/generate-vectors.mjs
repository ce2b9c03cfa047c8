#!/usr/bin/env node
// Regenerates vectors/psha1/*.json. Expected outputs come from OpenSSL's TLS1-PRF KDF, an
// implementation independent of ours: with a single digest D it computes P_D(secret, seed)
// (RFC 2246 §5 with the label folded into the seed). Inputs are deterministic (SHA-256 counter
// stream), so re-running reproduces the file byte for byte on any machine with OpenSSL 3.
//   node packages/psha1/scripts/generate-vectors.mjs
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = join(root, 'vectors/psha1');
mkdirSync(outDir, { recursive: true });

let counter = 0;
function bytes(n) {
  const out = Buffer.alloc(n);
  for (let off = 0; off < n; off += 32) {
    createHash('sha256').update(`ocauth-psha1-vectors/${counter++}`).digest().copy(out, off);
  }
  return out;
}

const OPENSSL_DIGEST = { sha1: 'SHA1', sha256: 'SHA256', sha384: 'SHA384', sha512: 'SHA512' };
function openssl(hash, secret, seed, length) {
  const out = execFileSync('openssl', [
    'kdf',
    '-keylen',
    String(length),
    '-kdfopt',
    `digest:${OPENSSL_DIGEST[hash]}`,
    '-kdfopt',
    `hexsecret:${secret.toString('hex')}`,
    '-kdfopt',
    `hexseed:${seed.toString('hex')}`,
    '-binary',
    'TLS1-PRF',
  ]);
  if (out.length !== length) throw new Error(`openssl returned ${out.length} bytes, wanted ${length}`);
  return out;
}
const opensslVersion = execFileSync('openssl', ['version']).toString().trim();

const b64 = (s) => Buffer.from(s, 'base64');
const published = {
  secret: b64('grrlUUfhuNwlvQzQ4bV6TT3wA8ieZPltIf4+H7nIvCE='),
  seed: b64('YLABh3ZmZyiO5gvVLZe9J4JPd9w59KGeTFwE85XlzxE='),
  key: b64('Wv3QzY84KfgwSkn1z3QV+LXEoo3nPraZPysJYtA3u4c='),
};

// ---- psha1.json: P_SHA1 known answers ----
const tests = [];
let tcId = 1;
const add = (t) => tests.push({ tcId: tcId++, ...t });
{
  const got = openssl('sha1', published.secret, published.seed, 32);
  if (!got.equals(published.key)) throw new Error('openssl disagrees with the published PSHA1 pair');
  add({
    comment: 'published WS-Trust PSHA1 pair (secret = requestor entropy, seed = issuer entropy), 256-bit key',
    flags: ['Published'],
    secretHex: published.secret.toString('hex'),
    seedHex: published.seed.toString('hex'),
    length: 32,
    outputHex: published.key.toString('hex'),
    result: 'valid',
    source: 'published pair quoted in ocauth issue 2 (widely used WS-Trust PSHA1 example); confirmed by openssl TLS1-PRF',
  });
  const swapped = openssl('sha1', published.seed, published.secret, 32);
  add({
    comment: 'published pair with secret and seed swapped: a different key (argument order matters)',
    flags: ['Published', 'Swapped'],
    secretHex: published.seed.toString('hex'),
    seedHex: published.secret.toString('hex'),
    length: 32,
    outputHex: swapped.toString('hex'),
    result: 'valid',
    source: `openssl kdf TLS1-PRF digest:SHA1 (${opensslVersion})`,
  });
}
// Lengths around the 20-byte block boundary, entropy sizes real clients use (16, 32, 64 bytes), empty secret.
for (const [secretLen, seedLen, length, comment] of [
  [32, 32, 1, 'one byte'],
  [32, 32, 16, '128-bit key'],
  [32, 32, 19, 'one short of a SHA-1 block'],
  [32, 32, 20, 'exactly one SHA-1 block'],
  [32, 32, 21, 'one past a SHA-1 block'],
  [32, 32, 24, '192-bit key'],
  [32, 32, 32, '256-bit key (SIPE / Lync default)'],
  [32, 32, 40, 'exactly two blocks'],
  [32, 32, 64, '512-bit key'],
  [16, 16, 32, '16-byte entropies'],
  [64, 64, 32, '64-byte entropies'],
  [0, 32, 32, 'empty secret (HMAC with an empty key)'],
  [1, 1, 32, 'one-byte secret and seed'],
  [100, 7, 100, 'secret longer than the SHA-1 block size (HMAC hashes the key)'],
  [200, 300, 257, 'long secret and seed, odd length'],
  [32, 32, 1000, 'long output (50 blocks)'],
]) {
  const secret = bytes(secretLen),
    seed = bytes(seedLen);
  add({
    comment,
    flags: ['Generated'],
    secretHex: secret.toString('hex'),
    seedHex: seed.toString('hex'),
    length,
    outputHex: openssl('sha1', secret, seed, length).toString('hex'),
    result: 'valid',
    source: `openssl kdf TLS1-PRF digest:SHA1 (${opensslVersion})`,
  });
}
// Invalid inputs: the implementation must refuse them with the named error code.
add({
  comment: 'empty seed',
  flags: ['InvalidInput'],
  secretHex: '00',
  seedHex: '',
  length: 32,
  result: 'invalid',
  errorCode: 'ERR_PSHA1_EMPTY_SEED',
  source: 'ocauth API contract',
});
add({
  comment: 'negative length',
  flags: ['InvalidInput'],
  secretHex: '00',
  seedHex: '00',
  length: -1,
  result: 'invalid',
  errorCode: 'ERR_PSHA1_INVALID_LENGTH',
  source: 'ocauth API contract',
});
add({
  comment: 'fractional length',
  flags: ['InvalidInput'],
  secretHex: '00',
  seedHex: '00',
  length: 1.5,
  result: 'invalid',
  errorCode: 'ERR_PSHA1_INVALID_LENGTH',
  source: 'ocauth API contract',
});
add({
  comment: 'absurd length (1 GiB)',
  flags: ['InvalidInput'],
  secretHex: '00',
  seedHex: '00',
  length: 1073741824,
  result: 'invalid',
  errorCode: 'ERR_PSHA1_INVALID_LENGTH',
  source: 'ocauth API contract',
});
add({
  comment: 'zero length is an empty key, not an error',
  flags: ['EdgeCase'],
  secretHex: '00',
  seedHex: '00',
  length: 0,
  outputHex: '',
  result: 'valid',
  source: 'ocauth API contract',
});

writeFileSync(
  join(outDir, 'psha1.json'),
  JSON.stringify(
    {
      algorithm: 'P_SHA1(secret, seed, length) — WS-Trust 1.3 §4.4.4 PSHA1 / RFC 2246 §5 P_SHA-1',
      generator: 'packages/psha1/scripts/generate-vectors.mjs',
      oracle: opensslVersion,
      numberOfTests: tests.length,
      testGroups: [{ hash: 'sha1', tests }],
    },
    null,
    2,
  ) + '\n',
);

// ---- p-hash.json: P_hash for the other digests ----
const groups = [];
let id = 1;
for (const hash of ['sha1', 'sha256', 'sha384', 'sha512']) {
  const t = [];
  for (const [secretLen, seedLen, length] of [
    [32, 32, 32],
    [32, 32, 48],
    [48, 77, 64],
    [0, 13, 65],
    [129, 64, 200],
    [16, 16, 1],
  ]) {
    const secret = bytes(secretLen),
      seed = bytes(seedLen);
    t.push({
      tcId: id++,
      comment: `P_${hash.toUpperCase()} secret ${secretLen} B, seed ${seedLen} B, ${length} B out`,
      flags: ['Generated'],
      secretHex: secret.toString('hex'),
      seedHex: seed.toString('hex'),
      length,
      outputHex: openssl(hash, secret, seed, length).toString('hex'),
      result: 'valid',
      source: `openssl kdf TLS1-PRF digest:${OPENSSL_DIGEST[hash]} (${opensslVersion})`,
    });
  }
  groups.push({ hash, tests: t });
}
writeFileSync(
  join(outDir, 'p-hash.json'),
  JSON.stringify(
    {
      algorithm: 'P_hash(secret, seed, length) — RFC 2246 §5 / RFC 5246 §5',
      generator: 'packages/psha1/scripts/generate-vectors.mjs',
      oracle: opensslVersion,
      numberOfTests: id - 1,
      testGroups: groups,
    },
    null,
    2,
  ) + '\n',
);

// ---- computed-key.json: WS-Trust key-size rules ----
const ck = [];
let cid = 1;
const req = bytes(32),
  iss = bytes(32);
const addCk = (comment, keySizeBits, requestKeySizeBits, bits) =>
  ck.push({
    tcId: cid++,
    comment,
    flags: [],
    requestorEntropyHex: req.toString('hex'),
    issuerEntropyHex: iss.toString('hex'),
    ...(keySizeBits !== undefined ? { keySizeBits } : {}),
    ...(requestKeySizeBits !== undefined ? { requestKeySizeBits } : {}),
    expectedKeySizeBits: bits,
    keyHex: openssl('sha1', req, iss, bits / 8).toString('hex'),
    result: 'valid',
    source: `WS-Trust 1.3 §4.4.4 key-size rule; key from openssl kdf TLS1-PRF digest:SHA1 (${opensslVersion})`,
  });
addCk('no KeySize anywhere: 256 bits', undefined, undefined, 256);
addCk('RST KeySize 128 only: 128 bits', undefined, 128, 128);
addCk('RSTR KeySize 192 wins over RST 128', 192, 128, 192);
addCk('RSTR KeySize 512, none in RST', 512, undefined, 512);
const addCkBad = (comment, extra, errorCode) =>
  ck.push({
    tcId: cid++,
    comment,
    flags: ['InvalidInput'],
    requestorEntropyHex: req.toString('hex'),
    issuerEntropyHex: iss.toString('hex'),
    ...extra,
    result: 'invalid',
    errorCode,
    source: 'ocauth API contract',
  });
addCkBad('KeySize not a multiple of 8', { keySizeBits: 100 }, 'ERR_PSHA1_INVALID_KEY_SIZE');
addCkBad('KeySize zero', { keySizeBits: 0 }, 'ERR_PSHA1_INVALID_KEY_SIZE');
addCkBad('KeySize absurd (from untrusted XML)', { requestKeySizeBits: 1 << 30 }, 'ERR_PSHA1_INVALID_KEY_SIZE');
ck.push({
  tcId: cid++,
  comment: 'empty issuer entropy',
  flags: ['InvalidInput'],
  requestorEntropyHex: req.toString('hex'),
  issuerEntropyHex: '',
  result: 'invalid',
  errorCode: 'ERR_PSHA1_EMPTY_ENTROPY',
  source: 'ocauth API contract',
});
ck.push({
  tcId: cid++,
  comment: 'empty requestor entropy',
  flags: ['InvalidInput'],
  requestorEntropyHex: '',
  issuerEntropyHex: iss.toString('hex'),
  result: 'invalid',
  errorCode: 'ERR_PSHA1_EMPTY_ENTROPY',
  source: 'ocauth API contract',
});
writeFileSync(
  join(outDir, 'computed-key.json'),
  JSON.stringify(
    {
      algorithm: 'WS-Trust 1.3 ComputedKey PSHA1 with the KeySize rules (RSTR, else RST, else 256 bits)',
      generator: 'packages/psha1/scripts/generate-vectors.mjs',
      oracle: opensslVersion,
      numberOfTests: ck.length,
      testGroups: [{ tests: ck }],
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${tests.length} + ${id - 1} + ${ck.length} vectors to vectors/psha1/`);
