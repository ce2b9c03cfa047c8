// The repository's copy of the specification text (vectors/spec/MS-OCAUTHWS.txt) and the one rule that
// turns a document printed in it back into its lines (vectors/spec/README.md): blank lines, page footers and
// the one-space margin dropped; a line that does not start with "<" continues the previous one, joined with one
// space when it starts an attribute (name=), else with nothing (a URL or name the PDF wrapped). Used by
// packages/wstrust/scripts/extract-wsdl.mjs (6.2) and packages/server/scripts/extract-spec-documents.mjs
// (6.1, 6.3, 1.5).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SPEC_PATH = fileURLToPath(new URL('../vectors/spec/MS-OCAUTHWS.txt', import.meta.url));

/** The specification text, one entry a line. */
export function specLines() {
  return readFileSync(SPEC_PATH, 'utf8').split('\n');
}

/** The printed document on lines `from`..`to` (inclusive) of `lines`, reconstructed line by line. */
export function reconstructLines(lines, from, to) {
  const out = [];
  for (const raw of lines.slice(from, to + 1)) {
    const l = raw.replace(/\s+$/, '');
    if (l.trim() === '' || /^\d+ \/ \d+$/.test(l.trim()) || l.startsWith('[MS-OCAUTHWS]') || l.startsWith('Copyright')) continue;
    const body = l.startsWith(' ') ? l.slice(1) : l;
    if (out.length > 0 && !/^\s*</.test(body)) {
      const t = body.trim();
      out[out.length - 1] += (/^[\w:.-]+=/.test(t) ? ' ' : '') + t;
    } else out.push(body);
  }
  return out;
}
