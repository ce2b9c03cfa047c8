// The spec map: every registry entry that a server implements names its implementing files, those files
// exist and cite the section, and conformance/SPEC-MAP.md is what the registry generates.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../src/index.js';
import { CLIENT_ONLY_IDS } from '../src/internal/suite.js';
import { IMPLEMENTED_BY, implementedBy, specMapMarkdown } from '../src/internal/spec-map.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cites = (file: string, section: string) => new RegExp(`(?<![\\d.])${section.replace(/\./g, '\\.')}(?![.\\d])`).test(readFileSync(root + file, 'utf8'));
// Files that implement a section without citing it yet (owned by other work in progress). The test below
// fails when one of them gains its citation, so the list can only shrink.
const KNOWN_UNCITED: readonly string[] = [
  '3.1.3 packages/certprov/src/internal/ca.ts',
  '3.1.4.1.2.2 packages/certprov/src/internal/handler.ts',
  '3.1.4.1.5.2 packages/certprov/src/internal/handler.ts',
];

describe('spec map', () => {
  it('every server-side requirement names implementing files that exist', () => {
    const missing = ALL_CHECKS.filter((r) => (r.category ?? 'requirement') === 'requirement' && !CLIENT_ONLY_IDS.has(r.id) && implementedBy(r.section).length === 0).map((r) => `${r.id} (${r.section})`);
    expect(missing).toEqual([]);
    for (const files of Object.values(IMPLEMENTED_BY)) for (const f of files) expect(existsSync(root + f), f).toBe(true);
  });
  it('each implementing file cites its section', () => {
    const uncited = Object.entries(IMPLEMENTED_BY).flatMap(([s, files]) => files.filter((f) => !cites(f, s)).map((f) => `${s} ${f}`));
    expect(uncited.sort()).toEqual([...KNOWN_UNCITED].sort());
  });
  it('conformance/SPEC-MAP.md is generated from the registry (node conformance/scripts/spec-map.mjs)', () => {
    const md = specMapMarkdown(ALL_CHECKS, (r) => (CLIENT_ONLY_IDS.has(r.id) ? 'client-only' : 'check'));
    expect(readFileSync(root + 'conformance/SPEC-MAP.md', 'utf8')).toBe(md);
    expect(md).toContain('| 3.1.4.1.5.2 |');
  });
});
