// Writes conformance/SPEC-MAP.md from the registry (run after `pnpm build`; `--check` compares instead).
import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_CHECKS } from '../dist/index.js';
import { specMapMarkdown } from '../dist/internal/spec-map.js';
import { CLIENT_ONLY_IDS } from '../dist/internal/checks/index.js';

const file = new URL('../SPEC-MAP.md', import.meta.url);
const md = specMapMarkdown(ALL_CHECKS, (r) => (CLIENT_ONLY_IDS.has(r.id) ? 'client-only' : 'check'));
if (process.argv.includes('--check')) {
  const ok = readFileSync(file, 'utf8') === md;
  console.log(ok ? 'ok SPEC-MAP.md' : 'DIFFERS SPEC-MAP.md');
  process.exit(ok ? 0 : 1);
}
writeFileSync(file, md);
console.log(`wrote SPEC-MAP.md (${md.split('\n').length} lines)`);
