#!/usr/bin/env node
// Copy the repository's vectors/ (the single source of truth, read by the tests in place) into a
// package directory before it is packed: `node ../scripts/copy-vectors.mjs [--only spec,psha1] DEST`.
// Fails (exit 1) if the source or any spec example is missing: a package must never ship without them.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(repo, 'vectors');
const args = process.argv.slice(2);
const dest = resolve(args.at(-1) ?? '');
if (!args.length || !existsSync(src)) {
  console.error(`copy-vectors: expected DEST and ${src}, received ${JSON.stringify(args)}`);
  process.exit(1);
}
const spec = readdirSync(join(src, 'spec')).filter((f) => /^4\.[1-6]-.*-(request|response)\.xml$/.test(f));
if (spec.length !== 12) {
  console.error(`copy-vectors: expected the 12 MS-OCAUTHWS section 4 request/response examples in ${join(src, 'spec')}, found ${spec.length}`);
  process.exit(1);
}
rmSync(dest, { recursive: true, force: true });
// the full specification text is Microsoft's and not needed by the CLI (the section 4 examples are)
cpSync(src, dest, { recursive: true, filter: (f) => !/(^|\/)(node_modules|\.DS_Store)$/.test(f) && !/spec\/MS-OCAUTHWS\.txt$/.test(f) });
console.log(`copy-vectors: ${src} -> ${dest}`);
