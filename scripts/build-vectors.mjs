#!/usr/bin/env node
// Build @ocauth/vectors (packages/vectors) from the repository's vectors/ — the single source of truth,
// which the tests read in place. Copies the data and, per JSON file, adds what a consumer without
// ocauth's code needs (packages/vectors/manifest.json): `schema` (the file kind's JSON Schema in
// schemas/), each test group's `type`, and a Wycheproof-style `notes` map explaining every flag used
// (a file's own notes win; a string note moves to `header`). Writes index.json listing every file.
// Refuses (exit 1): a JSON file without a kind, a flag without a note, an invalid or acceptable case
// without a comment (its reason in words), a numberOfTests that does not match, a missing spec example.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(repo, 'vectors');
const pkg = join(repo, 'packages', 'vectors');
// Optional output directory (tests build a private copy there); default: the package itself.
const out = resolve(process.argv[2] ?? pkg);
const manifest = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8'));
const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const DATA_DIRS = readdirSync(src)
  .filter((d) => statSync(join(src, d)).isDirectory())
  .sort();
// Not shipped: the full specification text (the section 4 examples are; the text is Microsoft's and
// not needed to use the vectors), generator-only scratch.
const EXCLUDE = [/^spec\/MS-OCAUTHWS\.txt$/];
const errors = [];

mkdirSync(out, { recursive: true });
for (const d of DATA_DIRS) rmSync(join(out, d), { recursive: true, force: true });
for (const d of DATA_DIRS) cpSync(join(src, d), join(out, d), { recursive: true, filter: (f) => !EXCLUDE.some((re) => re.test(relative(src, f))) });
if (out !== pkg)
  for (const f of ['schemas', 'test.py', 'README.md', 'LICENSE', 'package.json'])
    if (existsSync(join(pkg, f))) cpSync(join(pkg, f), join(out, f), { recursive: true });

const spec = readdirSync(join(out, 'spec')).filter((f) => /^4\.[1-6]-.*-(request|response)\.xml$/.test(f));
if (spec.length !== 12) errors.push(`spec/: expected the 12 MS-OCAUTHWS section 4 request/response examples, found ${spec.length}`);

const walk = (d) =>
  readdirSync(d).flatMap((n) => {
    const f = join(d, n);
    return statSync(f).isDirectory() ? walk(f) : f.endsWith('.json') ? [f] : [];
  });
const index = [];
for (const file of DATA_DIRS.flatMap((d) => walk(join(out, d))).sort()) {
  const rel = relative(out, file);
  const kind = manifest.files[rel];
  if (!kind) {
    errors.push(`${rel}: no entry in packages/vectors/manifest.json (schema and test-group type)`);
    continue;
  }
  if (!existsSync(join(pkg, 'schemas', `${kind.schema}.schema.json`))) errors.push(`${rel}: schema ${kind.schema} has no schemas/${kind.schema}.schema.json`);
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const header = [...(j.header ?? []), ...(typeof j.notes === 'string' ? [j.notes] : [])];
  const notes = typeof j.notes === 'object' && j.notes ? { ...j.notes } : {};
  let count = 0;
  const types = new Set();
  for (const g of j.testGroups ?? []) {
    g.type ??= kind.type;
    types.add(g.type);
    for (const t of g.tests ?? []) {
      count++;
      for (const f of t.flags ?? []) {
        if (notes[f] !== undefined) continue;
        if (manifest.flags[f] === undefined) errors.push(`${rel} tcId ${t.tcId}: flag ${f} has no note in manifest.json`);
        else notes[f] = manifest.flags[f];
      }
      if (t.result !== 'valid' && !(typeof t.comment === 'string' && /[a-z]{3,}/i.test(t.comment.replace(/\bERR_[A-Z0-9_]+\b/g, ''))))
        errors.push(`${rel} tcId ${t.tcId}: a ${t.result} case needs its reason in words (comment), received ${JSON.stringify(t.comment)}`);
    }
    // group keys first, then type, tests last (as Wycheproof writes them)
    const { tests, type, ...rest } = g;
    for (const k of Object.keys(g)) delete g[k];
    Object.assign(g, { type, ...rest, tests });
  }
  if (j.numberOfTests !== count) errors.push(`${rel}: numberOfTests ${j.numberOfTests}, counted ${count}`);
  const { algorithm, testGroups, notes: _n, header: _h, ...restTop } = j;
  const shaped = { algorithm, schema: `${kind.schema}.schema.json`, ...restTop, ...(header.length ? { header } : {}), notes, testGroups };
  writeFileSync(file, JSON.stringify(shaped, null, 2) + '\n');
  index.push({ path: rel, schema: `schemas/${kind.schema}.schema.json`, algorithm, numberOfTests: count, testGroupTypes: [...types] });
}
writeFileSync(join(out, 'index.json'), JSON.stringify({ name: '@ocauth/vectors', version, files: index }, null, 2) + '\n');
if (errors.length) {
  console.error(`build-vectors: ${errors.length} problem(s):\n  ${errors.join('\n  ')}`);
  process.exit(1);
}
console.log(`build-vectors: ${index.length} JSON files (${index.reduce((n, f) => n + f.numberOfTests, 0)} tests) + ${spec.length} spec examples -> ${out}`);
