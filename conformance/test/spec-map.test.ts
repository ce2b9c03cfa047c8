// The spec map: every registry entry that a server implements names its implementing files, those files
// exist and cite the section, and conformance/SPEC-MAP.md is what the registry generates.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../src/index.js';
import { CLIENT_ONLY_IDS } from '../src/internal/checks/index.js';
import { IMPLEMENTED_BY, implementedBy, specMapMarkdown, statementTableMarkdown } from '../src/internal/spec-map.js';
import { normativeStatements } from '../src/internal/spec-statements.js';
import { STATEMENT_MAP } from '../src/internal/spec-statement-map.js';
import { specText } from '../../testing/spec.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cites = (file: string, section: string) => new RegExp(`(?<![\\d.])${section.replace(/\./g, '\\.')}(?![.\\d])`).test(readFileSync(root + file, 'utf8'));
// Files that implement a section without citing it yet (owned by other work in progress). The test below
// fails when one of them gains its citation, so the list can only shrink.
const KNOWN_UNCITED: readonly string[] = [];

describe('spec map', () => {
  it('every server-side requirement names implementing files that exist', () => {
    const missing = ALL_CHECKS.filter(
      (r) => (r.category ?? 'requirement') === 'requirement' && !CLIENT_ONLY_IDS.has(r.id) && implementedBy(r.section).length === 0,
    ).map((r) => `${r.id} (${r.section})`);
    expect(missing).toEqual([]);
    for (const files of Object.values(IMPLEMENTED_BY)) for (const f of files) expect(existsSync(root + f), f).toBe(true);
  });
  it('each implementing file cites its section', () => {
    const uncited = Object.entries(IMPLEMENTED_BY).flatMap(([s, files]) => files.filter((f) => !cites(f, s)).map((f) => `${s} ${f}`));
    expect(uncited.sort()).toEqual([...KNOWN_UNCITED].sort());
  });
  it('conformance/SPEC-MAP.md is generated from the registry (node conformance/scripts/spec-map.mjs)', () => {
    const md =
      specMapMarkdown(ALL_CHECKS, (r) => (CLIENT_ONLY_IDS.has(r.id) ? 'client-only' : 'check')) +
      statementTableMarkdown(normativeStatements(specText()), STATEMENT_MAP);
    expect(readFileSync(root + 'conformance/SPEC-MAP.md', 'utf8')).toBe(md);
    expect(md).toContain('| 3.1.4.1.5.2 |');
  });
});

describe('normative statements (spec-statements.ts rule) → registry', () => {
  const statements = normativeStatements(specText());
  const ids = new Set(ALL_CHECKS.map((r) => r.id));
  const map = new Map(STATEMENT_MAP);
  it('the rule finds the statements of every kind, each key once', () => {
    const kinds = Object.fromEntries(
      ['keyword', 'error-table', 'oauth2', 'response-code', 'document', 'operation-table'].map((k) => [k, statements.filter((s) => s.kind === k).length]),
    );
    expect(kinds).toEqual({ keyword: 65, 'error-table': 25, oauth2: 5, 'response-code': 12, document: 4, 'operation-table': 7 });
    expect(new Set(statements.map((s) => s.key)).size).toBe(statements.length);
    expect(statements.map((s) => s.key)).toContain('3.2.4.1 403 28000 User is not SIP');
  });
  it('every normative statement has a registry entry, and every entry it names exists', () => {
    expect(statements.filter((s) => !map.get(s.key)?.length).map((s) => s.key)).toEqual([]);
    expect(STATEMENT_MAP.flatMap(([k, v]) => v.filter((id) => !ids.has(id)).map((id) => `${k} → ${id}`))).toEqual([]);
  });
  it('no row of the table is stale (its statement is still extracted)', () => {
    const keys = new Set(statements.map((s) => s.key));
    expect(STATEMENT_MAP.map(([k]) => k).filter((k) => !keys.has(k))).toEqual([]);
  });
});
