// xmllint as an independent oracle (libxml2). xmllint's --c14n, --c14n11 and --exc-c14n always keep
// comments; cases without comments are compared on comment-free inputs.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hasTool, runTool } from '../../../testing/tools.js';
import { C14N_10, C14N_10_WITH_COMMENTS, C14N_11, C14N_11_WITH_COMMENTS, EXC_C14N, EXC_C14N_WITH_COMMENTS } from '../src/index.js';

export const XMLLINT_FLAG: Record<string, string> = {
  [C14N_10]: '--c14n',
  [C14N_10_WITH_COMMENTS]: '--c14n',
  [C14N_11]: '--c14n11',
  [C14N_11_WITH_COMMENTS]: '--c14n11',
  [EXC_C14N]: '--exc-c14n',
  [EXC_C14N_WITH_COMMENTS]: '--exc-c14n',
};

export const haveXmllint = (): boolean => hasTool('xmllint');

/** xmllint's canonical form of one document (whole document, comments kept). */
export function xmllintC14n(flag: string, xml: string): string {
  return runTool('xmllint', [flag, '-'], xml).toString('utf8');
}

/**
 * Canonicalize many documents with one xmllint process per flag: xmllint takes several files and writes
 * their canonical forms one after the other, so each document goes to its own file in a temp dir and
 * the outputs are separated by a marker document written between them.
 */
export function xmllintC14nBatch(flag: string, docs: readonly string[], dir: string): (string | { error: string })[] {
  const marker = '<ocauth-batch-marker/>';
  const files: string[] = [];
  docs.forEach((d, i) => {
    const f = `${dir}/d${i}.xml`;
    writeFileSync(f, d);
    files.push(f, `${dir}/marker.xml`);
  });
  writeFileSync(`${dir}/marker.xml`, marker);
  const r = spawnSync('xmllint', [flag, ...files], { maxBuffer: 256 * 1024 * 1024 });
  const out = r.stdout.toString('utf8');
  const parts = out.split('<ocauth-batch-marker></ocauth-batch-marker>');
  // A canonical document is never empty (it has a document element): empty output means xmllint failed.
  return docs.map((_, i) => (parts[i] ? parts[i]! : { error: r.stderr.toString('utf8') || 'no output' }));
}
