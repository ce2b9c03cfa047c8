// Runs requirement checks against a target and reports: progress lines, a final table, JSON and
// JUnit XML. Exit code 0 only if no MUST check failed (manual and skipped are reported, not passed).
import { CheckFailed, ManualCheck, RunContext, SkipCheck } from './context.js';
import type { Kind, Level, Requirement } from './requirements.js';
import type { Target } from './target.js';

export type Status = 'pass' | 'fail' | 'manual' | 'skipped' | 'error';
export interface CheckResult { id: string; section: string; level: Level; kind: Kind; status: Status; ms: number; message?: string; text: string }
export interface Report { target: string; startedAt: string; ms: number; results: CheckResult[]; summary: Record<Status, number> & { mustFailures: number }; exitCode: 0 | 1 }

/** Secrets of the target description never reach a message (defence in depth; checks do not print them). */
function redact(s: string, t: Target): string {
  let out = s;
  for (const secret of [t.pin, t.password]) if (secret && secret.length >= 3) out = out.split(secret).join('***');
  return out;
}

export async function runChecks(target: Target, checks: readonly Requirement[], opts: { progress?: (r: CheckResult, i: number, n: number) => void; context?: RunContext; only?: RegExp } = {}): Promise<Report> {
  const ctx = opts.context ?? new RunContext(target);
  const started = Date.now();
  const results: CheckResult[] = [];
  const list = opts.only ? checks.filter((c) => opts.only!.test(c.id)) : checks;
  for (const [i, r] of list.entries()) {
    const base = { id: r.id, section: r.section, level: r.level, kind: r.kind, text: r.text };
    const t0 = performance.now();
    let res: CheckResult;
    if (!r.check) res = { ...base, status: 'manual', ms: 0, message: r.manual ?? 'no automated check' };
    else {
      try {
        const note = await r.check(ctx);
        res = { ...base, status: 'pass', ms: performance.now() - t0, ...(note ? { message: redact(note, target) } : {}) };
      } catch (e) {
        const message = redact(e instanceof Error ? e.message : String(e), target);
        const status: Status = e instanceof ManualCheck ? 'manual' : e instanceof SkipCheck ? 'skipped' : e instanceof CheckFailed ? 'fail' : 'error';
        res = { ...base, status, ms: performance.now() - t0, message: status === 'error' ? `${(e as Error)?.name ?? 'Error'}: ${message}` : message };
      }
    }
    results.push(res);
    opts.progress?.(res, i, list.length);
  }
  const summary = { pass: 0, fail: 0, manual: 0, skipped: 0, error: 0, mustFailures: 0 };
  for (const r of results) {
    summary[r.status]++;
    if (r.level === 'MUST' && (r.status === 'fail' || r.status === 'error')) summary.mustFailures++;
  }
  return { target: target.url, startedAt: new Date(started).toISOString(), ms: Date.now() - started, results, summary, exitCode: summary.mustFailures === 0 ? 0 : 1 };
}

export function progressLine(r: CheckResult, i: number, n: number): string {
  const tag = { pass: 'PASS', fail: 'FAIL', manual: 'MANUAL', skipped: 'SKIP', error: 'ERROR' }[r.status];
  return `[${String(i + 1).padStart(String(n).length)}/${n}] ${tag.padEnd(6)} ${r.id} (${r.level}) ${Math.round(r.ms)} ms${r.message && r.status !== 'pass' ? ` — ${r.message}` : ''}`;
}

export function formatTable(rep: Report): string {
  const rows = rep.results.map((r) => [r.id, r.section, r.level, r.status, String(Math.round(r.ms))]);
  const head = ['id', 'section', 'level', 'status', 'ms'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ');
  const s = rep.summary;
  return [
    line(head),
    w.map((n) => '-'.repeat(n)).join('  '),
    ...rows.map(line),
    '',
    `${rep.results.length} checks: ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.manual} manual, ${s.skipped} skipped; MUST failures ${s.mustFailures}; ${(rep.ms / 1000).toFixed(1)} s`,
  ].join('\n');
}

const xmlEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd]/gu, '?');

export function toJUnit(rep: Report): string {
  const s = rep.summary;
  const cases = rep.results.map((r) => {
    const open = `    <testcase classname="ocauth.conformance.${r.kind}" name="${xmlEsc(`${r.id} (${r.level}, ${r.section})`)}" time="${(r.ms / 1000).toFixed(3)}">`;
    const body =
      r.status === 'fail' ? (r.level === 'MUST' ? `<failure type="${r.level}" message="${xmlEsc(r.message ?? '')}">${xmlEsc(r.text)}</failure>` : `<skipped message="${xmlEsc(`SHOULD not met: ${r.message ?? ''}`)}"/>`)
      : r.status === 'error' ? `<error message="${xmlEsc(r.message ?? '')}">${xmlEsc(r.text)}</error>`
      : r.status === 'manual' || r.status === 'skipped' ? `<skipped message="${xmlEsc(`${r.status}: ${r.message ?? ''}`)}"/>`
      : r.message ? `<system-out>${xmlEsc(r.message)}</system-out>` : '';
    return `${open}${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="ocauth conformance ${xmlEsc(rep.target)}" tests="${rep.results.length}" failures="${rep.results.filter((r) => r.status === 'fail' && r.level === 'MUST').length}" errors="${s.error}" skipped="${rep.results.filter((r) => r.status === 'manual' || r.status === 'skipped' || (r.status === 'fail' && r.level === 'SHOULD')).length}" time="${(rep.ms / 1000).toFixed(3)}" timestamp="${rep.startedAt}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
