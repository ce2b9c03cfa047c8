#!/usr/bin/env node
import { runRequirements, exitCodeFor } from './internal/requirements.js';

const [cmd, ...rest] = process.argv.slice(2);
function flag(name: string): string | undefined { const i = rest.indexOf(`--${name}`); return i >= 0 ? rest[i + 1] : undefined; }

if (cmd === 'conformance') {
  const baseUrl = flag('target') ?? '';
  if (!baseUrl) process.stdout.write('note: embedded reference server not available yet (@ocauth/server has not landed); checks not run\n');
  const results = await runRequirements({ baseUrl }, undefined, (r) => process.stdout.write(`${r.outcome.padEnd(16)} ${r.id} (${r.level})\n`));
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  process.stdout.write(`total ${results.length}, pass ${count('pass')}, fail ${count('fail')}, not-implemented ${count('not-implemented')}\n`);
  process.exitCode = exitCodeFor(results);
} else if (cmd === 'vectors') {
  // Structural self-check only: every vectors/**/*.json parses and each case has tcId and result.
  // Replaying the cases against the implementations is NOT done yet.
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = flag('dir') ?? 'vectors';
  let bad = 0;
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => { const f = join(d, n); return statSync(f).isDirectory() ? walk(f) : f.endsWith('.json') ? [f] : []; });
  for (const f of walk(root)) {
    try {
      const j = JSON.parse(readFileSync(f, 'utf8')) as { testGroups?: { tests?: unknown[] }[]; tests?: unknown[] };
      const cases = [...(j.tests ?? []), ...(j.testGroups ?? []).flatMap((g) => g.tests ?? [])] as { tcId?: unknown; result?: unknown }[];
      const missing = cases.filter((c) => c.tcId === undefined || c.result === undefined).length;
      if (cases.length === 0 || missing) { bad++; process.stdout.write(`FAIL ${f}: ${cases.length} cases, ${missing} without tcId/result\n`); }
      else process.stdout.write(`ok   ${f}: ${cases.length} cases (structure only)\n`);
    } catch (e) { bad++; process.stdout.write(`FAIL ${f}: ${e instanceof Error ? e.message : String(e)}\n`); }
  }
  process.exitCode = bad ? 1 : 0;
} else {
  process.stderr.write('usage: ocauth conformance [--target URL] | ocauth vectors [--dir DIR]\n');
  process.exitCode = 2;
}
