#!/usr/bin/env node
// Reconstructs the MS-OCAUTHWS section 4.3–4.6 examples (Authentication Broker) byte-exact from the
// text extraction of the specification PDF. Rules (documented in vectors/spec/README-authbroker.md):
//  1. An example runs from the first line containing "<s:Envelope" after its heading to the line
//     containing "</s:Envelope>".
//  2. Empty lines are extraction artefacts (the PDF has none inside examples): dropped.
//  3. Every extracted line carries one artefact leading space; a line at the top of a PDF page carries
//     one more. Original indentation = leading spaces − 1, and − 1 again when that is odd (the examples
//     indent by two spaces per level; checked below against the element depth of every line).
//  4. A line that starts in column 0 continues the previous line (the PDF wrapped it). When the
//     previous physical line ends with a space, the wrap happened at a space: join with one space;
//     otherwise the wrap cut a token (URI, base64, tag name): join with nothing. A whitespace-only line
//     followed by a column-0 line is that line's indentation. Exception: a column-0 line starting with
//     "<" after a complete line (ending ">") is a line of its own (4.6.2's closing "</s:Envelope>").
//  5. Trailing spaces (one artefact space after every line) are removed; lines are joined with LF;
//     no newline after the closing "</s:Envelope>".
// Usage: node scripts/extract-spec-examples.mjs [spec.txt] [outDir]   (--check: compare, don't write)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const check = process.argv.includes('--check');
const specPath = args[0] ?? fileURLToPath(new URL('../../../vectors/spec/MS-OCAUTHWS.txt', import.meta.url));
const outDir = args[1] ?? join(here, '../../../vectors/spec');

export const EXAMPLES = [
  { heading: '4.3.1 Request', file: '4.3-create-auth-broker-session-request.xml' },
  { heading: '4.3.2 Response', file: '4.3-create-auth-broker-session-response.xml' },
  { heading: '4.4.1 Request', file: '4.4-terminate-auth-broker-session-request.xml' },
  { heading: '4.4.2 Response', file: '4.4-terminate-auth-broker-session-response.xml' },
  { heading: '4.5.1 Request', file: '4.5-auth-broker-acquire-credential-request.xml' },
  { heading: '4.5.2 Response', file: '4.5-auth-broker-acquire-credential-response.xml' },
  { heading: '4.6.1 Request', file: '4.6-auth-broker-negotiate-security-association-request.xml' },
  { heading: '4.6.2 Response', file: '4.6-auth-broker-negotiate-security-association-response.xml' },
];

export function reconstruct(lines) {
  const out = []; // { indent, text }
  let prevRaw = '';
  let pendingIndent; // from a whitespace-only line
  for (const raw of lines) {
    if (raw.length === 0) continue;
    if (/^\s+$/.test(raw)) {
      pendingIndent = Math.max(0, raw.length - 1);
      prevRaw = raw;
      continue;
    }
    const col0 = !raw.startsWith(' ');
    const content = raw.replace(/^ +/, '').replace(/ +$/, '');
    if (pendingIndent !== undefined) {
      out.push({ indent: pendingIndent, text: content });
      pendingIndent = undefined;
    } else if (col0 && out.length > 0 && !(content.startsWith('<') && /> ?$/.test(prevRaw))) {
      const last = out[out.length - 1];
      last.text += (prevRaw.endsWith(' ') ? ' ' : '') + content;
    } else {
      let indent = raw.length - raw.trimStart().length - 1;
      if (indent < 0) indent = 0;
      if (indent % 2 === 1) indent -= 1;
      out.push({ indent, text: content });
    }
    prevRaw = raw;
  }
  // Self-check: indentation is two spaces per element depth.
  let depth = 0;
  for (const l of out) {
    const closes = /^<\//.test(l.text);
    const expected = 2 * (closes ? depth - 1 : depth);
    if (l.indent !== expected) throw new Error(`indentation ${l.indent} ≠ ${expected} at: ${l.text.slice(0, 60)}`);
    const opens = (l.text.match(/<[A-Za-z][^>]*?(?<!\/)>/g) ?? []).length;
    const ends = (l.text.match(/<\/[^>]+>/g) ?? []).length;
    depth += opens - ends;
  }
  if (depth !== 0) throw new Error(`unbalanced example (depth ${depth})`);
  return out.map((l) => ' '.repeat(l.indent) + l.text).join('\n');
}

export function extractAll(specText) {
  const lines = specText.split('\n');
  const result = [];
  for (const ex of EXAMPLES) {
    const h = lines.findIndex((l) => l.trim() === ex.heading);
    if (h < 0) throw new Error(`heading not found: ${ex.heading}`);
    const start = lines.findIndex((l, i) => i > h && l.includes('<s:Envelope'));
    const end = lines.findIndex((l, i) => i > start && l.includes('</s:Envelope>'));
    result.push({ ...ex, xml: reconstruct(lines.slice(start, end + 1)) });
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const all = extractAll(readFileSync(specPath, 'utf8'));
  let bad = 0;
  for (const ex of all) {
    const p = join(outDir, ex.file);
    if (check) {
      const same = existsSync(p) && readFileSync(p, 'utf8') === ex.xml;
      if (!same) bad++;
      console.log(`${same ? 'ok  ' : 'DIFF'} ${ex.file}`);
    } else {
      writeFileSync(p, ex.xml);
      console.log(`wrote ${p} (${ex.xml.length} bytes)`);
    }
  }
  process.exit(bad ? 1 : 0);
}
