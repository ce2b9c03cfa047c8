#!/usr/bin/env node
// Generates vectors/authbroker/tls-dsk-key-block.json with OpenSSL alone (openssl kdf TLS1-PRF), so
// the vectors are independent of @ocauth/authbroker: key block = PRF(master_secret,
// "client EAP encryption", client_random + server_random)[0..128]; client key = bytes 64–95,
// server key = bytes 96–127 ([MS-SIPAE] 3.2.5.1). Inputs are deterministic (SHA-256 of labels).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../../../vectors/authbroker/tls-dsk-key-block.json', import.meta.url));
const h = (s, n) =>
  Buffer.concat([
    createHash('sha256').update(s).digest(),
    createHash('sha256')
      .update(s + '+')
      .digest(),
  ]).subarray(0, n);
const label = Buffer.from('client EAP encryption', 'latin1');
const cases = [
  ['TLSv1', 'MD5-SHA1', undefined, 'TLS 1.0 (V1 operations): P_MD5 xor P_SHA1'],
  ['TLSv1.1', 'MD5-SHA1', undefined, 'TLS 1.1: same PRF as TLS 1.0'],
  ['TLSv1.2', 'SHA256', 'sha256', 'TLS 1.2 (V2 operations), SHA-256 PRF (e.g. ECDHE-RSA-AES128-GCM-SHA256)'],
  ['TLSv1.2', 'SHA384', 'sha384', 'TLS 1.2, SHA-384 PRF (…-SHA384 cipher suites)'],
];
const tests = [];
let id = 1;
for (const [version, digest, prfHash, comment] of cases) {
  for (const n of [1, 2]) {
    const ms = h(`master ${version} ${digest} ${n}`, 48);
    const cr = h(`client random ${version} ${n}`, 32);
    const sr = h(`server random ${version} ${n}`, 32);
    const seed = Buffer.concat([label, cr, sr]);
    const block = execFileSync('openssl', [
      'kdf',
      '-keylen',
      '128',
      '-kdfopt',
      `digest:${digest}`,
      '-kdfopt',
      `hexsecret:${ms.toString('hex')}`,
      '-kdfopt',
      `hexseed:${seed.toString('hex')}`,
      '-binary',
      'TLS1-PRF',
    ]);
    tests.push({
      tcId: id++,
      comment,
      flags: [],
      version,
      ...(prfHash ? { prfHash } : {}),
      masterSecret: ms.toString('hex'),
      clientRandom: cr.toString('hex'),
      serverRandom: sr.toString('hex'),
      keyBlock: block.toString('hex'),
      clientSigningKey: block.subarray(64, 96).toString('hex'),
      serverSigningKey: block.subarray(96, 128).toString('hex'),
      result: 'valid',
      source: `openssl kdf -keylen 128 -kdfopt digest:${digest} TLS1-PRF (OpenSSL ${execFileSync('openssl', ['version']).toString().trim().split(' ')[1]})`,
    });
  }
}
writeFileSync(
  out,
  JSON.stringify(
    {
      algorithm: 'TLS-DSK key block ([MS-SIPAE] 3.2.5.1)',
      generator: 'packages/authbroker/scripts/gen-key-block-vectors.mjs',
      numberOfTests: tests.length,
      testGroups: [{ tests }],
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${out} (${tests.length} tests)`);
