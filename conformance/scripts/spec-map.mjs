// Writes conformance/SPEC-MAP.md from the registry (run after `pnpm build`; `--check` compares instead).
import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_CHECKS } from '../dist/index.js';
import { specMapMarkdown, statementTableMarkdown } from '../dist/internal/spec-map.js';
import { CLIENT_ONLY_IDS } from '../dist/internal/checks/index.js';
import { normativeStatements } from '../dist/internal/spec-statements.js';
import { STATEMENT_MAP } from '../dist/internal/spec-statement-map.js';

const file = new URL('../SPEC-MAP.md', import.meta.url);
const spec = readFileSync(new URL('../../vectors/spec/MS-OCAUTHWS.txt', import.meta.url), 'utf8');
const md =
  specMapMarkdown(ALL_CHECKS, (r) => (CLIENT_ONLY_IDS.has(r.id) ? 'client-only' : 'check')) + statementTableMarkdown(normativeStatements(spec), STATEMENT_MAP);
if (process.argv.includes('--check')) {
  const ok = readFileSync(file, 'utf8') === md;
  console.log(ok ? 'ok SPEC-MAP.md' : 'DIFFERS SPEC-MAP.md');
  process.exit(ok ? 0 : 1);
}
writeFileSync(file, md);
console.log(`wrote SPEC-MAP.md (${md.split('\n').length} lines)`);
