// Running a whole conformance pass and reporting it: progress lines, the final table, JSON and JUnit.
import { ALL_CHECKS } from './suite.js';
import { RunContext } from './context.js';
import { exitCodeFor, runRequirements, type Requirement, type Result } from './requirements.js';
import type { Target } from './target.js';

export interface ConformanceReport {
  target: string;
  startedAt: string;
  ms: number;
  results: Result[];
  summary: { total: number; pass: number; fail: number; manual: number; notImplemented: number; mustFailures: string[] };
  exitCode: number;
}

export async function runConformance(target: Target, opts: { checks?: readonly Requirement[]; progress?: (line: string) => void } = {}): Promise<ConformanceReport> {
  const started = new Date();
  const t0 = performance.now();
  const ctx = new RunContext(target);
  const results = await runRequirements(ctx, opts.checks ?? ALL_CHECKS, (r, i, n) =>
    opts.progress?.(`[${String(i + 1).padStart(2)}/${n}] ${r.outcome.toUpperCase().padEnd(8)} ${r.id} (${r.level}, ${r.ms.toFixed(0)} ms)${r.message ? ` — ${r.message}` : ''}`),
  );
  const c = (o: string) => results.filter((r) => r.outcome === o).length;
  return {
    target: target.baseUrl, startedAt: started.toISOString(), ms: performance.now() - t0, results,
    summary: { total: results.length, pass: c('pass'), fail: c('fail'), manual: c('manual'), notImplemented: c('not-implemented'), mustFailures: results.filter((r) => r.level === 'MUST' && (r.outcome === 'fail' || r.outcome === 'not-implemented')).map((r) => r.id) },
    exitCode: exitCodeFor(results),
  };
}

export function formatTable(rep: ConformanceReport): string {
  const rows = rep.results.map((r) => [r.id, r.section, r.level, r.outcome, r.ms.toFixed(0)]);
  const head = ['id', 'section', 'level', 'status', 'ms'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ');
  const s = rep.summary;
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line), '',
    `${s.total} checks: ${s.pass} pass, ${s.fail} fail, ${s.manual} manual, ${s.notImplemented} not implemented; ${(rep.ms / 1000).toFixed(1)} s`,
    s.mustFailures.length ? `MUST failures: ${s.mustFailures.join(', ')}` : 'all MUST checks pass (manual ones listed above need a human)',
  ].join('\n');
}

const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export function toJUnit(rep: ConformanceReport): string {
  const cases = rep.results.map((r) => {
    const inner = r.outcome === 'fail' || r.outcome === 'not-implemented'
      ? `<failure message="${x(r.message ?? r.outcome)}" type="${r.level}"/>`
      : r.outcome === 'manual' ? `<skipped message="${x(`manual: ${r.message ?? ''}`)}"/>` : '';
    return `<testcase classname="ocauth.conformance.${x(r.section)}" name="${x(`${r.id} (${r.level})`)}" time="${(r.ms / 1000).toFixed(3)}">${inner}</testcase>`;
  });
  const s = rep.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="ocauth conformance ${x(rep.target)}" tests="${s.total}" failures="${s.fail + s.notImplemented}" skipped="${s.manual}" time="${(rep.ms / 1000).toFixed(3)}" timestamp="${rep.startedAt}">${cases.join('')}</testsuite></testsuites>\n`;
}
