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
} else {
  process.stderr.write('usage: ocauth conformance [--target URL]\n');
  process.exitCode = 2;
}
