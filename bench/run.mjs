#!/usr/bin/env node
// `pnpm bench [filter]`: runs every packages/*/bench/*.bench.mjs and conformance/bench/*.bench.mjs.
// Each bench module exports `default async function (h)` returning rows from h.compare / h.throughput.
// Writes bench/results.json (gitignored) and prints ratios against the same-run references.
import { readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as harness from './harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv[2];
const dirs = [...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'bench')), join(root, 'conformance', 'bench')];
const files = dirs.filter(existsSync).flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.bench.mjs'))
    .map((f) => join(d, f)),
);
const all = [];
let missed = 0;
for (const f of files) {
  const rel = relative(root, f);
  if (filter && !rel.includes(filter)) continue;
  console.log(`\n${rel}`);
  const mod = await import(pathToFileURL(f).href);
  const rows = await mod.default(harness);
  console.log(harness.formatRows(rows));
  for (const r of rows) {
    all.push({ file: rel, ...r });
    if (r.met === false) missed++;
  }
}
writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify({ node: process.version, date: new Date().toISOString(), rows: all }, null, 2));
console.log(`\n${all.length} benchmark rows, ${missed} below target (bench/results.json)`);
