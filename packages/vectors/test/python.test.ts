// The vectors replayed in a second language: packages/vectors/test.py (Debian's python3, standard library
// only) validates every file against its JSON Schema and replays P_SHA1 / P_hash, the computed keys, the
// TLS-DSK key blocks and the c14n corpora's published digests from the schema's descriptions alone.
// Built into a private directory from vectors/ (the source of truth), then deliberately corrupted copies
// must make it fail.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const python = spawnSync('python3', ['--version']).error === undefined;
let dir: string;
const py = (d: string) => spawnSync('python3', [join(d, 'test.py'), d], { encoding: 'utf8', timeout: 60_000 });
const editJson = (d: string, rel: string, edit: (j: any) => void) => {
  const f = join(d, rel);
  const j = JSON.parse(readFileSync(f, 'utf8'));
  edit(j);
  writeFileSync(f, JSON.stringify(j));
};
const mutant = (name: string) => {
  const d = join(dir, name);
  cpSync(join(dir, 'pkg'), d, { recursive: true });
  return d;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocauth-vectors-'));
  const b = spawnSync(process.execPath, [join(repo, 'scripts/build-vectors.mjs'), join(dir, 'pkg')], { encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(python || process.env.CI === 'true')('@ocauth/vectors replayed by python3 test.py', () => {
  it('every file is valid against its schema and the P_SHA1, computed-key, TLS-DSK and c14n files replay', () => {
    const r = py(join(dir, 'pkg'));
    expect(r.stderr).toBe('');
    expect(r.status, r.stdout).toBe(0);
    const out = r.stdout;
    const files = Object.keys(JSON.parse(readFileSync(join(repo, 'packages/vectors/manifest.json'), 'utf8')).files).length;
    expect(out).toMatch(new RegExp(`^OK ${files} files \\(\\d+ tests\\) valid against their schemas; 6 replayed in Python$`, 'm'));
    expect(out).toMatch(/^ok {3}psha1\/psha1\.json: schema p-hash\.schema\.json, 19 valid cases replayed \(P_hash\), 4 refusals documented$/m);
    expect(out).toMatch(/^ok {3}psha1\/p-hash\.json: .*24 valid cases replayed/m);
    expect(out).toMatch(/^ok {3}psha1\/computed-key\.json: .*4 valid cases replayed \(key-size rule \+ P_SHA1\), 5 refusals documented/m);
    expect(out).toMatch(/^ok {3}wstrust\/computed-key-psha1\.json: .*4 valid cases replayed/m);
    expect(out).toMatch(/^ok {3}authbroker\/tls-dsk-key-block\.json: .*8 cases replayed \(TLS PRF key block, signing keys\)/m);
    expect(out).toMatch(/^ok {3}c14n\/corpora\.json: .*162 outputs in canonical form, 66 checked against the signature's digests/m);
    expect(out).not.toMatch(/^FAIL/m);
  });

  it('fails on a wrong P_SHA1 output, key block, c14n output, missing flag note, reason-less invalid case, or schema violation', () => {
    let d = mutant('psha1');
    editJson(d, 'psha1/psha1.json', (j) => {
      const t = j.testGroups[0].tests[0];
      t.outputHex = (t.outputHex[0] === '0' ? '1' : '0') + t.outputHex.slice(1);
    });
    let r = py(d);
    expect([r.status, r.stdout]).toEqual([1, expect.stringMatching(/FAIL psha1\/psha1\.json tcId 1: P_SHA1 gives/)]);

    d = mutant('keyblock');
    editJson(d, 'authbroker/tls-dsk-key-block.json', (j) => {
      const t = j.testGroups[0].tests[4];
      t.serverSigningKey = t.clientSigningKey;
    });
    r = py(d);
    expect([r.status, r.stdout]).toEqual([1, expect.stringMatching(/FAIL authbroker\/tls-dsk-key-block\.json tcId 5: TLSv1\.2 key block/)]);

    d = mutant('c14n');
    const f = join(d, 'c14n/xmlsec/merlin-c14n-three/c14n-3.txt');
    writeFileSync(f, readFileSync(f, 'utf8').replace('>', '> '));
    r = py(d);
    expect([r.status, r.stdout]).toEqual([
      1,
      expect.stringMatching(/FAIL c14n\/corpora\.json tcId 77: xmlsec\/merlin-c14n-three\/c14n-3\.txt hashes to no DigestValue/),
    ]);

    d = mutant('notes');
    editJson(d, 'wstrust/ws-security-hmac.json', (j) => {
      delete j.notes.SignatureWrapping;
    });
    r = py(d);
    expect([r.status, r.stdout]).toEqual([
      1,
      expect.stringMatching(/FAIL wstrust\/ws-security-hmac\.json tcId \d+: flag SignatureWrapping is not explained in notes/),
    ]);

    d = mutant('reason');
    editJson(d, 'psha1/computed-key.json', (j) => {
      j.testGroups[0].tests.find((t: { result: string }) => t.result === 'invalid').comment = '';
    });
    r = py(d);
    expect([r.status, r.stdout]).toEqual([
      1,
      expect.stringMatching(/FAIL schema: psha1\/computed-key\.json\.testGroups\[0\]\.tests\[\d+\]\.comment: shorter than 1/),
    ]);

    d = mutant('schema');
    editJson(d, 'certprov/csr-policy.json', (j) => {
      j.testGroups[0].tests[0].csrBas64 = 'x';
    });
    r = py(d);
    expect([r.status, r.stdout]).toEqual([
      1,
      expect.stringMatching(/FAIL schema: certprov\/csr-policy\.json\.testGroups\[0\]\.tests\[0\]\.csrBas64: not allowed/),
    ]);
  });

  it('the build refuses a flag without a note and an invalid case without its reason', () => {
    const src = join(dir, 'src');
    // a private repository layout: scripts/, packages/vectors (manifest, schemas), vectors/ (data)
    for (const p of ['scripts/build-vectors.mjs', 'packages/vectors/manifest.json', 'packages/vectors/package.json', 'packages/vectors/schemas', 'vectors'])
      cpSync(join(repo, p), join(src, p), { recursive: true });
    editJson(src, 'vectors/psha1/computed-key.json', (j) => {
      j.testGroups[0].tests[8].comment = 'ERR_PSHA1_EMPTY_ENTROPY';
      j.testGroups[0].tests[0].flags = ['Frobnicated'];
    });
    const b = spawnSync(process.execPath, [join(src, 'scripts/build-vectors.mjs'), join(dir, 'out')], { encoding: 'utf8' });
    expect(b.status).toBe(1);
    expect(b.stderr).toContain('psha1/computed-key.json tcId 1: flag Frobnicated has no note in manifest.json');
    expect(b.stderr).toContain('psha1/computed-key.json tcId 9: a invalid case needs its reason in words (comment), received "ERR_PSHA1_EMPTY_ENTROPY"');
  });
});
