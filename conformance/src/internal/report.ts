// Running a whole conformance pass and reporting it: progress lines, the final table, JSON and JUnit,
// and the verdict (a MUST that could not be checked is never reported as passing).
import { ALL_CHECKS } from './checks/index.js';
import { RunContext } from './context.js';
import { exitCodeFor, mustVerdict, runRequirements, type Requirement, type Result } from './requirements.js';
import type { Target } from './target.js';

export interface ConformanceReport {
  target: string;
  startedAt: string;
  ms: number;
  /** true: a MUST left unchecked fails the run (`--strict`; always for the embedded target). */
  strict: boolean;
  results: Result[];
  summary: {
    total: number;
    pass: number;
    fail: number;
    manual: number;
    clientOnly: number;
    notImplemented: number;
    /** MUSTs that failed or have no check. */
    mustFailures: string[];
    /** MUSTs that could not be checked against this target (`manual`). */
    mustUnchecked: string[];
  };
  exitCode: number;
}

/** A conformance run that cannot start (no checks selected): the command line reports it as a usage error. */
export class ConformanceUsageError extends Error {
  readonly code = 'ERR_CONFORMANCE_USAGE';
}

/**
 * Run `checks` (default: all) against `target` in order and report them; a failing check is a result, never a rejection.
 * @throws {ConformanceUsageError} ERR_CONFORMANCE_USAGE (rejects) when no checks are selected. An error thrown by the
 *   `progress` callback propagates unchanged.
 */
export async function runConformance(
  target: Target,
  opts: { checks?: readonly Requirement[]; progress?: (line: string) => void; strict?: boolean } = {},
): Promise<ConformanceReport> {
  const checks = opts.checks ?? ALL_CHECKS;
  if (checks.length === 0) throw new ConformanceUsageError('no checks selected: a run of zero checks proves nothing');
  const strict = opts.strict ?? false;
  const started = new Date();
  const t0 = performance.now();
  const ctx = new RunContext(target);
  const results = await runRequirements(ctx, checks, (r, i, n) =>
    opts.progress?.(
      `[${String(i + 1).padStart(2)}/${n}] ${r.outcome.toUpperCase().padEnd(8)} ${r.id} (${r.level}, ${r.ms.toFixed(0)} ms)${r.message ? ` — ${r.message}` : ''}`,
    ),
  );
  const c = (o: string) => results.filter((r) => r.outcome === o).length;
  const v = mustVerdict(results);
  return {
    target: target.baseUrl,
    startedAt: started.toISOString(),
    ms: performance.now() - t0,
    strict,
    results,
    summary: {
      total: results.length,
      pass: c('pass'),
      fail: c('fail'),
      manual: c('manual'),
      clientOnly: c('client-only'),
      notImplemented: c('not-implemented'),
      mustFailures: v.failed,
      mustUnchecked: v.unchecked,
    },
    exitCode: exitCodeFor(results, { strict }),
  };
}

/**
 * The last line of a run: "all MUST checks pass" only when every MUST ran and passed.
 * @throws never
 */
export function verdictLine(rep: ConformanceReport): string {
  const s = rep.summary;
  const unchecked = s.mustUnchecked.length
    ? `${s.mustUnchecked.length} MUST unchecked${rep.strict ? ' (a failure: strict run)' : ''}: ${s.mustUnchecked.join(', ')}`
    : '';
  if (s.mustFailures.length) return [`MUST failures: ${s.mustFailures.join(', ')}`, unchecked].filter(Boolean).join('\n');
  if (unchecked)
    return `${unchecked}\nnot verified: these MUSTs could not be checked against this target (give what their reason names, or --strict to fail on them)`;
  return `all MUST checks pass${s.clientOnly ? ` (${s.clientOnly} client-only rules listed above do not apply to a server)` : ''}`;
}

/**
 * The results as a text table, the counts and the verdict line.
 * @throws never
 */
export function formatTable(rep: ConformanceReport): string {
  const rows = rep.results.map((r) => [r.id, r.section, r.level, r.outcome, r.ms.toFixed(0)]);
  const head = ['id', 'section', 'level', 'status', 'ms'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ');
  const s = rep.summary;
  return [
    line(head),
    w.map((n) => '-'.repeat(n)).join('  '),
    ...rows.map(line),
    '',
    `${s.total} checks: ${s.pass} pass, ${s.fail} fail, ${s.manual} manual, ${s.clientOnly} client-only, ${s.notImplemented} not implemented; ${(rep.ms / 1000).toFixed(1)} s`,
    verdictLine(rep),
  ].join('\n');
}

const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/**
 * The results as JUnit XML (a failed or unimplemented requirement, and under `strict` an unchecked MUST, is a failure).
 * @throws never
 */
export function toJUnit(rep: ConformanceReport): string {
  const failing = (r: Result) => r.outcome === 'fail' || r.outcome === 'not-implemented' || (rep.strict && r.level === 'MUST' && r.outcome === 'manual');
  const cases = rep.results.map((r) => {
    const inner = failing(r)
      ? `<failure message="${x(r.message ?? r.outcome)}" type="${r.level}${r.outcome === 'manual' ? ' unchecked' : ''}"/>`
      : r.outcome === 'manual' || r.outcome === 'client-only'
        ? `<skipped message="${x(`${r.outcome}: ${r.message ?? ''}`)}"/>`
        : '';
    return `<testcase classname="ocauth.conformance.${x(r.section)}" name="${x(`${r.id} (${r.level})`)}" time="${(r.ms / 1000).toFixed(3)}">${inner}</testcase>`;
  });
  const failures = rep.results.filter(failing).length;
  const skipped = rep.results.filter((r) => (r.outcome === 'manual' || r.outcome === 'client-only') && !failing(r)).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="ocauth conformance ${x(rep.target)}" tests="${rep.results.length}" failures="${failures}" skipped="${skipped}" time="${(rep.ms / 1000).toFixed(3)}" timestamp="${rep.startedAt}">${cases.join('')}</testsuite></testsuites>\n`;
}
