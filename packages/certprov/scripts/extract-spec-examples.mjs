#!/usr/bin/env node
// Reconstructs the MS-OCAUTHWS 4.1.1 / 4.1.2 GetAndPublishCert examples from the text extraction of
// the specification PDF. Rules (the 4.3–4.6 rules of packages/authbroker/scripts, minus their
// indentation self-check, because these examples carry indented PEM text inside BinarySecurityToken):
//  1. From the first "<s:Envelope" after the heading to "</s:Envelope>"; empty lines and page
//     footers dropped.
//  2. Each line carries one artefact leading space; a tag line's indentation is rounded down to even.
//  3. A line in column 0 continues the previous line: with one space when the previous physical line
//     ended with a space (the PDF wrapped at a space), else with nothing (it cut a token).
//  4. Trailing spaces removed; LF line ends; no newline after "</s:Envelope>".
// Usage: node packages/certprov/scripts/extract-spec-examples.mjs [--check]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const specPath = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('../../../vectors/spec/MS-OCAUTHWS.txt', import.meta.url));
const outDir = join(here, '../../../vectors/spec');
const EXAMPLES = [
  { heading: '4.1.1 Request', file: '4.1-get-and-publish-cert-request.xml' },
  { heading: '4.1.2 Response', file: '4.1-get-and-publish-cert-response.xml' },
];
const lines = readFileSync(specPath, 'utf8').split('\n');
let bad = 0;
for (const ex of EXAMPLES) {
  const h = lines.findIndex((l) => l.trim() === ex.heading);
  if (h < 0) throw new Error(`heading not found: ${ex.heading}`);
  const start = lines.findIndex((l, i) => i > h && l.includes('<s:Envelope'));
  const end = lines.findIndex((l, i) => i > start && l.includes('</s:Envelope>'));
  // Page footers ("NN / 92", "[MS-OCAUTHWS] ...", "Copyright ...") may fall inside an example.
  const body = lines.slice(start, end + 1).filter((l) => !/^\s*\d+ \/ \d+\s*$/.test(l) && !/^\s*\[MS-OCAUTHWS\]/.test(l) && !/Copyright ©|Release: /.test(l));
  const xml = reconstruct41(body);
  const p = join(outDir, ex.file);
  if (process.argv.includes('--check')) {
    const same = existsSync(p) && readFileSync(p, 'utf8') === xml;
    if (!same) bad++;
    console.log(`${same ? 'ok  ' : 'DIFF'} ${ex.file}`);
  } else {
    writeFileSync(p, xml);
    console.log(`wrote ${p} (${xml.length} bytes)`);
  }
}
process.exit(bad ? 1 : 0);

function reconstruct41(lines) {
  const out = [];
  let prevRaw = '';
  for (const raw of lines) {
    if (raw.trim().length === 0) continue;
    const content = raw.replace(/^ +/, '').replace(/ +$/, '');
    if (!raw.startsWith(' ') && out.length > 0) {
      out[out.length - 1] += (prevRaw.endsWith(' ') ? ' ' : '') + content;
    } else {
      let indent = Math.max(0, raw.length - raw.trimStart().length - 1);
      if (content.startsWith('<') && indent % 2 === 1) indent -= 1;
      out.push(' '.repeat(indent) + content);
    }
    prevRaw = raw;
  }
  return out.join('\n');
}
